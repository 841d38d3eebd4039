#include "server/logger.h"

#include <cstdlib>

#include "gtest/gtest.h"

namespace na::server {
namespace {

TEST(LoggerTest, FormatsLikeNatsServer) {
  setenv("TZ", "UTC", 1);
  tzset();
  // 2026-11-22T06:02:13.324744Z
  const int64_t ns = 1795327333324744000;
  EXPECT_EQ(Logger::FormatLine(7865, true, ns, io::LogLevel::kInfo, "Starting nats-server"),
            "[7865] 2026/11/22 06:02:13.324744 [INF] Starting nats-server\n");
  EXPECT_EQ(Logger::FormatLine(5493, false, ns, io::LogLevel::kInfo, "Server is ready"),
            "[5493] [INF] Server is ready\n");
  EXPECT_EQ(Logger::FormatLine(1, false, ns, io::LogLevel::kFatal, "x"), "[1] [FTL] x\n");
  EXPECT_EQ(Logger::FormatLine(1, false, ns, io::LogLevel::kError, "x"), "[1] [ERR] x\n");
  EXPECT_EQ(Logger::FormatLine(1, false, ns, io::LogLevel::kWarn, "x"), "[1] [WRN] x\n");
  EXPECT_EQ(Logger::FormatLine(1, false, ns, io::LogLevel::kDebug, "x"), "[1] [DBG] x\n");
  EXPECT_EQ(Logger::FormatLine(1, false, ns, io::LogLevel::kTrace, "x"), "[1] [TRC] x\n");
}

TEST(LoggerTest, FileAppendsAndLevelsFilter) {
  const std::string path = testing::TempDir() + "/natrium_logger_test.log";
  std::remove(path.c_str());
  {
    Logger logger(42);
    LoggerOptions options;
    options.logtime = false;
    options.file = path;
    ASSERT_TRUE(logger.Configure(options).ok());
    logger.Info("one");
    logger.Debug("hidden");
    logger.Trace("hidden");
    options.debug = true;
    ASSERT_TRUE(logger.Configure(options).ok());  // reopen appends
    logger.Debug("two");
  }
  FILE* f = fopen(path.c_str(), "r");
  ASSERT_NE(f, nullptr);
  char buf[256] = {0};
  const size_t n = fread(buf, 1, sizeof(buf) - 1, f);
  fclose(f);
  EXPECT_EQ(std::string(buf, n), "[42] [INF] one\n[42] [DBG] two\n");
  Logger bad(1);
  LoggerOptions options;
  options.file = "/nonexistent-dir/x.log";
  EXPECT_FALSE(bad.Configure(options).ok());
}

}  // namespace
}  // namespace na::server
