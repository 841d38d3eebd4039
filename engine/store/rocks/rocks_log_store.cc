#include "engine/store/rocks/rocks_log_store.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/base/check.h"
#include "engine/base/status_macros.h"
#include "engine/store/rocks/keys.h"
#include "engine/store/rocks/record.h"
#include "flatbuffers/flatbuffers.h"
#include "rocksdb/db.h"
#include "rocksdb/env.h"
#include "rocksdb/file_system.h"
#include "rocksdb/options.h"
#include "rocksdb/sst_partitioner.h"
#include "rocksdb/utilities/write_batch_with_index.h"
#include "rocksdb/write_batch.h"

namespace na::store::rocks {
namespace {

rocksdb::Slice ToSlice(absl::string_view s) { return rocksdb::Slice(s.data(), s.size()); }
absl::string_view ToView(const rocksdb::Slice& s) { return absl::string_view(s.data(), s.size()); }

// The smallest key greater than every key that starts with `prefix`. Stream ids never reach
// 2^64-1 (BackedLogStore reserves it), so a successor always exists.
std::string PrefixEnd(std::string prefix) {
  while (!prefix.empty()) {
    unsigned char last = static_cast<unsigned char>(prefix.back());
    if (last != 0xff) {
      prefix.back() = static_cast<char>(last + 1);
      return prefix;
    }
    prefix.pop_back();
  }
  NA_UNREACHABLE();
}

constexpr const char* kCfNames[] = {kCfMsgs, kCfSubj, kCfStreams, kCfConsumers, kCfMeta};
constexpr int kCfCount = 5;

}  // namespace

absl::Status FromRocks(const rocksdb::Status& status) {
  if (status.ok()) return absl::OkStatus();
  const std::string text = status.ToString();
  if (status.IsNotFound()) return absl::NotFoundError(text);
  if (status.IsCorruption()) return absl::DataLossError(text);
  if (status.IsIOError()) return absl::UnavailableError(text);
  return absl::InternalError(text);
}

class RocksLogStore::RocksBackend final : public Backend {
 public:
  // Per-key checksums on the staged batch catch memory corruption between staging and Sync.
  RocksBackend()
      : batch_(rocksdb::BytewiseComparator(), 0, /*overwrite_key=*/true, /*max_bytes=*/0,
               /*protection_bytes_per_key=*/8) {}

  ~RocksBackend() override {
    if (db_ == nullptr) return;
    // Only synced data ever reaches RocksDB, so flushing the memtables here persists nothing new;
    // it spares the next open a long WAL replay, and fails harmlessly after a power cut.
    if (!read_only_) (void)db_->Flush(rocksdb::FlushOptions(), handles_);
    for (rocksdb::ColumnFamilyHandle* handle : handles_) {
      (void)db_->DestroyColumnFamilyHandle(handle);
    }
    (void)db_->Close();
    delete db_;
  }

  absl::Status Open(const RocksLogStoreOptions& options) {
    rocksdb::Options db_options;
    db_options.create_if_missing = options.create_if_missing;
    db_options.create_missing_column_families = true;
    db_options.paranoid_checks = true;
    db_options.track_and_verify_wals_in_manifest = true;
    db_options.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
    if (options.env != nullptr) {
      db_options.env = options.env;
    } else if (options.file_system != nullptr) {
      owned_env_ = rocksdb::NewCompositeEnv(options.file_system);
      db_options.env = owned_env_.get();
    }
    if (options.tune) options.tune(&db_options);

    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName,
                             rocksdb::ColumnFamilyOptions(db_options));
    for (const char* name : kCfNames) {
      rocksdb::ColumnFamilyOptions cf_options(db_options);
      if (std::string(name) == kCfMsgs) {
        // SST files never mix streams, so retention frees whole files (simulation-and-storage
        // §8.5).
        cf_options.sst_partitioner_factory = rocksdb::NewSstPartitionerFixedPrefixFactory(8);
      }
      descriptors.emplace_back(name, cf_options);
    }
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::Status status =
        options.read_only
            ? rocksdb::DB::OpenForReadOnly(db_options, options.path, descriptors, &handles, &db_)
            : rocksdb::DB::Open(db_options, options.path, descriptors, &handles, &db_);
    if (!status.ok()) return FromRocks(status);
    NA_CHECK_EQ(handles.size(), static_cast<size_t>(kCfCount + 1));
    default_handle_ = handles[0];
    handles_.assign(handles.begin(), handles.end());
    read_options_.verify_checksums = true;
    read_only_ = options.read_only;
    return CheckFormat(options.read_only);
  }

