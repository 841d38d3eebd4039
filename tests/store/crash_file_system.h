// CrashFileSystem: a rocksdb::FileSystemWrapper that remembers what a power cut would lose.
//
// RocksDB's own fault-injection file system is not shipped in Debian's headers, so this is a
// reimplementation of its semantics on the public FileSystemWrapper API only
// (simulation-and-storage.md §9.3).
//
// Durability model (what survives a power cut):
//   * file data: bytes up to the last Sync()/Fsync() of that file. RangeSync() is deliberately NOT
//     durable (it does not flush metadata on Linux either).
//   * names: a file created, or a rename made, since the last fsync of its parent directory is
//     undone by the cut (a created file vanishes; a renamed file goes back to its old name and a
//     file it replaced comes back with its old contents).
//   * deletes are treated as immediately durable (RocksDB only deletes obsolete files, so a file
//     coming back would be ignored anyway).
//   * files never written through this object (pre-existing data) are fully durable.
//
// Lifecycle of a cut, from a test:
//   fs->Freeze();          // the instant power fails: every later I/O returns IOError
//   db.reset();            // RocksDB's close-time writes fail and cannot land
//   fs->Restart(options);  // apply the losses (optionally tearing the last write), thaw
//   ...reopen the DB on the same fs...
//
// Thread-safety: all methods may be called concurrently (RocksDB writes from background threads
// when run on a normal Env). Determinism: every random choice comes from CrashOptions::seed, and
// files are visited in name order.
#ifndef NATRIUM_TESTS_STORE_CRASH_FILE_SYSTEM_H_
#define NATRIUM_TESTS_STORE_CRASH_FILE_SYSTEM_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "rocksdb/env.h"
#include "rocksdb/file_system.h"

namespace na::store_testing {

// How Restart() treats data that was written but not synced.
struct CrashOptions {
  uint64_t seed = 1;
  // Per file with unsynced data: with this probability (out of 1000) every unsynced byte survives
  // (FoundationDB's "everything survived" case).
  uint32_t keep_unsynced_per_mille = 0;
  // Otherwise, with this probability (out of 1000) the file keeps a random prefix of its unsynced
  // bytes and the last kept bytes of the last write are garbage (a torn write). Else the unsynced
  // tail is dropped entirely.
  uint32_t tear_per_mille = 0;
};

// Counters a test can assert on.
struct CrashStats {
  uint64_t files_truncated = 0;
  uint64_t files_torn = 0;
  uint64_t files_kept_unsynced = 0;
  uint64_t unsynced_bytes_dropped = 0;
  uint64_t creates_undone = 0;
  uint64_t renames_undone = 0;
};

class CrashFileSystem : public rocksdb::FileSystemWrapper {
 public:
  explicit CrashFileSystem(const std::shared_ptr<rocksdb::FileSystem>& target);
  ~CrashFileSystem() override;

  static const char* kClassName() { return "NatriumCrashFileSystem"; }
  const char* Name() const override { return kClassName(); }

  // The instant of the power cut: from now until Restart(), every operation fails with IOError
  // (closing and unlocking still release resources so the DB object can be destroyed).
  void Freeze();

  // Arms a power cut in the middle of a later write: once `bytes` more bytes have been appended
  // (to any file), the append that crosses the budget lands only up to it, returns IOError, and
  // the file system freezes, as if power failed mid-write. Disarm() cancels.
  void FreezeAfterBytes(uint64_t bytes);
  void Disarm();
  bool frozen() const { return !active(); }

  // Applies what the cut loses (see the model above), then accepts I/O again. Call it after the
  // DB that was using this file system has been destroyed. Returns what was done.
  CrashStats Restart(const CrashOptions& options);

  // Bytes appended to `path` through this object and not yet synced (0 if untracked).
  uint64_t UnsyncedBytes(const std::string& path) const;
  // Number of Sync/Fsync calls on files, and of directory fsyncs (for tests and benchmarks).
  uint64_t file_syncs() const;
  uint64_t dir_syncs() const;

