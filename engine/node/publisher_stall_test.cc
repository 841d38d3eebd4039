// The publisher stall (client.go stalls / stalledWait in nats-server 2.9.10), driven through
// Node::Step: a publisher that delivers to a subscriber whose pending output passed half of
// max_pending has its reading paused, and reads again when that subscriber drains, closes, or
// the stall duration passes.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/client/client.h"
#include "engine/io/io.h"
#include "engine/io/testing/recording_effects.h"
#include "engine/node/node.h"
#include "engine/node/options.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace na::node {
namespace {

constexpr int64_t kMs = 1'000'000;

using Recorder = io::RecordingEffects;

// "MSG s 1 100\r\n" + 100 bytes + "\r\n".
constexpr uint64_t kMsgBytes = 115;

class PublisherStallTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Options options;
    options.host = "127.0.0.1";
    options.max_pending_bytes = 1000;  // the gate opens above 500
    options.debug = true;
    node_ = std::make_unique<Node>(options, 1);
    for (io::ConnId conn : {1, 2, 3}) {
      Step(io::ConnOpened{conn, io::ConnInfo{io::ConnKind::kClient, "127.0.0.1", 50000}});
      In(conn, "CONNECT {\"verbose\":false}\r\n");
    }
    In(1, "SUB s 1\r\n");
    // INFO went out and was written: every connection starts with nothing pending.
    for (auto& [conn, bytes] : fx_.out) Step(io::Flushed{conn, bytes.size(), true});
    fx_.out.clear();
  }

  void Step(const io::Input& in) { node_->Step(io::Time{now_ns_, now_ns_}, in, fx_); }
  void In(io::ConnId conn, absl::string_view bytes) { Step(io::BytesIn{conn, bytes}); }
  std::string Pubs(int n) {
    std::string s;
    for (int i = 0; i < n; ++i) absl::StrAppend(&s, "PUB s 100\r\n", std::string(100, 'x'), "\r\n");
    return s;
  }
  // Moves time on, firing due timers in deadline order.
  void Advance(int64_t ns) {
    const int64_t target = now_ns_ + ns;
    while (!fx_.timers.empty()) {
      auto next = fx_.timers.begin();
      for (auto it = fx_.timers.begin(); it != fx_.timers.end(); ++it) {
        if (it->second < next->second) next = it;
      }
      if (next->second > target) break;
      now_ns_ = std::max(now_ns_, next->second);
      const io::TimerId id = next->first;
      fx_.timers.erase(next);
      Step(io::TimerFired{id});
    }
    now_ns_ = target;
  }

  int64_t now_ns_ = 1'000 * kMs;
  Recorder fx_;
  std::unique_ptr<Node> node_;
};

TEST_F(PublisherStallTest, DurationFollowsTheReference) {
  using client::Client;
  EXPECT_EQ(Client::StallDurationNs(0, 1000), 100 * kMs);
  EXPECT_EQ(Client::StallDurationNs(549, 1000), 100 * kMs);
  EXPECT_EQ(Client::StallDurationNs(550, 1000), 200 * kMs);
  EXPECT_EQ(Client::StallDurationNs(999, 1000), 1000 * kMs);
  EXPECT_EQ(Client::StallDurationNs(1000, 1000), 1000 * kMs);
  EXPECT_EQ(Client::StallDurationNs(5000, 1000), 1000 * kMs);
}

TEST_F(PublisherStallTest, PausedWhileSubscriberIsOverHalfThenResumedWhenItDrains) {
  // Under half: nobody is paused.
  In(2, Pubs(4));  // 460 pending
  EXPECT_TRUE(fx_.paused.empty());
  // The 5th message takes it to 575 (> 500): the gate opens; the 6th is delivered through it.
  In(2, Pubs(2));
  EXPECT_EQ(fx_.out[1].size(), 6 * kMsgBytes);  // nothing is dropped or held back
  ASSERT_EQ(fx_.paused.count(2), 1u);
  // 575 pending when the 6th went through: 100 ms + 100 ms per 50 bytes over 500.
  EXPECT_EQ(fx_.paused[2], now_ns_ + 200 * kMs);
  EXPECT_EQ(fx_.paused.count(3), 0u);

  // A publisher that does not reach the gated subscriber is not paused.
  In(3, "PUB other 1\r\nx\r\nPING\r\n");
  EXPECT_EQ(fx_.out[3], "PONG\r\n");
  EXPECT_EQ(fx_.paused.count(3), 0u);

  // A partial flush that leaves it above half keeps the stall.
  Step(io::Flushed{1, 100, false});  // 590
  EXPECT_EQ(fx_.paused.count(2), 1u);
  // Below half: released before the deadline (the publisher goes on in a step of its own).
  Step(io::Flushed{1, 100, false});  // 490
  Advance(0);
  EXPECT_EQ(fx_.paused.count(2), 0u);
  EXPECT_THAT(fx_.resumed, testing::ElementsAre(2));
  Advance(2000 * kMs);
  EXPECT_THAT(fx_.logs, testing::Not(testing::Contains(testing::HasSubstr("producer stall"))));
}

