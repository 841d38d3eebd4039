// nats-reference.md §1.1–1.3: the INFO line, CONNECT and its defaults, and what the server
// accepts before CONNECT.
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "tests/conformance/server_test_base.h"

namespace na::conformance {
namespace {

using ::testing::ElementsAre;

class InfoConnectTest : public ServerTest {};

TEST_F(InfoConnectTest, InfoIsTheFirstLineWithKeysInTheReferenceOrder) {
  int port = DefaultPort();
  ASSERT_OK_AND_ASSIGN(auto client, RawClient::Connect(port));
  // "INFO " + JSON + " \r\n": the space before CRLF is part of the reference's framing.
  ASSERT_OK_AND_ASSIGN(std::string info, client->ReadInfo());
  EXPECT_THAT(TopLevelKeys(info),
              ElementsAre("server_id", "server_name", "version", "proto", "go", "host", "port",
                          "headers", "max_payload", "client_id", "client_ip"))
      << info;
  EXPECT_EQ(TopLevelValue(info, "proto"), "1");
  EXPECT_EQ(TopLevelValue(info, "host"), "\"127.0.0.1\"");
  EXPECT_EQ(TopLevelValue(info, "port"), absl::StrCat(port));
  EXPECT_EQ(TopLevelValue(info, "headers"), "true");
  EXPECT_EQ(TopLevelValue(info, "max_payload"), "1048576");
  EXPECT_EQ(TopLevelValue(info, "client_ip"), "\"127.0.0.1\"");
  // server_name defaults to server_id, a 56-character nkey public key starting with N.
  std::string id = TopLevelValue(info, "server_id");
  EXPECT_EQ(id.size(), 58u) << id;
  EXPECT_EQ(id.substr(0, 2), "\"N") << id;
  EXPECT_EQ(TopLevelValue(info, "server_name"), id);
}

TEST_F(InfoConnectTest, ClientIdIncreasesPerConnection) {
  int port = DefaultPort();
  ASSERT_OK_AND_ASSIGN(auto first, RawClient::Connect(port));
  ASSERT_OK_AND_ASSIGN(std::string first_info, first->ReadInfo());
  ASSERT_OK_AND_ASSIGN(auto second, RawClient::Connect(port));
  ASSERT_OK_AND_ASSIGN(std::string second_info, second->ReadInfo());
  uint64_t a = 0, b = 0;
  ASSERT_TRUE(absl::SimpleAtoi(TopLevelValue(first_info, "client_id"), &a)) << first_info;
  ASSERT_TRUE(absl::SimpleAtoi(TopLevelValue(second_info, "client_id"), &b)) << second_info;
  EXPECT_GT(b, a);
}

TEST_F(InfoConnectTest, ServerNameFlagSetsServerName) {
  StartServer("", {"-n", "conformance-node"});
  ASSERT_OK_AND_ASSIGN(auto client, RawClient::Connect(port()));
  ASSERT_OK_AND_ASSIGN(std::string info, client->ReadInfo());
  EXPECT_EQ(TopLevelValue(info, "server_name"), "\"conformance-node\"");
  EXPECT_NE(TopLevelValue(info, "server_id"), "\"conformance-node\"");
}

TEST_F(InfoConnectTest, MaxPayloadFromConfigIsAnnounced) {
  StartServer("max_payload: 4096\n");
  ASSERT_OK_AND_ASSIGN(auto client, RawClient::Connect(port()));
  ASSERT_OK_AND_ASSIGN(std::string info, client->ReadInfo());
  EXPECT_EQ(TopLevelValue(info, "max_payload"), "4096");
}

TEST_F(InfoConnectTest, AuthRequiredAppearsAfterHeadersWhenAuthIsConfigured) {
  StartServer("authorization { token: \"s3cr3t\" }\n");
  ASSERT_OK_AND_ASSIGN(auto client, RawClient::Connect(port()));
  ASSERT_OK_AND_ASSIGN(std::string info, client->ReadInfo());
  EXPECT_THAT(TopLevelKeys(info),
              ElementsAre("server_id", "server_name", "version", "proto", "go", "host", "port",
                          "headers", "auth_required", "max_payload", "client_id", "client_ip"))
      << info;
  EXPECT_EQ(TopLevelValue(info, "auth_required"), "true");
  // Token-only auth sends no nonce.
  EXPECT_EQ(TopLevelValue(info, "nonce"), "");
}

TEST_F(InfoConnectTest, VerboseIsOnByDefault) {
  ASSERT_OK_AND_ASSIGN(auto client, Open(DefaultPort()));
  ASSERT_OK(client->Send("CONNECT {}\r\n"));
  ASSERT_OK(client->Expect("+OK\r\n"));
  ASSERT_OK(client->Send("SUB foo 1\r\nPING\r\n"));
  ASSERT_OK(client->Expect("+OK\r\nPONG\r\n"));
}

TEST_F(InfoConnectTest, VerboseFalseSilencesOk) {
  ASSERT_OK_AND_ASSIGN(auto client, Open(DefaultPort()));
  ASSERT_OK(client->Send("CONNECT {\"verbose\":false}\r\nSUB foo 1\r\nPUB foo 0\r\n\r\nPING\r\n"));
  ASSERT_OK(client->Expect("MSG foo 1 0\r\n\r\nPONG\r\n"));
}

TEST_F(InfoConnectTest, PublishBeforeConnectIsAcceptedWithVerboseDefaults) {
  ASSERT_OK_AND_ASSIGN(auto client, Open(DefaultPort()));
  ASSERT_OK(client->Send("SUB pre 1\r\nPUB pre 2\r\nhi\r\n"));
  ASSERT_OK(client->Expect("+OK\r\n+OK\r\nMSG pre 1 2\r\nhi\r\n"));
}

TEST_F(InfoConnectTest, PingBeforeConnectGetsPong) {
  ASSERT_OK_AND_ASSIGN(auto client, Open(DefaultPort()));
  ASSERT_OK(client->Send("PING\r\n"));
  ASSERT_OK(client->Expect("PONG\r\n"));
}

TEST_F(InfoConnectTest, PedanticIsOnByDefault) {
  ASSERT_OK_AND_ASSIGN(auto client, Open(DefaultPort()));
  ASSERT_OK(client->Send("CONNECT {\"verbose\":false}\r\nSUB foo.* 1\r\nPUB foo.* 1\r\nx\r\n"));
  // Pedantic rejects the wildcard publish subject, yet 2.9 still routes the message.
  ASSERT_OK(client->Expect(Err("Invalid Publish Subject") + "MSG foo.* 1 1\r\nx\r\n"));
  ASSERT_OK(client->Send("PING\r\n"));
  ASSERT_OK(client->Expect("PONG\r\n"));
}

TEST_F(InfoConnectTest, BadConnectJsonClosesSilently) {
  ASSERT_OK_AND_ASSIGN(auto client, Open(DefaultPort()));
  ASSERT_OK(client->Send("CONNECT {\"verbose\":fals\r\n"));
  EXPECT_OK(client->ExpectClosedAfter(""));
}

TEST_F(InfoConnectTest, ProtocolAboveOneIsRejected) {
  ASSERT_OK_AND_ASSIGN(auto client, Open(DefaultPort()));
  ASSERT_OK(client->Send("CONNECT {\"verbose\":false,\"protocol\":2}\r\n"));
  EXPECT_OK(client->ExpectClosedAfter(Err("invalid client protocol")));
}

TEST_F(InfoConnectTest, NegativeProtocolIsRejected) {
  ASSERT_OK_AND_ASSIGN(auto client, Open(DefaultPort()));
  ASSERT_OK(client->Send("CONNECT {\"verbose\":false,\"protocol\":-1}\r\n"));
  EXPECT_OK(client->ExpectClosedAfter(Err("invalid client protocol")));
}

TEST_F(InfoConnectTest, NoRespondersWithoutHeadersIsRejected) {
  ASSERT_OK_AND_ASSIGN(auto client, Open(DefaultPort()));
  ASSERT_OK(client->Send("CONNECT {\"verbose\":false,\"no_responders\":true}\r\n"));
  EXPECT_OK(client->ExpectClosedAfter(Err("no responders requires headers support")));
}

TEST_F(InfoConnectTest, SecondConnectIsAllowedAndKeepsUnmentionedOptions) {
  ASSERT_OK_AND_ASSIGN(auto client, Open(DefaultPort()));
  ASSERT_OK(client->Send("CONNECT {\"verbose\":false}\r\nPING\r\n"));
  ASSERT_OK(client->Expect("PONG\r\n"));
  // The second CONNECT does not mention verbose, so it stays false.
  ASSERT_OK(client->Send("CONNECT {\"name\":\"again\"}\r\nPING\r\n"));
  ASSERT_OK(client->Expect("PONG\r\n"));
  ASSERT_OK(client->Send("CONNECT {\"verbose\":true}\r\nPING\r\n"));
  ASSERT_OK(client->Expect("+OK\r\nPONG\r\n"));
}

TEST_F(InfoConnectTest, InfoFromClientIsIgnored) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort()));
  ASSERT_OK(client->Send("INFO {}\r\nPING\r\n"));
  ASSERT_OK(client->Expect("PONG\r\n"));
}

TEST_F(InfoConnectTest, InfoFromClientWithBadJsonClosesSilently) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort()));
  ASSERT_OK(client->Send("INFO {x\r\nPING\r\n"));
  EXPECT_OK(client->ExpectClosedAfter(""));
}

TEST_F(InfoConnectTest, FirstServerPingArrivesAboutTwoSecondsAfterConnect) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort()));
  absl::Time start = absl::Now();
  // Not within the first second...
  ASSERT_OK(client->ExpectNothing(absl::Seconds(1)));
  // ...but by about 2 s plus the reference's jitter of up to 20%.
  ASSERT_OK(client->Expect("PING\r\n", absl::Milliseconds(2000)));
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(2900));
  ASSERT_OK(client->Send("PONG\r\n"));
}

}  // namespace
}  // namespace na::conformance