  // --- rocksdb::FileSystem ---
  rocksdb::IOStatus NewSequentialFile(const std::string& f, const rocksdb::FileOptions& opts,
                                      std::unique_ptr<rocksdb::FSSequentialFile>* r,
                                      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewRandomAccessFile(const std::string& f, const rocksdb::FileOptions& opts,
                                        std::unique_ptr<rocksdb::FSRandomAccessFile>* r,
                                        rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewWritableFile(const std::string& f, const rocksdb::FileOptions& opts,
                                    std::unique_ptr<rocksdb::FSWritableFile>* r,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReopenWritableFile(const std::string& f, const rocksdb::FileOptions& opts,
                                       std::unique_ptr<rocksdb::FSWritableFile>* r,
                                       rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReuseWritableFile(const std::string& f, const std::string& old_f,
                                      const rocksdb::FileOptions& opts,
                                      std::unique_ptr<rocksdb::FSWritableFile>* r,
                                      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewRandomRWFile(const std::string& f, const rocksdb::FileOptions& opts,
                                    std::unique_ptr<rocksdb::FSRandomRWFile>* r,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewDirectory(const std::string& name, const rocksdb::IOOptions& io_opts,
                                 std::unique_ptr<rocksdb::FSDirectory>* r,
                                 rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus FileExists(const std::string& f, const rocksdb::IOOptions& io_opts,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus GetChildren(const std::string& dir, const rocksdb::IOOptions& io_opts,
                                std::vector<std::string>* r, rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus DeleteFile(const std::string& f, const rocksdb::IOOptions& io_opts,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus Truncate(const std::string& f, size_t size, const rocksdb::IOOptions& io_opts,
                             rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus CreateDir(const std::string& d, const rocksdb::IOOptions& io_opts,
                              rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus CreateDirIfMissing(const std::string& d, const rocksdb::IOOptions& io_opts,
                                       rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus GetFileSize(const std::string& f, const rocksdb::IOOptions& io_opts,
                                uint64_t* s, rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus RenameFile(const std::string& s, const std::string& t,
                               const rocksdb::IOOptions& io_opts,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus LinkFile(const std::string& s, const std::string& t,
                             const rocksdb::IOOptions& io_opts,
                             rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus LockFile(const std::string& f, const rocksdb::IOOptions& io_opts,
                             rocksdb::FileLock** l, rocksdb::IODebugContext* dbg) override;

  // Called by the file and directory wrappers.
  bool active() const;
  // How many of `n` bytes an append may write now (all of them unless a cut is armed).
  uint64_t AdmitAppend(uint64_t n);
  void OnAppend(const std::string& path, uint64_t offset, uint64_t bytes);
  void OnSync(const std::string& path);
  void OnDirSync(const std::string& dir);

 private:
  struct FileState {
    uint64_t size_bytes = 0;
    uint64_t synced_bytes = 0;
    uint64_t last_write_offset = 0;  // where the last Append started (for tearing)
  };
  // A name change that the next fsync of `dir` makes durable, or the cut undoes.
  struct MetaOp {
    enum class Kind { kCreate, kRename };
    Kind kind;
    std::string dir;
    std::string name;                              // created file, or rename target
    std::string source;                            // rename source
    std::optional<std::string> replaced_contents;  // what `name` held before, if it existed
  };

  rocksdb::IOStatus Inactive() const;
  // Records a create of `path` (reading what it replaces). REQUIRES: mu_ held.
  void RecordCreateLocked(const std::string& path);
  std::optional<std::string> ReadWhole(const std::string& path);
  void WriteWhole(const std::string& path, const std::string& contents);

  mutable std::mutex mu_;
  bool active_ = true;
  bool armed_ = false;
  uint64_t budget_bytes_ = 0;
  std::map<std::string, FileState> files_;
  std::vector<MetaOp> journal_;
  uint64_t file_syncs_ = 0;
  uint64_t dir_syncs_ = 0;
};

// An Env over `fs` (RocksDB's own thread pools and clock) whose sleeps return at once. After a
// power cut every background compaction fails, and RocksDB then sleeps a full second before
// retrying while Close() waits for it; a crash test doing hundreds of cuts cannot afford that.
std::unique_ptr<rocksdb::Env> NewNoSleepEnv(const std::shared_ptr<rocksdb::FileSystem>& fs);

// The directory part of `path` ("a/b/c" -> "a/b"), without a trailing slash.
std::string DirName(const std::string& path);

}  // namespace na::store_testing

#endif  // NATRIUM_TESTS_STORE_CRASH_FILE_SYSTEM_H_
