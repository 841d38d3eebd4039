#include "engine/base/status_macros.h"

#include "gtest/gtest.h"

namespace na {
namespace {

absl::StatusOr<int> Half(int v) {
  if (v % 2 != 0) return absl::InvalidArgumentError("odd");
  return v / 2;
}

absl::Status QuarterInto(int v, int* out) {
  NA_ASSIGN_OR_RETURN(int half, Half(v));
  NA_ASSIGN_OR_RETURN(*out, Half(half));
  return absl::OkStatus();
}

absl::Status Chain(int v) {
  int out = 0;
  NA_RETURN_IF_ERROR(QuarterInto(v, &out));
  return out > 10 ? absl::OutOfRangeError("big") : absl::OkStatus();
}

TEST(StatusMacrosTest, PropagatesValuesAndErrors) {
  int out = 0;
  EXPECT_TRUE(QuarterInto(8, &out).ok());
  EXPECT_EQ(out, 2);
  EXPECT_EQ(QuarterInto(6, &out).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Chain(8).ok());
  EXPECT_EQ(Chain(6).message(), "odd");
  EXPECT_EQ(Chain(80).code(), absl::StatusCode::kOutOfRange);
}

}  // namespace
}  // namespace na
