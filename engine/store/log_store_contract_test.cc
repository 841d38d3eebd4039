// The LogStore contract: one typed suite, run against MemLogStore and RocksLogStore.
//
// Each case states behaviour a JetStream user would see (sequences, limits, exact nats error
// texts, purge results, what survives a crash). A Harness opens a store, can "crash" it (drop
// everything not synced) and reopen it.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/store/log_store.h"
#include "engine/store/log_store_test_harness.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace na::store {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

template <typename Harness>
class LogStoreContractTest : public ::testing::Test {
 protected:
  void SetUp() override { harness_.Open(); }

  LogStore& store() { return harness_.store(); }
  void Crash() { harness_.Crash(); }

  StreamConfig Config(absl::string_view name = "ORDERS") {
    StreamConfig config;
    config.name = std::string(name);
    config.subjects = {"orders.>"};
    return config;
  }

  void Create(const StreamConfig& config, StreamId id = 1) {
    ASSERT_TRUE(store().CreateStream(id, config).ok());
  }

  // Appends one message; returns its sequence or the rejection.
  AppendResult Put(absl::string_view subject, absl::string_view payload = "data",
                   int64_t ts_ns = 1000, StreamId id = 1, absl::string_view headers = "") {
    Message message;
    message.subject = subject;
    message.payload = payload;
    message.headers = headers;
    message.timestamp_ns = ts_ns;
    std::vector<AppendResult> results;
    absl::Status status = store().Append(id, absl::MakeConstSpan(&message, 1), &results);
    EXPECT_TRUE(status.ok()) << status;
    if (!status.ok() || results.size() != 1) return AppendResult{0, status};
    return results[0];
  }

  uint64_t MustPut(absl::string_view subject, absl::string_view payload = "data",
                   int64_t ts_ns = 1000) {
    AppendResult result = Put(subject, payload, ts_ns);
    EXPECT_TRUE(result.status.ok()) << result.status;
    return result.seq;
  }

  StreamState State(bool deleted = false, std::string subjects = "") {
    StateOptions options;
    options.deleted_details = deleted;
    options.subjects_filter = std::move(subjects);
    auto state = store().GetStreamState(1, options);
    EXPECT_TRUE(state.ok()) << state.status();
    return state.ok() ? *state : StreamState();
  }

  // Sequences of every stored message matching `filter`, via LoadNextMessage.
  std::vector<uint64_t> Scan(absl::string_view filter) {
    std::vector<uint64_t> seqs;
    StoredMessage message;
    uint64_t next = 0;
    while (true) {
      absl::Status status = store().LoadNextMessage(1, filter, next, &message);
      if (absl::IsOutOfRange(status)) break;
      EXPECT_TRUE(status.ok()) << status;
      if (!status.ok()) break;
      seqs.push_back(message.seq);
      next = message.seq + 1;
    }
    return seqs;
  }

  Harness harness_;
};

using Harnesses = ::testing::Types<MemHarness, RocksHarness>;
TYPED_TEST_SUITE(LogStoreContractTest, Harnesses);

TYPED_TEST(LogStoreContractTest, AppendAssignsSequencesAndLoadsMessagesBack) {
  this->Create(this->Config());
  EXPECT_EQ(this->MustPut("orders.a", "one", 10), 1u);
  AppendResult second = this->Put("orders.b", "two", 20, 1, "NATS/1.0\r\nX: y\r\n\r\n");
  EXPECT_EQ(second.seq, 2u);

  StoredMessage message;
  ASSERT_TRUE(this->store().LoadMessage(1, 2, &message).ok());
  EXPECT_EQ(message.seq, 2u);
  EXPECT_EQ(message.subject, "orders.b");
  EXPECT_EQ(message.headers, "NATS/1.0\r\nX: y\r\n\r\n");
  EXPECT_EQ(message.payload, "two");
  EXPECT_EQ(message.timestamp_ns, 20);

  StreamState state = this->State();
  EXPECT_EQ(state.msgs, 2u);
  EXPECT_EQ(state.first_seq, 1u);
  EXPECT_EQ(state.last_seq, 2u);
  EXPECT_EQ(state.first_ts_ns, 10);
  EXPECT_EQ(state.last_ts_ns, 20);
  EXPECT_EQ(state.num_subjects, 2u);
}

TYPED_TEST(LogStoreContractTest, LoadErrorsDistinguishDeletedFromPastTheEnd) {
  this->Create(this->Config());
  this->MustPut("orders.a");
  this->MustPut("orders.a");
  ASSERT_TRUE(*this->store().DeleteMessage(1, 1, false));
  StoredMessage message;
  absl::Status deleted = this->store().LoadMessage(1, 1, &message);
  EXPECT_TRUE(absl::IsNotFound(deleted));
  EXPECT_EQ(deleted.message(), "no message found");
  absl::Status eof = this->store().LoadMessage(1, 3, &message);
  EXPECT_TRUE(absl::IsOutOfRange(eof));
  EXPECT_EQ(eof.message(), "stream store EOF");
  EXPECT_TRUE(absl::IsNotFound(this->store().LoadMessage(7, 1, &message)));
}

