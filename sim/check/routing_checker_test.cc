#include "sim/check/routing_checker.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/check/coverage.h"

namespace na::sim::check {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> Kinds(const RoutingChecker& c) {
  std::vector<std::string> kinds;
  for (const Violation& v : c.violations()) kinds.push_back(v.kind);
  return kinds;
}

// One publisher session and one subscriber session; the subscription on `filter` is confirmed
// at t=10 and every publish is confirmed 5 ns after it was sent.
class RoutingCheckerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pub_session_ = checker_.OpenSession(1);
    sub_session_ = checker_.OpenSession(2);
  }

  SubId Sub(const std::string& filter, const std::string& queue = "", int64_t max_msgs = -1) {
    SubRecord r;
    r.session = sub_session_;
    r.sid = std::to_string(++sids_);
    r.filter = filter;
    r.queue = queue;
    r.max_msgs = max_msgs;
    r.sent_ns = 1;
    const SubId id = checker_.Subscribed(r);
    checker_.SubConfirmed(id, 10);
    return id;
  }

  MsgId Pub(const std::string& subject, int64_t sent_ns) {
    PublishRecord r;
    r.session = pub_session_;
    r.seq = ++seq_;
    r.subject = subject;
    r.sent_ns = sent_ns;
    const MsgId id = checker_.Published(r);
    checker_.PublishConfirmed(id, sent_ns + 5);
    return id;
  }

  void End() {
    checker_.SessionDrained(pub_session_, 1000);
    checker_.SessionDrained(sub_session_, 1000);
    checker_.Finish();
  }

  RoutingChecker checker_;
  SessionId pub_session_ = 0;
  SessionId sub_session_ = 0;
  int sids_ = 0;
  uint64_t seq_ = 0;
};

TEST(FilterMatchesTest, Wildcards) {
  EXPECT_TRUE(FilterMatches("a.b", "a.b"));
  EXPECT_TRUE(FilterMatches("a.*", "a.b"));
  EXPECT_FALSE(FilterMatches("a.*", "a.b.c"));
  EXPECT_TRUE(FilterMatches("a.>", "a.b.c"));
  EXPECT_FALSE(FilterMatches("a.>", "a"));
  EXPECT_TRUE(FilterMatches(">", "a"));
  EXPECT_FALSE(FilterMatches("a.b", "a.c"));
  EXPECT_FALSE(FilterMatches("a.b.c", "a.b"));
  EXPECT_TRUE(FilterMatches("*.b.*", "x.b.y"));
}

TEST_F(RoutingCheckerTest, CleanHistoryPasses) {
  const SubId s = Sub("a.*");
  const MsgId m1 = Pub("a.x", 20);
  const MsgId m2 = Pub("a.y", 30);
  Pub("b.x", 40);  // not matching, not owed
  checker_.Delivered(s, "a.x", m1, 50);
  checker_.Delivered(s, "a.y", m2, 60);
  End();
  EXPECT_THAT(Kinds(checker_), IsEmpty());
}

TEST_F(RoutingCheckerTest, LostMessageIsReported) {
  const SubId s = Sub("a.*");
  const MsgId m1 = Pub("a.x", 20);
  Pub("a.y", 30);
  checker_.Delivered(s, "a.x", m1, 50);
  End();
  EXPECT_THAT(Kinds(checker_), ElementsAre("lost"));
}

TEST_F(RoutingCheckerTest, LossOnACutSessionIsAllowed) {
  Sub("a.*");
  Pub("a.x", 20);
  checker_.SessionLost(sub_session_);
  End();
  EXPECT_THAT(Kinds(checker_), IsEmpty());
}

TEST_F(RoutingCheckerTest, MessagePublishedBeforeConfirmationIsNotOwed) {
  Sub("a.*");
  Pub("a.x", 5);  // left before the SUB's PONG came back
  End();
  EXPECT_THAT(Kinds(checker_), IsEmpty());
}

TEST_F(RoutingCheckerTest, MessageConfirmedAfterTheFinalPingIsNotOwed) {
  Sub("a.*");
  Pub("a.x", 2000);  // confirmed after the subscriber's final PING left at 1000
  End();
  EXPECT_THAT(Kinds(checker_), IsEmpty());
}

