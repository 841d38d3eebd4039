// Text formats the monitoring JSON shares with nats-server, which are Go's:
//   RFC 3339 with nanoseconds, trailing zeros trimmed ("2026-11-22T06:02:13.3244792Z");
//   time.Duration.String() ("566µs", "1.5s", "2m0s");
//   nats-server's uptime style ("1d2h3m4s", "0s");
//   encoding/json numbers for float64 (0 -> "0", 0.75 -> "0.75").
// All pure functions of their arguments (times in UTC).
#ifndef NATRIUM_ENGINE_MONITOR_GO_FORMAT_H_
#define NATRIUM_ENGINE_MONITOR_GO_FORMAT_H_

#include <cstdint>
#include <string>

namespace na::monitor {

std::string FormatRfc3339Nano(int64_t unix_ns);
std::string FormatGoDuration(int64_t ns);
std::string FormatUptime(int64_t ns);
std::string FormatGoFloat(double value);

}  // namespace na::monitor

#endif  // NATRIUM_ENGINE_MONITOR_GO_FORMAT_H_