TYPED_TEST(LogStoreContractTest, BytesFollowNatsSizeFormulaPerStorageKind) {
  StreamConfig file = this->Config("F");
  this->Create(file, 1);
  StreamConfig memory = this->Config("M");
  memory.storage = StorageKind::kMemory;
  this->Create(memory, 2);
  // subject 8 bytes, payload 5, no headers; then headers of 12 bytes.
  this->Put("orders.a", "hello", 1, 1);
  this->Put("orders.a", "hello", 1, 1, "NATS/1.0\r\n\r\n");
  this->Put("orders.a", "hello", 1, 2);
  this->Put("orders.a", "hello", 1, 2, "NATS/1.0\r\n\r\n");
  EXPECT_EQ(this->store().GetStreamState(1, {})->bytes,
            (22 + 8 + 5 + 8) + (22 + 8 + 4 + 12 + 5 + 8));
  EXPECT_EQ(this->store().GetStreamState(2, {})->bytes, (8 + 5 + 16) + (8 + 12 + 5 + 16));
}

TYPED_TEST(LogStoreContractTest, MaxMsgsDiscardOldDropsOldest) {
  StreamConfig config = this->Config();
  config.max_msgs = 3;
  this->Create(config);
  for (int i = 0; i < 5; ++i) this->MustPut("orders.a");
  StreamState state = this->State();
  EXPECT_EQ(state.msgs, 3u);
  EXPECT_EQ(state.first_seq, 3u);
  EXPECT_EQ(state.last_seq, 5u);
  EXPECT_EQ(this->store().GetSubjectsState(1, ">")->at("orders.a").first_seq, 3u);
}

TYPED_TEST(LogStoreContractTest, MaxMsgsDiscardNewRejectsWithNatsError) {
  StreamConfig config = this->Config();
  config.max_msgs = 2;
  config.discard = DiscardPolicy::kNew;
  this->Create(config);
  this->MustPut("orders.a");
  this->MustPut("orders.b");
  AppendResult rejected = this->Put("orders.c");
  EXPECT_EQ(rejected.seq, 0u);
  EXPECT_TRUE(absl::IsResourceExhausted(rejected.status));
  EXPECT_EQ(rejected.status.message(), "maximum messages exceeded");
  EXPECT_EQ(this->State().last_seq, 2u);
  // A rejection does not consume a sequence.
  ASSERT_TRUE(*this->store().DeleteMessage(1, 1, false));
  EXPECT_EQ(this->MustPut("orders.c"), 3u);
}

TYPED_TEST(LogStoreContractTest, MaxBytesDiscardOldDropsUntilUnderLimit) {
  StreamConfig config = this->Config();
  config.storage = StorageKind::kMemory;
  config.max_bytes = 100;  // each message: 8 + 14 + 16 = 38 bytes
  this->Create(config);
  for (int i = 0; i < 4; ++i) this->MustPut("orders.a", "12345678901234");
  StreamState state = this->State();
  EXPECT_EQ(state.msgs, 2u);
  EXPECT_EQ(state.bytes, 76u);
  EXPECT_EQ(state.first_seq, 3u);
}

TYPED_TEST(LogStoreContractTest, MaxBytesDiscardNewUsesNatsComparison) {
  StreamConfig config = this->Config();
  config.storage = StorageKind::kMemory;
  config.max_bytes = 60;
  config.discard = DiscardPolicy::kNew;
  this->Create(config);
  // 8 + 10 + 16 = 34 bytes stored. nats rejects when bytes + len(hdr)+len(msg) >= max_bytes.
  this->MustPut("orders.a", "0123456789");
  AppendResult fits = this->Put("orders.a", std::string(25, 'x'));  // 34 + 25 = 59 < 60
  EXPECT_TRUE(fits.status.ok()) << fits.status;
  // Stored now: 34 + 49 = 83 > 60, so the oldest went (nats enforces bytes after storing too).
  EXPECT_EQ(this->State().msgs, 1u);
  AppendResult rejected = this->Put("orders.a", std::string(11, 'x'));  // 49 + 11 = 60 >= 60
  EXPECT_TRUE(absl::IsResourceExhausted(rejected.status));
  EXPECT_EQ(rejected.status.message(), "maximum bytes exceeded");
}

