// Behaviour of the client parser, one verb and one rule at a time. The expected results were
// checked against nats-server 2.9.10 on loopback (see README.md); where a comment says "the
// reference", the real server did the same thing with the same bytes.
#include "engine/protocol/client_parser.h"

#include <string>
#include <vector>

#include "engine/protocol/op_recorder.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace na::protocol {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

struct Result {
  std::vector<std::string> ops;
  ParseError error = ParseError::kNone;
};

Result Parse(absl::string_view input, ParserLimits limits = ParserLimits()) {
  ClientParser parser(limits);
  OpRecorder recorder;
  Result r;
  r.error = parser.Feed(input, recorder);
  r.ops = recorder.ops();
  return r;
}

// Feeds one byte at a time and returns the index of the byte whose Feed() returned an error, or
// -1 when none did.
int ErrorByteIndex(absl::string_view input, ParserLimits limits = ParserLimits()) {
  ClientParser parser(limits);
  OpRecorder recorder;
  for (size_t i = 0; i < input.size(); ++i) {
    if (parser.Feed(input.substr(i, 1), recorder) != ParseError::kNone) return static_cast<int>(i);
  }
  return -1;
}

// ---- verbs ----

TEST(ParserTest, Connect) {
  Result r = Parse("CONNECT {\"verbose\":false}\r\n");
  EXPECT_EQ(r.error, ParseError::kNone);
  EXPECT_THAT(r.ops, ElementsAre("CONNECT {\\\"verbose\\\":false}"));
}

TEST(ParserTest, ConnectNeedsNoSeparatorAndTakesTheFirstByteLiterally) {
  // The reference accepts "CONNECT{...}" and hands "\r" to the JSON parser for "CONNECT\r\n".
  EXPECT_THAT(Parse("CONNECT{}\r\n").ops, ElementsAre("CONNECT {}"));
  EXPECT_THAT(Parse("CONNECT\r\n").ops, ElementsAre("CONNECT \\r"));
  EXPECT_THAT(Parse("CONNECT \t {}\n").ops, ElementsAre("CONNECT {}"));
  // A first argument byte of '\n' does not end the line: "CONNECT \n{}\r\n" has arg "\n{}".
  EXPECT_THAT(Parse("CONNECT \n{}\r\n").ops, ElementsAre("CONNECT \\n{}"));
}

TEST(ParserTest, Pub) {
  Result r = Parse("PUB foo 5\r\nhello\r\n");
  EXPECT_EQ(r.error, ParseError::kNone);
  EXPECT_THAT(r.ops, ElementsAre("PUBARGS foo  -1 5", "PUB foo  -1 5 hello"));
}

TEST(ParserTest, PubWithReply) {
  EXPECT_THAT(Parse("PUB foo bar 2\r\nhi\r\n").ops,
              ElementsAre("PUBARGS foo bar -1 2", "PUB foo bar -1 2 hi"));
}

TEST(ParserTest, PubZeroSize) {
  Result r = Parse("PUB a 0\r\n\r\nPING\r\n");
  EXPECT_EQ(r.error, ParseError::kNone);
  EXPECT_THAT(r.ops, ElementsAre("PUBARGS a  -1 0", "PUB a  -1 0 ", "PING"));
}

TEST(ParserTest, PubPayloadMayHoldCrLf) {
  EXPECT_THAT(Parse("PUB a 4\r\n\r\n\r\n\r\n").ops,
              ElementsAre("PUBARGS a  -1 4", "PUB a  -1 4 \\r\\n\\r\\n"));
}

TEST(ParserTest, PubSizeWithLeadingZerosAndNineDigits) {
  EXPECT_THAT(Parse("PUB a 001\r\nx\r\n").ops, ElementsAre("PUBARGS a  -1 1", "PUB a  -1 1 x"));
  // Nine digits parse (the handler sees the size first and would refuse it); ten do not.
  ParserLimits limits;
  Result nine = Parse("PUB a 999999999\r\n", limits);
  EXPECT_THAT(nine.ops, ElementsAre("PUBARGS a  -1 999999999"));
  EXPECT_EQ(nine.error, ParseError::kBadPubArgs);  // beyond max_payload_hard_bytes
  Result ten = Parse("PUB a 0000000001\r\nx\r\n");
  EXPECT_EQ(ten.error, ParseError::kBadPubArgs);
  EXPECT_THAT(ten.ops, IsEmpty());
}

