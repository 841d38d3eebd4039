#include "engine/client/msg_line.h"

#include "engine/client/client_log.h"
#include "gtest/gtest.h"

namespace na::client {
namespace {

TEST(MsgLineTest, MsgAndHmsgShapes) {
  std::string out;
  WriteMsgLine("foo", "1", "", -1, 5, &out);
  EXPECT_EQ(out, "MSG foo 1 5\r\n");
  WriteMsgLine("foo", "1", "bar", -1, 5, &out);
  EXPECT_EQ(out, "MSG foo 1 bar 5\r\n");
  WriteMsgLine("foo.x", "1", "", 18, 23, &out);
  EXPECT_EQ(out, "HMSG foo.x 1 18 23\r\n");
  WriteMsgLine("a", "22", "r", 12, 12, &out);
  EXPECT_EQ(out, "HMSG a 22 r 12 12\r\n");
}

TEST(MsgLineTest, NoResponders) {
  std::string out;
  WriteNoRespondersMsg("r", "1", &out);
  EXPECT_EQ(out, "HMSG r 1 16 16\r\nNATS/1.0 503\r\n\r\n\r\n");
}

TEST(ClientLogTest, GoQuoteAndRedaction) {
  EXPECT_EQ(GoQuote("NATS/1.0\r\n\r\nhello"), "\"NATS/1.0\\r\\n\\r\\nhello\"");
  EXPECT_EQ(GoQuote("a\"b\\"), "\"a\\\"b\\\\\"");
  EXPECT_EQ(RedactPassword(R"({"verbose":false,"user":"a","pass":"pa"})"),
            R"({"verbose":false,"user":"a","pass":"[REDACTED]"})");
  EXPECT_EQ(RedactPassword(R"({"user":"a"})"), R"({"user":"a"})");
  EXPECT_EQ(GoDuration(2'000'000'000), "2s");
  EXPECT_EQ(GoDuration(120'000'000'000), "2m0s");
  EXPECT_EQ(GoDuration(10'000'000'000), "10s");
}

}  // namespace
}  // namespace na::client
