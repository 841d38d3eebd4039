// The publish path (parse PUB -> match -> write MSG to each subscriber) must not allocate once
// its buffers are warm. This binary replaces the global operator new with a counting one, so it
// is its own test target: the count covers everything Node::Step does, the parser, the sublist
// and the client included.
#include <atomic>
#include <cstdlib>
#include <new>
#include <string>

#include "absl/strings/str_cat.h"
#include "engine/node/node.h"
#include "gtest/gtest.h"

namespace {

std::atomic<uint64_t> allocations{0};

void* CountedAlloc(size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  std::abort();  // built without exceptions: there is no bad_alloc to throw
}

}  // namespace

void* operator new(size_t size) { return CountedAlloc(size); }
void* operator new[](size_t size) { return CountedAlloc(size); }
void* operator new(size_t size, const std::nothrow_t&) noexcept { return CountedAlloc(size); }
void* operator new[](size_t size, const std::nothrow_t&) noexcept { return CountedAlloc(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }

namespace na::node {
namespace {

// Counts what it is given and keeps nothing, so that the sink itself does not allocate.
class CountingEffects final : public io::Effects {
 public:
  void Send(io::ConnId conn, absl::string_view bytes) override {
    sent_bytes[conn % 8] += bytes.size();
  }
  void Close(io::ConnId, io::CloseMode) override { ++closes; }
  void ArmTimer(io::TimerId, int64_t) override {}
  void CancelTimer(io::TimerId) override {}
  void PauseReading(io::ConnId, int64_t) override { ++pauses; }
  void ResumeReading(io::ConnId) override {}
  void Log(io::LogLevel, absl::string_view) override { ++logs; }

  uint64_t sent_bytes[8] = {};
  int closes = 0;
  int logs = 0;
  int pauses = 0;
};

class NodeAllocTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Options options;
    options.host = "127.0.0.1";
    node_ = std::make_unique<Node>(options, 1);
  }
  void Open(io::ConnId conn, absl::string_view connect_and_subs) {
    node_->Step(now_, io::ConnOpened{conn, io::ConnInfo{io::ConnKind::kClient, "127.0.0.1", 1}},
                fx_);
    node_->Step(now_, io::BytesIn{conn, connect_and_subs}, fx_);
  }
  // Feeds the bytes `rounds` times (split where `splits` say) and returns the allocations made.
  uint64_t Publish(io::ConnId conn, const std::string& bytes, size_t split, int rounds) {
    const absl::string_view all(bytes);
    const uint64_t before = allocations.load();
    for (int i = 0; i < rounds; ++i) {
      if (split == 0 || split >= all.size()) {
        node_->Step(now_, io::BytesIn{conn, all}, fx_);
      } else {
        node_->Step(now_, io::BytesIn{conn, all.substr(0, split)}, fx_);
        node_->Step(now_, io::BytesIn{conn, all.substr(split)}, fx_);
      }
      // Keep pending bytes below max_pending, as a runtime reporting writes would.
      for (io::ConnId c = 1; c <= 4; ++c) {
        node_->Step(now_, io::Flushed{c, 1u << 20, true}, fx_);
      }
    }
    return allocations.load() - before;
  }

  io::Time now_{1'000'000, 1'700'000'000'000'000'000};
  CountingEffects fx_;
  std::unique_ptr<Node> node_;
};

TEST_F(NodeAllocTest, PublishToSubscribersAllocatesNothingAfterWarmUp) {
  const std::string connect = "CONNECT {\"verbose\":false,\"headers\":true}\r\n";
  Open(1, connect);  // publisher
  Open(2, absl::StrCat(connect, "SUB orders.* 1\r\nSUB orders.> 2\r\n"));
  Open(3, absl::StrCat(connect, "SUB orders.new q 1\r\n"));
  Open(4, absl::StrCat("CONNECT {\"verbose\":false}\r\n", "SUB orders.new q 7\r\n"));

  const std::string small = "PUB orders.new reply.1 5\r\nhello\r\n";
  const std::string headers = "HPUB orders.new 23 28\r\nNATS/1.0\r\nA: bcdefg\r\n\r\nhello\r\n";
  const std::string large = absl::StrCat("PUB orders.new 8000\r\n", std::string(8000, 'x'), "\r\n");
  const std::string batch = absl::StrCat(small, headers, large, small);

  // Warm-up: buffers grow to the longest line and payload, the match cache fills.
  Publish(1, batch, 0, 3);
  Publish(1, batch, 40, 3);
  Publish(1, batch, 2000, 3);
  const uint64_t delivered_before = fx_.sent_bytes[2];

  EXPECT_EQ(Publish(1, batch, 0, 100), 0u) << "whole reads";
  EXPECT_EQ(Publish(1, batch, 40, 100), 0u) << "control line split";
  EXPECT_EQ(Publish(1, batch, 2000, 100), 0u) << "payload split";
  EXPECT_EQ(fx_.closes, 0);
  EXPECT_EQ(fx_.logs, 0);
  // The measured rounds did deliver: each batch reaches both of subscriber 2's subscriptions.
  EXPECT_GT(fx_.sent_bytes[2] - delivered_before, 300u * 2 * 8000);
  EXPECT_EQ(node_->counters().in_msgs, 309u * 4);
}

}  // namespace
}  // namespace na::node
