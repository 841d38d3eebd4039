#include "engine/store/mem_log_store.h"

#include <algorithm>
#include <iterator>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "absl/strings/str_cat.h"
#include "engine/base/check.h"

namespace na::store {
namespace {

// One allocation per message: subject, headers and payload back to back.
struct MemMessage {
  int64_t timestamp_ns = 0;
  uint32_t subject_bytes = 0;
  uint32_t headers_bytes = 0;
  std::string data;

  absl::string_view subject() const { return absl::string_view(data).substr(0, subject_bytes); }
};

// A value plus the sync epoch in which its pre-epoch value was saved to the undo log, so each
// value is saved at most once per epoch.
template <typename T>
struct Versioned {
  T value;
  uint64_t saved_epoch = 0;
};

struct MemStream {
  StreamRecord record;
  uint64_t record_saved_epoch = 0;
  absl::btree_map<uint64_t, MemMessage> msgs;
  absl::btree_map<std::string, absl::btree_set<uint64_t>> index;
  absl::btree_map<std::string, Versioned<SubjectState>> subjects;
  absl::btree_map<std::string, Versioned<ConsumerRecord>> consumers;
};

absl::Status NotFound() { return absl::NotFoundError("not found"); }

}  // namespace

// The undo log makes Crash() exact: entries are replayed newest first, and each restores what
// its mutation changed. Values saved "once per epoch" are restored last for their key, so the
// key ends at its pre-epoch value whatever happened to it in between.
class MemLogStore::MemBackend final : public Backend {
 public:
  explicit MemBackend(bool track) : track_(track) {}

  // ---- Recovery ----
  absl::Status LoadStreams(std::vector<std::pair<StreamId, StreamRecord>>* out) const override {
    out->clear();
    for (const auto& [id, stream] : streams_) out->emplace_back(id, stream->record);
    return absl::OkStatus();
  }

  absl::Status LoadSubjects(StreamId id,
                            absl::btree_map<std::string, SubjectState>* out) const override {
    out->clear();
    const MemStream* stream = Find(id);
    if (stream == nullptr) return absl::OkStatus();
    for (const auto& [subject, state] : stream->subjects) out->emplace(subject, state.value);
    return absl::OkStatus();
  }

  // ---- Stream records ----
  absl::Status PutStreamRecord(StreamId id, const StreamRecord& record) override {
    auto it = streams_.find(id);
    if (it == streams_.end()) {
      it = streams_.emplace(id, std::make_unique<MemStream>()).first;
      if (track_) undo_.push_back(UndoRecord{id, std::nullopt});
      it->second->record_saved_epoch = epoch_;
    } else if (track_ && it->second->record_saved_epoch != epoch_) {
      undo_.push_back(UndoRecord{id, it->second->record});
      it->second->record_saved_epoch = epoch_;
    }
    it->second->record = record;
    return absl::OkStatus();
  }

  absl::Status PutSubjectRecord(StreamId id, absl::string_view subject,
                                const SubjectState& state) override {
    MemStream* stream = Find(id);
    if (stream == nullptr) return Missing(id);
    auto it = stream->subjects.find(subject);
    if (it == stream->subjects.end()) {
      if (track_) undo_.push_back(UndoSubject{id, std::string(subject), std::nullopt});
      it = stream->subjects.emplace(std::string(subject), Versioned<SubjectState>{}).first;
      it->second.saved_epoch = epoch_;
    } else if (track_ && it->second.saved_epoch != epoch_) {
      undo_.push_back(UndoSubject{id, it->first, it->second.value});
      it->second.saved_epoch = epoch_;
    }
    it->second.value = state;
    return absl::OkStatus();
  }

  absl::Status DeleteSubjectRecord(StreamId id, absl::string_view subject) override {
    MemStream* stream = Find(id);
    if (stream == nullptr) return Missing(id);
    auto it = stream->subjects.find(subject);
    if (it == stream->subjects.end()) return absl::OkStatus();
    if (track_ && it->second.saved_epoch != epoch_) {
      undo_.push_back(UndoSubject{id, it->first, it->second.value});
    }
    stream->subjects.erase(it);
    return absl::OkStatus();
  }

  absl::Status DeleteAllSubjectRecords(StreamId id) override {
    MemStream* stream = Find(id);
    if (stream == nullptr) return Missing(id);
    if (track_) {
      undo_.push_back(UndoAllSubjects{id, std::move(stream->subjects)});
    }
    stream->subjects.clear();
    return absl::OkStatus();
  }

