#include "engine/protocol/encode.h"

#include <cstring>
#include <string>

#include "gtest/gtest.h"

namespace na::protocol {
namespace {

MsgLine Msg(absl::string_view subject, absl::string_view sid, absl::string_view reply,
            int64_t header_bytes, int64_t total_bytes) {
  MsgLine line;
  line.subject = subject;
  line.sid = sid;
  line.reply = reply;
  line.header_bytes = header_bytes;
  line.total_bytes = total_bytes;
  return line;
}

std::string Line(const MsgLine& line) {
  std::string out;
  AppendMsgLine(line, &out);
  return out;
}

TEST(EncodeTest, MsgLine) {
  EXPECT_EQ(Line(Msg("foo", "1", "", -1, 5)), "MSG foo 1 5\r\n");
  EXPECT_EQ(Line(Msg("foo", "1", "r.1", -1, 0)), "MSG foo 1 r.1 0\r\n");
}

TEST(EncodeTest, HmsgLine) {
  // Shapes captured from the reference: "HMSG foo.x 1 18 23", the 503 reply.
  EXPECT_EQ(Line(Msg("foo.x", "1", "", 18, 23)), "HMSG foo.x 1 18 23\r\n");
  EXPECT_EQ(Line({.subject = "_INBOX.a",
                  .sid = "22",
                  .reply = "r",
                  .header_bytes = 0,
                  .total_bytes = 1234567890123}),
            "HMSG _INBOX.a 22 r 0 1234567890123\r\n");
}

TEST(EncodeTest, WriteMsgLineFillsExactlyItsSize) {
  const MsgLine line{
      .subject = "a.b", .sid = "9", .reply = "x", .header_bytes = 12, .total_bytes = 100};
  char buf[64];
  std::memset(buf, '#', sizeof(buf));
  const size_t size = MsgLineSize(line);
  EXPECT_EQ(WriteMsgLine(line, absl::Span<char>(buf, size)), size);
  EXPECT_EQ(std::string(buf, size), "HMSG a.b 9 x 12 100\r\n");
  EXPECT_EQ(buf[size], '#');
}

TEST(EncodeTest, WriteMsgWritesWhatAppendMsgAppends) {
  MsgLine line = Msg("foo.bar", "12", "_INBOX.x", 4, 9);
  line.total_bytes_text = "09";  // the publisher's own digits are relayed
  const std::string payload = "HDR:hello";
  std::string appended;
  AppendMsg(line, payload, &appended);
  EXPECT_EQ(appended, "HMSG foo.bar 12 _INBOX.x 4 09\r\nHDR:hello\r\n");
  std::string buf(appended.size() + 8, '#');
  EXPECT_EQ(WriteMsg(line, payload, absl::Span<char>(buf.data(), buf.size())), appended.size());
  EXPECT_EQ(buf, appended + "########");
}

TEST(EncodeTest, AppendKeepsExistingBytes) {
  std::string out = "PONG\r\n";
  AppendMsg(Msg("s", "1", "", -1, 2), "hi", &out);
  AppendInfoLine("{\"a\":1}", &out);
  AppendErrLine("Unknown Protocol Operation", &out);
  EXPECT_EQ(out,
            "PONG\r\nMSG s 1 2\r\nhi\r\nINFO {\"a\":1} \r\n"
            "-ERR 'Unknown Protocol Operation'\r\n");
}

TEST(EncodeTest, InfoAndErrSizes) {
  EXPECT_EQ(InfoLineSize("{}"), std::string("INFO {} \r\n").size());
  EXPECT_EQ(ErrLineSize("x"), std::string("-ERR 'x'\r\n").size());
  char buf[16];
  EXPECT_EQ(WriteErrLine("x", absl::Span<char>(buf)), 10u);
  EXPECT_EQ(std::string(buf, 10), "-ERR 'x'\r\n");
  EXPECT_EQ(WriteInfoLine("{}", absl::Span<char>(buf)), 10u);
  EXPECT_EQ(std::string(buf, 10), "INFO {} \r\n");
}

TEST(EncodeTest, FixedLines) {
  EXPECT_EQ(kOkLine, "+OK\r\n");
  EXPECT_EQ(kPingLine, "PING\r\n");
  EXPECT_EQ(kPongLine, "PONG\r\n");
  EXPECT_EQ(kNoRespondersHeader.size(), 16u);
}

TEST(EncodeTest, NoRespondersMessageMatchesReference) {
  std::string out;
  AppendMsg(Msg("_INBOX.r", "3", "", 16, 16), kNoRespondersHeader, &out);
  EXPECT_EQ(out, "HMSG _INBOX.r 3 16 16\r\nNATS/1.0 503\r\n\r\n\r\n");
}

TEST(EncodeTest, ParseErrorReplies) {
  // What the reference sent before closing, per error (checked live; "" = closed silently).
  EXPECT_EQ(ParseErrorReply(ParseError::kUnknownOperation), "Unknown Protocol Operation");
  EXPECT_EQ(ParseErrorReply(ParseError::kBadPayloadTerminator), "Unknown Protocol Operation");
  EXPECT_EQ(ParseErrorReply(ParseError::kControlLineTooLong), "maximum control line exceeded");
  EXPECT_EQ(ParseErrorReply(ParseError::kBadPubArgs), "");
  EXPECT_EQ(ParseErrorReply(ParseError::kBadHpubArgs), "");
  EXPECT_EQ(ParseErrorReply(ParseError::kBadSubArgs), "");
  EXPECT_EQ(ParseErrorReply(ParseError::kBadUnsubArgs), "");
}

TEST(EncodeTest, HeadersAndBody) {
  const absl::string_view payload = "NATS/1.0\r\n\r\nhello";
  EXPECT_EQ(MessageHeaders(12, payload), "NATS/1.0\r\n\r\n");
  EXPECT_EQ(MessageBody(12, payload), "hello");
  EXPECT_EQ(MessageHeaders(-1, "hello"), "");
  EXPECT_EQ(MessageBody(-1, "hello"), "hello");
  EXPECT_EQ(MessageBody(0, "hello"), "hello");
}

TEST(EncodeTest, ShapeForSubscriber) {
  const absl::string_view payload = "NATS/1.0\r\n\r\nhello";
  // A header-capable subscriber gets HMSG with everything.
  Delivery d = ShapeForSubscriber(12, payload, true);
  EXPECT_EQ(d.header_bytes, 12);
  EXPECT_EQ(d.payload, payload);
  EXPECT_EQ(d.total_bytes(), 17);
  // Others get MSG with the body only (the reference: "MSG a 1 r 1" for "HPUB a r 12 13").
  d = ShapeForSubscriber(12, payload, false);
  EXPECT_EQ(d.header_bytes, -1);
  EXPECT_EQ(d.payload, "hello");
  // A message without headers, or with an empty header block, is always MSG.
  d = ShapeForSubscriber(-1, "hi", true);
  EXPECT_EQ(d.header_bytes, -1);
  EXPECT_EQ(d.payload, "hi");
  d = ShapeForSubscriber(0, "x", true);
  EXPECT_EQ(d.header_bytes, -1);
  EXPECT_EQ(d.payload, "x");
  std::string out;
  AppendMsg({.subject = "a",
             .sid = "1",
             .reply = "r",
             .header_bytes = d.header_bytes,
             .total_bytes = d.total_bytes()},
            d.payload, &out);
  EXPECT_EQ(out, "MSG a 1 r 1\r\nx\r\n");
}

}  // namespace
}  // namespace na::protocol
