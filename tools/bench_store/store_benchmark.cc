// Google Benchmarks of RocksLogStore on the real disk (issue 4 part 7).
//
//   BM_AppendSynced/<batch>/<payload bytes>   one Append of `batch` messages + one Sync, repeated
//   BM_RawSyncedAppend/<batch>/<bytes>        the same bytes written to a plain file + fdatasync
//   BM_AppendVsRaw/<batch>/<bytes>            both alternating in one loop; fraction = raw/store
//   BM_SequentialRead                         LoadNextMessage over 100k stored messages
//   BM_LastBySubject                          LoadLastMessage on one of 1000 subjects
//   BM_Purge                                  purge of 10k messages + Sync
//   BM_Reopen/<messages>                      open + state recovery of a store of that size
//   BM_ReopenAfterCrash/<messages>            the same after the filler exited without closing
//
// Stores live under $NA_BENCH_DIR (default ./natrium-store-bench), which must be on the device
// whose limits tools/bench_store/disk_limits.sh measured; store_bench_report.sh runs both and
// prints the append results as fractions of the fsync limit.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "engine/base/random.h"
#include "engine/store/log_store.h"
#include "engine/store/rocks/rocks_log_store.h"

namespace na::store_bench {
namespace {

namespace rk = ::na::store::rocks;

std::string BenchDir(const std::string& name) {
  const char* base = std::getenv("NA_BENCH_DIR");
  return absl::StrCat(base != nullptr ? base : "./natrium-store-bench", "/", name);
}

std::unique_ptr<rk::RocksLogStore> OpenFresh(const std::string& name) {
  const std::string path = BenchDir(name);
  rk::DestroyRocksLogStore(path).IgnoreError();  // a leftover from an earlier run, if any
  rk::RocksLogStoreOptions options;
  options.path = path;
  auto store = rk::RocksLogStore::Open(options);
  if (!store.ok()) {
    std::fprintf(stderr, "open %s: %s\n", path.c_str(), store.status().ToString().c_str());
    std::abort();
  }
  return std::move(*store);
}

void Check(const absl::Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, s.ToString().c_str());
    std::abort();
  }
}

store::StreamConfig Config(const char* name) {
  store::StreamConfig c;
  c.name = name;
  c.subjects = {absl::StrCat(name, ".>")};
  return c;
}

// Appends `count` messages of `payload_bytes` in batches of `batch`, one Sync per batch, with
// `subjects` distinct subjects round robin.
void Fill(store::LogStore& s, store::StreamId id, uint64_t count, size_t payload_bytes,
          size_t batch, int subjects) {
  const std::string payload(payload_bytes, 'x');
  std::vector<std::string> names;
  for (int i = 0; i < subjects; ++i) names.push_back(absl::StrCat("s.", i));
  std::vector<store::Message> messages(batch);
  std::vector<store::AppendResult> results;
  uint64_t done = 0;
  while (done < count) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(batch, count - done));
    for (size_t i = 0; i < n; ++i) {
      messages[i].subject = names[(done + i) % names.size()];
      messages[i].payload = payload;
      messages[i].timestamp_ns = static_cast<int64_t>(done + i);
    }
    Check(s.Append(id, absl::MakeConstSpan(messages.data(), n), &results), "append");
    Check(s.Sync(), "sync");
    done += n;
  }
}