  rocksdb::DB* db() const { return db_; }
  rocksdb::ColumnFamilyHandle* cf(ColumnFamily which) const {
    return handles_[static_cast<size_t>(which) + 1];
  }
  size_t staged_bytes() const { return batch_.GetWriteBatch()->GetDataSize(); }

  // ---- Recovery ----
  absl::Status LoadStreams(std::vector<std::pair<StreamId, StreamRecord>>* out) const override {
    out->clear();
    Cursor cursor(this, ColumnFamily::kStreams, "", "");
    for (cursor.it->SeekToFirst(); cursor.it->Valid(); cursor.it->Next()) {
      absl::string_view key = ToView(cursor.it->key());
      std::optional<ParsedStreamsKey> parsed = ParseStreamsKey(key);
      if (!parsed.has_value()) return absl::DataLossError("malformed key in the streams column");
      if (parsed->is_subject) continue;
      StreamRecord record;
      absl::Status status = DecodeStreamRecord(key, ToView(cursor.it->value()), &record);
      if (!status.ok()) {
        return absl::DataLossError(
            absl::StrCat("stream id ", parsed->stream_id, ": stream record: ", status.message()));
      }
      out->emplace_back(parsed->stream_id, std::move(record));
    }
    return FromRocks(cursor.it->status());
  }

  absl::Status LoadSubjects(StreamId id,
                            absl::btree_map<std::string, SubjectState>* out) const override {
    out->clear();
    const std::string prefix = SubjectRecordPrefix(id);
    Cursor cursor(this, ColumnFamily::kStreams, prefix, PrefixEnd(prefix));
    for (cursor.it->Seek(ToSlice(prefix)); cursor.Valid(); cursor.it->Next()) {
      absl::string_view key = ToView(cursor.it->key());
      absl::string_view subject = key.substr(prefix.size());
      SubjectState state;
      absl::Status status = DecodeSubjectRecord(key, ToView(cursor.it->value()), &state);
      if (!status.ok()) {
        return absl::DataLossError(
            absl::StrCat("subject '", subject, "' summary: ", status.message()));
      }
      out->emplace(std::string(subject), state);
    }
    return FromRocks(cursor.it->status());
  }

  // ---- Stream records ----
  absl::Status PutStreamRecord(StreamId id, const StreamRecord& record) override {
    key_ = StreamRecordKey(id);
    EncodeStreamRecord(key_, record, &builder_, &value_);
    return Put(ColumnFamily::kStreams, key_, value_);
  }

  absl::Status PutSubjectRecord(StreamId id, absl::string_view subject,
                                const SubjectState& state) override {
    key_ = SubjectRecordKey(id, subject);
    EncodeSubjectRecord(key_, state, &builder_, &value_);
    return Put(ColumnFamily::kStreams, key_, value_);
  }

  absl::Status DeleteSubjectRecord(StreamId id, absl::string_view subject) override {
    return Delete(ColumnFamily::kStreams, SubjectRecordKey(id, subject));
  }

  absl::Status DeleteAllSubjectRecords(StreamId id) override {
    const std::string prefix = SubjectRecordPrefix(id);
    return DeleteRange(ColumnFamily::kStreams, prefix, PrefixEnd(prefix));
  }

  absl::Status DeleteStream(StreamId id) override {
    const std::string prefix = StreamPrefix(id);
    const std::string end = PrefixEnd(prefix);
    for (ColumnFamily which : {ColumnFamily::kMsgs, ColumnFamily::kSubj, ColumnFamily::kStreams,
                               ColumnFamily::kConsumers}) {
      NA_RETURN_IF_ERROR(DeleteRange(which, prefix, end));
    }
    return absl::OkStatus();
  }

  // ---- Messages ----
  absl::Status PutMessage(StreamId id, uint64_t seq, const Message& message) override {
    BuildMessageKey(id, seq, &key_);
    EncodeMessageRecord(key_, message, &builder_, &value_);
    NA_RETURN_IF_ERROR(Put(ColumnFamily::kMsgs, key_, value_));
    BuildSubjectIndexKey(id, message.subject, seq, &index_key_);
    return Put(ColumnFamily::kSubj, index_key_, "");
  }

  absl::Status GetMessage(StreamId id, uint64_t seq, StoredMessage* out) const override {
    const std::string key = MessageKey(id, seq);
    rocksdb::PinnableSlice value;
    rocksdb::Status status =
        batch_.GetFromBatchAndDB(db_, read_options_, cf(ColumnFamily::kMsgs), key, &value);
    if (status.IsNotFound()) return absl::NotFoundError("not found");
    if (!status.ok()) return MessageError(seq, FromRocks(status));
    return DecodeMessage(key, ToView(value), seq, out);
  }

