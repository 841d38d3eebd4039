#include "server/config/duration.h"

#include "gtest/gtest.h"

namespace na::config {
namespace {

constexpr int64_t kSecond = 1'000'000'000;

TEST(DurationTest, GoSyntax) {
  struct Case {
    const char* text;
    int64_t ns;
  };
  // Values as Go's time.ParseDuration returns them.
  constexpr Case kCases[] = {
      {"0", 0},
      {"0s", 0},
      {"2m", 120 * kSecond},
      {"10s", 10 * kSecond},
      {"1h30m", 5400 * kSecond},
      {"1.5s", 1'500'000'000},
      {".5s", 500'000'000},
      {"1.s", kSecond},
      {"500ms", 500'000'000},
      {"250us", 250'000},
      {"250\xC2\xB5s", 250'000},
      {"250\xCE\xBCs", 250'000},
      {"7ns", 7},
      {"-2m", -120 * kSecond},
      {"+3s", 3 * kSecond},
      {"1h2m3s4ms5us6ns", 3723 * kSecond + 4'005'006},
      {"0.000000001s", 1},
      {"2562047h", 2562047LL * 3600 * kSecond},
  };
  for (const Case& c : kCases) {
    absl::StatusOr<int64_t> ns = ParseDurationNs(c.text);
    ASSERT_TRUE(ns.ok()) << c.text << ": " << ns.status();
    EXPECT_EQ(*ns, c.ns) << c.text;
  }
}

TEST(DurationTest, BareIntegerIsSeconds) {
  EXPECT_EQ(*ParseDurationNs("30"), 30 * kSecond);
  EXPECT_EQ(*ParseDurationNs("-5"), -5 * kSecond);
}

TEST(DurationTest, ErrorsUseGoWording) {
  EXPECT_EQ(ParseDurationNs("").status().message(), "time: invalid duration \"\"");
  EXPECT_EQ(ParseDurationNs("abc").status().message(), "time: invalid duration \"abc\"");
  EXPECT_EQ(ParseDurationNs("-").status().message(), "time: invalid duration \"-\"");
  EXPECT_EQ(ParseDurationNs(".s").status().message(), "time: invalid duration \".s\"");
  EXPECT_EQ(ParseDurationNs("1.5").status().message(), "time: missing unit in duration \"1.5\"");
  EXPECT_EQ(ParseDurationNs("3d").status().message(),
            "time: unknown unit \"d\" in duration \"3d\"");
  EXPECT_EQ(ParseDurationNs("1h1x").status().message(),
            "time: unknown unit \"x\" in duration \"1h1x\"");
  EXPECT_EQ(ParseDurationNs("9999999999h").status().message(),
            "time: invalid duration \"9999999999h\"");
  EXPECT_EQ(ParseDurationNs("99999999999999999999s").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace na::config
