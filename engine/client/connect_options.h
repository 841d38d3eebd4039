// The options a client sends in CONNECT (nats-reference.md §1.3), with the reference defaults:
// verbose, pedantic and echo start true.
#ifndef NATRIUM_ENGINE_CLIENT_CONNECT_OPTIONS_H_
#define NATRIUM_ENGINE_CLIENT_CONNECT_OPTIONS_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace na::client {

struct ConnectOptions {
  bool verbose = true;
  bool pedantic = true;
  bool echo = true;
  bool tls_required = false;
  bool headers = false;
  bool no_responders = false;
  bool new_account = false;
  int64_t protocol = 0;
  std::string user;
  std::string pass;
  std::string auth_token;
  std::string nkey;
  std::string sig;
  std::string jwt;
  std::string name;
  std::string lang;
  std::string version;
  std::string account;
};

// Applies the keys present in `json` over `*options`; keys it leaves out keep their values, as a
// second CONNECT does in the reference. Keys match case-insensitively and unknown keys are
// ignored (Go's encoding/json rules); `null` leaves a key unchanged. Returns InvalidArgument,
// with Go's message for the log, when the JSON is malformed or a value has the wrong type; the
// options may then be partly updated, which does not matter because the connection closes.
absl::Status ApplyConnectJson(absl::string_view json, ConnectOptions* options);

// OK when `json` is well-formed JSON; otherwise InvalidArgument with the message Go's
// encoding/json gives for it ("invalid character 'b' looking for beginning of object key
// string", "unexpected end of JSON input"), which the reference logs. INFO from a client is
// checked with it.
absl::Status CheckJsonSyntax(absl::string_view json);

}  // namespace na::client

#endif  // NATRIUM_ENGINE_CLIENT_CONNECT_OPTIONS_H_
