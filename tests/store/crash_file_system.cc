#include "tests/store/crash_file_system.h"

#include <algorithm>
#include <utility>

#include "engine/base/random.h"
#include "rocksdb/system_clock.h"

namespace na::store_testing {
namespace {

using rocksdb::FileOptions;
using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;
using rocksdb::Slice;

std::string StripTrailingSlash(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

// Reports appends and syncs to the file system so it knows what a cut would keep.
class CrashWritableFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  CrashWritableFile(CrashFileSystem* fs, std::string path,
                    std::unique_ptr<rocksdb::FSWritableFile> target)
      : FSWritableFileOwnerWrapper(std::move(target)), fs_(fs), path_(std::move(path)) {}

  IOStatus Append(const Slice& data, const IOOptions& options, IODebugContext* dbg) override {
    if (!Admit(data, options, dbg)) return Frozen();
    IOStatus s = target()->Append(data, options, dbg);
    if (s.ok()) fs_->OnAppend(path_, kAtEnd, data.size());
    return s;
  }
  IOStatus Append(const Slice& data, const IOOptions& options,
                  const rocksdb::DataVerificationInfo& info, IODebugContext* dbg) override {
    if (!Admit(data, options, dbg)) return Frozen();
    IOStatus s = target()->Append(data, options, info, dbg);
    if (s.ok()) fs_->OnAppend(path_, kAtEnd, data.size());
    return s;
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& options,
                            IODebugContext* dbg) override {
    if (!fs_->active()) return Frozen();
    IOStatus s = target()->PositionedAppend(data, offset, options, dbg);
    if (s.ok()) fs_->OnAppend(path_, offset, data.size());
    return s;
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& options,
                            const rocksdb::DataVerificationInfo& info,
                            IODebugContext* dbg) override {
    if (!fs_->active()) return Frozen();
    IOStatus s = target()->PositionedAppend(data, offset, options, info, dbg);
    if (s.ok()) fs_->OnAppend(path_, offset, data.size());
    return s;
  }
  IOStatus Truncate(uint64_t size, const IOOptions& options, IODebugContext* dbg) override {
    if (!fs_->active()) return Frozen();
    return target()->Truncate(size, options, dbg);
  }
  IOStatus Flush(const IOOptions& options, IODebugContext* dbg) override {
    if (!fs_->active()) return Frozen();
    return target()->Flush(options, dbg);
  }
  IOStatus Sync(const IOOptions& options, IODebugContext* dbg) override {
    if (!fs_->active()) return Frozen();
    IOStatus s = target()->Sync(options, dbg);
    if (s.ok()) fs_->OnSync(path_);
    return s;
  }
  IOStatus Fsync(const IOOptions& options, IODebugContext* dbg) override {
    if (!fs_->active()) return Frozen();
    IOStatus s = target()->Fsync(options, dbg);
    if (s.ok()) fs_->OnSync(path_);
    return s;
  }
  // RangeSync is a hint (sync_file_range) that does not make data durable: not reported.
  IOStatus RangeSync(uint64_t offset, uint64_t nbytes, const IOOptions& options,
                     IODebugContext* dbg) override {
    if (!fs_->active()) return Frozen();
    return target()->RangeSync(offset, nbytes, options, dbg);
  }
  IOStatus Close(const IOOptions& options, IODebugContext* dbg) override {
    // Always release the underlying file; a frozen close must not make anything durable, and it
    // cannot, because Restart() truncates to the synced size afterwards.
    IOStatus s = target()->Close(options, dbg);
    if (!fs_->active()) return Frozen();
    return s;
  }

  static constexpr uint64_t kAtEnd = ~uint64_t{0};

 private:
  // False if the write must fail: the file system is frozen, or an armed cut lands inside this
  // write, in which case its first bytes are written before power "fails".
  bool Admit(const Slice& data, const IOOptions& options, IODebugContext* dbg) {
    const uint64_t allowed = fs_->AdmitAppend(data.size());
    if (allowed == data.size() && fs_->active()) return true;
    if (allowed > 0 && target()->Append(Slice(data.data(), allowed), options, dbg).ok()) {
      fs_->OnAppend(path_, kAtEnd, allowed);
    }
    return false;
  }

  static IOStatus Frozen() { return IOStatus::IOError("power cut (CrashFileSystem frozen)"); }
  CrashFileSystem* fs_;
  std::string path_;
};

class CrashDirectory : public rocksdb::FSDirectoryWrapper {
 public:
  CrashDirectory(CrashFileSystem* fs, std::string path,
                 std::unique_ptr<rocksdb::FSDirectory> target)
      : FSDirectoryWrapper(std::move(target)), fs_(fs), path_(std::move(path)) {}

