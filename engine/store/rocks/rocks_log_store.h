// RocksLogStore: the LogStore on one RocksDB per server (DESIGN.md §5; README.md for the layout).
//
// Column families msgs, subj, streams, consumers, meta. Every mutation is staged in a
// WriteBatchWithIndex, so reads see it at once; Sync() writes the whole batch with sync=true
// (group commit) and only then is anything on disk. Closing or destroying the store without
// Sync() therefore drops the staged batch, which is exactly what a crash does. Stream state is
// recovered on open from the summaries in the streams CF, never by rescanning messages.
//
// The injected Env / FileSystem (options) is how crash tests put a power-cut file system under
// the store; read_only opens with DB::OpenForReadOnly for the inspector, and every mutation then
// fails with FailedPrecondition.
#ifndef NATRIUM_ENGINE_STORE_ROCKS_ROCKS_LOG_STORE_H_
#define NATRIUM_ENGINE_STORE_ROCKS_ROCKS_LOG_STORE_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/store/backed_log_store.h"

namespace rocksdb {
class ColumnFamilyHandle;
class DB;
class Env;
class FileSystem;
struct Options;
class Status;
}  // namespace rocksdb

namespace na::store::rocks {

struct RocksLogStoreOptions {
  std::string path;
  // Not owned; must outlive the store. Null: file_system if set, else rocksdb::Env::Default().
  rocksdb::Env* env = nullptr;
  // Used through rocksdb::NewCompositeEnv (owned by the store) when env is null.
  std::shared_ptr<rocksdb::FileSystem> file_system;
  bool read_only = false;
  bool create_if_missing = true;
  // Last word on the rocksdb::Options before open (tests: vector memtable, small buffers).
  std::function<void(rocksdb::Options*)> tune;
};

enum class ColumnFamily : int {
  kMsgs = 0,
  kSubj = 1,
  kStreams = 2,
  kConsumers = 3,
  kMeta = 4,
};

class RocksLogStore final : public BackedLogStore {
 public:
  // Opens (or creates) the store at options.path and recovers every stream's state.
  // DataLoss if a summary record fails verification; FailedPrecondition for an unknown format.
  static absl::StatusOr<std::unique_ptr<RocksLogStore>> Open(const RocksLogStoreOptions& options);

  // Closes the database. Anything staged and not synced is dropped.
  ~RocksLogStore() override;

  // For the inspector and tests: the database and its column families. Do not write through
  // them while the store is in use.
  rocksdb::DB* db() const;
  rocksdb::ColumnFamilyHandle* column_family(ColumnFamily cf) const;
  // Bytes staged since the last Sync().
  size_t staged_bytes() const;

 private:
  class RocksBackend;
  RocksLogStore(std::unique_ptr<RocksBackend> backend, bool read_only);
  RocksBackend* rocks_;  // owned by BackedLogStore
};

// Removes a store's files (tests, tools).
absl::Status DestroyRocksLogStore(const std::string& path, rocksdb::Env* env = nullptr);

// rocksdb::Status -> absl::Status: Corruption is DataLoss, NotFound NotFound, I/O errors
// Unavailable, the rest Internal.
absl::Status FromRocks(const rocksdb::Status& status);

}  // namespace na::store::rocks

#endif  // NATRIUM_ENGINE_STORE_ROCKS_ROCKS_LOG_STORE_H_