  absl::Status SeekMessage(StreamId id, uint64_t from_seq, StoredMessage* out) const override {
    const std::string start = MessageKey(id, from_seq);
    Cursor cursor(this, ColumnFamily::kMsgs, start, PrefixEnd(StreamPrefix(id)));
    cursor.it->Seek(ToSlice(start));
    if (!cursor.Valid()) {
      NA_RETURN_IF_ERROR(FromRocks(cursor.it->status()));
      return absl::NotFoundError("not found");
    }
    absl::string_view key = ToView(cursor.it->key());
    std::optional<ParsedMessageKey> parsed = ParseMessageKey(key);
    if (!parsed.has_value()) return absl::DataLossError("malformed message key");
    return DecodeMessage(key, ToView(cursor.it->value()), parsed->seq, out);
  }

  absl::Status VisitMessages(StreamId id, uint64_t from_seq,
                             absl::FunctionRef<bool(const StoredMessage&)> visit) const override {
    const std::string start = MessageKey(id, from_seq);
    Cursor cursor(this, ColumnFamily::kMsgs, start, PrefixEnd(StreamPrefix(id)));
    for (cursor.it->Seek(ToSlice(start)); cursor.Valid(); cursor.it->Next()) {
      absl::string_view key = ToView(cursor.it->key());
      std::optional<ParsedMessageKey> parsed = ParseMessageKey(key);
      if (!parsed.has_value()) return absl::DataLossError("malformed message key");
      NA_RETURN_IF_ERROR(
          DecodeMessage(key, ToView(cursor.it->value()), parsed->seq, &visit_scratch_));
      if (!visit(visit_scratch_)) return absl::OkStatus();
    }
    return FromRocks(cursor.it->status());
  }

  absl::StatusOr<uint64_t> SeekSubject(StreamId id, absl::string_view subject,
                                       uint64_t from_seq) const override {
    const std::string prefix = SubjectIndexPrefix(id, subject);
    const std::string start = SubjectIndexKey(id, subject, from_seq);
    Cursor cursor(this, ColumnFamily::kSubj, prefix, PrefixEnd(prefix));
    cursor.it->Seek(ToSlice(start));
    if (!cursor.Valid()) {
      NA_RETURN_IF_ERROR(FromRocks(cursor.it->status()));
      return 0;
    }
    return IndexSeq(ToView(cursor.it->key()));
  }

  absl::StatusOr<uint64_t> SeekSubjectLast(StreamId id, absl::string_view subject,
                                           uint64_t upto_seq) const override {
    const std::string prefix = SubjectIndexPrefix(id, subject);
    const std::string last = SubjectIndexKey(id, subject, upto_seq);
    Cursor cursor(this, ColumnFamily::kSubj, prefix, PrefixEnd(prefix));
    cursor.it->SeekForPrev(ToSlice(last));
    if (!cursor.it->Valid() || !cursor.it->key().starts_with(ToSlice(prefix))) {
      NA_RETURN_IF_ERROR(FromRocks(cursor.it->status()));
      return 0;
    }
    return IndexSeq(ToView(cursor.it->key()));
  }

  absl::Status ScanSubject(StreamId id, absl::string_view subject, uint64_t from_seq,
                           uint64_t to_seq, std::vector<uint64_t>* seqs) const override {
    const std::string prefix = SubjectIndexPrefix(id, subject);
    Cursor cursor(this, ColumnFamily::kSubj, prefix, PrefixEnd(prefix));
    for (cursor.it->Seek(SubjectIndexKey(id, subject, from_seq)); cursor.Valid();
         cursor.it->Next()) {
      NA_ASSIGN_OR_RETURN(uint64_t seq, IndexSeq(ToView(cursor.it->key())));
      if (seq > to_seq) break;
      seqs->push_back(seq);
    }
    return FromRocks(cursor.it->status());
  }

  absl::Status EraseMessage(StreamId id, uint64_t seq, absl::string_view subject,
                            bool erase) override {
    // RocksDB cannot overwrite bytes in place; `erase` is a plain delete here. Compaction drops
    // the old value from SST files.
    NA_RETURN_IF_ERROR(Delete(ColumnFamily::kMsgs, MessageKey(id, seq)));
    return Delete(ColumnFamily::kSubj, SubjectIndexKey(id, subject, seq));
  }

