#include "engine/store/backed_log_store.h"

#include <algorithm>
#include <limits>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/base/check.h"
#include "engine/base/status_macros.h"
#include "engine/subject/subject.h"

namespace na::store {
namespace {

bool IsAllFilter(absl::string_view filter) { return filter.empty() || filter == ">"; }

bool HasWildcard(absl::string_view filter) {
  // A wildcard is only a whole token (nats: "a*" is a literal).
  size_t start = 0;
  while (start <= filter.size()) {
    size_t end = filter.find('.', start);
    if (end == absl::string_view::npos) end = filter.size();
    absl::string_view token = filter.substr(start, end - start);
    if (token == "*" || token == ">") return true;
    start = end + 1;
  }
  return false;
}

// The leading literal tokens of a filter, with their trailing '.': "a.b.*.c" -> "a.b.".
absl::string_view LiteralPrefix(absl::string_view filter) {
  size_t end = 0;
  size_t start = 0;
  while (start < filter.size()) {
    size_t dot = filter.find('.', start);
    if (dot == absl::string_view::npos) return filter.substr(0, end);  // last token: keep out
    absl::string_view token = filter.substr(start, dot - start);
    if (token == "*" || token == ">") break;
    end = dot + 1;
    start = dot + 1;
  }
  return filter.substr(0, end);
}

bool Matches(absl::string_view subject, absl::string_view filter) {
  if (IsAllFilter(filter)) return true;
  if (!HasWildcard(filter)) return subject == filter;
  return subject::SubjectMatchesFilter(subject, filter);
}

uint64_t SizeOf(StorageKind kind, const StoredMessage& message) {
  return MessageSizeBytes(kind, message.subject.size(), message.headers.size(),
                          message.payload.size());
}

absl::Status ValidateConfig(const StreamConfig& config) {
  if (config.name.empty()) return absl::InvalidArgumentError("stream name is required");
  if (config.max_age_ns < 0) return absl::InvalidArgumentError("max age needs to be >= 0");
  switch (config.discard) {
    case DiscardPolicy::kOld:
    case DiscardPolicy::kNew:
      break;
    default:
      return absl::InvalidArgumentError("invalid discard policy");
  }
  switch (config.storage) {
    case StorageKind::kFile:
    case StorageKind::kMemory:
      break;
    default:
      return absl::InvalidArgumentError("invalid storage type");
  }
  return absl::OkStatus();
}

absl::Status NoMessage() { return absl::NotFoundError(kErrNoMessageFound); }
absl::Status Eof() { return absl::OutOfRangeError(kErrStoreEof); }

// How many sequences of a wildcard filter's matching subjects we seek one by one before falling
// back to a linear scan (nats' memstore uses the same trade-off, linearScanMaxFSS).
constexpr size_t kSubjectSeeksMax = 32;
// Above this many subjects a wildcard LoadNext walks messages instead of subjects
// (linearScanMaxFSS in nats' memstore).
constexpr size_t kLinearScanSubjectsMin = 256;

}  // namespace

BackedLogStore::BackedLogStore(std::unique_ptr<Backend> backend, bool read_only)
    : backend_(std::move(backend)), read_only_(read_only) {
  NA_CHECK(backend_ != nullptr);
}

absl::Status BackedLogStore::Recover() {
  streams_.clear();
  deleted_unsynced_.clear();
  poisoned_ = absl::OkStatus();
  std::vector<std::pair<StreamId, StreamRecord>> records;
  NA_RETURN_IF_ERROR(backend_->LoadStreams(&records));
  for (auto& [id, record] : records) {
    // Disk contents are input: a summary that contradicts itself is data loss, not a crash.
    const bool empty_new = record.first_seq == 0 && record.last_seq == 0 && record.msgs == 0;
    if (!empty_new && (record.first_seq > record.last_seq + 1 ||
                       record.msgs > record.last_seq - record.first_seq + 1)) {
      return absl::DataLossError(absl::StrCat("stream '", record.config.name, "' (id ", id,
                                              "): inconsistent stream record"));
    }
    Stream stream;
    stream.record = std::move(record);
    absl::Status status = backend_->LoadSubjects(id, &stream.subjects);
    if (!status.ok()) return Annotate(stream, status);
    streams_.emplace(id, std::move(stream));
  }
  return absl::OkStatus();
}

absl::Status BackedLogStore::CheckWritable() const {
  if (read_only_) return absl::FailedPreconditionError("store is open read-only");
  return poisoned_;
}

absl::Status BackedLogStore::Poison(absl::Status status) {
  if (!status.ok() && poisoned_.ok()) poisoned_ = status;
  return status;
}

absl::StatusOr<BackedLogStore::Stream*> BackedLogStore::FindStream(StreamId id) {
  auto it = streams_.find(id);
  if (it == streams_.end()) return absl::NotFoundError(absl::StrCat("stream ", id, " not found"));
  return &it->second;
}

absl::StatusOr<const BackedLogStore::Stream*> BackedLogStore::FindStream(StreamId id) const {
  auto it = streams_.find(id);
  if (it == streams_.end()) return absl::NotFoundError(absl::StrCat("stream ", id, " not found"));
  return &it->second;
}

absl::Status BackedLogStore::Annotate(const Stream& stream, absl::Status status) const {
  if (status.code() != absl::StatusCode::kDataLoss) return status;
  return absl::DataLossError(
      absl::StrCat("stream '", stream.record.config.name, "': ", status.message()));
}

absl::Status BackedLogStore::PersistRecord(StreamId id, const Stream& stream) {
  return Poison(backend_->PutStreamRecord(id, stream.record));
}

absl::Status BackedLogStore::PersistSubject(StreamId id, const Stream& stream,
                                            absl::string_view subject) {
  auto it = stream.subjects.find(subject);
  if (it == stream.subjects.end()) return Poison(backend_->DeleteSubjectRecord(id, subject));
  return Poison(backend_->PutSubjectRecord(id, subject, it->second));
}

// ---- Streams ------------------------------------------------------------------------------------

absl::Status BackedLogStore::CreateStream(StreamId id, const StreamConfig& config) {
  NA_RETURN_IF_ERROR(CheckWritable());
  if (id == 0 || id == std::numeric_limits<StreamId>::max()) {
    return absl::InvalidArgumentError(absl::StrCat("stream id ", id, " is reserved"));
  }
  NA_RETURN_IF_ERROR(ValidateConfig(config));
  if (streams_.contains(id)) {
    return absl::AlreadyExistsError(absl::StrCat("stream id ", id, " already in use"));
  }
  if (deleted_unsynced_.contains(id)) {
    return absl::FailedPreconditionError(
        absl::StrCat("stream id ", id, " was deleted and not yet synced"));
  }
  Stream stream;
  stream.record.config = config;
  auto [it, inserted] = streams_.emplace(id, std::move(stream));
  return PersistRecord(id, it->second);
}

absl::Status BackedLogStore::UpdateStream(StreamId id, const StreamConfig& config) {
  NA_RETURN_IF_ERROR(CheckWritable());
  NA_RETURN_IF_ERROR(ValidateConfig(config));
  NA_ASSIGN_OR_RETURN(Stream * stream, FindStream(id));
  if (config.storage != stream->record.config.storage) {
    // Byte accounting depends on the kind; nats refuses the change too (10052).
    return absl::InvalidArgumentError("stream configuration update can not change storage type");
  }
  stream->record.config = config;
  // Lowered limits apply at once, as in nats' UpdateConfig.
  if (config.max_msgs_per_subject > 0) {
    std::vector<std::string> over;
    for (const auto& [subject, state] : stream->subjects) {
      if (state.msgs > static_cast<uint64_t>(config.max_msgs_per_subject)) {
        over.push_back(subject);
      }
    }
    for (const std::string& subject : over) {
      absl::Status status = EnforceSubjectLimit(id, *stream, subject);
      if (!status.ok()) return Finish(id, *stream, std::move(status));
    }
  }
  return Finish(id, *stream, EnforceLimits(id, *stream));
}

absl::Status BackedLogStore::DeleteStream(StreamId id) {
  NA_RETURN_IF_ERROR(CheckWritable());
  NA_ASSIGN_OR_RETURN(Stream * stream, FindStream(id));
  (void)stream;
  NA_RETURN_IF_ERROR(Poison(backend_->DeleteStream(id)));
  streams_.erase(id);
  deleted_unsynced_.insert(id);
  return absl::OkStatus();
}

std::vector<StreamInfo> BackedLogStore::ListStreams() const {
  std::vector<StreamInfo> out;
  out.reserve(streams_.size());
  for (const auto& [id, stream] : streams_) out.push_back(StreamInfo{id, stream.record.config});
  return out;
}

absl::StatusOr<StreamConfig> BackedLogStore::GetStreamConfig(StreamId id) const {
  NA_ASSIGN_OR_RETURN(const Stream* stream, FindStream(id));
  return stream->record.config;
}

// ---- Append ---------------------------------------------------------------------------------

absl::Status BackedLogStore::Append(StreamId id, absl::Span<const Message> messages,
                                    std::vector<AppendResult>* results) {
  NA_CHECK(results != nullptr);
  results->clear();
  NA_RETURN_IF_ERROR(CheckWritable());
  NA_ASSIGN_OR_RETURN(Stream * stream, FindStream(id));
  results->resize(messages.size());
  bool changed = false;
  dirty_subjects_.clear();
  absl::Status status;
  for (size_t i = 0; i < messages.size() && status.ok(); ++i) {
    status = AppendOne(id, *stream, messages[i], &(*results)[i]);
    changed = changed || (*results)[i].seq != 0;
  }
  if (!changed && status.ok()) return absl::OkStatus();
  return Finish(id, *stream, std::move(status));
}

// Persists what a mutation changed in the stream's summaries, even when it stopped on an error
// part way: the staged batch must never hold messages its summaries do not count.
absl::Status BackedLogStore::Finish(StreamId id, Stream& stream, absl::Status status) {
  // Subject summaries touched by appends are written once per call, not once per message.
  for (const std::string& subject : dirty_subjects_) {
    absl::Status persisted = PersistSubject(id, stream, subject);
    if (status.ok()) status = persisted;
  }
  dirty_subjects_.clear();
  absl::Status persisted = PersistRecord(id, stream);
  return status.ok() ? persisted : status;
}

// nats' discard-new checks (memstore.go/filestore.go storeRawMsg, v2.9.10), including their
// quirks: the byte check compares against headers + payload only and uses >=, and a message
// that would replace the oldest of its subject (max_msgs_per_subject reached) is let through
// the max_msgs check.
absl::Status BackedLogStore::CheckDiscardNew(StreamId id, const Stream& stream,
                                             const Message& message) {
  const StreamConfig& config = stream.record.config;
  const StreamRecord& record = stream.record;
  const uint64_t body_bytes = message.headers.size() + message.payload.size();
  bool at_subject_limit = false;
  uint64_t subject_first_seq = 0;
  if (config.max_msgs_per_subject > 0) {
    auto it = stream.subjects.find(message.subject);
    if (it != stream.subjects.end() &&
        it->second.msgs >= static_cast<uint64_t>(config.max_msgs_per_subject)) {
      if (config.discard_new_per_subject) {
        return absl::ResourceExhaustedError(kErrMaxMsgsPerSubject);
      }
      at_subject_limit = true;
      subject_first_seq = it->second.first_seq;
    }
  }
  if (config.max_msgs > 0 && record.msgs >= static_cast<uint64_t>(config.max_msgs) &&
      !at_subject_limit) {
    return absl::ResourceExhaustedError(kErrMaxMsgs);
  }
  if (config.max_bytes > 0 &&
      record.bytes + body_bytes >= static_cast<uint64_t>(config.max_bytes)) {
    if (!at_subject_limit) return absl::ResourceExhaustedError(kErrMaxBytes);
    // Would dropping the subject's oldest message make room?
    absl::Status status = backend_->GetMessage(id, subject_first_seq, &scratch_);
    if (absl::IsNotFound(status)) return absl::ResourceExhaustedError(kErrMaxBytes);
    if (!status.ok()) return Annotate(stream, status);
    const uint64_t freed_bytes = SizeOf(config.storage, scratch_);
    const bool room =
        config.storage == StorageKind::kFile ? freed_bytes > body_bytes : freed_bytes >= body_bytes;
    if (!room) return absl::ResourceExhaustedError(kErrMaxBytes);
  }
  return absl::OkStatus();
}

absl::Status BackedLogStore::AppendOne(StreamId id, Stream& stream, const Message& message,
                                       AppendResult* result) {
  const StreamConfig& config = stream.record.config;
  StreamRecord& record = stream.record;
  result->seq = 0;
  result->status = absl::OkStatus();
  // Rejections are per message: they go in `result`, and the batch goes on.
  if (message.subject.empty() || message.subject.size() > 0xffff) {
    result->status = absl::InvalidArgumentError("invalid message subject");
    return absl::OkStatus();
  }
  if (config.max_msg_size_bytes > 0 && message.headers.size() + message.payload.size() >
                                           static_cast<uint64_t>(config.max_msg_size_bytes)) {
    result->status = absl::InvalidArgumentError(kErrMessageTooLarge);
    return absl::OkStatus();
  }
  if (config.discard == DiscardPolicy::kNew) {
    absl::Status status = CheckDiscardNew(id, stream, message);
    if (status.code() == absl::StatusCode::kDataLoss) return status;
    if (!status.ok()) {
      result->status = std::move(status);
      return absl::OkStatus();
    }
  }
  if (message.expected_seq != 0 && message.expected_seq != record.last_seq + 1) {
    result->status = absl::FailedPreconditionError(kErrSequenceMismatch);
    return absl::OkStatus();
  }

  const uint64_t seq = record.last_seq + 1;
  NA_RETURN_IF_ERROR(Poison(backend_->PutMessage(id, seq, message)));
  if (record.msgs == 0) {
    record.first_seq = seq;
    record.first_ts_ns = message.timestamp_ns;
  }
  record.msgs++;
  record.bytes += MessageSizeBytes(config.storage, message.subject.size(), message.headers.size(),
                                   message.payload.size());
  record.last_seq = seq;
  record.last_ts_ns = message.timestamp_ns;
  result->seq = seq;

  auto it = stream.subjects.find(message.subject);
  if (it == stream.subjects.end()) {
    it = stream.subjects.emplace(std::string(message.subject), SubjectState{1, seq, seq}).first;
  } else {
    it->second.msgs++;
    it->second.last_seq = seq;
  }
  if (!dirty_subjects_.contains(it->first)) dirty_subjects_.insert(it->first);
  if (config.max_msgs_per_subject > 0 &&
      it->second.msgs > static_cast<uint64_t>(config.max_msgs_per_subject)) {
    NA_RETURN_IF_ERROR(EnforceSubjectLimit(id, stream, it->first));
  }
  return EnforceLimits(id, stream);
}

absl::Status BackedLogStore::EnforceSubjectLimit(StreamId id, Stream& stream,
                                                 const std::string& subject_ref) {
  // Copy: removing the subject's last message erases the map node the reference points into.
  const std::string subject = subject_ref;
  const uint64_t limit = static_cast<uint64_t>(stream.record.config.max_msgs_per_subject);
  while (true) {
    auto it = stream.subjects.find(subject);
    if (it == stream.subjects.end() || it->second.msgs <= limit) return absl::OkStatus();
    bool removed = false;
    NA_RETURN_IF_ERROR(RemoveOne(id, stream, it->second.first_seq, false, &removed));
    if (!removed) {
      return absl::DataLossError(absl::StrCat("stream '", stream.record.config.name,
                                              "': subject index names a missing message"));
    }
  }
}

absl::Status BackedLogStore::EnforceLimits(StreamId id, Stream& stream) {
  const StreamConfig& config = stream.record.config;
  if (config.max_msgs > 0) {
    while (stream.record.msgs > static_cast<uint64_t>(config.max_msgs)) {
      NA_RETURN_IF_ERROR(RemoveFirst(id, stream));
    }
  }
  if (config.max_bytes > 0) {
    while (stream.record.bytes > static_cast<uint64_t>(config.max_bytes)) {
      NA_RETURN_IF_ERROR(RemoveFirst(id, stream));
    }
  }
  return absl::OkStatus();
}

absl::Status BackedLogStore::RemoveFirst(StreamId id, Stream& stream) {
  bool removed = false;
  NA_RETURN_IF_ERROR(RemoveOne(id, stream, stream.record.first_seq, false, &removed));
  if (!removed) {
    return absl::DataLossError(absl::StrCat("stream '", stream.record.config.name,
                                            "': first message ", stream.record.first_seq,
                                            " is missing"));
  }
  return absl::OkStatus();
}

absl::Status BackedLogStore::RemoveOne(StreamId id, Stream& stream, uint64_t seq, bool erase,
                                       bool* removed) {
  *removed = false;
  StreamRecord& record = stream.record;
  if (seq == 0 || seq < record.first_seq || seq > record.last_seq || record.msgs == 0) {
    return absl::OkStatus();
  }
  absl::Status status = backend_->GetMessage(id, seq, &scratch_);
  if (absl::IsNotFound(status)) return absl::OkStatus();
  if (!status.ok()) return Annotate(stream, status);

  NA_RETURN_IF_ERROR(Poison(backend_->EraseMessage(id, seq, scratch_.subject, erase)));
  *removed = true;
  const uint64_t size = SizeOf(record.config.storage, scratch_);
  record.msgs--;
  record.bytes = record.bytes >= size ? record.bytes - size : 0;

  // The stream's new first message. Limits remove from the front, where seq + 1 is almost
  // always stored, so a point lookup comes before the (costlier) iterator seek.
  bool advanced = false;
  if (record.msgs == 0) {
    record.first_seq = record.last_seq + 1;
    record.first_ts_ns = 0;
  } else if (seq == record.first_seq) {
    status = backend_->GetMessage(id, seq + 1, &scratch_next_);
    if (absl::IsNotFound(status)) status = backend_->SeekMessage(id, seq + 1, &scratch_next_);
    if (absl::IsNotFound(status)) {
      return absl::DataLossError(absl::StrCat("stream '", record.config.name, "': ", record.msgs,
                                              " messages counted but none stored after ", seq));
    }
    if (!status.ok()) return Annotate(stream, status);
    record.first_seq = scratch_next_.seq;
    record.first_ts_ns = scratch_next_.timestamp_ns;
    advanced = true;
  }

  auto it = stream.subjects.find(scratch_.subject);
  if (it == stream.subjects.end()) return absl::OkStatus();
  // Summaries are persisted once per public call (Finish).
  if (!dirty_subjects_.contains(it->first)) dirty_subjects_.insert(it->first);
  SubjectState& state = it->second;
  if (state.msgs <= 1) {
    stream.subjects.erase(it);
    return absl::OkStatus();
  }
  state.msgs--;
  if (seq == state.first_seq) {
    if (state.msgs == 1) {
      state.first_seq = state.last_seq;
    } else if (advanced && scratch_next_.subject == it->first) {
      // The next stored message of the whole stream is on this subject: it is its next too.
      state.first_seq = scratch_next_.seq;
    } else {
      NA_ASSIGN_OR_RETURN(uint64_t next, backend_->SeekSubject(id, it->first, seq + 1));
      state.first_seq = next != 0 ? next : state.last_seq;
    }
  } else if (seq == state.last_seq) {
    // nats leaves last pointing at a removed message here; we keep it exact, which
    // LoadLastMessage relies on.
    NA_ASSIGN_OR_RETURN(uint64_t prev, backend_->SeekSubjectLast(id, it->first, seq - 1));
    state.last_seq = prev != 0 ? prev : state.first_seq;
  }
  return absl::OkStatus();
}

// ---- Removal in bulk -----------------------------------------------------------------------

absl::StatusOr<uint64_t> BackedLogStore::RemoveAll(StreamId id, Stream& stream,
                                                   uint64_t new_first_seq) {
  StreamRecord& record = stream.record;
  const uint64_t purged = record.msgs;
  NA_RETURN_IF_ERROR(Poison(backend_->EraseAllMessages(id)));
  NA_RETURN_IF_ERROR(Poison(backend_->DeleteAllSubjectRecords(id)));
  stream.subjects.clear();
  record.msgs = 0;
  record.bytes = 0;
  record.first_seq = record.last_seq + 1;
  record.first_ts_ns = 0;
  if (new_first_seq > record.first_seq) {
    record.first_seq = new_first_seq;
    record.last_seq = new_first_seq - 1;
  }
  return purged;
}

absl::StatusOr<uint64_t> BackedLogStore::RemoveFront(StreamId id, Stream& stream, uint64_t to_seq,
                                                     int64_t max_ts_ns) {
  StreamRecord& record = stream.record;
  if (record.msgs == 0 || to_seq <= record.first_seq) return 0;
  std::vector<std::pair<std::string, uint64_t>> removed;
  absl::btree_map<std::string, uint64_t> removed_per_subject;
  uint64_t removed_bytes = 0;
  uint64_t stop_seq = to_seq;
  bool found_next = false;
  uint64_t next_seq = 0;
  int64_t next_ts_ns = 0;
  absl::Status status =
      backend_->VisitMessages(id, record.first_seq, [&](const StoredMessage& message) {
        if (message.seq >= to_seq || message.timestamp_ns > max_ts_ns) {
          stop_seq = std::min(to_seq, message.seq);
          found_next = true;
          next_seq = message.seq;
          next_ts_ns = message.timestamp_ns;
          return false;
        }
        removed_bytes += SizeOf(record.config.storage, message);
        removed_per_subject[message.subject]++;
        removed.emplace_back(message.subject, message.seq);
        return true;
      });
  if (!status.ok()) return Annotate(stream, status);
  if (!found_next) stop_seq = std::min(to_seq, record.last_seq + 1);
  if (!found_next && removed.size() != record.msgs) {
    return absl::DataLossError(absl::StrCat("stream '", record.config.name, "': ", record.msgs,
                                            " messages counted but ", removed.size(), " stored"));
  }
  if (removed.size() > record.msgs) {
    return absl::DataLossError(
        absl::StrCat("stream '", record.config.name, "': more messages stored than counted"));
  }
  if (removed.empty()) return 0;
  NA_RETURN_IF_ERROR(Poison(backend_->EraseMessageRange(id, record.first_seq, stop_seq, removed)));
  record.msgs -= removed.size();
  record.bytes = record.bytes >= removed_bytes ? record.bytes - removed_bytes : 0;
  for (const auto& [subject, count] : removed_per_subject) {
    auto it = stream.subjects.find(subject);
    if (it == stream.subjects.end()) continue;
    if (it->second.msgs <= count) {
      stream.subjects.erase(it);
      NA_RETURN_IF_ERROR(Poison(backend_->DeleteSubjectRecord(id, subject)));
      continue;
    }
    it->second.msgs -= count;
    NA_ASSIGN_OR_RETURN(uint64_t first, backend_->SeekSubject(id, subject, stop_seq));
    it->second.first_seq = first != 0 ? first : it->second.last_seq;
    NA_RETURN_IF_ERROR(Poison(backend_->PutSubjectRecord(id, subject, it->second)));
  }
  if (record.msgs == 0) {
    record.first_seq = record.last_seq + 1;
    record.first_ts_ns = 0;
  } else if (found_next) {
    record.first_seq = next_seq;
    record.first_ts_ns = next_ts_ns;
  }
  return static_cast<uint64_t>(removed.size());
}

absl::StatusOr<uint64_t> BackedLogStore::CompactLocked(StreamId id, Stream& stream, uint64_t seq) {
  if (seq == 0 || seq > stream.record.last_seq) return RemoveAll(id, stream, seq);
  return RemoveFront(id, stream, seq, std::numeric_limits<int64_t>::max());
}

absl::StatusOr<uint64_t> BackedLogStore::Compact(StreamId id, uint64_t seq) {
  NA_RETURN_IF_ERROR(CheckWritable());
  NA_ASSIGN_OR_RETURN(Stream * stream, FindStream(id));
  absl::StatusOr<uint64_t> purged = CompactLocked(id, *stream, seq);
  NA_RETURN_IF_ERROR(Finish(id, *stream, purged.status()));
  return purged;
}

absl::StatusOr<uint64_t> BackedLogStore::Purge(StreamId id, const PurgeRequest& request) {
  NA_RETURN_IF_ERROR(CheckWritable());
  NA_ASSIGN_OR_RETURN(Stream * stream, FindStream(id));
  if (request.up_to_seq > 1 && request.keep > 0) {
    return absl::InvalidArgumentError(kErrPurgeArgMismatch);
  }
  absl::StatusOr<uint64_t> purged = 0;
  if (IsAllFilter(request.filter)) {
    // nats' PurgeEx: seq 0 or 1 without keep purges everything.
    if (request.keep == 0 && request.up_to_seq <= 1) {
      purged = RemoveAll(id, *stream, 0);
    } else if (request.up_to_seq > 1) {
      purged = CompactLocked(id, *stream, request.up_to_seq);
    } else {
      if (request.keep >= stream->record.msgs) return 0;
      purged = CompactLocked(id, *stream, stream->record.last_seq - request.keep + 1);
    }
  } else {
    purged = PurgeFiltered(id, *stream, request);
  }
  NA_RETURN_IF_ERROR(Finish(id, *stream, purged.status()));
  return purged;
}

absl::StatusOr<uint64_t> BackedLogStore::PurgeFiltered(StreamId id, Stream& stream,
                                                       const PurgeRequest& request) {
  std::vector<std::pair<std::string, SubjectState>> matching;
  for (const std::string* subject : MatchingSubjects(stream, request.filter)) {
    matching.emplace_back(*subject, stream.subjects.at(*subject));
  }
  uint64_t total = 0;
  for (const auto& [subject, state] : matching) total += state.msgs;
  uint64_t remove_max = total;
  if (request.keep > 0) {
    if (request.keep >= total) return 0;
    remove_max = total - request.keep;
  }
  const uint64_t last = request.up_to_seq > 1 ? request.up_to_seq - 1 : stream.record.last_seq;
  std::vector<uint64_t> seqs;
  for (const auto& [subject, state] : matching) {
    if (state.first_seq > last) continue;
    NA_RETURN_IF_ERROR(
        backend_->ScanSubject(id, subject, state.first_seq, std::min(last, state.last_seq), &seqs));
  }
  // Oldest first across subjects, as nats walks its blocks in sequence order.
  std::sort(seqs.begin(), seqs.end());
  if (seqs.size() > remove_max) seqs.resize(remove_max);
  uint64_t purged = 0;
  for (uint64_t seq : seqs) {
    bool removed = false;
    NA_RETURN_IF_ERROR(RemoveOne(id, stream, seq, false, &removed));
    if (removed) purged++;
  }
  return purged;
}

absl::StatusOr<ExpireResult> BackedLogStore::ExpireMessages(StreamId id, int64_t now_ns) {
  NA_RETURN_IF_ERROR(CheckWritable());
  NA_ASSIGN_OR_RETURN(Stream * stream, FindStream(id));
  ExpireResult result;
  const int64_t max_age_ns = stream->record.config.max_age_ns;
  if (max_age_ns <= 0) return result;
  const int64_t cutoff_ns = now_ns - max_age_ns;
  if (stream->record.msgs > 0 && stream->record.first_ts_ns <= cutoff_ns) {
    absl::StatusOr<uint64_t> removed =
        RemoveFront(id, *stream, stream->record.last_seq + 1, cutoff_ns);
    NA_RETURN_IF_ERROR(Finish(id, *stream, removed.status()));
    result.removed = *removed;
  }
  if (stream->record.msgs > 0) result.next_expiry_ns = stream->record.first_ts_ns + max_age_ns;
  return result;
}

absl::StatusOr<bool> BackedLogStore::DeleteMessage(StreamId id, uint64_t seq, bool erase) {
  NA_RETURN_IF_ERROR(CheckWritable());
  NA_ASSIGN_OR_RETURN(Stream * stream, FindStream(id));
  bool removed = false;
  absl::Status status = RemoveOne(id, *stream, seq, erase, &removed);
  if (removed || !status.ok()) NA_RETURN_IF_ERROR(Finish(id, *stream, std::move(status)));
  return removed;
}

// ---- Reads ------------------------------------------------------------------------------------

std::vector<const std::string*> BackedLogStore::MatchingSubjects(const Stream& stream,
                                                                 absl::string_view filter) const {
  std::vector<const std::string*> out;
  if (!IsAllFilter(filter) && !HasWildcard(filter)) {
    auto it = stream.subjects.find(filter);
    if (it != stream.subjects.end()) out.push_back(&it->first);
    return out;
  }
  // Only subjects sharing the filter's literal leading tokens can match ("$KV.b.>" walks the
  // bucket's keys, not every key of the stream).
  const absl::string_view prefix = LiteralPrefix(filter);
  for (auto it = stream.subjects.lower_bound(prefix);
       it != stream.subjects.end() && absl::StartsWith(it->first, prefix); ++it) {
    if (Matches(it->first, filter)) out.push_back(&it->first);
  }
  return out;
}

absl::Status BackedLogStore::LoadExisting(StreamId id, const Stream& stream, uint64_t seq,
                                          StoredMessage* out) const {
  absl::Status status = backend_->GetMessage(id, seq, out);
  if (absl::IsNotFound(status)) {
    return absl::DataLossError(absl::StrCat("message ", seq, " is indexed but not stored"));
  }
  return Annotate(stream, status);
}

absl::Status BackedLogStore::LoadMessage(StreamId id, uint64_t seq, StoredMessage* out) const {
  NA_ASSIGN_OR_RETURN(const Stream* stream, FindStream(id));
  if (seq > stream->record.last_seq) return Eof();
  if (seq == 0 || seq < stream->record.first_seq) return NoMessage();
  absl::Status status = backend_->GetMessage(id, seq, out);
  if (absl::IsNotFound(status)) return NoMessage();
  return Annotate(*stream, status);
}

absl::Status BackedLogStore::LoadLastMessage(StreamId id, absl::string_view filter,
                                             StoredMessage* out) const {
  NA_ASSIGN_OR_RETURN(const Stream* stream, FindStream(id));
  if (IsAllFilter(filter) && stream->record.msgs > 0) {
    // The newest message is usually last_seq itself.
    absl::Status status = backend_->GetMessage(id, stream->record.last_seq, out);
    if (!absl::IsNotFound(status)) return Annotate(*stream, status);
  }
  uint64_t last = 0;
  for (const std::string* subject : MatchingSubjects(*stream, filter)) {
    last = std::max(last, stream->subjects.at(*subject).last_seq);
  }
  if (last == 0) return NoMessage();
  return LoadExisting(id, *stream, last, out);
}

absl::Status BackedLogStore::LoadNextMessage(StreamId id, absl::string_view filter,
                                             uint64_t start_seq, StoredMessage* out) const {
  NA_ASSIGN_OR_RETURN(const Stream* stream, FindStream(id));
  const StreamRecord& record = stream->record;
  const uint64_t start = std::max(start_seq, record.first_seq);
  if (record.msgs == 0 || start > record.last_seq) return Eof();

  if (IsAllFilter(filter)) {
    absl::Status status = backend_->SeekMessage(id, start, out);
    if (absl::IsNotFound(status)) return Eof();
    return Annotate(*stream, status);
  }
  // As nats' memstore: with many subjects, or few messages left, walking the messages beats
  // collecting matching subjects.
  const bool linear =
      HasWildcard(filter) && (stream->subjects.size() > kLinearScanSubjectsMin ||
                              2 * (record.last_seq - start) < stream->subjects.size());
  std::vector<const std::string*> subjects;
  if (!linear) subjects = MatchingSubjects(*stream, filter);
  uint64_t candidates = linear ? kSubjectSeeksMax + 1 : 0;
  for (const std::string* subject : subjects) {
    if (stream->subjects.at(*subject).last_seq >= start) candidates++;
  }
  if (candidates == 0) return Eof();
  if (!linear && candidates <= kSubjectSeeksMax) {
    uint64_t best = 0;
    for (const std::string* subject : subjects) {
      const SubjectState& state = stream->subjects.at(*subject);
      if (state.last_seq < start) continue;
      uint64_t seq = state.first_seq;
      if (seq < start) {
        NA_ASSIGN_OR_RETURN(seq, backend_->SeekSubject(id, *subject, start));
      }
      if (seq != 0 && (best == 0 || seq < best)) best = seq;
    }
    if (best == 0) return Eof();
    return LoadExisting(id, *stream, best, out);
  }
  // Many candidate subjects: walk the messages instead.
  bool found = false;
  absl::Status status = backend_->VisitMessages(id, start, [&](const StoredMessage& message) {
    if (!Matches(message.subject, filter)) return true;
    *out = message;
    found = true;
    return false;
  });
  if (!status.ok()) return Annotate(*stream, status);
  return found ? absl::OkStatus() : Eof();
}

absl::StatusOr<StreamState> BackedLogStore::GetStreamState(StreamId id,
                                                           const StateOptions& options) const {
  NA_ASSIGN_OR_RETURN(const Stream* stream, FindStream(id));
  const StreamRecord& record = stream->record;
  StreamState state;
  state.msgs = record.msgs;
  state.bytes = record.bytes;
  state.first_seq = record.first_seq;
  state.first_ts_ns = record.first_ts_ns;
  state.last_seq = record.last_seq;
  state.last_ts_ns = record.last_ts_ns;
  state.num_subjects = stream->subjects.size();
  if (record.msgs > 0) state.num_deleted = record.last_seq - record.first_seq + 1 - record.msgs;
  if (options.deleted_details && state.num_deleted > 0) {
    uint64_t expected = record.first_seq;
    absl::Status status =
        backend_->VisitMessages(id, record.first_seq, [&](const StoredMessage& message) {
          if (message.seq > record.last_seq) return false;
          for (; expected < message.seq; ++expected) state.deleted.push_back(expected);
          expected = message.seq + 1;
          return true;
        });
    if (!status.ok()) return Annotate(*stream, status);
    for (; expected <= record.last_seq; ++expected) state.deleted.push_back(expected);
  }
  if (!options.subjects_filter.empty()) {
    for (const std::string* subject : MatchingSubjects(*stream, options.subjects_filter)) {
      state.subjects.emplace(*subject, stream->subjects.at(*subject).msgs);
    }
  }
  return state;
}

absl::StatusOr<absl::btree_map<std::string, SubjectState>> BackedLogStore::GetSubjectsState(
    StreamId id, absl::string_view filter) const {
  NA_ASSIGN_OR_RETURN(const Stream* stream, FindStream(id));
  absl::btree_map<std::string, SubjectState> out;
  for (const std::string* subject : MatchingSubjects(*stream, filter)) {
    out.emplace(*subject, stream->subjects.at(*subject));
  }
  return out;
}

absl::StatusOr<SubjectState> BackedLogStore::GetFilteredState(StreamId id, absl::string_view filter,
                                                              uint64_t start_seq) const {
  NA_ASSIGN_OR_RETURN(const Stream* stream, FindStream(id));
  const StreamRecord& record = stream->record;
  const uint64_t start = std::max(start_seq, record.first_seq);
  SubjectState out;
  if (record.msgs == 0 || start > record.last_seq) return out;
  auto add = [&out](uint64_t msgs, uint64_t first, uint64_t last) {
    if (msgs == 0) return;
    out.msgs += msgs;
    if (out.first_seq == 0 || first < out.first_seq) out.first_seq = first;
    out.last_seq = std::max(out.last_seq, last);
  };
  std::vector<uint64_t> seqs;
  for (const std::string* subject : MatchingSubjects(*stream, filter)) {
    const SubjectState& state = stream->subjects.at(*subject);
    if (state.last_seq < start) continue;
    if (state.first_seq >= start) {
      add(state.msgs, state.first_seq, state.last_seq);
      continue;
    }
    // Only part of this subject is at or after start: count it from the index.
    seqs.clear();
    NA_RETURN_IF_ERROR(
        Annotate(*stream, backend_->ScanSubject(id, *subject, start, state.last_seq, &seqs)));
    if (!seqs.empty()) add(seqs.size(), seqs.front(), seqs.back());
  }
  return out;
}

absl::StatusOr<uint64_t> BackedLogStore::SeqForTime(StreamId id, int64_t ts_ns) const {
  NA_ASSIGN_OR_RETURN(const Stream* stream, FindStream(id));
  const StreamRecord& record = stream->record;
  if (record.msgs == 0) return record.last_seq + 1;
  if (ts_ns <= record.first_ts_ns) return record.first_seq;
  // Binary search over sequences; a gap answers with the next stored message after it.
  StoredMessage message;
  uint64_t low = record.first_seq;
  uint64_t high = record.last_seq + 1;  // answer in [low, high]; high means "none"
  while (low < high) {
    const uint64_t mid = low + (high - low) / 2;
    absl::Status status = backend_->SeekMessage(id, mid, &message);
    if (absl::IsNotFound(status) || (status.ok() && message.seq > record.last_seq)) {
      high = mid;
      continue;
    }
    if (!status.ok()) return Annotate(*stream, status);
    if (message.timestamp_ns >= ts_ns) {
      high = mid;
    } else {
      low = message.seq + 1;
    }
  }
  if (low > record.last_seq) return record.last_seq + 1;
  absl::Status status = backend_->SeekMessage(id, low, &message);
  if (absl::IsNotFound(status)) return record.last_seq + 1;
  if (!status.ok()) return Annotate(*stream, status);
  return message.seq;
}

// ---- Consumers --------------------------------------------------------------------------------

absl::Status BackedLogStore::PutConsumer(StreamId id, const ConsumerRecord& consumer) {
  NA_RETURN_IF_ERROR(CheckWritable());
  NA_ASSIGN_OR_RETURN(Stream * stream, FindStream(id));
  (void)stream;
  if (consumer.name.empty()) return absl::InvalidArgumentError("bad consumer config");
  const ConsumerState& state = consumer.state;
  // The checks of nats' consumerFileStore.Update, with its texts.
  if (state.ack_floor.consumer_seq > state.delivered.consumer_seq) {
    return absl::InvalidArgumentError("bad ack floor for consumer");
  }
  if (state.ack_floor.stream_seq > state.delivered.stream_seq) {
    return absl::InvalidArgumentError("bad ack floor for stream");
  }
  for (const auto& [seq, pending] : state.pending) {
    if (seq <= state.ack_floor.stream_seq || seq > state.delivered.stream_seq) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad pending entry, sequence [", seq, "] out of range"));
    }
  }
  return Poison(backend_->PutConsumer(id, consumer));
}

