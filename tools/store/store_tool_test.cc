#include "tools/store/store_tool.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "engine/store/rocks/keys.h"
#include "engine/store/rocks/record.h"
#include "engine/store/rocks/rocks_log_store.h"
#include "flatbuffers/flatbuffers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"
#include "rocksdb/db.h"
#include "rocksdb/env.h"

namespace na::store_tool {
namespace {

namespace rk = ::na::store::rocks;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kDir[] = "/store";

struct Result {
  int rc = -1;
  std::string out;
  std::string err;
};

class StoreToolTest : public ::testing::Test {
 protected:
  StoreToolTest() : env_(rocksdb::NewMemEnv(rocksdb::Env::Default())) { BuildStore(); }

  // ORDERS (id 1): 10 messages on orders.a / orders.b, seq 4 deleted, one with headers, two
  // consumers. EVENTS (id 2): 3 messages, memory storage.
  void BuildStore() {
    rk::RocksLogStoreOptions options;
    options.path = kDir;
    options.env = env_.get();
    auto opened = rk::RocksLogStore::Open(options);
    ASSERT_TRUE(opened.ok()) << opened.status();
    store::LogStore& s = **opened;
    store::StreamConfig orders;
    orders.name = "ORDERS";
    orders.subjects = {"orders.>"};
    orders.max_msgs = 1000;
    ASSERT_TRUE(s.CreateStream(1, orders).ok());
    store::StreamConfig events;
    events.name = "EVENTS";
    events.subjects = {"events.*"};
    events.storage = store::StorageKind::kMemory;
    ASSERT_TRUE(s.CreateStream(2, events).ok());
    std::vector<store::AppendResult> results;
    for (int i = 1; i <= 10; ++i) {
      payloads_[i] = absl::StrCat("payload-", i, std::string(1, '\0'), "\xff");
      store::Message m;
      subjects_[i] = i % 3 == 0 ? "orders.b" : "orders.a";
      m.subject = subjects_[i];
      m.payload = payloads_[i];
      if (i == 5) m.headers = "NATS/1.0\r\nNats-Msg-Id: five\r\n\r\n";
      m.timestamp_ns = 1700000000000000000 + i * 1000000;
      ASSERT_TRUE(s.Append(1, {&m, 1}, &results).ok());
      ASSERT_EQ(results[0].seq, static_cast<uint64_t>(i));
    }
    for (int i = 1; i <= 3; ++i) {
      store::Message m;
      m.subject = "events.x";
      m.payload = "e";
      m.timestamp_ns = 1700000000000000000 + i;
      ASSERT_TRUE(s.Append(2, {&m, 1}, &results).ok());
    }
    ASSERT_TRUE(s.DeleteMessage(1, 4, false).ok());
    store::ConsumerRecord c;
    c.name = "worker";
    c.config = "{}";
    c.state.delivered = {7, 7};
    c.state.ack_floor = {5, 5};
    c.state.pending[6] = {6, 1};
    c.state.pending[7] = {7, 2};
    c.state.redelivered[6] = 1;
    ASSERT_TRUE(s.PutConsumer(1, c).ok());
    c.name = "audit";
    c.state = store::ConsumerState();
    ASSERT_TRUE(s.PutConsumer(1, c).ok());
    ASSERT_TRUE(s.Sync().ok());
  }

  Result Run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--dir", kDir});
    return RunRaw(args);
  }
  Result RunRaw(const std::vector<std::string>& args) {
    StringOutput output;
    Result r;
    r.rc = RunStoreTool(args, output, env_.get());
    r.out = output.out;
    r.err = output.err;
    return r;
  }

  // Every file of the store and its bytes: the tool must leave this unchanged.
  std::map<std::string, std::string> Snapshot() {
    std::map<std::string, std::string> files;
    std::vector<std::string> children;
    EXPECT_TRUE(env_->GetChildren(kDir, &children).ok());
    for (const std::string& c : children) {
      std::string data;
      rocksdb::ReadFileToString(env_.get(), absl::StrCat(kDir, "/", c), &data)
          .PermitUncheckedError();
      files[c] = data;
    }
    return files;
  }

  // Opens the RocksDB directly (as an attacker or a bad disk would change it) and runs `fn`.
  void Tamper(const std::function<void(rocksdb::DB*,
                                       std::map<std::string, rocksdb::ColumnFamilyHandle*>&)>& fn) {
    rocksdb::Options options;
    options.env = env_.get();
    std::vector<std::string> names;
    ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(options, kDir, &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const std::string& n : names) descriptors.emplace_back(n, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, kDir, descriptors, &handles, &db).ok());
    std::map<std::string, rocksdb::ColumnFamilyHandle*> by_name;
    for (size_t i = 0; i < names.size(); ++i) by_name[names[i]] = handles[i];
    fn(db, by_name);
    for (auto* h : handles) ASSERT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
    ASSERT_TRUE(db->Close().ok());
    delete db;
  }

