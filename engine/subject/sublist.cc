#include "engine/subject/sublist.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "engine/base/check.h"
#include "engine/subject/subject.h"
#include "engine/subject/subscription_set.h"

namespace na::subject {
namespace {

// nats-server bounds its match cache at 1024 subjects and sweeps down to 512 (sublist.go
// slCacheMax / slCacheSweep). We sweep inline and drop the oldest entries, so that what stays
// cached depends only on the call sequence.
constexpr size_t kCacheEntriesMax = 1024;
constexpr size_t kCacheEntriesAfterSweep = 512;

using Tokens = absl::InlinedVector<absl::string_view, 16>;

// Splits a subject into tokens. Returns false for an empty subject or an empty token.
bool Tokenize(absl::string_view subject, Tokens* tokens) {
  if (subject.empty()) return false;
  size_t start = 0;
  for (size_t i = 0; i < subject.size(); ++i) {
    if (subject[i] == '.') {
      if (i == start) return false;
      tokens->push_back(subject.substr(start, i - start));
      start = i + 1;
    }
  }
  if (start >= subject.size()) return false;
  tokens->push_back(subject.substr(start));
  return true;
}

bool IsPartialWildcard(absl::string_view token) { return token.size() == 1 && token[0] == '*'; }
bool IsFullWildcard(absl::string_view token) { return token.size() == 1 && token[0] == '>'; }

bool HasWildcardToken(const Tokens& tokens) {
  for (absl::string_view t : tokens) {
    if (IsPartialWildcard(t) || IsFullWildcard(t)) return true;
  }
  return false;
}

struct Level;

struct QueueSlot {
  std::string name;
  SubscriptionSet members;
};

struct Node {
  std::unique_ptr<Level> next;
  SubscriptionSet plain;
  // Groups in order of first insertion; an emptied group is erased so a later re-insert goes
  // to the end, as a fresh group would.
  std::vector<QueueSlot> queues;

  bool HasSubscriptions() const { return !plain.empty() || !queues.empty(); }
};

struct Level {
  absl::flat_hash_map<std::string, std::unique_ptr<Node>> literals;
  std::unique_ptr<Node> partial_wildcard;  // '*'
  std::unique_ptr<Node> full_wildcard;     // '>'

  bool empty() const {
    return literals.empty() && partial_wildcard == nullptr && full_wildcard == nullptr;
  }

  // The slot that holds the node for `token` ('*' and '>' have their own slots).
  std::unique_ptr<Node>* Slot(absl::string_view token, bool create) {
    if (IsPartialWildcard(token)) return &partial_wildcard;
    if (IsFullWildcard(token)) return &full_wildcard;
    auto it = literals.find(token);
    if (it != literals.end()) return &it->second;
    if (!create) return nullptr;
    return &literals.emplace(std::string(token), nullptr).first->second;
  }

  void Prune(absl::string_view token) {
    if (IsPartialWildcard(token)) {
      partial_wildcard.reset();
    } else if (IsFullWildcard(token)) {
      full_wildcard.reset();
    } else {
      literals.erase(token);
    }
  }
};

void AddNodeToResult(const Node& node, MatchResult* result) {
  node.plain.AppendTo(&result->plain);
  for (const QueueSlot& slot : node.queues) {
    QueueGroup* group = nullptr;
    // Few groups match one subject; a linear probe beats a map here (nats findQSlot does the same).
    for (QueueGroup& g : result->queues) {
      if (g.name == slot.name) {
        group = &g;
        break;
      }
    }
    if (group == nullptr) {
      result->queues.emplace_back();
      group = &result->queues.back();
    }
    slot.members.AppendTo(&group->members);
    group->name = group->members.front()->queue;
  }
}

// Collects every subscription whose filter matches `tokens`. Visit order per level: '>' node,
// then the '*' subtree, then the literal path; at the last level the literal node before the '*'
// node (the order nats-server's matchLevel uses).
void MatchLevel(const Level* level, absl::Span<const absl::string_view> tokens,
                MatchResult* result) {
  const Node* partial = nullptr;
  const Node* literal = nullptr;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (level == nullptr) return;
    if (level->full_wildcard != nullptr) AddNodeToResult(*level->full_wildcard, result);
    partial = level->partial_wildcard.get();
    if (partial != nullptr && partial->next != nullptr) {
      MatchLevel(partial->next.get(), tokens.subspan(i + 1), result);
    }
    auto it = level->literals.find(tokens[i]);
    literal = it == level->literals.end() ? nullptr : it->second.get();
    level = literal == nullptr ? nullptr : literal->next.get();
  }
  if (literal != nullptr) AddNodeToResult(*literal, result);
  if (partial != nullptr) AddNodeToResult(*partial, result);
}

struct CacheEntry {
  MatchResult result;
  uint64_t sequence = 0;  // when it was cached, for the oldest-first sweep
};

}  // namespace

