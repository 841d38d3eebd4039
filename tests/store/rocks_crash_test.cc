// Power-cut tests of RocksLogStore (issue 4 part 3). Default rounds keep ctest's run short; set
// NA_CRASH_ROUNDS to run more (e.g. nightly: NA_CRASH_ROUNDS=20000).
#include <cstdlib>
#include <string>

#include "absl/strings/numbers.h"
#include "gtest/gtest.h"
#include "tests/store/crash_harness.h"

namespace na::store_testing {
namespace {

int RoundsFromEnv(int fallback) {
  const char* v = std::getenv("NA_CRASH_ROUNDS");
  int rounds = 0;
  if (v != nullptr && absl::SimpleAtoi(v, &rounds) && rounds > 0) return rounds;
  return fallback;
}

void PrintReport(const CrashRunReport& r) {
  std::printf(
      "rounds=%d ops=%llu syncs=%llu acked_ops_checked=%llu unsynced_ops_survived=%llu "
      "cuts_inside_writes=%llu files_torn=%llu unsynced_bytes_dropped=%llu\n",
      r.rounds, static_cast<unsigned long long>(r.ops), static_cast<unsigned long long>(r.syncs),
      static_cast<unsigned long long>(r.acknowledged_ops_checked),
      static_cast<unsigned long long>(r.unsynced_ops_survived),
      static_cast<unsigned long long>(r.cuts_inside_writes),
      static_cast<unsigned long long>(r.files_torn),
      static_cast<unsigned long long>(r.unsynced_bytes_dropped));
}

// >= 1000 cut-and-reopen rounds over four seeds: no acknowledged (synced) op may be lost, the
// reopened state must equal the model after a whole-op prefix of the unsynced tail.
TEST(RocksCrashTest, ThousandCutsLoseNoSyncedWrite) {
  const int total = RoundsFromEnv(1000);
  CrashRunReport sum;
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    CrashRunOptions options;
    options.seed = seed;
    options.rounds = (total + 3) / 4;
    CrashRunReport r = RunCrashRounds(options);
    ASSERT_EQ(r.violation, "") << "replay: seed " << seed;
    ASSERT_EQ(r.rounds, options.rounds);
    sum.rounds += r.rounds;
    sum.ops += r.ops;
    sum.syncs += r.syncs;
    sum.acknowledged_ops_checked += r.acknowledged_ops_checked;
    sum.unsynced_ops_survived += r.unsynced_ops_survived;
    sum.cuts_inside_writes += r.cuts_inside_writes;
    sum.files_torn += r.files_torn;
    sum.unsynced_bytes_dropped += r.unsynced_bytes_dropped;
  }
  PrintReport(sum);
  EXPECT_GE(sum.rounds, total);
  // The run must have exercised what it claims to check.
  EXPECT_GT(sum.acknowledged_ops_checked, static_cast<uint64_t>(total));
  EXPECT_GT(sum.syncs, static_cast<uint64_t>(total) / 2);
  EXPECT_GT(sum.cuts_inside_writes, static_cast<uint64_t>(total) / 10);
  EXPECT_GT(sum.files_torn, 0u);
}

// The same on the deterministic SimEnv, with RocksDB's flushes pumped by the harness.
TEST(RocksCrashTest, CutsOnSimEnvLoseNoSyncedWrite) {
  CrashRunOptions options;
  options.seed = 99;
  options.rounds = RoundsFromEnv(1000) / 10;
  options.use_sim_env = true;
  CrashRunReport r = RunCrashRounds(options);
  PrintReport(r);
  EXPECT_EQ(r.violation, "");
  EXPECT_EQ(r.rounds, options.rounds);
}

// The whole stack on SimEnv is a function of the seed: the same seed twice gives the same ops,
// the same cuts and the same RocksDB background job trace.
TEST(RocksCrashTest, SimEnvRunsAreReproducible) {
  CrashRunOptions options;
  options.seed = 7;
  options.rounds = 40;
  options.use_sim_env = true;
  CrashRunReport a = RunCrashRounds(options);
  CrashRunReport b = RunCrashRounds(options);
  ASSERT_EQ(a.violation, "");
  EXPECT_GT(a.jobs_run, 0u) << "no background job ran; nothing was compared";
  EXPECT_EQ(a.ops, b.ops);
  EXPECT_EQ(a.syncs, b.syncs);
  EXPECT_EQ(a.cuts_inside_writes, b.cuts_inside_writes);
  EXPECT_EQ(a.files_torn, b.files_torn);
  EXPECT_EQ(a.unsynced_bytes_dropped, b.unsynced_bytes_dropped);
  EXPECT_EQ(a.jobs_run, b.jobs_run);
  EXPECT_EQ(a.job_trace_hash, b.job_trace_hash);
  // store_sim_env_two_process_test compares this line between two processes (ASLR, hash seeds
  // and heap layout all differ there).
  std::printf("sim-trace seed=7 ops=%llu jobs=%llu hash=%016llx\n",
              static_cast<unsigned long long>(a.ops), static_cast<unsigned long long>(a.jobs_run),
              static_cast<unsigned long long>(a.job_trace_hash));
}

// Negative control: a store that acknowledged before Sync would lose acknowledged writes at the
// first cut that drops unsynced data, and the checker must say so.
TEST(RocksCrashTest, NegativeControlAckBeforeSyncIsCaught) {
  CrashRunOptions options;
  options.seed = 5;
  options.rounds = 50;
  options.ack_before_sync = true;
  options.keep_unsynced_per_mille = 0;
  options.sync_per_mille = 50;
  CrashRunReport r = RunCrashRounds(options);
  std::printf("negative control report: %s\n", r.violation.c_str());
  ASSERT_NE(r.violation, "") << "the checker missed writes acknowledged before sync";
  EXPECT_NE(r.violation.find("matches no state"), std::string::npos) << r.violation;
  EXPECT_LT(r.rounds, 5) << "loss should be caught at once";
}

// Cuts that keep every unsynced byte (FoundationDB's 10% case) must let tails survive, which
// shows the prefix check accepts more than the synced state.
TEST(RocksCrashTest, KeepingUnsyncedDataIsAcceptedAsAPrefix) {
  CrashRunOptions options;
  options.seed = 11;
  options.rounds = 30;
  options.keep_unsynced_per_mille = 1000;
  options.tear_per_mille = 0;
  CrashRunReport r = RunCrashRounds(options);
  EXPECT_EQ(r.violation, "");
  EXPECT_EQ(r.rounds, 30);
}

}  // namespace
}  // namespace na::store_testing