  void FlipByteOfMessage(uint64_t seq) {
    Tamper([&](rocksdb::DB* db, auto& cf) {
      const std::string key = rk::MessageKey(1, seq);
      std::string value;
      ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), cf["msgs"], key, &value).ok());
      value[value.size() / 2] ^= 0x10;
      ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), cf["msgs"], key, value).ok());
    });
  }

  std::unique_ptr<rocksdb::Env> env_;
  std::map<int, std::string> payloads_;
  std::map<int, std::string> subjects_;
};

TEST_F(StoreToolTest, LsListsEveryStream) {
  Result r = Run({"ls"});
  EXPECT_EQ(r.rc, 0) << r.err;
  std::vector<std::string> lines = absl::StrSplit(r.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u) << r.out;
  EXPECT_THAT(lines[1], HasSubstr("ORDERS"));
  // id 1: 9 messages (seq 4 deleted), seq 1..10, two consumers.
  std::vector<std::string> f = absl::StrSplit(lines[1], ' ', absl::SkipEmpty());
  ASSERT_EQ(f.size(), 7u);
  EXPECT_EQ(f[0], "1");
  EXPECT_EQ(f[2], "9");
  EXPECT_EQ(f[4], "1");
  EXPECT_EQ(f[5], "10");
  EXPECT_EQ(f[6], "2");
  EXPECT_THAT(lines[2], HasSubstr("EVENTS"));
}

TEST_F(StoreToolTest, InfoByNameAndById) {
  Result r = Run({"info", "ORDERS"});
  EXPECT_EQ(r.rc, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("stream:            ORDERS\n"));
  EXPECT_THAT(r.out, HasSubstr("messages:          9\n"));
  EXPECT_THAT(r.out, HasSubstr("deleted:           1\n"));
  EXPECT_THAT(r.out, HasSubstr("max_msgs:          1000\n"));
  EXPECT_THAT(r.out, HasSubstr("consumers:         2\n"));
  EXPECT_THAT(r.out, HasSubstr("first:             1 @ 2023-11-14T22:13:20.001Z\n"));
  EXPECT_EQ(Run({"info", "2"}).out.find("stream:            EVENTS"), 0u);
  Result missing = Run({"info", "NOPE"});
  EXPECT_EQ(missing.rc, 1);
  EXPECT_THAT(missing.err, HasSubstr("no stream named or numbered 'NOPE'"));
}

TEST_F(StoreToolTest, DumpRangeAndSubjectFilter) {
  Result r = Run({"dump", "ORDERS", "--from", "3", "--to=6"});
  EXPECT_EQ(r.rc, 0) << r.err;
  std::vector<std::string> lines = absl::StrSplit(r.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u) << r.out;  // 3, 5, 6 (4 was deleted)
  EXPECT_EQ(lines[0].substr(0, 3), "#3 ");
  EXPECT_THAT(lines[0], HasSubstr(" orders.b "));
  EXPECT_THAT(lines[0], HasSubstr("payload-3\\x00\\xff"));
  EXPECT_THAT(lines[1], HasSubstr("#5 "));
  EXPECT_THAT(lines[1], HasSubstr("hdr=31"));
  EXPECT_EQ(lines[2].substr(0, 3), "#6 ");

  Result b = Run({"dump", "ORDERS", "--subject", "orders.b"});
  lines = absl::StrSplit(b.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u) << b.out;  // 3, 6, 9
  for (const std::string& l : lines) EXPECT_THAT(l, HasSubstr(" orders.b "));
  Result wild = Run({"dump", "ORDERS", "--subject", "orders.*"});
  EXPECT_EQ(std::vector<std::string>(absl::StrSplit(wild.out, '\n', absl::SkipEmpty())).size(), 9u);
  EXPECT_EQ(Run({"dump", "ORDERS", "--subject", "orders..x"}).rc, 2);
}

