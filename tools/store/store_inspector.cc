#include "tools/store/store_inspector.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "engine/store/rocks/keys.h"
#include "engine/store/rocks/record.h"
#include "rocksdb/db.h"
#include "rocksdb/env.h"
#include "rocksdb/options.h"

namespace na::store_tool {
namespace {

namespace rk = ::na::store::rocks;

// RocksDB would otherwise create (and rotate) a LOG file in the store directory, which is a
// write; the inspector must not write.
class NullLogger : public rocksdb::Logger {
 public:
  using rocksdb::Logger::Logv;
  void Logv(const char* /*format*/, va_list /*ap*/) override {}
};

absl::Status FromRocks(const rocksdb::Status& s) {
  if (s.ok()) return absl::OkStatus();
  if (s.IsCorruption()) return absl::DataLossError(s.ToString());
  if (s.IsNotFound()) return absl::NotFoundError(s.ToString());
  if (s.IsIOError()) return absl::UnavailableError(s.ToString());
  return absl::InternalError(s.ToString());
}

rocksdb::Slice ToSlice(const std::string& s) { return rocksdb::Slice(s.data(), s.size()); }
absl::string_view ToView(const rocksdb::Slice& s) { return absl::string_view(s.data(), s.size()); }

// [stream_id, stream_id + 1) as key bounds.
std::string UpperPrefix(store::StreamId id) {
  if (id == std::numeric_limits<store::StreamId>::max()) return std::string(9, '\xff');
  return rk::StreamPrefix(id + 1);
}

}  // namespace

std::string StreamEntry::DisplayName() const {
  if (status.ok() && !record.config.name.empty()) {
    return absl::StrCat(record.config.name, " (id ", id, ")");
  }
  return absl::StrCat("id ", id);
}

absl::StatusOr<std::unique_ptr<StoreInspector>> StoreInspector::Open(const std::string& path,
                                                                     rocksdb::Env* env) {
  std::unique_ptr<StoreInspector> self(new StoreInspector());
  self->path_ = path;
  self->env_ = env != nullptr ? env : rocksdb::Env::Default();
  if (!self->env_->FileExists(path + "/CURRENT").ok()) {
    return absl::NotFoundError(absl::StrCat("no store at ", path, " (no CURRENT file)"));
  }
  rocksdb::Options options;
  options.env = self->env_;
  options.info_log = std::make_shared<NullLogger>();
  options.create_if_missing = false;
  options.paranoid_checks = false;  // open what can be opened; verify reports the rest
  options.max_open_files = 256;
  std::vector<std::string> names;
  rocksdb::Status s = rocksdb::DB::ListColumnFamilies(options, path, &names);
  if (!s.ok()) return FromRocks(s);
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& name : names) {
    descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions(options));
  }
  rocksdb::DB* db = nullptr;
  s = rocksdb::DB::OpenForReadOnly(options, path, descriptors, &self->handles_, &db);
  if (!s.ok()) return FromRocks(s);
  self->db_.reset(db);
  self->cf_names_ = names;
  for (const char* cf : {rk::kCfMsgs, rk::kCfSubj, rk::kCfStreams, rk::kCfConsumers, rk::kCfMeta}) {
    if (self->Cf(cf) == nullptr) {
      self->open_problems_.push_back(absl::StrCat("column family '", cf, "' is missing"));
    }
  }
  if (rocksdb::ColumnFamilyHandle* meta = self->Cf(rk::kCfMeta)) {
    std::string value;
    const std::string key(rk::kMetaFormatKey);
    s = db->Get(rocksdb::ReadOptions(), meta, key, &value);
    if (!s.ok()) {
      self->open_problems_.push_back(absl::StrCat("format record: ", s.ToString()));
    } else {
      absl::Status d = rk::DecodeMetaRecord(key, value, &self->format_version_);
      if (!d.ok()) {
        self->open_problems_.push_back(absl::StrCat("format record: ", d.message()));
      } else if (self->format_version_ != rk::kFormatVersion) {
        self->open_problems_.push_back(absl::StrCat("format version ", self->format_version_,
                                                    ", this tool reads ", rk::kFormatVersion));
      }
    }
  }
  return self;
}

StoreInspector::~StoreInspector() {
  if (db_ != nullptr) {
    for (rocksdb::ColumnFamilyHandle* h : handles_) {
      db_->DestroyColumnFamilyHandle(h).PermitUncheckedError();
    }
    db_->Close().PermitUncheckedError();
  }
}

