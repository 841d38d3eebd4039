// Crash harness: random LogStore workloads on RocksLogStore over a CrashFileSystem, power cuts,
// reopens, and a check of what survived against a MemLogStore model.
//
// Each round applies 1..max_ops random ops (store_workload.h) to the RocksLogStore and to the
// model, comparing their outcomes op by op, then cuts power (CrashFileSystem::Freeze, destroy the
// store, Restart with drop/tear/keep-all choices) and reopens. The reopened store must equal the
// model after some prefix of the ops made since the last acknowledged point:
//   * at least every acknowledged op (normal mode: everything before the last Sync; a synced
//     write lost means no prefix matches);
//   * at most every op made (nothing invented), and only whole ops (an op half-applied matches
//     no prefix).
// With ack_before_sync (the negative control) every op counts as acknowledged the moment it
// returns, as a store that acknowledged before syncing would; the checker must then report loss.
#ifndef NATRIUM_TESTS_STORE_CRASH_HARNESS_H_
#define NATRIUM_TESTS_STORE_CRASH_HARNESS_H_

#include <cstdint>
#include <string>

namespace na::store_testing {

struct CrashRunOptions {
  uint64_t seed = 1;
  int rounds = 100;
  int max_ops_per_round = 40;
  int sync_per_mille = 120;
  // Per cut and file with unsynced bytes (CrashOptions): keep them all / tear the last write.
  uint32_t keep_unsynced_per_mille = 100;
  uint32_t tear_per_mille = 500;
  // The negative control: treat every op as acknowledged when it returns.
  bool ack_before_sync = false;
  // Run RocksDB on SimEnv (virtual clock, background jobs pumped by the harness after each op).
  bool use_sim_env = false;
};

struct CrashRunReport {
  int rounds = 0;
  uint64_t ops = 0;
  uint64_t syncs = 0;
  uint64_t acknowledged_ops_checked = 0;  // acked ops whose effect was verified after a cut
  uint64_t unsynced_ops_survived = 0;     // ops after the last sync found present after a cut
  uint64_t cuts_inside_writes = 0;        // rounds where power failed mid-write
  uint64_t files_torn = 0;
  uint64_t unsynced_bytes_dropped = 0;
  // SimEnv runs: how many background jobs ran, and a hash of their trace (job order, virtual
  // time, files after each). Equal seeds must give equal values.
  uint64_t jobs_run = 0;
  uint64_t job_trace_hash = 0;
  // Empty when every check passed; else the first violation, with seed and round to replay it.
  std::string violation;
};

CrashRunReport RunCrashRounds(const CrashRunOptions& options);

}  // namespace na::store_testing

#endif  // NATRIUM_TESTS_STORE_CRASH_HARNESS_H_
