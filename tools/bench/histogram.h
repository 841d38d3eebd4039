// A log-linear latency histogram (HDR-style): 1 ns to ~1 min with under 1% relative error, fixed
// memory, no allocation per sample.
#ifndef NATRIUM_TOOLS_BENCH_HISTOGRAM_H_
#define NATRIUM_TOOLS_BENCH_HISTOGRAM_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace na::bench {

class Histogram {
 public:
  // 128 linear sub-buckets per power of two keeps the relative error under 1%.
  static constexpr int kSubBits = 7;
  static constexpr int kSub = 1 << kSubBits;

  Histogram() : counts_(64 * kSub, 0) {}

  void Record(int64_t value_ns) {
    uint64_t v = value_ns < 1 ? 1 : static_cast<uint64_t>(value_ns);
    ++counts_[Index(v)];
    ++total_;
    if (v > max_) max_ = v;
  }

  // Value at quantile q in [0, 1]: the upper edge of the bucket holding it.
  int64_t Quantile(double q) const {
    if (total_ == 0) return 0;
    uint64_t rank = static_cast<uint64_t>(q * static_cast<double>(total_ - 1)) + 1;
    uint64_t seen = 0;
    for (size_t i = 0; i < counts_.size(); ++i) {
      seen += counts_[i];
      if (seen >= rank) return static_cast<int64_t>(UpperEdge(i));
    }
    return static_cast<int64_t>(max_);
  }

  uint64_t count() const { return total_; }
  uint64_t max() const { return max_; }

  static size_t Index(uint64_t v) {
    if (v < kSub) return static_cast<size_t>(v);
    int msb = 63 - __builtin_clzll(v);
    int shift = msb - kSubBits;
    uint64_t sub = (v >> shift) - kSub;  // in [0, kSub)
    return static_cast<size_t>((shift + 1) * kSub + static_cast<int>(sub));
  }
  static uint64_t UpperEdge(size_t index) {
    if (index < kSub) return index;
    int shift = static_cast<int>(index / kSub) - 1;
    uint64_t sub = index % kSub;
    return ((kSub + sub + 1) << shift) - 1;
  }

 private:
  std::vector<uint64_t> counts_;
  uint64_t total_ = 0;
  uint64_t max_ = 0;
};

}  // namespace na::bench

#endif  // NATRIUM_TOOLS_BENCH_HISTOGRAM_H_
