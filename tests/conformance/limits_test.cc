// nats-reference.md §1.5, §7: limits and connection lifecycle. max_payload, max_control_line,
// max_connections, max_subscriptions, the authorization timeout, ping/pong pruning and the
// slow-consumer cut. Timing cases use short configured intervals and bounded waits.
#include "absl/strings/str_cat.h"
#include "tests/conformance/server_test_base.h"

namespace na::conformance {
namespace {

class LimitsTest : public ServerTest {};

TEST_F(LimitsTest, PayloadAtMaxPayloadIsAccepted) {
  StartServer("max_payload: 1024\n");
  ASSERT_OK_AND_ASSIGN(auto client, Connected(port()));
  std::string payload(1024, 'p');
  ASSERT_OK(client->Send(absl::StrCat("SUB big 1\r\nPUB big 1024\r\n", payload, "\r\nPING\r\n")));
  ASSERT_OK(client->Expect(absl::StrCat("MSG big 1 1024\r\n", payload, "\r\nPONG\r\n")));
}

TEST_F(LimitsTest, PayloadAboveMaxPayloadIsAViolationAndCloses) {
  StartServer("max_payload: 1024\n");
  ASSERT_OK_AND_ASSIGN(auto client, Connected(port()));
  // The declared size alone triggers it; the payload is never read.
  ASSERT_OK(client->Send("PUB big 1025\r\n"));
  EXPECT_OK(client->ExpectClosedAfter(Err("Maximum Payload Violation")));
}

TEST_F(LimitsTest, HeaderBytesCountTowardsMaxPayload) {
  StartServer("max_payload: 1024\n");
  ASSERT_OK_AND_ASSIGN(auto client, Connected(port(), kQuietHeaders));
  ASSERT_OK(client->Send("HPUB big 12 1025\r\n"));
  EXPECT_OK(client->ExpectClosedAfter(Err("Maximum Payload Violation")));
}

TEST_F(LimitsTest, DefaultMaxPayloadIsOneMebibyte) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort()));
  ASSERT_OK(client->Send("PUB big 1048577\r\n"));
  EXPECT_OK(client->ExpectClosedAfter(Err("Maximum Payload Violation")));
}

TEST_F(LimitsTest, ControlLineOverTheConfiguredLimitCloses) {
  StartServer("max_control_line: 256\n");
  ASSERT_OK_AND_ASSIGN(auto client, Connected(port()));
  ASSERT_OK(client->Send(absl::StrCat("SUB ", std::string(300, 'a'), " 1\r\n")));
  EXPECT_OK(client->ExpectClosedAfter(Err("maximum control line exceeded")));
}

TEST_F(LimitsTest, ControlLineUnderTheLimitIsFine) {
  StartServer("max_control_line: 256\n");
  ASSERT_OK_AND_ASSIGN(auto client, Connected(port()));
  std::string subject(200, 'a');
  ASSERT_OK(client->Send(absl::StrCat("SUB ", subject, " 1\r\nPUB ", subject,
                                      " 1\r\nx\r\n"
                                      "PING\r\n")));
  ASSERT_OK(client->Expect(absl::StrCat("MSG ", subject, " 1 1\r\nx\r\nPONG\r\n")));
}

TEST_F(LimitsTest, DefaultControlLineLimitIs4096) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort()));
  ASSERT_OK(client->Send(absl::StrCat("SUB ", std::string(5000, 'a'), " 1\r\n")));
  EXPECT_OK(client->ExpectClosedAfter(Err("maximum control line exceeded")));
}

TEST_F(LimitsTest, ConnectionOverMaxConnectionsGetsInfoThenErrorThenClose) {
  StartServer("max_connections: 1\n");
  ASSERT_OK_AND_ASSIGN(auto first, Connected(port()));
  ASSERT_OK_AND_ASSIGN(auto second, RawClient::Connect(port()));
  ASSERT_OK(second->ReadInfo().status());
  EXPECT_OK(second->ExpectClosedAfter(Err("maximum connections exceeded")));
  // The first connection is untouched.
  ASSERT_OK(first->Send("PING\r\n"));
  ASSERT_OK(first->Expect("PONG\r\n"));
}

TEST_F(LimitsTest, SubscriptionOverMaxSubscriptionsIsRejectedAndTheConnectionStays) {
  StartServer("max_subscriptions: 2\n");
  ASSERT_OK_AND_ASSIGN(auto client, Connected(port()));
  ASSERT_OK(client->Send("SUB s1 1\r\nSUB s2 2\r\nSUB s3 3\r\nPING\r\n"));
  ASSERT_OK(client->Expect(Err("maximum subscriptions exceeded") + "PONG\r\n"));
  ASSERT_OK(client->Send("PUB s3 1\r\nx\r\nPUB s2 1\r\ny\r\nPING\r\n"));
  ASSERT_OK(client->Expect("MSG s2 2 1\r\ny\r\nPONG\r\n"));
}

