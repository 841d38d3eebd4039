// Fuzzes recovery: RocksLogStore opened from mutated files must return an error or a consistent
// state, never crash.
//
// A small seed store (two streams, deletes, a purge, consumers; part in SST files, part in the
// WAL) is built once in memory. Each input copies its files into a fresh in-memory Env, mutates
// them, and opens the store there.
//
// Input layout: byte 0 picks the file to mutate (mod the number of files, in name order); then
// 4-byte operations [kind, offset_lo, offset_hi, value], offset scaled over the file's size:
//   kind % 4 == 0  xor `value` into the byte
//   kind % 4 == 1  set the byte to `value`
//   kind % 4 == 2  truncate the file at the offset
//   kind % 4 == 3  switch to file `value` (mod the number of files)
// The seed store's file contents carry RocksDB's random session ids, so an input replays the
// same mutations on slightly different bytes in another process; offsets and choices are stable.
//
// Consistency when the store opens: every stream's state, message walk and consumers read
// either cleanly or with a DataLoss/Internal error; a clean walk finds exactly state.msgs
// messages, in order, within [first_seq, last_seq], whose per-subject counts match.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/store/log_store.h"
#include "engine/store/rocks/rocks_log_store.h"
#include "rocksdb/env.h"
#include "rocksdb/file_system.h"

