// ServerProcess against a stand-in "server" (a shell script that writes a ports file the way
// nats-server does), so start, port discovery and SIGINT shutdown are checked without a broker.
#include "tests/testing/server_process.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace na::testing {
namespace {

class FakeServer {
 public:
  explicit FakeServer(absl::string_view body) {
    path_ = (std::filesystem::temp_directory_path() /
             ("natrium-fake-server-" + std::to_string(getpid()) + ".sh"))
                .string();
    std::ofstream out(path_);
    out << "#!/bin/sh\n"
        << "while [ $# -gt 0 ]; do\n"
        << "  if [ \"$1\" = --ports_file_dir ]; then dir=$2; fi; shift\n"
        << "done\n"
        << body;
    out.close();
    chmod(path_.c_str(), 0755);
  }
  ~FakeServer() { unlink(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

ServerOptions Options(const std::string& binary, const std::string& config = "") {
  ServerOptions options;
  options.binary = binary;
  options.config = config;
  return options;
}

TEST(ServerProcessTest, ReadsThePortFromThePortsFileAndStopsOnSigint) {
  FakeServer fake(
      "trap 'exit 0' INT\n"
      "echo started >&2\n"
      "printf '{\"nats\":[\"nats://127.0.0.1:45123\"]}' > \"$dir/fake_$$.ports\"\n"
      "while true; do sleep 0.05; done\n");
  ASSERT_OK_AND_ASSIGN(auto server, ServerProcess::Start(Options(fake.path())));
  EXPECT_EQ(server->port(), 45123);
  EXPECT_EQ(server->url(), "nats://127.0.0.1:45123");
  EXPECT_TRUE(server->Running());
  EXPECT_OK(server->Stop());
  EXPECT_FALSE(server->Running());
  EXPECT_NE(server->Log().find("started"), std::string::npos);
}

TEST(ServerProcessTest, WritesTheConfigFileAndPassesIt) {
  FakeServer fake(
      "printf '{\"nats\":[\"nats://127.0.0.1:4333\"]}' > \"$dir/fake_$$.ports\"\n"
      "cat \"$dir/server.conf\" >&2\n"
      "exec sleep 30\n");
  ASSERT_OK_AND_ASSIGN(auto server, ServerProcess::Start(Options(fake.path(), "port: 1\n")));
  usleep(100'000);
  EXPECT_NE(server->Log().find("port: 1"), std::string::npos) << server->Log();
}

TEST(ServerProcessTest, ReportsAServerThatExitsBeforeListening) {
  FakeServer fake("echo 'bad flag' >&2; exit 1\n");
  absl::StatusOr<std::unique_ptr<ServerProcess>> server =
      ServerProcess::Start(Options(fake.path()));
  ASSERT_FALSE(server.ok());
  EXPECT_NE(server.status().message().find("bad flag"), absl::string_view::npos) << server.status();
}

TEST(ServerProcessTest, MissingBinaryIsAnError) {
  EXPECT_FALSE(ServerProcess::Start(Options("/nonexistent/natrium-server")).ok());
}

}  // namespace
}  // namespace na::testing
