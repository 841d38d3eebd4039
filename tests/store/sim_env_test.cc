#include "tests/store/sim_env.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/base/random.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "rocksdb/env.h"
#include "tests/store/crash_file_system.h"

namespace na::store_testing {
namespace {

constexpr uint64_t kStartUs = 1700000000ull * 1000000;

struct RunResult {
  std::vector<std::string> logical_state;  // "key=value" in key order
  std::vector<std::string> trace;
  int flushes = 0;
  int compactions = 0;
  uint64_t end_us = 0;
};

// One fixed workload: random puts and deletes with small memtables so that RocksDB flushes and
// compacts many times; background jobs run only when this thread pumps them.
RunResult RunWorkload(uint64_t seed) {
  std::unique_ptr<rocksdb::Env> mem(rocksdb::NewMemEnv(rocksdb::Env::Default()));
  auto fs = std::make_shared<CrashFileSystem>(mem->GetFileSystem());
  SimEnv env(fs, kStartUs);
  env.set_trace_dir("/db");
  rocksdb::Options options;
  options.create_if_missing = true;
  options.level0_file_num_compaction_trigger = 2;
  options.target_file_size_base = 64 << 10;
  options.max_bytes_for_level_base = 256 << 10;
  env.DeterministicOptions(static_cast<rocksdb::DBOptions*>(&options));
  SimEnv::DeterministicOptions(static_cast<rocksdb::ColumnFamilyOptions*>(&options));

  RunResult result;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, "/db", &raw);
  EXPECT_TRUE(s.ok()) << s.ToString();
  if (!s.ok()) return result;
  std::unique_ptr<rocksdb::DB> db(raw);
  Prng rng(seed);
  rocksdb::WriteOptions wo;
  wo.no_slowdown = true;  // a stall would wait for a job only this thread can run
  for (int i = 0; i < 4000; ++i) {
    const std::string key = absl::StrCat("key", rng.Below(1500));
    if (rng.Chance(1, 5)) {
      EXPECT_TRUE(db->Delete(wo, key).ok());
    } else {
      EXPECT_TRUE(db->Put(wo, key, std::string(100 + rng.Below(200), 'a' + rng.Below(26))).ok());
    }
    env.AdvanceMicros(250);
    if (i % 150 == 149) {
      EXPECT_TRUE(SimEnv::RequestFlush(db.get(), {db->DefaultColumnFamily()}).ok());
    }
    env.RunPendingJobs();
  }
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    result.logical_state.push_back(absl::StrCat(it->key().ToString(), "=", it->value().ToString()));
  }
  EXPECT_TRUE(it->status().ok());
  it.reset();
  EXPECT_TRUE(db->Close().ok());
  db.reset();
  result.trace = env.trace();
  for (const std::string& t : result.trace) {
    if (t.find(" HIGH ") != std::string::npos) ++result.flushes;
    if (t.find(" LOW ") != std::string::npos) ++result.compactions;
  }
  result.end_us = env.NowMicros();
  return result;
}

TEST(SimEnvTest, SameOperationsGiveSameStateAndSameJobTrace) {
  RunResult a = RunWorkload(7);
  RunResult b = RunWorkload(7);
  ASSERT_FALSE(a.logical_state.empty());
  // The workload must really exercise background work, or the comparison proves nothing.
  EXPECT_GE(a.flushes, 10);
  EXPECT_GE(a.compactions, 3);
  EXPECT_EQ(a.logical_state, b.logical_state);
  ASSERT_EQ(a.trace.size(), b.trace.size());
  for (size_t i = 0; i < a.trace.size(); ++i) {
    ASSERT_EQ(a.trace[i], b.trace[i]) << "job trace diverges at entry " << i;
  }
  EXPECT_EQ(a.end_us, b.end_us);
}

TEST(SimEnvTest, DifferentOperationsGiveADifferentTrace) {
  RunResult a = RunWorkload(7);
  RunResult b = RunWorkload(8);
  EXPECT_NE(a.logical_state, b.logical_state);
}

TEST(SimEnvTest, JobsRunOnlyWhenPumped) {
  std::unique_ptr<rocksdb::Env> mem(rocksdb::NewMemEnv(rocksdb::Env::Default()));
  SimEnv env(mem->GetFileSystem(), kStartUs);
  int runs = 0;
  auto bump = [](void* arg) { ++*static_cast<int*>(arg); };
  env.Schedule(bump, &runs, rocksdb::Env::Priority::LOW);
  env.Schedule(bump, &runs, rocksdb::Env::Priority::HIGH);
  EXPECT_EQ(runs, 0);
  EXPECT_EQ(env.GetThreadPoolQueueLen(rocksdb::Env::Priority::LOW), 1u);
  ASSERT_TRUE(env.RunNextJob());
  ASSERT_EQ(env.trace().size(), 1u);
  EXPECT_NE(env.trace()[0].find("HIGH"), std::string::npos) << "flush pool runs first";
  EXPECT_EQ(env.RunPendingJobs(), 1);
  EXPECT_EQ(runs, 2);
  EXPECT_FALSE(env.RunNextJob());
}

TEST(SimEnvTest, UnScheduleRemovesOnlyTaggedJobsAndReleasesThem) {
  std::unique_ptr<rocksdb::Env> mem(rocksdb::NewMemEnv(rocksdb::Env::Default()));
  SimEnv env(mem->GetFileSystem(), kStartUs);
  int runs = 0;
  int released = 0;
  int tag = 0;
  auto bump = [](void* arg) { ++*static_cast<int*>(arg); };
  env.Schedule(bump, &runs, rocksdb::Env::Priority::LOW, &tag, bump);
  env.Schedule(bump, &released, rocksdb::Env::Priority::LOW, &tag, bump);
  env.Schedule(bump, &runs, rocksdb::Env::Priority::LOW, nullptr, nullptr);
  EXPECT_EQ(env.UnSchedule(&tag, rocksdb::Env::Priority::LOW), 2);
  EXPECT_EQ(runs, 1);      // the unschedule callback of the first job
  EXPECT_EQ(released, 1);  // and of the second
  EXPECT_EQ(env.RunPendingJobs(), 1);
  EXPECT_EQ(runs, 2);
}

TEST(SimEnvTest, SleepAdvancesVirtualTimeWithoutBlocking) {
  std::unique_ptr<rocksdb::Env> mem(rocksdb::NewMemEnv(rocksdb::Env::Default()));
  SimEnv env(mem->GetFileSystem(), kStartUs);
  env.SleepForMicroseconds(60 * 1000000);  // a minute, instantly
  EXPECT_EQ(env.NowMicros(), kStartUs + 60ull * 1000000);
  EXPECT_EQ(env.GetSystemClock()->NowMicros(), env.NowMicros());
  int64_t unix_time = 0;
  ASSERT_TRUE(env.GetCurrentTime(&unix_time).ok());
  EXPECT_EQ(unix_time, 1700000000 + 60);
}

}  // namespace
}  // namespace na::store_testing