TEST(ParserTest, PubBadArguments) {
  for (absl::string_view input : {"PUB a\r\n", "PUB a b c d\r\n", "PUB a -1\r\n", "PUB a 1x\r\n",
                                  "PUB a b\r\n", "PUB a 1 r\r\n", "PUB \r\n", "PUB a +1\r\n"}) {
    Result r = Parse(input);
    EXPECT_EQ(r.error, ParseError::kBadPubArgs) << input;
    EXPECT_THAT(r.ops, IsEmpty()) << input;
  }
}

TEST(ParserTest, PubSplitsOnlyOnSpaceAndTab) {
  // PUB keeps '\r' inside a field (the reference's processPub); SUB splits on it.
  EXPECT_THAT(Parse("PUB a\rb 1\r\nx\r\n").ops,
              ElementsAre("PUBARGS a\\rb  -1 1", "PUB a\\rb  -1 1 x"));
}

TEST(ParserTest, Hpub) {
  Result r = Parse("HPUB foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\n");
  EXPECT_EQ(r.error, ParseError::kNone);
  EXPECT_THAT(r.ops, ElementsAre("PUBARGS foo  12 14", "PUB foo  12 14 NATS/1.0\\r\\n\\r\\nhi"));
}

TEST(ParserTest, HpubWithReplyAndSizes) {
  EXPECT_THAT(Parse("hpub foo bar 12 12\r\nNATS/1.0\r\n\r\n\r\n").ops,
              ElementsAre("PUBARGS foo bar 12 12", "PUB foo bar 12 12 NATS/1.0\\r\\n\\r\\n"));
  // "HPUB a 0 0" is accepted by the reference.
  EXPECT_THAT(Parse("HPUB a 0 0\r\n\r\n").ops, ElementsAre("PUBARGS a  0 0", "PUB a  0 0 "));
  EXPECT_THAT(Parse("HPUB a 0 1\r\nx\r\n").ops, ElementsAre("PUBARGS a  0 1", "PUB a  0 1 x"));
}

TEST(ParserTest, HpubBadArguments) {
  for (absl::string_view input :
       {"HPUB a 13 12\r\n", "HPUB a 2 1\r\n", "HPUB a 1\r\n", "HPUB a r s 1 2\r\n",
        "HPUB a x 2\r\n", "HPUB a 1 x\r\n", "HPUB a -1 2\r\n", "HPUB a r 1 0000000002\r\n"}) {
    Result r = Parse(input);
    EXPECT_EQ(r.error, ParseError::kBadHpubArgs) << input;
    EXPECT_THAT(r.ops, IsEmpty()) << input;
  }
}

TEST(ParserTest, Sub) {
  EXPECT_THAT(Parse("SUB foo 1\r\n").ops, ElementsAre("SUB foo  1"));
  EXPECT_THAT(Parse("SUB foo.* workers 22\r\n").ops, ElementsAre("SUB foo.* workers 22"));
}

TEST(ParserTest, SubSplitsOnCrAndTakesLeadingNewline) {
  // Checked on the reference: "SUB a\rb 1" is a queue subscription, "SUB \nfoo 1" subscribes foo.
  EXPECT_THAT(Parse("SUB a\rb 1\r\n").ops, ElementsAre("SUB a b 1"));
  EXPECT_THAT(Parse("SUB \nfoo 1\r\n").ops, ElementsAre("SUB foo  1"));
}