// Sequences, rejections and final state observed from nats-server 2.9.10 (nats.go publishing
// into streams with these configs; payloads of n 'x' bytes on a 3-byte subject).
TYPED_TEST(LogStoreContractTest, ReproducesNatsServerObservations) {
  struct Publish {
    int payload_bytes;
    uint64_t seq;  // 0: rejected with `error`
    absl::string_view error;
  };
  struct Case {
    StreamConfig config;
    std::vector<Publish> publishes;
    uint64_t msgs, bytes, first_seq, last_seq;
  };
  std::vector<Case> cases(4);
  cases[0].config.storage = StorageKind::kMemory;
  cases[0].config.max_bytes = 60;
  cases[0].config.discard = DiscardPolicy::kNew;
  cases[0].publishes = {{10, 1, ""}, {25, 2, ""}, {11, 3, ""}, {10, 4, ""}};
  cases[0].msgs = 2, cases[0].bytes = 59, cases[0].first_seq = 3, cases[0].last_seq = 4;
  cases[1].config.max_bytes = 120;
  cases[1].config.discard = DiscardPolicy::kNew;
  cases[1].publishes = {{10, 1, ""}, {40, 2, ""}, {50, 0, kErrMaxBytes}, {1, 3, ""}};
  cases[1].msgs = 2, cases[1].bytes = 107, cases[1].first_seq = 2, cases[1].last_seq = 3;
  cases[2].config.max_msg_size_bytes = 10;
  cases[2].publishes = {{10, 1, ""}, {11, 0, kErrMessageTooLarge}};
  cases[2].msgs = 1, cases[2].bytes = 43, cases[2].first_seq = 1, cases[2].last_seq = 1;
  cases[3].config.max_msgs_per_subject = 1;
  cases[3].config.discard = DiscardPolicy::kNew;
  cases[3].config.discard_new_per_subject = true;
  cases[3].publishes = {{1, 1, ""}, {1, 0, kErrMaxMsgsPerSubject}};
  cases[3].msgs = 1, cases[3].bytes = 34, cases[3].first_seq = 1, cases[3].last_seq = 1;
  StreamId id = 10;
  for (Case& c : cases) {
    c.config.name = absl::StrCat("S", id);
    this->Create(c.config, id);
    for (const Publish& publish : c.publishes) {
      AppendResult result = this->Put("S.a", std::string(publish.payload_bytes, 'x'), 1, id);
      EXPECT_EQ(result.seq, publish.seq) << "stream " << id;
      EXPECT_EQ(result.status.message(), publish.error) << "stream " << id;
    }
    StreamState state = *this->store().GetStreamState(id, {});
    EXPECT_EQ(state.msgs, c.msgs) << "stream " << id;
    EXPECT_EQ(state.bytes, c.bytes) << "stream " << id;
    EXPECT_EQ(state.first_seq, c.first_seq) << "stream " << id;
    EXPECT_EQ(state.last_seq, c.last_seq) << "stream " << id;
    id++;
  }
}

TYPED_TEST(LogStoreContractTest, MaxMsgsPerSubjectKeepsNewestPerSubject) {
  StreamConfig config = this->Config();
  config.max_msgs_per_subject = 2;
  this->Create(config);
  this->MustPut("orders.a");  // 1
  this->MustPut("orders.b");  // 2
  this->MustPut("orders.a");  // 3
  this->MustPut("orders.a");  // 4 -> drops 1
  this->MustPut("orders.b");  // 5
  this->MustPut("orders.b");  // 6 -> drops 2
  EXPECT_THAT(this->Scan(">"), ElementsAre(3, 4, 5, 6));
  auto subjects = *this->store().GetSubjectsState(1, "");
  EXPECT_EQ(subjects.at("orders.a"), (SubjectState{2, 3, 4}));
  EXPECT_EQ(subjects.at("orders.b"), (SubjectState{2, 5, 6}));
  EXPECT_EQ(this->State().first_seq, 3u);
}

TYPED_TEST(LogStoreContractTest, DiscardNewPerSubjectRejectsAtSubjectLimit) {
  StreamConfig config = this->Config();
  config.max_msgs_per_subject = 1;
  config.discard = DiscardPolicy::kNew;
  config.discard_new_per_subject = true;
  this->Create(config);
  this->MustPut("orders.a");
  AppendResult rejected = this->Put("orders.a");
  EXPECT_TRUE(absl::IsResourceExhausted(rejected.status));
  EXPECT_EQ(rejected.status.message(), "maximum messages per subject exceeded");
  EXPECT_EQ(this->MustPut("orders.b"), 2u);
}

TYPED_TEST(LogStoreContractTest, DiscardNewAtMaxMsgsStillReplacesWithinFullSubject) {
  // nats: a message that will replace its subject's oldest (max_msgs_per_subject reached) is
  // allowed even when the stream is at max_msgs.
  StreamConfig config = this->Config();
  config.max_msgs = 2;
  config.max_msgs_per_subject = 1;
  config.discard = DiscardPolicy::kNew;
  this->Create(config);
  this->MustPut("orders.a");
  this->MustPut("orders.b");
  EXPECT_TRUE(absl::IsResourceExhausted(this->Put("orders.c").status));
  AppendResult replaced = this->Put("orders.a");
  ASSERT_TRUE(replaced.status.ok()) << replaced.status;
  EXPECT_EQ(replaced.seq, 3u);
  EXPECT_THAT(this->Scan(">"), ElementsAre(2, 3));
}

