#include "tests/store/crash_harness.h"

#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/base/random.h"
#include "engine/store/mem_log_store.h"
#include "engine/store/rocks/rocks_log_store.h"
#include "rocksdb/env.h"
#include "rocksdb/options.h"
#include "tests/store/crash_file_system.h"
#include "tests/store/sim_env.h"
#include "tests/store/store_workload.h"
#include "xxhash.h"

namespace na::store_testing {
namespace {

constexpr char kPath[] = "/crash-store";

class Harness {
 public:
  explicit Harness(const CrashRunOptions& options)
      : options_(options),
        rng_(options.seed),
        mem_env_(rocksdb::NewMemEnv(rocksdb::Env::Default())),
        fs_(std::make_shared<CrashFileSystem>(mem_env_->GetFileSystem())) {
    if (options.use_sim_env) {
      sim_env_ = std::make_unique<SimEnv>(fs_, 1700000000ull * 1000000);
      sim_env_->set_trace_dir(kPath);
    } else {
      no_sleep_env_ = NewNoSleepEnv(fs_);
    }
  }

  CrashRunReport Run() {
    if (!Open()) return report_;
    absl::Status s = CreateWorkloadStreams(*rocks_);
    if (!s.ok()) return Fail(absl::StrCat("creating streams: ", s.ToString()));
    s = CreateWorkloadStreams(model_);
    if (!s.ok()) return Fail(absl::StrCat("creating model streams: ", s.ToString()));
    for (round_ = 0; round_ < options_.rounds; ++round_) {
      if (!RunRound() || !CutAndCheck()) break;
      ++report_.rounds;
    }
    if (sim_env_ != nullptr) {
      report_.jobs_run = sim_env_->trace().size();
      std::string all = absl::StrJoin(sim_env_->trace(), "\n");
      report_.job_trace_hash = XXH3_64bits(all.data(), all.size());
    }
    return report_;
  }

 private:
  bool Open() {
    store::rocks::RocksLogStoreOptions o;
    o.path = kPath;
    if (sim_env_ != nullptr) {
      o.env = sim_env_.get();
      SimEnv* env = sim_env_.get();
      o.tune = [env](rocksdb::Options* opts) {
        env->DeterministicOptions(static_cast<rocksdb::DBOptions*>(opts));
        SimEnv::DeterministicOptions(static_cast<rocksdb::ColumnFamilyOptions*>(opts));
      };
    } else {
      o.env = no_sleep_env_.get();
      o.tune = [](rocksdb::Options* opts) {
        opts->write_buffer_size = 64 << 10;
        opts->max_file_opening_threads = 1;  // no 16 threads per reopen
        // A flush failing on the frozen file system would otherwise start RocksDB's error
        // recovery, which retries once a second and makes close wait for it.
        opts->max_bgerror_resume_count = 0;
      };
    }
    auto opened = store::rocks::RocksLogStore::Open(o);
    if (!opened.ok()) {
      Fail(absl::StrCat("open: ", opened.status().ToString()));
      return false;
    }
    rocks_ = std::move(*opened);
    return true;
  }

  void Pump() {
    if (sim_env_ == nullptr) return;
    sim_env_->AdvanceMicros(100);
    // Flushes at points the seed decides (SimEnv turns RocksDB's size trigger off).
    if (rng_.Chance(1, 10)) {
      std::vector<rocksdb::ColumnFamilyHandle*> cfs;
      for (auto cf :
           {store::rocks::ColumnFamily::kMsgs, store::rocks::ColumnFamily::kSubj,
            store::rocks::ColumnFamily::kStreams, store::rocks::ColumnFamily::kConsumers}) {
        cfs.push_back(rocks_->column_family(cf));
      }
      SimEnv::RequestFlush(rocks_->db(), cfs).PermitUncheckedError();  // fails once frozen
    }
    sim_env_->RunPendingJobs();
  }

