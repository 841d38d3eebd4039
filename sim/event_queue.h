// The simulator's only scheduler: a min-heap of closures keyed by (time, sequence).
//
// Time is virtual nanoseconds and jumps straight to the next event. The sequence number is a
// global counter, so events scheduled for the same instant run in the order they were scheduled,
// on every machine and every run.
#ifndef NATRIUM_SIM_EVENT_QUEUE_H_
#define NATRIUM_SIM_EVENT_QUEUE_H_

#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

namespace na::sim {

class EventQueue {
 public:
  // Runs `fn` at `time_ns` (or now, if that is in the past).
  void At(int64_t time_ns, std::function<void()> fn) {
    heap_.push(Event{time_ns < now_ns_ ? now_ns_ : time_ns, next_seq_++, std::move(fn)});
  }
  void After(int64_t delay_ns, std::function<void()> fn) { At(now_ns_ + delay_ns, std::move(fn)); }

  // Pops and runs the earliest event if it is due at or before `limit_ns`. False when none is.
  bool RunNext(int64_t limit_ns) {
    if (heap_.empty() || heap_.top().time_ns > limit_ns) return false;
    // The closure may schedule more events, so move it out before popping.
    Event event = std::move(const_cast<Event&>(heap_.top()));
    heap_.pop();
    now_ns_ = event.time_ns;
    ++processed_;
    event.fn();
    return true;
  }

  int64_t now_ns() const { return now_ns_; }
  uint64_t processed() const { return processed_; }
  size_t size() const { return heap_.size(); }

 private:
  struct Event {
    int64_t time_ns;
    uint64_t seq;
    std::function<void()> fn;
  };
  struct Later {
    bool operator()(const Event& a, const Event& b) const {
      return a.time_ns != b.time_ns ? a.time_ns > b.time_ns : a.seq > b.seq;
    }
  };

  std::priority_queue<Event, std::vector<Event>, Later> heap_;
  int64_t now_ns_ = 0;
  uint64_t next_seq_ = 0;
  uint64_t processed_ = 0;
};

}  // namespace na::sim

#endif  // NATRIUM_SIM_EVENT_QUEUE_H_