  absl::Status DeleteStream(StreamId id) override {
    auto it = streams_.find(id);
    if (it == streams_.end()) return absl::OkStatus();
    if (track_) undo_.push_back(UndoStream{id, std::move(it->second)});
    streams_.erase(it);
    return absl::OkStatus();
  }

  // ---- Messages ----
  absl::Status PutMessage(StreamId id, uint64_t seq, const Message& message) override {
    MemStream* stream = Find(id);
    if (stream == nullptr) return Missing(id);
    MemMessage stored;
    stored.timestamp_ns = message.timestamp_ns;
    stored.subject_bytes = static_cast<uint32_t>(message.subject.size());
    stored.headers_bytes = static_cast<uint32_t>(message.headers.size());
    stored.data.reserve(message.subject.size() + message.headers.size() + message.payload.size());
    stored.data.append(message.subject.data(), message.subject.size());
    stored.data.append(message.headers.data(), message.headers.size());
    stored.data.append(message.payload.data(), message.payload.size());
    auto [it, inserted] = stream->msgs.insert_or_assign(seq, std::move(stored));
    IndexInsert(*stream, it->second.subject(), seq);
    if (track_) undo_.push_back(UndoPutMessage{id, seq});
    return absl::OkStatus();
  }

  absl::Status GetMessage(StreamId id, uint64_t seq, StoredMessage* out) const override {
    const MemStream* stream = Find(id);
    if (stream == nullptr) return NotFound();
    auto it = stream->msgs.find(seq);
    if (it == stream->msgs.end()) return NotFound();
    Decode(it->first, it->second, out);
    return absl::OkStatus();
  }

  absl::Status SeekMessage(StreamId id, uint64_t from_seq, StoredMessage* out) const override {
    const MemStream* stream = Find(id);
    if (stream == nullptr) return NotFound();
    auto it = stream->msgs.lower_bound(from_seq);
    if (it == stream->msgs.end()) return NotFound();
    Decode(it->first, it->second, out);
    return absl::OkStatus();
  }

  absl::Status VisitMessages(StreamId id, uint64_t from_seq,
                             absl::FunctionRef<bool(const StoredMessage&)> visit) const override {
    const MemStream* stream = Find(id);
    if (stream == nullptr) return absl::OkStatus();
    for (auto it = stream->msgs.lower_bound(from_seq); it != stream->msgs.end(); ++it) {
      Decode(it->first, it->second, &visit_scratch_);
      if (!visit(visit_scratch_)) break;
    }
    return absl::OkStatus();
  }

  absl::StatusOr<uint64_t> SeekSubject(StreamId id, absl::string_view subject,
                                       uint64_t from_seq) const override {
    const absl::btree_set<uint64_t>* seqs = Index(id, subject);
    if (seqs == nullptr) return 0;
    auto it = seqs->lower_bound(from_seq);
    return it == seqs->end() ? 0 : *it;
  }

  absl::StatusOr<uint64_t> SeekSubjectLast(StreamId id, absl::string_view subject,
                                           uint64_t upto_seq) const override {
    const absl::btree_set<uint64_t>* seqs = Index(id, subject);
    if (seqs == nullptr) return 0;
    auto it = seqs->upper_bound(upto_seq);
    if (it == seqs->begin()) return 0;
    return *std::prev(it);
  }

  absl::Status ScanSubject(StreamId id, absl::string_view subject, uint64_t from_seq,
                           uint64_t to_seq, std::vector<uint64_t>* seqs) const override {
    const absl::btree_set<uint64_t>* index = Index(id, subject);
    if (index == nullptr) return absl::OkStatus();
    for (auto it = index->lower_bound(from_seq); it != index->end() && *it <= to_seq; ++it) {
      seqs->push_back(*it);
    }
    return absl::OkStatus();
  }

  absl::Status EraseMessage(StreamId id, uint64_t seq, absl::string_view subject,
                            bool erase) override {
    MemStream* stream = Find(id);
    if (stream == nullptr) return Missing(id);
    auto it = stream->msgs.find(seq);
    if (it == stream->msgs.end()) return absl::OkStatus();
    IndexErase(*stream, it->second.subject(), seq);
    if (track_) {
      // The bytes must survive until the erase is synced: a crash brings the message back.
      undo_.push_back(UndoEraseMessage{id, seq, std::move(it->second)});
    } else if (erase) {
      std::fill(it->second.data.begin(), it->second.data.end(), '\0');
    }
    stream->msgs.erase(it);
    return absl::OkStatus();
  }

