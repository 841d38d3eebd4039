// MemLogStore: the in-memory LogStore, for the simulator and for JetStream memory storage.
//
// It keeps the synced and the unsynced parts of its state apart: every mutation since the last
// Sync() is recorded in an undo log, and Crash() rolls them all back, which is what a power cut
// does to a disk whose unsynced writes are lost. With track_unsynced = false (JetStream memory
// storage, which has nothing to survive a crash) the undo log is not kept and Crash() must not
// be called.
//
// Deterministic: ordered containers only; no clock, no randomness.
#ifndef NATRIUM_ENGINE_STORE_MEM_LOG_STORE_H_
#define NATRIUM_ENGINE_STORE_MEM_LOG_STORE_H_

#include <cstddef>
#include <memory>

#include "engine/store/backed_log_store.h"

namespace na::store {

struct MemLogStoreOptions {
  bool track_unsynced = true;
};

class MemLogStore final : public BackedLogStore {
 public:
  explicit MemLogStore(MemLogStoreOptions options = {});
  ~MemLogStore() override;

  // Drops every mutation made since the last successful Sync(), as a crash would, and rebuilds
  // the in-memory index from what remains. REQUIRES: options.track_unsynced.
  void Crash();

  // Mutations recorded since the last Sync() (0 when track_unsynced is off).
  size_t unsynced_mutations() const;

 private:
  class MemBackend;
  MemBackend* mem_;  // owned by BackedLogStore
  bool track_unsynced_;
};

}  // namespace na::store

#endif  // NATRIUM_ENGINE_STORE_MEM_LOG_STORE_H_
