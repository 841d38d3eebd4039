// From a parsed config file and the command line to the server's settings, the way nats-server
// merges them: config file first, then every flag that was given overrides it (MergeOptions),
// then validation.
//
// Config keys (nats-reference.md §9) are matched case-insensitively. Core keys are applied;
// keys of later issues (cluster, jetstream, accounts, tls, leafnodes, gateway, websocket, mqtt,
// ...) are accepted with a "not supported yet" warning; unknown keys are errors
// `file:line:col: unknown field "x"`, as in nats-server; a value of the wrong type is an error
// located at the key.
#ifndef NATRIUM_SERVER_OPTIONS_FROM_CONFIG_H_
#define NATRIUM_SERVER_OPTIONS_FROM_CONFIG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "engine/node/options.h"
#include "server/config/config_value.h"
#include "server/flags.h"

namespace na::server {

inline constexpr int64_t kLameDuckDurationDefaultNs = 120'000'000'000;
inline constexpr int64_t kLameDuckGracePeriodDefaultNs = 10'000'000'000;
// Shorter durations are refused by the config parser, as nats-server does.
inline constexpr int64_t kLameDuckDurationMinNs = 30'000'000'000;

// Everything natrium-server runs with: the engine's options plus what only the process uses.
struct Settings {
  node::Options node;
  bool http_host_set = false;  // else the monitor binds the client host, as nats-server does
  bool logtime = true;
  std::string log_file;
  std::string pid_file;
  std::string ports_file_dir;
  // Lame duck mode (nats-server's DEFAULT_LAME_DUCK_DURATION / _GRACE_PERIOD).
  int64_t lame_duck_duration_ns = kLameDuckDurationDefaultNs;
  int64_t lame_duck_grace_period_ns = kLameDuckGracePeriodDefaultNs;
  // Warnings to log once logging is set up ("... is not supported yet").
  std::vector<std::string> warnings;
  // Config warnings the reference prints raw to stderr before it starts ("file:2:1: invalid use
  // of field ...": a duration given as seconds).
  std::vector<std::string> config_warnings;
};

// Applies a config file's top-level map.
absl::Status ApplyConfig(const config::ConfigValue& root, Settings* settings);

// Applies the flags that were given (they override the config).
void ApplyFlags(const Flags& flags, Settings* settings);

// A duration as Go's time.Duration.String() prints it ("2m0s", "1.5s", "500ms").
std::string GoDuration(int64_t ns);

// Checks what nats-server checks before starting, with its messages (e.g. "max_payload (X)
// cannot be higher than max_pending (Y)").
absl::Status Validate(const Settings& settings);

}  // namespace na::server

#endif  // NATRIUM_SERVER_OPTIONS_FROM_CONFIG_H_