TEST(ParserTest, StrayCrDropsTheByteBeforeTheLineEnd) {
  // The reference remembers any '\r' in the arguments and then drops the last byte before '\n'
  // (checked live: "SUB a\rG\n" closes with "processSub Parse Error: \"a\r\"").
  EXPECT_EQ(Parse("SUB a\rG\n").error, ParseError::kBadSubArgs);
  EXPECT_THAT(Parse("SUB a\rb 12\n").ops, ElementsAre("SUB a b 1"));
  EXPECT_THAT(Parse("UNSUB 1 2\r3\n").ops, ElementsAre("UNSUB 1 2"));
  EXPECT_EQ(Parse("PUB a\rb 1\n").error, ParseError::kBadPubArgs);
  EXPECT_THAT(Parse("-ERR 'a\rb'\n").ops, ElementsAre("ERR \\'a\\rb"));
  // The first argument byte is not looked at, so a leading '\r' drops nothing.
  EXPECT_THAT(Parse("CONNECT \r{}\n").ops, ElementsAre("CONNECT \\r{}"));
}

TEST(ParserTest, SubBadArguments) {
  for (absl::string_view input : {"SUB a\r\n", "SUB a b c d\r\n", "SUB \r\n"}) {
    Result r = Parse(input);
    EXPECT_EQ(r.error, ParseError::kBadSubArgs) << input;
    EXPECT_THAT(r.ops, IsEmpty()) << input;
  }
}

TEST(ParserTest, Unsub) {
  EXPECT_THAT(Parse("UNSUB 1\r\n").ops, ElementsAre("UNSUB 1 -1"));
  EXPECT_THAT(Parse("UNSUB 1 5\r\n").ops, ElementsAre("UNSUB 1 5"));
  EXPECT_THAT(Parse("UNSUB 1 0\r\n").ops, ElementsAre("UNSUB 1 0"));
  // A malformed max is no max: the reference unsubscribes at once and stays open.
  EXPECT_THAT(Parse("UNSUB 1 abc\r\n").ops, ElementsAre("UNSUB 1 -1"));
}

TEST(ParserTest, UnsubBadArguments) {
  EXPECT_EQ(Parse("UNSUB 1 2 3\r\n").error, ParseError::kBadUnsubArgs);
  // With a separator but no sid the reference closes silently ...
  EXPECT_EQ(Parse("UNSUB \r\n").error, ParseError::kBadUnsubArgs);
  // ... without one it sends -ERR 'Unknown Protocol Operation'.
  EXPECT_EQ(Parse("UNSUB\r\n").error, ParseError::kUnknownOperation);
}

TEST(ParserTest, PingPong) {
  EXPECT_THAT(Parse("PING\r\nPONG\r\n").ops, ElementsAre("PING", "PONG"));
  EXPECT_THAT(Parse("ping\npong\n").ops, ElementsAre("PING", "PONG"));
}

TEST(ParserTest, PingIgnoresBytesUpToNewline) {
  // The reference answers "PINGxyz\r\n" and "PING\rPING\r\n" with one PONG each.
  EXPECT_THAT(Parse("PINGxyz\r\n").ops, ElementsAre("PING"));
  EXPECT_THAT(Parse("PING\rPING\r\n").ops, ElementsAre("PING"));
  EXPECT_THAT(Parse("PINGPONG\n").ops, ElementsAre("PING"));
  EXPECT_THAT(Parse("PING " + std::string(10000, 'x') + "\r\n").ops, ElementsAre("PING"));
}

TEST(ParserTest, InfoOkErr) {
  EXPECT_THAT(Parse("INFO {}\r\n").ops, ElementsAre("INFO {}"));
  EXPECT_THAT(Parse("INFO{}\r\n").ops, ElementsAre("INFO {}"));
  EXPECT_THAT(Parse("INFO\r\n").ops, ElementsAre("INFO \\r"));
  EXPECT_THAT(Parse("+OK\r\n+okxyz\n").ops, ElementsAre("OK", "OK"));
  EXPECT_THAT(Parse("-ERR 'bad thing'\r\n").ops, ElementsAre("ERR \\'bad thing\\'"));
  EXPECT_THAT(Parse("-err\t'x'\n").ops, ElementsAre("ERR \\'x\\'"));
  EXPECT_EQ(Parse("-ERR\r\n").error, ParseError::kUnknownOperation);
}

