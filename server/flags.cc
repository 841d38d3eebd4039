#include "server/flags.h"

#include <functional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace na::server {
namespace {

enum class Kind { kBool, kString, kInt, kInt64 };

struct Value {
  bool b = false;
  std::string s;
  int64_t i = 0;
};

struct FlagSpec {
  std::vector<absl::string_view> names;
  Kind kind;
  std::function<void(Flags&, const Value&)> apply;
  // Non-empty for flags of later issues: accepted, then logged as not supported yet.
  absl::string_view unsupported_name = "";
};

// Go's strconv.ParseBool.
bool ParseGoBool(absl::string_view text, bool* out) {
  static constexpr absl::string_view kTrue[] = {"1", "t", "T", "TRUE", "true", "True"};
  static constexpr absl::string_view kFalse[] = {"0", "f", "F", "FALSE", "false", "False"};
  for (absl::string_view t : kTrue) {
    if (text == t) return *out = true, true;
  }
  for (absl::string_view f : kFalse) {
    if (text == f) return *out = false, true;
  }
  return false;
}

// Go's strconv.ParseInt(text, 0, bits): optional sign, then decimal, 0x hex, 0o/leading-0 octal
// or 0b binary.
bool ParseGoInt(absl::string_view text, int bits, int64_t* out) {
  bool negative = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  if (text.empty()) return false;
  int base = 10;
  if (text.size() > 1 && text[0] == '0') {
    const char p = absl::ascii_tolower(text[1]);
    if (p == 'x' || p == 'o' || p == 'b') {
      base = p == 'x' ? 16 : (p == 'o' ? 8 : 2);
      text.remove_prefix(2);
    } else {
      base = 8;
      text.remove_prefix(1);
    }
    if (text.empty()) return false;
  }
  uint64_t value = 0;
  for (char c : text) {
    int digit;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (absl::ascii_isalpha(c)) {
      digit = absl::ascii_tolower(c) - 'a' + 10;
    } else {
      return false;
    }
    if (digit >= base) return false;
    if (value > (UINT64_MAX - static_cast<uint64_t>(digit)) / static_cast<uint64_t>(base)) {
      return false;
    }
    value = value * static_cast<uint64_t>(base) + static_cast<uint64_t>(digit);
  }
  const uint64_t limit = (bits == 64 ? (1ull << 63) : (1ull << (bits - 1)));
  if (negative ? value > limit : value >= limit) return false;
  *out = negative ? -static_cast<int64_t>(value) : static_cast<int64_t>(value);
  return true;
}

const std::vector<FlagSpec>& Specs() {
  static const std::vector<FlagSpec>* specs = [] {
    auto* v = new std::vector<FlagSpec>;
    auto str = [v](std::vector<absl::string_view> names,
                   std::function<void(Flags&, const std::string&)> set,
                   absl::string_view unsupported = "") {
      v->push_back(FlagSpec{names, Kind::kString, [set](Flags& f, const Value& x) { set(f, x.s); },
                            unsupported});
    };
    auto integer = [v](std::vector<absl::string_view> names,
                       std::function<void(Flags&, int64_t)> set, Kind kind = Kind::kInt,
                       absl::string_view unsupported = "") {
      v->push_back(
          FlagSpec{names, kind, [set](Flags& f, const Value& x) { set(f, x.i); }, unsupported});
    };
    auto boolean = [v](std::vector<absl::string_view> names, std::function<void(Flags&, bool)> set,
                       absl::string_view unsupported = "") {
      v->push_back(FlagSpec{names, Kind::kBool, [set](Flags& f, const Value& x) { set(f, x.b); },
                            unsupported});
    };
    str({"a", "addr", "net"}, [](Flags& f, const std::string& s) { f.host = s; });
    integer({"p", "port"}, [](Flags& f, int64_t i) { f.port = static_cast<int>(i); });
    str({"n", "name", "server_name"}, [](Flags& f, const std::string& s) { f.server_name = s; });
    str({"P", "pid"}, [](Flags& f, const std::string& s) { f.pid_file = s; });
    integer({"m", "http_port"}, [](Flags& f, int64_t i) { f.http_port = static_cast<int>(i); });
    integer({"ms", "https_port"}, [](Flags& f, int64_t i) { f.https_port = static_cast<int>(i); });
    str({"c", "config"}, [](Flags& f, const std::string& s) { f.config_file = s; });
    boolean({"t"}, [](Flags& f, bool b) { f.test_config = b; });
    str({"sl", "signal"}, [](Flags& f, const std::string& s) { f.signal = s; });
    str({"client_advertise"}, [](Flags& f, const std::string& s) { f.client_advertise = s; });
    str({"ports_file_dir"}, [](Flags& f, const std::string& s) { f.ports_file_dir = s; });
    str({"l", "log"}, [](Flags& f, const std::string& s) { f.log_file = s; });
    boolean({"T", "logtime"}, [](Flags& f, bool b) { f.logtime = b; });
    boolean(
        {"s", "syslog"}, [](Flags& f, bool b) { f.syslog = b; }, "--syslog");
    str(
        {"r", "remote_syslog"}, [](Flags& f, const std::string& s) { f.remote_syslog = s; },
        "--remote_syslog");
    boolean({"D", "debug"}, [](Flags& f, bool b) { f.debug = b; });
    boolean({"V", "trace"}, [](Flags& f, bool b) { f.trace = b; });
    // The combined flags only ever switch things on (nats-server ORs them in after parsing).
    boolean({"VV"}, [](Flags& f, bool b) {
      if (b) f.trace = f.trace_verbose = true;
    });
    boolean({"DV"}, [](Flags& f, bool b) {
      if (b) f.debug = f.trace = true;
    });
    boolean({"DVV"}, [](Flags& f, bool b) {
      if (b) f.debug = f.trace = f.trace_verbose = true;
    });
    integer(
        {"log_size_limit"}, [](Flags& f, int64_t i) { f.log_size_limit = i; }, Kind::kInt64,
        "--log_size_limit");
    integer({"max_traced_msg_len"},
            [](Flags& f, int64_t i) { f.max_traced_msg_len = static_cast<int>(i); });
    boolean(
        {"js", "jetstream"}, [](Flags& f, bool b) { f.jetstream = b; }, "--jetstream");
    str(
        {"sd", "store_dir"}, [](Flags& f, const std::string& s) { f.store_dir = s; },
        "--store_dir");
    str({"user"}, [](Flags& f, const std::string& s) { f.user = s; });
    str({"pass"}, [](Flags& f, const std::string& s) { f.pass = s; });
    str({"auth"}, [](Flags& f, const std::string& s) { f.auth = s; });
    boolean(
        {"tls"}, [](Flags&, bool) {}, "--tls");
    str(
        {"tlscert"}, [](Flags&, const std::string&) {}, "--tlscert");
    str(
        {"tlskey"}, [](Flags&, const std::string&) {}, "--tlskey");
    boolean(
        {"tlsverify"}, [](Flags&, bool) {}, "--tlsverify");
    str(
        {"tlscacert"}, [](Flags&, const std::string&) {}, "--tlscacert");
    str(
        {"routes"}, [](Flags&, const std::string&) {}, "--routes");
    str(
        {"cluster", "cluster_listen"}, [](Flags&, const std::string&) {}, "--cluster");
    str(
        {"cluster_name"}, [](Flags&, const std::string&) {}, "--cluster_name");
    boolean(
        {"no_advertise"}, [](Flags&, bool) {}, "--no_advertise");
    str(
        {"cluster_advertise"}, [](Flags&, const std::string&) {}, "--cluster_advertise");
    integer(
        {"connect_retries"}, [](Flags&, int64_t) {}, Kind::kInt, "--connect_retries");
    integer(
        {"profile"}, [](Flags&, int64_t) {}, Kind::kInt, "--profile");
    boolean({"h", "help"}, [](Flags& f, bool b) { f.show_help = b; });
    boolean({"v", "version"}, [](Flags& f, bool b) { f.show_version = b; });
    boolean({"help_tls"}, [](Flags& f, bool b) { f.show_tls_help = b; });
    return v;
  }();
  return *specs;
}

const FlagSpec* Lookup(absl::string_view name) {
  for (const FlagSpec& spec : Specs()) {
    for (absl::string_view n : spec.names) {
      if (n == name) return &spec;
    }
  }
  return nullptr;
}

}  // namespace

