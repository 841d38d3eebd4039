#include "engine/store/rocks/record.h"

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "engine/store/rocks/keys.h"
#include "flatbuffers/flatbuffers.h"
#include "gtest/gtest.h"

namespace na::store::rocks {
namespace {

TEST(StoreRecordTest, MessageRoundTrips) {
  flatbuffers::FlatBufferBuilder builder;
  std::string value;
  Message message;
  message.subject = "orders.1";
  message.headers = "NATS/1.0\r\n\r\n";
  const std::string payload("pay\0load", 8);
  message.payload = payload;
  message.timestamp_ns = -5;
  const std::string key = MessageKey(1, 2);
  EncodeMessageRecord(key, message, &builder, &value);
  StoredMessage out;
  ASSERT_TRUE(DecodeMessageRecord(key, value, &out).ok());
  EXPECT_EQ(out.subject, "orders.1");
  EXPECT_EQ(out.headers, "NATS/1.0\r\n\r\n");
  EXPECT_EQ(out.payload, std::string("pay\0load", 8));
  EXPECT_EQ(out.timestamp_ns, -5);
}

TEST(StoreRecordTest, EveryFlippedBitIsDataLoss) {
  flatbuffers::FlatBufferBuilder builder;
  std::string value;
  Message message;
  message.subject = "s";
  message.payload = "hello";
  const std::string key = MessageKey(1, 2);
  EncodeMessageRecord(key, message, &builder, &value);
  for (size_t byte = 0; byte < value.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string flipped = value;
      flipped[byte] = static_cast<char>(flipped[byte] ^ (1 << bit));
      StoredMessage out;
      absl::Status status = DecodeMessageRecord(key, flipped, &out);
      EXPECT_TRUE(absl::IsDataLoss(status)) << "byte " << byte << " bit " << bit;
    }
  }
  StoredMessage out;
  EXPECT_TRUE(absl::IsDataLoss(DecodeMessageRecord(key, value.substr(0, 5), &out)));
  // The same bytes under another key do not verify either.
  EXPECT_EQ(DecodeMessageRecord(MessageKey(1, 3), value, &out).message(), "checksum mismatch");
}

TEST(StoreRecordTest, StreamSubjectConsumerAndMetaRoundTrip) {
  flatbuffers::FlatBufferBuilder builder;
  std::string value;
  StreamRecord record;
  record.config.name = "ORDERS";
  record.config.subjects = {"orders.>", "x"};
  record.config.max_msgs = 10;
  record.config.max_age_ns = 99;
  record.config.discard = DiscardPolicy::kNew;
  record.config.storage = StorageKind::kMemory;
  record.config.discard_new_per_subject = true;
  record.config.opaque = "{}";
  record.first_seq = 3;
  record.last_seq = 9;
  record.msgs = 4;
  record.bytes = 400;
  record.first_ts_ns = 1;
  record.last_ts_ns = 2;
  EncodeStreamRecord("k", record, &builder, &value);
  StreamRecord decoded;
  ASSERT_TRUE(DecodeStreamRecord("k", value, &decoded).ok());
  EXPECT_EQ(decoded, record);

  SubjectState state{2, 3, 9};
  EncodeSubjectRecord("s", state, &builder, &value);
  SubjectState decoded_state;
  ASSERT_TRUE(DecodeSubjectRecord("s", value, &decoded_state).ok());
  EXPECT_EQ(decoded_state, state);

  ConsumerRecord consumer;
  consumer.name = "c";
  consumer.config = "cfg";
  consumer.state.delivered = {4, 8};
  consumer.state.ack_floor = {1, 2};
  consumer.state.pending[5] = {3, 77};
  consumer.state.redelivered[5] = 1;
  EncodeConsumerRecord("c", consumer, &builder, &value);
  ConsumerRecord decoded_consumer;
  ASSERT_TRUE(DecodeConsumerRecord("c", value, &decoded_consumer).ok());
  EXPECT_EQ(decoded_consumer, consumer);

  EncodeMetaRecord("m", kFormatVersion, &builder, &value);
  uint32_t version = 0;
  ASSERT_TRUE(DecodeMetaRecord("m", value, &version).ok());
  EXPECT_EQ(version, kFormatVersion);
}

// Writes `value` little-endian at `offset` of a hand-laid FlatBuffer.
template <typename T>
void Put(std::string* body, size_t offset, T value) {
  for (size_t i = 0; i < sizeof(T); ++i) {
    (*body)[offset + i] = static_cast<char>((static_cast<uint64_t>(value) >> (8 * i)) & 0xff);
  }
}

// A ConsumerRecord the Verifier accepts whose struct vectors start 4 bytes past an 8-byte
// boundary (the Verifier only checks the 4-byte length's alignment), as the record fuzzer found
// (fuzz/corpus/store_record/consumer_misaligned_struct_vector). Our encoder never writes this,
// but a disk can hand it back; decoding must not read the 8-byte fields in place (UBSan).
TEST(StoreRecordTest, ConsumerWithMisalignedStructVectorsDecodes) {
  std::string body(92, '\0');
  Put<uint32_t>(&body, 0, 24);  // root table at 24
  // vtable at 4: 8 fields, table of 12 bytes; pending (field 6) at +4, redelivered (7) at +8.
  Put<uint16_t>(&body, 4, 20);
  Put<uint16_t>(&body, 6, 12);
  Put<uint16_t>(&body, 20, 4);
  Put<uint16_t>(&body, 22, 8);
  Put<int32_t>(&body, 24, 24 - 4);    // table -> vtable
  Put<uint32_t>(&body, 28, 40 - 28);  // pending vector at 40, entries at 44
  Put<uint32_t>(&body, 32, 72 - 32);  // redelivered vector at 72, entries at 76
  Put<uint32_t>(&body, 40, 1);
  Put<uint64_t>(&body, 44, 9);    // stream_seq
  Put<uint64_t>(&body, 52, 3);    // consumer_seq
  Put<uint64_t>(&body, 60, 100);  // timestamp_ns
  Put<uint32_t>(&body, 72, 1);
  Put<uint64_t>(&body, 76, 9);  // stream_seq
  Put<uint64_t>(&body, 84, 2);  // count

  const std::string key = "consumer-key";
  std::string value = body;
  const uint64_t checksum = RecordChecksum(key, body);
  for (size_t i = 0; i < kChecksumBytes; ++i) {
    value.push_back(static_cast<char>((checksum >> (8 * i)) & 0xff));
  }
  ConsumerRecord expected;
  expected.state.pending[9] = {3, 100};
  expected.state.redelivered[9] = 2;
  // Decode from every start alignment: RocksDB hands values back at any address.
  for (size_t shift = 0; shift < 8; ++shift) {
    const std::string shifted = std::string(shift, 'x') + value;
    ConsumerRecord out;
    absl::Status status = DecodeConsumerRecord(key, absl::string_view(shifted).substr(shift), &out);
    ASSERT_TRUE(status.ok()) << "shift " << shift << ": " << status;
    EXPECT_EQ(out, expected) << "shift " << shift;
  }
}

}  // namespace
}  // namespace na::store::rocks