// The physical limit for the same bytes: append them to a plain file and fdatasync, as
// RocksDB's WAL does for one synced batch. Run right before the matching store case so both see
// the same (shared, noisy) device.
void BM_RawSyncedAppend(benchmark::State& state, size_t batch, size_t payload_bytes) {
  const std::string path = BenchDir(absl::StrCat("raw-", batch, "-", payload_bytes));
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    state.SkipWithError("cannot create the raw file");
    return;
  }
  const std::string bytes(batch * payload_bytes, 'r');
  off_t size = 0;
  for (auto _ : state) {
    if (::write(fd, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size()) ||
        ::fdatasync(fd) != 0) {
      state.SkipWithError("write/fdatasync failed");
      break;
    }
    size += static_cast<off_t>(bytes.size());
    if (size > (64 << 20)) {  // roll like a WAL instead of filling the disk
      state.PauseTiming();
      if (::ftruncate(fd, 0) != 0 || ::lseek(fd, 0, SEEK_SET) != 0) state.SkipWithError("roll");
      size = 0;
      state.ResumeTiming();
    }
  }
  ::close(fd);
  ::unlink(path.c_str());
  const int64_t msgs = state.iterations() * static_cast<int64_t>(batch);
  state.SetItemsProcessed(msgs);
  state.SetBytesProcessed(msgs * static_cast<int64_t>(payload_bytes));
  state.counters["syncs_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_AppendSynced(benchmark::State& state, size_t batch, size_t payload_bytes) {
  auto s = OpenFresh(absl::StrCat("append-", batch, "-", payload_bytes));
  Check(s->CreateStream(1, Config("bench")), "create");
  Check(s->Sync(), "sync");
  const std::string payload(payload_bytes, 'p');
  std::vector<store::Message> messages(batch);
  for (size_t i = 0; i < batch; ++i) {
    messages[i].subject = "bench.subject";
    messages[i].payload = payload;
  }
  std::vector<store::AppendResult> results;
  int64_t ts = 0;
  for (auto _ : state) {
    for (store::Message& m : messages) m.timestamp_ns = ++ts;
    Check(s->Append(1, messages, &results), "append");
    Check(s->Sync(), "sync");
  }
  const int64_t msgs = state.iterations() * static_cast<int64_t>(batch);
  state.SetItemsProcessed(msgs);
  state.SetBytesProcessed(msgs * static_cast<int64_t>(payload_bytes));
  state.counters["syncs_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
// Store and raw side by side in one loop: each iteration does one raw write+fdatasync of the
// batch's bytes and then one store Append+Sync of the batch, timing each. On a disk whose speed
// drifts from second to second this gives the fairest fraction: both see the same moments.
void BM_AppendVsRaw(benchmark::State& state, size_t batch, size_t payload_bytes) {
  auto s = OpenFresh(absl::StrCat("vs-", batch, "-", payload_bytes));
  Check(s->CreateStream(1, Config("bench")), "create");
  Check(s->Sync(), "sync");
  const std::string path = BenchDir(absl::StrCat("vs-raw-", batch, "-", payload_bytes));
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    state.SkipWithError("cannot create the raw file");
    return;
  }
  const std::string payload(payload_bytes, 'p');
  const std::string raw(batch * payload_bytes, 'r');
  std::vector<store::Message> messages(batch);
  for (store::Message& m : messages) {
    m.subject = "bench.subject";
    m.payload = payload;
  }
  std::vector<store::AppendResult> results;
  int64_t ts = 0;
  double raw_s = 0;
  double store_s = 0;
  off_t size = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    if (::write(fd, raw.data(), raw.size()) != static_cast<ssize_t>(raw.size()) ||
        ::fdatasync(fd) != 0) {
      state.SkipWithError("write/fdatasync failed");
      break;
    }
    const auto t1 = std::chrono::steady_clock::now();
    for (store::Message& m : messages) m.timestamp_ns = ++ts;
    Check(s->Append(1, messages, &results), "append");
    Check(s->Sync(), "sync");
    const auto t2 = std::chrono::steady_clock::now();
    raw_s += std::chrono::duration<double>(t1 - t0).count();
    store_s += std::chrono::duration<double>(t2 - t1).count();
    size += static_cast<off_t>(raw.size());
    if (size > (64 << 20)) {
      if (::ftruncate(fd, 0) != 0 || ::lseek(fd, 0, SEEK_SET) != 0) state.SkipWithError("roll");
      size = 0;
    }
  }
  ::close(fd);
  ::unlink(path.c_str());
  const double n = static_cast<double>(state.iterations());
  state.counters["store_msgs_per_s"] = n * static_cast<double>(batch) / store_s;
  state.counters["store_MB_per_s"] = n * static_cast<double>(batch * payload_bytes) / store_s / 1e6;
  state.counters["store_syncs_per_s"] = n / store_s;
  state.counters["raw_syncs_per_s"] = n / raw_s;
  state.counters["fraction"] = raw_s / store_s;
}

// Each store case right after its raw baseline, so a report can divide one by the other.
void RegisterAppendCases() {
  for (size_t batch : {1, 16, 256}) {
    for (size_t bytes : {128, 4096}) {
      const std::string suffix = absl::StrCat("/batch:", batch, "/bytes:", bytes);
      benchmark::RegisterBenchmark(("BM_RawSyncedAppend" + suffix).c_str(), BM_RawSyncedAppend,
                                   batch, bytes)
          ->UseRealTime()
          ->MinTime(1.0);
      benchmark::RegisterBenchmark(("BM_AppendSynced" + suffix).c_str(), BM_AppendSynced, batch,
                                   bytes)
          ->UseRealTime()
          ->MinTime(1.0);
      benchmark::RegisterBenchmark(("BM_AppendVsRaw" + suffix).c_str(), BM_AppendVsRaw, batch,
                                   bytes)
          ->UseRealTime()
          ->MinTime(3.0);
    }
  }
}

