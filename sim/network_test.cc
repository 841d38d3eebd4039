#include "sim/network.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace na::sim {
namespace {

class FakeNode : public NodeEndpoint {
 public:
  bool up() const override { return true; }
  void OnConnOpened(LinkId link) override { opened.push_back(link); }
  void OnBytes(LinkId link, absl::string_view bytes) override {
    received.append(bytes.data(), bytes.size());
    ++reads;
  }
  void OnConnClosed(LinkId link, io::CloseCause cause) override { closed.push_back(cause); }
  void OnWindowOpened(LinkId link) override { ++window_opened; }

  std::vector<LinkId> opened;
  std::string received;
  int reads = 0;
  std::vector<io::CloseCause> closed;
  int window_opened = 0;
};

class FakeClient : public ClientEndpoint {
 public:
  bool reading() const override { return is_reading; }
  void OnBytes(LinkId link, absl::string_view bytes) override {
    received.append(bytes.data(), bytes.size());
  }
  void OnClosed(LinkId link, bool reset) override { closes.push_back(reset); }
  void OnDialFailed() override { ++dial_failures; }

  bool is_reading = true;
  std::string received;
  std::vector<bool> closes;  // true: reset, false: EOF
  int dial_failures = 0;
};

class NetworkTest : public ::testing::Test {
 protected:
  NetworkTest() {
    plan_.latency_min_ns = 100'000;
    plan_.latency_max_ns = 800'000;
    plan_.socket_window_bytes = 1000;
  }

  void RunFor(int64_t ns) {
    const int64_t until = queue_.now_ns() + ns;
    while (queue_.RunNext(until)) {
    }
  }

  LinkId Connect() {
    const LinkId link = network_.Dial(&client_, 0, &node_, 0);
    RunFor(kSecond);
    return link;
  }

  FaultPlan plan_;  // every fault off: only latency and splitting
  EventQueue queue_;
  Trace trace_;
  check::Coverage coverage_;
  Network network_{queue_, trace_, coverage_, Prng(42), plan_};
  FakeNode node_;
  FakeClient client_;
};

TEST_F(NetworkTest, BytesArriveInOrderSplitAtRandomPoints) {
  const LinkId link = Connect();
  ASSERT_NE(link, 0u);
  EXPECT_THAT(node_.opened, ::testing::ElementsAre(link));
  std::string sent;
  for (int i = 0; i < 200; ++i) {
    const std::string piece = absl::StrCat("PUB subject.", i, " 5\r\nhello\r\n");
    network_.ClientWrite(link, piece);
    sent += piece;
    if (i % 7 == 0) RunFor(50'000);
  }
  RunFor(kSecond);
  EXPECT_EQ(node_.received, sent);
  // Some reads must have cut a write in two: the receiver must cope with any split.
  EXPECT_GT(node_.reads, 0);
  EXPECT_NE(node_.reads, 200);
}

TEST_F(NetworkTest, ReceiveWindowPushesBackOnTheNode) {
  const LinkId link = Connect();
  client_.is_reading = false;
  EXPECT_EQ(network_.WindowFree(link), 1000u);
  network_.NodeWrite(link, std::string(1000, 'x'));
  EXPECT_EQ(network_.WindowFree(link), 0u);
  RunFor(10 * kSecond);
  EXPECT_TRUE(client_.received.empty());
  EXPECT_EQ(network_.WindowFree(link), 0u);

  client_.is_reading = true;
  network_.ClientResumed(link);
  RunFor(kSecond);
  EXPECT_EQ(client_.received, std::string(1000, 'x'));
  EXPECT_EQ(network_.WindowFree(link), 1000u);
  EXPECT_GT(node_.window_opened, 0);
}

TEST_F(NetworkTest, PartitionHoldsBytesUntilHealed) {
  const LinkId link = Connect();
  network_.Partition(0, 0, /*to_node=*/true, /*to_client=*/false);
  network_.ClientWrite(link, "PING\r\n");
  network_.NodeWrite(link, "PONG\r\n");
  RunFor(30 * kSecond);
  EXPECT_EQ(node_.received, "");            // held
  EXPECT_EQ(client_.received, "PONG\r\n");  // the other direction is open
  network_.HealAll();
  RunFor(kSecond);
  EXPECT_EQ(node_.received, "PING\r\n");
}

TEST_F(NetworkTest, DialIntoAPartitionFails) {
  network_.Partition(0, 0, true, true);
  EXPECT_EQ(network_.Dial(&client_, 0, &node_, 0), 0u);
  RunFor(5 * kSecond);
  EXPECT_EQ(client_.dial_failures, 1);
  EXPECT_TRUE(node_.opened.empty());
}

TEST_F(NetworkTest, ClientCloseReachesTheNodeAfterItsBytes) {
  const LinkId link = Connect();
  network_.ClientWrite(link, "UNSUB 1\r\n");
  network_.ClientClose(link, /*abort=*/false);
  RunFor(kSecond);
  EXPECT_EQ(node_.received, "UNSUB 1\r\n");
  EXPECT_THAT(node_.closed, ::testing::ElementsAre(io::CloseCause::kEof));
  EXPECT_TRUE(client_.closes.empty());  // the client closed; nobody tells it
}

TEST_F(NetworkTest, NodeGracefulCloseDeliversBytesThenEof) {
  const LinkId link = Connect();
  network_.NodeWrite(link, "-ERR 'Stale Connection'\r\n");
  network_.NodeClose(link, /*abort=*/false);
  RunFor(kSecond);
  EXPECT_EQ(client_.received, "-ERR 'Stale Connection'\r\n");
  EXPECT_THAT(client_.closes, ::testing::ElementsAre(false));
  EXPECT_TRUE(node_.closed.empty());  // the node closed; nobody tells it
}

TEST_F(NetworkTest, NodeAbortAndCrashResetTheClient) {
  const LinkId a = Connect();
  network_.NodeWrite(a, "MSG a 1 1\r\nx\r\n");
  network_.NodeClose(a, /*abort=*/true);
  RunFor(kSecond);
  EXPECT_THAT(client_.closes, ::testing::ElementsAre(true));

  const LinkId b = Connect();
  ASSERT_NE(b, a);
  network_.NodeCrashed(0);
  RunFor(kSecond);
  EXPECT_THAT(client_.closes, ::testing::ElementsAre(true, true));
  EXPECT_TRUE(node_.closed.empty());  // a dead process hears nothing
}

TEST_F(NetworkTest, WritesToAClosedClientResetTheNodeSide) {
  const LinkId link = Connect();
  network_.Partition(0, 0, /*to_node=*/true, /*to_client=*/false);
  network_.ClientClose(link, /*abort=*/false);  // the FIN is stuck behind the partition
  network_.NodeWrite(link, "MSG a 1 1\r\nx\r\n");
  RunFor(kSecond);
  EXPECT_THAT(node_.closed, ::testing::ElementsAre(io::CloseCause::kReset));
}

}  // namespace
}  // namespace na::sim
