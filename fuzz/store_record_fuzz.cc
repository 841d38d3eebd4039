// Fuzzes RocksLogStore's record decoding (engine/store/rocks/record.h): checksum, FlatBuffers
// Verifier and field range checks, on bytes as a corrupt disk would hand them back.
//
// Input layout: byte 0 picks the record kind (low 3 bits: message, stream, subject, consumer,
// meta) and, with bit 7 set, "seals" the value: the rest is taken as a FlatBuffer body and the
// correct checksum is appended, so the fuzzer reaches the Verifier and the field checks instead
// of stopping at the checksum. Byte 1 is the key length (mod 40); then the key, then the value.
//
// Properties: decoding never crashes; anything that decodes re-encodes under the same key and
// decodes again to an equal value (so no accepted record is misread).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/string_view.h"
#include "engine/store/rocks/record.h"
#include "flatbuffers/flatbuffers.h"

namespace {

namespace rk = ::na::store::rocks;
namespace store = ::na::store;

void Fail(const char* what) {
  std::fprintf(stderr, "store_record_fuzz: %s\n", what);
  std::abort();
}

void CheckMessage(absl::string_view key, absl::string_view value) {
  store::StoredMessage a;
  if (!rk::DecodeMessageRecord(key, value, &a).ok()) return;
  store::Message m;
  m.subject = a.subject;
  m.headers = a.headers;
  m.payload = a.payload;
  m.timestamp_ns = a.timestamp_ns;
  flatbuffers::FlatBufferBuilder builder;
  std::string again;
  rk::EncodeMessageRecord(key, m, &builder, &again);
  store::StoredMessage b;
  if (!rk::DecodeMessageRecord(key, again, &b).ok()) Fail("message does not round-trip");
  if (a.subject != b.subject || a.headers != b.headers || a.payload != b.payload ||
      a.timestamp_ns != b.timestamp_ns) {
    Fail("message changed in a round trip");
  }
}

void CheckStream(absl::string_view key, absl::string_view value) {
  store::StreamRecord a;
  if (!rk::DecodeStreamRecord(key, value, &a).ok()) return;
  flatbuffers::FlatBufferBuilder builder;
  std::string again;
  rk::EncodeStreamRecord(key, a, &builder, &again);
  store::StreamRecord b;
  if (!rk::DecodeStreamRecord(key, again, &b).ok()) Fail("stream record does not round-trip");
  if (!(a == b)) Fail("stream record changed in a round trip");
}

void CheckSubject(absl::string_view key, absl::string_view value) {
  store::SubjectState a;
  if (!rk::DecodeSubjectRecord(key, value, &a).ok()) return;
  flatbuffers::FlatBufferBuilder builder;
  std::string again;
  rk::EncodeSubjectRecord(key, a, &builder, &again);
  store::SubjectState b;
  if (!rk::DecodeSubjectRecord(key, again, &b).ok()) Fail("subject record does not round-trip");
  if (!(a == b)) Fail("subject record changed in a round trip");
}

void CheckConsumer(absl::string_view key, absl::string_view value) {
  store::ConsumerRecord a;
  if (!rk::DecodeConsumerRecord(key, value, &a).ok()) return;
  flatbuffers::FlatBufferBuilder builder;
  std::string again;
  rk::EncodeConsumerRecord(key, a, &builder, &again);
  store::ConsumerRecord b;
  if (!rk::DecodeConsumerRecord(key, again, &b).ok()) Fail("consumer does not round-trip");
  if (!(a == b)) Fail("consumer record changed in a round trip");
}

void CheckMeta(absl::string_view key, absl::string_view value) {
  uint32_t a = 0;
  if (!rk::DecodeMetaRecord(key, value, &a).ok()) return;
  flatbuffers::FlatBufferBuilder builder;
  std::string again;
  rk::EncodeMetaRecord(key, a, &builder, &again);
  uint32_t b = 0;
  if (!rk::DecodeMetaRecord(key, again, &b).ok() || a != b) Fail("meta does not round-trip");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const uint8_t mode = data[0];
  const size_t key_bytes = std::min<size_t>(data[1] % 40, size - 2);
  const absl::string_view key(reinterpret_cast<const char*>(data + 2), key_bytes);
  std::string value(reinterpret_cast<const char*>(data + 2 + key_bytes), size - 2 - key_bytes);
  if (mode & 0x80) {
    const uint64_t checksum = rk::RecordChecksum(key, value);
    for (size_t i = 0; i < rk::kChecksumBytes; ++i) {
      value.push_back(static_cast<char>((checksum >> (8 * i)) & 0xff));
    }
  }
  switch (mode & 0x07) {
    case 0:
      CheckMessage(key, value);
      break;
    case 1:
      CheckStream(key, value);
      break;
    case 2:
      CheckSubject(key, value);
      break;
    case 3:
      CheckConsumer(key, value);
      break;
    default:
      CheckMeta(key, value);
      break;
  }
  return 0;
}
