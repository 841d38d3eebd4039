// natrium-store: the read-only inspector of a RocksLogStore directory, as a library call so tests
// run every command in-process against a store they build.
//
//   natrium-store --dir DIR ls
//   natrium-store --dir DIR info STREAM
//   natrium-store --dir DIR dump STREAM [--from SEQ] [--to SEQ] [--subject FILTER] [--json]
//   natrium-store --dir DIR subjects STREAM
//   natrium-store --dir DIR consumers STREAM
//   natrium-store --dir DIR verify
//   natrium-store --dir DIR stats
//   natrium-store [COMMAND] --help
//
// STREAM is a stream name or its numeric id. The tool never writes to the store, even a corrupt
// one; it decodes what it can and reports the rest. Exit codes: 0 success, 1 problems found
// (verify) or the store could not be read, 2 usage error.
#ifndef NATRIUM_TOOLS_STORE_STORE_TOOL_H_
#define NATRIUM_TOOLS_STORE_STORE_TOOL_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace rocksdb {
class Env;
}

namespace na::store_tool {

// Where the tool writes. main() writes to stdout/stderr; tests collect strings.
class ToolOutput {
 public:
  virtual ~ToolOutput() = default;
  virtual void Out(absl::string_view text) = 0;
  virtual void Err(absl::string_view text) = 0;
  // True when stderr is a terminal: verify then draws a progress bar there.
  virtual bool progress() const { return false; }
};

class StringOutput : public ToolOutput {
 public:
  void Out(absl::string_view text) override { out.append(text.data(), text.size()); }
  void Err(absl::string_view text) override { err.append(text.data(), text.size()); }
  std::string out;
  std::string err;
};

// Runs one command line (without argv[0]). `env` (not owned) defaults to Env::Default().
int RunStoreTool(const std::vector<std::string>& args, ToolOutput& output,
                 rocksdb::Env* env = nullptr);

}  // namespace na::store_tool

#endif  // NATRIUM_TOOLS_STORE_STORE_TOOL_H_
