// A minimal blocking NATS client connection for the load generator: raw protocol, no library, so
// that the benchmark measures the server and not a client's buffering policy.
//
// The read side is built to cost the load generator as little as possible per message (no
// zero-filling of the read buffer, MSG lines split from the end), because on a small machine the
// generator shares the box with the server and must not be what bounds a figure.
#ifndef NATRIUM_TOOLS_BENCH_BENCH_CONN_H_
#define NATRIUM_TOOLS_BENCH_BENCH_CONN_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace na::bench {

class BenchConn {
 public:
  BenchConn() = default;
  ~BenchConn();
  BenchConn(const BenchConn&) = delete;
  BenchConn& operator=(const BenchConn&) = delete;

  // Connects, reads INFO, sends CONNECT (verbose and pedantic off, headers on) and waits for the
  // PONG of a PING, so that the server has processed the CONNECT on return.
  absl::Status Connect(const std::string& host, int port, const std::string& name);
  absl::Status WriteAll(absl::string_view bytes);
  // Sends PING and reads until PONG; messages read meanwhile are counted in skipped_msgs().
  absl::Status Flush();
  // Reads once (blocking) into the internal buffer; returns bytes read (0 on EOF).
  absl::StatusOr<size_t> ReadSome();

  // Parses what is buffered: calls handler(subject, reply, payload) per complete MSG, answers
  // PINGs, counts PONGs and -ERRs. Consumed bytes are dropped.
  template <typename Handler>
  void Drain(Handler&& handler);

  int pongs() const { return pongs_; }
  int64_t skipped_msgs() const { return skipped_msgs_; }
  // -ERR lines received (each is also printed to stderr).
  int errors() const { return errors_; }
  int fd() const { return fd_; }

 private:
  static constexpr size_t kReadBytes = 256 << 10;

  bool ParseOne(absl::string_view* subject, absl::string_view* reply, absl::string_view* payload,
                bool* is_msg);
  int fd_ = -1;
  // buf_[start_, end_) is unparsed input; capacity cap_ bytes.
  std::unique_ptr<char[]> buf_;
  size_t cap_ = 0;
  size_t start_ = 0;
  size_t end_ = 0;
  int pongs_ = 0;
  int64_t skipped_msgs_ = 0;
  int errors_ = 0;
};

template <typename Handler>
void BenchConn::Drain(Handler&& handler) {
  absl::string_view subject, reply, payload;
  bool is_msg = false;
  while (ParseOne(&subject, &reply, &payload, &is_msg)) {
    if (is_msg) handler(subject, reply, payload);
  }
}

}  // namespace na::bench

#endif  // NATRIUM_TOOLS_BENCH_BENCH_CONN_H_