TYPED_TEST(LogStoreContractTest, MaxMsgSizeRejectsLargeMessages) {
  StreamConfig config = this->Config();
  config.max_msg_size_bytes = 10;
  this->Create(config);
  EXPECT_TRUE(this->Put("orders.a", "0123456789").status.ok());
  AppendResult rejected = this->Put("orders.a", "0123456789X");
  EXPECT_TRUE(absl::IsInvalidArgument(rejected.status));
  EXPECT_EQ(rejected.status.message(), "message size exceeds maximum allowed");
  // Headers count toward the size too.
  EXPECT_FALSE(this->Put("orders.a", "0123456", 1, 1, "NATS/1.0\r\n").status.ok());
}

TYPED_TEST(LogStoreContractTest, BatchRejectionsAreIndependent) {
  StreamConfig config = this->Config();
  config.max_msg_size_bytes = 3;
  this->Create(config);
  std::vector<Message> batch(3);
  batch[0].subject = "orders.a";
  batch[0].payload = "ok";
  batch[1].subject = "orders.a";
  batch[1].payload = "too big";
  batch[2].subject = "orders.b";
  batch[2].payload = "ok";
  std::vector<AppendResult> results;
  ASSERT_TRUE(this->store().Append(1, batch, &results).ok());
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].seq, 1u);
  EXPECT_FALSE(results[1].status.ok());
  EXPECT_EQ(results[2].seq, 2u);
}

TYPED_TEST(LogStoreContractTest, ExpectedSequenceMismatchIsRejected) {
  this->Create(this->Config());
  Message message;
  message.subject = "orders.a";
  message.expected_seq = 1;
  std::vector<AppendResult> results;
  ASSERT_TRUE(this->store().Append(1, absl::MakeConstSpan(&message, 1), &results).ok());
  EXPECT_EQ(results[0].seq, 1u);
  message.expected_seq = 5;
  ASSERT_TRUE(this->store().Append(1, absl::MakeConstSpan(&message, 1), &results).ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(results[0].status));
  EXPECT_EQ(results[0].status.message(), "expected sequence does not match store");
}

TYPED_TEST(LogStoreContractTest, DeletesLeaveSequenceGaps) {
  this->Create(this->Config());
  for (int i = 0; i < 6; ++i) this->MustPut("orders.a");
  EXPECT_TRUE(*this->store().DeleteMessage(1, 3, false));
  EXPECT_TRUE(*this->store().DeleteMessage(1, 4, true));
  EXPECT_FALSE(*this->store().DeleteMessage(1, 4, false));
  EXPECT_FALSE(*this->store().DeleteMessage(1, 99, false));
  StreamState state = this->State(/*deleted=*/true);
  EXPECT_EQ(state.msgs, 4u);
  EXPECT_EQ(state.num_deleted, 2u);
  EXPECT_THAT(state.deleted, ElementsAre(3, 4));
  // Deleting the first moves first_seq to the next stored message.
  EXPECT_TRUE(*this->store().DeleteMessage(1, 1, false));
  EXPECT_TRUE(*this->store().DeleteMessage(1, 2, false));
  state = this->State(true);
  EXPECT_EQ(state.first_seq, 5u);
  EXPECT_THAT(state.deleted, IsEmpty());
  EXPECT_EQ(this->MustPut("orders.a"), 7u);
}

TYPED_TEST(LogStoreContractTest, LoadNextMatchesWildcardFilters) {
  this->Create(this->Config());
  this->MustPut("orders.us.new");    // 1
  this->MustPut("orders.eu.new");    // 2
  this->MustPut("orders.us.paid");   // 3
  this->MustPut("orders.us.new.x");  // 4
  this->MustPut("orders.eu.paid");   // 5
  ASSERT_TRUE(*this->store().DeleteMessage(1, 3, false));
  EXPECT_THAT(this->Scan(""), ElementsAre(1, 2, 4, 5));
  EXPECT_THAT(this->Scan(">"), ElementsAre(1, 2, 4, 5));
  EXPECT_THAT(this->Scan("orders.us.*"), ElementsAre(1));
  EXPECT_THAT(this->Scan("orders.*.new"), ElementsAre(1, 2));
  EXPECT_THAT(this->Scan("orders.us.>"), ElementsAre(1, 4));
  EXPECT_THAT(this->Scan("orders.*.paid"), ElementsAre(5));
  EXPECT_THAT(this->Scan("orders.eu.new"), ElementsAre(2));
  EXPECT_THAT(this->Scan("nothing.here"), IsEmpty());
  StoredMessage message;
  ASSERT_TRUE(this->store().LoadNextMessage(1, "orders.*.new", 2, &message).ok());
  EXPECT_EQ(message.seq, 2u);
  EXPECT_TRUE(absl::IsOutOfRange(this->store().LoadNextMessage(1, "orders.*.new", 3, &message)));
}