absl::Status BackedLogStore::DeleteConsumer(StreamId id, absl::string_view name) {
  NA_RETURN_IF_ERROR(CheckWritable());
  NA_ASSIGN_OR_RETURN(Stream * stream, FindStream(id));
  ConsumerRecord existing;
  absl::Status status = backend_->LoadConsumer(id, name, &existing);
  if (absl::IsNotFound(status)) return absl::NotFoundError("consumer not found");
  if (!status.ok() && status.code() != absl::StatusCode::kDataLoss) return status;
  // A corrupt consumer record can still be deleted.
  (void)stream;
  return Poison(backend_->DeleteConsumer(id, name));
}

absl::StatusOr<ConsumerRecord> BackedLogStore::LoadConsumer(StreamId id,
                                                            absl::string_view name) const {
  NA_ASSIGN_OR_RETURN(const Stream* stream, FindStream(id));
  ConsumerRecord consumer;
  absl::Status status = backend_->LoadConsumer(id, name, &consumer);
  if (absl::IsNotFound(status)) return absl::NotFoundError("consumer not found");
  NA_RETURN_IF_ERROR(Annotate(*stream, status));
  return consumer;
}

absl::StatusOr<std::vector<std::string>> BackedLogStore::ListConsumers(StreamId id) const {
  NA_ASSIGN_OR_RETURN(const Stream* stream, FindStream(id));
  std::vector<std::string> names;
  NA_RETURN_IF_ERROR(Annotate(*stream, backend_->ListConsumers(id, &names)));
  return names;
}

absl::Status BackedLogStore::Sync() {
  NA_RETURN_IF_ERROR(CheckWritable());
  NA_RETURN_IF_ERROR(Poison(backend_->Sync()));
  deleted_unsynced_.clear();
  return absl::OkStatus();
}

}  // namespace na::store