TEST_F(StoreToolTest, DumpJsonParsesWithRapidjson) {
  Result r = Run({"dump", "ORDERS", "--json"});
  EXPECT_EQ(r.rc, 0) << r.err;
  std::vector<std::string> lines = absl::StrSplit(r.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 9u);
  std::vector<uint64_t> seqs;
  for (const std::string& line : lines) {
    rapidjson::Document doc;
    doc.Parse(line.c_str(), line.size());
    ASSERT_FALSE(doc.HasParseError()) << line;
    ASSERT_TRUE(doc.IsObject());
    EXPECT_STREQ(doc["stream"].GetString(), "ORDERS");
    const uint64_t seq = doc["seq"].GetUint64();
    seqs.push_back(seq);
    EXPECT_EQ(doc["subject"].GetString(), subjects_[static_cast<int>(seq)]);
    EXPECT_EQ(doc["ts"].GetInt64(), 1700000000000000000 + static_cast<int64_t>(seq) * 1000000);
    std::string data;
    ASSERT_TRUE(absl::Base64Unescape(doc["data"].GetString(), &data));
    EXPECT_EQ(data, payloads_[static_cast<int>(seq)]);
    if (seq == 5) {
      EXPECT_STREQ(doc["headers"].GetString(), "NATS/1.0\r\nNats-Msg-Id: five\r\n\r\n");
    }
  }
  EXPECT_EQ(seqs, (std::vector<uint64_t>{1, 2, 3, 5, 6, 7, 8, 9, 10}));
}

TEST_F(StoreToolTest, SubjectsAndConsumers) {
  Result s = Run({"subjects", "ORDERS"});
  EXPECT_EQ(s.rc, 0) << s.err;
  std::vector<std::string> lines = absl::StrSplit(s.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u) << s.out;
  std::vector<std::string> a = absl::StrSplit(lines[1], ' ', absl::SkipEmpty());
  EXPECT_EQ(a, (std::vector<std::string>{"orders.a", "6", "1", "10"}));  // 1,2,5,7,8,10
  std::vector<std::string> b = absl::StrSplit(lines[2], ' ', absl::SkipEmpty());
  EXPECT_EQ(b, (std::vector<std::string>{"orders.b", "3", "3", "9"}));

  Result c = Run({"consumers", "ORDERS"});
  EXPECT_EQ(c.rc, 0) << c.err;
  lines = absl::StrSplit(c.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u) << c.out;
  EXPECT_EQ(std::vector<std::string>(absl::StrSplit(lines[2], ' ', absl::SkipEmpty())),
            (std::vector<std::string>{"worker", "7/7", "5/5", "2", "1"}));
}

TEST_F(StoreToolTest, VerifyPassesOnAHealthyStore) {
  Result r = Run({"verify"});
  EXPECT_EQ(r.rc, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("verify: 2 stream(s), 12 message(s) checked, 0 problem(s)"));
}

TEST_F(StoreToolTest, VerifyFindsABitFlipNamingStreamAndSequence) {
  FlipByteOfMessage(7);
  Result r = Run({"verify"});
  EXPECT_EQ(r.rc, 1);
  EXPECT_THAT(r.out, HasSubstr("problem: stream ORDERS (id 1) seq 7: checksum mismatch"));
  // dump still prints every other message, and marks the bad one.
  Result d = Run({"dump", "ORDERS"});
  EXPECT_EQ(d.rc, 1);
  EXPECT_THAT(d.out, HasSubstr("#7 UNREADABLE: checksum mismatch"));
  EXPECT_THAT(d.out, HasSubstr("#8 "));
  Result j = Run({"dump", "ORDERS", "--json", "--from", "7", "--to", "7"});
  rapidjson::Document doc;
  doc.Parse(j.out.c_str());
  ASSERT_FALSE(doc.HasParseError()) << j.out;
  EXPECT_EQ(doc["seq"].GetUint64(), 7u);
  EXPECT_STREQ(doc["error"].GetString(), "checksum mismatch");
}

TEST_F(StoreToolTest, VerifyFindsIndexAndCounterMismatches) {
  Tamper([&](rocksdb::DB* db, auto& cf) {
    ASSERT_TRUE(
        db->Delete(rocksdb::WriteOptions(), cf["subj"], rk::SubjectIndexKey(1, "orders.a", 8))
            .ok());
    ASSERT_TRUE(
        db->Put(rocksdb::WriteOptions(), cf["subj"], rk::SubjectIndexKey(1, "orders.z", 2), "")
            .ok());
    // A stream record that counts one message too many, correctly checksummed.
    store::StreamRecord record;
    std::string value;
    const std::string key = rk::StreamRecordKey(1);
    ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), cf["streams"], key, &value).ok());
    ASSERT_TRUE(rk::DecodeStreamRecord(key, value, &record).ok());
    record.msgs += 1;
    flatbuffers::FlatBufferBuilder builder;
    rk::EncodeStreamRecord(key, record, &builder, &value);
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), cf["streams"], key, value).ok());
    // Messages of a stream nobody knows.
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), cf["msgs"], rk::MessageKey(9, 1), "x").ok());
  });
  Result r = Run({"verify"});
  EXPECT_EQ(r.rc, 1);
  EXPECT_THAT(r.out, HasSubstr("seq 8: message on 'orders.a' missing from the subject index"));
  EXPECT_THAT(r.out, HasSubstr("seq 2: index entry for 'orders.z' has no such message"));
  EXPECT_THAT(r.out, HasSubstr("msgs is 10 in the stream record but 9 recounted"));
  EXPECT_THAT(r.out, HasSubstr("id 9: data in msgs but no stream record"));
}

