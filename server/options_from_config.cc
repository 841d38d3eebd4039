#include "server/options_from_config.h"

#include <functional>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/base/status_macros.h"

namespace na::server {
namespace {

using config::ConfigValue;

// Keys of later issues: accepted, warned about, not applied.
constexpr absl::string_view kLaterKeys[] = {"cluster",
                                            "jetstream",
                                            "accounts",
                                            "tls",
                                            "leafnodes",
                                            "leaf",
                                            "gateway",
                                            "websocket",
                                            "ws",
                                            "mqtt",
                                            "store_dir",
                                            "operator",
                                            "operators",
                                            "resolver",
                                            "resolver_tls",
                                            "resolver_preload",
                                            "resolver_pinned_accounts",
                                            "trusted",
                                            "trusted_keys",
                                            "system_account",
                                            "system",
                                            "no_system_account",
                                            "mappings",
                                            "maps",
                                            "server_tags",
                                            "default_js_domain",
                                            "ocsp",
                                            "syslog",
                                            "remote_syslog",
                                            "logfile_size_limit",
                                            "log_size_limit",
                                            "prof_port",
                                            "connect_error_reports",
                                            "reconnect_error_reports",
                                            "https",
                                            "nkeys",
                                            "jetstream_max_memory",
                                            "jetstream_max_store",
                                            "ocsp_cache",
                                            "max_closed_clients",
                                            "max_traced_msg_len_bytes"};

bool IsLaterKey(absl::string_view key) {
  for (absl::string_view k : kLaterKeys) {
    if (k == key) return true;
  }
  return false;
}

// "host:port", ":port", "port" or an integer port, as nats-server's parseListen accepts.
absl::Status ParseHostPort(const ConfigValue& v, std::string* host, int* port) {
  if (v.is_integer()) {
    *port = static_cast<int>(v.int_value());
    return absl::OkStatus();
  }
  NA_ASSIGN_OR_RETURN(std::string text, v.GetString());
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos) {
    int p = 0;
    if (!absl::SimpleAtoi(text, &p)) return v.Error("could not parse port");
    *port = p;
    return absl::OkStatus();
  }
  std::string h = text.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  int p = 0;
  if (!absl::SimpleAtoi(text.substr(colon + 1), &p)) {
    return v.Error(absl::StrCat("could not parse port \"", text.substr(colon + 1), "\""));
  }
  if (!h.empty()) *host = h;
  *port = p;
  return absl::OkStatus();
}

absl::StatusOr<int> GetIntIn(const ConfigValue& v) {
  NA_ASSIGN_OR_RETURN(int64_t n, v.GetInt());
  if (n < INT32_MIN || n > INT32_MAX) return v.Error("value out of range");
  return static_cast<int>(n);
}

// A duration: Go syntax, or an integer of seconds. nats-server takes the seconds and prints this
// warning (to stderr, before the server starts; a reload takes them silently).
absl::StatusOr<int64_t> GetDuration(const ConfigValue& v, absl::string_view key, Settings* s) {
  if (v.is_integer()) {
    s->config_warnings.emplace_back(v.Error(absl::StrCat("invalid use of field \"", key, "\": ",
                                                         key, " should be converted to a duration"))
                                        .message());
    return v.int_value() * int64_t{1'000'000'000};
  }
  return v.GetDurationNs();
}

// Lame duck durations must be strings (nats-server parses them with time.ParseDuration).
absl::StatusOr<int64_t> GetStringDuration(const ConfigValue& v, absl::string_view key) {
  if (v.is_integer()) {
    return v.Error(absl::StrCat("invalid use of field \"", key, "\": ", key,
                                " should be converted to a duration"));
  }
  return v.GetDurationNs();
}

// A string or an array of strings.
absl::StatusOr<std::vector<std::string>> GetStringList(const ConfigValue& v) {
  std::vector<std::string> out;
  if (v.is_array()) {
    for (const ConfigValue& e : v.array()) {
      NA_ASSIGN_OR_RETURN(std::string s, e.GetString());
      out.push_back(std::move(s));
    }
    return out;
  }
  NA_ASSIGN_OR_RETURN(std::string s, v.GetString());
  out.push_back(std::move(s));
  return out;
}

// publish/subscribe: "subj", ["a", "b"] (allow lists), or {allow: ..., deny: ...}.
absl::StatusOr<node::SubjectPermission> GetSubjectPermission(const ConfigValue& v) {
  node::SubjectPermission perm;
  if (!v.is_map()) {
    NA_ASSIGN_OR_RETURN(perm.allow, GetStringList(v));
    return perm;
  }
  for (const config::ConfigEntry& e : v.entries()) {
    const std::string key = absl::AsciiStrToLower(e.key);
    if (key == "allow") {
      NA_ASSIGN_OR_RETURN(perm.allow, GetStringList(e.value));
    } else if (key == "deny") {
      NA_ASSIGN_OR_RETURN(perm.deny, GetStringList(e.value));
    } else {
      return e.value.Error(absl::StrCat("Unknown field name \"", e.key,
                                        "\" parsing subject permissions, only 'allow' or "
                                        "'deny' are permitted"));
    }
  }
  return perm;
}

absl::StatusOr<node::Permissions> GetPermissions(const ConfigValue& v) {
  node::Permissions perms;
  if (!v.is_map()) return v.Error("Expected permissions to be a map/struct");
  for (const config::ConfigEntry& e : v.entries()) {
    const std::string key = absl::AsciiStrToLower(e.key);
    if (key == "pub" || key == "publish" || key == "import") {
      NA_ASSIGN_OR_RETURN(perms.publish, GetSubjectPermission(e.value));
    } else if (key == "sub" || key == "subscribe" || key == "export") {
      NA_ASSIGN_OR_RETURN(perms.subscribe, GetSubjectPermission(e.value));
    } else if (key == "allow_responses" || key == "allow_response") {
      node::ResponsePermission rp;
      rp.expires_ns = 2 * 60 * int64_t{1'000'000'000};  // DEFAULT_ALLOW_RESPONSE_EXPIRATION
      if (e.value.is_bool()) {
        if (!e.value.bool_value()) continue;
      } else if (e.value.is_map()) {
        for (const config::ConfigEntry& r : e.value.entries()) {
          const std::string rk = absl::AsciiStrToLower(r.key);
          if (rk == "max" || rk == "max_msgs" || rk == "max_messages" || rk == "max_responses") {
            NA_ASSIGN_OR_RETURN(rp.max_msgs, GetIntIn(r.value));
          } else if (rk == "expires" || rk == "expiration" || rk == "ttl") {
            NA_ASSIGN_OR_RETURN(rp.expires_ns, r.value.GetDurationNs());
          } else {
            return r.value.Error(absl::StrCat("Unknown field \"", r.key, "\" parsing permissions"));
          }
        }
      } else {
        return e.value.Error("error parsing response permissions, expected a boolean or a map");
      }
      perms.allow_responses = rp;
    } else {
      return e.value.Error(absl::StrCat("Unknown field \"", e.key, "\" parsing permissions"));
    }
  }
  return perms;
}

absl::StatusOr<node::User> GetUser(const ConfigValue& v) {
  if (!v.is_map()) return v.Error("Expected user entry to be a map/struct");
  node::User user;
  for (const config::ConfigEntry& e : v.entries()) {
    const std::string key = absl::AsciiStrToLower(e.key);
    if (key == "user" || key == "username") {
      NA_ASSIGN_OR_RETURN(user.username, e.value.GetString());
    } else if (key == "pass" || key == "password") {
      NA_ASSIGN_OR_RETURN(user.password, e.value.GetString());
    } else if (key == "permission" || key == "permissions" || key == "authorization") {
      NA_ASSIGN_OR_RETURN(user.permissions, GetPermissions(e.value));
    } else if (key == "account") {
      NA_ASSIGN_OR_RETURN(user.account, e.value.GetString());
    } else if (key == "nkey" || key == "allowed_connection_types") {
      return e.value.Error(absl::StrCat("\"", e.key, "\" is not supported yet"));
    } else {
      return e.value.Error(absl::StrCat("unknown field \"", e.key, "\""));
    }
  }
  return user;
}

absl::Status ApplyAuthorization(const ConfigValue& v, node::AuthOptions* auth) {
  if (!v.is_map()) return v.Error("Expected authorization to be a map/struct");
  for (const config::ConfigEntry& e : v.entries()) {
    if (e.value.used_as_variable()) continue;
    const std::string key = absl::AsciiStrToLower(e.key);
    if (key == "user" || key == "username") {
      NA_ASSIGN_OR_RETURN(auth->user, e.value.GetString());
    } else if (key == "pass" || key == "password") {
      NA_ASSIGN_OR_RETURN(auth->password, e.value.GetString());
    } else if (key == "token") {
      NA_ASSIGN_OR_RETURN(auth->token, e.value.GetString());
    } else if (key == "timeout") {
      // Seconds as a number (float allowed), or a duration string.
      if (e.value.is_string()) {
        NA_ASSIGN_OR_RETURN(auth->timeout_ns, e.value.GetDurationNs());
      } else {
        NA_ASSIGN_OR_RETURN(double secs, e.value.GetFloat());
        auth->timeout_ns = static_cast<int64_t>(secs * 1e9);
      }
    } else if (key == "users") {
      if (!e.value.is_array()) return e.value.Error("Expected users field to be an array");
      for (const ConfigValue& u : e.value.array()) {
        NA_ASSIGN_OR_RETURN(node::User user, GetUser(u));
        auth->users.push_back(std::move(user));
      }
    } else if (key == "default_permission" || key == "default_permissions" ||
               key == "permissions") {
      NA_ASSIGN_OR_RETURN(auth->default_permissions, GetPermissions(e.value));
    } else {
      return e.value.Error(absl::StrCat("unknown field \"", e.key, "\""));
    }
  }
  // Conflicts are reported at the block's line, column 0, as nats-server does.
  config::SourceLocation where = v.location();
  where.column = 0;
  auto conflict = [&where](absl::string_view message) {
    return absl::InvalidArgumentError(absl::StrCat(where.ToString(), ": ", message));
  };
  if (!auth->users.empty() && (!auth->user.empty() || !auth->password.empty())) {
    return conflict("Can not have a single user/pass and a users array");
  }
  if (!auth->token.empty() && !auth->users.empty()) {
    return conflict("Can not have a token and a users array");
  }
  if (!auth->token.empty() && !auth->user.empty()) {
    return conflict("Cannot have a user/pass and token");
  }
  return absl::OkStatus();
}

using Handler = std::function<absl::Status(const ConfigValue&, Settings*)>;

const std::map<std::string, Handler>& Handlers() {
  static const auto* handlers = [] {
    auto* h = new std::map<std::string, Handler>;
    auto& m = *h;
    m["listen"] = [](const ConfigValue& v, Settings* s) {
      return ParseHostPort(v, &s->node.host, &s->node.port);
    };
    m["port"] = [](const ConfigValue& v, Settings* s) -> absl::Status {
      NA_ASSIGN_OR_RETURN(s->node.port, GetIntIn(v));
      return absl::OkStatus();
    };
    m["host"] = m["net"] = [](const ConfigValue& v, Settings* s) -> absl::Status {
      NA_ASSIGN_OR_RETURN(s->node.host, v.GetString());
      return absl::OkStatus();
    };
    m["server_name"] = [](const ConfigValue& v, Settings* s) -> absl::Status {
      NA_ASSIGN_OR_RETURN(s->node.server_name, v.GetString());
      return absl::OkStatus();
    };
    m["client_advertise"] = [](const ConfigValue& v, Settings* s) -> absl::Status {
      NA_ASSIGN_OR_RETURN(s->node.client_advertise, v.GetString());
      return absl::OkStatus();
    };
    m["debug"] = [](const ConfigValue& v, Settings* s) -> absl::Status {
      NA_ASSIGN_OR_RETURN(s->node.debug, v.GetBool());
      return absl::OkStatus();
    };
    m["trace"] = [](const ConfigValue& v, Settings* s) -> absl::Status {
      NA_ASSIGN_OR_RETURN(s->node.trace, v.GetBool());
      return absl::OkStatus();
    };
    m["trace_verbose"] = [](const ConfigValue& v, Settings* s) -> absl::Status {
      NA_ASSIGN_OR_RETURN(s->node.trace_verbose, v.GetBool());
      if (s->node.trace_verbose) s->node.trace = true;
      return absl::OkStatus();
    };
    m["logtime"] = [](const ConfigValue& v, Settings* s) -> absl::Status {
      NA_ASSIGN_OR_RETURN(s->logtime, v.GetBool());
      return absl::OkStatus();
    };
    m["logfile"] = m["log_file"] = [](const ConfigValue& v, Settings* s) -> absl::Status {
      NA_ASSIGN_OR_RETURN(s->log_file, v.GetString());
      return absl::OkStatus();
    };
    m["pidfile"] = m["pid_file"] = [](const ConfigValue& v, Settings* s) -> absl::Status {
      NA_ASSIGN_OR_RETURN(s->pid_file, v.GetString());
      return absl::OkStatus();
    };
    m["ports_file_dir"] = [](const ConfigValue& v, Settings* s) -> absl::Status {
      NA_ASSIGN_OR_RETURN(s->ports_file_dir, v.GetString());
      return absl::OkStatus();
    };
    m["http"] = [](const ConfigValue& v, Settings* s) -> absl::Status {
      std::string host;
      NA_RETURN_IF_ERROR(ParseHostPort(v, &host, &s->node.http_port));
      if (!host.empty()) {
        s->node.http_host = host;
        s->http_host_set = true;
      }
      return absl::OkStatus();
    };
    m["http_port"] = m["monitor_port"] = [](const ConfigValue& v, Settings* s) -> absl::Status {
      NA_ASSIGN_OR_RETURN(s->node.http_port, GetIntIn(v));
      return absl::OkStatus();
    };
    m["https_port"] = [](const ConfigValue& v, Settings* s) -> absl::Status {
      NA_ASSIGN_OR_RETURN(s->node.https_port, GetIntIn(v));
      return absl::OkStatus();
    };
    m["http_base_path"] = [](const ConfigValue& v, Settings* s) -> absl::Status {
      NA_ASSIGN_OR_RETURN(s->node.http_base_path, v.GetString());
      return absl::OkStatus();
    };
    m["max_control_line"] = [](const ConfigValue& v, Settings* s) -> absl::Status {
      NA_ASSIGN_OR_RETURN(s->node.max_control_line_bytes, v.GetInt());
      return absl::OkStatus();
    };
    m["max_payload"] = [](const ConfigValue& v, Settings* s) -> absl::Status {
      NA_ASSIGN_OR_RETURN(s->node.max_payload_bytes, v.GetInt());
      return absl::OkStatus();
    };
    m["max_pending"] = [](const ConfigValue& v, Settings* s) -> absl::Status {
      NA_ASSIGN_OR_RETURN(s->node.max_pending_bytes, v.GetInt());
      return absl::OkStatus();
    };
    m["max_connections"] = m["max_conn"] = [](const ConfigValue& v, Settings* s) -> absl::Status {
      NA_ASSIGN_OR_RETURN(s->node.max_connections, GetIntIn(v));
      return absl::OkStatus();
    };
    m["max_subscriptions"] = m["max_subs"] = [](const ConfigValue& v, Settings* s) -> absl::Status {
      NA_ASSIGN_OR_RETURN(s->node.max_subscriptions, GetIntIn(v));
      return absl::OkStatus();
    };
    m["max_sub_tokens"] = [](const ConfigValue& v, Settings* s) -> absl::Status {
      NA_ASSIGN_OR_RETURN(s->node.max_sub_tokens, GetIntIn(v));
      return absl::OkStatus();
    };
    m["max_traced_msg_len"] = [](const ConfigValue& v, Settings* s) -> absl::Status {
      NA_ASSIGN_OR_RETURN(s->node.max_traced_msg_len, GetIntIn(v));
      return absl::OkStatus();
    };
    m["ping_interval"] = [](const ConfigValue& v, Settings* s) -> absl::Status {
      NA_ASSIGN_OR_RETURN(s->node.ping_interval_ns, GetDuration(v, "ping_interval", s));
      return absl::OkStatus();
    };
    m["ping_max"] = [](const ConfigValue& v, Settings* s) -> absl::Status {
      NA_ASSIGN_OR_RETURN(s->node.ping_max, GetIntIn(v));
      return absl::OkStatus();
    };
    m["write_deadline"] = [](const ConfigValue& v, Settings* s) -> absl::Status {
      NA_ASSIGN_OR_RETURN(s->node.write_deadline_ns, GetDuration(v, "write_deadline", s));
      return absl::OkStatus();
    };
    m["lame_duck_duration"] = [](const ConfigValue& v, Settings* s) -> absl::Status {
      NA_ASSIGN_OR_RETURN(int64_t ns, GetStringDuration(v, "lame_duck_duration"));
      if (ns < kLameDuckDurationMinNs) {
        return v.Error(absl::StrCat("invalid lame_duck_duration of ", GoDuration(ns),
                                    ", minimum is 30 seconds"));
      }
      s->lame_duck_duration_ns = ns;
      return absl::OkStatus();
    };
    m["lame_duck_grace_period"] = [](const ConfigValue& v, Settings* s) -> absl::Status {
      NA_ASSIGN_OR_RETURN(int64_t ns, GetStringDuration(v, "lame_duck_grace_period"));
      if (ns < 0) return v.Error("invalid lame_duck_grace_period, needs to be positive");
      s->lame_duck_grace_period_ns = ns;
      return absl::OkStatus();
    };
    m["authorization"] = [](const ConfigValue& v, Settings* s) {
      return ApplyAuthorization(v, &s->node.auth);
    };
    m["no_auth_user"] = [](const ConfigValue& v, Settings* s) -> absl::Status {
      NA_ASSIGN_OR_RETURN(s->node.auth.no_auth_user, v.GetString());
      return absl::OkStatus();
    };
    m["no_header_support"] = [](const ConfigValue& v, Settings* s) -> absl::Status {
      NA_ASSIGN_OR_RETURN(s->node.no_header_support, v.GetBool());
      return absl::OkStatus();
    };
    m["disable_sublist_cache"] =
        m["no_sublist_cache"] = [](const ConfigValue& v, Settings* s) -> absl::Status {
      NA_ASSIGN_OR_RETURN(s->node.disable_sublist_cache, v.GetBool());
      return absl::OkStatus();
    };
    return h;
  }();
  return *handlers;
}

}  // namespace

absl::Status ApplyConfig(const ConfigValue& root, Settings* settings) {
  if (!root.is_map()) return root.Error("configuration must be a map");
  // nats-server reports every bad key, not just the first; so do we.
  std::vector<std::string> errors;
  std::vector<std::string> warnings_and_errors;
  for (const config::ConfigEntry& e : root.entries()) {
    if (e.value.used_as_variable()) continue;
    const std::string key = absl::AsciiStrToLower(e.key);
    auto it = Handlers().find(key);
    if (it != Handlers().end()) {
      const size_t warnings_before = settings->config_warnings.size();
      absl::Status status = it->second(e.value, settings);
      // With any error the reference reports its warnings among the errors, in file order.
      for (size_t i = warnings_before; i < settings->config_warnings.size(); ++i) {
        warnings_and_errors.push_back(settings->config_warnings[i]);
      }
      if (!status.ok()) {
        errors.emplace_back(status.message());
        warnings_and_errors.emplace_back(status.message());
      }
      continue;
    }
    if (IsLaterKey(key)) {
      settings->warnings.push_back(absl::StrCat(e.value.location().ToString(), ": \"", e.key,
                                                "\" is not supported yet, ignoring it"));
      continue;
    }
    errors.push_back(
        absl::StrCat(e.value.location().ToString(), ": unknown field \"", e.key, "\""));
    warnings_and_errors.push_back(errors.back());
  }
  if (!errors.empty()) {
    return absl::InvalidArgumentError(absl::StrJoin(warnings_and_errors, "\n"));
  }
  return absl::OkStatus();
}

void ApplyFlags(const Flags& f, Settings* s) {
  node::Options& o = s->node;
  if (f.host) o.host = *f.host;
  if (f.port) o.port = *f.port;
  if (f.server_name) o.server_name = *f.server_name;
  if (f.pid_file) s->pid_file = *f.pid_file;
  if (f.http_port) o.http_port = *f.http_port;
  if (f.https_port) o.https_port = *f.https_port;
  if (f.client_advertise) o.client_advertise = *f.client_advertise;
  if (f.ports_file_dir) s->ports_file_dir = *f.ports_file_dir;
  if (f.log_file) s->log_file = *f.log_file;
  if (f.logtime) s->logtime = *f.logtime;
  if (f.debug) o.debug = *f.debug;
  if (f.trace) o.trace = *f.trace;
  if (f.trace_verbose) o.trace_verbose = *f.trace_verbose;
  if (f.max_traced_msg_len) o.max_traced_msg_len = *f.max_traced_msg_len;
  // -js is accepted but JetStream does not exist yet: the node must not announce it in INFO
  // (clients would send JetStream API requests that nothing answers).
  if (f.store_dir) o.store_dir = *f.store_dir;
  if (f.user) o.auth.user = *f.user;
  if (f.pass) o.auth.password = *f.pass;
  if (f.auth) o.auth.token = *f.auth;
  if (!f.config_file.empty()) o.config_file = f.config_file;
  for (const std::string& name : f.unsupported) {
    s->warnings.push_back(absl::StrCat("Flag ", name, " is not supported yet, ignoring it"));
  }
}

std::string GoDuration(int64_t ns) {
  if (ns == 0) return "0s";
  std::string sign = ns < 0 ? "-" : "";
  const uint64_t u = ns < 0 ? 0 - static_cast<uint64_t>(ns) : static_cast<uint64_t>(ns);
  // Below a second Go picks ns/us/ms with a decimal fraction; at or above, h/m/s.
  auto fraction = [](uint64_t v, uint64_t unit) {
    std::string out = absl::StrCat(v / unit);
    std::string frac = absl::StrCat(unit + v % unit).substr(1);
    while (!frac.empty() && frac.back() == '0') frac.pop_back();
    if (!frac.empty()) absl::StrAppend(&out, ".", frac);
    return out;
  };
  if (u < 1'000) return absl::StrCat(sign, u, "ns");
  if (u < 1'000'000) return absl::StrCat(sign, fraction(u, 1'000), "\xc2\xb5s");
  if (u < 1'000'000'000) return absl::StrCat(sign, fraction(u, 1'000'000), "ms");
  const uint64_t sec_ns = u % 60'000'000'000;
  const uint64_t total_min = u / 60'000'000'000;
  std::string out = sign;
  if (total_min >= 60) absl::StrAppend(&out, total_min / 60, "h");
  if (total_min > 0) absl::StrAppend(&out, total_min % 60, "m");
  absl::StrAppend(&out, fraction(sec_ns, 1'000'000'000), "s");
  return out;
}

absl::Status Validate(const Settings& s) {
  const node::Options& o = s.node;
  if (s.lame_duck_duration_ns > 0 && s.lame_duck_grace_period_ns >= s.lame_duck_duration_ns) {
    return absl::InvalidArgumentError(
        absl::StrCat("lame duck grace period (", GoDuration(s.lame_duck_grace_period_ns),
                     ") should be strictly lower than lame duck duration (",
                     GoDuration(s.lame_duck_duration_ns), ")"));
  }
  if (o.max_payload_bytes > o.max_pending_bytes) {
    return absl::InvalidArgumentError(absl::StrCat("max_payload (", o.max_payload_bytes,
                                                   ") cannot be higher than max_pending (",
                                                   o.max_pending_bytes, ")"));
  }
  if (!o.auth.no_auth_user.empty()) {
    bool found = false;
    for (const node::User& u : o.auth.users) found = found || u.username == o.auth.no_auth_user;
    if (!found) {
      return absl::InvalidArgumentError(
          absl::StrCat("no_auth_user: \"", o.auth.no_auth_user,
                       "\" not present as user in authorization block or account configuration"));
    }
  }
  return absl::OkStatus();
}

}  // namespace na::server