  absl::Status EraseMessageRange(
      StreamId id, uint64_t from_seq, uint64_t to_seq,
      absl::Span<const std::pair<std::string, uint64_t>> removed) override {
    // Messages go with one range tombstone; index keys are subject-major, so they go one by one.
    NA_RETURN_IF_ERROR(
        DeleteRange(ColumnFamily::kMsgs, MessageKey(id, from_seq), MessageKey(id, to_seq)));
    for (const auto& [subject, seq] : removed) {
      NA_RETURN_IF_ERROR(Delete(ColumnFamily::kSubj, SubjectIndexKey(id, subject, seq)));
    }
    return absl::OkStatus();
  }

  absl::Status EraseAllMessages(StreamId id) override {
    const std::string prefix = StreamPrefix(id);
    const std::string end = PrefixEnd(prefix);
    NA_RETURN_IF_ERROR(DeleteRange(ColumnFamily::kMsgs, prefix, end));
    return DeleteRange(ColumnFamily::kSubj, prefix, end);
  }

  // ---- Consumers ----
  absl::Status PutConsumer(StreamId id, const ConsumerRecord& consumer) override {
    key_ = ConsumerKey(id, consumer.name);
    EncodeConsumerRecord(key_, consumer, &builder_, &value_);
    return Put(ColumnFamily::kConsumers, key_, value_);
  }

  absl::Status DeleteConsumer(StreamId id, absl::string_view name) override {
    return Delete(ColumnFamily::kConsumers, ConsumerKey(id, name));
  }

  absl::Status LoadConsumer(StreamId id, absl::string_view name,
                            ConsumerRecord* out) const override {
    const std::string key = ConsumerKey(id, name);
    rocksdb::PinnableSlice value;
    rocksdb::Status status =
        batch_.GetFromBatchAndDB(db_, read_options_, cf(ColumnFamily::kConsumers), key, &value);
    if (status.IsNotFound()) return absl::NotFoundError("not found");
    NA_RETURN_IF_ERROR(FromRocks(status));
    absl::Status decoded = DecodeConsumerRecord(key, ToView(value), out);
    if (!decoded.ok()) {
      return absl::DataLossError(absl::StrCat("consumer '", name, "': ", decoded.message()));
    }
    return absl::OkStatus();
  }

  absl::Status ListConsumers(StreamId id, std::vector<std::string>* names) const override {
    names->clear();
    const std::string prefix = StreamPrefix(id);
    Cursor cursor(this, ColumnFamily::kConsumers, prefix, PrefixEnd(prefix));
    for (cursor.it->Seek(ToSlice(prefix)); cursor.Valid(); cursor.it->Next()) {
      names->emplace_back(ToView(cursor.it->key()).substr(prefix.size()));
    }
    return FromRocks(cursor.it->status());
  }

  // ---- Durability ----
  absl::Status Sync() override {
    rocksdb::WriteBatch* batch = batch_.GetWriteBatch();
    if (batch->Count() == 0) return absl::OkStatus();
    rocksdb::WriteOptions write_options;
    write_options.sync = true;
    NA_RETURN_IF_ERROR(FromRocks(db_->Write(write_options, batch)));
    batch_.Clear();
    return absl::OkStatus();
  }

 private:
  // A bounded iterator over the staged batch merged with the database. The bounds live here so
  // the ReadOptions slices outlive the iterator.
  struct Cursor {
    Cursor(const RocksBackend* backend, ColumnFamily which, std::string lower_key,
           std::string upper_key)
        : lower(std::move(lower_key)), upper(std::move(upper_key)) {
      options = backend->read_options_;
      if (!lower.empty()) {
        lower_slice = ToSlice(lower);
        options.iterate_lower_bound = &lower_slice;
      }
      if (!upper.empty()) {
        upper_slice = ToSlice(upper);
        options.iterate_upper_bound = &upper_slice;
      }
      rocksdb::ColumnFamilyHandle* handle = backend->cf(which);
      rocksdb::Iterator* base = backend->db_->NewIterator(options, handle);
      it.reset(backend->batch_.NewIteratorWithBase(handle, base, &options));
    }
    // Staged keys are not filtered by the base iterator's bounds, so check them here too.
    bool Valid() const {
      if (!it->Valid()) return false;
      return upper.empty() || it->key().compare(upper_slice) < 0;
    }

    std::string lower;
    std::string upper;
    rocksdb::Slice lower_slice;
    rocksdb::Slice upper_slice;
    rocksdb::ReadOptions options;
    std::unique_ptr<rocksdb::Iterator> it;
  };

