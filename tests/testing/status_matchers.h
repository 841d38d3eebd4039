// GoogleTest helpers for absl::Status / absl::StatusOr, so a failing harness call prints its
// message (which carries the bytes actually seen) instead of a bare "false".
//
//   ASSERT_OK(client->Send("PING\r\n"));
//   ASSERT_OK_AND_ASSIGN(auto client, RawClient::Connect(port));
#ifndef NATRIUM_TESTS_TESTING_STATUS_MATCHERS_H_
#define NATRIUM_TESTS_TESTING_STATUS_MATCHERS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gtest/gtest.h"

namespace na::testing {

inline const absl::Status& GetStatus(const absl::Status& status) { return status; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

inline ::testing::AssertionResult IsOk(const absl::Status& status) {
  if (status.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << status.ToString();
}

}  // namespace na::testing

#define NA_TESTING_CONCAT_INNER_(a, b) a##b
#define NA_TESTING_CONCAT_(a, b) NA_TESTING_CONCAT_INNER_(a, b)

// Both accept a trailing `<< "context"` like any GoogleTest assertion.
#define EXPECT_OK(expr) EXPECT_TRUE(::na::testing::IsOk(::na::testing::GetStatus((expr))))
#define ASSERT_OK(expr) ASSERT_TRUE(::na::testing::IsOk(::na::testing::GetStatus((expr))))

#define NA_ASSERT_OK_AND_ASSIGN_IMPL_(statusor, lhs, rexpr)                       \
  auto statusor = (rexpr);                                                        \
  ASSERT_TRUE(statusor.ok()) << #rexpr << " -> " << statusor.status().ToString(); \
  lhs = std::move(*statusor)

#define ASSERT_OK_AND_ASSIGN(lhs, rexpr) \
  NA_ASSERT_OK_AND_ASSIGN_IMPL_(NA_TESTING_CONCAT_(na_statusor_, __LINE__), lhs, rexpr)

#endif  // NATRIUM_TESTS_TESTING_STATUS_MATCHERS_H_
