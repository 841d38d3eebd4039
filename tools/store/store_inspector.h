// StoreInspector: read-only, corruption-tolerant access to a RocksLogStore directory.
//
// natrium-store is built on this. Unlike RocksLogStore::Open, which refuses a store whose
// summaries fail verification, the inspector opens the RocksDB read-only (DB::OpenForReadOnly,
// with no info log, so not one byte in the directory changes) and hands back every record with
// its own decode status: a bad record is reported and skipped, never the end of the listing.
// Records are decoded with the store's own codecs (engine/store/rocks/record.h).
#ifndef NATRIUM_TOOLS_STORE_STORE_INSPECTOR_H_
#define NATRIUM_TOOLS_STORE_STORE_INSPECTOR_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/store/backend.h"
#include "engine/store/log_store.h"

namespace rocksdb {
class ColumnFamilyHandle;
class DB;
class Env;
}  // namespace rocksdb

namespace na::store_tool {

// One stream as persisted: its summary record (or why it could not be read) and its per-subject
// summaries.
struct StreamEntry {
  store::StreamId id = 0;
  absl::Status status;         // of the summary record
  store::StreamRecord record;  // valid when status is OK
  absl::btree_map<std::string, store::SubjectState> subjects;
  std::vector<std::string> subject_problems;  // subject summaries that failed to decode
  std::string DisplayName() const;            // "NAME (id N)" or "id N"
};

struct CfStats {
  std::string name;
  uint64_t estimated_keys = 0;
  uint64_t sst_files = 0;
  uint64_t sst_bytes = 0;
  uint64_t memtable_bytes = 0;
  uint64_t live_data_bytes = 0;
};

class StoreInspector {
 public:
  // Opens `path` read-only. `env` (not owned) defaults to rocksdb::Env::Default().
  // NotFound if there is no store there; DataLoss/Internal if RocksDB cannot open it.
  static absl::StatusOr<std::unique_ptr<StoreInspector>> Open(const std::string& path,
                                                              rocksdb::Env* env = nullptr);
  ~StoreInspector();

  // Problems found while opening (a missing column family, an unreadable format record).
  const std::vector<std::string>& open_problems() const { return open_problems_; }
  uint32_t format_version() const { return format_version_; }

  // Every stream with a summary record or subject summaries, ascending by id. Keys of the
  // streams CF that do not parse are added to `problems`.
  std::vector<StreamEntry> Streams(std::vector<std::string>* problems) const;
  // A stream by name or decimal id.
  absl::StatusOr<StreamEntry> FindStream(absl::string_view name_or_id) const;

  // Calls `fn` for each message key of `id` with from_seq <= seq <= to_seq, in order, with the
  // decoded message or the reason it did not decode. Return false from fn to stop.
  using MessageFn = std::function<bool(uint64_t seq, const absl::Status& status,
                                       const store::StoredMessage& message)>;
  absl::Status ForEachMessage(store::StreamId id, uint64_t from_seq, uint64_t to_seq,
                              const MessageFn& fn) const;
  // Every (subject, seq) of the per-subject index of `id`; unparseable keys go to `problems`.
  absl::Status ForEachIndexEntry(
      store::StreamId id, const std::function<void(absl::string_view subject, uint64_t seq)>& fn,
      std::vector<std::string>* problems) const;
  // Consumers of `id` by name, each decoded or with its error.
  struct ConsumerEntry {
    std::string key_name;
    absl::Status status;
    store::ConsumerRecord record;
  };
  absl::Status Consumers(store::StreamId id, std::vector<ConsumerEntry>* out) const;
  // Stream ids that have keys in msgs, subj or consumers (to find orphans).
  absl::Status StreamIdsWithData(std::map<store::StreamId, std::string>* out) const;

  std::vector<CfStats> Stats() const;
  // Total bytes of the files in the directory (SSTs, WAL, MANIFEST...).
  uint64_t DirectoryBytes() const;

 private:
  StoreInspector() = default;
  rocksdb::ColumnFamilyHandle* Cf(const char* name) const;

  std::string path_;
  rocksdb::Env* env_ = nullptr;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::vector<std::string> cf_names_;
  std::vector<std::string> open_problems_;
  uint32_t format_version_ = 0;
};

}  // namespace na::store_tool

#endif  // NATRIUM_TOOLS_STORE_STORE_INSPECTOR_H_
