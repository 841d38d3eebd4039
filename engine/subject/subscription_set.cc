#include "engine/subject/subscription_set.h"

#include "engine/base/check.h"

namespace na::subject {

size_t SubscriptionSet::Find(const Subscription* sub) const {
  if (!index_.empty()) {
    auto it = index_.find(sub);
    return it == index_.end() ? kNotFound : it->second;
  }
  for (size_t i = 0; i < slots_.size(); ++i) {
    if (slots_[i] == sub) return i;
  }
  return kNotFound;
}

bool SubscriptionSet::Insert(Subscription* sub) {
  NA_CHECK(sub != nullptr);
  if (Find(sub) != kNotFound) return false;
  slots_.push_back(sub);
  ++live_;
  if (!index_.empty()) {
    index_.emplace(sub, static_cast<uint32_t>(slots_.size() - 1));
  } else if (slots_.size() > kIndexThreshold) {
    RebuildIndex();
  }
  return true;
}

bool SubscriptionSet::Erase(Subscription* sub) {
  const size_t pos = Find(sub);
  if (pos == kNotFound) return false;
  NA_CHECK(slots_[pos] == sub);
  slots_[pos] = nullptr;
  if (!index_.empty()) index_.erase(sub);
  --live_;
  // Trailing tombstones cost nothing to drop and keep the small case tombstone-free when
  // subscriptions go away in reverse order.
  while (!slots_.empty() && slots_.back() == nullptr) slots_.pop_back();
  if (slots_.size() - live_ > live_) Compact();
  return true;
}

void SubscriptionSet::AppendTo(std::vector<Subscription*>* out) const {
  for (Subscription* sub : slots_) {
    if (sub != nullptr) out->push_back(sub);
  }
}

void SubscriptionSet::Compact() {
  size_t write = 0;
  for (Subscription* sub : slots_) {
    if (sub != nullptr) slots_[write++] = sub;
  }
  NA_CHECK_EQ(write, live_);
  slots_.resize(write);
  if (slots_.empty()) {
    // Give the memory back: an emptied node is usually pruned or stays idle.
    std::vector<Subscription*>().swap(slots_);
  }
  RebuildIndex();
}

void SubscriptionSet::RebuildIndex() {
  index_.clear();
  if (slots_.size() <= kIndexThreshold) {
    absl::flat_hash_map<const Subscription*, uint32_t>().swap(index_);
    return;
  }
  index_.reserve(slots_.size());
  for (size_t i = 0; i < slots_.size(); ++i) {
    if (slots_[i] != nullptr) index_.emplace(slots_[i], static_cast<uint32_t>(i));
  }
}

}  // namespace na::subject