// ---- framing ----

TEST(ParserTest, VerbsAreCaseInsensitive) {
  Result r = Parse(
      "cOnNeCt {}\r\npUb a 1\r\nx\r\nhPuB a 12 12\r\nNATS/1.0\r\n\r\n\r\nsUb a 1\r\n"
      "uNsUb 1\r\npInG\r\npOnG\r\niNfO {}\r\n+oK\r\n-eRr x\r\n");
  EXPECT_EQ(r.error, ParseError::kNone);
  EXPECT_THAT(r.ops,
              ElementsAre("CONNECT {}", "PUBARGS a  -1 1", "PUB a  -1 1 x", "PUBARGS a  12 12",
                          "PUB a  12 12 NATS/1.0\\r\\n\\r\\n", "SUB a  1", "UNSUB 1 -1", "PING",
                          "PONG", "INFO {}", "OK", "ERR x"));
}

TEST(ParserTest, TabsAndRunsOfSeparators) {
  EXPECT_THAT(Parse("SUB\ta\t1\r\n").ops, ElementsAre("SUB a  1"));
  EXPECT_THAT(Parse("PuB\ta\t\t1\r\nx\r\n").ops, ElementsAre("PUBARGS a  -1 1", "PUB a  -1 1 x"));
  EXPECT_THAT(Parse("SUB  \t a \t\t q  \t 7 \t \r\n").ops, ElementsAre("SUB a q 7"));
  EXPECT_THAT(Parse("UNSUB \t 7\t \t9  \r\n").ops, ElementsAre("UNSUB 7 9"));
}

TEST(ParserTest, LfOnlyControlLines) {
  Result r = Parse("CONNECT {}\nSUB a 1\nPUB a 1\nx\r\nUNSUB 1\nPING\n");
  EXPECT_EQ(r.error, ParseError::kNone);
  EXPECT_THAT(r.ops, ElementsAre("CONNECT {}", "SUB a  1", "PUBARGS a  -1 1", "PUB a  -1 1 x",
                                 "UNSUB 1 -1", "PING"));
}

TEST(ParserTest, UnknownOperations) {
  for (absl::string_view input :
       {"XYZ\r\n", "\r\n", "\n", " PING\r\n", "P\r\n", "PUX a 1\r\n", "PUB\r\n", "SUB\r\n",
        "MSG a 1 0\r\n\r\n", "HMSG a 1 0 0\r\n", "CONNEX {}\r\n", "+KO\r\n", "INF {}\r\n"}) {
    Result r = Parse(input);
    EXPECT_EQ(r.error, ParseError::kUnknownOperation) << input;
    EXPECT_THAT(r.ops, IsEmpty()) << input;
  }
}

TEST(ParserTest, OperationsBeforeAnErrorAreDelivered) {
  Result r = Parse("PING\r\n\nPING\r\n");
  EXPECT_EQ(r.error, ParseError::kUnknownOperation);
  EXPECT_THAT(r.ops, ElementsAre("PING"));
}

TEST(ParserTest, ErrorIsTriggeredByTheOffendingByte) {
  EXPECT_EQ(ErrorByteIndex("PUX"), 2);
  EXPECT_EQ(ErrorByteIndex("PING\r\nQ"), 6);
  EXPECT_EQ(ErrorByteIndex("PUB\r\n"), 3);
  EXPECT_EQ(ErrorByteIndex("SUB a\r\n"), 6);  // arguments are judged at '\n'
  EXPECT_EQ(ErrorByteIndex("PUB a 1\r\nxy\r\n"), 10);
  EXPECT_EQ(ErrorByteIndex("PUB a 1\r\nx\rz"), 11);
  EXPECT_EQ(ErrorByteIndex("PUB a 1\r\nx\r\n"), -1);
}

