#include "engine/subject/subscription_set.h"

#include <vector>

#include "gtest/gtest.h"

namespace na::subject {
namespace {

std::vector<Subscription*> Members(const SubscriptionSet& set) {
  std::vector<Subscription*> out;
  set.AppendTo(&out);
  return out;
}

TEST(SubscriptionSetTest, KeepsInsertionOrderAcrossErases) {
  // Sizes on both sides of the point where the set starts indexing.
  for (int n : {3, 16, 17, 200}) {
    std::vector<Subscription> subs(n);
    SubscriptionSet set;
    std::vector<Subscription*> expected;
    for (Subscription& s : subs) {
      ASSERT_TRUE(set.Insert(&s));
      expected.push_back(&s);
    }
    EXPECT_FALSE(set.Insert(&subs[0])) << "duplicate insert must be refused";
    // Erase every other one, then the first: the survivors keep their relative order.
    std::vector<Subscription*> survivors;
    for (int i = 0; i < n; ++i) {
      if (i % 2 == 0) {
        ASSERT_TRUE(set.Erase(&subs[i]));
      } else {
        survivors.push_back(&subs[i]);
      }
    }
    EXPECT_FALSE(set.Erase(&subs[0]));
    EXPECT_EQ(set.size(), survivors.size());
    EXPECT_EQ(Members(set), survivors);
    for (int i = 0; i < n; ++i) EXPECT_EQ(set.Contains(&subs[i]), i % 2 == 1);
    // Re-inserting goes to the end.
    ASSERT_TRUE(set.Insert(&subs[0]));
    survivors.push_back(&subs[0]);
    EXPECT_EQ(Members(set), survivors);
    for (Subscription* s : survivors) ASSERT_TRUE(set.Erase(s));
    EXPECT_TRUE(set.empty());
    EXPECT_TRUE(Members(set).empty());
  }
}

}  // namespace
}  // namespace na::subject
