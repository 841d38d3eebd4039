// RocksLogStore specifics that the shared contract cannot express: corruption reporting, the
// read-only mode, injected environments and format checks.
#include "engine/store/rocks/rocks_log_store.h"

#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/store/rocks/keys.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "rocksdb/env.h"

namespace na::store::rocks {
namespace {

using ::testing::HasSubstr;

class RocksLogStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = absl::StrCat(testing::TempDir(), "na_rocks_store_", getpid(), "_",
                         testing::UnitTest::GetInstance()->current_test_info()->name());
    (void)DestroyRocksLogStore(path_);
  }
  void TearDown() override { (void)DestroyRocksLogStore(path_); }

  std::unique_ptr<RocksLogStore> Open(bool read_only = false) {
    RocksLogStoreOptions options;
    options.path = path_;
    options.read_only = read_only;
    auto store = RocksLogStore::Open(options);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? std::move(*store) : nullptr;
  }

  // A store with stream 1 "ORDERS" holding messages 1..3, synced.
  std::unique_ptr<RocksLogStore> Populated() {
    auto store = Open();
    StreamConfig config;
    config.name = "ORDERS";
    EXPECT_TRUE(store->CreateStream(1, config).ok());
    std::vector<Message> batch(3);
    for (Message& message : batch) {
      message.subject = "orders.a";
      message.payload = "payload";
    }
    std::vector<AppendResult> results;
    EXPECT_TRUE(store->Append(1, batch, &results).ok());
    EXPECT_TRUE(store->Sync().ok());
    return store;
  }

  std::string path_;
};

TEST_F(RocksLogStoreTest, CorruptMessageIsDataLossNamingStreamAndSequence) {
  auto store = Populated();
  rocksdb::WriteOptions sync;
  sync.sync = true;
  std::string value;
  ASSERT_TRUE(store->db()
                  ->Get(rocksdb::ReadOptions(), store->column_family(ColumnFamily::kMsgs),
                        MessageKey(1, 2), &value)
                  .ok());
  value[value.size() / 2] ^= 0x20;
  ASSERT_TRUE(store->db()
                  ->Put(sync, store->column_family(ColumnFamily::kMsgs), MessageKey(1, 2), value)
                  .ok());
  StoredMessage message;
  absl::Status status = store->LoadMessage(1, 2, &message);
  EXPECT_TRUE(absl::IsDataLoss(status)) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr("stream 'ORDERS'"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("message 2"));
  // Neighbours still read, and a scan stops at the bad record instead of skipping it.
  EXPECT_TRUE(store->LoadMessage(1, 3, &message).ok());
  EXPECT_TRUE(absl::IsDataLoss(store->LoadNextMessage(1, ">", 2, &message)));
  // Limit enforcement that must read the record reports it too rather than guessing.
  EXPECT_TRUE(absl::IsDataLoss(store->Compact(1, 3).status()));
}

TEST_F(RocksLogStoreTest, DataLossWhileEnforcingLimitsKeepsSummariesTrue) {
  {
    auto store = Populated();  // messages 1..3 on orders.a
    StreamConfig config = *store->GetStreamConfig(1);
    config.max_msgs = 3;
    ASSERT_TRUE(store->UpdateStream(1, config).ok());
    ASSERT_TRUE(store->Sync().ok());
    rocksdb::WriteOptions sync;
    sync.sync = true;
    ASSERT_TRUE(store->db()
                    ->Put(sync, store->column_family(ColumnFamily::kMsgs), MessageKey(1, 1), "bad")
                    .ok());
    // Message 4 is stored, then dropping message 1 for max_msgs meets the corrupt record.
    Message one;
    one.subject = "orders.a";
    std::vector<AppendResult> results;
    absl::Status status = store->Append(1, absl::MakeConstSpan(&one, 1), &results);
    EXPECT_TRUE(absl::IsDataLoss(status)) << status;
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0].seq, 4u);
    ASSERT_TRUE(store->Sync().ok());
  }
  // What was staged is counted: the summaries agree with the stored messages after reopen.
  auto store = Open();
  StreamState state = *store->GetStreamState(1, {});
  EXPECT_EQ(state.last_seq, 4u);
  EXPECT_EQ(state.msgs, 4u);
  EXPECT_EQ(store->GetSubjectsState(1, ">")->at("orders.a"), (SubjectState{4, 1, 4}));
}

TEST_F(RocksLogStoreTest, CorruptStreamRecordFailsOpen) {
  {
    auto store = Populated();
    rocksdb::WriteOptions sync;
    sync.sync = true;
    ASSERT_TRUE(store->db()
                    ->Put(sync, store->column_family(ColumnFamily::kStreams), StreamRecordKey(1),
                          "garbage-bytes")
                    .ok());
  }
  RocksLogStoreOptions options;
  options.path = path_;
  auto reopened = RocksLogStore::Open(options);
  EXPECT_TRUE(absl::IsDataLoss(reopened.status())) << reopened.status();
  EXPECT_THAT(std::string(reopened.status().message()), HasSubstr("stream id 1"));
}

TEST_F(RocksLogStoreTest, ReadOnlyReadsButNeverWrites) {
  Populated().reset();
  auto store = Open(/*read_only=*/true);
  ASSERT_NE(store, nullptr);
  StoredMessage message;
  ASSERT_TRUE(store->LoadMessage(1, 3, &message).ok());
  EXPECT_EQ(message.payload, "payload");
  EXPECT_EQ(store->GetStreamState(1, {})->msgs, 3u);
  std::vector<AppendResult> results;
  Message one;
  one.subject = "orders.a";
  EXPECT_TRUE(absl::IsFailedPrecondition(store->Append(1, absl::MakeConstSpan(&one, 1), &results)));
  EXPECT_TRUE(absl::IsFailedPrecondition(store->Purge(1, PurgeRequest{}).status()));
  EXPECT_TRUE(absl::IsFailedPrecondition(store->Sync()));
}

TEST_F(RocksLogStoreTest, RunsOnAnInjectedEnvironment) {
  std::unique_ptr<rocksdb::Env> mem_env(rocksdb::NewMemEnv(rocksdb::Env::Default()));
  RocksLogStoreOptions options;
  options.path = "/in-memory/store";
  options.env = mem_env.get();
  {
    auto store = RocksLogStore::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    StreamConfig config;
    config.name = "MEMENV";
    ASSERT_TRUE((*store)->CreateStream(4, config).ok());
    ASSERT_TRUE((*store)->Sync().ok());
  }
  auto store = RocksLogStore::Open(options);
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_EQ((*store)->ListStreams().size(), 1u);
  EXPECT_EQ((*store)->ListStreams()[0].config.name, "MEMENV");
  // Nothing went to the real disk.
  EXPECT_FALSE(rocksdb::Env::Default()->FileExists("/in-memory/store/CURRENT").ok());
}

TEST_F(RocksLogStoreTest, SyncWritesOneBatchAndEmptiesTheStage) {
  auto store = Populated();
  Message one;
  one.subject = "orders.b";
  std::vector<AppendResult> results;
  ASSERT_TRUE(store->Append(1, absl::MakeConstSpan(&one, 1), &results).ok());
  const size_t staged = store->staged_bytes();
  EXPECT_GT(staged, 12u);  // beyond an empty batch header
  ASSERT_TRUE(store->Sync().ok());
  EXPECT_LT(store->staged_bytes(), staged);
}

}  // namespace
}  // namespace na::store::rocks
