// SimEnv: a deterministic rocksdb::Env for running real RocksDB inside one thread.
//
// The first half of "RocksDB inside the simulator" (simulation-and-storage.md §9.2, Tier B):
//   * time is virtual: NowMicros() returns a counter the caller advances, and
//     SleepForMicroseconds() advances it instead of blocking;
//   * background jobs (flushes, compactions) are queued by Schedule() and run only when the
//     caller calls RunNextJob()/RunPendingJobs(), on the caller's thread, in a fixed order
//     (priority HIGH, then LOW, then BOTTOM; FIFO within a priority);
//   * StartThread() is never expected; it aborts loudly if RocksDB ever calls it;
//   * files go to the FileSystem given (typically a CrashFileSystem over NewMemEnv).
// Apply DeterministicOptions() to the DB and column family options as well: it selects the
// vector memtable (the skiplist draws from a thread-id seeded RNG, which made the file layout
// differ run to run), silences the info log, and turns off size-triggered flushes. RocksDB
// decides a memtable is full from its arena's malloc_usable_size(), which depends on the heap's
// history (found here: two identical runs in one process flushed one write apart). So the caller
// requests flushes itself, at points it chooses, with RequestFlush(); compactions then follow
// from the resulting files deterministically.
//
// Every job run is appended to trace(), with the DB directory's file names after the run when
// set_trace_dir() was called, so that two runs can be compared entry by entry.
//
// Threading: single-threaded by contract. The one thread RocksDB still starts on its own (the
// process-wide periodic task timer that flushes the info log) does not touch logical state.
#ifndef NATRIUM_TESTS_STORE_SIM_ENV_H_
#define NATRIUM_TESTS_STORE_SIM_ENV_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "rocksdb/db.h"
#include "rocksdb/env.h"
#include "rocksdb/file_system.h"
#include "rocksdb/options.h"
#include "rocksdb/system_clock.h"

namespace na::store_testing {

class SimClock : public rocksdb::SystemClock {
 public:
  explicit SimClock(uint64_t start_us) : now_us_(start_us) {}
  const char* Name() const override { return "NatriumSimClock"; }
  uint64_t NowMicros() override { return now_us_; }
  uint64_t NowNanos() override { return now_us_ * 1000; }
  void SleepForMicroseconds(int micros) override {
    if (micros > 0) now_us_ += static_cast<uint64_t>(micros);
  }
  rocksdb::Status GetCurrentTime(int64_t* unix_time) override {
    *unix_time = static_cast<int64_t>(now_us_ / 1000000);
    return rocksdb::Status::OK();
  }
  std::string TimeToString(uint64_t time) override { return std::to_string(time); }

  void Advance(uint64_t micros) { now_us_ += micros; }

 private:
  uint64_t now_us_;
};

class SimEnv : public rocksdb::Env {
 public:
  // `start_us` is the virtual wall-clock time at construction (microseconds since the epoch).
  SimEnv(std::shared_ptr<rocksdb::FileSystem> fs, uint64_t start_us);
  ~SimEnv() override;

  static const char* kClassName() { return "NatriumSimEnv"; }
  const char* Name() const override { return kClassName(); }

  // Sets the options that make RocksDB's layout a function of its inputs only, and points
  // options->env at this Env. Apply to every column family's options too (memtable factory).
  void DeterministicOptions(rocksdb::DBOptions* options);
  static void DeterministicOptions(rocksdb::ColumnFamilyOptions* options);

  // Asks RocksDB to flush `column_families` without waiting; the flush job is queued here and
  // runs at the next RunNextJob(). Returns RocksDB's status.
  static rocksdb::Status RequestFlush(rocksdb::DB* db,
                                      const std::vector<rocksdb::ColumnFamilyHandle*>& cfs);

  SimClock* clock() { return clock_.get(); }
  void AdvanceMicros(uint64_t micros) { clock_->Advance(micros); }

  // Runs the next queued job; false if none was queued.
  bool RunNextJob();
  // Runs jobs until the queue is empty (jobs may queue more) or `max_jobs` ran. Returns the count.
  int RunPendingJobs(int max_jobs = 1000);
  size_t queued_jobs() const { return queue_.size(); }

