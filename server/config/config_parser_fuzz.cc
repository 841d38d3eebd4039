// Fuzz target: arbitrary bytes as a config file (with one includable file and a small
// environment). Checks that the parser never crashes, bounds its work, and is deterministic.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "server/config/config_parser.h"

namespace {

absl::StatusOr<std::string> Loader(const std::string& path) {
  if (path == "inc.conf") return std::string("included: 1\nINC $ENV_A\n");
  if (path == "self.conf") return std::string("include self.conf\n");
  return absl::NotFoundError("open " + path + ": no such file or directory");
}

std::optional<std::string> Env(absl::string_view name) {
  if (name == "ENV_A") return std::string("4222");
  if (name == "ENV_LOOP") return std::string("$ENV_LOOP");
  if (name == "ENV_MAP") return std::string("{a: [1, 2]}");
  return std::nullopt;
}

std::string Render(const absl::StatusOr<na::config::ConfigValue>& v) {
  return v.ok() ? v->DebugString() : std::string(v.status().message());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  const na::config::FileLoader loader = Loader;
  const na::config::EnvLookup env = Env;
  const auto first = na::config::ParseConfigText(text, "fuzz.conf", loader, env);
  const auto second = na::config::ParseConfigText(text, "fuzz.conf", loader, env);
  if (Render(first) != Render(second)) std::abort();
  if (!first.ok() && first.status().code() != absl::StatusCode::kInvalidArgument) std::abort();
  return 0;
}
