#include "engine/subject/sublist.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace na::subject {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

// Owns the Subscription objects a test inserts, the way connections own theirs.
class SublistTest : public ::testing::TestWithParam<bool> {
 protected:
  SublistTest() : sublist_(/*cache_enabled=*/GetParam()) {}

  Subscription* Sub(absl::string_view subject, absl::string_view queue = "") {
    auto sub = std::make_unique<Subscription>();
    sub->subject = std::string(subject);
    sub->queue = std::string(queue);
    sub->sid = std::to_string(subs_.size() + 1);
    subs_.push_back(std::move(sub));
    return subs_.back().get();
  }

  Subscription* Add(absl::string_view subject, absl::string_view queue = "") {
    Subscription* sub = Sub(subject, queue);
    EXPECT_TRUE(sublist_.Insert(sub).ok()) << subject;
    return sub;
  }

  // The plain sids the subject matches, in result order.
  std::vector<std::string> PlainSids(absl::string_view subject) {
    std::vector<std::string> sids;
    for (Subscription* s : sublist_.Match(subject).plain) sids.push_back(s->sid);
    return sids;
  }

  std::vector<std::unique_ptr<Subscription>> subs_;
  Sublist sublist_;
};

INSTANTIATE_TEST_SUITE_P(CacheOnOff, SublistTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& param_info) {
                           return param_info.param ? "Cache" : "NoCache";
                         });

TEST_P(SublistTest, LiteralMatch) {
  Subscription* a = Add("foo.bar");
  Add("foo.baz");
  EXPECT_THAT(sublist_.Match("foo.bar").plain, ElementsAre(a));
  EXPECT_TRUE(sublist_.Match("foo").empty());
  EXPECT_TRUE(sublist_.Match("foo.bar.baz").empty());
  EXPECT_TRUE(sublist_.Match("FOO.BAR").empty()) << "subjects are case-sensitive";
}

TEST_P(SublistTest, Wildcards) {
  Subscription* star = Add("foo.*");
  Subscription* gt = Add("foo.>");
  Subscription* all = Add(">");
  Subscription* mid = Add("*.bar.*");
  EXPECT_THAT(sublist_.Match("foo.x").plain, UnorderedElementsAre(star, gt, all));
  EXPECT_THAT(sublist_.Match("foo.bar.z").plain, UnorderedElementsAre(gt, all, mid));
  EXPECT_THAT(sublist_.Match("foo").plain, UnorderedElementsAre(all));
  EXPECT_THAT(sublist_.Match("x.bar.y").plain, UnorderedElementsAre(all, mid));
  EXPECT_THAT(sublist_.Match("x.bar.y.z").plain, UnorderedElementsAre(all));
}

TEST_P(SublistTest, WildcardCharactersInsideTokensAreLiteral) {
  Subscription* a_star = Add("a*");
  Subscription* gt_b = Add("a.>b");
  EXPECT_THAT(sublist_.Match("a*").plain, ElementsAre(a_star));
  EXPECT_TRUE(sublist_.Match("ab").empty());
  EXPECT_THAT(sublist_.Match("a.>b").plain, ElementsAre(gt_b));
  EXPECT_TRUE(sublist_.Match("a.x").empty());
}

TEST_P(SublistTest, SeveralSubsOnOneSubjectEachMatchInInsertionOrder) {
  Add("foo");
  Add("foo");
  Add("foo");
  EXPECT_THAT(PlainSids("foo"), ElementsAre("1", "2", "3"));
}