TEST_F(RoutingCheckerTest, DuplicateIsReported) {
  const SubId s = Sub("a.*");
  const MsgId m1 = Pub("a.x", 20);
  checker_.Delivered(s, "a.x", m1, 50);
  checker_.Delivered(s, "a.x", m1, 51);
  End();
  EXPECT_THAT(Kinds(checker_), ElementsAre("duplicate"));
}

TEST_F(RoutingCheckerTest, ReorderIsReported) {
  const SubId s = Sub("a.*");
  const MsgId m1 = Pub("a.x", 20);
  const MsgId m2 = Pub("a.x", 30);
  checker_.Delivered(s, "a.x", m2, 50);
  checker_.Delivered(s, "a.x", m1, 51);
  End();
  EXPECT_THAT(Kinds(checker_), ElementsAre("reordered"));
}

TEST_F(RoutingCheckerTest, MisroutedMessageIsReported) {
  const SubId s = Sub("a.*");
  const MsgId m1 = Pub("b.x", 20);
  checker_.Delivered(s, "b.x", m1, 50);
  End();
  EXPECT_THAT(Kinds(checker_), ElementsAre("misrouted"));
}

TEST_F(RoutingCheckerTest, SubjectRewrittenInFlightIsMisrouted) {
  const SubId s = Sub("a.*");
  const MsgId m1 = Pub("a.x", 20);
  checker_.Delivered(s, "a.y", m1, 50);
  End();
  EXPECT_THAT(Kinds(checker_), ElementsAre("misrouted"));
}

TEST_F(RoutingCheckerTest, MessageFromNowhereIsReported) {
  const SubId s = Sub("a.*");
  checker_.Delivered(s, "a.x", 0, 50);
  End();
  EXPECT_THAT(Kinds(checker_), ElementsAre("unknown_message"));
}

TEST_F(RoutingCheckerTest, DeliveryAfterConfirmedUnsubscribeIsReported) {
  const SubId s = Sub("a.*");
  const MsgId m1 = Pub("a.x", 20);
  checker_.UnsubSent(s, 15);
  checker_.UnsubConfirmed(s);
  checker_.Delivered(s, "a.x", m1, 50);
  End();
  EXPECT_THAT(Kinds(checker_), ElementsAre("after_unsubscribe"));
}

TEST_F(RoutingCheckerTest, AutoUnsubscribeLimitIsEnforcedOnceConfirmed) {
  const SubId s = Sub("a.*", "", 1);
  const MsgId m1 = Pub("a.x", 20);
  const MsgId m2 = Pub("a.x", 30);
  const MsgId m3 = Pub("a.x", 40);
  checker_.Delivered(s, "a.x", m1, 50);
  checker_.Delivered(s, "a.x", m2, 51);
  checker_.Delivered(s, "a.x", m3, 52);
  End();
  EXPECT_THAT(Kinds(checker_), ElementsAre("over_max_msgs"));  // reported once
}

TEST_F(RoutingCheckerTest, DeliveriesPastTheLimitBeforeConfirmationAreAllowed) {
  // The server may route messages between parsing "SUB" and "UNSUB sid 1".
  SubRecord r;
  r.session = sub_session_;
  r.sid = "9";
  r.filter = "a.*";
  r.max_msgs = 1;
  const SubId s = checker_.Subscribed(r);
  const MsgId m1 = Pub("a.x", 1);
  const MsgId m2 = Pub("a.x", 2);
  checker_.Delivered(s, "a.x", m1, 3);
  checker_.Delivered(s, "a.x", m2, 4);
  checker_.SubConfirmed(s, 10);
  End();
  EXPECT_THAT(Kinds(checker_), IsEmpty());
}

TEST_F(RoutingCheckerTest, QueueGroupGetsEachMessageOnce) {
  const SubId q1 = Sub("a.*", "workers");
  const SubId q2 = Sub("a.*", "workers");
  const SubId other = Sub("a.*", "auditors");
  const MsgId m1 = Pub("a.x", 20);
  const MsgId m2 = Pub("a.x", 30);
  checker_.Delivered(q1, "a.x", m1, 50);
  checker_.Delivered(other, "a.x", m1, 50);
  checker_.Delivered(q2, "a.x", m2, 51);
  checker_.Delivered(other, "a.x", m2, 51);
  End();
  EXPECT_THAT(Kinds(checker_), IsEmpty());
}

