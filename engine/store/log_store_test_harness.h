// Test-only: opens a LogStore implementation, crashes it (drops everything unsynced) and
// reopens it, so one test body can run against MemLogStore and RocksLogStore.
#ifndef NATRIUM_ENGINE_STORE_LOG_STORE_TEST_HARNESS_H_
#define NATRIUM_ENGINE_STORE_LOG_STORE_TEST_HARNESS_H_

#include <unistd.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "engine/store/mem_log_store.h"
#include "engine/store/rocks/rocks_log_store.h"
#include "gtest/gtest.h"

namespace na::store {

class MemHarness {
 public:
  void Open() { store_ = std::make_unique<MemLogStore>(); }
  LogStore& store() { return *store_; }
  // Power cut: everything not synced is gone.
  void Crash() { store_->Crash(); }

 private:
  std::unique_ptr<MemLogStore> store_;
};

class RocksHarness {
 public:
  RocksHarness() {
    const testing::TestInfo* info = testing::UnitTest::GetInstance()->current_test_info();
    std::string name = absl::StrCat(info->test_suite_name(), "_", info->name());
    for (char& c : name) {
      if (c == '/' || c == '<' || c == '>' || c == ',' || c == ' ') c = '_';
    }
    path_ = absl::StrCat(testing::TempDir(), "na_store_contract_", getpid(), "_", name);
  }
  ~RocksHarness() {
    store_.reset();
    (void)rocks::DestroyRocksLogStore(path_);
  }
  void Open() {
    store_.reset();
    (void)rocks::DestroyRocksLogStore(path_);
    Reopen();
  }
  LogStore& store() { return *store_; }
  // Closing without Sync drops the staged batch, exactly what a power cut does to it.
  void Crash() {
    store_.reset();
    Reopen();
  }

 private:
  void Reopen() {
    rocks::RocksLogStoreOptions options;
    options.path = path_;
    auto store = rocks::RocksLogStore::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }
  std::string path_;
  std::unique_ptr<rocks::RocksLogStore> store_;
};

}  // namespace na::store

#endif  // NATRIUM_ENGINE_STORE_LOG_STORE_TEST_HARNESS_H_