void BM_SequentialRead(benchmark::State& state) {
  constexpr uint64_t kMessages = 100000;
  auto s = OpenFresh("seqread");
  Check(s->CreateStream(1, Config("bench")), "create");
  Fill(*s, 1, kMessages, 128, 1000, 16);
  store::StoredMessage m;
  uint64_t read = 0;
  for (auto _ : state) {
    uint64_t seq = 1;
    for (;;) {
      absl::Status st = s->LoadNextMessage(1, ">", seq, &m);
      if (absl::IsOutOfRange(st)) break;
      Check(st, "load next");
      seq = m.seq + 1;
      ++read;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(read));
  state.SetBytesProcessed(static_cast<int64_t>(read) * 128);
}
BENCHMARK(BM_SequentialRead)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_LastBySubject(benchmark::State& state) {
  constexpr int kSubjects = 1000;
  auto s = OpenFresh("lastbysubject");
  Check(s->CreateStream(1, Config("bench")), "create");
  Fill(*s, 1, 100000, 128, 1000, kSubjects);
  Prng rng(42);
  store::StoredMessage m;
  std::vector<std::string> subjects;
  for (int i = 0; i < kSubjects; ++i) subjects.push_back(absl::StrCat("s.", i));
  for (auto _ : state) {
    Check(s->LoadLastMessage(1, subjects[rng.Below(kSubjects)], &m), "load last");
    benchmark::DoNotOptimize(m.seq);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LastBySubject)->UseRealTime();

void BM_Purge(benchmark::State& state) {
  constexpr uint64_t kMessages = 10000;
  auto s = OpenFresh("purge");
  Check(s->CreateStream(1, Config("bench")), "create");
  for (auto _ : state) {
    state.PauseTiming();
    Fill(*s, 1, kMessages, 128, 1000, 16);
    state.ResumeTiming();
    auto purged = s->Purge(1, store::PurgeRequest());
    Check(purged.status(), "purge");
    Check(s->Sync(), "sync");
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kMessages));
}
BENCHMARK(BM_Purge)->Unit(benchmark::kMillisecond)->UseRealTime();

// The time to open a store and recover its state. Filling it (synced batches of 1000) is not
// timed; only reopening is.
void BM_Reopen(benchmark::State& state) {
  const uint64_t messages = static_cast<uint64_t>(state.range(0));
  const std::string name = absl::StrCat("reopen-", messages);
  {
    auto s = OpenFresh(name);
    Check(s->CreateStream(1, Config("bench")), "create");
    Fill(*s, 1, messages, 128, 1000, 100);
  }
  rk::RocksLogStoreOptions options;
  options.path = BenchDir(name);
  uint64_t recovered = 0;
  for (auto _ : state) {
    auto s = rk::RocksLogStore::Open(options);
    Check(s.status(), "reopen");
    auto st = (*s)->GetStreamState(1, store::StateOptions());
    Check(st.status(), "state");
    recovered = st->msgs;
    state.PauseTiming();
    s->reset();  // closing is not part of the reopen time
    state.ResumeTiming();
  }
  if (recovered != messages) {
    state.SkipWithError("recovered a different message count");
  }
  state.counters["messages"] = static_cast<double>(recovered);
}
BENCHMARK(BM_Reopen)
    ->Arg(100000)
    ->Arg(1000000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->UseRealTime();

// The time to open a store after a crash: a child process fills it (synced batches of 1000) and
// exits without closing it, so the unflushed tail is replayed from the WAL on open, as after a
// power cut or kill -9. One iteration: a second open would find the replay already flushed.
void BM_ReopenAfterCrash(benchmark::State& state) {
  const uint64_t messages = static_cast<uint64_t>(state.range(0));
  const std::string name = absl::StrCat("crash-reopen-", messages);
  const pid_t child = ::fork();
  if (child == 0) {
    auto s = OpenFresh(name);
    Check(s->CreateStream(1, Config("bench")), "create");
    Fill(*s, 1, messages, 128, 1000, 100);
    ::_exit(0);  // no destructor: nothing flushed or closed
  }
  int status = 0;
  if (child < 0 || ::waitpid(child, &status, 0) != child || !WIFEXITED(status) ||
      WEXITSTATUS(status) != 0) {
    state.SkipWithError("the filling child failed");
    return;
  }
  rk::RocksLogStoreOptions options;
  options.path = BenchDir(name);
  uint64_t recovered = 0;
  for (auto _ : state) {
    auto s = rk::RocksLogStore::Open(options);
    Check(s.status(), "reopen");
    auto st = (*s)->GetStreamState(1, store::StateOptions());
    Check(st.status(), "state");
    recovered = st->msgs;
    state.PauseTiming();
    s->reset();
    state.ResumeTiming();
  }
  if (recovered != messages) state.SkipWithError("recovered a different message count");
  state.counters["messages"] = static_cast<double>(recovered);
}
BENCHMARK(BM_ReopenAfterCrash)
    ->Arg(1000000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->UseRealTime();

}  // namespace
}  // namespace na::store_bench

int main(int argc, char** argv) {
  na::store_bench::RegisterAppendCases();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