TEST_P(SublistTest, QueueGroupsAreGroupedByNameInFirstInsertionOrder) {
  Subscription* plain = Add("orders.new");
  Subscription* w1 = Add("orders.new", "workers");
  Subscription* a1 = Add("orders.*", "audit");
  Subscription* w2 = Add("orders.*", "workers");
  Subscription* w3 = Add("orders.new", "workers");
  const MatchResult& r = sublist_.Match("orders.new");
  EXPECT_THAT(r.plain, ElementsAre(plain));
  ASSERT_EQ(r.queues.size(), 2u);
  // Both groups are present once each, whatever node contributed them.
  std::vector<std::string> names;
  for (const QueueGroup& g : r.queues) names.emplace_back(g.name);
  EXPECT_THAT(names, UnorderedElementsAre("workers", "audit"));
  for (const QueueGroup& g : r.queues) {
    if (g.name == "workers") {
      EXPECT_THAT(g.members, UnorderedElementsAre(w1, w2, w3));
    } else {
      EXPECT_THAT(g.members, ElementsAre(a1));
    }
  }
  // Same node: groups come in order of first insertion.
  Subscription* b1 = Add("jobs", "b");
  Subscription* a2 = Add("jobs", "a");
  Subscription* b2 = Add("jobs", "b");
  const MatchResult& jobs = sublist_.Match("jobs");
  ASSERT_EQ(jobs.queues.size(), 2u);
  EXPECT_EQ(jobs.queues[0].name, "b");
  EXPECT_THAT(jobs.queues[0].members, ElementsAre(b1, b2));
  EXPECT_EQ(jobs.queues[1].name, "a");
  EXPECT_THAT(jobs.queues[1].members, ElementsAre(a2));
}

TEST_P(SublistTest, QueueGroupNameMatchesIsCaseSensitive) {
  Add("q", "Work");
  Add("q", "work");
  EXPECT_EQ(sublist_.Match("q").queues.size(), 2u);
}

TEST_P(SublistTest, RemoveStopsMatchingAndPrunes) {
  Subscription* a = Add("foo.bar");
  Subscription* b = Add("foo.*");
  Subscription* q = Add("foo.bar", "g");
  EXPECT_EQ(sublist_.Count(), 3u);
  ASSERT_TRUE(sublist_.Remove(a).ok());
  EXPECT_THAT(sublist_.Match("foo.bar").plain, ElementsAre(b));
  ASSERT_TRUE(sublist_.Remove(q).ok());
  EXPECT_THAT(sublist_.Match("foo.bar").queues, IsEmpty());
  ASSERT_TRUE(sublist_.Remove(b).ok());
  EXPECT_TRUE(sublist_.Match("foo.bar").empty());
  EXPECT_EQ(sublist_.Count(), 0u);
  // Everything pruned: re-inserting works from scratch.
  ASSERT_TRUE(sublist_.Insert(a).ok());
  EXPECT_THAT(sublist_.Match("foo.bar").plain, ElementsAre(a));
}

