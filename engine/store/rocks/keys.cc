#include "engine/store/rocks/keys.h"

namespace na::store::rocks {

void AppendBigEndian64(uint64_t value, std::string* out) {
  char bytes[8];
  for (int i = 7; i >= 0; --i) {
    bytes[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  out->append(bytes, 8);
}

uint64_t ReadBigEndian64(absl::string_view bytes) {
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) {
    value = (value << 8) | static_cast<uint8_t>(bytes[static_cast<size_t>(i)]);
  }
  return value;
}

std::string StreamPrefix(uint64_t stream_id) {
  std::string key;
  AppendBigEndian64(stream_id, &key);
  return key;
}

std::string MessageKey(uint64_t stream_id, uint64_t seq) {
  std::string key;
  key.reserve(16);
  AppendBigEndian64(stream_id, &key);
  AppendBigEndian64(seq, &key);
  return key;
}

std::string SubjectIndexPrefix(uint64_t stream_id, absl::string_view subject) {
  std::string key;
  key.reserve(8 + 2 + subject.size() + 8);
  AppendBigEndian64(stream_id, &key);
  key.push_back(static_cast<char>((subject.size() >> 8) & 0xff));
  key.push_back(static_cast<char>(subject.size() & 0xff));
  key.append(subject.data(), subject.size());
  return key;
}

std::string SubjectIndexKey(uint64_t stream_id, absl::string_view subject, uint64_t seq) {
  std::string key = SubjectIndexPrefix(stream_id, subject);
  AppendBigEndian64(seq, &key);
  return key;
}

std::string StreamRecordKey(uint64_t stream_id) {
  std::string key = StreamPrefix(stream_id);
  key.push_back(kStreamRecordTag);
  return key;
}

std::string SubjectRecordPrefix(uint64_t stream_id) {
  std::string key = StreamPrefix(stream_id);
  key.push_back(kSubjectRecordTag);
  return key;
}

std::string SubjectRecordKey(uint64_t stream_id, absl::string_view subject) {
  std::string key = SubjectRecordPrefix(stream_id);
  key.append(subject.data(), subject.size());
  return key;
}

std::string ConsumerKey(uint64_t stream_id, absl::string_view name) {
  std::string key = StreamPrefix(stream_id);
  key.append(name.data(), name.size());
  return key;
}

void BuildMessageKey(uint64_t stream_id, uint64_t seq, std::string* out) {
  out->clear();
  AppendBigEndian64(stream_id, out);
  AppendBigEndian64(seq, out);
}

void BuildSubjectIndexKey(uint64_t stream_id, absl::string_view subject, uint64_t seq,
                          std::string* out) {
  out->clear();
  AppendBigEndian64(stream_id, out);
  out->push_back(static_cast<char>((subject.size() >> 8) & 0xff));
  out->push_back(static_cast<char>(subject.size() & 0xff));
  out->append(subject.data(), subject.size());
  AppendBigEndian64(seq, out);
}

std::optional<ParsedMessageKey> ParseMessageKey(absl::string_view key) {
  if (key.size() != 16) return std::nullopt;
  return ParsedMessageKey{ReadBigEndian64(key), ReadBigEndian64(key.substr(8))};
}

std::optional<ParsedSubjectIndexKey> ParseSubjectIndexKey(absl::string_view key) {
  if (key.size() < 8 + 2 + 8) return std::nullopt;
  const size_t subject_bytes =
      (static_cast<size_t>(static_cast<uint8_t>(key[8])) << 8) | static_cast<uint8_t>(key[9]);
  if (key.size() != 8 + 2 + subject_bytes + 8) return std::nullopt;
  return ParsedSubjectIndexKey{ReadBigEndian64(key), key.substr(10, subject_bytes),
                               ReadBigEndian64(key.substr(10 + subject_bytes))};
}

std::optional<ParsedStreamsKey> ParseStreamsKey(absl::string_view key) {
  if (key.size() < 9) return std::nullopt;
  ParsedStreamsKey parsed;
  parsed.stream_id = ReadBigEndian64(key);
  if (key[8] == kStreamRecordTag) {
    if (key.size() != 9) return std::nullopt;
    return parsed;
  }
  if (key[8] != kSubjectRecordTag || key.size() == 9) return std::nullopt;
  parsed.is_subject = true;
  parsed.subject = key.substr(9);
  return parsed;
}

std::optional<ParsedConsumerKey> ParseConsumerKey(absl::string_view key) {
  if (key.size() <= 8) return std::nullopt;
  return ParsedConsumerKey{ReadBigEndian64(key), key.substr(8)};
}

}  // namespace na::store::rocks