TEST_F(StoreToolTest, CorruptSstFileIsReportedNotFatal) {
  // Push everything into SST files, then flip bytes in the middle of each.
  Tamper([&](rocksdb::DB* db, auto& cf) {
    for (auto& [name, h] : cf) ASSERT_TRUE(db->Flush(rocksdb::FlushOptions(), h).ok());
  });
  std::vector<std::string> children;
  ASSERT_TRUE(env_->GetChildren(kDir, &children).ok());
  int flipped = 0;
  for (const std::string& c : children) {
    if (!absl::EndsWith(c, ".sst")) continue;
    const std::string path = absl::StrCat(kDir, "/", c);
    std::string data;
    ASSERT_TRUE(rocksdb::ReadFileToString(env_.get(), path, &data).ok());
    for (size_t i = 0; i < 40 && i < data.size() / 2; ++i) data[i * 7 % (data.size() / 2)] ^= 1;
    ASSERT_TRUE(rocksdb::WriteStringToFile(env_.get(), data, path, true).ok());
    ++flipped;
  }
  ASSERT_GT(flipped, 0);
  const auto before = Snapshot();
  Result r = Run({"verify"});
  EXPECT_NE(r.rc, 0) << r.out;
  EXPECT_THAT(r.out + r.err, Not(HasSubstr(" 0 problem(s)")));
  for (const char* cmd : {"ls", "stats"}) Run({cmd});
  Run({"dump", "ORDERS"});
  EXPECT_EQ(Snapshot(), before) << "the inspector wrote to a corrupt store";
}

TEST_F(StoreToolTest, StatsListsEveryColumnFamily) {
  Result r = Run({"stats"});
  EXPECT_EQ(r.rc, 0) << r.err;
  for (const char* cf : {"default", "msgs", "subj", "streams", "consumers", "meta"}) {
    EXPECT_THAT(r.out, HasSubstr(absl::StrCat("\n", cf, " "))) << r.out;
  }
  EXPECT_THAT(r.out, HasSubstr("directory: "));
}

TEST_F(StoreToolTest, NeverWrites) {
  FlipByteOfMessage(2);
  const auto before = Snapshot();
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"ls"},
                                             {"info", "ORDERS"},
                                             {"dump", "ORDERS"},
                                             {"dump", "ORDERS", "--json"},
                                             {"subjects", "ORDERS"},
                                             {"consumers", "ORDERS"},
                                             {"verify"},
                                             {"stats"}}) {
    Run(args);
  }
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(StoreToolTest, VerifyDrawsAProgressBarOnlyOnATerminal) {
  class TerminalOutput : public StringOutput {
   public:
    bool progress() const override { return true; }
  };
  TerminalOutput tty;
  EXPECT_EQ(RunStoreTool({"--dir", kDir, "verify"}, tty, env_.get()), 0);
  EXPECT_THAT(tty.err, HasSubstr("\rverify ["));
  EXPECT_THAT(tty.err, HasSubstr("] 100% 12/12 messages\n"));
  EXPECT_EQ(Run({"verify"}).err, "");  // not a terminal: no bar
}

TEST_F(StoreToolTest, HelpOnEveryCommand) {
  for (const char* cmd : {"ls", "info", "dump", "subjects", "consumers", "verify", "stats"}) {
    Result r = RunRaw({cmd, "--help"});
    EXPECT_EQ(r.rc, 0) << cmd;
    EXPECT_THAT(r.out, HasSubstr(absl::StrCat("usage: natrium-store --dir DIR ", cmd))) << cmd;
    Result h = RunRaw({"help", cmd});
    EXPECT_EQ(h.out, r.out);
  }
  Result top = RunRaw({"--help"});
  EXPECT_EQ(top.rc, 0);
  EXPECT_THAT(top.out, HasSubstr("commands:"));
  EXPECT_EQ(RunRaw({}).rc, 2);
  EXPECT_EQ(RunRaw({"frobnicate", "--dir", kDir}).rc, 2);
  EXPECT_EQ(RunRaw({"ls"}).rc, 2);  // no --dir
  EXPECT_EQ(RunRaw({"ls", "--dir", "/nothing-here"}).rc, 1);
}

}  // namespace
}  // namespace na::store_tool
