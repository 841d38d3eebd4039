#include "sim/server_stream_parser.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace na::sim {
namespace {

using ::testing::ElementsAre;

// Records every operation as one string.
class Recorder : public ServerOpHandler {
 public:
  void OnInfo(absl::string_view json) override { ops.push_back(absl::StrCat("INFO ", json)); }
  void OnMsg(const ServerMsg& m) override {
    ops.push_back(absl::StrCat("MSG ", m.subject, " ", m.sid, " [", m.reply, "] hdr=", m.headers,
                               " body=", m.payload));
  }
  void OnPing() override { ops.push_back("PING"); }
  void OnPong() override { ops.push_back("PONG"); }
  void OnOk() override { ops.push_back("+OK"); }
  void OnErr(absl::string_view text) override { ops.push_back(absl::StrCat("-ERR ", text)); }
  std::vector<std::string> ops;
};

constexpr absl::string_view kStream =
    "INFO {\"server_id\":\"X\"} \r\n"
    "PING\r\n"
    "MSG a.b 1 5\r\nhello\r\n"
    "MSG a.b 2 _INBOX.1 0\r\n\r\n"
    "HMSG a.c 3 12 14\r\nNATS/1.0\r\n\r\nhi\r\n"
    "HMSG _INBOX.1.2 4 16 16\r\nNATS/1.0 503\r\n\r\n\r\n"
    "+OK\r\n"
    "-ERR 'Stale Connection'\r\n"
    "PONG\r\n";

const std::vector<std::string>& Expected() {
  static const auto* expected = new std::vector<std::string>{
      "INFO {\"server_id\":\"X\"}",
      "PING",
      "MSG a.b 1 [] hdr= body=hello",
      "MSG a.b 2 [_INBOX.1] hdr= body=",
      "MSG a.c 3 [] hdr=NATS/1.0\r\n\r\n body=hi",
      "MSG _INBOX.1.2 4 [] hdr=NATS/1.0 503\r\n\r\n body=",
      "+OK",
      "-ERR Stale Connection",
      "PONG",
  };
  return *expected;
}

TEST(ServerStreamParserTest, ParsesEveryOperation) {
  ServerStreamParser parser;
  Recorder r;
  ASSERT_TRUE(parser.Feed(kStream, r).ok());
  EXPECT_EQ(r.ops, Expected());
}

TEST(ServerStreamParserTest, AnySplitGivesTheSameOperations) {
  for (size_t cut = 0; cut <= kStream.size(); ++cut) {
    ServerStreamParser parser;
    Recorder r;
    ASSERT_TRUE(parser.Feed(kStream.substr(0, cut), r).ok()) << cut;
    ASSERT_TRUE(parser.Feed(kStream.substr(cut), r).ok()) << cut;
    EXPECT_EQ(r.ops, Expected()) << "split at " << cut;
  }
}

TEST(ServerStreamParserTest, OneByteAtATime) {
  ServerStreamParser parser;
  Recorder r;
  for (char c : kStream) ASSERT_TRUE(parser.Feed(absl::string_view(&c, 1), r).ok());
  EXPECT_EQ(r.ops, Expected());
}

TEST(ServerStreamParserTest, RejectsGarbage) {
  ServerStreamParser parser;
  Recorder r;
  EXPECT_FALSE(parser.Feed("BOGUS\r\n", r).ok());
  // A failed parser stays failed.
  EXPECT_FALSE(parser.Feed("PING\r\n", r).ok());
  EXPECT_TRUE(r.ops.empty());
}

TEST(ServerStreamParserTest, RejectsPayloadWithoutCrlf) {
  ServerStreamParser parser;
  Recorder r;
  EXPECT_FALSE(parser.Feed("MSG a 1 2\r\nabcd\r\n", r).ok());
}

TEST(ServerStreamParserTest, RejectsBadSizes) {
  ServerStreamParser parser;
  Recorder r;
  EXPECT_FALSE(parser.Feed("HMSG a 1 20 10\r\n", r).ok());
}

}  // namespace
}  // namespace na::sim
