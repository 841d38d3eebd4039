// A random LogStore workload as replayable values, and a logical dump to compare stores by.
//
// The crash harness applies each StoreOp to the store under test and to a model (MemLogStore),
// keeps the ops made since the last Sync, and after a cut looks for the prefix of them that the
// reopened store equals. Ops are plain values so they can be replayed on the model; every random
// choice comes from a Prng so a seed reproduces a run.
#ifndef NATRIUM_TESTS_STORE_STORE_WORKLOAD_H_
#define NATRIUM_TESTS_STORE_STORE_WORKLOAD_H_

#include <cstdint>
#include <string>
#include <vector>

#include "engine/base/random.h"
#include "engine/store/log_store.h"

namespace na::store_testing {

struct OwnedMessage {
  std::string subject;
  std::string headers;
  std::string payload;
  int64_t timestamp_ns = 0;
};

struct StoreOp {
  enum class Kind {
    kAppend,
    kDelete,
    kPurge,
    kCompact,
    kExpire,
    kPutConsumer,
    kDeleteConsumer,
    kSync,
  };
  Kind kind = Kind::kSync;
  store::StreamId stream = 0;
  std::vector<OwnedMessage> messages;  // kAppend
  uint64_t seq = 0;                    // kDelete, kCompact
  bool erase = false;                  // kDelete
  store::PurgeRequest purge;           // kPurge
  int64_t now_ns = 0;                  // kExpire
  store::ConsumerRecord consumer;      // kPutConsumer (name also for kDeleteConsumer)

  std::string ToString() const;
};

// The streams every workload runs on, with limits so discard-old paths run too.
std::vector<store::StreamInfo> WorkloadStreams();

// Creates WorkloadStreams() in `store` and syncs.
absl::Status CreateWorkloadStreams(store::LogStore& store);

// Draws the next op. `model` is read (never written) to aim deletes, purges and consumer states
// at sequences that exist. `clock_ns` is the workload's monotone clock; it advances.
StoreOp NextOp(Prng& rng, const store::LogStore& model, int64_t* clock_ns, int sync_per_mille);

// Applies `op` and describes its outcome (sequences assigned, statuses), so that two stores given
// the same ops can be compared op by op.
std::string ApplyOp(store::LogStore& store, const StoreOp& op);

// Everything a reader can observe, in a canonical text form: streams, configs, state counters,
// deleted sequences, per-subject state, every message, every consumer. A read error appears in
// the dump as its status, so corruption shows up as a difference.
std::string DumpStore(const store::LogStore& store);

// The first line where two dumps differ, with a little context, for failure messages.
std::string FirstDifference(const std::string& a, const std::string& b);

}  // namespace na::store_testing

#endif  // NATRIUM_TESTS_STORE_STORE_WORKLOAD_H_