TYPED_TEST(LogStoreContractTest, LoadNextScansWhenManySubjectsMatch) {
  this->Create(this->Config());
  for (int i = 0; i < 100; ++i) this->MustPut(absl::StrCat("orders.", i, ".x"));
  this->MustPut("orders.last.y");
  EXPECT_EQ(this->Scan("orders.*.x").size(), 100u);
  EXPECT_THAT(this->Scan("orders.*.y"), ElementsAre(101));
  StoredMessage message;
  ASSERT_TRUE(this->store().LoadNextMessage(1, "orders.>", 50, &message).ok());
  EXPECT_EQ(message.seq, 50u);
}

TYPED_TEST(LogStoreContractTest, WildcardsOverManySubjectsLikeAKeyValueBucket) {
  this->Create(this->Config());
  for (int i = 0; i < 300; ++i) {
    this->MustPut(absl::StrCat("kv.one.k", i));  // odd seqs
    this->MustPut(absl::StrCat("kv.two.k", i));  // even seqs
  }
  StoredMessage message;
  ASSERT_TRUE(this->store().LoadNextMessage(1, "kv.two.>", 0, &message).ok());
  EXPECT_EQ(message.seq, 2u);
  ASSERT_TRUE(this->store().LoadNextMessage(1, "kv.two.*", 301, &message).ok());
  EXPECT_EQ(message.seq, 302u);
  ASSERT_TRUE(this->store().LoadNextMessage(1, "*.one.k299", 0, &message).ok());
  EXPECT_EQ(message.seq, 599u);
  ASSERT_TRUE(this->store().LoadLastMessage(1, "kv.one.>", &message).ok());
  EXPECT_EQ(message.seq, 599u);
  EXPECT_EQ(*this->store().GetFilteredState(1, "kv.one.>", 0), (SubjectState{300, 1, 599}));
  EXPECT_EQ(this->store().GetSubjectsState(1, "kv.two.>")->size(), 300u);
  EXPECT_EQ(this->State(false, "kv.*.k7").subjects.size(), 2u);
  PurgeRequest purge;
  purge.filter = "kv.one.>";
  EXPECT_EQ(*this->store().Purge(1, purge), 300u);
  EXPECT_EQ(this->State().msgs, 300u);
  EXPECT_TRUE(absl::IsOutOfRange(this->store().LoadNextMessage(1, "kv.one.>", 0, &message)));
}

TYPED_TEST(LogStoreContractTest, LoadLastBySubjectAndWildcard) {
  this->Create(this->Config());
  this->MustPut("orders.a", "a1");  // 1
  this->MustPut("orders.b", "b1");  // 2
  this->MustPut("orders.a", "a2");  // 3
  this->MustPut("orders.c", "c1");  // 4
  StoredMessage message;
  ASSERT_TRUE(this->store().LoadLastMessage(1, "orders.a", &message).ok());
  EXPECT_EQ(message.payload, "a2");
  ASSERT_TRUE(this->store().LoadLastMessage(1, "orders.*", &message).ok());
  EXPECT_EQ(message.seq, 4u);
  ASSERT_TRUE(this->store().LoadLastMessage(1, "", &message).ok());
  EXPECT_EQ(message.seq, 4u);
  // Deleting the newest of a subject falls back to its previous message.
  ASSERT_TRUE(*this->store().DeleteMessage(1, 3, false));
  ASSERT_TRUE(this->store().LoadLastMessage(1, "orders.a", &message).ok());
  EXPECT_EQ(message.payload, "a1");
  absl::Status none = this->store().LoadLastMessage(1, "orders.zzz", &message);
  EXPECT_TRUE(absl::IsNotFound(none));
  EXPECT_EQ(none.message(), "no message found");
}

TYPED_TEST(LogStoreContractTest, FilteredStateCountsFromAStartSequence) {
  this->Create(this->Config());
  this->MustPut("orders.a");  // 1
  this->MustPut("orders.b");  // 2
  this->MustPut("orders.a");  // 3
  this->MustPut("orders.c");  // 4
  this->MustPut("orders.a");  // 5
  ASSERT_TRUE(*this->store().DeleteMessage(1, 3, false));
  EXPECT_EQ(*this->store().GetFilteredState(1, "orders.a", 0), (SubjectState{2, 1, 5}));
  EXPECT_EQ(*this->store().GetFilteredState(1, "orders.a", 2), (SubjectState{1, 5, 5}));
  EXPECT_EQ(*this->store().GetFilteredState(1, ">", 2), (SubjectState{3, 2, 5}));
  EXPECT_EQ(*this->store().GetFilteredState(1, "orders.*", 4), (SubjectState{2, 4, 5}));
  EXPECT_EQ(*this->store().GetFilteredState(1, "orders.b", 3), (SubjectState{}));
  EXPECT_EQ(*this->store().GetFilteredState(1, "", 6), (SubjectState{}));
}

