#include "net/runtime/timer_heap.h"

namespace na::net {

void TimerHeap::Arm(io::TimerId id, int64_t deadline_mono_ns) {
  const uint64_t seq = next_seq_++;
  live_[id] = seq;
  heap_.push(Entry{deadline_mono_ns, seq, id});
  // Stale entries are dropped lazily; bound their number so a timer re-armed in a loop without
  // ever firing cannot grow the heap without limit.
  if (heap_.size() > 2 * live_.size() + 64) {
    std::vector<Entry> keep;
    keep.reserve(live_.size());
    while (!heap_.empty()) {
      const Entry& top = heap_.top();
      auto it = live_.find(top.id);
      if (it != live_.end() && it->second == top.seq) keep.push_back(top);
      heap_.pop();
    }
    for (const Entry& e : keep) heap_.push(e);
  }
}

void TimerHeap::Cancel(io::TimerId id) { live_.erase(id); }

void TimerHeap::DropStale() {
  while (!heap_.empty()) {
    const Entry& top = heap_.top();
    auto it = live_.find(top.id);
    if (it != live_.end() && it->second == top.seq) return;
    heap_.pop();
  }
}

std::optional<int64_t> TimerHeap::NextDeadline() {
  DropStale();
  if (heap_.empty()) return std::nullopt;
  return heap_.top().deadline_mono_ns;
}

std::vector<TimerHeap::Due> TimerHeap::PopDue(int64_t now_mono_ns) {
  std::vector<Due> due;
  while (true) {
    DropStale();
    if (heap_.empty() || heap_.top().deadline_mono_ns > now_mono_ns) break;
    due.push_back(Due{heap_.top().id, heap_.top().seq});
    heap_.pop();
  }
  return due;
}

bool TimerHeap::Claim(const Due& due) {
  auto it = live_.find(due.id);
  if (it == live_.end() || it->second != due.seq) return false;
  live_.erase(it);
  return true;
}

}  // namespace na::net