FlagParse ParseFlags(const std::vector<std::string>& args) {
  FlagParse result;
  Flags& flags = result.flags;
  auto usage_error = [&result](std::string error) {
    result.outcome = FlagParse::Outcome::kUsage;
    result.error = std::move(error);
    return result;
  };
  size_t i = 0;
  for (; i < args.size(); ++i) {
    absl::string_view arg = args[i];
    if (arg.size() < 2 || arg[0] != '-') break;  // the first non-flag argument ends the flags
    size_t dashes = 1;
    if (arg[1] == '-') {
      dashes = 2;
      if (arg.size() == 2) {  // "--" ends the flags and is consumed
        ++i;
        break;
      }
    }
    absl::string_view name = arg.substr(dashes);
    if (name.empty() || name[0] == '-' || name[0] == '=') {
      return usage_error(absl::StrCat("bad flag syntax: ", arg));
    }
    std::optional<std::string> value;
    if (size_t eq = name.find('='); eq != absl::string_view::npos) {
      value = std::string(name.substr(eq + 1));
      name = name.substr(0, eq);
    }
    const FlagSpec* spec = Lookup(name);
    if (spec == nullptr) {
      return usage_error(absl::StrCat("flag provided but not defined: -", name));
    }
    Value parsed;
    if (spec->kind == Kind::kBool) {
      parsed.b = true;
      if (value.has_value() && !ParseGoBool(*value, &parsed.b)) {
        return usage_error(
            absl::StrCat("invalid boolean value \"", *value, "\" for -", name, ": parse error"));
      }
    } else {
      if (!value.has_value()) {
        if (i + 1 >= args.size()) {
          return usage_error(absl::StrCat("flag needs an argument: -", name));
        }
        value = args[++i];
      }
      if (spec->kind == Kind::kString) {
        parsed.s = *value;
      } else if (!ParseGoInt(*value, spec->kind == Kind::kInt ? 32 : 64, &parsed.i)) {
        return usage_error(
            absl::StrCat("invalid value \"", *value, "\" for flag -", name, ": parse error"));
      }
    }
    spec->apply(flags, parsed);
    if (!spec->unsupported_name.empty()) {
      flags.unsupported.insert(std::string(spec->unsupported_name));
    }
  }

  if (flags.show_version) {
    result.outcome = FlagParse::Outcome::kVersion;
    return result;
  }
  if (flags.show_help || flags.show_tls_help) {
    result.outcome = FlagParse::Outcome::kUsage;
    return result;
  }
  for (; i < args.size(); ++i) {
    if (args[i] == "version") {
      result.outcome = FlagParse::Outcome::kVersion;
      return result;
    }
    if (args[i] == "help") {
      result.outcome = FlagParse::Outcome::kUsage;
      return result;
    }
    result.outcome = FlagParse::Outcome::kFatal;
    result.error = absl::StrCat("unrecognized command: \"", args[i], "\"");
    return result;
  }
  if (flags.test_config && flags.config_file.empty()) {
    result.outcome = FlagParse::Outcome::kFatal;
    result.error = "must specify [-c, --config] option to check configuration file syntax";
  }
  return result;
}

