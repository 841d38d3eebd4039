#include "tests/conformance/server_test_base.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace na::conformance {

ServerProcess* ServerTest::default_server_ = nullptr;

std::string Err(absl::string_view text) { return absl::StrCat("-ERR '", text, "'\r\n"); }

void ServerTest::TearDownTestSuite() {
  delete default_server_;
  default_server_ = nullptr;
}

int ServerTest::DefaultPort() {
  if (default_server_ != nullptr && !default_server_->Running()) {
    ADD_FAILURE() << "the shared server died; its log:\n" << default_server_->Log();
    delete default_server_;
    default_server_ = nullptr;
  }
  if (default_server_ == nullptr) {
    absl::StatusOr<std::unique_ptr<ServerProcess>> started =
        ServerProcess::Start(::na::testing::ServerOptions());
    if (!started.ok()) {
      ADD_FAILURE() << started.status();
      return 0;
    }
    default_server_ = started->release();
  }
  return default_server_->port();
}

void ServerTest::StartServer(const std::string& config, std::vector<std::string> args) {
  ::na::testing::ServerOptions options;
  options.config = config;
  options.args = std::move(args);
  absl::StatusOr<std::unique_ptr<ServerProcess>> started = ServerProcess::Start(options);
  ASSERT_TRUE(started.ok()) << started.status() << "\nconfig:\n" << config;
  own_server_ = std::move(*started);
}

absl::StatusOr<std::unique_ptr<RawClient>> ServerTest::Open(
    int port, ::na::testing::RawClientOptions options) {
  absl::StatusOr<std::unique_ptr<RawClient>> client = RawClient::Connect(port, options);
  if (!client.ok()) return client.status();
  absl::StatusOr<std::string> info = (*client)->ReadInfo();
  if (!info.ok()) return info.status();
  return client;
}

absl::StatusOr<std::unique_ptr<RawClient>> ServerTest::Connected(int port,
                                                                 absl::string_view connect_json) {
  absl::StatusOr<std::unique_ptr<RawClient>> client = RawClient::Connect(port);
  if (!client.ok()) return client.status();
  bool verbose = connect_json.find("\"verbose\":false") == absl::string_view::npos;
  absl::Status handshake = (*client)->Handshake(connect_json, verbose);
  if (!handshake.ok()) return handshake;
  return client;
}

namespace {

// Scans a JSON string starting at its opening quote; returns the index after the closing quote.
size_t SkipString(absl::string_view json, size_t i) {
  for (++i; i < json.size(); ++i) {
    if (json[i] == '\\') {
      ++i;
    } else if (json[i] == '"') {
      return i + 1;
    }
  }
  return json.size();
}

// Calls `on_key(key, value_text)` for each top-level member.
template <typename F>
void ForEachTopLevel(absl::string_view json, F on_key) {
  size_t i = json.find('{');
  if (i == absl::string_view::npos) return;
  ++i;
  while (i < json.size()) {
    while (i < json.size() && json[i] != '"' && json[i] != '}') ++i;
    if (i >= json.size() || json[i] == '}') return;
    size_t key_end = SkipString(json, i);
    absl::string_view key = json.substr(i + 1, key_end - i - 2);
    i = json.find(':', key_end);
    if (i == absl::string_view::npos) return;
    ++i;
    size_t value_start = i;
    int depth = 0;
    while (i < json.size()) {
      char c = json[i];
      if (c == '"') {
        i = SkipString(json, i);
        continue;
      }
      if (c == '{' || c == '[') ++depth;
      if (c == '}' || c == ']') {
        if (depth == 0) break;
        --depth;
      }
      if (c == ',' && depth == 0) break;
      ++i;
    }
    on_key(key, json.substr(value_start, i - value_start));
    if (i < json.size() && json[i] == ',') ++i;
  }
}

}  // namespace

std::vector<std::string> TopLevelKeys(absl::string_view json) {
  std::vector<std::string> keys;
  ForEachTopLevel(json, [&](absl::string_view key, absl::string_view) { keys.emplace_back(key); });
  return keys;
}

std::string TopLevelValue(absl::string_view json, absl::string_view wanted) {
  std::string found;
  ForEachTopLevel(json, [&](absl::string_view key, absl::string_view value) {
    if (key == wanted && found.empty()) found = std::string(value);
  });
  return found;
}

}  // namespace na::conformance
