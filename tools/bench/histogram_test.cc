#include "tools/bench/histogram.h"

#include <cmath>

#include "gtest/gtest.h"

namespace na::bench {
namespace {

TEST(HistogramTest, QuantilesWithinOnePercent) {
  Histogram h;
  for (int64_t v = 1; v <= 100000; ++v) h.Record(v * 1000);  // 1 us .. 100 ms uniform
  auto near = [](int64_t got, double want) {
    return std::abs(static_cast<double>(got) - want) <= want * 0.01 + 1;
  };
  EXPECT_TRUE(near(h.Quantile(0.5), 50'000'000)) << h.Quantile(0.5);
  EXPECT_TRUE(near(h.Quantile(0.99), 99'000'000)) << h.Quantile(0.99);
  EXPECT_TRUE(near(h.Quantile(0.999), 99'900'000)) << h.Quantile(0.999);
  EXPECT_EQ(h.count(), 100000u);
}

TEST(HistogramTest, IndexIsMonotonic) {
  size_t last = 0;
  for (uint64_t v = 1; v < (1ull << 40); v = v * 3 / 2 + 1) {
    size_t i = Histogram::Index(v);
    EXPECT_GE(i, last);
    EXPECT_GE(Histogram::UpperEdge(i), v);
    last = i;
  }
}

TEST(HistogramTest, EmptyIsZero) {
  Histogram h;
  EXPECT_EQ(h.Quantile(0.5), 0);
}

}  // namespace
}  // namespace na::bench
