// Record codecs of RocksLogStore: FlatBuffers tables (store_records.fbs) with an XXH3-64 trailer.
//
// A stored value is `body || checksum`, where body is a FlatBuffer and checksum is the 8-byte
// little-endian XXH3-64 of body seeded with XXH3-64(key). Binding the key into the checksum
// means a record copied or misplaced under another key fails verification too.
//
// Decoding treats its input as untrusted: a short value, a checksum mismatch, a FlatBuffer that
// fails the Verifier or fields out of range all give absl::DataLossError with a short reason;
// the caller adds which stream and sequence it was. No RocksDB type appears here, so fuzzers and
// the inspector can use the codecs on raw bytes.
#ifndef NATRIUM_ENGINE_STORE_ROCKS_RECORD_H_
#define NATRIUM_ENGINE_STORE_ROCKS_RECORD_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "engine/store/backend.h"
#include "engine/store/log_store.h"

namespace flatbuffers {
class FlatBufferBuilder;
}

namespace na::store::rocks {

inline constexpr size_t kChecksumBytes = 8;

uint64_t RecordChecksum(absl::string_view key, absl::string_view body);
// Checks the trailer and returns the FlatBuffer body.
absl::Status VerifyRecord(absl::string_view key, absl::string_view value, absl::string_view* body);

// Each Encode* overwrites `out`. `builder` is scratch space reused across calls.
void EncodeMessageRecord(absl::string_view key, const Message& message,
                         flatbuffers::FlatBufferBuilder* builder, std::string* out);
// Fills everything but out->seq, which lives in the key.
absl::Status DecodeMessageRecord(absl::string_view key, absl::string_view value,
                                 StoredMessage* out);

void EncodeStreamRecord(absl::string_view key, const StreamRecord& record,
                        flatbuffers::FlatBufferBuilder* builder, std::string* out);
absl::Status DecodeStreamRecord(absl::string_view key, absl::string_view value, StreamRecord* out);

void EncodeSubjectRecord(absl::string_view key, const SubjectState& state,
                         flatbuffers::FlatBufferBuilder* builder, std::string* out);
absl::Status DecodeSubjectRecord(absl::string_view key, absl::string_view value, SubjectState* out);

void EncodeConsumerRecord(absl::string_view key, const ConsumerRecord& consumer,
                          flatbuffers::FlatBufferBuilder* builder, std::string* out);
absl::Status DecodeConsumerRecord(absl::string_view key, absl::string_view value,
                                  ConsumerRecord* out);

void EncodeMetaRecord(absl::string_view key, uint32_t format_version,
                      flatbuffers::FlatBufferBuilder* builder, std::string* out);
absl::Status DecodeMetaRecord(absl::string_view key, absl::string_view value,
                              uint32_t* format_version);

}  // namespace na::store::rocks

#endif  // NATRIUM_ENGINE_STORE_ROCKS_RECORD_H_