TEST_F(LimitsTest, NoConnectWithinTheAuthTimeoutCloses) {
  StartServer("authorization { user: u, password: p, timeout: 1 }\n");
  ASSERT_OK_AND_ASSIGN(auto client, RawClient::Connect(port()));
  ASSERT_OK(client->ReadInfo().status());
  absl::Time start = absl::Now();
  ASSERT_OK(client->ExpectNothing(absl::Milliseconds(700)));
  EXPECT_OK(client->ExpectClosedAfter(Err("Authentication Timeout"), absl::Seconds(2)));
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(2500));
}

TEST_F(LimitsTest, UnansweredPingsEndInStaleConnection) {
  StartServer("ping_interval: \"500ms\"\nping_max: 2\n");
  ASSERT_OK_AND_ASSIGN(auto client, Connected(port()));
  absl::Time start = absl::Now();
  EXPECT_OK(
      client->ExpectClosedAfter("PING\r\nPING\r\n" + Err("Stale Connection"), absl::Seconds(4)));
  absl::Duration took = absl::Now() - start;
  EXPECT_GT(took, absl::Milliseconds(1200));
  EXPECT_LT(took, absl::Milliseconds(3500));
}

TEST_F(LimitsTest, AnsweredPingsKeepTheConnection) {
  StartServer("ping_interval: \"500ms\"\nping_max: 2\n");
  ASSERT_OK_AND_ASSIGN(auto client, Connected(port()));
  for (int i = 0; i < 4; ++i) {
    ASSERT_OK(client->Expect("PING\r\n", absl::Seconds(2))) << "ping " << i;
    ASSERT_OK(client->Send("PONG\r\n"));
  }
  ASSERT_OK(client->Send("PING\r\n"));
  ASSERT_OK(client->ReadUntil("PONG\r\n"));
}

TEST_F(LimitsTest, SlowConsumerIsCutSilentlyWhileOthersKeepReceiving) {
  StartServer("max_payload: 32768\nmax_pending: 131072\nwrite_deadline: \"1s\"\n");
  // A tiny receive window so the server's queue for the slow reader fills fast.
  ::na::testing::RawClientOptions small_window;
  small_window.receive_buffer_bytes = 4096;
  ASSERT_OK_AND_ASSIGN(auto slow, RawClient::Connect(port(), small_window));
  ASSERT_OK(slow->Handshake(kQuiet));
  ASSERT_OK(slow->Send("SUB flood 1\r\nPING\r\n"));
  ASSERT_OK(slow->Expect("PONG\r\n"));
  ASSERT_OK_AND_ASSIGN(auto fast, Connected(port()));
  ASSERT_OK(fast->Send("SUB flood 1\r\nPING\r\n"));
  ASSERT_OK(fast->Expect("PONG\r\n"));
  ASSERT_OK_AND_ASSIGN(auto pub, Connected(port()));
  fast->set_answer_pings(true);
  pub->set_answer_pings(true);

  constexpr int kMessages = 400;
  const std::string payload(30000, 'z');
  const std::string op = absl::StrCat("PUB flood 30000\r\n", payload, "\r\n");
  const std::string delivery = absl::StrCat("MSG flood 1 30000\r\n", payload, "\r\n");
  // Publish in chunks while the fast subscriber drains, so nothing but the slow one backs up.
  for (int i = 0; i < kMessages; ++i) {
    ASSERT_OK(pub->Send(op));
    ASSERT_OK(fast->Expect(delivery, absl::Seconds(5))) << "message " << i;
  }
  ASSERT_OK(pub->Send("PING\r\n"));
  ASSERT_OK(pub->Expect("PONG\r\n"));
  // The slow one is closed with no -ERR; it may have received some messages first.
  ASSERT_OK_AND_ASSIGN(std::string slow_got, slow->ReadUntilClosed(absl::Seconds(5)));
  EXPECT_EQ(slow_got.find("-ERR"), std::string::npos);
  EXPECT_LT(slow_got.size(), kMessages * delivery.size());
  ASSERT_OK(fast->Send("PING\r\n"));
  ASSERT_OK(fast->Expect("PONG\r\n"));
}

}  // namespace
}  // namespace na::conformance