  IOStatus Fsync(const IOOptions& options, IODebugContext* dbg) override {
    if (!fs_->active()) return IOStatus::IOError("power cut (CrashFileSystem frozen)");
    IOStatus s = FSDirectoryWrapper::Fsync(options, dbg);
    if (s.ok()) fs_->OnDirSync(path_);
    return s;
  }
  IOStatus FsyncWithDirOptions(const IOOptions& options, IODebugContext* dbg,
                               const rocksdb::DirFsyncOptions& dir_options) override {
    if (!fs_->active()) return IOStatus::IOError("power cut (CrashFileSystem frozen)");
    IOStatus s = FSDirectoryWrapper::FsyncWithDirOptions(options, dbg, dir_options);
    if (s.ok()) fs_->OnDirSync(path_);
    return s;
  }

 private:
  CrashFileSystem* fs_;
  std::string path_;
};

class NoSleepClock : public rocksdb::SystemClockWrapper {
 public:
  explicit NoSleepClock(const std::shared_ptr<rocksdb::SystemClock>& target)
      : SystemClockWrapper(target) {}
  const char* Name() const override { return "NatriumNoSleepClock"; }
  void SleepForMicroseconds(int /*micros*/) override {}
};

class NoSleepEnv : public rocksdb::EnvWrapper {
 public:
  explicit NoSleepEnv(std::unique_ptr<rocksdb::Env> target) : EnvWrapper(std::move(target)) {
    // Env keeps the clock RocksDB reads (GetSystemClock) in a protected member.
    system_clock_ = std::make_shared<NoSleepClock>(this->target()->GetSystemClock());
  }
  const char* Name() const override { return "NatriumNoSleepEnv"; }
  void SleepForMicroseconds(int /*micros*/) override {}
};

}  // namespace

std::unique_ptr<rocksdb::Env> NewNoSleepEnv(const std::shared_ptr<rocksdb::FileSystem>& fs) {
  return std::make_unique<NoSleepEnv>(rocksdb::NewCompositeEnv(fs));
}

std::string DirName(const std::string& path) {
  const std::string p = StripTrailingSlash(path);
  const size_t slash = p.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return p.substr(0, slash);
}

CrashFileSystem::CrashFileSystem(const std::shared_ptr<rocksdb::FileSystem>& target)
    : FileSystemWrapper(target) {}

CrashFileSystem::~CrashFileSystem() = default;

bool CrashFileSystem::active() const {
  std::lock_guard<std::mutex> lock(mu_);
  return active_;
}

IOStatus CrashFileSystem::Inactive() const {
  return IOStatus::IOError("power cut (CrashFileSystem frozen)");
}

void CrashFileSystem::FreezeAfterBytes(uint64_t bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  armed_ = true;
  budget_bytes_ = bytes;
}

void CrashFileSystem::Disarm() {
  std::lock_guard<std::mutex> lock(mu_);
  armed_ = false;
}

uint64_t CrashFileSystem::AdmitAppend(uint64_t n) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!active_) return 0;
  if (!armed_) return n;
  if (budget_bytes_ >= n) {
    budget_bytes_ -= n;
    return n;
  }
  const uint64_t allowed = budget_bytes_;
  armed_ = false;
  active_ = false;
  return allowed;
}

void CrashFileSystem::Freeze() {
  std::lock_guard<std::mutex> lock(mu_);
  active_ = false;
}

uint64_t CrashFileSystem::UnsyncedBytes(const std::string& path) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = files_.find(path);
  if (it == files_.end()) return 0;
  return it->second.size_bytes - std::min(it->second.size_bytes, it->second.synced_bytes);
}

