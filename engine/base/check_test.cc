#include "engine/base/check.h"

#include "gtest/gtest.h"

namespace na {
namespace {

TEST(CheckTest, PassingChecksDoNothing) {
  NA_CHECK(1 + 1 == 2);
  NA_CHECK_EQ(3, 3);
  NA_CHECK_LT(1, 2);
  NA_CHECK_GE(2, 2);
}

TEST(CheckDeathTest, FailingCheckAbortsWithOperands) {
  int a = 3;
  int b = 4;
  EXPECT_DEATH(NA_CHECK_EQ(a, b), "a == b \\(3 vs. 4\\)");
  EXPECT_DEATH(NA_CHECK(a > b), "NA_CHECK failed: a > b");
}

TEST(CheckDeathTest, ContextIsAppended) {
  base_internal::SetCheckContext([] { return std::string("seed=42"); });
  EXPECT_DEATH(NA_CHECK(false), "seed=42");
  base_internal::SetCheckContext(nullptr);
}

}  // namespace
}  // namespace na
