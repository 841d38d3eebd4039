#include "engine/client/msg_line.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace na::client {
namespace {

void AppendInt(int64_t value, std::string* out) {
  char digits[absl::numbers_internal::kFastToBufferSize];
  char* end = absl::numbers_internal::FastIntToBuffer(value, digits);
  out->append(digits, static_cast<size_t>(end - digits));
}

}  // namespace

void WriteMsgLine(absl::string_view subject, absl::string_view sid, absl::string_view reply,
                  int64_t header_bytes, int64_t total_bytes, std::string* out) {
  out->clear();
  if (header_bytes >= 0) {
    out->append("HMSG ", 5);
  } else {
    out->append("MSG ", 4);
  }
  out->append(subject.data(), subject.size());
  out->push_back(' ');
  out->append(sid.data(), sid.size());
  out->push_back(' ');
  if (!reply.empty()) {
    out->append(reply.data(), reply.size());
    out->push_back(' ');
  }
  if (header_bytes >= 0) {
    AppendInt(header_bytes, out);
    out->push_back(' ');
  }
  AppendInt(total_bytes, out);
  out->append("\r\n", 2);
}

void WriteNoRespondersMsg(absl::string_view reply, absl::string_view sid, std::string* out) {
  out->clear();
  absl::StrAppend(out, "HMSG ", reply, " ", sid, " 16 16\r\nNATS/1.0 503\r\n\r\n\r\n");
}

}  // namespace na::client
