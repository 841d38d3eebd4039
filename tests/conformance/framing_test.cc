// nats-reference.md §1.1, §1.4, §1.5: how control lines and payloads are framed, which malformed
// input gets -ERR 'Unknown Protocol Operation' and which closes silently.
#include "tests/conformance/server_test_base.h"

namespace na::conformance {
namespace {

class FramingTest : public ServerTest {};

TEST_F(FramingTest, VerbsAreCaseInsensitive) {
  ASSERT_OK_AND_ASSIGN(auto client, Open(DefaultPort()));
  ASSERT_OK(
      client->Send("connect {\"verbose\":false}\r\nsub lower 1\r\npub lower 2\r\nhi\r\n"
                   "Ping\r\n"));
  ASSERT_OK(client->Expect("MSG lower 1 2\r\nhi\r\nPONG\r\n"));
  ASSERT_OK(client->Send("uNsUb 1\r\nPuB lower 2\r\nhi\r\npInG\r\n"));
  ASSERT_OK(client->Expect("PONG\r\n"));
}

TEST_F(FramingTest, TabsAndRunsOfWhitespaceSeparateArguments) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort()));
  ASSERT_OK(client->Send("SUB\ttab\t1\r\nSUB  tab \t 2\r\nPUB\ttab\t \t2\r\nhi\r\nPING\r\n"));
  ASSERT_OK(client->Expect("MSG tab 1 2\r\nhi\r\nMSG tab 2 2\r\nhi\r\nPONG\r\n"));
}

TEST_F(FramingTest, ControlLinesMayEndInBareLf) {
  ASSERT_OK_AND_ASSIGN(auto client, Open(DefaultPort()));
  ASSERT_OK(client->Send("CONNECT {\"verbose\":false}\nSUB lf 1\nPUB lf 2\nhi\r\nPING\n"));
  ASSERT_OK(client->Expect("MSG lf 1 2\r\nhi\r\nPONG\r\n"));
}

TEST_F(FramingTest, PayloadEndingInBareLfIsAnError) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort()));
  ASSERT_OK(client->Send("PUB a 1\nx\n"));
  EXPECT_OK(client->ExpectClosedAfter(Err("Unknown Protocol Operation")));
}

TEST_F(FramingTest, PayloadLongerThanDeclaredIsAnError) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort()));
  ASSERT_OK(client->Send("SUB a 1\r\nPUB a 1\r\nxyz\r\n"));
  // Nothing is delivered: the byte after the payload must be \r.
  EXPECT_OK(client->ExpectClosedAfter(Err("Unknown Protocol Operation")));
}

TEST_F(FramingTest, EmptyPayloadIsFine) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort()));
  ASSERT_OK(client->Send("SUB empty 1\r\nPUB empty 0\r\n\r\nPING\r\n"));
  ASSERT_OK(client->Expect("MSG empty 1 0\r\n\r\nPONG\r\n"));
}

TEST_F(FramingTest, PayloadMayContainCrlf) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort()));
  ASSERT_OK(client->Send("SUB bin 1\r\nPUB bin 6\r\na\r\nb\r\n\r\nPING\r\n"));
  ASSERT_OK(client->Expect("MSG bin 1 6\r\na\r\nb\r\n\r\nPONG\r\n"));
}

TEST_F(FramingTest, ReplyComesBeforeTheSize) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort()));
  ASSERT_OK(client->Send("SUB req 1\r\nPUB req my.reply 2\r\nhi\r\nPING\r\n"));
  ASSERT_OK(client->Expect("MSG req 1 my.reply 2\r\nhi\r\nPONG\r\n"));
}

TEST_F(FramingTest, SizeBeforeReplyClosesSilently) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort()));
  ASSERT_OK(client->Send("PUB x 1 reply.1\r\n"));
  EXPECT_OK(client->ExpectClosedAfter(""));
}

TEST_F(FramingTest, NegativeSizeClosesSilently) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort()));
  ASSERT_OK(client->Send("PUB a -1\r\n"));
  EXPECT_OK(client->ExpectClosedAfter(""));
}

TEST_F(FramingTest, PubWithoutArgumentsIsUnknownProtocolOperation) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort()));
  ASSERT_OK(client->Send("PUB\r\n"));
  EXPECT_OK(client->ExpectClosedAfter(Err("Unknown Protocol Operation")));
}

TEST_F(FramingTest, UnknownVerbIsUnknownProtocolOperation) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort()));
  ASSERT_OK(client->Send("FOO bar\r\n"));
  EXPECT_OK(client->ExpectClosedAfter(Err("Unknown Protocol Operation")));
}

TEST_F(FramingTest, SubWithoutArgumentsIsUnknownProtocolOperation) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort()));
  ASSERT_OK(client->Send("SUB\r\n"));
  EXPECT_OK(client->ExpectClosedAfter(Err("Unknown Protocol Operation")));
}

TEST_F(FramingTest, SubWithOneArgumentClosesSilently) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort()));
  ASSERT_OK(client->Send("SUB onlysubject\r\n"));
  EXPECT_OK(client->ExpectClosedAfter(""));
}

TEST_F(FramingTest, SubWithFourArgumentsClosesSilently) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort()));
  ASSERT_OK(client->Send("SUB a q 2 extra\r\n"));
  EXPECT_OK(client->ExpectClosedAfter(""));
}

TEST_F(FramingTest, UnsubWithoutArgumentsIsUnknownProtocolOperation) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort()));
  ASSERT_OK(client->Send("UNSUB\r\n"));
  EXPECT_OK(client->ExpectClosedAfter(Err("Unknown Protocol Operation")));
}

