#include "engine/protocol/encode.h"

#include <cstring>

#include "engine/base/check.h"

namespace na::protocol {
namespace {

size_t DecimalSize(int64_t v) {
  NA_CHECK_GE(v, 0);
  size_t digits = 1;
  while (v >= 10) {
    v /= 10;
    ++digits;
  }
  return digits;
}

// Writes v in decimal at out and returns the position after it.
char* WriteDecimal(int64_t v, char* out) {
  const size_t digits = DecimalSize(v);
  char* end = out + digits;
  char* p = end;
  do {
    *--p = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  return end;
}

char* WriteText(absl::string_view text, char* out) {
  if (!text.empty()) std::memcpy(out, text.data(), text.size());
  return out + text.size();
}

// Grows out by size bytes and returns where they start; std::string doubles its capacity, so
// repeated appends stay amortized.
char* Extend(std::string* out, size_t size) {
  const size_t old_size = out->size();
  out->resize(old_size + size);
  return out->data() + old_size;
}

}  // namespace

size_t MsgLineSize(const MsgLine& line) {
  NA_CHECK_GE(line.total_bytes, 0);
  size_t size = (line.header_bytes >= 0 ? 5 : 4) + line.subject.size() + 1 + line.sid.size() + 1;
  if (!line.reply.empty()) size += line.reply.size() + 1;
  if (line.header_bytes >= 0) {
    size += (line.header_bytes_text.empty() ? DecimalSize(line.header_bytes)
                                            : line.header_bytes_text.size()) +
            1;
  }
  return size +
         (line.total_bytes_text.empty() ? DecimalSize(line.total_bytes)
                                        : line.total_bytes_text.size()) +
         2;
}

namespace {

// Writes the line at out (which has room for it) and returns the position after it.
char* WriteMsgLineAt(const MsgLine& line, char* p) {
  if (line.header_bytes >= 0) {
    NA_CHECK_LE(line.header_bytes, line.total_bytes);
    p = WriteText("HMSG ", p);
  } else {
    p = WriteText("MSG ", p);
  }
  p = WriteText(line.subject, p);
  *p++ = ' ';
  p = WriteText(line.sid, p);
  *p++ = ' ';
  if (!line.reply.empty()) {
    p = WriteText(line.reply, p);
    *p++ = ' ';
  }
  if (line.header_bytes >= 0) {
    p = line.header_bytes_text.empty() ? WriteDecimal(line.header_bytes, p)
                                       : WriteText(line.header_bytes_text, p);
    *p++ = ' ';
  }
  p = line.total_bytes_text.empty() ? WriteDecimal(line.total_bytes, p)
                                    : WriteText(line.total_bytes_text, p);
  return WriteText(kCrLf, p);
}

}  // namespace

size_t WriteMsgLine(const MsgLine& line, absl::Span<char> out) {
  const size_t size = MsgLineSize(line);
  NA_CHECK_GE(out.size(), size);
  const char* end = WriteMsgLineAt(line, out.data());
  NA_CHECK_EQ(static_cast<size_t>(end - out.data()), size);
  return size;
}

size_t WriteMsg(const MsgLine& line, absl::string_view payload, absl::Span<char> out) {
  NA_CHECK_EQ(static_cast<int64_t>(payload.size()), line.total_bytes);
  const size_t size = MsgLineSize(line) + payload.size() + kCrLf.size();
  NA_CHECK_GE(out.size(), size);
  char* p = WriteMsgLineAt(line, out.data());
  p = WriteText(payload, p);
  p = WriteText(kCrLf, p);
  NA_CHECK_EQ(static_cast<size_t>(p - out.data()), size);
  return size;
}

void AppendMsgLine(const MsgLine& line, std::string* out) {
  const size_t size = MsgLineSize(line);
  WriteMsgLine(line, absl::Span<char>(Extend(out, size), size));
}

void AppendMsg(const MsgLine& line, absl::string_view payload, std::string* out) {
  const size_t size = MsgLineSize(line) + payload.size() + kCrLf.size();
  WriteMsg(line, payload, absl::Span<char>(Extend(out, size), size));
}

size_t InfoLineSize(absl::string_view json) { return 5 + json.size() + 3; }

size_t WriteInfoLine(absl::string_view json, absl::Span<char> out) {
  const size_t size = InfoLineSize(json);
  NA_CHECK_GE(out.size(), size);
  char* p = WriteText("INFO ", out.data());
  p = WriteText(json, p);
  WriteText(" \r\n", p);
  return size;
}

void AppendInfoLine(absl::string_view json, std::string* out) {
  const size_t size = InfoLineSize(json);
  WriteInfoLine(json, absl::Span<char>(Extend(out, size), size));
}

size_t ErrLineSize(absl::string_view text) { return 6 + text.size() + 3; }

size_t WriteErrLine(absl::string_view text, absl::Span<char> out) {
  const size_t size = ErrLineSize(text);
  NA_CHECK_GE(out.size(), size);
  char* p = WriteText("-ERR '", out.data());
  p = WriteText(text, p);
  WriteText("'\r\n", p);
  return size;
}

void AppendErrLine(absl::string_view text, std::string* out) {
  const size_t size = ErrLineSize(text);
  WriteErrLine(text, absl::Span<char>(Extend(out, size), size));
}

absl::string_view ParseErrorReply(ParseError error) {
  switch (error) {
    case ParseError::kUnknownOperation:
    case ParseError::kBadPayloadTerminator:
      return "Unknown Protocol Operation";
    case ParseError::kControlLineTooLong:
      return "maximum control line exceeded";
    case ParseError::kNone:
    case ParseError::kBadPubArgs:
    case ParseError::kBadHpubArgs:
    case ParseError::kBadSubArgs:
    case ParseError::kBadUnsubArgs:
      return "";
  }
  return "";
}

absl::string_view MessageHeaders(int64_t header_bytes, absl::string_view payload) {
  if (header_bytes <= 0) return absl::string_view();
  NA_CHECK_LE(static_cast<size_t>(header_bytes), payload.size());
  return payload.substr(0, static_cast<size_t>(header_bytes));
}

absl::string_view MessageBody(int64_t header_bytes, absl::string_view payload) {
  if (header_bytes <= 0) return payload;
  NA_CHECK_LE(static_cast<size_t>(header_bytes), payload.size());
  return payload.substr(static_cast<size_t>(header_bytes));
}

Delivery ShapeForSubscriber(int64_t header_bytes, absl::string_view payload,
                            bool subscriber_supports_headers) {
  Delivery d;
  if (header_bytes > 0 && subscriber_supports_headers) {
    NA_CHECK_LE(static_cast<size_t>(header_bytes), payload.size());
    d.header_bytes = header_bytes;
    d.payload = payload;
  } else {
    d.payload = MessageBody(header_bytes, payload);
  }
  return d;
}

}  // namespace na::protocol