TEST(ParserTest, PayloadTerminatorIsPositional) {
  // The reference: "PUB a 1\r\nxyz\r\n" is -ERR 'Unknown Protocol Operation' and a close.
  Result longer = Parse("PUB a 1\r\nxyz\r\n");
  EXPECT_EQ(longer.error, ParseError::kBadPayloadTerminator);
  EXPECT_THAT(longer.ops, ElementsAre("PUBARGS a  -1 1"));
  // A bare '\n' after a payload is an error even though control lines may end with one.
  EXPECT_EQ(Parse("PUB a 1\nx\n").error, ParseError::kBadPayloadTerminator);
  EXPECT_EQ(Parse("PUB a 1\r\nx\r\r").error, ParseError::kBadPayloadTerminator);
  EXPECT_EQ(Parse("PUB a 0\r\nx").error, ParseError::kBadPayloadTerminator);
  EXPECT_EQ(Parse("HPUB a 1 2\r\nabc\r\n").error, ParseError::kBadPayloadTerminator);
  // A shorter payload is simply incomplete.
  Result shorter = Parse("PUB a 5\r\nab\r\n");
  EXPECT_EQ(shorter.error, ParseError::kNone);
  EXPECT_THAT(shorter.ops, ElementsAre("PUBARGS a  -1 5"));
}

// ---- max control line ----

TEST(ParserTest, ControlLineLimitCountsOnlyTheArguments) {
  ParserLimits limits;
  limits.max_control_line_bytes = 10;
  // "a23456 789" is 10 bytes: the verb, the separators after it and the line end do not count.
  EXPECT_EQ(Parse("SUB \t  a23456 789\r\n", limits).error, ParseError::kNone);
  EXPECT_EQ(Parse("SUB a23456 789\n", limits).error, ParseError::kNone);
  EXPECT_EQ(Parse("SUB a234567 789\r\n", limits).error, ParseError::kControlLineTooLong);
  // Trailing separators do count (the reference fails "SUB <4094 bytes> 1   \r\n").
  EXPECT_EQ(Parse("SUB a23456 789 \r\n", limits).error, ParseError::kControlLineTooLong);
  EXPECT_EQ(Parse("PUB a2345678 78\r\n", limits).error, ParseError::kControlLineTooLong);
  EXPECT_EQ(Parse("CONNECT {\"a\":\"bcd\"}\r\n", limits).error, ParseError::kControlLineTooLong);
  EXPECT_EQ(Parse("-ERR 0123456789\r\n", limits).error, ParseError::kNone);
  EXPECT_EQ(Parse("-ERR 0123456789A\r\n", limits).error, ParseError::kControlLineTooLong);
}

TEST(ParserTest, ControlLineLimitDefaultMatchesReference) {
  // Checked live: "SUB <4094 x a> 1" (4096 bytes of arguments) works, one more byte fails.
  const std::string ok = "SUB " + std::string(4094, 'a') + " 1\r\nPING\r\n";
  const std::string bad = "SUB " + std::string(4095, 'a') + " 1\r\nPING\r\n";
  EXPECT_THAT(Parse(ok).ops, ElementsAre("SUB " + std::string(4094, 'a') + "  1", "PING"));
  EXPECT_EQ(Parse(bad).error, ParseError::kControlLineTooLong);
  EXPECT_THAT(Parse(bad).ops, IsEmpty());
}

TEST(ParserTest, ControlLineLimitFailsBeforeTheLineEnds) {
  ParserLimits limits;
  limits.max_control_line_bytes = 8;
  // Without a line end: 8 argument bytes wait for more; the 9th fails, as the reference does
  // at the end of a read.
  EXPECT_EQ(ErrorByteIndex("SUB 1234 678", limits), -1);
  EXPECT_EQ(ErrorByteIndex("SUB 1234 6789", limits), 12);
  // Once a '\r' is seen, one byte is not counted: the one the reference drops before '\n'.
  EXPECT_EQ(ErrorByteIndex("SUB 1234 678\r", limits), -1);
  EXPECT_EQ(ErrorByteIndex("SUB 1234 678\r\n", limits), -1);
  EXPECT_EQ(ErrorByteIndex("SUB 1234 678\rx", limits), 13);

  ClientParser parser(limits);
  OpRecorder recorder;
  EXPECT_EQ(parser.Feed("SUB 1234567", recorder), ParseError::kNone);
  EXPECT_LE(parser.buffered_bytes(), 8u);
  EXPECT_EQ(parser.Feed(std::string(1000, 'x'), recorder), ParseError::kControlLineTooLong);
}

