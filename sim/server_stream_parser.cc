#include "sim/server_stream_parser.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace na::sim {
namespace {

constexpr size_t kLineBytesMax = 64 << 10;  // INFO can be long; anything longer is garbage

}  // namespace

absl::Status ServerStreamParser::Feed(absl::string_view bytes, ServerOpHandler& handler) {
  if (failed_) return absl::FailedPreconditionError("parser failed earlier");
  buffer_.append(bytes.data(), bytes.size());
  size_t start = 0;
  while (start < buffer_.size()) {
    size_t consumed = 0;
    // Handlers get views into buffer_; it is compacted only after the loop.
    absl::Status status = ParseOne(absl::string_view(buffer_).substr(start), handler, consumed);
    if (!status.ok()) {
      failed_ = true;
      return status;
    }
    if (consumed == 0) break;
    start += consumed;
  }
  buffer_.erase(0, start);
  return absl::OkStatus();
}

// Parses one operation at the start of buffer_; consumed stays 0 when it is not complete yet.
absl::Status ServerStreamParser::ParseOne(absl::string_view data, ServerOpHandler& handler,
                                          size_t& consumed) {
  const size_t eol = data.find("\r\n");
  if (eol == std::string::npos) {
    if (data.size() > kLineBytesMax) return absl::DataLossError("control line too long");
    return absl::OkStatus();
  }
  const absl::string_view line = data.substr(0, eol);
  const size_t line_end = eol + 2;
  const absl::string_view verb = line.substr(0, line.find(' '));
  if (verb == "PING") {
    consumed = line_end;
    handler.OnPing();
  } else if (verb == "PONG") {
    consumed = line_end;
    handler.OnPong();
  } else if (verb == "+OK") {
    consumed = line_end;
    handler.OnOk();
  } else if (verb == "-ERR") {
    consumed = line_end;
    absl::string_view text = absl::StripAsciiWhitespace(line.substr(4));
    if (text.size() >= 2 && text.front() == '\'' && text.back() == '\'') {
      text = text.substr(1, text.size() - 2);
    }
    handler.OnErr(text);
  } else if (verb == "INFO") {
    consumed = line_end;
    handler.OnInfo(absl::StripAsciiWhitespace(line.substr(4)));
  } else if (verb == "MSG" || verb == "HMSG") {
    const bool with_headers = verb == "HMSG";
    std::vector<absl::string_view> args =
        absl::StrSplit(line.substr(verb.size()), ' ', absl::SkipEmpty());
    const size_t sizes = with_headers ? 2 : 1;
    if (args.size() != 2 + sizes && args.size() != 3 + sizes) {
      return absl::DataLossError(absl::StrCat("bad ", verb, " line: ", line));
    }
    int64_t header_bytes = -1;
    int64_t total_bytes = 0;
    if (!absl::SimpleAtoi(args.back(), &total_bytes) ||
        (with_headers && !absl::SimpleAtoi(args[args.size() - 2], &header_bytes)) ||
        total_bytes < 0 || header_bytes > total_bytes) {
      return absl::DataLossError(absl::StrCat("bad size in: ", line));
    }
    const size_t need = line_end + static_cast<size_t>(total_bytes) + 2;
    if (data.size() < need) return absl::OkStatus();
    if (data.substr(need - 2, 2) != "\r\n") {
      return absl::DataLossError(absl::StrCat("payload not followed by CRLF after: ", line));
    }
    ServerMsg msg;
    msg.subject = args[0];
    msg.sid = args[1];
    if (args.size() == 3 + sizes) msg.reply = args[2];
    const absl::string_view body = data.substr(line_end, static_cast<size_t>(total_bytes));
    if (with_headers) {
      msg.header_bytes = header_bytes;
      msg.headers = body.substr(0, static_cast<size_t>(header_bytes));
      msg.payload = body.substr(static_cast<size_t>(header_bytes));
      if (!absl::StartsWith(msg.headers, "NATS/1.0")) {
        return absl::DataLossError(absl::StrCat("bad header block after: ", line));
      }
    } else {
      msg.payload = body;
    }
    consumed = need;
    handler.OnMsg(msg);
  } else {
    return absl::DataLossError(absl::StrCat("unknown operation: ", line.substr(0, 80)));
  }
  return absl::OkStatus();
}

}  // namespace na::sim
