// The natrium-server command line, parsed the way Go's flag package parses nats-server's
// (DESIGN.md §7): one or two dashes, `-flag value` or `-flag=value`, booleans as `-flag` or
// `-flag=false`, parsing stops at the first non-flag argument or at `--`. The remaining
// arguments may only be the commands `version` and `help`, as in nats-server.
//
// Error texts are Go's ("flag provided but not defined: -x", "flag needs an argument: -p",
// "invalid value \"abc\" for flag -p: parse error", "invalid boolean value \"x\" for -D: parse
// error"); after one of them nats-server prints its usage to stdout and exits 0, and so do we.
#ifndef NATRIUM_SERVER_FLAGS_H_
#define NATRIUM_SERVER_FLAGS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/btree_set.h"
#include "absl/strings/string_view.h"

namespace na::server {

// Every value that can come from the command line. An optional is set only when the flag was
// given, so that flags override the config file and nothing else (nats-server's MergeOptions).
struct Flags {
  std::optional<std::string> host;              // -a --addr --net
  std::optional<int> port;                      // -p --port
  std::optional<std::string> server_name;       // -n --name --server_name
  std::optional<std::string> pid_file;          // -P --pid
  std::optional<int> http_port;                 // -m --http_port
  std::optional<int> https_port;                // -ms --https_port
  std::string config_file;                      // -c --config
  bool test_config = false;                     // -t
  std::optional<std::string> signal;            // -sl --signal
  std::optional<std::string> client_advertise;  // --client_advertise
  std::optional<std::string> ports_file_dir;    // --ports_file_dir
  std::optional<std::string> log_file;          // -l --log
  std::optional<bool> logtime;                  // -T --logtime
  std::optional<bool> syslog;                   // -s --syslog
  std::optional<std::string> remote_syslog;     // -r --remote_syslog
  std::optional<bool> debug;                    // -D --debug (also -DV, -DVV)
  std::optional<bool> trace;                    // -V --trace (also -VV, -DV, -DVV)
  std::optional<bool> trace_verbose;            // -VV -DVV
  std::optional<int64_t> log_size_limit;        // --log_size_limit
  std::optional<int> max_traced_msg_len;        // --max_traced_msg_len
  std::optional<bool> jetstream;                // -js --jetstream
  std::optional<std::string> store_dir;         // -sd --store_dir
  std::optional<std::string> user;              // --user
  std::optional<std::string> pass;              // --pass
  std::optional<std::string> auth;              // --auth
  bool show_help = false;                       // -h --help, or the command "help"
  bool show_version = false;                    // -v --version, or the command "version"
  bool show_tls_help = false;                   // --help_tls

  // Flags of later issues that were given, by canonical name (for the "not supported yet" log).
  absl::btree_set<std::string> unsupported;
};

// What main() should do after parsing.
struct FlagParse {
  enum class Outcome {
    kRun,      // start (or, with test_config, test the config)
    kUsage,    // print usage to stdout, exit 0 (with `error` on stderr first, if any)
    kVersion,  // print the version line, exit 0
    kFatal,    // print "natrium-server: <error>" to stderr, exit 1
  };
  Outcome outcome = Outcome::kRun;
  std::string error;
  Flags flags;
};

FlagParse ParseFlags(const std::vector<std::string>& args);

// The usage text, printed by -h and after a flag error.
std::string UsageText();

}  // namespace na::server

#endif  // NATRIUM_SERVER_FLAGS_H_