TYPED_TEST(LogStoreContractTest, SeqForTimeFindsFirstMessageAtOrAfter) {
  this->Create(this->Config());
  EXPECT_EQ(*this->store().SeqForTime(1, 5), 1u);
  for (int i = 1; i <= 10; ++i) this->MustPut("orders.a", "x", i * 10);
  ASSERT_TRUE(*this->store().DeleteMessage(1, 5, false));
  EXPECT_EQ(*this->store().SeqForTime(1, 0), 1u);
  EXPECT_EQ(*this->store().SeqForTime(1, 30), 3u);
  EXPECT_EQ(*this->store().SeqForTime(1, 31), 4u);
  EXPECT_EQ(*this->store().SeqForTime(1, 41), 6u);  // 5 is deleted
  EXPECT_EQ(*this->store().SeqForTime(1, 100), 10u);
  EXPECT_EQ(*this->store().SeqForTime(1, 101), 11u);
}

TYPED_TEST(LogStoreContractTest, PurgeAllKeepsSequenceGoing) {
  this->Create(this->Config());
  for (int i = 0; i < 5; ++i) this->MustPut("orders.a");
  EXPECT_EQ(*this->store().Purge(1, PurgeRequest{}), 5u);
  StreamState state = this->State();
  EXPECT_EQ(state.msgs, 0u);
  EXPECT_EQ(state.bytes, 0u);
  EXPECT_EQ(state.first_seq, 6u);
  EXPECT_EQ(state.last_seq, 5u);
  EXPECT_EQ(state.num_subjects, 0u);
  EXPECT_EQ(this->MustPut("orders.b"), 6u);
  EXPECT_THAT(this->Scan(">"), ElementsAre(6));
}

TYPED_TEST(LogStoreContractTest, PurgeBySubjectKeepAndSequence) {
  this->Create(this->Config());
  for (int i = 0; i < 4; ++i) {
    this->MustPut("orders.a");  // 1 3 5 7
    this->MustPut("orders.b");  // 2 4 6 8
  }
  PurgeRequest keep;
  keep.filter = "orders.a";
  keep.keep = 1;
  EXPECT_EQ(*this->store().Purge(1, keep), 3u);
  EXPECT_THAT(this->Scan("orders.a"), ElementsAre(7));

  PurgeRequest upto;
  upto.filter = "orders.b";
  upto.up_to_seq = 6;
  EXPECT_EQ(*this->store().Purge(1, upto), 2u);
  EXPECT_THAT(this->Scan(">"), ElementsAre(6, 7, 8));
  EXPECT_EQ(this->State().first_seq, 6u);

  PurgeRequest bad;
  bad.filter = "orders.b";
  bad.up_to_seq = 5;
  bad.keep = 1;
  auto status = this->store().Purge(1, bad);
  EXPECT_TRUE(absl::IsInvalidArgument(status.status()));
  EXPECT_EQ(status.status().message(), "sequence > 1 && keep > 0 not allowed");

  PurgeRequest wildcard;
  wildcard.filter = "orders.*";
  EXPECT_EQ(*this->store().Purge(1, wildcard), 3u);
  EXPECT_EQ(this->State().msgs, 0u);
  EXPECT_EQ(this->State().first_seq, 9u);
}

// The purge sequence below was run against nats-server 2.9.10 ($JS.API.STREAM.PURGE, file and
// memory storage alike); purged counts and resulting states are its answers.
TYPED_TEST(LogStoreContractTest, ReproducesNatsServerPurgeObservations) {
  this->Create(this->Config());
  for (int i = 0; i < 4; ++i) {
    this->MustPut("X.a");
    this->MustPut("X.b");
  }
  struct Step {
    PurgeRequest request;
    uint64_t purged, msgs, first_seq, last_seq;
  };
  const Step steps[] = {
      {{"X.a", 0, 1}, 3, 5, 2, 8}, {{"X.b", 6, 0}, 2, 3, 6, 8}, {{"", 0, 2}, 1, 2, 7, 8},
      {{"", 1, 0}, 2, 0, 9, 8},    {{"", 20, 0}, 1, 0, 20, 19},  // after publishing X.c as seq 9
  };
  for (const Step& step : steps) {
    if (step.request.up_to_seq == 20) {
      EXPECT_EQ(this->MustPut("X.c"), 9u);
    }
    auto purged = this->store().Purge(1, step.request);
    ASSERT_TRUE(purged.ok()) << purged.status();
    EXPECT_EQ(*purged, step.purged) << step.request.filter << " " << step.request.up_to_seq;
    StreamState state = this->State();
    EXPECT_EQ(state.msgs, step.msgs);
    EXPECT_EQ(state.first_seq, step.first_seq);
    EXPECT_EQ(state.last_seq, step.last_seq);
  }
  EXPECT_EQ(this->MustPut("X.c"), 20u);
}

TYPED_TEST(LogStoreContractTest, PurgeKeepAndSequenceOnWholeStream) {
  this->Create(this->Config());
  for (int i = 0; i < 10; ++i) this->MustPut(i % 2 ? "orders.a" : "orders.b");
  PurgeRequest keep;
  keep.keep = 4;
  EXPECT_EQ(*this->store().Purge(1, keep), 6u);
  EXPECT_THAT(this->Scan(">"), ElementsAre(7, 8, 9, 10));
  PurgeRequest upto;
  upto.up_to_seq = 9;
  EXPECT_EQ(*this->store().Purge(1, upto), 2u);
  EXPECT_THAT(this->Scan(">"), ElementsAre(9, 10));
  EXPECT_EQ(this->store().GetSubjectsState(1, ">")->size(), 2u);
  keep.keep = 5;
  EXPECT_EQ(*this->store().Purge(1, keep), 0u);
}

