#include "server/reload.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace na::server {
namespace {

class Differ {
 public:
  // A field the reference cannot reload.
  template <typename T>
  void Refuse(absl::string_view field, const T& old_value, const T& new_value) {
    if (!error_.empty() || old_value == new_value) return;
    error_ = absl::StrCat("config reload not supported for ", field, ": old=", old_value,
                          ", new=", new_value);
  }
  void RefuseDuration(absl::string_view field, int64_t old_ns, int64_t new_ns) {
    if (!error_.empty() || old_ns == new_ns) return;
    error_ = absl::StrCat("config reload not supported for ", field, ": old=", GoDuration(old_ns),
                          ", new=", GoDuration(new_ns));
  }
  template <typename T>
  void Apply(bool changed, T&& line) {
    if (changed) lines_.push_back(std::forward<T>(line));
  }

  const std::string& error() const { return error_; }
  std::vector<std::string>& lines() { return lines_; }

 private:
  std::string error_;
  std::vector<std::string> lines_;
};

std::string Bool(bool b) { return b ? "true" : "false"; }

}  // namespace

absl::StatusOr<std::vector<std::string>> DiffForReload(const Settings& old, const Settings& next) {
  const node::Options& o = old.node;
  const node::Options& n = next.node;
  Differ d;
  // nats-server's Options field order.
  d.Refuse("ServerName", o.server_name, n.server_name);
  d.Refuse("Host", o.host, n.host);
  d.Refuse("Port", o.port, n.port);
  // 2.9.10's own wording ("Reload:", not "Reloaded:").
  d.Apply(o.client_advertise != n.client_advertise,
          absl::StrCat("Reload: client_advertise = ", n.client_advertise));
  d.Apply(o.trace != n.trace, absl::StrCat("Reloaded: trace = ", Bool(n.trace)));
  d.Apply(o.debug != n.debug, absl::StrCat("Reloaded: debug = ", Bool(n.debug)));
  d.Apply(o.trace_verbose != n.trace_verbose,
          absl::StrCat("Reloaded: trace_verbose = ", Bool(n.trace_verbose)));
  d.Refuse("NoSublistCache", Bool(o.disable_sublist_cache), Bool(n.disable_sublist_cache));
  d.Refuse("NoHeaderSupport", Bool(o.no_header_support), Bool(n.no_header_support));
  d.Apply(old.logtime != next.logtime, absl::StrCat("Reloaded: logtime = ", Bool(next.logtime)));
  d.Apply(o.max_connections != n.max_connections,
          absl::StrCat("Reloaded: max_connections = ", n.max_connections));
  d.Refuse("MaxSubs", o.max_subscriptions, n.max_subscriptions);
  d.Refuse("MaxSubTokens", o.max_sub_tokens, n.max_sub_tokens);
  // 2.9.10 reports these on every reload: its users and accounts (the system account it always
  // creates) never compare equal to the freshly parsed ones.
  d.Apply(true, std::string("Reloaded: authorization users"));
  d.Apply(true, std::string("Reloaded: accounts"));
  d.Refuse("NoAuthUser", o.auth.no_auth_user, n.auth.no_auth_user);
  d.Apply(o.auth.user != n.auth.user, std::string("Reloaded: authorization username"));
  d.Apply(o.auth.password != n.auth.password, std::string("Reloaded: authorization password"));
  d.Apply(o.auth.token != n.auth.token, std::string("Reloaded: authorization token"));
  d.Apply(o.ping_interval_ns != n.ping_interval_ns,
          absl::StrCat("Reloaded: ping_interval = ", GoDuration(n.ping_interval_ns)));
  d.Apply(o.ping_max != n.ping_max, absl::StrCat("Reloaded: ping_max = ", n.ping_max));
  d.Refuse("HTTPHost", o.http_host, n.http_host);
  d.Refuse("HTTPPort", o.http_port, n.http_port);
  d.Refuse("HTTPBasePath", o.http_base_path, n.http_base_path);
  d.Refuse("HTTPSPort", o.https_port, n.https_port);
  d.Apply(o.auth.timeout_ns != n.auth.timeout_ns,
          absl::StrCat("Reloaded: authorization timeout = ",
                       static_cast<double>(n.auth.timeout_ns) / 1e9));
  d.Apply(o.max_control_line_bytes != n.max_control_line_bytes,
          absl::StrCat("Reloaded: max_control_line = ", n.max_control_line_bytes));
  d.Apply(o.max_payload_bytes != n.max_payload_bytes,
          absl::StrCat("Reloaded: max_payload = ", n.max_payload_bytes));
  d.Refuse("MaxPending", o.max_pending_bytes, n.max_pending_bytes);
  d.Apply(o.write_deadline_ns != n.write_deadline_ns,
          absl::StrCat("Reloaded: write_deadline = ", GoDuration(n.write_deadline_ns)));
  d.RefuseDuration("LameDuckDuration", old.lame_duck_duration_ns, next.lame_duck_duration_ns);
  d.RefuseDuration("LameDuckGracePeriod", old.lame_duck_grace_period_ns,
                   next.lame_duck_grace_period_ns);
  d.Apply(old.pid_file != next.pid_file, absl::StrCat("Reloaded: pid_file = ", next.pid_file));
  d.Apply(old.ports_file_dir != next.ports_file_dir,
          absl::StrCat("Reloaded: ports_file_dir = ", next.ports_file_dir));
  d.Apply(old.log_file != next.log_file, absl::StrCat("Reloaded: log_file = ", next.log_file));
  d.Apply(o.max_traced_msg_len != n.max_traced_msg_len,
          absl::StrCat("Reloaded: max_traced_msg_len = ", n.max_traced_msg_len));
  if (!d.error().empty()) return absl::InvalidArgumentError(d.error());
  return std::move(d.lines());
}

}  // namespace na::server
