#include "tests/store/crash_file_system.h"

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "rocksdb/env.h"

namespace na::store_testing {
namespace {

using rocksdb::IOOptions;

class CrashFileSystemTest : public ::testing::Test {
 protected:
  CrashFileSystemTest()
      : mem_env_(rocksdb::NewMemEnv(rocksdb::Env::Default())),
        fs_(std::make_shared<CrashFileSystem>(mem_env_->GetFileSystem())) {
    EXPECT_TRUE(fs_->CreateDirIfMissing("/d", IOOptions(), nullptr).ok());
  }

  std::unique_ptr<rocksdb::FSWritableFile> Create(const std::string& path) {
    std::unique_ptr<rocksdb::FSWritableFile> f;
    EXPECT_TRUE(fs_->NewWritableFile(path, rocksdb::FileOptions(), &f, nullptr).ok());
    return f;
  }
  void Append(rocksdb::FSWritableFile* f, const std::string& data) {
    ASSERT_TRUE(f->Append(data, IOOptions(), nullptr).ok());
  }
  void Sync(rocksdb::FSWritableFile* f) { ASSERT_TRUE(f->Sync(IOOptions(), nullptr).ok()); }
  void SyncDir(const std::string& dir) {
    std::unique_ptr<rocksdb::FSDirectory> d;
    ASSERT_TRUE(fs_->NewDirectory(dir, IOOptions(), &d, nullptr).ok());
    ASSERT_TRUE(d->Fsync(IOOptions(), nullptr).ok());
  }
  // Contents after the cut, or "<missing>".
  std::string Read(const std::string& path) {
    if (!fs_->FileExists(path, IOOptions(), nullptr).ok()) return "<missing>";
    std::string data;
    EXPECT_TRUE(rocksdb::ReadFileToString(fs_.get(), path, &data).ok());
    return data;
  }
  CrashStats Cut(const CrashOptions& options = CrashOptions()) {
    fs_->Freeze();
    return fs_->Restart(options);
  }

