#include "tests/testing/server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace na::testing {
namespace {

std::string& ServerBinaryOverride() {
  static std::string* path = new std::string();
  return *path;
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

absl::Status WriteFile(const std::string& path, absl::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

// The ports file is JSON such as {"nats":["nats://127.0.0.1:45201"]}; only the client URL's port
// matters here, so a string search is enough and keeps the harness free of a JSON dependency.
absl::StatusOr<int> ParsePortsFile(absl::string_view text) {
  constexpr absl::string_view kScheme = "nats://";
  size_t at = text.find(kScheme);
  if (at == absl::string_view::npos) return absl::NotFoundError("no nats:// URL");
  absl::string_view rest = text.substr(at + kScheme.size());
  size_t end = rest.find('"');
  if (end == absl::string_view::npos) return absl::NotFoundError("unterminated URL");
  absl::string_view host_port = rest.substr(0, end);
  size_t colon = host_port.rfind(':');
  int port = 0;
  if (colon == absl::string_view::npos || !absl::SimpleAtoi(host_port.substr(colon + 1), &port) ||
      port <= 0) {
    return absl::InvalidArgumentError(absl::StrCat("bad URL ", host_port));
  }
  return port;
}

// Any *.ports file in the server's private directory is its own.
absl::StatusOr<int> FindPort(const std::string& dir) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".ports") continue;
    absl::StatusOr<std::string> text = ReadFile(entry.path().string());
    if (!text.ok()) continue;
    absl::StatusOr<int> port = ParsePortsFile(*text);
    if (port.ok()) return port;
  }
  return absl::NotFoundError("no ports file yet");
}

}  // namespace

std::string ServerBinary() {
  if (!ServerBinaryOverride().empty()) return ServerBinaryOverride();
  const char* env = getenv("NA_TEST_SERVER");
  return env == nullptr ? std::string() : std::string(env);
}

void SetServerBinary(absl::string_view path) { ServerBinaryOverride() = std::string(path); }

bool IsReferenceServer() {
  return absl::StartsWith(std::filesystem::path(ServerBinary()).filename().string(), "nats-server");
}

absl::StatusOr<std::unique_ptr<ServerProcess>> ServerProcess::Start(ServerOptions options) {
  if (options.binary.empty()) options.binary = ServerBinary();
  if (options.binary.empty()) {
    return absl::FailedPreconditionError(
        "no server binary: pass --server=PATH or set NA_TEST_SERVER");
  }
  if (access(options.binary.c_str(), X_OK) != 0) {
    return absl::NotFoundError(absl::StrCat("server binary not executable: ", options.binary));
  }
  std::string tmpl = (std::filesystem::temp_directory_path() / "natrium-test-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("mkdtemp: ", strerror(errno)));
  }
  std::unique_ptr<ServerProcess> server(new ServerProcess());
  server->dir_ = tmpl;
  server->log_path_ = server->dir_ + "/server.log";

  std::vector<std::string> args = {options.binary};
  if (!options.config.empty()) {
    std::string conf_path = server->dir_ + "/server.conf";
    absl::Status written = WriteFile(conf_path, options.config);
    if (!written.ok()) return written;
    args.push_back("-c");
    args.push_back(conf_path);
  }
  args.insert(args.end(), {"-a", "127.0.0.1", "-p", absl::StrCat(options.port), "--ports_file_dir",
                           server->dir_});
  args.insert(args.end(), options.args.begin(), options.args.end());
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  int log_fd = open(server->log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log_fd < 0) return absl::InternalError(absl::StrCat("open log: ", strerror(errno)));
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    close(log_fd);
    return absl::InternalError(absl::StrCat("fork: ", strerror(errno)));
  }
  if (pid == 0) {
    // Only async-signal-safe calls between fork and exec: the test may run client threads.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    dup2(log_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0) dup2(null_fd, STDIN_FILENO);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(log_fd);
  server->pid_ = pid;

  absl::Time deadline = absl::Now() + options.start_timeout;
  while (true) {
    absl::StatusOr<int> port = FindPort(server->dir_);
    if (port.ok()) {
      server->port_ = *port;
      return server;
    }
    if (!server->Running()) {
      return absl::UnavailableError(absl::StrCat(
          "server exited during start: ", absl::StrJoin(args, " "), "\n", server->Log()));
    }
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat("no ports file within ", absl::FormatDuration(options.start_timeout), ": ",
                       absl::StrJoin(args, " "), "\n", server->Log()));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

ServerProcess::~ServerProcess() {
  Stop().IgnoreError();  // A destructor has no one to report to; tests call Stop() to check.
  std::error_code ec;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
}

std::string ServerProcess::url() const { return absl::StrCat("nats://127.0.0.1:", port_); }

bool ServerProcess::Running() {
  if (reaped_ || pid_ <= 0) return false;
  int status = 0;
  pid_t got = waitpid(pid_, &status, WNOHANG);
  if (got == pid_) {
    reaped_ = true;
    return false;
  }
  return true;
}

absl::Status ServerProcess::Stop(absl::Duration timeout) {
  if (pid_ <= 0 || reaped_) return absl::OkStatus();
  kill(pid_, SIGINT);
  absl::Time deadline = absl::Now() + timeout;
  int status = 0;
  while (true) {
    pid_t got = waitpid(pid_, &status, WNOHANG);
    if (got == pid_) break;
    if (absl::Now() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      reaped_ = true;
      return absl::DeadlineExceededError(absl::StrCat(
          "server did not exit within ", absl::FormatDuration(timeout), " of SIGINT; killed"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  reaped_ = true;
  if (WIFSIGNALED(status)) {
    return absl::InternalError(absl::StrCat("server died of signal ", WTERMSIG(status)));
  }
  return absl::OkStatus();
}

std::string ServerProcess::Log() const {
  absl::StatusOr<std::string> text = ReadFile(log_path_);
  return text.ok() ? *text : std::string();
}

}  // namespace na::testing
