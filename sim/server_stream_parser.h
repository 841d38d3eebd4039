// The client side of the NATS protocol: parses what a server sends (INFO, MSG, HMSG, PING,
// PONG, +OK, -ERR), fed in pieces split anywhere.
//
// It is deliberately small and strict: the simulated clients use it to hold the server to the
// protocol, so anything it cannot parse is reported as an error rather than skipped.
#ifndef NATRIUM_SIM_SERVER_STREAM_PARSER_H_
#define NATRIUM_SIM_SERVER_STREAM_PARSER_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace na::sim {

struct ServerMsg {
  absl::string_view subject;
  absl::string_view sid;
  absl::string_view reply;
  int64_t header_bytes = -1;  // -1 for MSG
  absl::string_view headers;  // HMSG only, including the blank line
  absl::string_view payload;  // the body, after any headers
};

class ServerOpHandler {
 public:
  virtual ~ServerOpHandler() = default;
  virtual void OnInfo(absl::string_view json) = 0;
  virtual void OnMsg(const ServerMsg& msg) = 0;
  virtual void OnPing() = 0;
  virtual void OnPong() = 0;
  virtual void OnOk() = 0;
  virtual void OnErr(absl::string_view text) = 0;
};

class ServerStreamParser {
 public:
  // Parses as much as is complete. After an error the parser stays failed.
  absl::Status Feed(absl::string_view bytes, ServerOpHandler& handler);
  void Reset() {
    buffer_.clear();
    failed_ = false;
  }

 private:
  absl::Status ParseOne(absl::string_view data, ServerOpHandler& handler, size_t& consumed);

  std::string buffer_;
  bool failed_ = false;
};

}  // namespace na::sim

#endif  // NATRIUM_SIM_SERVER_STREAM_PARSER_H_
