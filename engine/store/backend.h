// Backend: the primitive storage under BackedLogStore.
//
// BackedLogStore (backed_log_store.h) holds every nats rule (limits, discard, purge, expiry) and
// an in-memory index of each stream (state counters and per-subject summaries). A Backend only
// stores and finds bytes: messages by (stream, seq), a per-subject index, the persisted summaries
// the index is rebuilt from on open, and consumer records. MemLogStore and RocksLogStore are the
// two Backends; keeping the rules in one place is what lets them pass one contract suite.
//
// Staging. Every mutating primitive is staged: visible to the Backend's own reads at once,
// durable only after Sync(). The one exception to read-your-writes is documented per method:
// after a range erase, reads of keys inside the erased range are undefined (BackedLogStore never
// issues them: it only reads sequences at or above a stream's first_seq).
//
// Errors: reads return NotFound when a key is absent, DataLoss (naming the sequence or record)
// when stored bytes fail verification, and Internal/Unavailable when the medium fails.
#ifndef NATRIUM_ENGINE_STORE_BACKEND_H_
#define NATRIUM_ENGINE_STORE_BACKEND_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "engine/store/log_store.h"

namespace na::store {

// The persisted summary of a stream: config plus counters (nats' StreamState without the
// derived fields).
struct StreamRecord {
  StreamConfig config;
  uint64_t first_seq = 0;
  uint64_t last_seq = 0;
  int64_t first_ts_ns = 0;
  int64_t last_ts_ns = 0;
  uint64_t msgs = 0;
  uint64_t bytes = 0;

  friend bool operator==(const StreamRecord&, const StreamRecord&) = default;
};

class Backend {
 public:
  virtual ~Backend() = default;

  // ---- Recovery (called on open and after a simulated crash) ----
  virtual absl::Status LoadStreams(std::vector<std::pair<StreamId, StreamRecord>>* out) const = 0;
  virtual absl::Status LoadSubjects(StreamId id,
                                    absl::btree_map<std::string, SubjectState>* out) const = 0;

  // ---- Stream records ----
  virtual absl::Status PutStreamRecord(StreamId id, const StreamRecord& record) = 0;
  virtual absl::Status PutSubjectRecord(StreamId id, absl::string_view subject,
                                        const SubjectState& state) = 0;
  virtual absl::Status DeleteSubjectRecord(StreamId id, absl::string_view subject) = 0;
  virtual absl::Status DeleteAllSubjectRecords(StreamId id) = 0;
  // Everything of the stream: record, subjects, messages, index, consumers.
  virtual absl::Status DeleteStream(StreamId id) = 0;

  // ---- Messages ----
  virtual absl::Status PutMessage(StreamId id, uint64_t seq, const Message& message) = 0;
  // NotFound if absent.
  virtual absl::Status GetMessage(StreamId id, uint64_t seq, StoredMessage* out) const = 0;
  // The first message with seq >= from_seq. NotFound if none.
  virtual absl::Status SeekMessage(StreamId id, uint64_t from_seq, StoredMessage* out) const = 0;
  // Calls `visit` on each message with seq >= from_seq, ascending, until it returns false or the
  // messages run out (one iterator: the bulk path for purges, expiry and state details). The
  // message is valid only during the call; the backend must not be mutated from inside it.
  virtual absl::Status VisitMessages(StreamId id, uint64_t from_seq,
                                     absl::FunctionRef<bool(const StoredMessage&)> visit) const = 0;
  // The first sequence >= from_seq stored under exactly `subject`, or 0.
  virtual absl::StatusOr<uint64_t> SeekSubject(StreamId id, absl::string_view subject,
                                               uint64_t from_seq) const = 0;
  // The last sequence <= upto_seq stored under exactly `subject`, or 0.
  virtual absl::StatusOr<uint64_t> SeekSubjectLast(StreamId id, absl::string_view subject,
                                                   uint64_t upto_seq) const = 0;
  // Appends to `seqs`, ascending, every sequence in [from_seq, to_seq] stored under `subject`.
  virtual absl::Status ScanSubject(StreamId id, absl::string_view subject, uint64_t from_seq,
                                   uint64_t to_seq, std::vector<uint64_t>* seqs) const = 0;
  // Removes one message and its index entry. `erase` asks to overwrite its bytes where the
  // medium allows.
  virtual absl::Status EraseMessage(StreamId id, uint64_t seq, absl::string_view subject,
                                    bool erase) = 0;
  // Removes every message with seq in [from_seq, to_seq); `removed` lists each one's (subject,
  // seq) so index entries can be removed too.
  virtual absl::Status EraseMessageRange(
      StreamId id, uint64_t from_seq, uint64_t to_seq,
      absl::Span<const std::pair<std::string, uint64_t>> removed) = 0;
  virtual absl::Status EraseAllMessages(StreamId id) = 0;

  // ---- Consumers ----
  virtual absl::Status PutConsumer(StreamId id, const ConsumerRecord& consumer) = 0;
  virtual absl::Status DeleteConsumer(StreamId id, absl::string_view name) = 0;
  // NotFound if absent.
  virtual absl::Status LoadConsumer(StreamId id, absl::string_view name,
                                    ConsumerRecord* out) const = 0;
  virtual absl::Status ListConsumers(StreamId id, std::vector<std::string>* names) const = 0;

  // ---- Durability ----
  virtual absl::Status Sync() = 0;
};

}  // namespace na::store

#endif  // NATRIUM_ENGINE_STORE_BACKEND_H_