uint64_t CrashFileSystem::file_syncs() const {
  std::lock_guard<std::mutex> lock(mu_);
  return file_syncs_;
}

uint64_t CrashFileSystem::dir_syncs() const {
  std::lock_guard<std::mutex> lock(mu_);
  return dir_syncs_;
}

void CrashFileSystem::OnAppend(const std::string& path, uint64_t offset, uint64_t bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  FileState& st = files_[path];
  const uint64_t start = offset == CrashWritableFile::kAtEnd ? st.size_bytes : offset;
  st.last_write_offset = start;
  st.size_bytes = std::max(st.size_bytes, start + bytes);
}

void CrashFileSystem::OnSync(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  ++file_syncs_;
  FileState& st = files_[path];
  st.synced_bytes = st.size_bytes;
}

void CrashFileSystem::OnDirSync(const std::string& dir) {
  std::lock_guard<std::mutex> lock(mu_);
  ++dir_syncs_;
  const std::string d = StripTrailingSlash(dir);
  journal_.erase(std::remove_if(journal_.begin(), journal_.end(),
                                [&](const MetaOp& op) { return op.dir == d; }),
                 journal_.end());
}

std::optional<std::string> CrashFileSystem::ReadWhole(const std::string& path) {
  if (!target_->FileExists(path, IOOptions(), nullptr).ok()) return std::nullopt;
  std::string data;
  if (!rocksdb::ReadFileToString(target_.get(), path, &data).ok()) return std::nullopt;
  return data;
}

void CrashFileSystem::WriteWhole(const std::string& path, const std::string& contents) {
  // Best effort: the base file system is in memory or a local disk we own in a test.
  rocksdb::WriteStringToFile(target_.get(), contents, path, /*should_sync=*/true)
      .PermitUncheckedError();
}

void CrashFileSystem::RecordCreateLocked(const std::string& path) {
  MetaOp op;
  op.kind = MetaOp::Kind::kCreate;
  op.dir = DirName(path);
  op.name = path;
  op.replaced_contents = ReadWhole(path);
  journal_.push_back(std::move(op));
}

IOStatus CrashFileSystem::NewSequentialFile(const std::string& f, const FileOptions& opts,
                                            std::unique_ptr<rocksdb::FSSequentialFile>* r,
                                            IODebugContext* dbg) {
  if (!active()) return Inactive();
  return target_->NewSequentialFile(f, opts, r, dbg);
}

IOStatus CrashFileSystem::NewRandomAccessFile(const std::string& f, const FileOptions& opts,
                                              std::unique_ptr<rocksdb::FSRandomAccessFile>* r,
                                              IODebugContext* dbg) {
  if (!active()) return Inactive();
  return target_->NewRandomAccessFile(f, opts, r, dbg);
}

IOStatus CrashFileSystem::NewWritableFile(const std::string& f, const FileOptions& opts,
                                          std::unique_ptr<rocksdb::FSWritableFile>* r,
                                          IODebugContext* dbg) {
  std::unique_ptr<rocksdb::FSWritableFile> file;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!active_) return Inactive();
    RecordCreateLocked(f);
    IOStatus s = target_->NewWritableFile(f, opts, &file, dbg);
    if (!s.ok()) {
      journal_.pop_back();
      return s;
    }
    files_[f] = FileState{};
  }
  *r = std::make_unique<CrashWritableFile>(this, f, std::move(file));
  return IOStatus::OK();
}

IOStatus CrashFileSystem::ReopenWritableFile(const std::string& f, const FileOptions& opts,
                                             std::unique_ptr<rocksdb::FSWritableFile>* r,
                                             IODebugContext* dbg) {
  std::unique_ptr<rocksdb::FSWritableFile> file;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!active_) return Inactive();
    const bool existed = target_->FileExists(f, IOOptions(), nullptr).ok();
    if (!existed) RecordCreateLocked(f);
    IOStatus s = target_->ReopenWritableFile(f, opts, &file, dbg);
    if (!s.ok()) {
      if (!existed) journal_.pop_back();
      return s;
    }
    if (files_.find(f) == files_.end()) {
      uint64_t size = 0;
      if (existed) target_->GetFileSize(f, IOOptions(), &size, nullptr).PermitUncheckedError();
      files_[f] = FileState{size, size, size};
    }
  }
  *r = std::make_unique<CrashWritableFile>(this, f, std::move(file));
  return IOStatus::OK();
}

