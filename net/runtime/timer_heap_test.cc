#include "net/runtime/timer_heap.h"

#include <vector>

#include "gtest/gtest.h"

namespace na::net {
namespace {

std::vector<io::TimerId> FireDue(TimerHeap& heap, int64_t now) {
  std::vector<io::TimerId> fired;
  for (const TimerHeap::Due& due : heap.PopDue(now)) {
    if (heap.Claim(due)) fired.push_back(due.id);
  }
  return fired;
}

TEST(TimerHeapTest, FiresInDeadlineThenArmingOrder) {
  TimerHeap heap;
  heap.Arm(3, 30);
  heap.Arm(1, 10);
  heap.Arm(2, 10);  // same deadline as 1, armed later
  heap.Arm(4, 5);
  EXPECT_EQ(heap.NextDeadline(), 5);
  EXPECT_EQ(FireDue(heap, 9), (std::vector<io::TimerId>{4}));
  EXPECT_EQ(FireDue(heap, 30), (std::vector<io::TimerId>{1, 2, 3}));
  EXPECT_FALSE(heap.NextDeadline().has_value());
  EXPECT_EQ(heap.size(), 0u);
}

TEST(TimerHeapTest, RearmReplacesAndCancelRemoves) {
  TimerHeap heap;
  heap.Arm(1, 10);
  heap.Arm(1, 50);  // replaces 10
  heap.Arm(2, 20);
  heap.Cancel(2);
  EXPECT_EQ(heap.NextDeadline(), 50);
  EXPECT_TRUE(FireDue(heap, 49).empty());
  EXPECT_EQ(FireDue(heap, 50), (std::vector<io::TimerId>{1}));
  EXPECT_FALSE(heap.IsArmed(1));
}

TEST(TimerHeapTest, CancelOrRearmWithinABatchIsHonoured) {
  TimerHeap heap;
  heap.Arm(1, 10);
  heap.Arm(2, 10);
  heap.Arm(3, 10);
  std::vector<TimerHeap::Due> due = heap.PopDue(10);
  ASSERT_EQ(due.size(), 3u);
  EXPECT_TRUE(heap.Claim(due[0]));
  heap.Cancel(2);    // what the engine might do while handling timer 1
  heap.Arm(3, 100);  // likewise
  EXPECT_FALSE(heap.Claim(due[1]));
  EXPECT_FALSE(heap.Claim(due[2]));
  EXPECT_EQ(heap.NextDeadline(), 100);
}

TEST(TimerHeapTest, StaleEntriesStayBounded) {
  TimerHeap heap;
  for (int i = 0; i < 100000; ++i) heap.Arm(7, 1000 + i);
  EXPECT_EQ(heap.size(), 1u);
  EXPECT_EQ(heap.NextDeadline(), 1000 + 99999);
}

}  // namespace
}  // namespace na::net
