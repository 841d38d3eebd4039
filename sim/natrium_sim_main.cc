// natrium-sim: runs the engine in a seeded, simulated world and checks what clients saw.
//
//   natrium-sim --seed S [--mode lite|safety|liveness] [--time 60s] [--nodes 1] [--clients 20]
//               [--trace hash|events] [--canary] [--engine node|toy]
//   natrium-sim --seeds A..B [same options]
//
// docs/TESTING.md explains the output. Exit status: 0 when every run passed, 1 when any run found
// a violation, 2 on bad usage.
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "engine/base/check.h"
#include "sim/engine_factory.h"
#include "sim/world.h"

namespace na::sim {
namespace {

struct Flags {
  uint64_t seed_first = 0;
  uint64_t seed_last = 0;
  bool sweep = false;
  bool have_seed = false;
  Mode mode = Mode::kSafety;
  int64_t duration_ns = 60 * kSecond;
  std::string duration_text = "60s";
  int nodes = 1;
  int clients = 20;
  bool trace_events = false;
  bool canary = false;
  std::string engine = "node";
};

bool ParseDuration(absl::string_view text, int64_t* ns) {
  int64_t unit = kSecond;
  absl::string_view number = text;
  if (absl::EndsWith(text, "ms")) {
    unit = kMillisecond;
    number.remove_suffix(2);
  } else if (absl::EndsWith(text, "s")) {
    number.remove_suffix(1);
  } else if (absl::EndsWith(text, "m")) {
    unit = 60 * kSecond;
    number.remove_suffix(1);
  }
  int64_t n = 0;
  if (!absl::SimpleAtoi(number, &n) || n <= 0) return false;
  *ns = n * unit;
  return true;
}

bool ParseSeed(absl::string_view text, uint64_t* seed) {
  if (absl::StartsWith(text, "0x")) return absl::SimpleHexAtoi(text.substr(2), seed);
  return absl::SimpleAtoi(text, seed);
}

int Usage(const std::string& why) {
  std::fprintf(stderr,
               "natrium-sim: %s\n"
               "usage: natrium-sim --seed S | --seeds A..B [--mode lite|safety|liveness] "
               "[--time 60s] [--nodes 1] [--clients 20] [--trace hash|events] [--canary] "
               "[--engine node|toy]\n",
               why.c_str());
  return 2;
}

std::string Repro(const Flags& flags, uint64_t seed) {
  return absl::StrCat("natrium-sim --seed ", seed, " --mode ", ModeName(flags.mode), " --time ",
                      flags.duration_text, " --nodes ", flags.nodes, " --clients ", flags.clients,
                      flags.canary ? " --canary" : "",
                      flags.engine != "node" ? absl::StrCat(" --engine ", flags.engine) : "");
}

RunResult RunOne(const Flags& flags, uint64_t seed, bool print_header) {
  WorldOptions options;
  options.seed = seed;
  options.mode = flags.mode;
  options.duration_ns = flags.duration_ns;
  options.nodes = flags.nodes;
  options.clients = flags.clients;
  options.canary = flags.canary;
  options.engine_factory = MakeEngineFactory(flags.engine);
  if (flags.trace_events) {
    options.trace_sink = [](absl::string_view line) {
      std::fwrite(line.data(), 1, line.size(), stdout);
      std::fputc('\n', stdout);
    };
  }
  World world(std::move(options));
  if (print_header) {
    std::printf("seed: %" PRIu64 "\nmode: %s  time: %s  nodes: %d  clients: %d  engine: %s%s\n",
                seed, std::string(ModeName(flags.mode)).c_str(), flags.duration_text.c_str(),
                flags.nodes, flags.clients, flags.engine.c_str(), flags.canary ? "  canary" : "");
    std::printf("faults:\n%s\n", world.plan().Describe().c_str());
    std::fflush(stdout);
  }
  return world.Run();
}

std::string Hex(uint64_t v) { return absl::StrFormat("%016x", v); }

int RunSingle(const Flags& flags) {
  const auto start = std::chrono::steady_clock::now();
  RunResult r = RunOne(flags, flags.seed_first, /*print_header=*/true);
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double sim_s = static_cast<double>(r.simulated_ns) / 1e9;
  std::printf("events: %" PRIu64 "  trace records: %" PRIu64 "\n", r.events, r.trace_records);
  std::printf("publishes: %" PRIu64 "  deliveries: %" PRIu64 "%s\n", r.publishes, r.deliveries,
              flags.canary ? absl::StrCat("  canary drops: ", r.canary_drops).c_str() : "");
  std::printf("exactly-once: %" PRIu64 " subscriptions/groups checked, %" PRIu64
              " owed deliveries verified\n",
              r.exactly_once_subs, r.owed_verified);
  std::printf("simulated: %.3fs  wall: %.3fs  speed: %.0fx real time\n", sim_s, wall_s,
              wall_s > 0 ? sim_s / wall_s : 0.0);
  std::printf("coverage: %s\n", r.coverage.Summary().c_str());
  // Two runs that diverge differ from some checkpoint on; --trace events shows the records.
  std::printf("checkpoints: %zu (every 10000 trace records), last %s\n", r.checkpoints.size(),
              r.checkpoints.empty() ? "-" : Hex(r.checkpoints.back()).c_str());
  if (r.ok) {
    std::printf("verdict: PASS\n");
  } else {
    std::printf("verdict: FAIL (%zu violation%s)\n", r.violations.size(),
                r.violations.size() == 1 ? "" : "s");
    for (const check::Violation& v : r.violations) {
      std::printf("  [%s] at %.6fs: %s\n", v.kind.c_str(), static_cast<double>(v.time_ns) / 1e9,
                  v.detail.c_str());
    }
  }
  std::printf("trace_hash: %s\n", Hex(r.trace_hash).c_str());
  if (!r.ok) std::printf("repro: %s\n", Repro(flags, flags.seed_first).c_str());
  return r.ok ? 0 : 1;
}

int RunSweep(const Flags& flags) {
  const auto start = std::chrono::steady_clock::now();
  check::Coverage coverage;
  std::vector<std::string> failures;
  absl::btree_map<std::string, uint64_t> kinds;  // violation kind -> seeds that showed it
  double sim_s_total = 0;
  uint64_t owed_verified = 0;
  uint64_t exactly_once_subs = 0;
  const uint64_t total = flags.seed_last - flags.seed_first + 1;
  uint64_t done = 0;
  for (uint64_t seed = flags.seed_first; seed <= flags.seed_last; ++seed) {
    RunResult r = RunOne(flags, seed, /*print_header=*/false);
    ++done;
    coverage.Merge(r.coverage);
    owed_verified += r.owed_verified;
    exactly_once_subs += r.exactly_once_subs;
    sim_s_total += static_cast<double>(r.simulated_ns) / 1e9;
    const double wall_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!r.ok) {
      absl::btree_set<std::string> seen;
      for (const check::Violation& v : r.violations) seen.insert(v.kind);
      for (const std::string& kind : seen) ++kinds[kind];
      failures.push_back(Repro(flags, seed));
      std::printf("seed %" PRIu64 " FAIL trace_hash %s: [%s] %s\n  repro: %s\n", seed,
                  Hex(r.trace_hash).c_str(), r.violations[0].kind.c_str(),
                  r.violations[0].detail.c_str(), failures.back().c_str());
    }
    if (!r.ok || done % 10 == 0 || done == total) {
      std::printf("[%" PRIu64 "/%" PRIu64 "] seed %" PRIu64
                  " %s  failed so far: %zu  wall %.1fs"
                  "  speed %.0fx\n",
                  done, total, seed, r.ok ? "pass" : "FAIL", failures.size(), wall_s,
                  wall_s > 0 ? sim_s_total / wall_s : 0.0);
      std::fflush(stdout);
    }
    if (seed == UINT64_MAX) break;
  }
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("\nsummary: %" PRIu64 " seeds, %zu failed, simulated %.0fs in %.1fs wall (%.0fx)\n",
              total, failures.size(), sim_s_total, wall_s, wall_s > 0 ? sim_s_total / wall_s : 0);
  if (!kinds.empty()) {
    std::string by_kind;
    for (const auto& [kind, n] : kinds) absl::StrAppend(&by_kind, " ", kind, "=", n);
    std::printf("failed seeds by violation kind:%s\n", by_kind.c_str());
  }
  std::printf("exactly-once: %" PRIu64 " subscriptions/groups checked, %" PRIu64
              " owed deliveries verified\n",
              exactly_once_subs, owed_verified);
  std::printf("coverage: %s\n", coverage.Summary().c_str());
  const std::vector<std::string> never = coverage.NeverReached();
  std::printf("never reached: %s\n", never.empty() ? "(none)" : absl::StrJoin(never, " ").c_str());
  for (const std::string& f : failures) std::printf("repro: %s\n", f.c_str());
  return failures.empty() ? 0 : 1;
}

int Main(int argc, char** argv) {
  Flags flags;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    absl::string_view value;
    if (absl::StartsWith(arg, "--") && arg.find('=') != absl::string_view::npos) {
      value = arg.substr(arg.find('=') + 1);
      arg = arg.substr(0, arg.find('='));
    } else if (arg != "--canary" && i + 1 < argc) {
      value = argv[++i];
    }
    if (arg == "--seed") {
      if (!ParseSeed(value, &flags.seed_first)) return Usage("bad --seed");
      flags.seed_last = flags.seed_first;
      flags.have_seed = true;
    } else if (arg == "--seeds") {
      const size_t dots = value.find("..");
      if (dots == absl::string_view::npos || !ParseSeed(value.substr(0, dots), &flags.seed_first) ||
          !ParseSeed(value.substr(dots + 2), &flags.seed_last) ||
          flags.seed_last < flags.seed_first) {
        return Usage("bad --seeds, want A..B");
      }
      flags.sweep = true;
      flags.have_seed = true;
    } else if (arg == "--mode") {
      auto mode = ParseMode(value);
      if (!mode.has_value()) return Usage("bad --mode");
      flags.mode = *mode;
    } else if (arg == "--time") {
      if (!ParseDuration(value, &flags.duration_ns)) return Usage("bad --time");
      flags.duration_text = std::string(value);
    } else if (arg == "--nodes") {
      if (!absl::SimpleAtoi(value, &flags.nodes) || flags.nodes < 1) return Usage("bad --nodes");
      // The World runs N nodes, but until the engine has routes each node is its own routing
      // domain and the checker's single-domain model would call every cross-node message lost.
      if (flags.nodes > 1) return Usage("--nodes > 1 needs routes (clustering), not built yet");
    } else if (arg == "--clients") {
      if (!absl::SimpleAtoi(value, &flags.clients) || flags.clients < 2) {
        return Usage("bad --clients (at least 2)");
      }
    } else if (arg == "--trace") {
      if (value != "hash" && value != "events") return Usage("bad --trace");
      flags.trace_events = value == "events";
    } else if (arg == "--canary") {
      flags.canary = true;
    } else if (arg == "--engine") {
      if (!EngineAvailable(value)) return Usage(absl::StrCat("unknown --engine ", value));
      flags.engine = std::string(value);
    } else {
      return Usage(absl::StrCat("unknown argument ", arg));
    }
  }
  if (!flags.have_seed) return Usage("--seed or --seeds is required");
  if (!EngineAvailable(flags.engine)) return Usage("the node engine is not built in; --engine toy");
  return flags.sweep ? RunSweep(flags) : RunSingle(flags);
}

}  // namespace
}  // namespace na::sim

int main(int argc, char** argv) { return na::sim::Main(argc, argv); }