IOStatus CrashFileSystem::ReuseWritableFile(const std::string& f, const std::string& old_f,
                                            const FileOptions& opts,
                                            std::unique_ptr<rocksdb::FSWritableFile>* r,
                                            IODebugContext* dbg) {
  // Only used with recycle_log_file_num > 0, which our stores never set.
  return IOStatus::NotSupported("CrashFileSystem: ReuseWritableFile");
}

IOStatus CrashFileSystem::NewRandomRWFile(const std::string& f, const FileOptions& opts,
                                          std::unique_ptr<rocksdb::FSRandomRWFile>* r,
                                          IODebugContext* dbg) {
  // Random writes are not modelled; RocksDB uses them only for external file ingestion.
  return IOStatus::NotSupported("CrashFileSystem: NewRandomRWFile");
}

IOStatus CrashFileSystem::NewDirectory(const std::string& name, const IOOptions& io_opts,
                                       std::unique_ptr<rocksdb::FSDirectory>* r,
                                       IODebugContext* dbg) {
  if (!active()) return Inactive();
  std::unique_ptr<rocksdb::FSDirectory> dir;
  IOStatus s = target_->NewDirectory(name, io_opts, &dir, dbg);
  if (!s.ok()) return s;
  *r = std::make_unique<CrashDirectory>(this, StripTrailingSlash(name), std::move(dir));
  return IOStatus::OK();
}

IOStatus CrashFileSystem::FileExists(const std::string& f, const IOOptions& io_opts,
                                     IODebugContext* dbg) {
  if (!active()) return Inactive();
  return target_->FileExists(f, io_opts, dbg);
}

IOStatus CrashFileSystem::GetChildren(const std::string& dir, const IOOptions& io_opts,
                                      std::vector<std::string>* r, IODebugContext* dbg) {
  if (!active()) return Inactive();
  return target_->GetChildren(dir, io_opts, r, dbg);
}

IOStatus CrashFileSystem::DeleteFile(const std::string& f, const IOOptions& io_opts,
                                     IODebugContext* dbg) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!active_) return Inactive();
  IOStatus s = target_->DeleteFile(f, io_opts, dbg);
  if (s.ok()) files_.erase(f);
  return s;
}

IOStatus CrashFileSystem::Truncate(const std::string& f, size_t size, const IOOptions& io_opts,
                                   IODebugContext* dbg) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!active_) return Inactive();
  IOStatus s = target_->Truncate(f, size, io_opts, dbg);
  auto it = files_.find(f);
  if (s.ok() && it != files_.end()) {
    it->second.size_bytes = size;
    it->second.synced_bytes = std::min<uint64_t>(it->second.synced_bytes, size);
    it->second.last_write_offset = std::min<uint64_t>(it->second.last_write_offset, size);
  }
  return s;
}

IOStatus CrashFileSystem::CreateDir(const std::string& d, const IOOptions& io_opts,
                                    IODebugContext* dbg) {
  if (!active()) return Inactive();
  return target_->CreateDir(d, io_opts, dbg);
}

IOStatus CrashFileSystem::CreateDirIfMissing(const std::string& d, const IOOptions& io_opts,
                                             IODebugContext* dbg) {
  if (!active()) return Inactive();
  return target_->CreateDirIfMissing(d, io_opts, dbg);
}

IOStatus CrashFileSystem::GetFileSize(const std::string& f, const IOOptions& io_opts, uint64_t* s,
                                      IODebugContext* dbg) {
  if (!active()) return Inactive();
  return target_->GetFileSize(f, io_opts, s, dbg);
}

IOStatus CrashFileSystem::RenameFile(const std::string& s, const std::string& t,
                                     const IOOptions& io_opts, IODebugContext* dbg) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!active_) return Inactive();
  MetaOp op;
  op.kind = MetaOp::Kind::kRename;
  op.dir = DirName(t);
  op.name = t;
  op.source = s;
  op.replaced_contents = ReadWhole(t);
  IOStatus st = target_->RenameFile(s, t, io_opts, dbg);
  if (!st.ok()) return st;
  auto it = files_.find(s);
  if (it != files_.end()) {
    files_[t] = it->second;
    files_.erase(s);
  } else {
    files_.erase(t);
  }
  journal_.push_back(std::move(op));
  return st;
}