rocksdb::ColumnFamilyHandle* StoreInspector::Cf(const char* name) const {
  for (size_t i = 0; i < cf_names_.size(); ++i) {
    if (cf_names_[i] == name) return handles_[i];
  }
  return nullptr;
}

std::vector<StreamEntry> StoreInspector::Streams(std::vector<std::string>* problems) const {
  std::map<store::StreamId, StreamEntry> streams;
  rocksdb::ColumnFamilyHandle* cf = Cf(rk::kCfStreams);
  if (cf == nullptr) return {};
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cf));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const absl::string_view key = ToView(it->key());
    const absl::string_view value = ToView(it->value());
    std::optional<rk::ParsedStreamsKey> parsed = rk::ParseStreamsKey(key);
    if (!parsed.has_value()) {
      problems->push_back(absl::StrCat("streams: unparseable key of ", key.size(), " bytes"));
      continue;
    }
    StreamEntry& entry = streams[parsed->stream_id];
    entry.id = parsed->stream_id;
    if (!parsed->is_subject) {
      entry.status = rk::DecodeStreamRecord(key, value, &entry.record);
      continue;
    }
    store::SubjectState state;
    absl::Status s = rk::DecodeSubjectRecord(key, value, &state);
    if (s.ok()) {
      entry.subjects[std::string(parsed->subject)] = state;
    } else {
      entry.subject_problems.push_back(
          absl::StrCat("subject '", parsed->subject, "': ", s.message()));
    }
  }
  if (!it->status().ok()) problems->push_back(absl::StrCat("streams: ", it->status().ToString()));
  std::vector<StreamEntry> out;
  for (auto& [id, entry] : streams) {
    if (entry.status.ok() && entry.record.config.name.empty() && entry.record.last_seq == 0 &&
        entry.record.msgs == 0 && !entry.subjects.empty()) {
      entry.status = absl::DataLossError("subject summaries without a stream record");
    }
    out.push_back(std::move(entry));
  }
  return out;
}

absl::StatusOr<StreamEntry> StoreInspector::FindStream(absl::string_view name_or_id) const {
  std::vector<std::string> ignored;
  std::vector<StreamEntry> streams = Streams(&ignored);
  for (StreamEntry& s : streams) {
    if (s.status.ok() && s.record.config.name == name_or_id) return std::move(s);
  }
  uint64_t id = 0;
  if (absl::SimpleAtoi(name_or_id, &id)) {
    for (StreamEntry& s : streams) {
      if (s.id == id) return std::move(s);
    }
  }
  return absl::NotFoundError(absl::StrCat("no stream named or numbered '", name_or_id, "'"));
}

absl::Status StoreInspector::ForEachMessage(store::StreamId id, uint64_t from_seq, uint64_t to_seq,
                                            const MessageFn& fn) const {
  rocksdb::ColumnFamilyHandle* cf = Cf(rk::kCfMsgs);
  if (cf == nullptr) return absl::DataLossError("column family 'msgs' is missing");
  const std::string lower = rk::MessageKey(id, from_seq);
  const std::string upper = to_seq == std::numeric_limits<uint64_t>::max()
                                ? UpperPrefix(id)
                                : rk::MessageKey(id, to_seq + 1);
  rocksdb::Slice upper_slice = ToSlice(upper);
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;
  ro.verify_checksums = true;
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cf));
  store::StoredMessage message;
  for (it->Seek(ToSlice(lower)); it->Valid(); it->Next()) {
    const absl::string_view key = ToView(it->key());
    std::optional<rk::ParsedMessageKey> parsed = rk::ParseMessageKey(key);
    if (!parsed.has_value()) {
      message = store::StoredMessage();
      if (!fn(0,
              absl::DataLossError(absl::StrCat("unparseable msgs key of ", key.size(), " bytes")),
              message)) {
        break;
      }
      continue;
    }
    absl::Status s = rk::DecodeMessageRecord(key, ToView(it->value()), &message);
    message.seq = parsed->seq;
    if (!fn(parsed->seq, s, message)) break;
  }
  return FromRocks(it->status());
}