TEST(ParserTest, ControlLineLimitCanChange) {
  ClientParser parser(ParserLimits{});
  OpRecorder recorder;
  parser.set_max_control_line_bytes(3);
  EXPECT_EQ(parser.Feed("SUB a 1\r\n", recorder), ParseError::kNone);
  EXPECT_EQ(parser.Feed("SUB ab 1\r\n", recorder), ParseError::kControlLineTooLong);
  EXPECT_THAT(recorder.ops(), ElementsAre("SUB a  1"));
}

// ---- handler and lifecycle ----

TEST(ParserTest, StopEndsParsing) {
  ClientParser parser(ParserLimits{});
  OpRecorder recorder(/*stop_after=*/2);
  EXPECT_EQ(parser.Feed("PING\r\nSUB a 1\r\nPING\r\n", recorder), ParseError::kNone);
  EXPECT_EQ(parser.Feed("PING\r\nXXX", recorder), ParseError::kNone);
  EXPECT_THAT(recorder.ops(), ElementsAre("PING", "SUB a  1"));
}

TEST(ParserTest, StopInPubArgsAbandonsThePayload) {
  ClientParser parser(ParserLimits{});
  OpRecorder recorder(/*stop_after=*/1);
  EXPECT_EQ(parser.Feed("PUB a 3\r\nabc\r\nPING\r\n", recorder), ParseError::kNone);
  EXPECT_THAT(recorder.ops(), ElementsAre("PUBARGS a  -1 3"));
}

TEST(ParserTest, ErrorIsSticky) {
  ClientParser parser(ParserLimits{});
  OpRecorder recorder;
  EXPECT_EQ(parser.Feed("XPING\r\n", recorder), ParseError::kUnknownOperation);
  EXPECT_EQ(parser.Feed("PING\r\n", recorder), ParseError::kUnknownOperation);
  EXPECT_EQ(parser.Feed("", recorder), ParseError::kUnknownOperation);
  EXPECT_THAT(recorder.ops(), IsEmpty());
}

TEST(ParserTest, PayloadBeyondHardBoundIsRefusedAfterTheHandlerSawIt) {
  ParserLimits limits;
  limits.max_payload_hard_bytes = 4;
  EXPECT_EQ(Parse("PUB a 4\r\nabcd\r\n", limits).error, ParseError::kNone);
  Result r = Parse("PUB a 5\r\nabcde\r\n", limits);
  EXPECT_EQ(r.error, ParseError::kBadPubArgs);
  EXPECT_THAT(r.ops, ElementsAre("PUBARGS a  -1 5"));
  EXPECT_EQ(Parse("HPUB a 1 5\r\n", limits).error, ParseError::kBadHpubArgs);
}

// Remembers where each payload and subject lived, to check what was copied.
class PointerHandler : public OpRecorder {
 public:
  Next OnPub(const PubOp& op) override {
    payloads.push_back(op.payload.data());
    subjects.push_back(op.subject.data());
    return OpRecorder::OnPub(op);
  }
  std::vector<const char*> payloads;
  std::vector<const char*> subjects;
};

TEST(ParserTest, WholePayloadIsNotCopied) {
  const std::string input = "PUB foo 5\r\nhello\r\n";
  ClientParser parser(ParserLimits{});
  PointerHandler handler;
  EXPECT_EQ(parser.Feed(input, handler), ParseError::kNone);
  ASSERT_EQ(handler.payloads.size(), 1u);
  EXPECT_EQ(handler.payloads[0], input.data() + 11);
  EXPECT_EQ(handler.subjects[0], input.data() + 4);
  EXPECT_EQ(parser.buffered_bytes(), 0u);
}

