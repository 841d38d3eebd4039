// Limits and defaults, with the values nats-server 2.9.10 uses (server/const.go).
//
// Every buffer, queue or map a peer can grow is bounded by one of these (DESIGN.md §3.4). Units
// and qualifiers go last in the names.
#ifndef NATRIUM_ENGINE_BASE_LIMITS_H_
#define NATRIUM_ENGINE_BASE_LIMITS_H_

#include <cstdint>

namespace na::limits {

inline constexpr int kDefaultPort = 4222;
inline constexpr int kDefaultHttpPort = 8222;
inline constexpr int kDefaultClusterPort = 6222;
inline constexpr int kDefaultLeafNodePort = 7422;

inline constexpr int64_t kControlLineBytesMax = 4096;
inline constexpr int64_t kPayloadBytesDefault = 1 << 20;        // 1 MiB
inline constexpr int64_t kPayloadBytesWarnAbove = 8 << 20;       // warning above 8 MiB
inline constexpr int64_t kPendingBytesDefault = 64 << 20;        // 64 MiB per connection
inline constexpr int kConnectionsDefault = 64 * 1024;
inline constexpr int kSubscriptionsUnlimited = 0;

inline constexpr int64_t kAuthTimeoutNs = 2'000'000'000;          // 2 s
inline constexpr int64_t kTlsTimeoutNs = 2'000'000'000;           // 2 s
inline constexpr int64_t kPingIntervalNs = 120'000'000'000;       // 2 min
inline constexpr int kPingsOutstandingMax = 2;
inline constexpr int64_t kFirstPingIntervalNs = 2'000'000'000;    // first PING after CONNECT
inline constexpr int64_t kWriteDeadlineNs = 10'000'000'000;       // 10 s
inline constexpr int64_t kLameDuckDurationNs = 120'000'000'000;   // 2 min
inline constexpr int64_t kLameDuckGracePeriodNs = 10'000'000'000; // 10 s
inline constexpr int kClosedConnectionsKept = 10000;              // ring for /connz?state=closed

// A single parse buffer never grows past a control line plus the largest payload we accept.
inline constexpr int64_t kPayloadBytesHardMax = 64 << 20;

static_assert(kPayloadBytesDefault <= kPendingBytesDefault,
              "a single maximal message must fit in a connection's pending buffer");
static_assert(kPayloadBytesWarnAbove <= kPayloadBytesHardMax);

}  // namespace na::limits

#endif  // NATRIUM_ENGINE_BASE_LIMITS_H_