  absl::Status EraseMessageRange(
      StreamId id, uint64_t from_seq, uint64_t to_seq,
      absl::Span<const std::pair<std::string, uint64_t>> removed) override {
    MemStream* stream = Find(id);
    if (stream == nullptr) return Missing(id);
    auto it = stream->msgs.lower_bound(from_seq);
    while (it != stream->msgs.end() && it->first < to_seq) {
      IndexErase(*stream, it->second.subject(), it->first);
      if (track_) undo_.push_back(UndoEraseMessage{id, it->first, std::move(it->second)});
      it = stream->msgs.erase(it);
    }
    return absl::OkStatus();
  }

  absl::Status EraseAllMessages(StreamId id) override {
    MemStream* stream = Find(id);
    if (stream == nullptr) return Missing(id);
    if (track_) {
      undo_.push_back(UndoAllMessages{id, std::move(stream->msgs), std::move(stream->index)});
    }
    stream->msgs.clear();
    stream->index.clear();
    return absl::OkStatus();
  }

  // ---- Consumers ----
  absl::Status PutConsumer(StreamId id, const ConsumerRecord& consumer) override {
    MemStream* stream = Find(id);
    if (stream == nullptr) return Missing(id);
    auto it = stream->consumers.find(consumer.name);
    if (it == stream->consumers.end()) {
      if (track_) undo_.push_back(UndoConsumer{id, consumer.name, std::nullopt});
      it = stream->consumers.emplace(consumer.name, Versioned<ConsumerRecord>{}).first;
      it->second.saved_epoch = epoch_;
    } else if (track_ && it->second.saved_epoch != epoch_) {
      undo_.push_back(UndoConsumer{id, consumer.name, std::move(it->second.value)});
      it->second.saved_epoch = epoch_;
    }
    it->second.value = consumer;
    return absl::OkStatus();
  }

  absl::Status DeleteConsumer(StreamId id, absl::string_view name) override {
    MemStream* stream = Find(id);
    if (stream == nullptr) return Missing(id);
    auto it = stream->consumers.find(name);
    if (it == stream->consumers.end()) return absl::OkStatus();
    if (track_ && it->second.saved_epoch != epoch_) {
      undo_.push_back(UndoConsumer{id, it->first, std::move(it->second.value)});
    }
    stream->consumers.erase(it);
    return absl::OkStatus();
  }

  absl::Status LoadConsumer(StreamId id, absl::string_view name,
                            ConsumerRecord* out) const override {
    const MemStream* stream = Find(id);
    if (stream == nullptr) return NotFound();
    auto it = stream->consumers.find(name);
    if (it == stream->consumers.end()) return NotFound();
    *out = it->second.value;
    return absl::OkStatus();
  }

  absl::Status ListConsumers(StreamId id, std::vector<std::string>* names) const override {
    names->clear();
    const MemStream* stream = Find(id);
    if (stream == nullptr) return absl::OkStatus();
    for (const auto& [name, consumer] : stream->consumers) names->push_back(name);
    return absl::OkStatus();
  }

  absl::Status Sync() override {
    undo_.clear();
    epoch_++;
    return absl::OkStatus();
  }

  void Rollback() {
    for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) {
      std::visit([this](auto& entry) { Undo(entry); }, *it);
    }
    undo_.clear();
    epoch_++;
  }

  size_t unsynced() const { return undo_.size(); }

 private:
  struct UndoRecord {
    StreamId id;
    std::optional<StreamRecord> prior;  // nullopt: the stream did not exist
  };
  struct UndoSubject {
    StreamId id;
    std::string subject;
    std::optional<SubjectState> prior;
  };
  struct UndoAllSubjects {
    StreamId id;
    absl::btree_map<std::string, Versioned<SubjectState>> subjects;
  };
  struct UndoStream {
    StreamId id;
    std::unique_ptr<MemStream> stream;
  };
  struct UndoPutMessage {
    StreamId id;
    uint64_t seq;
  };
  struct UndoEraseMessage {
    StreamId id;
    uint64_t seq;
    MemMessage message;
  };
  struct UndoAllMessages {
    StreamId id;
    absl::btree_map<uint64_t, MemMessage> msgs;
    absl::btree_map<std::string, absl::btree_set<uint64_t>> index;
  };
  struct UndoConsumer {
    StreamId id;
    std::string name;
    std::optional<ConsumerRecord> prior;
  };
  using UndoEntry = std::variant<UndoRecord, UndoSubject, UndoAllSubjects, UndoStream,
                                 UndoPutMessage, UndoEraseMessage, UndoAllMessages, UndoConsumer>;

