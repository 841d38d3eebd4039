// The parts of config loading that touch the process: files and the environment.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/config/config_parser.h"

namespace na::config {

namespace {

// Go's wording ("open x.conf: no such file or directory"), which nats-server prints.
absl::Status OsError(absl::string_view op, absl::string_view path, int error) {
  std::string reason = std::strerror(error);
  if (!reason.empty()) reason[0] = absl::ascii_tolower(static_cast<unsigned char>(reason[0]));
  return absl::InvalidArgumentError(absl::StrCat(op, " ", path, ": ", reason));
}

}  // namespace

absl::StatusOr<std::string> ReadConfigFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return OsError("open", path, errno);
  std::string contents;
  char buffer[64 * 1024];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      ::close(fd);
      return OsError("read", path, error);
    }
    contents.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return contents;
}

std::optional<std::string> ProcessEnv(absl::string_view name) {
  const char* value = std::getenv(std::string(name).c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

absl::StatusOr<ConfigValue> ParseConfigFile(absl::string_view path) {
  const std::string file(path);
  absl::StatusOr<std::string> text = ReadConfigFile(file);
  if (!text.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("error opening config file: ", text.status().message()));
  }
  const FileLoader loader = ReadConfigFile;
  const EnvLookup env = ProcessEnv;
  return ParseConfigText(*text, file, loader, env);
}

}  // namespace na::config