TEST_F(PublisherStallTest, DrainedSubscriberReleasesEvenAboveHalfOfMaxPending) {
  In(2, Pubs(6));
  ASSERT_EQ(fx_.paused.count(2), 1u);
  // Everything attempted was written (client.go: n == attempted).
  Step(io::Flushed{1, 6 * kMsgBytes, true});
  Advance(0);
  EXPECT_EQ(fx_.paused.count(2), 0u);
  EXPECT_THAT(fx_.resumed, testing::ElementsAre(2));
}

TEST_F(PublisherStallTest, StallTimesOutAndTheNextReadStallsAgain) {
  In(2, Pubs(6));
  ASSERT_EQ(fx_.paused.count(2), 1u);
  Advance(200 * kMs);
  EXPECT_THAT(fx_.logs, testing::Contains(
                            testing::EndsWith("cid:2 - Timed out of fast producer stall (200ms)")));
  fx_.paused.clear();  // the runtime resumed on its own at the deadline
  // The subscriber still has not read: the next delivery stalls again, longer (690, then 805
  // pending when the message goes through).
  In(2, Pubs(1));
  ASSERT_EQ(fx_.paused.count(2), 1u);
  EXPECT_EQ(fx_.paused[2], now_ns_ + 400 * kMs);
  In(2, Pubs(1));
  EXPECT_EQ(fx_.paused[2], now_ns_ + 700 * kMs);
}

TEST_F(PublisherStallTest, RestOfAStalledReadWaitsForTheStall) {
  In(2, Pubs(5));  // 575 pending: the gate is open
  // One read of ten: the first meets the gate and goes through; the other nine wait, as behind
  // the reference's blocked read loop.
  In(2, Pubs(10) + "PING\r\n");
  EXPECT_EQ(fx_.out[1].size(), 6 * kMsgBytes);
  EXPECT_EQ(fx_.out[2], "");  // the PING waits too
  ASSERT_EQ(fx_.paused.count(2), 1u);
  EXPECT_EQ(fx_.paused[2], now_ns_ + 200 * kMs);
  // The stall times out: one more goes through and stalls again, longer (690 pending).
  Advance(200 * kMs);
  EXPECT_EQ(fx_.out[1].size(), 7 * kMsgBytes);
  EXPECT_EQ(fx_.paused[2], now_ns_ + 400 * kMs);
  // The subscriber drains: the publisher goes on until the gate opens again (after 5 more, the
  // 6th meets it).
  Step(io::Flushed{1, 7 * kMsgBytes, true});
  Advance(0);
  EXPECT_EQ(fx_.out[1].size(), 13 * kMsgBytes);
  EXPECT_EQ(fx_.out[2], "");
  ASSERT_EQ(fx_.paused.count(2), 1u);
  // Drained again: the last two and the PING go, and reading resumes.
  Step(io::Flushed{1, 6 * kMsgBytes, true});
  Advance(0);
  EXPECT_EQ(fx_.out[1].size(), 15 * kMsgBytes);
  EXPECT_EQ(fx_.out[2], "PONG\r\n");
  EXPECT_EQ(fx_.paused.count(2), 0u);
  EXPECT_EQ(fx_.resumed.back(), 2u);
  EXPECT_TRUE(fx_.closed.empty());
}

TEST_F(PublisherStallTest, SubscriberCloseReleasesThePublisher) {
  In(2, Pubs(6));
  ASSERT_EQ(fx_.paused.count(2), 1u);
  Step(io::ConnClosed{1, io::CloseCause::kEof});
  Advance(0);
  EXPECT_EQ(fx_.paused.count(2), 0u);
  EXPECT_THAT(fx_.resumed, testing::ElementsAre(2));
}

TEST_F(PublisherStallTest, FrozenSubscriberIsCutOnlyWhenItReachesMaxPending) {
  // One message per stall goes through while the subscriber never reads: 200, 400 and 700 ms
  // (690 and 805 pending), then the 9th would take it over max_pending and it is cut, which
  // lets the publisher go.
  In(2, Pubs(9) + "PING\r\n");
  EXPECT_EQ(fx_.out[1].size(), 6 * kMsgBytes);
  Advance(1299 * kMs);
  EXPECT_TRUE(fx_.closed.empty());
  EXPECT_EQ(fx_.out[1].size(), 8 * kMsgBytes);
  Advance(1 * kMs);
  EXPECT_THAT(fx_.closed, testing::ElementsAre(1));
  EXPECT_EQ(node_->counters().slow_consumers, 1u);
  EXPECT_EQ(fx_.out[2], "PONG\r\n");
  EXPECT_EQ(fx_.paused.count(2), 0u);
}

}  // namespace
}  // namespace na::node
