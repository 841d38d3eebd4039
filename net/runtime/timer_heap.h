// TimerHeap: the engine's timers, as a min-heap keyed by (deadline, arming sequence).
//
// Re-arming or cancelling never searches the heap: each TimerId maps to the sequence number of
// its live arming, and heap entries whose sequence is no longer live are dropped when they reach
// the top (lazy cancellation). Ties on the deadline fire in arming order, so the order in which
// timers fire depends only on the calls made, never on addresses or hash seeds.
#ifndef NATRIUM_NET_RUNTIME_TIMER_HEAP_H_
#define NATRIUM_NET_RUNTIME_TIMER_HEAP_H_

#include <cstdint>
#include <optional>
#include <queue>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "engine/io/io.h"

namespace na::net {

class TimerHeap {
 public:
  // Arms `id` at `deadline_mono_ns`, replacing an earlier deadline of the same id.
  void Arm(io::TimerId id, int64_t deadline_mono_ns);
  void Cancel(io::TimerId id);

  // The earliest live deadline, if any timer is armed.
  std::optional<int64_t> NextDeadline();

  struct Due {
    io::TimerId id;
    uint64_t seq;
  };

  // Removes and returns every timer due at `now_mono_ns`, earliest first. Timers armed after
  // this call fire on a later call even if already due, so an engine that re-arms at "now"
  // cannot starve the loop.
  std::vector<Due> PopDue(int64_t now_mono_ns);

  // Disarms a timer returned by PopDue and says whether it should fire: false when it was
  // cancelled or re-armed (by an earlier timer of the same batch) since PopDue.
  bool Claim(const Due& due);

  bool IsArmed(io::TimerId id) const { return live_.contains(id); }

  size_t size() const { return live_.size(); }

 private:
  struct Entry {
    int64_t deadline_mono_ns;
    uint64_t seq;
    io::TimerId id;
    bool operator>(const Entry& other) const {
      if (deadline_mono_ns != other.deadline_mono_ns) {
        return deadline_mono_ns > other.deadline_mono_ns;
      }
      return seq > other.seq;
    }
  };

  void DropStale();

  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> heap_;
  absl::flat_hash_map<io::TimerId, uint64_t> live_;  // id -> seq of its live arming
  uint64_t next_seq_ = 1;
};

}  // namespace na::net

#endif  // NATRIUM_NET_RUNTIME_TIMER_HEAP_H_