IOStatus CrashFileSystem::LinkFile(const std::string& s, const std::string& t,
                                   const IOOptions& io_opts, IODebugContext* dbg) {
  // Hard links are used by checkpoints only; the link itself is treated as durable at once.
  if (!active()) return Inactive();
  return target_->LinkFile(s, t, io_opts, dbg);
}

IOStatus CrashFileSystem::LockFile(const std::string& f, const IOOptions& io_opts,
                                   rocksdb::FileLock** l, IODebugContext* dbg) {
  if (!active()) return Inactive();
  return target_->LockFile(f, io_opts, l, dbg);
}

CrashStats CrashFileSystem::Restart(const CrashOptions& options) {
  std::lock_guard<std::mutex> lock(mu_);
  CrashStats stats;
  Prng rng(options.seed);

  // 1. File contents: bytes never synced are lost, kept, or torn. Visit files in name order so
  // the same seed always makes the same choices.
  for (auto& [path, st] : files_) {
    if (st.size_bytes <= st.synced_bytes) continue;
    const uint64_t unsynced = st.size_bytes - st.synced_bytes;
    if (rng.Below(1000) < options.keep_unsynced_per_mille) {
      ++stats.files_kept_unsynced;
      continue;
    }
    if (rng.Below(1000) < options.tear_per_mille) {
      std::optional<std::string> data = ReadWhole(path);
      if (!data.has_value()) continue;
      const uint64_t keep = st.synced_bytes + 1 + rng.Below(unsynced);
      data->resize(std::min<uint64_t>(keep, data->size()));
      // Garbage lands only inside the last write and never below the synced size.
      const uint64_t floor = std::max(st.synced_bytes, st.last_write_offset);
      if (data->size() > floor) {
        const uint64_t from = floor + rng.Below(data->size() - floor);
        for (uint64_t i = from; i < data->size(); ++i) {
          (*data)[i] = static_cast<char>(rng.Next());
        }
      }
      stats.unsynced_bytes_dropped += st.size_bytes - data->size();
      WriteWhole(path, *data);
      ++stats.files_torn;
      continue;
    }
    IOStatus s = target_->Truncate(path, st.synced_bytes, IOOptions(), nullptr);
    if (!s.ok()) {
      std::optional<std::string> data = ReadWhole(path);
      if (data.has_value()) {
        data->resize(std::min<uint64_t>(st.synced_bytes, data->size()));
        WriteWhole(path, *data);
      }
    }
    stats.unsynced_bytes_dropped += unsynced;
    ++stats.files_truncated;
  }

  // 2. Names: undo creates and renames not made durable by a directory fsync, newest first.
  for (auto it = journal_.rbegin(); it != journal_.rend(); ++it) {
    const MetaOp& op = *it;
    if (op.kind == MetaOp::Kind::kCreate) {
      target_->DeleteFile(op.name, IOOptions(), nullptr).PermitUncheckedError();
      files_.erase(op.name);
      ++stats.creates_undone;
    } else {
      if (target_->FileExists(op.name, IOOptions(), nullptr).ok()) {
        target_->RenameFile(op.name, op.source, IOOptions(), nullptr).PermitUncheckedError();
        auto f = files_.find(op.name);
        if (f != files_.end()) {
          files_[op.source] = f->second;
          files_.erase(op.name);
        }
      }
      ++stats.renames_undone;
    }
    if (op.replaced_contents.has_value()) WriteWhole(op.name, *op.replaced_contents);
  }
  journal_.clear();

  // 3. What is on the "disk" now is all durable.
  for (auto& [path, st] : files_) {
    uint64_t size = 0;
    target_->GetFileSize(path, IOOptions(), &size, nullptr).PermitUncheckedError();
    st = FileState{size, size, size};
  }
  active_ = true;
  armed_ = false;
  return stats;
}

}  // namespace na::store_testing
