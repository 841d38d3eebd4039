// Randomized differential test: the Sublist (cache on and off) against a brute-force matcher
// that checks every live subscription with SubjectMatchesFilter.
#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/base/random.h"
#include "engine/subject/subject.h"
#include "engine/subject/sublist.h"
#include "gtest/gtest.h"

namespace na::subject {
namespace {

// A small alphabet so that filters and subjects collide often.
std::string RandomSubject(Prng& rng, bool wildcards) {
  static const char* kLiterals[] = {"a", "b", "c", "a*", ">b"};
  const int tokens = static_cast<int>(rng.Between(1, 5));
  std::string out;
  for (int i = 0; i < tokens; ++i) {
    if (i > 0) out += '.';
    const uint64_t pick = rng.Below(wildcards ? 8 : 5);
    if (pick < 5) {
      out += kLiterals[pick];
    } else if (pick < 7) {
      out += '*';
    } else {
      out += '>';
      break;  // '>' must be last
    }
  }
  return out;
}

// Canonical form of a result, independent of order: sorted plain sids, and per group name the
// sorted member sids.
struct Canonical {
  std::vector<std::string> plain;
  std::map<std::string, std::vector<std::string>> queues;
  bool operator==(const Canonical& o) const { return plain == o.plain && queues == o.queues; }
};

Canonical FromResult(const MatchResult& r) {
  Canonical c;
  for (const Subscription* s : r.plain) c.plain.push_back(s->sid);
  for (const QueueGroup& g : r.queues) {
    EXPECT_FALSE(g.members.empty());
    EXPECT_EQ(c.queues.count(std::string(g.name)), 0u) << "group listed twice: " << g.name;
    auto& members = c.queues[std::string(g.name)];
    for (const Subscription* s : g.members) {
      EXPECT_EQ(s->queue, g.name);
      members.push_back(s->sid);
    }
    std::sort(members.begin(), members.end());
  }
  std::sort(c.plain.begin(), c.plain.end());
  return c;
}

Canonical BruteForce(const std::vector<Subscription*>& live, const std::string& subject) {
  Canonical c;
  for (const Subscription* s : live) {
    if (!SubjectMatchesFilter(subject, s->subject)) continue;
    if (s->queue.empty()) {
      c.plain.push_back(s->sid);
    } else {
      c.queues[s->queue].push_back(s->sid);
    }
  }
  std::sort(c.plain.begin(), c.plain.end());
  for (auto& [name, members] : c.queues) std::sort(members.begin(), members.end());
  return c;
}

std::vector<const Subscription*> Flatten(const MatchResult& r) {
  std::vector<const Subscription*> out(r.plain.begin(), r.plain.end());
  for (const QueueGroup& g : r.queues) {
    out.push_back(nullptr);  // group boundary
    out.insert(out.end(), g.members.begin(), g.members.end());
  }
  return out;
}

TEST(SublistDifferentialTest, MatchesBruteForceWithAndWithoutCache) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    Prng rng(seed);
    Sublist cached(/*cache_enabled=*/true);
    Sublist uncached(/*cache_enabled=*/false);
    std::vector<std::unique_ptr<Subscription>> owned;
    std::vector<Subscription*> live;
    int next_sid = 1;
    for (int op = 0; op < 3000; ++op) {
      const uint64_t kind = rng.Below(10);
      if (kind < 3 || live.empty()) {
        auto sub = std::make_unique<Subscription>();
        sub->subject = RandomSubject(rng, /*wildcards=*/true);
        static const char* kQueues[] = {"", "", "", "q1", "q2"};
        sub->queue = kQueues[rng.Below(5)];
        sub->sid = std::to_string(next_sid++);
        ASSERT_TRUE(cached.Insert(sub.get()).ok()) << sub->subject;
        ASSERT_TRUE(uncached.Insert(sub.get()).ok());
        live.push_back(sub.get());
        owned.push_back(std::move(sub));
      } else if (kind < 5) {
        const size_t i = rng.Below(live.size());
        ASSERT_TRUE(cached.Remove(live[i]).ok());
        ASSERT_TRUE(uncached.Remove(live[i]).ok());
        live.erase(live.begin() + static_cast<std::ptrdiff_t>(i));
      } else {
        const std::string subject = RandomSubject(rng, /*wildcards=*/false);
        const Canonical expected = BruteForce(live, subject);
        const MatchResult& from_cached = cached.Match(subject);
        ASSERT_TRUE(FromResult(from_cached) == expected)
            << "seed " << seed << " op " << op << " subject " << subject;
        const std::vector<const Subscription*> cached_order = Flatten(from_cached);
        const MatchResult& from_uncached = uncached.Match(subject);
        ASSERT_TRUE(FromResult(from_uncached) == expected) << "seed " << seed << " op " << op;
        // A cached result is exactly what a fresh walk returns, order included.
        ASSERT_EQ(cached_order, Flatten(from_uncached)) << "seed " << seed << " op " << op;
      }
      ASSERT_EQ(cached.Count(), live.size());
    }
    std::vector<Subscription*> all;
    cached.All(&all);
    EXPECT_EQ(all, live) << "All() is insertion order minus removals";
    EXPECT_GT(cached.Stats().cache_hits, 0u) << "the test should exercise cache hits";
  }
}

// Same operation sequence, two lists: identical result order (nothing depends on hash seeds or
// addresses). Subscriptions are allocated in a different order in the two runs.
TEST(SublistDifferentialTest, ResultOrderDependsOnlyOnOperations) {
  std::vector<std::string> subjects;
  Prng rng(99);
  for (int i = 0; i < 300; ++i) subjects.push_back(RandomSubject(rng, true));
  auto run = [&](bool reverse_alloc) {
    std::vector<std::unique_ptr<Subscription>> owned(subjects.size());
    for (size_t k = 0; k < subjects.size(); ++k) {
      const size_t i = reverse_alloc ? subjects.size() - 1 - k : k;
      owned[i] = std::make_unique<Subscription>();
      owned[i]->subject = subjects[i];
      owned[i]->queue = i % 3 == 0 ? "q" : "";
      owned[i]->sid = std::to_string(i);
    }
    Sublist sublist;
    for (auto& s : owned) EXPECT_TRUE(sublist.Insert(s.get()).ok());
    for (size_t i = 0; i < owned.size(); i += 4) EXPECT_TRUE(sublist.Remove(owned[i].get()).ok());
    std::vector<std::string> trace;
    Prng query_rng(7);
    for (int q = 0; q < 200; ++q) {
      const MatchResult& r = sublist.Match(RandomSubject(query_rng, false));
      for (const Subscription* s : r.plain) trace.push_back(s->sid);
      for (const QueueGroup& g : r.queues) {
        trace.push_back("|" + std::string(g.name));
        for (const Subscription* s : g.members) trace.push_back(s->sid);
      }
      trace.push_back(";");
    }
    return trace;
  };
  EXPECT_EQ(run(false), run(true));
}

}  // namespace
}  // namespace na::subject