  absl::Status CheckFormat(bool read_only) {
    const std::string key(kMetaFormatKey);
    std::string value;
    rocksdb::Status status = db_->Get(read_options_, cf(ColumnFamily::kMeta), key, &value);
    if (status.IsNotFound()) {
      if (read_only) return absl::OkStatus();
      EncodeMetaRecord(key, kFormatVersion, &builder_, &value_);
      NA_RETURN_IF_ERROR(Put(ColumnFamily::kMeta, key, value_));
      return Sync();
    }
    NA_RETURN_IF_ERROR(FromRocks(status));
    uint32_t version = 0;
    absl::Status decoded = DecodeMetaRecord(key, value, &version);
    if (!decoded.ok()) return absl::DataLossError(absl::StrCat("meta: ", decoded.message()));
    if (version != kFormatVersion) {
      return absl::FailedPreconditionError(
          absl::StrCat("store format ", version, " is not supported (want ", kFormatVersion, ")"));
    }
    return absl::OkStatus();
  }

  absl::Status Put(ColumnFamily which, absl::string_view key, absl::string_view value) {
    return FromRocks(batch_.Put(cf(which), ToSlice(key), ToSlice(value)));
  }
  absl::Status Delete(ColumnFamily which, absl::string_view key) {
    return FromRocks(batch_.Delete(cf(which), ToSlice(key)));
  }
  // WriteBatchWithIndex cannot index a range tombstone, so it goes straight into the underlying
  // batch: it applies in order at Sync, but staged reads do not see it. BackedLogStore never reads
  // below a stream's first_seq, and never reuses a deleted stream id before Sync, so no read can
  // observe the difference (backend.h).
  absl::Status DeleteRange(ColumnFamily which, absl::string_view begin, absl::string_view end) {
    return FromRocks(batch_.GetWriteBatch()->DeleteRange(cf(which), ToSlice(begin), ToSlice(end)));
  }

  static absl::StatusOr<uint64_t> IndexSeq(absl::string_view key) {
    std::optional<ParsedSubjectIndexKey> parsed = ParseSubjectIndexKey(key);
    if (!parsed.has_value()) return absl::DataLossError("malformed subject index key");
    return parsed->seq;
  }

  static absl::Status MessageError(uint64_t seq, const absl::Status& status) {
    if (status.code() != absl::StatusCode::kDataLoss) return status;
    return absl::DataLossError(absl::StrCat("message ", seq, ": ", status.message()));
  }

  static absl::Status DecodeMessage(absl::string_view key, absl::string_view value, uint64_t seq,
                                    StoredMessage* out) {
    absl::Status status = DecodeMessageRecord(key, value, out);
    if (!status.ok()) return MessageError(seq, status);
    out->seq = seq;
    return absl::OkStatus();
  }

  std::unique_ptr<rocksdb::Env> owned_env_;  // outlives db_ (declared first, destroyed last)
  rocksdb::DB* db_ = nullptr;
  bool read_only_ = false;
  rocksdb::ColumnFamilyHandle* default_handle_ = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;  // [default, msgs, subj, ...]
  rocksdb::ReadOptions read_options_;
  // Mutable: WriteBatchWithIndex has no const read methods, though reads do not change it.
  mutable rocksdb::WriteBatchWithIndex batch_;
  flatbuffers::FlatBufferBuilder builder_;
  mutable StoredMessage visit_scratch_;
  std::string key_;
  std::string index_key_;
  std::string value_;
};

RocksLogStore::RocksLogStore(std::unique_ptr<RocksBackend> backend, bool read_only)
    : BackedLogStore(std::unique_ptr<Backend>(backend.release()), read_only),
      rocks_(static_cast<RocksBackend*>(this->backend())) {}

RocksLogStore::~RocksLogStore() = default;

absl::StatusOr<std::unique_ptr<RocksLogStore>> RocksLogStore::Open(
    const RocksLogStoreOptions& options) {
  auto backend = std::make_unique<RocksBackend>();
  NA_RETURN_IF_ERROR(backend->Open(options));
  std::unique_ptr<RocksLogStore> store(new RocksLogStore(std::move(backend), options.read_only));
  NA_RETURN_IF_ERROR(store->Recover());
  return store;
}

rocksdb::DB* RocksLogStore::db() const { return rocks_->db(); }

rocksdb::ColumnFamilyHandle* RocksLogStore::column_family(ColumnFamily cf) const {
  return rocks_->cf(cf);
}

size_t RocksLogStore::staged_bytes() const { return rocks_->staged_bytes(); }

absl::Status DestroyRocksLogStore(const std::string& path, rocksdb::Env* env) {
  rocksdb::Options options;
  if (env != nullptr) options.env = env;
  return FromRocks(rocksdb::DestroyDB(path, options));
}

}  // namespace na::store::rocks
