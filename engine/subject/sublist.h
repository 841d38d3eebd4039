// Sublist: the subject-interest trie, with wildcards and queue groups, and a match cache.
//
// Subjects are '.'-separated tokens. '*' matches exactly one token and '>' one or more trailing
// tokens, but only when they are the whole token ("a*" is a literal). Match(subject) returns
// every plain subscription whose filter matches, and, grouped by queue name, every queue
// subscription that matches; the caller picks one member per group.
//
// Determinism: the order of subscriptions in a result depends only on the sequence of Insert and
// Remove calls, never on hash seeds or addresses.
//
// Cache: results are cached per literal subject (bounded); Insert and Remove invalidate exactly
// the cached subjects the changed filter matches. A returned MatchResult stays valid until the
// next Insert, Remove or Match call.
#ifndef NATRIUM_ENGINE_SUBJECT_SUBLIST_H_
#define NATRIUM_ENGINE_SUBJECT_SUBLIST_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "engine/subject/subscription.h"

namespace na::subject {

struct QueueGroup {
  absl::string_view name;                 // points into a member's Subscription::queue
  std::vector<Subscription*> members;
};

struct MatchResult {
  std::vector<Subscription*> plain;
  std::vector<QueueGroup> queues;
  bool empty() const { return plain.empty() && queues.empty(); }
};

struct SublistStats {
  uint64_t num_subscriptions = 0;
  uint64_t num_cache = 0;
  uint64_t num_inserts = 0;
  uint64_t num_removes = 0;
  uint64_t num_matches = 0;
  uint64_t cache_hits = 0;
  uint64_t max_fanout = 0;
  double avg_fanout = 0;  // over cached results, as nats-server reports it
};

class Sublist {
 public:
  explicit Sublist(bool cache_enabled = true);
  ~Sublist();
  Sublist(const Sublist&) = delete;
  Sublist& operator=(const Sublist&) = delete;

  // REQUIRES: sub->subject is a valid subscription subject (IsValidSubject) and sub is not
  // already inserted. Returns InvalidArgument for an invalid subject instead of inserting.
  absl::Status Insert(Subscription* sub);
  // Returns NotFound when sub is not in the list.
  absl::Status Remove(Subscription* sub);

  // REQUIRES: subject is a literal subject (no check is made on the hot path beyond tokens).
  const MatchResult& Match(absl::string_view subject);

  // Every subscription, in a stable order (for /subsz and tests).
  void All(std::vector<Subscription*>* out) const;

  uint64_t Count() const;
  SublistStats Stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace na::subject

#endif  // NATRIUM_ENGINE_SUBJECT_SUBLIST_H_
