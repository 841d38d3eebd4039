// Fuzz target: bytes become a sequence of Insert / Remove / Match calls on two Sublists (cache on
// and off); every Match is checked against a brute-force scan with SubjectMatchesFilter, and the
// two lists must return the same subscriptions in the same order.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "engine/subject/subject.h"
#include "engine/subject/sublist.h"

namespace {

using na::subject::MatchResult;
using na::subject::Subscription;

class Input {
 public:
  Input(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool empty() const { return pos_ >= size_; }
  uint8_t Byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  // A short subject over a tiny alphabet (so filters and subjects meet), sometimes malformed.
  std::string Subject(bool allow_wildcards) {
    static const char* kTokens[] = {"a", "b", "*", ">", "", "a*", " ", "c.d"};
    const int tokens = 1 + Byte() % 4;
    std::string out;
    for (int i = 0; i < tokens; ++i) {
      if (i > 0) out += '.';
      const uint8_t pick = Byte() % (allow_wildcards ? 8 : 2);
      out += kTokens[pick];
    }
    return out;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

std::vector<const Subscription*> Flatten(const MatchResult& r) {
  std::vector<const Subscription*> out(r.plain.begin(), r.plain.end());
  for (const auto& g : r.queues) {
    out.push_back(nullptr);
    for (const Subscription* s : g.members) {
      if (s->queue != g.name) std::abort();
      out.push_back(s);
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in(data, size);
  na::subject::Sublist cached(true);
  na::subject::Sublist uncached(false);
  std::vector<std::unique_ptr<Subscription>> live;
  while (!in.empty()) {
    const uint8_t op = in.Byte() % 4;
    if (op == 0 || op == 1) {
      auto sub = std::make_unique<Subscription>();
      sub->subject = in.Subject(/*allow_wildcards=*/true);
      sub->queue = op == 1 ? (in.Byte() % 2 ? "q1" : "q2") : "";
      const bool valid = na::subject::IsValidSubject(sub->subject);
      if (cached.Insert(sub.get()).ok() != valid) std::abort();
      if (uncached.Insert(sub.get()).ok() != valid) std::abort();
      if (valid) live.push_back(std::move(sub));
    } else if (op == 2 && !live.empty()) {
      const size_t i = in.Byte() % live.size();
      if (!cached.Remove(live[i].get()).ok() || !uncached.Remove(live[i].get()).ok()) std::abort();
      live.erase(live.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      const std::string subject = in.Subject(/*allow_wildcards=*/false);
      const std::vector<const Subscription*> a = Flatten(cached.Match(subject));
      const std::vector<const Subscription*> b = Flatten(uncached.Match(subject));
      if (a != b) std::abort();
      std::vector<const Subscription*> got;
      for (const Subscription* s : a) {
        if (s != nullptr) got.push_back(s);
      }
      std::vector<const Subscription*> want;
      if (na::subject::IsValidLiteralSubject(subject)) {
        for (const auto& s : live) {
          if (na::subject::SubjectMatchesFilter(subject, s->subject)) want.push_back(s.get());
        }
      }
      std::sort(got.begin(), got.end());
      std::sort(want.begin(), want.end());
      if (got != want) std::abort();
    }
    if (cached.Count() != live.size()) std::abort();
  }
  return 0;
}