TEST_F(FramingTest, HpubWithoutHeadersSupportClosesSilently) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort()));
  ASSERT_OK(client->Send("HPUB foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\n"));
  EXPECT_OK(client->ExpectClosedAfter(""));
}

TEST_F(FramingTest, SplitWritesAreReassembled) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort()));
  ASSERT_OK(client->Send("SUB split 1\r\nPING\r\n"));
  ASSERT_OK(client->Expect("PONG\r\n"));
  std::string op = "PUB split reply 5\r\nhello\r\nPING\r\n";
  for (char c : op) {
    ASSERT_OK(client->Send(std::string(1, c)));
  }
  ASSERT_OK(client->Expect("MSG split 1 reply 5\r\nhello\r\nPONG\r\n"));
}

TEST_F(FramingTest, PongFromClientIsAccepted) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort()));
  ASSERT_OK(client->Send("PONG\r\nPING\r\n"));
  ASSERT_OK(client->Expect("PONG\r\n"));
}

// The reference copies the size field into MSG as the publisher wrote it, leading zeros included.
TEST_F(FramingTest, SizeFieldIsRelayedAsWritten) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort()));
  ASSERT_OK(client->Send("SUB z 1\r\nPUB z 01\r\nx\r\nPING\r\n"));
  ASSERT_OK(client->Expect("MSG z 1 01\r\nx\r\nPONG\r\n"));
}

TEST_F(FramingTest, NonNumericSizeClosesSilently) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort()));
  ASSERT_OK(client->Send("PUB a x\r\n"));
  EXPECT_OK(client->ExpectClosedAfter(""));
}

TEST_F(FramingTest, PubWithTooManyArgumentsClosesSilently) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort()));
  ASSERT_OK(client->Send("PUB a 1 2 3\r\n"));
  EXPECT_OK(client->ExpectClosedAfter(""));
}

TEST_F(FramingTest, EmptyLineIsUnknownProtocolOperation) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort()));
  ASSERT_OK(client->Send("\r\nPING\r\n"));
  EXPECT_OK(client->ExpectClosedAfter(Err("Unknown Protocol Operation")));
}

// A reference quirk: after the four letters of PING the rest of the line is not looked at.
TEST_F(FramingTest, PingIgnoresTheRestOfItsLine) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort()));
  ASSERT_OK(client->Send("PING extra\r\n"));
  ASSERT_OK(client->Expect("PONG\r\n"));
  ASSERT_OK(client->Send("PINGX\r\n"));
  ASSERT_OK(client->Expect("PONG\r\n"));
}

TEST_F(FramingTest, HpubHeaderSizeAboveTotalClosesSilently) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort(), kQuietHeaders));
  ASSERT_OK(client->Send("HPUB foo 20 10\r\n"));
  EXPECT_OK(client->ExpectClosedAfter(""));
}

TEST_F(FramingTest, HpubHeaderBlockIsNotValidated) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort(), kQuietHeaders));
  ASSERT_OK(client->Send("SUB raw 1\r\nHPUB raw 5 10\r\nabcdefghij\r\nPING\r\n"));
  ASSERT_OK(client->Expect("HMSG raw 1 5 10\r\nabcdefghij\r\nPONG\r\n"));
}

TEST_F(FramingTest, HpubWithOnlyHeaders) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort(), kQuietHeaders));
  ASSERT_OK(client->Send("SUB ho 1\r\nHPUB ho 12 12\r\nNATS/1.0\r\n\r\n\r\nPING\r\n"));
  ASSERT_OK(client->Expect("HMSG ho 1 12 12\r\nNATS/1.0\r\n\r\n\r\nPONG\r\n"));
}

TEST_F(FramingTest, SecondConnectCanTurnHeadersOn) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort()));
  ASSERT_OK(
      client->Send("SUB late 1\r\nCONNECT {\"verbose\":false,\"headers\":true}\r\n"
                   "HPUB late 12 14\r\nNATS/1.0\r\n\r\nhi\r\nPING\r\n"));
  ASSERT_OK(client->Expect("HMSG late 1 12 14\r\nNATS/1.0\r\n\r\nhi\r\nPONG\r\n"));
}

TEST_F(FramingTest, VerboseAcknowledgesEveryAcceptedOperation) {
  ASSERT_OK_AND_ASSIGN(auto client, Open(DefaultPort()));
  ASSERT_OK(
      client->Send("CONNECT {\"verbose\":true}\r\nSUB a 1\r\nSUB a 2\r\nUNSUB 2\r\n"
                   "PUB b 0\r\n\r\nPING\r\n"));
  ASSERT_OK(client->Expect("+OK\r\n+OK\r\n+OK\r\n+OK\r\n+OK\r\nPONG\r\n"));
}

TEST_F(FramingTest, VerboseRejectedSubGetsOnlyTheError) {
  ASSERT_OK_AND_ASSIGN(auto client, Open(DefaultPort()));
  // A rejected SUB gets no +OK; a pedantic-rejected PUB is still processed, so it gets both.
  ASSERT_OK(
      client->Send("CONNECT {\"verbose\":true}\r\nSUB a..b 1\r\nPUB a.* 1\r\nx\r\n"
                   "PING\r\n"));
  ASSERT_OK(client->Expect("+OK\r\n" + Err("Invalid Subject") + Err("Invalid Publish Subject") +
                           "+OK\r\nPONG\r\n"));
}

}  // namespace
}  // namespace na::conformance