TYPED_TEST(LogStoreContractTest, CompactRemovesBelowAndCanSkipAhead) {
  this->Create(this->Config());
  for (int i = 0; i < 5; ++i) this->MustPut("orders.a");
  ASSERT_TRUE(*this->store().DeleteMessage(1, 4, false));
  EXPECT_EQ(*this->store().Compact(1, 4), 3u);
  StreamState state = this->State();
  EXPECT_EQ(state.first_seq, 5u);
  EXPECT_EQ(state.msgs, 1u);
  EXPECT_EQ(this->store().GetSubjectsState(1, "orders.a")->at("orders.a"), (SubjectState{1, 5, 5}));
  EXPECT_EQ(*this->store().Compact(1, 100), 1u);
  state = this->State();
  EXPECT_EQ(state.first_seq, 100u);
  EXPECT_EQ(state.last_seq, 99u);
  EXPECT_EQ(this->MustPut("orders.a"), 100u);
}

TYPED_TEST(LogStoreContractTest, MaxAgeExpiresWithCallerClock) {
  StreamConfig config = this->Config();
  config.max_age_ns = 1000;
  this->Create(config);
  this->MustPut("orders.a", "x", 100);
  this->MustPut("orders.b", "x", 200);
  this->MustPut("orders.a", "x", 300);
  auto nothing = *this->store().ExpireMessages(1, 1099);
  EXPECT_EQ(nothing.removed, 0u);
  EXPECT_EQ(nothing.next_expiry_ns, 1100);
  auto some = *this->store().ExpireMessages(1, 1200);
  EXPECT_EQ(some.removed, 2u);
  EXPECT_EQ(some.next_expiry_ns, 1300);
  EXPECT_EQ(this->State().first_seq, 3u);
  EXPECT_EQ(this->store().GetSubjectsState(1, ">")->size(), 1u);
  auto all = *this->store().ExpireMessages(1, 5000);
  EXPECT_EQ(all.removed, 1u);
  EXPECT_EQ(all.next_expiry_ns, 0);
  EXPECT_EQ(this->State().first_seq, 4u);
}

TYPED_TEST(LogStoreContractTest, UpdateStreamEnforcesLoweredLimits) {
  this->Create(this->Config());
  for (int i = 0; i < 6; ++i) this->MustPut(i < 4 ? "orders.a" : "orders.b");
  StreamConfig config = this->Config();
  config.max_msgs_per_subject = 2;
  ASSERT_TRUE(this->store().UpdateStream(1, config).ok());
  EXPECT_THAT(this->Scan(">"), ElementsAre(3, 4, 5, 6));
  config.max_msgs = 1;
  ASSERT_TRUE(this->store().UpdateStream(1, config).ok());
  EXPECT_THAT(this->Scan(">"), ElementsAre(6));
  EXPECT_EQ(*this->store().GetStreamConfig(1), config);
  config.storage = StorageKind::kMemory;
  EXPECT_FALSE(this->store().UpdateStream(1, config).ok());
}

TYPED_TEST(LogStoreContractTest, StreamsListCreateDelete) {
  this->Create(this->Config("A"), 3);
  this->Create(this->Config("B"), 1);
  EXPECT_TRUE(absl::IsAlreadyExists(this->store().CreateStream(1, this->Config("C"))));
  EXPECT_FALSE(this->store().CreateStream(0, this->Config("Z")).ok());
  StreamConfig unnamed;
  EXPECT_TRUE(absl::IsInvalidArgument(this->store().CreateStream(9, unnamed)));
  std::vector<StreamInfo> streams = this->store().ListStreams();
  ASSERT_EQ(streams.size(), 2u);
  EXPECT_EQ(streams[0].id, 1u);
  EXPECT_EQ(streams[1].config.name, "A");
  this->MustPut("orders.a");
  ASSERT_TRUE(this->store().DeleteStream(1).ok());
  EXPECT_TRUE(absl::IsNotFound(this->store().DeleteStream(1)));
  // The id comes back only once its deletion is durable.
  EXPECT_TRUE(absl::IsFailedPrecondition(this->store().CreateStream(1, this->Config("B"))));
  ASSERT_TRUE(this->store().Sync().ok());
  ASSERT_TRUE(this->store().CreateStream(1, this->Config("B")).ok());
  EXPECT_EQ(this->State().msgs, 0u);
  EXPECT_THAT(this->Scan(">"), IsEmpty());
}