  std::unique_ptr<rocksdb::Env> mem_env_;
  std::shared_ptr<CrashFileSystem> fs_;
};

TEST_F(CrashFileSystemTest, UnsyncedTailIsDropped) {
  auto f = Create("/d/a");
  SyncDir("/d");
  Append(f.get(), "synced|");
  Sync(f.get());
  Append(f.get(), "lost");
  EXPECT_EQ(fs_->UnsyncedBytes("/d/a"), 4u);
  f.reset();
  CrashStats stats = Cut();
  EXPECT_EQ(Read("/d/a"), "synced|");
  EXPECT_EQ(stats.files_truncated, 1u);
  EXPECT_EQ(stats.unsynced_bytes_dropped, 4u);
}

TEST_F(CrashFileSystemTest, RangeSyncIsNotDurable) {
  auto f = Create("/d/a");
  SyncDir("/d");
  Append(f.get(), "0123456789");
  ASSERT_TRUE(f->RangeSync(0, 10, IOOptions(), nullptr).ok());
  ASSERT_TRUE(f->Close(IOOptions(), nullptr).ok());
  Cut();
  EXPECT_EQ(Read("/d/a"), "");
}

TEST_F(CrashFileSystemTest, FileCreatedWithoutDirectorySyncVanishes) {
  auto f = Create("/d/new");
  Append(f.get(), "data");
  Sync(f.get());  // data synced, but the name never was
  CrashStats stats = Cut();
  EXPECT_EQ(Read("/d/new"), "<missing>");
  EXPECT_EQ(stats.creates_undone, 1u);
}

TEST_F(CrashFileSystemTest, DirectorySyncMakesTheNameDurable) {
  auto f = Create("/d/new");
  Append(f.get(), "data");
  Sync(f.get());
  SyncDir("/d");
  Cut();
  EXPECT_EQ(Read("/d/new"), "data");
}

TEST_F(CrashFileSystemTest, RenameWithoutDirectorySyncIsUndone) {
  // RocksDB's CURRENT dance: write a temp file, sync it, rename it over CURRENT.
  auto cur = Create("/d/CURRENT");
  Append(cur.get(), "MANIFEST-1\n");
  Sync(cur.get());
  SyncDir("/d");
  auto tmp = Create("/d/000002.dbtmp");
  Append(tmp.get(), "MANIFEST-2\n");
  Sync(tmp.get());
  ASSERT_TRUE(fs_->RenameFile("/d/000002.dbtmp", "/d/CURRENT", IOOptions(), nullptr).ok());
  EXPECT_EQ(Read("/d/CURRENT"), "MANIFEST-2\n");
  CrashStats stats = Cut();
  EXPECT_EQ(Read("/d/CURRENT"), "MANIFEST-1\n");
  EXPECT_EQ(Read("/d/000002.dbtmp"), "<missing>");
  EXPECT_EQ(stats.renames_undone, 1u);
}

TEST_F(CrashFileSystemTest, RenameFollowedByDirectorySyncSurvives) {
  auto cur = Create("/d/CURRENT");
  Append(cur.get(), "MANIFEST-1\n");
  Sync(cur.get());
  SyncDir("/d");
  auto tmp = Create("/d/000002.dbtmp");
  Append(tmp.get(), "MANIFEST-2\n");
  Sync(tmp.get());
  ASSERT_TRUE(fs_->RenameFile("/d/000002.dbtmp", "/d/CURRENT", IOOptions(), nullptr).ok());
  SyncDir("/d");
  Cut();
  EXPECT_EQ(Read("/d/CURRENT"), "MANIFEST-2\n");
}

TEST_F(CrashFileSystemTest, FrozenFileSystemRejectsEveryWrite) {
  auto f = Create("/d/a");
  fs_->Freeze();
  EXPECT_TRUE(f->Append("x", IOOptions(), nullptr).IsIOError());
  EXPECT_TRUE(f->Sync(IOOptions(), nullptr).IsIOError());
  std::unique_ptr<rocksdb::FSWritableFile> g;
  EXPECT_TRUE(fs_->NewWritableFile("/d/b", rocksdb::FileOptions(), &g, nullptr).IsIOError());
  EXPECT_TRUE(fs_->RenameFile("/d/a", "/d/c", IOOptions(), nullptr).IsIOError());
  fs_->Restart(CrashOptions());
  EXPECT_TRUE(fs_->NewWritableFile("/d/b", rocksdb::FileOptions(), &g, nullptr).ok());
}

TEST_F(CrashFileSystemTest, TornWriteKeepsTheSyncedPrefixAndCutsInsideTheLastWrite) {
  const std::string synced(100, 's');
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    const std::string path = absl::StrCat("/d/t", seed);
    auto f = Create(path);
    SyncDir("/d");
    Append(f.get(), synced);
    Sync(f.get());
    Append(f.get(), std::string(50, 'a'));
    Append(f.get(), std::string(50, 'b'));
    f.reset();
    CrashOptions options;
    options.seed = seed;
    options.tear_per_mille = 1000;
    CrashStats stats = Cut(options);
    ASSERT_EQ(stats.files_torn, 1u);
    const std::string got = Read(path);
    ASSERT_GT(got.size(), synced.size()) << "seed " << seed;
    ASSERT_LE(got.size(), 200u);
    EXPECT_EQ(got.substr(0, 100), synced);
    // The first write's bytes are intact: only the last write may hold garbage.
    const size_t first_write_kept = std::min<size_t>(got.size(), 150) - 100;
    EXPECT_EQ(got.substr(100, first_write_kept), std::string(first_write_kept, 'a'));
    ASSERT_TRUE(fs_->DeleteFile(path, IOOptions(), nullptr).ok());
  }
}

TEST_F(CrashFileSystemTest, KeepUnsyncedCaseKeepsEverything) {
  auto f = Create("/d/a");
  SyncDir("/d");
  Append(f.get(), "abc");
  f.reset();
  CrashOptions options;
  options.keep_unsynced_per_mille = 1000;
  CrashStats stats = Cut(options);
  EXPECT_EQ(Read("/d/a"), "abc");
  EXPECT_EQ(stats.files_kept_unsynced, 1u);
}

TEST_F(CrashFileSystemTest, ArmedCutLandsInsideAWrite) {
  auto f = Create("/d/a");
  SyncDir("/d");
  Append(f.get(), "0123456789");
  fs_->FreezeAfterBytes(4);
  EXPECT_TRUE(f->Append("abcdefgh", IOOptions(), nullptr).IsIOError());
  EXPECT_TRUE(fs_->frozen());
  EXPECT_EQ(fs_->UnsyncedBytes("/d/a"), 14u);  // the write's first 4 bytes landed
  f.reset();
  CrashOptions keep;
  keep.keep_unsynced_per_mille = 1000;
  fs_->Restart(keep);
  EXPECT_EQ(Read("/d/a"), "0123456789abcd");
}

TEST_F(CrashFileSystemTest, DisarmedCutNeverFires) {
  auto f = Create("/d/a");
  fs_->FreezeAfterBytes(4);
  fs_->Disarm();
  Append(f.get(), "0123456789");
  EXPECT_FALSE(fs_->frozen());
}

// The same file system under real RocksDB: a write acknowledged after sync=true survives a cut;
// writes made with sync=false after the last synced one do not.
class CrashFileSystemRocksTest : public CrashFileSystemTest {
 protected:
  CrashFileSystemRocksTest() : env_(rocksdb::NewCompositeEnv(fs_)) {
    options_.env = env_.get();
    options_.create_if_missing = true;
  }
  std::unique_ptr<rocksdb::DB> Open() {
    rocksdb::DB* db = nullptr;
    rocksdb::Status s = rocksdb::DB::Open(options_, "/db", &db);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return std::unique_ptr<rocksdb::DB>(db);
  }
  std::string Get(rocksdb::DB* db, const std::string& key) {
    std::string value;
    rocksdb::Status s = db->Get(rocksdb::ReadOptions(), key, &value);
    return s.ok() ? value : "<" + s.ToString() + ">";
  }

