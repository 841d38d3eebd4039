// The MSG / HMSG control line a subscriber receives (nats-reference.md §1.4):
//   MSG <subject> <sid> [reply] <#bytes>\r\n
//   HMSG <subject> <sid> [reply] <#header bytes> <#total bytes>\r\n
// Written into a caller-owned buffer that is reused across messages, so the publish path does not
// allocate once the buffer has grown to the longest line seen.
#ifndef NATRIUM_ENGINE_CLIENT_MSG_LINE_H_
#define NATRIUM_ENGINE_CLIENT_MSG_LINE_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace na::client {

// Replaces *out with the line. header_bytes < 0 writes MSG with total_bytes as its size.
void WriteMsgLine(absl::string_view subject, absl::string_view sid, absl::string_view reply,
                  int64_t header_bytes, int64_t total_bytes, std::string* out);

// The no-responders status a requester gets when nothing matched its request:
//   HMSG <reply> <sid> 16 16\r\nNATS/1.0 503\r\n\r\n\r\n
void WriteNoRespondersMsg(absl::string_view reply, absl::string_view sid, std::string* out);

}  // namespace na::client

#endif  // NATRIUM_ENGINE_CLIENT_MSG_LINE_H_
