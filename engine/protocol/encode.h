// Writers for what the server sends a client: INFO, MSG/HMSG control lines, -ERR, +OK, PING,
// PONG, and the no-responders status header.
//
// The bytes are nats-server 2.9.10's (nats-reference.md §1.1, §1.4, §1.7):
//   INFO {json} \r\n                                  (note the space before CRLF)
//   MSG <subject> <sid> [reply] <total>\r\n
//   HMSG <subject> <sid> [reply] <header> <total>\r\n
//   -ERR '<text>'\r\n
//
// Write*() functions are allocation-free: they fill a caller buffer sized with the matching
// *Size() function and return how many bytes they wrote. Append*() functions append to a
// std::string and allocate only when its capacity is short. Nothing here validates subjects or
// escapes text: the caller passes what the reference would put on the wire.
//
// Example, delivering a published message to one subscriber:
//
//   const Delivery d = ShapeForSubscriber(op.header_bytes, op.payload, sub_has_headers);
//   AppendMsg({.subject = op.subject, .sid = sid, .reply = op.reply,
//              .header_bytes = d.header_bytes, .total_bytes = d.total_bytes()},
//             d.payload, &out);
#ifndef NATRIUM_ENGINE_PROTOCOL_ENCODE_H_
#define NATRIUM_ENGINE_PROTOCOL_ENCODE_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "engine/protocol/client_parser.h"

namespace na::protocol {

inline constexpr absl::string_view kOkLine = "+OK\r\n";
inline constexpr absl::string_view kPingLine = "PING\r\n";
inline constexpr absl::string_view kPongLine = "PONG\r\n";
inline constexpr absl::string_view kCrLf = "\r\n";

// The header block of a no-responders reply (2.9-2.11: no Nats-Subject header). The server sends
// it as "HMSG <reply> <sid> 16 16\r\n" + this + "\r\n": headers only, no body.
inline constexpr absl::string_view kNoRespondersHeader = "NATS/1.0 503\r\n\r\n";

// A MSG or HMSG control line.
struct MsgLine {
  absl::string_view subject;
  absl::string_view sid;
  absl::string_view reply;    // left out of the line when empty
  int64_t header_bytes = -1;  // < 0: MSG; >= 0: HMSG with this header size
  int64_t total_bytes = 0;    // REQUIRES: >= 0, and >= header_bytes for HMSG
  // When not empty, written in place of header_bytes / total_bytes: the reference relays the
  // publisher's own digits (PubOp::*_bytes_text, "01" for 1). REQUIRES: they spell the numbers.
  absl::string_view header_bytes_text = {};
  absl::string_view total_bytes_text = {};
};

// The exact length of the line, CRLF included.
size_t MsgLineSize(const MsgLine& line);
// REQUIRES: out.size() >= MsgLineSize(line). Returns MsgLineSize(line).
size_t WriteMsgLine(const MsgLine& line, absl::Span<char> out);
void AppendMsgLine(const MsgLine& line, std::string* out);
// The line, the payload and the CRLF after it. REQUIRES: payload.size() == line.total_bytes.
void AppendMsg(const MsgLine& line, absl::string_view payload, std::string* out);
// What AppendMsg appends, written into `out`. REQUIRES: out.size() >= MsgLineSize(line) +
// payload.size() + 2. Returns the bytes written.
size_t WriteMsg(const MsgLine& line, absl::string_view payload, absl::Span<char> out);

// "INFO " + json + " \r\n".
size_t InfoLineSize(absl::string_view json);
size_t WriteInfoLine(absl::string_view json, absl::Span<char> out);
void AppendInfoLine(absl::string_view json, std::string* out);

// "-ERR '" + text + "'\r\n".
size_t ErrLineSize(absl::string_view text);
size_t WriteErrLine(absl::string_view text, absl::Span<char> out);
void AppendErrLine(absl::string_view text, std::string* out);

// The -ERR text nats-server 2.9.10 sends for a parse error, or "" where it closes without one.
// Every parse error closes the connection. (ParseErrorText is for logs, not for the wire.)
absl::string_view ParseErrorReply(ParseError error);

// What one subscriber receives of a published message.
struct Delivery {
  int64_t header_bytes = -1;  // -1: send MSG; otherwise HMSG with this header size
  absl::string_view payload;  // the bytes after the control line (headers included for HMSG)
  int64_t total_bytes() const { return static_cast<int64_t>(payload.size()); }
};

// Shapes a PUB/HPUB payload (header_bytes as in PubOp: -1 for PUB) for one subscriber. As in
// the reference (client.go msgHeader, deliverMsg), a message goes out as HMSG only when it
// carries headers (header_bytes > 0) and the subscriber's connection said headers:true;
// otherwise it goes out as MSG, with the header block cut off. "HPUB s 0 n" is thus a MSG.
// REQUIRES: header_bytes <= payload.size().
Delivery ShapeForSubscriber(int64_t header_bytes, absl::string_view payload,
                            bool subscriber_supports_headers);

// The header block and the body of a PUB/HPUB payload (headers are empty for PUB).
// REQUIRES: header_bytes <= payload.size().
absl::string_view MessageHeaders(int64_t header_bytes, absl::string_view payload);
absl::string_view MessageBody(int64_t header_bytes, absl::string_view payload);

}  // namespace na::protocol

#endif  // NATRIUM_ENGINE_PROTOCOL_ENCODE_H_
