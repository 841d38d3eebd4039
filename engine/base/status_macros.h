// Propagation helpers for absl::Status / absl::StatusOr (Abseil 20220623 ships none).
//
//   NA_RETURN_IF_ERROR(DoThing());
//   NA_ASSIGN_OR_RETURN(auto value, ComputeValue());
//   NA_ASSIGN_OR_RETURN(existing_var, ComputeValue());
#ifndef NATRIUM_ENGINE_BASE_STATUS_MACROS_H_
#define NATRIUM_ENGINE_BASE_STATUS_MACROS_H_

#include <utility>

#include "absl/base/optimization.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define NA_RETURN_IF_ERROR(expr)                                     \
  do {                                                               \
    ::absl::Status na_status_ = (expr);                              \
    if (ABSL_PREDICT_FALSE(!na_status_.ok())) return na_status_;     \
  } while (0)

#define NA_STATUS_CONCAT_INNER_(a, b) a##b
#define NA_STATUS_CONCAT_(a, b) NA_STATUS_CONCAT_INNER_(a, b)

#define NA_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr)                   \
  auto statusor = (rexpr);                                                \
  if (ABSL_PREDICT_FALSE(!statusor.ok())) return statusor.status();      \
  lhs = std::move(*statusor)

#define NA_ASSIGN_OR_RETURN(lhs, rexpr) \
  NA_ASSIGN_OR_RETURN_IMPL_(NA_STATUS_CONCAT_(na_statusor_, __LINE__), lhs, rexpr)

#endif  // NATRIUM_ENGINE_BASE_STATUS_MACROS_H_
