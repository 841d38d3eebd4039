// Fixture for black-box conformance cases. Each case names the server it needs: the shared
// default server (started once per suite and restarted if a case killed it), or its own server
// from a config text. The binary comes from --server=PATH, so the same cases run against
// natrium-server and the reference nats-server.
#ifndef NATRIUM_TESTS_CONFORMANCE_SERVER_TEST_BASE_H_
#define NATRIUM_TESTS_CONFORMANCE_SERVER_TEST_BASE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "tests/testing/raw_client.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"

namespace na::conformance {

using ::na::testing::RawClient;
using ::na::testing::ServerProcess;

// CONNECT options of a quiet client: no +OK noise, no publish-subject checks.
inline constexpr absl::string_view kQuiet = R"({"verbose":false,"pedantic":false})";
inline constexpr absl::string_view kQuietHeaders =
    R"({"verbose":false,"pedantic":false,"headers":true})";

// The text of -ERR lines, built once so a typo cannot make two cases disagree.
std::string Err(absl::string_view text);

class ServerTest : public ::testing::Test {
 protected:
  static void TearDownTestSuite();

  // The shared default server's port (flags only, no config). Starts it if needed.
  int DefaultPort();
  // Starts this case's own server; its port is port(). Fails the case on error.
  void StartServer(const std::string& config, std::vector<std::string> args = {});
  ServerProcess* server() { return own_server_.get(); }
  int port() const { return own_server_->port(); }

  // Connects and reads INFO, nothing else.
  static absl::StatusOr<std::unique_ptr<RawClient>> Open(
      int port, ::na::testing::RawClientOptions options = {});
  // Connects, reads INFO, sends CONNECT `connect_json` + PING and expects PONG (after +OK when
  // the options leave verbose on).
  static absl::StatusOr<std::unique_ptr<RawClient>> Connected(
      int port, absl::string_view connect_json = kQuiet);

 private:
  std::unique_ptr<ServerProcess> own_server_;
  static ServerProcess* default_server_;
};

// The top-level keys of a JSON object, in the order they appear.
std::vector<std::string> TopLevelKeys(absl::string_view json);
// The raw text of a top-level value ("1048576", "\"2.9.10\"", "true"), or "" when absent.
std::string TopLevelValue(absl::string_view json, absl::string_view key);

}  // namespace na::conformance

#endif  // NATRIUM_TESTS_CONFORMANCE_SERVER_TEST_BASE_H_
