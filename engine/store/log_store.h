// LogStore: the storage interface JetStream stands on, with nats-server 2.9.10's stream semantics.
//
// One LogStore holds every stream of a server (or of a simulated node): their messages, their
// limits, their state counters and their consumers' state. Two implementations pass one contract
// suite (log_store_contract_test.cc): MemLogStore (engine/store/mem_log_store.h; the simulator's
// store and JetStream memory storage) and RocksLogStore (engine/store/rocks/; one RocksDB per
// server). This header is pure: no RocksDB type appears in it.
//
// Semantics follow nats-server's memstore.go/filestore.go (v2.9.10):
//   * sequences start at 1, grow by one per stored message and are never reused; deletes leave
//     gaps (StreamState::deleted);
//   * limits are enforced on every append: max_msgs_per_subject, then max_msgs, then max_bytes,
//     removing the oldest messages (discard old), or rejecting the append (discard new) with
//     nats' exact error text (kErrMaxMsgs...);
//   * message sizes for max_bytes and StreamState::bytes use nats' formula for the stream's
//     StorageKind (MessageSizeBytes below), so byte limits trip where nats' do;
//   * max_age is enforced only when the caller calls ExpireMessages(now): the store never reads
//     a clock.
//
// Durability contract (DESIGN.md §3.2). Every mutation is staged: visible to reads on the same
// store at once, durable only after a later Sync() returns OK. Sync() covers everything staged
// before it in one synced write (group commit: call it once per loop turn, then acknowledge).
// After a crash and reopen the store holds exactly the mutations made before the last
// successful Sync(): nothing staged after it survives, not even in part (RocksLogStore writes
// nothing to RocksDB before Sync; MemLogStore::Crash() rolls the stage back).
//
// Errors. Rejected input comes back as a Status with nats' text:
//   ResourceExhausted  kErrMaxMsgs, kErrMaxBytes, kErrMaxMsgsPerSubject (JS 503/10077 "{err}")
//   InvalidArgument    kErrMessageTooLarge (JS 400/10054), bad config, bad purge request
//   FailedPrecondition kErrSequenceMismatch (append with an explicit, wrong sequence); any
//                      mutation of a read-only store; reuse of a stream id deleted since Sync
//   NotFound           unknown stream or consumer; kErrNoMessageFound for a missing message
//   OutOfRange         kErrStoreEof: no message at or after the requested sequence
//   AlreadyExists      CreateStream on an id in use
//   DataLoss           a stored record failed its checksum or decoding; the message names the
//                      stream and the sequence (or consumer). Never a silent truncation.
//   Internal/Unavailable  the storage itself failed (I/O error); the caller should fail-stop.
//
// Threading: not thread-safe. One engine thread owns a LogStore; no method blocks on a clock.
// Determinism: every list this interface returns is ordered (by id, sequence or subject).
#ifndef NATRIUM_ENGINE_STORE_LOG_STORE_H_
#define NATRIUM_ENGINE_STORE_LOG_STORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace na::store {

// nats-server's error texts (server/store.go, server/errors.json), matched byte for byte.
inline constexpr absl::string_view kErrMaxMsgs = "maximum messages exceeded";
inline constexpr absl::string_view kErrMaxBytes = "maximum bytes exceeded";
inline constexpr absl::string_view kErrMaxMsgsPerSubject = "maximum messages per subject exceeded";
inline constexpr absl::string_view kErrMessageTooLarge = "message size exceeds maximum allowed";
inline constexpr absl::string_view kErrNoMessageFound = "no message found";
inline constexpr absl::string_view kErrStoreEof = "stream store EOF";
inline constexpr absl::string_view kErrSequenceMismatch = "expected sequence does not match store";
inline constexpr absl::string_view kErrPurgeArgMismatch = "sequence > 1 && keep > 0 not allowed";

