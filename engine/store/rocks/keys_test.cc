#include "engine/store/rocks/keys.h"

#include "gtest/gtest.h"

namespace na::store::rocks {
namespace {

TEST(StoreKeysTest, MessageKeysSortByStreamThenSequence) {
  EXPECT_LT(MessageKey(1, 255), MessageKey(1, 256));
  EXPECT_LT(MessageKey(1, ~0ULL), MessageKey(2, 0));
  auto parsed = ParseMessageKey(MessageKey(7, 0x0102030405060708ULL));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->stream_id, 7u);
  EXPECT_EQ(parsed->seq, 0x0102030405060708ULL);
  EXPECT_FALSE(ParseMessageKey("short").has_value());
}

TEST(StoreKeysTest, SubjectIndexKeysRoundTripAnyBytes) {
  const std::string subject("a.b\0c", 5);
  std::string key = SubjectIndexKey(3, subject, 42);
  auto parsed = ParseSubjectIndexKey(key);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->stream_id, 3u);
  EXPECT_EQ(parsed->subject, subject);
  EXPECT_EQ(parsed->seq, 42u);
  // One subject's keys are contiguous and ordered by sequence.
  EXPECT_LT(SubjectIndexKey(3, "a", 9), SubjectIndexKey(3, "a", 10));
  EXPECT_EQ(key.rfind(SubjectIndexPrefix(3, subject), 0), 0u);
  EXPECT_FALSE(ParseSubjectIndexKey(key.substr(0, key.size() - 1)).has_value());
  std::string built = "stale";
  BuildSubjectIndexKey(3, subject, 42, &built);
  EXPECT_EQ(built, key);
  BuildMessageKey(3, 42, &built);
  EXPECT_EQ(built, MessageKey(3, 42));
}

TEST(StoreKeysTest, StreamsKeysDistinguishRecordsFromSubjects) {
  auto record = ParseStreamsKey(StreamRecordKey(9));
  ASSERT_TRUE(record.has_value());
  EXPECT_FALSE(record->is_subject);
  const std::string subject_key = SubjectRecordKey(9, "orders.x");
  auto subject = ParseStreamsKey(subject_key);
  ASSERT_TRUE(subject.has_value());
  EXPECT_TRUE(subject->is_subject);
  EXPECT_EQ(subject->subject, "orders.x");
  EXPECT_FALSE(ParseStreamsKey(StreamPrefix(9) + "\x02").has_value());
  const std::string consumer_key = ConsumerKey(9, "dur");
  auto consumer = ParseConsumerKey(consumer_key);
  ASSERT_TRUE(consumer.has_value());
  EXPECT_EQ(consumer->name, "dur");
}

}  // namespace
}  // namespace na::store::rocks