struct Sublist::Impl {
  explicit Impl(bool enable_cache) : cache_enabled(enable_cache) {}

  void InvalidateCache(absl::string_view filter, bool filter_is_literal);
  void SweepCache();

  const bool cache_enabled;
  Level root;
  SubscriptionSet all;  // every subscription, in insertion order
  absl::flat_hash_map<std::string, CacheEntry> cache;
  uint64_t cache_sequence = 0;
  MatchResult scratch;      // the result when it is not cached
  const MatchResult empty;  // the result for subjects that cannot match anything
  // The cached result of the last subject matched: a publisher usually sends the same subject
  // many times in a row, and comparing it beats hashing it. Any change to the cache (insert,
  // erase, rehash) drops the memo, since it points into the cache's storage.
  std::string memo_subject;
  const MatchResult* memo_result = nullptr;

  uint64_t inserts = 0;
  uint64_t removes = 0;
  uint64_t matches = 0;
  uint64_t cache_hits = 0;
};

void Sublist::Impl::InvalidateCache(absl::string_view filter, bool filter_is_literal) {
  memo_result = nullptr;
  if (cache.empty()) return;
  if (filter_is_literal) {
    cache.erase(filter);
    return;
  }
  // Erasing does not move other elements of an absl flat map, so erase(it++) is safe; the
  // iteration order does not matter because every matching entry goes.
  for (auto it = cache.begin(); it != cache.end();) {
    if (SubjectMatchesFilter(it->first, filter)) {
      cache.erase(it++);
    } else {
      ++it;
    }
  }
}

void Sublist::Impl::SweepCache() {
  memo_result = nullptr;
  std::vector<uint64_t> sequences;
  sequences.reserve(cache.size());
  for (const auto& [subject, entry] : cache) sequences.push_back(entry.sequence);
  const size_t drop = cache.size() - kCacheEntriesAfterSweep;
  std::nth_element(sequences.begin(), sequences.begin() + drop, sequences.end());
  // Sequences are unique, so exactly `drop` entries are older than the cut.
  const uint64_t cut = sequences[drop];
  for (auto it = cache.begin(); it != cache.end();) {
    if (it->second.sequence < cut) {
      cache.erase(it++);
    } else {
      ++it;
    }
  }
}

Sublist::Sublist(bool cache_enabled) : impl_(std::make_unique<Impl>(cache_enabled)) {}

Sublist::~Sublist() = default;

absl::Status Sublist::Insert(Subscription* sub) {
  NA_CHECK(sub != nullptr);
  if (!IsValidSubject(sub->subject)) {
    return absl::InvalidArgumentError(absl::StrCat("invalid subject '", sub->subject, "'"));
  }
  if (impl_->all.Contains(sub)) {
    return absl::AlreadyExistsError(absl::StrCat("subscription on '", sub->subject, "' sid ",
                                                 sub->sid, " is already inserted"));
  }
  Tokens tokens;
  NA_CHECK(Tokenize(sub->subject, &tokens));

  Level* level = &impl_->root;
  Node* node = nullptr;
  for (absl::string_view token : tokens) {
    if (level == nullptr) {
      node->next = std::make_unique<Level>();
      level = node->next.get();
    }
    std::unique_ptr<Node>* slot = level->Slot(token, /*create=*/true);
    if (*slot == nullptr) *slot = std::make_unique<Node>();
    node = slot->get();
    level = node->next.get();
  }

  if (sub->queue.empty()) {
    NA_CHECK(node->plain.Insert(sub));
  } else {
    QueueSlot* group = nullptr;
    for (QueueSlot& q : node->queues) {
      if (q.name == sub->queue) {
        group = &q;
        break;
      }
    }
    if (group == nullptr) {
      node->queues.emplace_back();
      group = &node->queues.back();
      group->name = sub->queue;
    }
    NA_CHECK(group->members.Insert(sub));
  }
  NA_CHECK(impl_->all.Insert(sub));
  ++impl_->inserts;
  impl_->InvalidateCache(sub->subject, !HasWildcardToken(tokens));
  return absl::OkStatus();
}