  void set_trace_dir(std::string dir) { trace_dir_ = std::move(dir); }
  const std::vector<std::string>& trace() const { return trace_; }

  // --- scheduling ---
  void Schedule(void (*function)(void* arg), void* arg, Priority pri = LOW, void* tag = nullptr,
                void (*unschedFunction)(void* arg) = nullptr) override;
  int UnSchedule(void* tag, Priority pri) override;
  unsigned int GetThreadPoolQueueLen(Priority pri = LOW) const override;
  void StartThread(void (*function)(void* arg), void* arg) override;
  void WaitForJoin() override {}
  void SetBackgroundThreads(int number, Priority pri = LOW) override;
  int GetBackgroundThreads(Priority pri = LOW) override;
  void IncBackgroundThreadsIfNeeded(int number, Priority pri) override;
  uint64_t GetThreadID() const override { return 1; }

  // --- time ---
  uint64_t NowMicros() override { return clock_->NowMicros(); }
  uint64_t NowNanos() override { return clock_->NowNanos(); }
  void SleepForMicroseconds(int micros) override { clock_->SleepForMicroseconds(micros); }
  rocksdb::Status GetCurrentTime(int64_t* unix_time) override {
    return clock_->GetCurrentTime(unix_time);
  }
  std::string TimeToString(uint64_t time) override { return clock_->TimeToString(time); }
  rocksdb::Status GetHostName(char* name, uint64_t len) override;

  // --- legacy file API: forwarded to a composite Env over the same FileSystem ---
  rocksdb::Status NewSequentialFile(const std::string& f,
                                    std::unique_ptr<rocksdb::SequentialFile>* r,
                                    const rocksdb::EnvOptions& o) override;
  rocksdb::Status NewRandomAccessFile(const std::string& f,
                                      std::unique_ptr<rocksdb::RandomAccessFile>* r,
                                      const rocksdb::EnvOptions& o) override;
  rocksdb::Status NewWritableFile(const std::string& f, std::unique_ptr<rocksdb::WritableFile>* r,
                                  const rocksdb::EnvOptions& o) override;
  rocksdb::Status NewDirectory(const std::string& name,
                               std::unique_ptr<rocksdb::Directory>* r) override;
  rocksdb::Status FileExists(const std::string& f) override;
  rocksdb::Status GetChildren(const std::string& dir, std::vector<std::string>* r) override;
  rocksdb::Status DeleteFile(const std::string& f) override;
  rocksdb::Status CreateDir(const std::string& d) override;
  rocksdb::Status CreateDirIfMissing(const std::string& d) override;
  rocksdb::Status DeleteDir(const std::string& d) override;
  rocksdb::Status GetFileSize(const std::string& f, uint64_t* size) override;
  rocksdb::Status GetFileModificationTime(const std::string& f, uint64_t* mtime) override;
  rocksdb::Status RenameFile(const std::string& s, const std::string& t) override;
  rocksdb::Status LockFile(const std::string& f, rocksdb::FileLock** lock) override;
  rocksdb::Status UnlockFile(rocksdb::FileLock* lock) override;
  rocksdb::Status GetTestDirectory(std::string* path) override;
  rocksdb::Status GetAbsolutePath(const std::string& db_path, std::string* out) override;
  rocksdb::Status NewLogger(const std::string& fname,
                            std::shared_ptr<rocksdb::Logger>* result) override;

 private:
  SimEnv(std::shared_ptr<rocksdb::FileSystem> fs, std::shared_ptr<SimClock> clock);

  struct Job {
    uint64_t id;
    void (*function)(void*);
    void* arg;
    Priority pri;
    void* tag;
    void (*unschedule)(void*);
  };

  std::shared_ptr<SimClock> clock_;
  std::unique_ptr<rocksdb::Env> files_;  // composite Env for the legacy file API
  std::deque<Job> queue_;
  uint64_t next_job_id_ = 1;
  int threads_[Env::Priority::TOTAL] = {1, 1, 1, 1};
  std::string trace_dir_;
  std::vector<std::string> trace_;
};

}  // namespace na::store_testing

#endif  // NATRIUM_TESTS_STORE_SIM_ENV_H_