std::string UsageText() {
  return R"(
Usage: natrium-server [options]

Server Options:
    -a, --addr, --net <host>         Bind to host address (default: 0.0.0.0)
    -p, --port <port>                Use port for clients (default: 4222, -1 for any free port)
    -n, --name
        --server_name <server_name>  Server name (default: the server id)
    -P, --pid <file>                 File to store PID
    -m, --http_port <port>           Use port for http monitoring
    -ms,--https_port <port>          Use port for https monitoring (needs TLS: not supported yet)
    -c, --config <file>              Configuration file
    -t                               Test configuration and exit
    -sl,--signal <signal>[=<pid>]    Send signal to a natrium-server process
                                     (ldm, stop, quit, term, reopen, reload); <pid> can be
                                     a PID or the path to a PID file
        --client_advertise <string>  Client URL to advertise to other servers
        --ports_file_dir <dir>       Creates a ports file in the specified directory
                                     (<executable_name>_<pid>.ports)

Logging Options:
    -l, --log <file>                 File to redirect log output
    -T, --logtime                    Timestamp log entries (default: true)
    -s, --syslog                     Log to syslog (not supported yet)
    -r, --remote_syslog <addr>       Syslog server addr (not supported yet)
    -D, --debug                      Enable debugging output
    -V, --trace                      Trace the raw protocol
    -VV                              Verbose trace (traces system account as well)
    -DV                              Debug and trace
    -DVV                             Debug and verbose trace (traces system account as well)
        --log_size_limit <limit>     Logfile size limit (not supported yet)
        --max_traced_msg_len <len>   Maximum printable length for traced messages
                                     (default: unlimited)

JetStream Options (accepted, not supported yet):
    -js, --jetstream                 Enable JetStream functionality
    -sd, --store_dir <dir>           Set the storage directory

Authorization Options:
        --user <user>                User required for connections
        --pass <password>            Password required for connections
        --auth <token>               Authorization token required for connections

TLS Options (accepted, not supported yet):
        --tls                        Enable TLS, do not verify clients (default: false)
        --tlscert <file>             Server certificate file
        --tlskey <file>              Private key for server certificate
        --tlsverify                  Enable TLS, verify client certificates
        --tlscacert <file>           Client certificate CA for verification

Cluster Options (accepted, not supported yet):
        --routes <rurl-1, rurl-2>    Routes to solicit and connect
        --cluster <cluster-url>      Cluster URL for solicited routes
        --cluster_name <string>      Cluster Name, if not set one will be dynamically generated
        --no_advertise <bool>        Do not advertise known cluster information to clients
        --cluster_advertise <string> Cluster URL to advertise to other servers
        --connect_retries <number>   For implicit routes, number of connect retries
        --cluster_listen <url>       Cluster url from which members can solicit routes

Profiling Options (accepted, not supported yet):
        --profile <port>             Profiling HTTP port

Common Options:
    -h, --help                       Show this message
    -v, --version                    Show version
        --help_tls                   TLS help

)";
}

}  // namespace na::server