absl::Status Sublist::Remove(Subscription* sub) {
  NA_CHECK(sub != nullptr);
  if (!impl_->all.Contains(sub)) {
    return absl::NotFoundError(
        absl::StrCat("subscription on '", sub->subject, "' sid ", sub->sid, " not found"));
  }
  Tokens tokens;
  // The subject was valid when inserted; a subject changed since is our own bug.
  NA_CHECK(Tokenize(sub->subject, &tokens));

  struct Step {
    Level* level;
    Node* node;
    absl::string_view token;
  };
  absl::InlinedVector<Step, 16> path;
  Level* level = &impl_->root;
  for (absl::string_view token : tokens) {
    NA_CHECK(level != nullptr);
    std::unique_ptr<Node>* slot = level->Slot(token, /*create=*/false);
    NA_CHECK(slot != nullptr && *slot != nullptr);
    path.push_back(Step{level, slot->get(), token});
    level = (*slot)->next.get();
  }

  Node* node = path.back().node;
  if (sub->queue.empty()) {
    NA_CHECK(node->plain.Erase(sub));
  } else {
    auto it = std::find_if(node->queues.begin(), node->queues.end(),
                           [&](const QueueSlot& q) { return q.name == sub->queue; });
    NA_CHECK(it != node->queues.end());
    NA_CHECK(it->members.Erase(sub));
    if (it->members.empty()) node->queues.erase(it);
  }
  NA_CHECK(impl_->all.Erase(sub));
  ++impl_->removes;

  // Prune from the leaf up; stop at the first node that still holds something.
  for (size_t i = path.size(); i-- > 0;) {
    Node* n = path[i].node;
    if (n->next != nullptr && n->next->empty()) n->next.reset();
    if (n->HasSubscriptions() || n->next != nullptr) break;
    path[i].level->Prune(path[i].token);
  }

  impl_->InvalidateCache(sub->subject, !HasWildcardToken(tokens));
  return absl::OkStatus();
}

const MatchResult& Sublist::Match(absl::string_view subject) {
  Impl& impl = *impl_;
  ++impl.matches;
  if (impl.memo_result != nullptr && subject == impl.memo_subject) {
    ++impl.cache_hits;
    return *impl.memo_result;
  }
  if (impl.cache_enabled) {
    auto it = impl.cache.find(subject);
    if (it != impl.cache.end()) {
      ++impl.cache_hits;
      impl.memo_subject.assign(subject.data(), subject.size());
      impl.memo_result = &it->second.result;
      return it->second.result;
    }
  }

  Tokens tokens;
  if (!Tokenize(subject, &tokens)) return impl.empty;

  // A subject holding wildcard tokens is matched literally but not cached: invalidation assumes
  // cached keys are literal subjects.
  if (impl.cache_enabled && !HasWildcardToken(tokens)) {
    if (impl.cache.size() >= kCacheEntriesMax) impl.SweepCache();
    CacheEntry& entry = impl.cache[subject];
    entry.sequence = impl.cache_sequence++;
    MatchLevel(&impl.root, tokens, &entry.result);
    impl.memo_subject.assign(subject.data(), subject.size());
    impl.memo_result = &entry.result;
    return entry.result;
  }
  impl.scratch.plain.clear();
  impl.scratch.queues.clear();
  MatchLevel(&impl.root, tokens, &impl.scratch);
  return impl.scratch;
}

void Sublist::All(std::vector<Subscription*>* out) const { impl_->all.AppendTo(out); }

uint64_t Sublist::Count() const { return impl_->all.size(); }

SublistStats Sublist::Stats() const {
  SublistStats stats;
  stats.num_subscriptions = impl_->all.size();
  stats.num_cache = impl_->cache.size();
  stats.num_inserts = impl_->inserts;
  stats.num_removes = impl_->removes;
  stats.num_matches = impl_->matches;
  stats.cache_hits = impl_->cache_hits;
  // Fan-out is measured over cached results, as nats-server's Sublist.Stats does: plain
  // subscriptions plus one per queue group. Sums and maxima do not depend on iteration order.
  uint64_t total_fanout = 0;
  for (const auto& [subject, entry] : impl_->cache) {
    const uint64_t fanout = entry.result.plain.size() + entry.result.queues.size();
    total_fanout += fanout;
    stats.max_fanout = std::max(stats.max_fanout, fanout);
  }
  if (total_fanout > 0) {
    stats.avg_fanout = static_cast<double>(total_fanout) / static_cast<double>(impl_->cache.size());
  }
  return stats;
}

}  // namespace na::subject