absl::Status StoreInspector::ForEachIndexEntry(
    store::StreamId id, const std::function<void(absl::string_view, uint64_t)>& fn,
    std::vector<std::string>* problems) const {
  rocksdb::ColumnFamilyHandle* cf = Cf(rk::kCfSubj);
  if (cf == nullptr) return absl::DataLossError("column family 'subj' is missing");
  const std::string lower = rk::StreamPrefix(id);
  const std::string upper = UpperPrefix(id);
  rocksdb::Slice upper_slice = ToSlice(upper);
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cf));
  for (it->Seek(ToSlice(lower)); it->Valid(); it->Next()) {
    std::optional<rk::ParsedSubjectIndexKey> parsed = rk::ParseSubjectIndexKey(ToView(it->key()));
    if (!parsed.has_value()) {
      problems->push_back(
          absl::StrCat("subj: unparseable index key of ", it->key().size(), " bytes"));
      continue;
    }
    fn(parsed->subject, parsed->seq);
  }
  return FromRocks(it->status());
}

absl::Status StoreInspector::Consumers(store::StreamId id, std::vector<ConsumerEntry>* out) const {
  rocksdb::ColumnFamilyHandle* cf = Cf(rk::kCfConsumers);
  if (cf == nullptr) return absl::DataLossError("column family 'consumers' is missing");
  const std::string lower = rk::StreamPrefix(id);
  const std::string upper = UpperPrefix(id);
  rocksdb::Slice upper_slice = ToSlice(upper);
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cf));
  for (it->Seek(ToSlice(lower)); it->Valid(); it->Next()) {
    const absl::string_view key = ToView(it->key());
    ConsumerEntry entry;
    std::optional<rk::ParsedConsumerKey> parsed = rk::ParseConsumerKey(key);
    entry.key_name = parsed.has_value() ? std::string(parsed->name) : "?";
    entry.status = rk::DecodeConsumerRecord(key, ToView(it->value()), &entry.record);
    out->push_back(std::move(entry));
  }
  return FromRocks(it->status());
}

absl::Status StoreInspector::StreamIdsWithData(std::map<store::StreamId, std::string>* out) const {
  for (const char* name : {rk::kCfMsgs, rk::kCfSubj, rk::kCfConsumers}) {
    rocksdb::ColumnFamilyHandle* cf = Cf(name);
    if (cf == nullptr) continue;
    rocksdb::ReadOptions ro;
    ro.fill_cache = false;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cf));
    // Hop from stream to stream: seek to the next id's prefix instead of walking every key.
    for (it->SeekToFirst(); it->Valid();) {
      if (it->key().size() < 8) {
        it->Next();
        continue;
      }
      const store::StreamId id = rk::ReadBigEndian64(ToView(it->key()));
      (*out)[id] += std::string(out->count(id) && !(*out)[id].empty() ? "," : "") + name;
      if (id == std::numeric_limits<store::StreamId>::max()) break;
      it->Seek(ToSlice(rk::StreamPrefix(id + 1)));
    }
    if (!it->status().ok()) return FromRocks(it->status());
  }
  return absl::OkStatus();
}

std::vector<CfStats> StoreInspector::Stats() const {
  std::vector<CfStats> out;
  for (size_t i = 0; i < cf_names_.size(); ++i) {
    CfStats st;
    st.name = cf_names_[i];
    rocksdb::ColumnFamilyHandle* h = handles_[i];
    db_->GetIntProperty(h, "rocksdb.estimate-num-keys", &st.estimated_keys);
    db_->GetIntProperty(h, "rocksdb.total-sst-files-size", &st.sst_bytes);
    db_->GetIntProperty(h, "rocksdb.size-all-mem-tables", &st.memtable_bytes);
    db_->GetIntProperty(h, "rocksdb.estimate-live-data-size", &st.live_data_bytes);
    rocksdb::ColumnFamilyMetaData meta;
    db_->GetColumnFamilyMetaData(h, &meta);
    st.sst_files = meta.file_count;
    out.push_back(st);
  }
  return out;
}

uint64_t StoreInspector::DirectoryBytes() const {
  std::vector<std::string> children;
  if (!env_->GetChildren(path_, &children).ok()) return 0;
  uint64_t total = 0;
  for (const std::string& c : children) {
    uint64_t size = 0;
    if (env_->GetFileSize(path_ + "/" + c, &size).ok()) total += size;
  }
  return total;
}

}  // namespace na::store_tool