// Streams are named by a 64-bit id the owner assigns (the meta group in a cluster). 0 is not a
// valid id, nor is 2^64-1. Ids are the key prefix on disk, so an id must not be reused while data
// of an older stream with that id may still exist (DeleteStream followed by Sync makes reuse safe).
using StreamId = uint64_t;

enum class StorageKind : uint8_t {
  kFile = 0,    // "file": sizes per fileStoreMsgSize
  kMemory = 1,  // "memory": sizes per memStoreMsgSize
};

enum class DiscardPolicy : uint8_t {
  kOld = 0,
  kNew = 1,
};

// The part of nats' StreamConfig the store enforces. A limit <= 0 means "unlimited" (nats
// returns -1 for unset limits; 0 is normalized to -1 on create).
struct StreamConfig {
  std::string name;
  std::vector<std::string> subjects;
  int64_t max_msgs = -1;
  int64_t max_bytes = -1;
  int64_t max_age_ns = 0;
  int64_t max_msgs_per_subject = -1;
  int64_t max_msg_size_bytes = -1;  // headers + payload of one message
  DiscardPolicy discard = DiscardPolicy::kOld;
  bool discard_new_per_subject = false;
  StorageKind storage = StorageKind::kFile;
  // Opaque bytes kept with the config and returned as they were given (JetStream keeps the full
  // JSON config here). The store never interprets them.
  std::string opaque;

  friend bool operator==(const StreamConfig&, const StreamConfig&) = default;
};

// The size a message counts for in StreamState::bytes and max_bytes, exactly as nats counts it:
//   file:   22 + subject + payload + 8            (no headers)
//           22 + subject + 4 + headers + payload + 8
//   memory: subject + headers + payload + 16
uint64_t MessageSizeBytes(StorageKind kind, size_t subject_bytes, size_t headers_bytes,
                          size_t payload_bytes);

// A message to append. Views must stay valid for the duration of the Append call only.
struct Message {
  absl::string_view subject;  // literal, non-empty
  absl::string_view headers;  // raw "NATS/1.0\r\n..." block, or empty
  absl::string_view payload;
  int64_t timestamp_ns = 0;  // wall clock, stamped by the caller (the leader)
  // 0: take the next sequence. Otherwise the sequence this message must get (a replica applying
  // the leader's stream); any other value gives FailedPrecondition kErrSequenceMismatch.
  uint64_t expected_seq = 0;
};

// A stored message as read back. Loads overwrite every field (buffers are reused).
struct StoredMessage {
  uint64_t seq = 0;
  int64_t timestamp_ns = 0;
  std::string subject;
  std::string headers;
  std::string payload;
};

// The outcome of one message of an Append batch: a sequence, or the reason it was rejected.
struct AppendResult {
  uint64_t seq = 0;  // 0 when rejected
  absl::Status status;
};

struct SubjectState {
  uint64_t msgs = 0;
  uint64_t first_seq = 0;
  uint64_t last_seq = 0;

  friend bool operator==(const SubjectState&, const SubjectState&) = default;
};

// nats' StreamState. An empty stream has first_seq == last_seq + 1 (first_seq 0 only before the
// first message of a new stream, where last_seq is 0 too) and first_ts_ns == 0.
struct StreamState {
  uint64_t msgs = 0;
  uint64_t bytes = 0;
  uint64_t first_seq = 0;
  int64_t first_ts_ns = 0;
  uint64_t last_seq = 0;
  int64_t last_ts_ns = 0;
  uint64_t num_subjects = 0;
  uint64_t num_deleted = 0;       // interior gaps between first_seq and last_seq
  std::vector<uint64_t> deleted;  // ascending; filled only if StateOptions::deleted_details
  absl::btree_map<std::string, uint64_t> subjects;  // filled only if subjects_filter is set

  friend bool operator==(const StreamState&, const StreamState&) = default;
};

struct StateOptions {
  bool deleted_details = false;
  std::string subjects_filter;  // empty: no per-subject counts; ">" for all
};

