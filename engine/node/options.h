// Everything that configures a core NATS node, after the command line and the config file have
// been merged by server/. Defaults are nats-server 2.9.10's (engine/base/limits.h).
//
// The engine reads these; it never parses files or flags itself.
#ifndef NATRIUM_ENGINE_NODE_OPTIONS_H_
#define NATRIUM_ENGINE_NODE_OPTIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/limits.h"

namespace na::node {

// allow/deny lists of subjects (wildcards allowed). An empty allow list with has_allow=false
// means "everything not denied"; see nats-reference.md §6.
struct SubjectPermission {
  std::vector<std::string> allow;
  std::vector<std::string> deny;
};

// `allow_responses`: the user may publish to reply subjects of requests it received, up to
// `max_msgs` replies each, within `expires_ns` (0 = no expiry).
struct ResponsePermission {
  int max_msgs = 1;
  int64_t expires_ns = 0;
};

struct Permissions {
  std::optional<SubjectPermission> publish;
  std::optional<SubjectPermission> subscribe;
  std::optional<ResponsePermission> allow_responses;
};

struct User {
  std::string username;
  std::string password;  // plain text, or a bcrypt hash starting "$2"
  std::optional<Permissions> permissions;
  std::string account;  // empty = the global account; accounts arrive in a later issue
};

struct AuthOptions {
  // Single user or token (authorization { user, password } / { token } / --user --pass --auth).
  std::string user;
  std::string password;
  std::string token;
  std::vector<User> users;
  std::optional<Permissions> default_permissions;
  std::string no_auth_user;
  int64_t timeout_ns = limits::kAuthTimeoutNs;

  bool Required() const { return !user.empty() || !token.empty() || !users.empty(); }
};

struct Options {
  std::string server_name;  // empty = use the generated server id
  std::string host = "0.0.0.0";
  int port = limits::kDefaultPort;
  std::string client_advertise;

  int64_t max_payload_bytes = limits::kPayloadBytesDefault;
  int64_t max_pending_bytes = limits::kPendingBytesDefault;
  int64_t max_control_line_bytes = limits::kControlLineBytesMax;
  int max_connections = limits::kConnectionsDefault;
  int max_subscriptions = limits::kSubscriptionsUnlimited;  // 0 = unlimited
  int max_sub_tokens = 0;                                   // 0 = unlimited
  int64_t ping_interval_ns = limits::kPingIntervalNs;
  int ping_max = limits::kPingsOutstandingMax;
  int64_t write_deadline_ns = limits::kWriteDeadlineNs;
  bool no_header_support = false;
  bool disable_sublist_cache = false;

  AuthOptions auth;

  bool debug = false;
  bool trace = false;
  bool trace_verbose = false;  // -VV
  int max_traced_msg_len = 0;  // 0 = unlimited

  // Monitoring (served by net/, described here so /varz can report it).
  std::string http_host = "0.0.0.0";
  int http_port = 0;  // 0 = off
  int https_port = 0;
  std::string http_base_path;

  // Not yet supported features still show up in /varz and INFO where the reference shows them.
  bool jetstream = false;
  std::string store_dir;

  // Filled by the runtime: when the process started, the config file it read (for /varz).
  std::string config_file;
  int64_t start_wall_ns = 0;
};

}  // namespace na::node

#endif  // NATRIUM_ENGINE_NODE_OPTIONS_H_
