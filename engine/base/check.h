// Always-on assertions for states only our own code can produce.
//
// NA_CHECK* never compile out: a broken invariant in production is better stopped than carried
// into a client's data. Input from outside (client bytes, peer frames, disk contents, config)
// must never reach an NA_CHECK; it is reported through absl::Status instead.
//
//   NA_CHECK(cond);                  NA_CHECK_EQ(a, b);  NA_CHECK_LT(a, b); ...
//   NA_DCHECK(cond);                 only in builds without NDEBUG (O(n) validations)
//   NA_UNREACHABLE();
//
// On failure the message names file:line, the expression and both operands, then aborts.
#ifndef NATRIUM_ENGINE_BASE_CHECK_H_
#define NATRIUM_ENGINE_BASE_CHECK_H_

#include <string>

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"
#include "absl/strings/str_cat.h"

namespace na::base_internal {

// Prints the failure through the process-wide failure hook (stderr by default) and aborts.
// It is the one place the engine may write to a stream: the process is about to die.
[[noreturn]] void CheckFailed(const char* file, int line, const char* expr,
                              const std::string& detail);

// Lets a runtime (the simulator) add context such as the seed to every failure message.
using CheckContextFn = std::string (*)();
void SetCheckContext(CheckContextFn fn);

template <typename A, typename B>
std::string OperandsDetail(const A& a, const B& b) {
  return absl::StrCat("(", a, " vs. ", b, ")");
}

}  // namespace na::base_internal

#define NA_CHECK(cond)                                                          \
  do {                                                                          \
    if (ABSL_PREDICT_FALSE(!(cond))) {                                          \
      ::na::base_internal::CheckFailed(__FILE__, __LINE__, #cond, std::string()); \
    }                                                                           \
  } while (0)

#define NA_CHECK_OP_(op, a, b)                                                  \
  do {                                                                          \
    const auto& na_check_a_ = (a);                                              \
    const auto& na_check_b_ = (b);                                              \
    if (ABSL_PREDICT_FALSE(!(na_check_a_ op na_check_b_))) {                    \
      ::na::base_internal::CheckFailed(                                         \
          __FILE__, __LINE__, #a " " #op " " #b,                                \
          ::na::base_internal::OperandsDetail(na_check_a_, na_check_b_));       \
    }                                                                           \
  } while (0)

#define NA_CHECK_EQ(a, b) NA_CHECK_OP_(==, a, b)
#define NA_CHECK_NE(a, b) NA_CHECK_OP_(!=, a, b)
#define NA_CHECK_LT(a, b) NA_CHECK_OP_(<, a, b)
#define NA_CHECK_LE(a, b) NA_CHECK_OP_(<=, a, b)
#define NA_CHECK_GT(a, b) NA_CHECK_OP_(>, a, b)
#define NA_CHECK_GE(a, b) NA_CHECK_OP_(>=, a, b)

#define NA_CHECK_OK(expr)                                                       \
  do {                                                                          \
    const auto& na_check_status_ = (expr);                                      \
    if (ABSL_PREDICT_FALSE(!na_check_status_.ok())) {                           \
      ::na::base_internal::CheckFailed(__FILE__, __LINE__, #expr,               \
                                       std::string(na_check_status_.ToString())); \
    }                                                                           \
  } while (0)

#define NA_UNREACHABLE() \
  ::na::base_internal::CheckFailed(__FILE__, __LINE__, "unreachable", std::string())

#ifdef NDEBUG
#define NA_DCHECK(cond) \
  do {                  \
  } while (0)
#else
#define NA_DCHECK(cond) NA_CHECK(cond)
#endif

#endif  // NATRIUM_ENGINE_BASE_CHECK_H_