TEST_P(SublistTest, RemoveUnknownIsNotFound) {
  Subscription* a = Add("foo");
  Subscription* stranger = Sub("foo");
  EXPECT_EQ(sublist_.Remove(stranger).code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(sublist_.Remove(a).ok());
  EXPECT_EQ(sublist_.Remove(a).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(sublist_.Stats().num_removes, 1u);
}

TEST_P(SublistTest, InsertRejectsInvalidSubjectsAndDuplicates) {
  for (const char* bad : {"", "a..b", ".a", "a.", "a.>.b", ">.a", "a b", "foo.\t"}) {
    Subscription* s = Sub(bad);
    EXPECT_EQ(sublist_.Insert(s).code(), absl::StatusCode::kInvalidArgument) << "'" << bad << "'";
  }
  EXPECT_EQ(sublist_.Count(), 0u);
  Subscription* a = Add("foo");
  EXPECT_EQ(sublist_.Insert(a).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(sublist_.Count(), 1u);
}

TEST_P(SublistTest, MatchOfMalformedSubjectIsEmpty) {
  Add(">");
  Add("*");
  EXPECT_TRUE(sublist_.Match("").empty());
  EXPECT_TRUE(sublist_.Match("a..b").empty());
  EXPECT_TRUE(sublist_.Match(".a").empty());
  EXPECT_TRUE(sublist_.Match("a.").empty());
}

TEST_P(SublistTest, AllIsInInsertionOrder) {
  Subscription* a = Add("z");
  Subscription* b = Add("a.>");
  Subscription* c = Add("m", "q");
  Subscription* d = Add("*");
  ASSERT_TRUE(sublist_.Remove(b).ok());
  std::vector<Subscription*> all;
  sublist_.All(&all);
  EXPECT_THAT(all, ElementsAre(a, c, d));
}

TEST_P(SublistTest, CacheSeesInsertsAndRemoves) {
  // Warm the cache, then change interest with literal and wildcard filters; every Match must
  // reflect the change (with the cache on this checks invalidation).
  Add("foo.bar");
  EXPECT_THAT(PlainSids("foo.bar"), ElementsAre("1"));
  EXPECT_THAT(PlainSids("foo.baz"), IsEmpty());
  Subscription* star = Add("foo.*");
  EXPECT_THAT(PlainSids("foo.bar"), UnorderedElementsAre("1", "2"));
  EXPECT_THAT(PlainSids("foo.baz"), ElementsAre("2"));
  Subscription* lit = Add("foo.baz");
  EXPECT_THAT(PlainSids("foo.baz"), UnorderedElementsAre("2", "3"));
  ASSERT_TRUE(sublist_.Remove(star).ok());
  EXPECT_THAT(PlainSids("foo.bar"), ElementsAre("1"));
  EXPECT_THAT(PlainSids("foo.baz"), ElementsAre("3"));
  ASSERT_TRUE(sublist_.Remove(lit).ok());
  EXPECT_THAT(PlainSids("foo.baz"), IsEmpty());
}

TEST_P(SublistTest, RepeatedSubjectSeesInsertsAndRemoves) {
  // A publisher repeats one subject; interest changes between its messages must show at once.
  EXPECT_THAT(PlainSids("foo.bar"), IsEmpty());
  EXPECT_THAT(PlainSids("foo.bar"), IsEmpty());
  Subscription* star = Add("foo.*");
  EXPECT_THAT(PlainSids("foo.bar"), ElementsAre("1"));
  EXPECT_THAT(PlainSids("foo.bar"), ElementsAre("1"));
  Add("foo.baz");
  EXPECT_THAT(PlainSids("foo.bar"), ElementsAre("1"));
  Add("foo.bar");
  EXPECT_THAT(PlainSids("foo.bar"), ElementsAre("3", "1"));
  ASSERT_TRUE(sublist_.Remove(star).ok());
  EXPECT_THAT(PlainSids("foo.bar"), ElementsAre("3"));
  EXPECT_THAT(PlainSids("foo.bar"), ElementsAre("3"));
}

TEST_P(SublistTest, StatsCountOperations) {
  Subscription* a = Add("foo");
  Add("foo");
  Add("foo", "q");
  sublist_.Match("foo");
  sublist_.Match("foo");
  sublist_.Match("bar");
  ASSERT_TRUE(sublist_.Remove(a).ok());
  const SublistStats stats = sublist_.Stats();
  EXPECT_EQ(stats.num_subscriptions, 2u);
  EXPECT_EQ(stats.num_inserts, 3u);
  EXPECT_EQ(stats.num_removes, 1u);
  EXPECT_EQ(stats.num_matches, 3u);
  if (GetParam()) {
    EXPECT_EQ(stats.cache_hits, 1u);
    // "foo" was invalidated by the remove; "bar" (empty) stays cached.
    EXPECT_EQ(stats.num_cache, 1u);
  } else {
    EXPECT_EQ(stats.cache_hits, 0u);
    EXPECT_EQ(stats.num_cache, 0u);
  }
}

TEST(SublistCacheTest, FanoutStatsOverCachedResults) {
  Sublist sublist;
  std::vector<Subscription> subs(4);
  subs[0].subject = "a";
  subs[1].subject = "a";
  subs[2].subject = "a";
  subs[2].queue = "q";
  subs[3].subject = "b";
  for (Subscription& s : subs) ASSERT_TRUE(sublist.Insert(&s).ok());
  sublist.Match("a");  // 2 plain + 1 group = fan-out 3
  sublist.Match("b");  // fan-out 1
  sublist.Match("c");  // fan-out 0
  const SublistStats stats = sublist.Stats();
  EXPECT_EQ(stats.num_cache, 3u);
  EXPECT_EQ(stats.max_fanout, 3u);
  EXPECT_DOUBLE_EQ(stats.avg_fanout, 4.0 / 3.0);
}

TEST(SublistCacheTest, CacheIsBoundedAndHitsAreServedFromIt) {
  Sublist sublist;
  Subscription sub;
  sub.subject = "s.>";
  ASSERT_TRUE(sublist.Insert(&sub).ok());
  for (int i = 0; i < 5000; ++i) {
    const MatchResult& r = sublist.Match("s." + std::to_string(i));
    ASSERT_THAT(r.plain, ElementsAre(&sub));
    EXPECT_LE(sublist.Stats().num_cache, 1024u);
  }
  // The most recent subjects survive a sweep; a repeat is a hit.
  const uint64_t hits_before = sublist.Stats().cache_hits;
  EXPECT_THAT(sublist.Match("s.4999").plain, ElementsAre(&sub));
  EXPECT_EQ(sublist.Stats().cache_hits, hits_before + 1);
}

TEST(SublistCacheTest, RepeatsSurviveCacheGrowthAndSweeps) {
  // Each new subject grows the cache (rehashing it) or sweeps it; a subject matched before and
  // after must still get its own result.
  Sublist sublist;
  Subscription zero, rest;
  zero.subject = "s.0";
  rest.subject = "s.*";
  ASSERT_TRUE(sublist.Insert(&zero).ok());
  ASSERT_TRUE(sublist.Insert(&rest).ok());
  for (int i = 1; i < 3000; ++i) {
    ASSERT_THAT(sublist.Match("s.0").plain, ElementsAre(&zero, &rest)) << i;
    ASSERT_THAT(sublist.Match("s." + std::to_string(i)).plain, ElementsAre(&rest)) << i;
  }
}

TEST(SublistCacheTest, InvalidationIsPrecise) {
  Sublist sublist;
  Subscription foo_star;
  foo_star.subject = "foo.*";
  sublist.Match("foo.a");
  sublist.Match("foo.b");
  sublist.Match("bar.a");
  sublist.Match("foo.a.b");
  ASSERT_EQ(sublist.Stats().num_cache, 4u);
  ASSERT_TRUE(sublist.Insert(&foo_star).ok());
  // Only foo.a and foo.b matched the new filter; the others stay cached.
  EXPECT_EQ(sublist.Stats().num_cache, 2u);
  const uint64_t hits = sublist.Stats().cache_hits;
  EXPECT_TRUE(sublist.Match("bar.a").empty());
  EXPECT_TRUE(sublist.Match("foo.a.b").empty());
  EXPECT_EQ(sublist.Stats().cache_hits, hits + 2);
  EXPECT_THAT(sublist.Match("foo.a").plain, ElementsAre(&foo_star));
  EXPECT_EQ(sublist.Stats().cache_hits, hits + 2);
}

TEST(SublistCacheTest, SubjectsWithWildcardsAreNotCached) {
  Sublist sublist;
  Subscription star;
  star.subject = "a.*";
  ASSERT_TRUE(sublist.Insert(&star).ok());
  EXPECT_THAT(sublist.Match("a.*").plain, ElementsAre(&star));
  EXPECT_EQ(sublist.Stats().num_cache, 0u);
}

}  // namespace
}  // namespace na::subject
