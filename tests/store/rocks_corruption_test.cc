// Bit flips in stored records (issue 4 part 3): a flipped byte must come back as DataLoss naming
// the stream and the sequence (or the consumer), never as a wrong message or a crash.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/store/rocks/keys.h"
#include "engine/store/rocks/record.h"
#include "engine/store/rocks/rocks_log_store.h"
#include "flatbuffers/flatbuffers.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "rocksdb/env.h"

namespace na::store_testing {
namespace {

namespace rk = ::na::store::rocks;
constexpr char kDir[] = "/corrupt";

class RocksCorruptionTest : public ::testing::Test {
 protected:
  RocksCorruptionTest() : env_(rocksdb::NewMemEnv(rocksdb::Env::Default())) {
    auto s = Open();
    EXPECT_TRUE(s.ok()) << s.status();
    store::StreamConfig c;
    c.name = "ORDERS";
    c.subjects = {"orders.*"};
    EXPECT_TRUE((*s)->CreateStream(1, c).ok());
    std::vector<store::AppendResult> results;
    for (int i = 1; i <= 20; ++i) {
      store::Message m;
      const std::string subject = absl::StrCat("orders.", i % 4);
      const std::string payload = absl::StrCat("payload number ", i);
      m.subject = subject;
      m.payload = payload;
      m.timestamp_ns = i;
      EXPECT_TRUE((*s)->Append(1, {&m, 1}, &results).ok());
    }
    store::ConsumerRecord consumer;
    consumer.name = "worker";
    consumer.state.delivered = {3, 3};
    EXPECT_TRUE((*s)->PutConsumer(1, consumer).ok());
    EXPECT_TRUE((*s)->Sync().ok());
  }

  absl::StatusOr<std::unique_ptr<rk::RocksLogStore>> Open() {
    rk::RocksLogStoreOptions o;
    o.path = kDir;
    o.env = env_.get();
    return rk::RocksLogStore::Open(o);
  }

  // Rewrites one stored value through raw RocksDB, as a bad disk sector read back would look
  // once past RocksDB's own block checksums.
  void Rewrite(const char* cf_name, const std::string& key,
               const std::function<void(std::string*)>& change) {
    rocksdb::Options options;
    options.env = env_.get();
    std::vector<std::string> names;
    ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(options, kDir, &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const std::string& n : names) descriptors.emplace_back(n, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, kDir, descriptors, &handles, &db).ok());
    rocksdb::ColumnFamilyHandle* cf = nullptr;
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == cf_name) cf = handles[i];
    }
    ASSERT_NE(cf, nullptr);
    std::string value;
    ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), cf, key, &value).ok());
    change(&value);
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), cf, key, value).ok());
    for (auto* h : handles) ASSERT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
    ASSERT_TRUE(db->Close().ok());
    delete db;
  }

  std::unique_ptr<rocksdb::Env> env_;
};

TEST_F(RocksCorruptionTest, FlippedMessageByteIsDataLossNamingStreamAndSequence) {
  Rewrite("msgs", rk::MessageKey(1, 7), [](std::string* v) { (*v)[v->size() / 3] ^= 0x04; });
  auto s = Open();
  ASSERT_TRUE(s.ok()) << s.status();  // summaries are intact: the store opens
  store::StoredMessage m;
  absl::Status load = (*s)->LoadMessage(1, 7, &m);
  EXPECT_TRUE(absl::IsDataLoss(load)) << load;
  EXPECT_TRUE(absl::StrContains(load.message(), "ORDERS")) << load;
  EXPECT_TRUE(absl::StrContains(load.message(), "7")) << load;
  // Neighbours still read, and a scan stops at the bad record instead of skipping it.
  EXPECT_TRUE((*s)->LoadMessage(1, 6, &m).ok());
  EXPECT_EQ(m.payload, "payload number 6");
  EXPECT_TRUE((*s)->LoadMessage(1, 8, &m).ok());
  absl::Status next = (*s)->LoadNextMessage(1, ">", 5, &m);
  EXPECT_TRUE(next.ok());
  EXPECT_EQ(m.seq, 5u);
  next = (*s)->LoadNextMessage(1, ">", 7, &m);
  EXPECT_TRUE(absl::IsDataLoss(next)) << next;
}

