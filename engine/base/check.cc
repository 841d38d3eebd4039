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
  std::string context = g_context != nullptr ? g_context() : std::string();
  std::fprintf(stderr, "%s:%d: NA_CHECK failed: %s %s%s%s\n", file, line, expr, detail.c_str(),
               context.empty() ? "" : " ", context.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace na::base_internal