TEST_F(RoutingCheckerTest, QueueGroupDoubleDeliveryIsReported) {
  const SubId q1 = Sub("a.*", "workers");
  const SubId q2 = Sub("a.*", "workers");
  const MsgId m1 = Pub("a.x", 20);
  checker_.Delivered(q1, "a.x", m1, 50);
  checker_.Delivered(q2, "a.x", m1, 51);
  End();
  EXPECT_THAT(Kinds(checker_), ElementsAre("queue_group_twice"));
}

TEST_F(RoutingCheckerTest, QueueGroupSpansFilters) {
  // One queue name is one group, whatever the filters (nats-server groups by name).
  const SubId q1 = Sub("a.*", "workers");
  const SubId q2 = Sub("a.>", "workers");
  const MsgId m1 = Pub("a.x", 20);
  checker_.Delivered(q1, "a.x", m1, 50);
  checker_.Delivered(q2, "a.x", m1, 51);
  End();
  EXPECT_THAT(Kinds(checker_), ElementsAre("queue_group_twice"));
}

TEST_F(RoutingCheckerTest, QueueGroupLossIsReported) {
  Sub("a.*", "workers");
  Sub("a.*", "workers");
  Pub("a.x", 20);
  End();
  EXPECT_THAT(Kinds(checker_), ElementsAre("lost"));
}

TEST_F(RoutingCheckerTest, OversizeDeliveryIsReported) {
  const SubId s = Sub("a.*");
  PublishRecord r;
  r.session = pub_session_;
  r.seq = 1;
  r.subject = "a.x";
  r.sent_ns = 20;
  r.oversize = true;
  const MsgId m = checker_.Published(r);
  checker_.Delivered(s, "a.x", m, 50);
  End();
  EXPECT_THAT(Kinds(checker_), ElementsAre("oversize_delivered"));
}

TEST_F(RoutingCheckerTest, SlowDeliveryIsReportedOnceBounded) {
  const SubId s = Sub("a.*");
  const MsgId early = Pub("a.x", 20);
  checker_.BoundLatency(100, 50);
  const MsgId late = Pub("a.x", 200);
  checker_.Delivered(s, "a.x", early, 190);  // sent before the bound applies
  checker_.Delivered(s, "a.x", late, 300);
  End();
  EXPECT_THAT(Kinds(checker_), ElementsAre("slow_delivery"));
}

TEST_F(RoutingCheckerTest, OversizePublishMustNotBeConfirmed) {
  PublishRecord r;
  r.session = pub_session_;
  r.seq = 1;
  r.subject = "a.x";
  r.sent_ns = 20;
  r.oversize = true;
  checker_.PublishConfirmed(checker_.Published(r), 30);
  End();
  EXPECT_THAT(Kinds(checker_), ElementsAre("oversize_accepted"));
}

TEST_F(RoutingCheckerTest, CorruptedContentIsReported) {
  PublishRecord r;
  r.session = pub_session_;
  r.seq = 1;
  r.subject = "a.x";
  r.reply = "r.1";
  r.headers = "NATS/1.0\r\n\r\n";
  r.body = "m1.xx";
  const MsgId m = checker_.Published(r);
  checker_.CheckContent(m, "r.1", true, "NATS/1.0\r\n\r\n", "m1.xx", 50);  // intact
  checker_.CheckContent(m, "r.1", true, "NATS/1.0\r\n\r\n", "m1.x", 51);   // truncated
  checker_.CheckContent(m, "r.2", true, "NATS/1.0\r\n\r\n", "m1.xx", 52);  // wrong reply
  checker_.CheckContent(m, "r.1", false, "", "m1.xx", 53);                 // headers lost
  End();
  EXPECT_THAT(Kinds(checker_), ElementsAre("corrupted", "corrupted", "corrupted"));
}

TEST(CoverageTest, ListsProbesNeverReached) {
  Coverage a;
  a.Hit("reconnect");
  Coverage b;
  b.Hit("reconnect");
  b.Hit("slow_consumer_cut");
  a.Merge(b);
  EXPECT_EQ(a.count("reconnect"), 2u);
  EXPECT_EQ(a.Summary(), "slow_consumer_cut=1 reconnect=2");
  const std::vector<std::string> never = a.NeverReached();
  EXPECT_EQ(never.size(), Coverage::Names().size() - 2);
  EXPECT_EQ(never.front(), "slow_consumer_max_pending");
}

}  // namespace
}  // namespace na::sim::check
