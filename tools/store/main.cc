// natrium-store: read-only inspector of a Natrium stream store. See store_tool.h.
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "tools/store/store_tool.h"

namespace {

class StdOutput : public na::store_tool::ToolOutput {
 public:
  void Out(absl::string_view text) override { std::fwrite(text.data(), 1, text.size(), stdout); }
  void Err(absl::string_view text) override {
    std::fwrite(text.data(), 1, text.size(), stderr);
    std::fflush(stderr);
  }
  bool progress() const override { return isatty(STDERR_FILENO) != 0; }
};

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  StdOutput output;
  const int rc = na::store_tool::RunStoreTool(args, output);
  std::fflush(stdout);
  return rc;
}
