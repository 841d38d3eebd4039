// Match cost on a cache hit (the publish hot path) and on a miss (a fresh trie walk).
#include <memory>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "engine/subject/sublist.h"

namespace na::subject {
namespace {

// 10k subscriptions spread over literal, '*' and '>' filters, like a busy account.
struct Fixture {
  explicit Fixture(bool cache) : sublist(cache) {
    for (int i = 0; i < 10000; ++i) {
      auto sub = std::make_unique<Subscription>();
      switch (i % 4) {
        case 0:
          sub->subject = "orders." + std::to_string(i % 500) + ".created";
          break;
        case 1:
          sub->subject = "orders.*.created";
          break;
        case 2:
          sub->subject = "telemetry." + std::to_string(i % 100) + ".>";
          break;
        default:
          sub->subject = "orders." + std::to_string(i % 500) + ".created";
          sub->queue = "workers";
          break;
      }
      sub->sid = std::to_string(i);
      (void)sublist.Insert(sub.get());
      subs.push_back(std::move(sub));
    }
  }
  std::vector<std::unique_ptr<Subscription>> subs;
  Sublist sublist;
};

void BM_MatchCacheHit(benchmark::State& state) {
  Fixture f(/*cache=*/true);
  const std::string subject = "orders.42.created";
  f.sublist.Match(subject);
  for (auto _ : state) benchmark::DoNotOptimize(&f.sublist.Match(subject));
}
BENCHMARK(BM_MatchCacheHit);

void BM_MatchNoInterestHit(benchmark::State& state) {
  Fixture f(/*cache=*/true);
  const std::string subject = "nobody.listens.here";
  f.sublist.Match(subject);
  for (auto _ : state) benchmark::DoNotOptimize(&f.sublist.Match(subject));
}
BENCHMARK(BM_MatchNoInterestHit);

void BM_MatchMiss(benchmark::State& state) {
  Fixture f(/*cache=*/false);
  const std::string subject = "orders.42.created";
  for (auto _ : state) benchmark::DoNotOptimize(&f.sublist.Match(subject));
}
BENCHMARK(BM_MatchMiss);

void BM_MatchMissWildcardOnly(benchmark::State& state) {
  Fixture f(/*cache=*/false);
  const std::string subject = "telemetry.7.cpu.load";
  for (auto _ : state) benchmark::DoNotOptimize(&f.sublist.Match(subject));
}
BENCHMARK(BM_MatchMissWildcardOnly);

void BM_InsertRemove(benchmark::State& state) {
  Fixture f(/*cache=*/true);
  Subscription sub;
  sub.subject = "orders.7.created";
  for (auto _ : state) {
    (void)f.sublist.Insert(&sub);
    (void)f.sublist.Remove(&sub);
  }
}
BENCHMARK(BM_InsertRemove);

}  // namespace
}  // namespace na::subject