// nats' JSApiStreamPurgeRequest semantics (PurgeEx):
//   filter ""/">"  + nothing        purge everything (first_seq becomes last_seq + 1)
//   + up_to_seq S (> 1)             remove every matching message with seq < S (compact)
//   + keep N                        keep the newest N matching messages
// up_to_seq > 1 together with keep > 0 is InvalidArgument kErrPurgeArgMismatch.
struct PurgeRequest {
  std::string filter;
  uint64_t up_to_seq = 0;
  uint64_t keep = 0;
};

struct ExpireResult {
  uint64_t removed = 0;
  // When the next message will be old enough to expire (its timestamp + max_age), or 0 if the
  // stream is empty or has no max_age. The caller arms its timer for this.
  int64_t next_expiry_ns = 0;
};

// Consumer state, as nats' ConsumerState (store.go): what was delivered, the ack floor, the
// messages delivered but not acknowledged, and how often each was redelivered.
struct SequencePair {
  uint64_t consumer_seq = 0;
  uint64_t stream_seq = 0;

  friend bool operator==(const SequencePair&, const SequencePair&) = default;
};

struct PendingDelivery {
  uint64_t consumer_seq = 0;  // delivery sequence of the latest delivery
  int64_t timestamp_ns = 0;   // when it was last delivered

  friend bool operator==(const PendingDelivery&, const PendingDelivery&) = default;
};

struct ConsumerState {
  SequencePair delivered;
  SequencePair ack_floor;
  absl::btree_map<uint64_t, PendingDelivery> pending;  // by stream sequence
  absl::btree_map<uint64_t, uint64_t> redelivered;     // stream seq -> deliveries - 1

  friend bool operator==(const ConsumerState&, const ConsumerState&) = default;
};

struct ConsumerRecord {
  std::string name;
  std::string config;  // opaque (JetStream's JSON consumer config)
  ConsumerState state;

  friend bool operator==(const ConsumerRecord&, const ConsumerRecord&) = default;
};

struct StreamInfo {
  StreamId id = 0;
  StreamConfig config;
};

class LogStore {
 public:
  virtual ~LogStore() = default;

  // ---- Streams ---------------------------------------------------------------------------------

  // REQUIRES: id != 0. InvalidArgument for a config the store cannot hold (empty name, a
  // negative max_age); AlreadyExists if the id is in use.
  virtual absl::Status CreateStream(StreamId id, const StreamConfig& config) = 0;
  // Replaces the config and enforces lowered limits at once (as nats' UpdateConfig). NotFound.
  virtual absl::Status UpdateStream(StreamId id, const StreamConfig& config) = 0;
  // Removes the stream, its messages and its consumers. NotFound.
  virtual absl::Status DeleteStream(StreamId id) = 0;
  // Every stream, ascending by id.
  virtual std::vector<StreamInfo> ListStreams() const = 0;
  virtual absl::StatusOr<StreamConfig> GetStreamConfig(StreamId id) const = 0;

  // ---- Messages --------------------------------------------------------------------------------

  // Appends messages in order. Each message is accepted or rejected on its own (a rejection
  // does not stop the batch, as separate publishes would not): `results` gets one entry per
  // message. The returned Status is not OK for an unknown stream (NotFound, nothing applied),
  // a corrupt record met while enforcing limits (DataLoss) or a storage failure; in the last
  // two cases earlier messages of the batch may already be applied, and their results say so
  // (seq != 0). A message is rejected with kErrMessageTooLarge, kErrMaxMsgsPerSubject,
  // kErrMaxMsgs, kErrMaxBytes or kErrSequenceMismatch, checked in that order; accepted messages
  // may remove older ones to honour discard-old limits.
  virtual absl::Status Append(StreamId id, absl::Span<const Message> messages,
                              std::vector<AppendResult>* results) = 0;

