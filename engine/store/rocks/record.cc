#include "engine/store/rocks/record.h"

#include <xxhash.h>

#include <cstring>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "engine/store/rocks/store_records_generated.h"
#include "flatbuffers/flatbuffers.h"

namespace na::store::rocks {
namespace {

absl::Status Corrupt(absl::string_view what) { return absl::DataLossError(what); }

void Seal(absl::string_view key, flatbuffers::FlatBufferBuilder* builder, std::string* out) {
  absl::string_view body(reinterpret_cast<const char*>(builder->GetBufferPointer()),
                         builder->GetSize());
  const uint64_t checksum = RecordChecksum(key, body);
  out->assign(body.data(), body.size());
  char trailer[kChecksumBytes];
  for (size_t i = 0; i < kChecksumBytes; ++i) {
    trailer[i] = static_cast<char>((checksum >> (8 * i)) & 0xff);
  }
  out->append(trailer, kChecksumBytes);
}

// FlatBuffers reads scalars in place and needs them aligned (8 bytes for our tables); bytes from
// a RocksDB block can sit at any address, so those are copied into `storage` first.
template <typename Table>
absl::Status Open(absl::string_view key, absl::string_view value, std::string* storage,
                  const Table** table) {
  absl::string_view body;
  if (absl::Status status = VerifyRecord(key, value, &body); !status.ok()) return status;
  if (reinterpret_cast<uintptr_t>(body.data()) % alignof(uint64_t) != 0) {
    storage->assign(body.data(), body.size());
    body = *storage;
  }
  flatbuffers::Verifier verifier(reinterpret_cast<const uint8_t*>(body.data()), body.size());
  if (!verifier.VerifyBuffer<Table>(nullptr)) return Corrupt("record fails FlatBuffers verify");
  *table = flatbuffers::GetRoot<Table>(body.data());
  return absl::OkStatus();
}

// The Verifier checks only that a vector's 4-byte length is aligned, so a crafted record can hold
// a vector of 8-byte structs at an address that is 4 mod 8; every entry is copied out of the raw
// bytes instead of being read in place.
template <typename Struct>
Struct StructAt(const flatbuffers::Vector<const Struct*>& vector, flatbuffers::uoffset_t i) {
  static_assert(std::is_trivially_copyable_v<Struct>);
  Struct entry;
  std::memcpy(&entry, vector.Data() + static_cast<size_t>(i) * sizeof(Struct), sizeof(Struct));
  return entry;
}

absl::string_view View(const flatbuffers::String* s) {
  return s == nullptr ? absl::string_view() : absl::string_view(s->data(), s->size());
}

absl::string_view View(const flatbuffers::Vector<uint8_t>* v) {
  return v == nullptr ? absl::string_view()
                      : absl::string_view(reinterpret_cast<const char*>(v->data()), v->size());
}

flatbuffers::Offset<flatbuffers::Vector<uint8_t>> Bytes(flatbuffers::FlatBufferBuilder* builder,
                                                        absl::string_view bytes) {
  return builder->CreateVector(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
}

flatbuffers::Offset<flatbuffers::String> String(flatbuffers::FlatBufferBuilder* builder,
                                                absl::string_view s) {
  return builder->CreateString(s.data(), s.size());
}

}  // namespace

uint64_t RecordChecksum(absl::string_view key, absl::string_view body) {
  const XXH64_hash_t seed = XXH3_64bits(key.data(), key.size());
  return XXH3_64bits_withSeed(body.data(), body.size(), seed);
}

absl::Status VerifyRecord(absl::string_view key, absl::string_view value, absl::string_view* body) {
  if (value.size() < kChecksumBytes) return Corrupt("record shorter than its checksum");
  *body = value.substr(0, value.size() - kChecksumBytes);
  uint64_t stored = 0;
  for (size_t i = 0; i < kChecksumBytes; ++i) {
    stored |= static_cast<uint64_t>(static_cast<uint8_t>(value[body->size() + i])) << (8 * i);
  }
  if (stored != RecordChecksum(key, *body)) return Corrupt("checksum mismatch");
  return absl::OkStatus();
}

void EncodeMessageRecord(absl::string_view key, const Message& message,
                         flatbuffers::FlatBufferBuilder* builder, std::string* out) {
  builder->Clear();
  auto subject = String(builder, message.subject);
  auto headers = Bytes(builder, message.headers);
  auto payload = Bytes(builder, message.payload);
  builder->Finish(
      fb::CreateMessageRecord(*builder, message.timestamp_ns, subject, headers, payload));
  Seal(key, builder, out);
}

absl::Status DecodeMessageRecord(absl::string_view key, absl::string_view value,
                                 StoredMessage* out) {
  const fb::MessageRecord* record = nullptr;
  std::string storage;
  if (absl::Status status = Open(key, value, &storage, &record); !status.ok()) return status;
  out->timestamp_ns = record->timestamp_ns();
  absl::string_view subject = View(record->subject());
  absl::string_view headers = View(record->headers());
  absl::string_view payload = View(record->payload());
  out->subject.assign(subject.data(), subject.size());
  out->headers.assign(headers.data(), headers.size());
  out->payload.assign(payload.data(), payload.size());
  if (out->subject.empty()) return Corrupt("message record without a subject");
  return absl::OkStatus();
}

void EncodeStreamRecord(absl::string_view key, const StreamRecord& record,
                        flatbuffers::FlatBufferBuilder* builder, std::string* out) {
  builder->Clear();
  const StreamConfig& config = record.config;
  std::vector<flatbuffers::Offset<flatbuffers::String>> subjects;
  subjects.reserve(config.subjects.size());
  for (const std::string& subject : config.subjects) subjects.push_back(String(builder, subject));
  auto name = String(builder, config.name);
  auto subject_vector = builder->CreateVector(subjects);
  auto opaque = Bytes(builder, config.opaque);
  auto config_record = fb::CreateStreamConfigRecord(
      *builder, name, subject_vector, config.max_msgs, config.max_bytes, config.max_age_ns,
      config.max_msgs_per_subject, config.max_msg_size_bytes, static_cast<uint8_t>(config.discard),
      config.discard_new_per_subject, static_cast<uint8_t>(config.storage), opaque);
  builder->Finish(fb::CreateStreamRecord(*builder, config_record, record.first_seq, record.last_seq,
                                         record.first_ts_ns, record.last_ts_ns, record.msgs,
                                         record.bytes));
  Seal(key, builder, out);
}

absl::Status DecodeStreamRecord(absl::string_view key, absl::string_view value, StreamRecord* out) {
  const fb::StreamRecord* record = nullptr;
  std::string storage;
  if (absl::Status status = Open(key, value, &storage, &record); !status.ok()) return status;
  const fb::StreamConfigRecord* config = record->config();
  if (config == nullptr) return Corrupt("stream record without a config");
  if (config->discard() > static_cast<uint8_t>(DiscardPolicy::kNew)) {
    return Corrupt("stream record with an unknown discard policy");
  }
  if (config->storage() > static_cast<uint8_t>(StorageKind::kMemory)) {
    return Corrupt("stream record with an unknown storage kind");
  }
  StreamConfig& c = out->config;
  c.name = std::string(View(config->name()));
  c.subjects.clear();
  if (config->subjects() != nullptr) {
    for (const flatbuffers::String* subject : *config->subjects()) {
      c.subjects.emplace_back(View(subject));
    }
  }
  c.max_msgs = config->max_msgs();
  c.max_bytes = config->max_bytes();
  c.max_age_ns = config->max_age_ns();
  c.max_msgs_per_subject = config->max_msgs_per_subject();
  c.max_msg_size_bytes = config->max_msg_size_bytes();
  c.discard = static_cast<DiscardPolicy>(config->discard());
  c.discard_new_per_subject = config->discard_new_per_subject();
  c.storage = static_cast<StorageKind>(config->storage());
  c.opaque = std::string(View(config->opaque()));
  out->first_seq = record->first_seq();
  out->last_seq = record->last_seq();
  out->first_ts_ns = record->first_ts_ns();
  out->last_ts_ns = record->last_ts_ns();
  out->msgs = record->msgs();
  out->bytes = record->bytes();
  return absl::OkStatus();
}

void EncodeSubjectRecord(absl::string_view key, const SubjectState& state,
                         flatbuffers::FlatBufferBuilder* builder, std::string* out) {
  builder->Clear();
  builder->Finish(fb::CreateSubjectRecord(*builder, state.msgs, state.first_seq, state.last_seq));
  Seal(key, builder, out);
}

absl::Status DecodeSubjectRecord(absl::string_view key, absl::string_view value,
                                 SubjectState* out) {
  const fb::SubjectRecord* record = nullptr;
  std::string storage;
  if (absl::Status status = Open(key, value, &storage, &record); !status.ok()) return status;
  out->msgs = record->msgs();
  out->first_seq = record->first_seq();
  out->last_seq = record->last_seq();
  if (out->msgs == 0 || out->first_seq > out->last_seq) {
    return Corrupt("subject record with inconsistent counts");
  }
  return absl::OkStatus();
}

void EncodeConsumerRecord(absl::string_view key, const ConsumerRecord& consumer,
                          flatbuffers::FlatBufferBuilder* builder, std::string* out) {
  builder->Clear();
  std::vector<fb::PendingEntry> pending;
  pending.reserve(consumer.state.pending.size());
  for (const auto& [seq, entry] : consumer.state.pending) {
    pending.emplace_back(seq, entry.consumer_seq, entry.timestamp_ns);
  }
  std::vector<fb::RedeliveredEntry> redelivered;
  redelivered.reserve(consumer.state.redelivered.size());
  for (const auto& [seq, count] : consumer.state.redelivered) redelivered.emplace_back(seq, count);
  auto name = String(builder, consumer.name);
  auto config = Bytes(builder, consumer.config);
  auto pending_vector = builder->CreateVectorOfStructs(pending);
  auto redelivered_vector = builder->CreateVectorOfStructs(redelivered);
  const ConsumerState& s = consumer.state;
  builder->Finish(fb::CreateConsumerRecord(
      *builder, name, config, s.delivered.consumer_seq, s.delivered.stream_seq,
      s.ack_floor.consumer_seq, s.ack_floor.stream_seq, pending_vector, redelivered_vector));
  Seal(key, builder, out);
}

absl::Status DecodeConsumerRecord(absl::string_view key, absl::string_view value,
                                  ConsumerRecord* out) {
  const fb::ConsumerRecord* record = nullptr;
  std::string storage;
  if (absl::Status status = Open(key, value, &storage, &record); !status.ok()) return status;
  out->name = std::string(View(record->name()));
  out->config = std::string(View(record->config()));
  ConsumerState& s = out->state;
  s = ConsumerState();
  s.delivered = {record->delivered_consumer_seq(), record->delivered_stream_seq()};
  s.ack_floor = {record->ack_floor_consumer_seq(), record->ack_floor_stream_seq()};
  if (const auto* pending = record->pending(); pending != nullptr) {
    for (flatbuffers::uoffset_t i = 0; i < pending->size(); ++i) {
      const fb::PendingEntry entry = StructAt(*pending, i);
      s.pending[entry.stream_seq()] = {entry.consumer_seq(), entry.timestamp_ns()};
    }
  }
  if (const auto* redelivered = record->redelivered(); redelivered != nullptr) {
    for (flatbuffers::uoffset_t i = 0; i < redelivered->size(); ++i) {
      const fb::RedeliveredEntry entry = StructAt(*redelivered, i);
      s.redelivered[entry.stream_seq()] = entry.count();
    }
  }
  return absl::OkStatus();
}

void EncodeMetaRecord(absl::string_view key, uint32_t format_version,
                      flatbuffers::FlatBufferBuilder* builder, std::string* out) {
  builder->Clear();
  builder->Finish(fb::CreateMetaRecord(*builder, format_version));
  Seal(key, builder, out);
}

absl::Status DecodeMetaRecord(absl::string_view key, absl::string_view value,
                              uint32_t* format_version) {
  const fb::MetaRecord* record = nullptr;
  std::string storage;
  if (absl::Status status = Open(key, value, &storage, &record); !status.ok()) return status;
  *format_version = record->format_version();
  return absl::OkStatus();
}

}  // namespace na::store::rocks