TYPED_TEST(LogStoreContractTest, ConsumerStateRoundTripsAndIsValidated) {
  this->Create(this->Config());
  ConsumerRecord consumer;
  consumer.name = "worker";
  consumer.config = R"({"durable_name":"worker"})";
  consumer.state.delivered = {5, 10};
  consumer.state.ack_floor = {2, 4};
  consumer.state.pending[7] = {3, 111};
  consumer.state.pending[10] = {5, 222};
  consumer.state.redelivered[7] = 2;
  ASSERT_TRUE(this->store().PutConsumer(1, consumer).ok());
  ConsumerRecord other = consumer;
  other.name = "audit";
  other.state = ConsumerState();
  ASSERT_TRUE(this->store().PutConsumer(1, other).ok());
  EXPECT_EQ(*this->store().LoadConsumer(1, "worker"), consumer);
  EXPECT_THAT(*this->store().ListConsumers(1), ElementsAre("audit", "worker"));

  ConsumerRecord bad = consumer;
  bad.state.ack_floor.stream_seq = 11;
  EXPECT_EQ(this->store().PutConsumer(1, bad).message(), "bad ack floor for stream");
  bad = consumer;
  bad.state.pending[3] = {1, 1};
  EXPECT_EQ(this->store().PutConsumer(1, bad).message(),
            "bad pending entry, sequence [3] out of range");

  ASSERT_TRUE(this->store().DeleteConsumer(1, "audit").ok());
  EXPECT_TRUE(absl::IsNotFound(this->store().DeleteConsumer(1, "audit")));
  EXPECT_TRUE(absl::IsNotFound(this->store().LoadConsumer(1, "audit").status()));
  EXPECT_THAT(*this->store().ListConsumers(1), ElementsAre("worker"));
}

TYPED_TEST(LogStoreContractTest, EverythingSyncedSurvivesACrash) {
  StreamConfig config = this->Config();
  config.max_msgs_per_subject = 3;
  config.opaque = "{\"json\":true}";
  this->Create(config);
  StreamConfig other = this->Config("OTHER");
  other.storage = StorageKind::kMemory;
  this->Create(other, 2);
  for (int i = 0; i < 20; ++i) this->MustPut(absl::StrCat("orders.", i % 4), "p", 100 + i);
  ASSERT_TRUE(*this->store().DeleteMessage(1, 18, false));
  ConsumerRecord consumer;
  consumer.name = "c";
  consumer.state.delivered = {3, 17};
  consumer.state.pending[17] = {3, 5};
  ASSERT_TRUE(this->store().PutConsumer(1, consumer).ok());
  const StreamState before = this->State(true, ">");
  const std::vector<uint64_t> seqs = this->Scan(">");
  ASSERT_TRUE(this->store().Sync().ok());

  this->Crash();
  EXPECT_EQ(this->State(true, ">"), before);
  EXPECT_EQ(this->Scan(">"), seqs);
  EXPECT_EQ(*this->store().GetStreamConfig(1), config);
  EXPECT_EQ(*this->store().GetStreamConfig(2), other);
  EXPECT_EQ(*this->store().LoadConsumer(1, "c"), consumer);
  // The limits still hold after recovery.
  this->MustPut("orders.1");
  EXPECT_EQ(this->store().GetSubjectsState(1, "orders.1")->at("orders.1").msgs, 3u);
}

TYPED_TEST(LogStoreContractTest, UnsyncedMutationsAreLostOnCrash) {
  this->Create(this->Config());
  this->MustPut("orders.a", "synced");
  ASSERT_TRUE(this->store().Sync().ok());
  const StreamState synced = this->State(true, ">");

  this->MustPut("orders.b", "unsynced");
  ASSERT_TRUE(this->store().Purge(1, PurgeRequest{}).ok());
  this->MustPut("orders.c", "unsynced");
  ConsumerRecord consumer;
  consumer.name = "late";
  ASSERT_TRUE(this->store().PutConsumer(1, consumer).ok());
  this->Create(this->Config("NEW"), 5);

  this->Crash();
  EXPECT_EQ(this->State(true, ">"), synced);
  StoredMessage message;
  ASSERT_TRUE(this->store().LoadMessage(1, 1, &message).ok());
  EXPECT_EQ(message.payload, "synced");
  EXPECT_TRUE(absl::IsOutOfRange(this->store().LoadMessage(1, 2, &message)));
  EXPECT_THAT(*this->store().ListConsumers(1), IsEmpty());
  EXPECT_EQ(this->store().ListStreams().size(), 1u);
  // The sequence continues from the synced state.
  EXPECT_EQ(this->MustPut("orders.d"), 2u);
}

TYPED_TEST(LogStoreContractTest, UnsyncedDeleteStreamIsUndoneByCrash) {
  this->Create(this->Config());
  this->MustPut("orders.a");
  ASSERT_TRUE(this->store().Sync().ok());
  ASSERT_TRUE(this->store().DeleteStream(1).ok());
  this->Crash();
  EXPECT_EQ(this->State().msgs, 1u);
  EXPECT_THAT(this->Scan(">"), ElementsAre(1));
}

}  // namespace
}  // namespace na::store