  // NotFound (kErrNoMessageFound) for a deleted or purged seq at or below last_seq; OutOfRange
  // (kErrStoreEof) above last_seq. DataLoss on a corrupt record.
  virtual absl::Status LoadMessage(StreamId id, uint64_t seq, StoredMessage* out) const = 0;
  // The newest message whose subject matches `filter` (wildcards allowed; ""/">" = any).
  // NotFound (kErrNoMessageFound) if there is none.
  virtual absl::Status LoadLastMessage(StreamId id, absl::string_view filter,
                                       StoredMessage* out) const = 0;
  // The first message with seq >= start_seq whose subject matches `filter` (""/">" = any).
  // OutOfRange (kErrStoreEof) if there is none.
  virtual absl::Status LoadNextMessage(StreamId id, absl::string_view filter, uint64_t start_seq,
                                       StoredMessage* out) const = 0;

  // Removes one message; `erase` also overwrites its bytes where the medium allows (nats'
  // EraseMsg). Returns false if there was no such message.
  virtual absl::StatusOr<bool> DeleteMessage(StreamId id, uint64_t seq, bool erase) = 0;
  // Returns how many messages were removed.
  virtual absl::StatusOr<uint64_t> Purge(StreamId id, const PurgeRequest& request) = 0;
  // Removes every message with seq < `seq`. With seq > last_seq the stream ends empty with
  // first_seq == seq (the next append gets `seq`). Returns how many messages were removed.
  virtual absl::StatusOr<uint64_t> Compact(StreamId id, uint64_t seq) = 0;
  // Removes messages with timestamp_ns <= now_ns - max_age_ns (nats' expireMsgs).
  virtual absl::StatusOr<ExpireResult> ExpireMessages(StreamId id, int64_t now_ns) = 0;

  // ---- State -----------------------------------------------------------------------------------

  virtual absl::StatusOr<StreamState> GetStreamState(StreamId id,
                                                     const StateOptions& options) const = 0;
  // Per-subject state of every stored subject matching `filter` (""/">" = all).
  virtual absl::StatusOr<absl::btree_map<std::string, SubjectState>> GetSubjectsState(
      StreamId id, absl::string_view filter) const = 0;

  // nats' FilteredState: how many stored messages with seq >= start_seq match `filter` (""/">"
  // = any), and the first and last of them (all 0 when none). Consumers report num_pending
  // from it.
  virtual absl::StatusOr<SubjectState> GetFilteredState(StreamId id, absl::string_view filter,
                                                        uint64_t start_seq) const = 0;
  // nats' GetSeqFromTime: the first stored sequence whose timestamp is >= ts_ns, or last_seq + 1
  // if there is none. Assumes timestamps do not decrease with sequence (the leader stamps them).
  virtual absl::StatusOr<uint64_t> SeqForTime(StreamId id, int64_t ts_ns) const = 0;

  // ---- Consumers -------------------------------------------------------------------------------

  // Creates or replaces a consumer's config and state. NotFound for an unknown stream;
  // InvalidArgument for an empty name or a state nats would refuse (ack floor above delivered,
  // pending outside (ack_floor.stream_seq, delivered.stream_seq]).
  virtual absl::Status PutConsumer(StreamId id, const ConsumerRecord& consumer) = 0;
  virtual absl::Status DeleteConsumer(StreamId id, absl::string_view name) = 0;
  virtual absl::StatusOr<ConsumerRecord> LoadConsumer(StreamId id,
                                                      absl::string_view name) const = 0;
  // Names ascending.
  virtual absl::StatusOr<std::vector<std::string>> ListConsumers(StreamId id) const = 0;

  // ---- Durability ------------------------------------------------------------------------------

  // Makes every mutation made so far durable (one synced write). Acknowledge only after it.
  virtual absl::Status Sync() = 0;
};

}  // namespace na::store

#endif  // NATRIUM_ENGINE_STORE_LOG_STORE_H_
