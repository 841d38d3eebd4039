// MemLogStore specifics: the undo log behind Crash(), and the untracked mode JetStream memory
// storage uses. (Everything shared with RocksLogStore is in log_store_contract_test.cc.)
#include "engine/store/mem_log_store.h"

#include <vector>

#include "gtest/gtest.h"

namespace na::store {
namespace {

AppendResult Put(LogStore& store, absl::string_view subject, absl::string_view payload) {
  Message message;
  message.subject = subject;
  message.payload = payload;
  std::vector<AppendResult> results;
  EXPECT_TRUE(store.Append(1, absl::MakeConstSpan(&message, 1), &results).ok());
  return results.empty() ? AppendResult{} : results[0];
}

StreamConfig Config() {
  StreamConfig config;
  config.name = "S";
  config.max_msgs_per_subject = 2;
  return config;
}

TEST(MemLogStoreTest, CrashRestoresTheSyncedStateThroughManyMutations) {
  MemLogStore store;
  ASSERT_TRUE(store.CreateStream(1, Config()).ok());
  for (int i = 0; i < 5; ++i) Put(store, i % 2 ? "a" : "b", "synced");
  ASSERT_TRUE(store.Sync().ok());
  EXPECT_EQ(store.unsynced_mutations(), 0u);
  StateOptions all;
  all.deleted_details = true;
  all.subjects_filter = ">";
  const StreamState synced = *store.GetStreamState(1, all);
  const auto synced_subjects = *store.GetSubjectsState(1, ">");

  // Every kind of mutation, several times over the same keys, before the crash.
  for (int i = 0; i < 7; ++i) Put(store, "a", "lost");
  ASSERT_TRUE(store.DeleteMessage(1, 5, true).ok());
  PurgeRequest keep_one;
  keep_one.filter = "a";
  keep_one.keep = 1;
  ASSERT_TRUE(store.Purge(1, keep_one).ok());
  ASSERT_TRUE(store.Compact(1, 9).ok());
  ASSERT_TRUE(store.Purge(1, PurgeRequest{}).ok());
  Put(store, "c", "lost");
  ConsumerRecord consumer;
  consumer.name = "x";
  ASSERT_TRUE(store.PutConsumer(1, consumer).ok());
  ASSERT_TRUE(store.DeleteConsumer(1, "x").ok());
  EXPECT_GT(store.unsynced_mutations(), 0u);

  store.Crash();
  EXPECT_EQ(store.unsynced_mutations(), 0u);
  EXPECT_EQ(*store.GetStreamState(1, all), synced);
  EXPECT_EQ(*store.GetSubjectsState(1, ">"), synced_subjects);
  StoredMessage message;
  ASSERT_TRUE(store.LoadMessage(1, 5, &message).ok());
  EXPECT_EQ(message.payload, "synced");
  // Crash twice in a row is the same as once.
  store.Crash();
  EXPECT_EQ(*store.GetStreamState(1, all), synced);
}

TEST(MemLogStoreTest, UntrackedModeKeepsNoUndoLog) {
  MemLogStoreOptions options;
  options.track_unsynced = false;
  MemLogStore store(options);
  ASSERT_TRUE(store.CreateStream(1, Config()).ok());
  for (int i = 0; i < 10; ++i) Put(store, "a", "p");
  ASSERT_TRUE(store.DeleteMessage(1, 10, true).ok());
  EXPECT_EQ(store.unsynced_mutations(), 0u);
  EXPECT_EQ(store.GetStreamState(1, {})->msgs, 1u);
  EXPECT_TRUE(store.Sync().ok());
}

}  // namespace
}  // namespace na::store