namespace {

namespace store = ::na::store;
namespace rk = ::na::store::rocks;

constexpr char kDir[] = "/fuzz-store";

void Fail(const std::string& what) {
  std::fprintf(stderr, "store_recovery_fuzz: %s\n", what.c_str());
  std::abort();
}

bool Tolerated(const absl::Status& s) {
  return absl::IsDataLoss(s) || absl::IsInternal(s) || absl::IsUnavailable(s) ||
         absl::IsFailedPrecondition(s);
}

std::map<std::string, std::string> BuildSeedStore() {
  std::unique_ptr<rocksdb::Env> env(rocksdb::NewMemEnv(rocksdb::Env::Default()));
  rk::RocksLogStoreOptions options;
  options.path = kDir;
  options.env = env.get();
  std::vector<store::AppendResult> results;
  for (int pass = 0; pass < 2; ++pass) {
    auto opened = rk::RocksLogStore::Open(options);
    if (!opened.ok()) Fail(absl::StrCat("seed open: ", opened.status().ToString()));
    store::LogStore& s = **opened;
    if (pass == 0) {
      store::StreamConfig a;
      a.name = "ORDERS";
      a.subjects = {"orders.*"};
      a.max_msgs_per_subject = 5;
      store::StreamConfig b;
      b.name = "EVENTS";
      b.subjects = {"events.>"};
      b.storage = store::StorageKind::kMemory;
      if (!s.CreateStream(1, a).ok() || !s.CreateStream(2, b).ok()) Fail("seed streams");
    }
    for (int i = 0; i < 12; ++i) {
      const std::string subject = absl::StrCat(i % 2 ? "orders." : "events.x.", i % 3);
      const std::string payload(static_cast<size_t>(10 + i * 7), static_cast<char>('a' + i));
      store::Message m;
      m.subject = subject;
      m.payload = payload;
      m.timestamp_ns = 1000 + pass * 100 + i;
      if (!s.Append(i % 2 ? 1 : 2, {&m, 1}, &results).ok()) Fail("seed append");
    }
    if (!s.DeleteMessage(2, 3, false).ok()) Fail("seed delete");
    store::ConsumerRecord c;
    c.name = absl::StrCat("c", pass);
    c.state.delivered = {4, 4};
    c.state.ack_floor = {2, 2};
    c.state.pending[3] = {3, 1};
    if (!s.PutConsumer(1, c).ok()) Fail("seed consumer");
    if (pass == 1) {
      store::PurgeRequest p;
      p.filter = "events.x.0";
      if (!s.Purge(2, p).ok()) Fail("seed purge");
    }
    if (!s.Sync().ok()) Fail("seed sync");
    if (pass == 1) {
      // Copy the files while the store is open, as a crash right after the Sync would leave
      // them: pass 0 in SST files (flushed on close), pass 1 only in the WAL.
      std::map<std::string, std::string> files;
      std::vector<std::string> children;
      if (!env->GetChildren(kDir, &children).ok()) Fail("seed listing");
      for (const std::string& child : children) {
        std::string data;
        if (rocksdb::ReadFileToString(env.get(), absl::StrCat(kDir, "/", child), &data).ok()) {
          files[child] = data;
        }
      }
      return files;
    }
  }
  Fail("unreachable");
  return {};
}

void CheckStream(const store::LogStore& s, const store::StreamInfo& info) {
  auto state = s.GetStreamState(info.id, store::StateOptions{true, ">"});
  if (!state.ok()) {
    if (!Tolerated(state.status())) Fail(state.status().ToString());
    return;
  }
  if (state->msgs > 0 && state->first_seq > state->last_seq) Fail("first_seq > last_seq");
  uint64_t subject_total = 0;
  for (const auto& [subject, n] : state->subjects) subject_total += n;
  if (subject_total != state->msgs) Fail("per-subject counts do not add up to msgs");
  store::StoredMessage m;
  uint64_t seq = state->first_seq;
  uint64_t walked = 0;
  uint64_t last = 0;
  while (walked <= state->msgs) {
    absl::Status st = s.LoadNextMessage(info.id, ">", seq, &m);
    if (absl::IsOutOfRange(st)) break;
    if (!st.ok()) {
      if (!Tolerated(st)) Fail(st.ToString());
      return;  // a corrupt record ends the walk; that is the error the caller sees
    }
    if (m.seq < seq || m.seq <= last) Fail("walk went backwards");
    if (m.seq < state->first_seq || m.seq > state->last_seq) Fail("message outside the state");
    last = m.seq;
    seq = m.seq + 1;
    ++walked;
  }
  if (walked != state->msgs) {
    Fail(absl::StrCat("stream ", info.id, ": walk found ", walked, " msgs, state says ",
                      state->msgs));
  }
  auto consumers = s.ListConsumers(info.id);
  if (!consumers.ok()) {
    if (!Tolerated(consumers.status())) Fail(consumers.status().ToString());
    return;
  }
  for (const std::string& name : *consumers) {
    auto c = s.LoadConsumer(info.id, name);
    if (!c.ok() && !Tolerated(c.status())) Fail(c.status().ToString());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::map<std::string, std::string>* seed =
      new std::map<std::string, std::string>(BuildSeedStore());
  std::vector<std::string> names;
  std::vector<std::string> contents;
  for (const auto& [name, bytes] : *seed) {
    names.push_back(name);
    contents.push_back(bytes);
  }
  if (names.empty() || size < 1) return 0;
  if (std::getenv("NA_FUZZ_LIST_FILES") != nullptr) {
    for (size_t i = 0; i < names.size(); ++i) {
      std::fprintf(stderr, "%zu %s %zu\n", i, names[i].c_str(), contents[i].size());
    }
  }
  size_t file = data[0] % names.size();
  for (size_t i = 1; i + 4 <= size; i += 4) {
    const uint8_t kind = data[i];
    const uint32_t raw =
        static_cast<uint32_t>(data[i + 1]) | (static_cast<uint32_t>(data[i + 2]) << 8);
    const uint8_t value = data[i + 3];
    std::string& bytes = contents[file];
    const size_t offset = bytes.empty() ? 0 : static_cast<size_t>(raw) * bytes.size() / 65536;
    switch (kind % 4) {
      case 0:
        if (!bytes.empty()) bytes[offset] = static_cast<char>(bytes[offset] ^ value);
        break;
      case 1:
        if (!bytes.empty()) bytes[offset] = static_cast<char>(value);
        break;
      case 2:
        bytes.resize(offset);
        break;
      default:
        file = value % names.size();
        break;
    }
  }

  std::unique_ptr<rocksdb::Env> env(rocksdb::NewMemEnv(rocksdb::Env::Default()));
  if (!env->CreateDirIfMissing(kDir).ok()) Fail("mkdir");
  for (size_t i = 0; i < names.size(); ++i) {
    if (!rocksdb::WriteStringToFile(env.get(), contents[i], absl::StrCat(kDir, "/", names[i]))
             .ok()) {
      Fail("write");
    }
  }
  rk::RocksLogStoreOptions options;
  options.path = kDir;
  options.env = env.get();
  options.create_if_missing = false;
  auto opened = rk::RocksLogStore::Open(options);
  if (size == 1 && (!opened.ok() || (*opened)->ListStreams().size() != 2)) {
    Fail("the unmutated seed store does not open with its two streams");  // the harness is broken
  }
  if (!opened.ok()) {
    // Any error is acceptable here, as long as it is an error and not a crash; but a store that
    // cannot be opened must not claim to be missing when its files are there.
    return 0;
  }
  for (const store::StreamInfo& info : (*opened)->ListStreams()) CheckStream(**opened, info);
  return 0;
}
