#include "engine/monitor/go_format.h"

#include "gtest/gtest.h"

namespace na::monitor {
namespace {

TEST(GoFormatTest, Rfc3339NanoTrimsTrailingZeros) {
  // Values as nats-server printed them.
  EXPECT_EQ(FormatRfc3339Nano(1795327333324479200), "2026-11-22T06:02:13.3244792Z");
  EXPECT_EQ(FormatRfc3339Nano(1795327350411779754), "2026-11-22T06:02:30.411779754Z");
  EXPECT_EQ(FormatRfc3339Nano(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339Nano(951782400'500000000), "2000-02-29T00:00:00.5Z");
}

TEST(GoFormatTest, DurationMatchesGo) {
  EXPECT_EQ(FormatGoDuration(0), "0s");
  EXPECT_EQ(FormatGoDuration(999), "999ns");
  EXPECT_EQ(FormatGoDuration(566'000), "566µs");
  EXPECT_EQ(FormatGoDuration(202'500), "202.5µs");
  EXPECT_EQ(FormatGoDuration(1'234'567), "1.234567ms");
  EXPECT_EQ(FormatGoDuration(1'500'000'000), "1.5s");
  EXPECT_EQ(FormatGoDuration(120'000'000'000), "2m0s");
  EXPECT_EQ(FormatGoDuration(3'723'000'000'000), "1h2m3s");
  EXPECT_EQ(FormatGoDuration(-1'500'000), "-1.5ms");
}

TEST(GoFormatTest, UptimeLikeNatsServer) {
  const int64_t s = 1'000'000'000;
  EXPECT_EQ(FormatUptime(0), "0s");
  EXPECT_EQ(FormatUptime(59 * s + s / 2), "59s");
  EXPECT_EQ(FormatUptime(61 * s), "1m1s");
  EXPECT_EQ(FormatUptime(3600 * s), "1h0m0s");
  EXPECT_EQ(FormatUptime(86400 * s + 5 * s), "1d0h0m5s");
  EXPECT_EQ(FormatUptime(366 * 86400 * s), "1y1d0h0m0s");
}

TEST(GoFormatTest, FloatsLikeEncodingJson) {
  EXPECT_EQ(FormatGoFloat(0), "0");
  EXPECT_EQ(FormatGoFloat(2), "2");
  EXPECT_EQ(FormatGoFloat(0.8), "0.8");
  EXPECT_EQ(FormatGoFloat(0.75), "0.75");
  EXPECT_EQ(FormatGoFloat(1.0 / 3), "0.3333333333333333");
}

}  // namespace
}  // namespace na::monitor
