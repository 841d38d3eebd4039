// What one seed draws: the fault mix and rates (swarm testing) and the engine's knobs.
//
// Each seed gets its own plan, so that runs do not all average out to the same conditions
// (simulation-and-storage.md §5). Probabilities are integer ratios; durations are integer
// nanoseconds drawn with Prng::Between, biased toward short ones by nesting two draws.
#ifndef NATRIUM_SIM_FAULT_PLAN_H_
#define NATRIUM_SIM_FAULT_PLAN_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "engine/base/random.h"

namespace na::sim {

enum class Mode : uint8_t {
  kLite,      // crashes only: a fast smoke run
  kSafety,    // every fault, at per-seed rates; invariants checked at every step
  kLiveness,  // safety faults for the first part of the run, then none: the system must serve
};

absl::string_view ModeName(Mode mode);
absl::optional<Mode> ParseMode(absl::string_view name);

inline constexpr int64_t kMillisecond = 1'000'000;
inline constexpr int64_t kSecond = 1'000'000'000;

struct FaultPlan {
  // Network.
  bool wan = false;
  int64_t latency_min_ns = 0;
  int64_t latency_max_ns = 0;
  uint64_t tail_latency_per_mille = 0;  // extra delay up to 100 ms on this share of writes
  uint64_t reset_per_million_writes = 0;
  uint64_t dial_fail_percent = 0;
  uint64_t clog_per_mille_per_tick = 0;  // a random link clogs (one tick = 100 ms)
  int64_t clog_max_ns = 0;
  uint64_t partition_per_mille_per_tick = 0;
  int64_t partition_max_ns = 0;
  bool partition_asymmetric = false;

  // Nodes.
  uint64_t crash_per_10k_per_tick = 0;
  int64_t down_max_ns = 0;
  uint64_t pause_per_10k_per_tick = 0;
  int64_t pause_max_ns = 0;
  int64_t clock_offset_max_ns = 0;
  int64_t timer_late_max_ns = 0;

  // Clients.
  uint64_t slow_client_percent = 0;  // clients that sometimes stop reading
  int64_t slow_max_ns = 0;
  uint64_t flaky_client_percent = 0;   // clients that sometimes drop and redial
  uint64_t oversize_per_10k_pubs = 0;  // publishes over max_payload
  int64_t socket_window_bytes = 0;     // receive buffer of a client socket

  // Engine knobs (node::Options).
  int64_t max_payload_bytes = 0;
  int64_t max_pending_bytes = 0;
  int64_t write_deadline_ns = 0;
  int64_t ping_interval_ns = 0;
  int ping_max = 0;
  bool disable_sublist_cache = false;  // both match paths of the sublist get exercised

  static FaultPlan Draw(Mode mode, Prng& prng);
  // One line per group, "key=value" pairs, for the run header.
  std::string Describe() const;
};

}  // namespace na::sim

#endif  // NATRIUM_SIM_FAULT_PLAN_H_