TEST_F(RocksCorruptionTest, EveryBitFlipOfARecordIsDetected) {
  // At the codec level, for speed: every single-bit flip of one stored record.
  std::string value;
  const std::string key = rk::MessageKey(1, 3);
  store::Message m;
  m.subject = "orders.3";
  m.payload = "payload number 3";
  m.timestamp_ns = 3;
  flatbuffers::FlatBufferBuilder builder;
  rk::EncodeMessageRecord(key, m, &builder, &value);
  store::StoredMessage out;
  ASSERT_TRUE(rk::DecodeMessageRecord(key, value, &out).ok());
  int detected = 0;
  for (size_t i = 0; i < value.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bad = value;
      bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
      absl::Status s = rk::DecodeMessageRecord(key, bad, &out);
      ASSERT_TRUE(absl::IsDataLoss(s)) << "flip of byte " << i << " bit " << bit << ": " << s;
      ++detected;
    }
  }
  EXPECT_EQ(detected, static_cast<int>(value.size() * 8));
  // A record moved under another key fails too (the key is bound into the checksum).
  EXPECT_TRUE(absl::IsDataLoss(rk::DecodeMessageRecord(rk::MessageKey(1, 4), value, &out)));
}

TEST_F(RocksCorruptionTest, FlippedStreamRecordFailsOpenNamingTheStream) {
  Rewrite("streams", rk::StreamRecordKey(1), [](std::string* v) { (*v)[4] ^= 0x01; });
  auto s = Open();
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(absl::IsDataLoss(s.status())) << s.status();
  EXPECT_TRUE(absl::StrContains(s.status().message(), "stream id 1")) << s.status();
}

TEST_F(RocksCorruptionTest, FlippedConsumerRecordIsDataLossNamingTheConsumer) {
  Rewrite("consumers", rk::ConsumerKey(1, "worker"),
          [](std::string* v) { (*v)[v->size() - 2] ^= 0x80; });
  auto s = Open();
  ASSERT_TRUE(s.ok()) << s.status();
  auto c = (*s)->LoadConsumer(1, "worker");
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(absl::IsDataLoss(c.status())) << c.status();
  EXPECT_TRUE(absl::StrContains(c.status().message(), "worker")) << c.status();
}

TEST_F(RocksCorruptionTest, TruncatedRecordIsDataLoss) {
  Rewrite("msgs", rk::MessageKey(1, 2), [](std::string* v) { v->resize(5); });
  auto s = Open();
  ASSERT_TRUE(s.ok()) << s.status();
  store::StoredMessage m;
  absl::Status load = (*s)->LoadMessage(1, 2, &m);
  EXPECT_TRUE(absl::IsDataLoss(load)) << load;
  EXPECT_TRUE(absl::StrContains(load.message(), "2")) << load;
}

TEST_F(RocksCorruptionTest, CorruptSstBlocksAreDataLossNotCrashes) {
  // Move everything into SST files, then damage their data blocks.
  {
    rocksdb::Options options;
    options.env = env_.get();
    std::vector<std::string> names;
    ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(options, kDir, &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const std::string& n : names) descriptors.emplace_back(n, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, kDir, descriptors, &handles, &db).ok());
    ASSERT_TRUE(db->Flush(rocksdb::FlushOptions(), handles).ok());
    for (auto* h : handles) ASSERT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
    ASSERT_TRUE(db->Close().ok());
    delete db;
  }
  std::vector<std::string> children;
  ASSERT_TRUE(env_->GetChildren(kDir, &children).ok());
  for (const std::string& c : children) {
    if (!absl::EndsWith(c, ".sst")) continue;
    const std::string path = absl::StrCat(kDir, "/", c);
    std::string data;
    ASSERT_TRUE(rocksdb::ReadFileToString(env_.get(), path, &data).ok());
    data[data.size() / 4] ^= 0x20;  // inside the first data block
    ASSERT_TRUE(rocksdb::WriteStringToFile(env_.get(), data, path, true).ok());
  }
  auto s = Open();
  if (!s.ok()) {
    EXPECT_TRUE(absl::IsDataLoss(s.status()) || absl::IsInternal(s.status())) << s.status();
    return;
  }
  int data_loss = 0;
  store::StoredMessage m;
  for (uint64_t seq = 1; seq <= 20; ++seq) {
    absl::Status load = (*s)->LoadMessage(1, seq, &m);
    if (load.ok()) {
      EXPECT_EQ(m.payload, absl::StrCat("payload number ", seq));  // never a wrong message
    } else {
      EXPECT_TRUE(absl::IsDataLoss(load)) << load;
      ++data_loss;
    }
  }
  EXPECT_GT(data_loss, 0) << "the damaged block was never read";
}

}  // namespace
}  // namespace na::store_testing
