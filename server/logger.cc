#include "server/logger.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace na::server {
namespace {

absl::string_view LevelTag(io::LogLevel level) {
  switch (level) {
    case io::LogLevel::kFatal:
      return "[FTL]";
    case io::LogLevel::kError:
      return "[ERR]";
    case io::LogLevel::kWarn:
      return "[WRN]";
    case io::LogLevel::kInfo:
      return "[INF]";
    case io::LogLevel::kDebug:
      return "[DBG]";
    case io::LogLevel::kTrace:
      return "[TRC]";
  }
  return "[INF]";
}

int64_t WallNowNs() {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace

Logger::Logger(int pid) : pid_(pid), out_(stderr) {}

Logger::~Logger() {
  if (owns_out_) fclose(out_);
}

absl::Status Logger::Configure(const LoggerOptions& options) {
  FILE* out = stderr;
  if (!options.file.empty()) {
    out = fopen(options.file.c_str(), "a");
    if (out == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("error opening file: open ", options.file, ": ", strerror(errno)));
    }
  }
  if (owns_out_) fclose(out_);
  out_ = out;
  owns_out_ = out != stderr;
  options_ = options;
  return absl::OkStatus();
}

std::string Logger::FormatLine(int pid, bool logtime, int64_t wall_ns, io::LogLevel level,
                               absl::string_view message) {
  if (!logtime) return absl::StrCat("[", pid, "] ", LevelTag(level), " ", message, "\n");
  // Local time, like Go's log package with LstdFlags|Lmicroseconds.
  const time_t secs = static_cast<time_t>(wall_ns / 1'000'000'000);
  const int64_t micros = (wall_ns % 1'000'000'000) / 1000;
  struct tm tm;
  localtime_r(&secs, &tm);
  return absl::StrFormat("[%d] %04d/%02d/%02d %02d:%02d:%02d.%06d %s %s\n", pid, tm.tm_year + 1900,
                         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, micros,
                         LevelTag(level), message);
}

void Logger::Log(io::LogLevel level, absl::string_view message) {
  if (level == io::LogLevel::kDebug && !options_.debug) return;
  if (level == io::LogLevel::kTrace && !options_.trace) return;
  const std::string line = FormatLine(pid_, options_.logtime, WallNowNs(), level, message);
  fwrite(line.data(), 1, line.size(), out_);
  fflush(out_);
}

}  // namespace na::server
