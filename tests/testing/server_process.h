// A server binary (natrium-server or the reference nats-server) run as a child process for
// black-box tests. Both binaries take the same flags, so a test never knows which one it drives.
//
// Start() gives the child its own temporary directory, passes `-a 127.0.0.1 -p <port>
// --ports_file_dir <dir>` (plus `-c <dir>/server.conf` when a config text is given), and returns
// once the ports file names the listening port. It opens no probe connection, so limits such as
// max_connections see only the test's own clients. Stop() sends SIGINT and reaps the child
// (SIGKILL if it does not exit in time); the destructor does the same and deletes the directory.
// The child gets PR_SET_PDEATHSIG, so a crashed test never leaves a server behind.
#ifndef NATRIUM_TESTS_TESTING_SERVER_PROCESS_H_
#define NATRIUM_TESTS_TESTING_SERVER_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace na::testing {

// The binary under test: the value of `--server=PATH` given to the test binary (see
// test_main.cc), else the NA_TEST_SERVER environment variable, else "" (no server configured).
std::string ServerBinary();
void SetServerBinary(absl::string_view path);

// True when ServerBinary() is the reference nats-server (its file name starts "nats-server").
// Tests use it only to word a message, never to change an expectation.
bool IsReferenceServer();

struct ServerOptions {
  // Empty means ServerBinary().
  std::string binary;
  // The config file's text; empty means no `-c`.
  std::string config;
  // -1 asks for a random free port; a fixed value restarts a server on a known port.
  int port = -1;
  // Extra command-line flags, appended after the harness's own.
  std::vector<std::string> args;
  // Bound on the wait for the ports file.
  absl::Duration start_timeout = absl::Seconds(10);
};

class ServerProcess {
 public:
  static absl::StatusOr<std::unique_ptr<ServerProcess>> Start(ServerOptions options);

  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;
  ~ServerProcess();

  int port() const { return port_; }
  // "nats://127.0.0.1:<port>".
  std::string url() const;
  pid_t pid() const { return pid_; }
  const std::string& dir() const { return dir_; }

  // SIGINT, then waits up to `timeout` for the exit before SIGKILL. Idempotent. Returns an error
  // when the process had to be killed or exited abnormally.
  absl::Status Stop(absl::Duration timeout = absl::Seconds(5));
  // True while the child has not exited.
  bool Running();
  // Everything the child wrote to stdout and stderr so far.
  std::string Log() const;

 private:
  ServerProcess() = default;

  pid_t pid_ = -1;
  int port_ = 0;
  std::string dir_;
  std::string log_path_;
  bool reaped_ = false;
};

}  // namespace na::testing

#endif  // NATRIUM_TESTS_TESTING_SERVER_PROCESS_H_
