// Durations as nats-server reads them from a config file.
#ifndef NATRIUM_SERVER_CONFIG_DURATION_H_
#define NATRIUM_SERVER_CONFIG_DURATION_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace na::config {

// Parses Go duration syntax (time.ParseDuration): an optional sign, then one or more
// <number><unit> with units ns, us (or µs / μs), ms, s, m, h and decimal fractions allowed
// ("1h30m", "1.5s", "-2m", "0"). A bare integer ("30") means seconds, as nats-server accepts
// integers for duration options. Returns nanoseconds.
//
// Errors are InvalidArgument with Go's wording: `time: invalid duration "x"`,
// `time: missing unit in duration "1.5"`, `time: unknown unit "d" in duration "1d"`.
absl::StatusOr<int64_t> ParseDurationNs(absl::string_view text);

}  // namespace na::config

#endif  // NATRIUM_SERVER_CONFIG_DURATION_H_
