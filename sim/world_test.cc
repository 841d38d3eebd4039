// Whole-simulator tests against sim/testing's ToyBroker: a correct engine passes, a planted loss
// is found, the canary is reported, and a seed replays to the same trace hash.
#include "sim/world.h"

#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/testing/toy_broker.h"

namespace na::sim {
namespace {

using ::testing::Contains;
using ::testing::IsEmpty;

EngineFactory Toy(testing::ToyBrokerBugs bugs = {}) {
  return [bugs](const node::Options& options, uint64_t seed) -> std::unique_ptr<io::Engine> {
    return std::make_unique<testing::ToyBroker>(options, seed, bugs);
  };
}

RunResult RunSeed(uint64_t seed, Mode mode, EngineFactory factory, bool canary = false,
                  int64_t duration_ns = 20 * kSecond) {
  WorldOptions options;
  options.seed = seed;
  options.mode = mode;
  options.duration_ns = duration_ns;
  options.clients = 10;
  options.canary = canary;
  options.engine_factory = std::move(factory);
  World world(std::move(options));
  return world.Run();
}

std::vector<std::string> Kinds(const RunResult& r) {
  std::vector<std::string> kinds;
  for (const check::Violation& v : r.violations) kinds.push_back(v.kind + ": " + v.detail);
  return kinds;
}

std::vector<std::string> KindsOnly(const RunResult& r) {
  std::vector<std::string> kinds;
  for (const check::Violation& v : r.violations) kinds.push_back(v.kind);
  return kinds;
}

TEST(WorldTest, CorrectEnginePassesEveryMode) {
  for (Mode mode : {Mode::kLite, Mode::kSafety, Mode::kLiveness}) {
    for (uint64_t seed = 1; seed <= 3; ++seed) {
      RunResult r = RunSeed(seed, mode, Toy());
      EXPECT_THAT(Kinds(r), IsEmpty()) << ModeName(mode) << " seed " << seed;
      EXPECT_GT(r.deliveries, 100u);
    }
  }
}

TEST(WorldTest, LivenessAnswersRequestsAfterFaultsStop) {
  // 60 s: faults until 30 s, then 15 s to settle, then requests must be answered within 5 s.
  RunResult r = RunSeed(4, Mode::kLiveness, Toy(), false, 60 * kSecond);
  EXPECT_THAT(Kinds(r), IsEmpty());
  EXPECT_GT(r.coverage.count("request_replied"), 0u);
}

TEST(WorldTest, UnansweredRequestsFailLiveness) {
  testing::ToyBrokerBugs bugs;
  bugs.drop_requests = true;
  RunResult r = RunSeed(4, Mode::kLiveness, Toy(bugs), false, 60 * kSecond);
  EXPECT_THAT(KindsOnly(r), Contains("no_reply"));
}

TEST(WorldTest, SameSeedSameTraceHash) {
  RunResult a = RunSeed(7, Mode::kSafety, Toy());
  RunResult b = RunSeed(7, Mode::kSafety, Toy());
  EXPECT_EQ(a.trace_hash, b.trace_hash);
  EXPECT_EQ(a.checkpoints, b.checkpoints);
  EXPECT_EQ(a.events, b.events);
  RunResult c = RunSeed(8, Mode::kSafety, Toy());
  EXPECT_NE(a.trace_hash, c.trace_hash);
}

TEST(WorldTest, LosingEngineIsCaught) {
  testing::ToyBrokerBugs bugs;
  bugs.skip_every_1000th_delivery = true;
  // Liveness mode: faults stop halfway, so every seed has a clean stretch in which exactly-once
  // is owed and a dropped delivery must be reported, whatever the seed's fault draws.
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    RunResult r = RunSeed(seed, Mode::kLiveness, Toy(bugs), false, 40 * kSecond);
    EXPECT_FALSE(r.ok) << "seed " << seed;
    EXPECT_THAT(KindsOnly(r), Contains("lost")) << "seed " << seed;
  }
}

TEST(WorldTest, CanaryIsReported) {
  RunResult r = RunSeed(1, Mode::kSafety, Toy(), /*canary=*/true);
  EXPECT_GE(r.canary_drops, 1u);
  EXPECT_THAT(KindsOnly(r), Contains("lost"));
}

TEST(WorldTest, FaultPlanDependsOnTheSeed) {
  Prng a(1);
  Prng b(1);
  Prng c(2);
  EXPECT_EQ(FaultPlan::Draw(Mode::kSafety, a).Describe(),
            FaultPlan::Draw(Mode::kSafety, b).Describe());
  EXPECT_NE(FaultPlan::Draw(Mode::kSafety, a).Describe(),
            FaultPlan::Draw(Mode::kSafety, c).Describe());
  Prng lite(1);
  const FaultPlan p = FaultPlan::Draw(Mode::kLite, lite);
  EXPECT_EQ(p.partition_per_mille_per_tick, 0u);
  EXPECT_EQ(p.reset_per_million_writes, 0u);
  EXPECT_GT(p.crash_per_10k_per_tick, 0u);
}

}  // namespace
}  // namespace na::sim
