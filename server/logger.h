// The server's log, in nats-server's format:
//   [pid] 2006/01/02 15:04:05.000000 [INF] message
// or, with logtime off, "[pid] [INF] message". Lines go to stderr, or to the -l/logfile file
// (appended). Debug lines appear with -D/debug, trace lines with -V/trace, as in nats-server.
//
// Single-threaded: the runtime loop and main() are its only callers.
#ifndef NATRIUM_SERVER_LOGGER_H_
#define NATRIUM_SERVER_LOGGER_H_

#include <cstdio>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "engine/io/io.h"

namespace na::server {

struct LoggerOptions {
  bool logtime = true;
  bool debug = false;
  bool trace = false;
  std::string file;  // empty = stderr
};

class Logger {
 public:
  explicit Logger(int pid);
  ~Logger();
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  // Switches destination and levels; opens the file in append mode.
  absl::Status Configure(const LoggerOptions& options);

  void Log(io::LogLevel level, absl::string_view message);
  void Fatal(absl::string_view m) { Log(io::LogLevel::kFatal, m); }
  void Error(absl::string_view m) { Log(io::LogLevel::kError, m); }
  void Warn(absl::string_view m) { Log(io::LogLevel::kWarn, m); }
  void Info(absl::string_view m) { Log(io::LogLevel::kInfo, m); }
  void Debug(absl::string_view m) { Log(io::LogLevel::kDebug, m); }
  void Trace(absl::string_view m) { Log(io::LogLevel::kTrace, m); }

  bool debug() const { return options_.debug; }
  bool trace() const { return options_.trace; }

  // Formats one line (without writing it); exposed for tests.
  static std::string FormatLine(int pid, bool logtime, int64_t wall_ns, io::LogLevel level,
                                absl::string_view message);

 private:
  int pid_;
  LoggerOptions options_;
  FILE* out_ = nullptr;  // stderr or the log file
  bool owns_out_ = false;
};

}  // namespace na::server

#endif  // NATRIUM_SERVER_LOGGER_H_
