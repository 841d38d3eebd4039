// SubscriptionSet: an insertion-ordered set of Subscription pointers with O(1) amortized insert,
// erase and membership, used inside the Sublist (per trie node and for the whole list).
//
// Order: iteration visits live members in insertion order; erasing never reorders the others.
// Erased slots become tombstones and are compacted once they outnumber the live members, so the
// order depends only on the sequence of Insert and Erase calls.
//
// Small sets (the common case: one or two subscriptions on a subject) keep no index and search
// linearly; the index is built once the set grows past kIndexThreshold.
#ifndef NATRIUM_ENGINE_SUBJECT_SUBSCRIPTION_SET_H_
#define NATRIUM_ENGINE_SUBJECT_SUBSCRIPTION_SET_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "engine/subject/subscription.h"

namespace na::subject {

class SubscriptionSet {
 public:
  // Returns false (and changes nothing) when sub is already a member.
  bool Insert(Subscription* sub);
  // Returns false when sub is not a member.
  bool Erase(Subscription* sub);
  bool Contains(const Subscription* sub) const { return Find(sub) != kNotFound; }

  size_t size() const { return live_; }
  bool empty() const { return live_ == 0; }

  // Appends the live members, in order, to `out`.
  void AppendTo(std::vector<Subscription*>* out) const;

  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (Subscription* sub : slots_) {
      if (sub != nullptr) fn(sub);
    }
  }

 private:
  static constexpr size_t kIndexThreshold = 16;
  static constexpr size_t kNotFound = static_cast<size_t>(-1);

  size_t Find(const Subscription* sub) const;
  void Compact();
  void RebuildIndex();

  std::vector<Subscription*> slots_;                          // nullptr = erased
  absl::flat_hash_map<const Subscription*, uint32_t> index_;  // empty while small
  size_t live_ = 0;
};

}  // namespace na::subject

#endif  // NATRIUM_ENGINE_SUBJECT_SUBSCRIPTION_SET_H_