TEST(ParserTest, PayloadWholeInItsOwnFeedIsNotCopied) {
  ClientParser parser(ParserLimits{});
  PointerHandler handler;
  EXPECT_EQ(parser.Feed("PUB foo", handler), ParseError::kNone);
  EXPECT_EQ(parser.Feed(" 5\r\n", handler), ParseError::kNone);
  const std::string rest = "hello\r\n";
  EXPECT_EQ(parser.Feed(rest, handler), ParseError::kNone);
  ASSERT_EQ(handler.payloads.size(), 1u);
  EXPECT_EQ(handler.payloads[0], rest.data());
  EXPECT_THAT(handler.ops(), ElementsAre("PUBARGS foo  -1 5", "PUB foo  -1 5 hello"));
}

TEST(ParserTest, SplitPayloadIsBufferedThenReleased) {
  ClientParser parser(ParserLimits{});
  PointerHandler handler;
  std::string first = "PUB foo 5\r\nhel";
  EXPECT_EQ(parser.Feed(first, handler), ParseError::kNone);
  EXPECT_GT(parser.buffered_bytes(), 0u);
  first.assign(first.size(), '#');  // the caller reuses its buffer
  std::string second = "lo\r\n";
  EXPECT_EQ(parser.Feed(second, handler), ParseError::kNone);
  EXPECT_THAT(handler.ops(), ElementsAre("PUBARGS foo  -1 5", "PUB foo  -1 5 hello"));
  EXPECT_EQ(parser.buffered_bytes(), 0u);
}

TEST(ParserTest, PayloadCompleteButTerminatorSplit) {
  ClientParser parser(ParserLimits{});
  OpRecorder recorder;
  std::string first = "PUB foo 5\r\nhello\r";
  EXPECT_EQ(parser.Feed(first, recorder), ParseError::kNone);
  first.assign(first.size(), '#');
  EXPECT_EQ(parser.Feed("\n", recorder), ParseError::kNone);
  EXPECT_THAT(recorder.ops(), ElementsAre("PUBARGS foo  -1 5", "PUB foo  -1 5 hello"));
}

// Keeps copies of the raw argument text of each operation.
class ArgsHandler : public OpRecorder {
 public:
  Next OnPub(const PubOp& op) override {
    args.emplace_back(op.args);
    return OpRecorder::OnPub(op);
  }
  Next OnSub(const SubOp& op) override {
    args.emplace_back(op.args);
    return OpRecorder::OnSub(op);
  }
  Next OnUnsub(const UnsubOp& op) override {
    args.emplace_back(op.args);
    return OpRecorder::OnUnsub(op);
  }
  std::vector<std::string> args;
};

TEST(ParserTest, RawArgsSurviveSplits) {
  ClientParser parser(ParserLimits{});
  ArgsHandler handler;
  std::string first = "SUB  a\t1\r\nPUB foo  r 5\r\nhe";
  EXPECT_EQ(parser.Feed(first, handler), ParseError::kNone);
  first.assign(first.size(), '#');
  std::string second = "llo\r\nUNSUB 1 ";
  EXPECT_EQ(parser.Feed(second, handler), ParseError::kNone);
  second.assign(second.size(), '#');
  EXPECT_EQ(parser.Feed("2\r\n", handler), ParseError::kNone);
  EXPECT_THAT(handler.args, ElementsAre("a\t1", "foo  r 5", "1 2"));
}

TEST(ParserTest, ParseErrorTextNamesTheReferenceMessages) {
  EXPECT_EQ(ParseErrorText(ParseError::kUnknownOperation), "Unknown Protocol Operation");
  EXPECT_EQ(ParseErrorText(ParseError::kControlLineTooLong), "maximum control line exceeded");
  EXPECT_EQ(ParseErrorText(ParseError::kBadSubArgs), "processSub Parse Error");
}

}  // namespace
}  // namespace na::protocol
