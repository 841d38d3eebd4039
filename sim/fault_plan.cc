#include "sim/fault_plan.h"

#include "absl/strings/str_format.h"

namespace na::sim {
namespace {

// Biased toward the low end: half the draws fall in the lower quarter or so.
int64_t Skewed(Prng& prng, int64_t lo, int64_t hi) {
  return prng.Between(lo, prng.Between(lo, hi));
}

}  // namespace

absl::string_view ModeName(Mode mode) {
  switch (mode) {
    case Mode::kLite:
      return "lite";
    case Mode::kSafety:
      return "safety";
    case Mode::kLiveness:
      return "liveness";
  }
  return "?";
}

absl::optional<Mode> ParseMode(absl::string_view name) {
  if (name == "lite") return Mode::kLite;
  if (name == "safety") return Mode::kSafety;
  if (name == "liveness") return Mode::kLiveness;
  return absl::nullopt;
}

FaultPlan FaultPlan::Draw(Mode mode, Prng& prng) {
  FaultPlan p;
  // Draw everything in a fixed order whatever the mode, then switch families off: a seed keeps
  // its knobs when only the mode changes.
  p.wan = prng.Chance(1, 5);
  if (p.wan) {
    p.latency_min_ns = prng.Between(0, 30) * kMillisecond;
    p.latency_max_ns = p.latency_min_ns + prng.Between(10, 100) * kMillisecond;
  } else {
    p.latency_min_ns = 100'000;
    p.latency_max_ns = 800'000;
  }
  p.tail_latency_per_mille = static_cast<uint64_t>(prng.Between(0, 2));
  p.reset_per_million_writes = static_cast<uint64_t>(prng.Between(10, 100));
  p.dial_fail_percent = static_cast<uint64_t>(prng.Between(0, 10));
  p.clog_per_mille_per_tick = static_cast<uint64_t>(prng.Between(0, 20));
  p.clog_max_ns = prng.Between(0, 10) * kSecond;
  p.partition_per_mille_per_tick = static_cast<uint64_t>(prng.Between(0, 20));
  p.partition_max_ns = prng.Between(1, 30) * kSecond;
  p.partition_asymmetric = prng.Chance(1, 2);
  p.crash_per_10k_per_tick = static_cast<uint64_t>(prng.Between(8, 100));
  p.down_max_ns = Skewed(prng, 100 * kMillisecond, 30 * kSecond);
  p.pause_per_10k_per_tick = static_cast<uint64_t>(prng.Between(0, 50));
  p.pause_max_ns = Skewed(prng, 100 * kMillisecond, 20 * kSecond);
  p.clock_offset_max_ns = prng.Between(0, 60) * kSecond;
  p.timer_late_max_ns = prng.Chance(1, 10) ? 200 * kMillisecond : 5 * kMillisecond;
  p.slow_client_percent = static_cast<uint64_t>(prng.Between(0, 30));
  p.slow_max_ns = Skewed(prng, 100 * kMillisecond, 60 * kSecond);
  p.flaky_client_percent = static_cast<uint64_t>(prng.Between(0, 30));
  p.oversize_per_10k_pubs = static_cast<uint64_t>(prng.Between(0, 5));
  p.socket_window_bytes = Skewed(prng, 16 << 10, 256 << 10);

  static constexpr int64_t kPayloads[] = {4 << 10, 64 << 10, 1 << 20};
  p.max_payload_bytes = kPayloads[prng.Below(3)];
  p.max_pending_bytes = Skewed(prng, 64 << 10, 8 << 20);
  if (p.max_pending_bytes < p.max_payload_bytes) p.max_pending_bytes = p.max_payload_bytes;
  p.write_deadline_ns = prng.Between(1, 10) * kSecond;
  p.ping_interval_ns = Skewed(prng, 1, 120) * kSecond;
  p.ping_max = static_cast<int>(prng.Between(1, 3));

  // Swarm testing proper: each family is switched off entirely in a quarter of the seeds, so
  // that a fault that masks another (a crash resetting a stuck connection) is sometimes absent.
  // Drawn last, so the knobs above keep their values.
  if (prng.Chance(1, 4)) p.reset_per_million_writes = 0;
  if (prng.Chance(1, 4)) p.dial_fail_percent = 0;
  if (prng.Chance(1, 4)) p.clog_per_mille_per_tick = 0;
  if (prng.Chance(1, 4)) p.partition_per_mille_per_tick = 0;
  if (prng.Chance(1, 4)) p.crash_per_10k_per_tick = 0;
  if (prng.Chance(1, 4)) p.pause_per_10k_per_tick = 0;
  if (prng.Chance(1, 4)) p.clock_offset_max_ns = 0;
  if (prng.Chance(1, 4)) p.slow_client_percent = 0;
  if (prng.Chance(1, 4)) p.flaky_client_percent = 0;
  if (prng.Chance(1, 4)) p.oversize_per_10k_pubs = 0;
  if (prng.Chance(1, 4)) p.tail_latency_per_mille = 0;

  p.disable_sublist_cache = prng.Chance(1, 2);

  if (mode == Mode::kLite) {
    p.wan = false;
    p.latency_min_ns = 100'000;
    p.latency_max_ns = 800'000;
    p.tail_latency_per_mille = 0;
    p.reset_per_million_writes = 0;
    p.dial_fail_percent = 0;
    p.clog_per_mille_per_tick = 0;
    p.partition_per_mille_per_tick = 0;
    p.pause_per_10k_per_tick = 0;
    p.clock_offset_max_ns = 0;
    p.timer_late_max_ns = 0;
    p.slow_client_percent = 0;
    p.oversize_per_10k_pubs = 0;
    if (p.crash_per_10k_per_tick == 0) p.crash_per_10k_per_tick = 8;  // lite is crashes
  }
  return p;
}

std::string FaultPlan::Describe() const {
  return absl::StrFormat(
      "  network: latency=%s %dus..%dus tail=%d/1000 reset=%d/1e6 dial_fail=%d%% "
      "clog=%d/1000/tick(max %dms) partition=%d/1000/tick(max %dms,%s)\n"
      "  nodes:   crash=%d/10k/tick down_max=%dms pause=%d/10k/tick(max %dms) "
      "clock_offset_max=%dms timer_late_max=%dms\n"
      "  clients: slow=%d%%(max %dms) flaky=%d%% oversize=%d/10k window=%dB\n"
      "  knobs:   max_payload=%d max_pending=%d write_deadline=%dms ping_interval=%dms "
      "ping_max=%d sublist_cache=%s",
      wan ? "wan" : "lan", latency_min_ns / 1000, latency_max_ns / 1000, tail_latency_per_mille,
      reset_per_million_writes, dial_fail_percent, clog_per_mille_per_tick,
      clog_max_ns / kMillisecond, partition_per_mille_per_tick, partition_max_ns / kMillisecond,
      partition_asymmetric ? "asymmetric" : "symmetric", crash_per_10k_per_tick,
      down_max_ns / kMillisecond, pause_per_10k_per_tick, pause_max_ns / kMillisecond,
      clock_offset_max_ns / kMillisecond, timer_late_max_ns / kMillisecond, slow_client_percent,
      slow_max_ns / kMillisecond, flaky_client_percent, oversize_per_10k_pubs, socket_window_bytes,
      max_payload_bytes, max_pending_bytes, write_deadline_ns / kMillisecond,
      ping_interval_ns / kMillisecond, ping_max, disable_sublist_cache ? "off" : "on");
}

}  // namespace na::sim
