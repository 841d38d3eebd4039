// Helpers for nats-server-shaped log lines.
#ifndef NATRIUM_ENGINE_CLIENT_CLIENT_LOG_H_
#define NATRIUM_ENGINE_CLIENT_CLIENT_LOG_H_

#include <string>

#include "absl/strings/string_view.h"

namespace na::client {

// Go's %q: a double-quoted string with Go escapes (\n, \r, \t, \", \\, \xNN).
std::string GoQuote(absl::string_view text);

// CONNECT JSON with the password value replaced by [REDACTED], as the reference traces it.
std::string RedactPassword(absl::string_view connect_json);

// Go's time.Duration String() for whole-ish values: "2s", "1m0s", "1.5s", "500ms".
std::string GoDuration(int64_t ns);

}  // namespace na::client

#endif  // NATRIUM_ENGINE_CLIENT_CLIENT_LOG_H_
