#include "engine/base/check.h"

#include <cstdio>
#include <cstdlib>

namespace na::base_internal {
namespace {
CheckContextFn g_context = nullptr;
}  // namespace

void SetCheckContext(CheckContextFn fn) { g_context = fn; }

void CheckFailed(const char* file, int line, const char* expr, const std::string& detail) {
  // The process is about to abort; stderr is the only channel left, so the purity rule's ban on
  // printing does not apply here.
  const std::string context = g_context != nullptr ? g_context() : std::string();
  const std::string message = absl::StrCat(file, ":", line, ": NA_CHECK failed: ", expr, " ",
                                           detail, context.empty() ? "" : " ", context, "\n");
  std::fputs(message.c_str(), stderr);  // tidy:allow the one write, just before abort
  std::fflush(stderr);
  std::abort();
}

}  // namespace na::base_internal