  // Undo steps run on states our own log produced, so a mismatch is a bug: NA_CHECK.
  void Undo(UndoRecord& entry) {
    auto it = streams_.find(entry.id);
    NA_CHECK(it != streams_.end());
    if (!entry.prior.has_value()) {
      streams_.erase(it);
      return;
    }
    it->second->record = std::move(*entry.prior);
  }
  void Undo(UndoSubject& entry) {
    MemStream* stream = Find(entry.id);
    NA_CHECK(stream != nullptr);
    if (!entry.prior.has_value()) {
      stream->subjects.erase(entry.subject);
      return;
    }
    stream->subjects[entry.subject].value = *entry.prior;
  }
  void Undo(UndoAllSubjects& entry) {
    MemStream* stream = Find(entry.id);
    NA_CHECK(stream != nullptr);
    stream->subjects = std::move(entry.subjects);
  }
  void Undo(UndoStream& entry) {
    NA_CHECK(!streams_.contains(entry.id));
    streams_.emplace(entry.id, std::move(entry.stream));
  }
  void Undo(UndoPutMessage& entry) {
    MemStream* stream = Find(entry.id);
    NA_CHECK(stream != nullptr);
    auto it = stream->msgs.find(entry.seq);
    NA_CHECK(it != stream->msgs.end());
    IndexErase(*stream, it->second.subject(), entry.seq);
    stream->msgs.erase(it);
  }
  void Undo(UndoEraseMessage& entry) {
    MemStream* stream = Find(entry.id);
    NA_CHECK(stream != nullptr);
    IndexInsert(*stream, entry.message.subject(), entry.seq);
    stream->msgs.emplace(entry.seq, std::move(entry.message));
  }
  void Undo(UndoAllMessages& entry) {
    MemStream* stream = Find(entry.id);
    NA_CHECK(stream != nullptr);
    stream->msgs = std::move(entry.msgs);
    stream->index = std::move(entry.index);
  }
  void Undo(UndoConsumer& entry) {
    MemStream* stream = Find(entry.id);
    NA_CHECK(stream != nullptr);
    if (!entry.prior.has_value()) {
      stream->consumers.erase(entry.name);
      return;
    }
    stream->consumers[entry.name].value = std::move(*entry.prior);
  }

  MemStream* Find(StreamId id) {
    auto it = streams_.find(id);
    return it == streams_.end() ? nullptr : it->second.get();
  }
  const MemStream* Find(StreamId id) const {
    auto it = streams_.find(id);
    return it == streams_.end() ? nullptr : it->second.get();
  }
  const absl::btree_set<uint64_t>* Index(StreamId id, absl::string_view subject) const {
    const MemStream* stream = Find(id);
    if (stream == nullptr) return nullptr;
    auto it = stream->index.find(subject);
    return it == stream->index.end() ? nullptr : &it->second;
  }
  static absl::Status Missing(StreamId id) {
    return absl::InternalError(absl::StrCat("stream ", id, " has no record"));
  }
  static void IndexInsert(MemStream& stream, absl::string_view subject, uint64_t seq) {
    auto it = stream.index.find(subject);
    if (it == stream.index.end()) {
      it = stream.index.emplace(std::string(subject), absl::btree_set<uint64_t>()).first;
    }
    it->second.insert(seq);
  }
  static void IndexErase(MemStream& stream, absl::string_view subject, uint64_t seq) {
    auto it = stream.index.find(subject);
    if (it == stream.index.end()) return;
    it->second.erase(seq);
    if (it->second.empty()) stream.index.erase(it);
  }
  static void Decode(uint64_t seq, const MemMessage& message, StoredMessage* out) {
    absl::string_view data = message.data;
    out->seq = seq;
    out->timestamp_ns = message.timestamp_ns;
    out->subject.assign(data.data(), message.subject_bytes);
    out->headers.assign(data.data() + message.subject_bytes, message.headers_bytes);
    const size_t body = message.subject_bytes + message.headers_bytes;
    out->payload.assign(data.data() + body, data.size() - body);
  }

  bool track_;
  uint64_t epoch_ = 1;
  mutable StoredMessage visit_scratch_;
  absl::btree_map<StreamId, std::unique_ptr<MemStream>> streams_;
  std::vector<UndoEntry> undo_;
};

MemLogStore::MemLogStore(MemLogStoreOptions options)
    : BackedLogStore(std::make_unique<MemBackend>(options.track_unsynced), /*read_only=*/false),
      mem_(static_cast<MemBackend*>(backend())),
      track_unsynced_(options.track_unsynced) {}

MemLogStore::~MemLogStore() = default;

void MemLogStore::Crash() {
  NA_CHECK(track_unsynced_);
  mem_->Rollback();
  // What remains was produced by our own code, so rebuilding from it cannot fail.
  NA_CHECK_OK(Recover());
}

size_t MemLogStore::unsynced_mutations() const { return mem_->unsynced(); }

}  // namespace na::store
