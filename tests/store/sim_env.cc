#include "tests/store/sim_env.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "rocksdb/memtablerep.h"

namespace na::store_testing {
namespace {

// RocksDB's info log would otherwise be a file whose writes depend on timing; nothing in a
// deterministic run needs it.
class NullLogger : public rocksdb::Logger {
 public:
  using rocksdb::Logger::Logv;
  void Logv(const char* /*format*/, va_list /*ap*/) override {}
};

const char* PriorityName(rocksdb::Env::Priority pri) {
  switch (pri) {
    case rocksdb::Env::Priority::BOTTOM:
      return "BOTTOM";
    case rocksdb::Env::Priority::LOW:
      return "LOW";
    case rocksdb::Env::Priority::HIGH:
      return "HIGH";
    case rocksdb::Env::Priority::USER:
      return "USER";
    case rocksdb::Env::Priority::TOTAL:
      break;
  }
  return "?";
}

// Lower rank runs first: flushes (HIGH) before compactions (LOW) before BOTTOM, as separate
// thread pools would usually get to them.
int Rank(rocksdb::Env::Priority pri) {
  switch (pri) {
    case rocksdb::Env::Priority::USER:
      return 0;
    case rocksdb::Env::Priority::HIGH:
      return 1;
    case rocksdb::Env::Priority::LOW:
      return 2;
    case rocksdb::Env::Priority::BOTTOM:
      return 3;
    case rocksdb::Env::Priority::TOTAL:
      break;
  }
  return 4;
}

}  // namespace

SimEnv::SimEnv(std::shared_ptr<rocksdb::FileSystem> fs, uint64_t start_us)
    : SimEnv(std::move(fs), std::make_shared<SimClock>(start_us)) {}

SimEnv::SimEnv(std::shared_ptr<rocksdb::FileSystem> fs, std::shared_ptr<SimClock> clock)
    : rocksdb::Env(fs, clock), clock_(std::move(clock)), files_(rocksdb::NewCompositeEnv(fs)) {}

SimEnv::~SimEnv() {
  // Jobs still queued belong to DBs that are gone; release their arguments as UnSchedule would.
  for (Job& job : queue_) {
    if (job.unschedule != nullptr) job.unschedule(job.arg);
  }
}

void SimEnv::DeterministicOptions(rocksdb::DBOptions* options) {
  options->env = this;
  options->info_log = std::make_shared<NullLogger>();
  options->stats_dump_period_sec = 0;
  options->stats_persist_period_sec = 0;
  options->allow_concurrent_memtable_write = false;
  options->enable_pipelined_write = false;
  options->avoid_unnecessary_blocking_io = false;  // would schedule purges with a null tag
  options->max_background_jobs = 2;
}

void SimEnv::DeterministicOptions(rocksdb::ColumnFamilyOptions* options) {
  options->memtable_factory = std::make_shared<rocksdb::VectorRepFactory>();
  // Never full by size: flushes come from RequestFlush() (see the header for why).
  options->write_buffer_size = size_t{1} << 40;
  options->max_write_buffer_number = 4;
}

rocksdb::Status SimEnv::RequestFlush(rocksdb::DB* db,
                                     const std::vector<rocksdb::ColumnFamilyHandle*>& cfs) {
  rocksdb::FlushOptions options;
  options.wait = false;              // the job only runs when pumped
  options.allow_write_stall = true;  // waiting for a stall to clear would wait forever
  return db->Flush(options, cfs);
}

void SimEnv::Schedule(void (*function)(void* arg), void* arg, Priority pri, void* tag,
                      void (*unschedFunction)(void* arg)) {
  queue_.push_back(Job{next_job_id_++, function, arg, pri, tag, unschedFunction});
}

int SimEnv::UnSchedule(void* tag, Priority pri) {
  int removed = 0;
  for (auto it = queue_.begin(); it != queue_.end();) {
    if (it->tag == tag && it->pri == pri) {
      if (it->unschedule != nullptr) it->unschedule(it->arg);
      it = queue_.erase(it);
      ++removed;
    } else {
      ++it;
    }
  }
  return removed;
}

unsigned int SimEnv::GetThreadPoolQueueLen(Priority pri) const {
  return static_cast<unsigned int>(
      std::count_if(queue_.begin(), queue_.end(), [&](const Job& j) { return j.pri == pri; }));
}

void SimEnv::StartThread(void (*function)(void* arg), void* arg) {
  // A thread would make the run depend on the OS scheduler; fail loudly so the option that asked
  // for it is found and turned off.
  std::fprintf(stderr, "SimEnv: RocksDB asked for a thread (StartThread); not supported\n");
  std::abort();
}

void SimEnv::SetBackgroundThreads(int number, Priority pri) { threads_[pri] = number; }

int SimEnv::GetBackgroundThreads(Priority pri) { return threads_[pri]; }

void SimEnv::IncBackgroundThreadsIfNeeded(int number, Priority pri) {
  threads_[pri] = std::max(threads_[pri], number);
}

bool SimEnv::RunNextJob() {
  if (queue_.empty()) return false;
  auto best = queue_.begin();
  for (auto it = queue_.begin(); it != queue_.end(); ++it) {
    if (Rank(it->pri) < Rank(best->pri)) best = it;
  }
  const Job job = *best;
  queue_.erase(best);
  job.function(job.arg);
  std::string entry =
      absl::StrCat("job ", job.id, " ", PriorityName(job.pri), " t=", clock_->NowMicros());
  if (!trace_dir_.empty()) {
    std::vector<std::string> children;
    files_->GetChildren(trace_dir_, &children).PermitUncheckedError();
    std::sort(children.begin(), children.end());
    absl::StrAppend(&entry, " files=", absl::StrJoin(children, ","));
  }
  trace_.push_back(std::move(entry));
  return true;
}

int SimEnv::RunPendingJobs(int max_jobs) {
  int ran = 0;
  while (ran < max_jobs && RunNextJob()) ++ran;
  return ran;
}

rocksdb::Status SimEnv::GetHostName(char* name, uint64_t len) {
  const char kHost[] = "sim";
  if (len < sizeof(kHost)) return rocksdb::Status::InvalidArgument("buffer too small");
  std::memcpy(name, kHost, sizeof(kHost));
  return rocksdb::Status::OK();
}

rocksdb::Status SimEnv::NewSequentialFile(const std::string& f,
                                          std::unique_ptr<rocksdb::SequentialFile>* r,
                                          const rocksdb::EnvOptions& o) {
  return files_->NewSequentialFile(f, r, o);
}
rocksdb::Status SimEnv::NewRandomAccessFile(const std::string& f,
                                            std::unique_ptr<rocksdb::RandomAccessFile>* r,
                                            const rocksdb::EnvOptions& o) {
  return files_->NewRandomAccessFile(f, r, o);
}
rocksdb::Status SimEnv::NewWritableFile(const std::string& f,
                                        std::unique_ptr<rocksdb::WritableFile>* r,
                                        const rocksdb::EnvOptions& o) {
  return files_->NewWritableFile(f, r, o);
}
rocksdb::Status SimEnv::NewDirectory(const std::string& name,
                                     std::unique_ptr<rocksdb::Directory>* r) {
  return files_->NewDirectory(name, r);
}
rocksdb::Status SimEnv::FileExists(const std::string& f) { return files_->FileExists(f); }
rocksdb::Status SimEnv::GetChildren(const std::string& dir, std::vector<std::string>* r) {
  return files_->GetChildren(dir, r);
}
rocksdb::Status SimEnv::DeleteFile(const std::string& f) { return files_->DeleteFile(f); }
rocksdb::Status SimEnv::CreateDir(const std::string& d) { return files_->CreateDir(d); }
rocksdb::Status SimEnv::CreateDirIfMissing(const std::string& d) {
  return files_->CreateDirIfMissing(d);
}
rocksdb::Status SimEnv::DeleteDir(const std::string& d) { return files_->DeleteDir(d); }
rocksdb::Status SimEnv::GetFileSize(const std::string& f, uint64_t* size) {
  return files_->GetFileSize(f, size);
}
rocksdb::Status SimEnv::GetFileModificationTime(const std::string& f, uint64_t* mtime) {
  return files_->GetFileModificationTime(f, mtime);
}
rocksdb::Status SimEnv::RenameFile(const std::string& s, const std::string& t) {
  return files_->RenameFile(s, t);
}
rocksdb::Status SimEnv::LockFile(const std::string& f, rocksdb::FileLock** lock) {
  return files_->LockFile(f, lock);
}
rocksdb::Status SimEnv::UnlockFile(rocksdb::FileLock* lock) { return files_->UnlockFile(lock); }
rocksdb::Status SimEnv::GetTestDirectory(std::string* path) {
  *path = "/sim-test";
  return rocksdb::Status::OK();
}
rocksdb::Status SimEnv::GetAbsolutePath(const std::string& db_path, std::string* out) {
  return files_->GetAbsolutePath(db_path, out);
}
rocksdb::Status SimEnv::NewLogger(const std::string& fname,
                                  std::shared_ptr<rocksdb::Logger>* result) {
  *result = std::make_shared<NullLogger>();
  return rocksdb::Status::OK();
}

}  // namespace na::store_testing
