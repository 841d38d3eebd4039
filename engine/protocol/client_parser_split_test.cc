// The parser must give the same operations and the same error however its input is split:
// whole, one byte at a time, at every single split point, and at random multi-way splits.
#include <string>
#include <vector>

#include "engine/base/random.h"
#include "engine/protocol/client_parser.h"
#include "engine/protocol/op_recorder.h"
#include "gtest/gtest.h"

namespace na::protocol {
namespace {

struct Outcome {
  std::string ops;
  ParseError error = ParseError::kNone;
  bool operator==(const Outcome& other) const { return ops == other.ops && error == other.error; }
};

std::ostream& operator<<(std::ostream& os, const Outcome& o) {
  return os << "error=" << ParseErrorText(o.error) << "\n" << o.ops;
}

// Feeds the pieces in order, each from its own std::string so that a view kept past its
// Feed() call would read freed or overwritten memory (ASan catches the former, the comparison
// the latter).
Outcome ParsePieces(const std::vector<std::string>& pieces, ParserLimits limits, int stop_after) {
  ClientParser parser(limits);
  OpRecorder recorder(stop_after);
  Outcome out;
  for (const std::string& piece : pieces) {
    std::string copy = piece;
    out.error = parser.Feed(copy, recorder);
    copy.assign(copy.size(), '#');
    if (out.error != ParseError::kNone) break;
  }
  out.ops = recorder.Joined();
  return out;
}

Outcome ParseWhole(absl::string_view input, ParserLimits limits = {}, int stop_after = 0) {
  return ParsePieces({std::string(input)}, limits, stop_after);
}

std::vector<std::string> SplitAt(absl::string_view input, const std::vector<size_t>& cuts) {
  std::vector<std::string> pieces;
  size_t from = 0;
  for (size_t cut : cuts) {
    pieces.emplace_back(input.substr(from, cut - from));
    from = cut;
  }
  pieces.emplace_back(input.substr(from));
  return pieces;
}

void ExpectSplitInvariant(absl::string_view input, ParserLimits limits = {}, int stop_after = 0) {
  const Outcome whole = ParseWhole(input, limits, stop_after);
  for (size_t cut = 0; cut <= input.size(); ++cut) {
    ASSERT_EQ(ParsePieces(SplitAt(input, {cut}), limits, stop_after), whole) << "split at " << cut;
  }
  std::vector<std::string> bytes;
  for (char c : input) bytes.emplace_back(1, c);
  ASSERT_EQ(ParsePieces(bytes, limits, stop_after), whole) << "byte by byte";
  Prng prng(input.size());
  for (int round = 0; round < 50; ++round) {
    std::vector<size_t> cuts;
    for (size_t i = 1; i < input.size(); ++i) {
      if (prng.Chance(1, 8)) cuts.push_back(i);
    }
    ASSERT_EQ(ParsePieces(SplitAt(input, cuts), limits, stop_after), whole) << "round " << round;
  }
}

const char kLongSession[] =
    "CONNECT {\"verbose\":false,\"pedantic\":false,\"headers\":true,\"name\":\"x\"}\r\n"
    "PING\r\n"
    "sub foo.* 1\r\n"
    "SUB\tbar\tworkers\t2\n"
    "PUB foo.a 5\r\nhello\r\n"
    "PUB foo.b reply.1 11\r\nhello world\r\n"
    "pub foo.c 0\r\n\r\n"
    "HPUB foo.d 12 17\r\nNATS/1.0\r\n\r\nhello\r\n"
    "hpub foo.e _INBOX.x 22 22\r\nNATS/1.0\r\nA: Bcdef\r\n\r\n\r\n"
    "PUB crlf 4\r\n\r\n\r\n\r\n"
    "UNSUB 1\r\n"
    "unsub 2 10\n"
    "PONG\r\n"
    "PINGxyz\r\n"
    "INFO {\"server_id\":\"abc\"}\r\n"
    "+OK\r\n"
    "-ERR 'Unknown Protocol Operation'\r\n"
    "PUB   spaced\t\t  9  \r\n123456789\r\n"
    "PING\n";

TEST(ParserSplitTest, LongSessionParsesWithoutError) {
  const Outcome whole = ParseWhole(kLongSession);
  EXPECT_EQ(whole.error, ParseError::kNone);
  EXPECT_EQ(whole.ops,
            "CONNECT {\\\"verbose\\\":false,\\\"pedantic\\\":false,\\\"headers\\\":true,"
            "\\\"name\\\":\\\"x\\\"}\n"
            "PING\n"
            "SUB foo.*  1\n"
            "SUB bar workers 2\n"
            "PUBARGS foo.a  -1 5\n"
            "PUB foo.a  -1 5 hello\n"
            "PUBARGS foo.b reply.1 -1 11\n"
            "PUB foo.b reply.1 -1 11 hello world\n"
            "PUBARGS foo.c  -1 0\n"
            "PUB foo.c  -1 0 \n"
            "PUBARGS foo.d  12 17\n"
            "PUB foo.d  12 17 NATS/1.0\\r\\n\\r\\nhello\n"
            "PUBARGS foo.e _INBOX.x 22 22\n"
            "PUB foo.e _INBOX.x 22 22 NATS/1.0\\r\\nA: Bcdef\\r\\n\\r\\n\n"
            "PUBARGS crlf  -1 4\n"
            "PUB crlf  -1 4 \\r\\n\\r\\n\n"
            "UNSUB 1 -1\n"
            "UNSUB 2 10\n"
            "PONG\n"
            "PING\n"
            "INFO {\\\"server_id\\\":\\\"abc\\\"}\n"
            "OK\n"
            "ERR \\'Unknown Protocol Operation\\'\n"
            "PUBARGS spaced  -1 9\n"
            "PUB spaced  -1 9 123456789\n"
            "PING\n");
}

TEST(ParserSplitTest, LongSessionEverySplit) { ExpectSplitInvariant(kLongSession); }

TEST(ParserSplitTest, LongSessionStoppedAtEachOperation) {
  for (int stop_after = 1; stop_after <= 27; ++stop_after) {
    SCOPED_TRACE(stop_after);
    ExpectSplitInvariant(kLongSession, ParserLimits{}, stop_after);
  }
}

TEST(ParserSplitTest, ErrorsEverySplit) {
  ParserLimits small;
  small.max_control_line_bytes = 12;
  small.max_payload_hard_bytes = 8;
  const char* const inputs[] = {
      "PING\r\nPUB a 3\r\nabcd\r\nPING\r\n",        // payload too long
      "PING\r\nPUB a 3\nabc\nPING\r\n",             // LF after payload
      "SUB a 1\r\nSUB 123456789 123\r\nPING\r\n",   // control line too long
      "SUB a 1\r\nSUB 123456789 12\r\r\nPING\r\n",  // the extra '\r' counts
      "SUB a 1\r\nSUB 123456789 12\r\nPING\r\n",    // exactly at the limit
      "PUB a 9\r\n123456789\r\n",                   // beyond the hard payload bound
      "PING\r\nPONG\r\nPIG\r\n",                    // unknown operation
      "SUB a\r\nPING\r\n",                          // bad SUB
      "UNSUB \r\n",                                 // bad UNSUB
      "HPUB a 3 2\r\nabc\r\n",                      // bad HPUB
      "PUB a\rb 1\r\nx\r\nSUB a\rb 1\r\n",          // stray '\r' in arguments
      "SUB \nfoo 1\r\nCONNECT\r\n-ERR\t\t\r\n",     // first argument byte taken literally
      "PING\r\n\r\n",                               // empty line
  };
  for (const char* input : inputs) {
    SCOPED_TRACE(input);
    ExpectSplitInvariant(input, small);
  }
}

}  // namespace
}  // namespace na::protocol
