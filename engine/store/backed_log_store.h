// BackedLogStore: nats-server's stream rules over a primitive Backend.
//
// Every LogStore rule lives here once: limits and discard policies on append, purge variants,
// compaction, max_age expiry, filtered lookups, consumer-state validation. The stream index
// (counters and per-subject summaries) is kept in memory for O(1) limit checks and persisted
// through the Backend in the same staged batch as every change, so reopening never rescans the
// messages. MemLogStore and RocksLogStore derive from it and supply the Backend.
//
// Failure model: if a Backend write fails, the in-memory index may be ahead of what was staged,
// so the store stops accepting mutations and returns that error from every later one (reads go
// on). A DataLoss read during a mutation is returned, naming the stream and sequence.
#ifndef NATRIUM_ENGINE_STORE_BACKED_LOG_STORE_H_
#define NATRIUM_ENGINE_STORE_BACKED_LOG_STORE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/store/backend.h"
#include "engine/store/log_store.h"

namespace na::store {

class BackedLogStore : public LogStore {
 public:
  absl::Status CreateStream(StreamId id, const StreamConfig& config) override;
  absl::Status UpdateStream(StreamId id, const StreamConfig& config) override;
  absl::Status DeleteStream(StreamId id) override;
  std::vector<StreamInfo> ListStreams() const override;
  absl::StatusOr<StreamConfig> GetStreamConfig(StreamId id) const override;

  absl::Status Append(StreamId id, absl::Span<const Message> messages,
                      std::vector<AppendResult>* results) override;
  absl::Status LoadMessage(StreamId id, uint64_t seq, StoredMessage* out) const override;
  absl::Status LoadLastMessage(StreamId id, absl::string_view filter,
                               StoredMessage* out) const override;
  absl::Status LoadNextMessage(StreamId id, absl::string_view filter, uint64_t start_seq,
                               StoredMessage* out) const override;
  absl::StatusOr<bool> DeleteMessage(StreamId id, uint64_t seq, bool erase) override;
  absl::StatusOr<uint64_t> Purge(StreamId id, const PurgeRequest& request) override;
  absl::StatusOr<uint64_t> Compact(StreamId id, uint64_t seq) override;
  absl::StatusOr<ExpireResult> ExpireMessages(StreamId id, int64_t now_ns) override;

  absl::StatusOr<StreamState> GetStreamState(StreamId id,
                                             const StateOptions& options) const override;
  absl::StatusOr<absl::btree_map<std::string, SubjectState>> GetSubjectsState(
      StreamId id, absl::string_view filter) const override;

  absl::StatusOr<SubjectState> GetFilteredState(StreamId id, absl::string_view filter,
                                                uint64_t start_seq) const override;
  absl::StatusOr<uint64_t> SeqForTime(StreamId id, int64_t ts_ns) const override;

  absl::Status PutConsumer(StreamId id, const ConsumerRecord& consumer) override;
  absl::Status DeleteConsumer(StreamId id, absl::string_view name) override;
  absl::StatusOr<ConsumerRecord> LoadConsumer(StreamId id, absl::string_view name) const override;
  absl::StatusOr<std::vector<std::string>> ListConsumers(StreamId id) const override;

  absl::Status Sync() override;

 protected:
  BackedLogStore(std::unique_ptr<Backend> backend, bool read_only);

  Backend* backend() const { return backend_.get(); }

  // Rebuilds the in-memory index from the Backend's persisted records (open, after a crash).
  absl::Status Recover();

 private:
  struct Stream {
    StreamRecord record;
    absl::btree_map<std::string, SubjectState> subjects;
  };

  absl::Status CheckWritable() const;
  absl::StatusOr<Stream*> FindStream(StreamId id);
  absl::StatusOr<const Stream*> FindStream(StreamId id) const;
  // Remembers a failed Backend write: from then on every mutation returns it.
  absl::Status Poison(absl::Status status);
  absl::Status PersistRecord(StreamId id, const Stream& stream);
  absl::Status Finish(StreamId id, Stream& stream, absl::Status status);
  absl::Status PersistSubject(StreamId id, const Stream& stream, absl::string_view subject);

  absl::Status AppendOne(StreamId id, Stream& stream, const Message& message, AppendResult* result);
  absl::Status CheckDiscardNew(StreamId id, const Stream& stream, const Message& message);
  // Removes message `seq` if present; sets *removed.
  absl::Status RemoveOne(StreamId id, Stream& stream, uint64_t seq, bool erase, bool* removed);
  absl::Status RemoveFirst(StreamId id, Stream& stream);
  absl::Status EnforceLimits(StreamId id, Stream& stream);
  absl::Status EnforceSubjectLimit(StreamId id, Stream& stream, const std::string& subject);
  // Removes messages from the front while seq < to_seq and timestamp <= max_ts_ns.
  absl::StatusOr<uint64_t> RemoveFront(StreamId id, Stream& stream, uint64_t to_seq,
                                       int64_t max_ts_ns);
  // Removes everything; with new_first_seq past the end, the next append gets new_first_seq.
  absl::StatusOr<uint64_t> RemoveAll(StreamId id, Stream& stream, uint64_t new_first_seq);
  absl::StatusOr<uint64_t> CompactLocked(StreamId id, Stream& stream, uint64_t seq);
  absl::StatusOr<uint64_t> PurgeFiltered(StreamId id, Stream& stream, const PurgeRequest& request);
  // Subjects of the stream matching a filter (""/">" = all), ascending.
  std::vector<const std::string*> MatchingSubjects(const Stream& stream,
                                                   absl::string_view filter) const;
  absl::Status LoadExisting(StreamId id, const Stream& stream, uint64_t seq,
                            StoredMessage* out) const;
  // Adds the stream's name to a DataLoss status.
  absl::Status Annotate(const Stream& stream, absl::Status status) const;

  std::unique_ptr<Backend> backend_;
  bool read_only_;
  absl::Status poisoned_;
  absl::btree_map<StreamId, Stream> streams_;
  // Streams deleted since the last Sync: their ids cannot be reused until the delete is durable.
  absl::btree_set<StreamId> deleted_unsynced_;
  // Subjects appended to during the current Append call, summarized once at its end.
  absl::btree_set<std::string> dirty_subjects_;
  // Scratch buffers for internal reads, so limit enforcement does not allocate per message.
  StoredMessage scratch_;
  StoredMessage scratch_next_;
};

}  // namespace na::store

#endif  // NATRIUM_ENGINE_STORE_BACKED_LOG_STORE_H_