  bool RunRound() {
    // Half the rounds end with power failing inside a write (usually a Sync's WAL record).
    if (rng_.Chance(1, 2)) fs_->FreezeAfterBytes(rng_.Below(6000));
    const int n =
        1 + static_cast<int>(rng_.Below(static_cast<uint64_t>(options_.max_ops_per_round)));
    for (int i = 0; i < n; ++i) {
      StoreOp op = NextOp(rng_, model_, &clock_ns_, options_.sync_per_mille);
      const std::string got = ApplyOp(*rocks_, op);
      if (fs_->frozen()) {
        // Power failed during this op: it was not acknowledged, and the round ends here.
        ++report_.cuts_inside_writes;
        return true;
      }
      const std::string want = ApplyOp(model_, op);
      ++report_.ops;
      if (got != want) {
        Fail(absl::StrCat("op ", op.ToString(), " gave '", got, "', the model gave '", want, "'"));
        return false;
      }
      if (op.kind == StoreOp::Kind::kSync) {
        ++report_.syncs;
        report_.acknowledged_ops_checked += tail_.size();
        tail_.clear();
      } else {
        tail_.push_back(std::move(op));
      }
      Pump();
      if (fs_->frozen()) {
        // Power failed in background work (a flush) after the op completed.
        ++report_.cuts_inside_writes;
        return true;
      }
    }
    return true;
  }

  bool CutAndCheck() {
    fs_->Disarm();
    fs_->Freeze();
    rocks_.reset();
    if (sim_env_ != nullptr) sim_env_->RunPendingJobs();  // nothing can land: the FS is frozen
    CrashOptions crash;
    crash.seed = rng_.Next();
    crash.keep_unsynced_per_mille = options_.keep_unsynced_per_mille;
    crash.tear_per_mille = options_.tear_per_mille;
    CrashStats stats = fs_->Restart(crash);
    report_.files_torn += stats.files_torn;
    report_.unsynced_bytes_dropped += stats.unsynced_bytes_dropped;
    if (!Open()) return false;
    const std::string got = DumpStore(*rocks_);

    // The model back at its last sync, then forward through the acknowledged ops.
    model_.Crash();
    const size_t acked = options_.ack_before_sync ? tail_.size() : 0;
    for (size_t i = 0; i < acked; ++i) ApplyOp(model_, tail_[i]);
    const std::string acked_state = DumpStore(model_);
    size_t matched = tail_.size() + 1;
    std::string state = acked_state;
    for (size_t k = acked; k <= tail_.size(); ++k) {
      if (k > acked) {
        ApplyOp(model_, tail_[k - 1]);
        state = DumpStore(model_);
      }
      if (state == got) {
        matched = k;
        break;
      }
    }
    if (matched > tail_.size()) {
      std::string lost;
      for (size_t i = 0; i < acked; ++i) absl::StrAppend(&lost, "\n    ", tail_[i].ToString());
      Fail(absl::StrCat("after the cut the store matches no state from the last acknowledged op (",
                        acked, " acked since the last sync) to the cut (", tail_.size(),
                        " ops); first difference from the acknowledged state: ",
                        FirstDifference(got, acked_state),
                        acked > 0 ? absl::StrCat("\n  acknowledged ops:", lost) : ""));
      return false;
    }
    if (matched > acked) report_.unsynced_ops_survived += matched - acked;
    report_.acknowledged_ops_checked += acked;
    // Whatever survived is durable now; the model continues from the same state.
    absl::Status s = model_.Sync();
    if (!s.ok()) return Fail(absl::StrCat("model sync: ", s.ToString())).violation.empty();
    tail_.clear();
    return true;
  }

  CrashRunReport& Fail(std::string what) {
    if (report_.violation.empty()) {
      report_.violation = absl::StrCat("seed ", options_.seed, " round ", round_, ": ", what);
    }
    return report_;
  }

  CrashRunOptions options_;
  Prng rng_;
  std::unique_ptr<rocksdb::Env> mem_env_;
  std::shared_ptr<CrashFileSystem> fs_;
  std::unique_ptr<SimEnv> sim_env_;
  std::unique_ptr<rocksdb::Env> no_sleep_env_;
  std::unique_ptr<store::rocks::RocksLogStore> rocks_;
  store::MemLogStore model_;
  std::vector<StoreOp> tail_;  // ops since the last sync (or the last cut)
  int64_t clock_ns_ = 1700000000LL * 1000000000LL;
  int round_ = 0;
  CrashRunReport report_;
};

}  // namespace

CrashRunReport RunCrashRounds(const CrashRunOptions& options) {
  Harness harness(options);
  return harness.Run();
}

}  // namespace na::store_testing