  std::unique_ptr<rocksdb::Env> env_;
  rocksdb::Options options_;
};

TEST_F(CrashFileSystemRocksTest, UnsyncedPutIsGoneAfterCut) {
  auto db = Open();
  rocksdb::WriteOptions nosync;
  ASSERT_TRUE(db->Put(nosync, "k", "v").ok());
  EXPECT_EQ(Get(db.get(), "k"), "v");
  fs_->Freeze();
  db.reset();
  fs_->Restart(CrashOptions());
  db = Open();
  EXPECT_EQ(Get(db.get(), "k"), "<NotFound: >");
}

TEST_F(CrashFileSystemRocksTest, SyncedPutSurvivesCut) {
  auto db = Open();
  rocksdb::WriteOptions sync;
  sync.sync = true;
  ASSERT_TRUE(db->Put(sync, "k", "v").ok());
  fs_->Freeze();
  db.reset();
  fs_->Restart(CrashOptions());
  db = Open();
  EXPECT_EQ(Get(db.get(), "k"), "v");
}

TEST_F(CrashFileSystemRocksTest, EverythingUpToTheLastSyncSurvivesAndNothingAfter) {
  for (int round = 0; round < 5; ++round) {
    auto db = Open();
    rocksdb::WriteOptions nosync;
    rocksdb::WriteOptions sync;
    sync.sync = true;
    int last_synced = -1;
    for (int i = 0; i < 300; ++i) {
      const bool synced = i % 7 == 3;
      ASSERT_TRUE(db->Put(synced ? sync : nosync, absl::StrCat("r", round, "k", i), "v").ok());
      if (synced) last_synced = i;
    }
    fs_->Freeze();
    db.reset();
    CrashOptions options;
    options.seed = static_cast<uint64_t>(round + 1);
    options.tear_per_mille = 500;  // a torn WAL tail must not cost a synced write
    fs_->Restart(options);
    db = Open();
    for (int i = 0; i < 300; ++i) {
      const std::string got = Get(db.get(), absl::StrCat("r", round, "k", i));
      if (i <= last_synced) {
        ASSERT_EQ(got, "v") << "round " << round << " key " << i;
      } else {
        ASSERT_NE(got, "v") << "unsynced write " << i << " survived; the cut did not bite";
      }
    }
  }
}

// Power fails inside the WAL write of a synced Put: the Put is not acknowledged, and every
// earlier synced Put survives whatever the cut does to the torn tail.
TEST_F(CrashFileSystemRocksTest, CutInsideASyncedWriteKeepsEarlierSyncedWrites) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    auto db = Open();
    rocksdb::WriteOptions sync;
    sync.sync = true;
    const std::string prefix = absl::StrCat("s", seed, "-");
    for (int i = 0; i < 10; ++i) {
      ASSERT_TRUE(db->Put(sync, absl::StrCat(prefix, i), std::string(100, 'v')).ok());
    }
    fs_->FreezeAfterBytes(seed * 7);  // inside the next record
    EXPECT_FALSE(db->Put(sync, prefix + "torn", std::string(200, 't')).ok());
    db.reset();
    CrashOptions options;
    options.seed = seed;
    options.tear_per_mille = 500;
    options.keep_unsynced_per_mille = 100;
    fs_->Restart(options);
    db = Open();
    ASSERT_NE(db, nullptr);
    for (int i = 0; i < 10; ++i) {
      ASSERT_EQ(Get(db.get(), absl::StrCat(prefix, i)), std::string(100, 'v')) << seed;
    }
    const std::string torn = Get(db.get(), prefix + "torn");
    EXPECT_TRUE(torn == "<NotFound: >") << "a torn record came back as '" << torn << "'";
  }
}

}  // namespace
}  // namespace na::store_testing
