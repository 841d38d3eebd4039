// Key layout of RocksLogStore's column families (engine/store/README.md has the full table).
//
// Every integer is fixed-width big-endian, so RocksDB's bytewise comparator orders keys by
// number, and every key starts with the 8-byte stream id, so one stream's keys are contiguous in
// each column family (scans use [sid, sid+1) bounds; DeleteStream is a DeleteRange per CF).
//
//   msgs       sid(8) || seq(8)                                 -> MessageRecord
//   subj       sid(8) || len(2) || subject || seq(8)            -> empty (per-subject index)
//   streams    sid(8) || 0x00                                   -> StreamRecord
//              sid(8) || 0x01 || subject                        -> SubjectRecord
//   consumers  sid(8) || name                                   -> ConsumerRecord
//   meta       "format"                                         -> MetaRecord
//
// The subject in `subj` is length-prefixed rather than 0x00-terminated so that any byte string
// is a valid subject there and no two (subject, seq) pairs can share a key.
#ifndef NATRIUM_ENGINE_STORE_ROCKS_KEYS_H_
#define NATRIUM_ENGINE_STORE_ROCKS_KEYS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace na::store::rocks {

inline constexpr const char* kCfMsgs = "msgs";
inline constexpr const char* kCfSubj = "subj";
inline constexpr const char* kCfStreams = "streams";
inline constexpr const char* kCfConsumers = "consumers";
inline constexpr const char* kCfMeta = "meta";

inline constexpr char kStreamRecordTag = 0x00;
inline constexpr char kSubjectRecordTag = 0x01;
inline constexpr absl::string_view kMetaFormatKey = "format";
inline constexpr uint32_t kFormatVersion = 1;
// Subjects longer than this cannot be indexed (the length prefix is 16 bits).
inline constexpr size_t kSubjectBytesMax = 0xffff;

void AppendBigEndian64(uint64_t value, std::string* out);
uint64_t ReadBigEndian64(absl::string_view bytes);  // REQUIRES: bytes.size() >= 8

// sid: the 8-byte prefix of every key of a stream.
std::string StreamPrefix(uint64_t stream_id);
std::string MessageKey(uint64_t stream_id, uint64_t seq);
std::string SubjectIndexKey(uint64_t stream_id, absl::string_view subject, uint64_t seq);
// The prefix shared by every index key of one subject (sid || len || subject).
std::string SubjectIndexPrefix(uint64_t stream_id, absl::string_view subject);
std::string StreamRecordKey(uint64_t stream_id);
std::string SubjectRecordKey(uint64_t stream_id, absl::string_view subject);
std::string SubjectRecordPrefix(uint64_t stream_id);
std::string ConsumerKey(uint64_t stream_id, absl::string_view name);

// The same keys written into a reused buffer (the append path builds two keys per message).
void BuildMessageKey(uint64_t stream_id, uint64_t seq, std::string* out);
void BuildSubjectIndexKey(uint64_t stream_id, absl::string_view subject, uint64_t seq,
                          std::string* out);

struct ParsedMessageKey {
  uint64_t stream_id = 0;
  uint64_t seq = 0;
};
std::optional<ParsedMessageKey> ParseMessageKey(absl::string_view key);

struct ParsedSubjectIndexKey {
  uint64_t stream_id = 0;
  absl::string_view subject;  // points into the key
  uint64_t seq = 0;
};
std::optional<ParsedSubjectIndexKey> ParseSubjectIndexKey(absl::string_view key);

// A key of the streams CF: either the stream record (subject empty, is_subject false) or a
// subject summary.
struct ParsedStreamsKey {
  uint64_t stream_id = 0;
  bool is_subject = false;
  absl::string_view subject;  // points into the key
};
std::optional<ParsedStreamsKey> ParseStreamsKey(absl::string_view key);

struct ParsedConsumerKey {
  uint64_t stream_id = 0;
  absl::string_view name;  // points into the key
};
std::optional<ParsedConsumerKey> ParseConsumerKey(absl::string_view key);

}  // namespace na::store::rocks

#endif  // NATRIUM_ENGINE_STORE_ROCKS_KEYS_H_
