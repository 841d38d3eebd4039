// A minimal blocking NATS client connection for the load generator: raw protocol, no library, so
// that the benchmark measures the server and not a client's buffering policy.
#ifndef NATRIUM_TOOLS_BENCH_BENCH_CONN_H_
#define NATRIUM_TOOLS_BENCH_BENCH_CONN_H_

#include <cstdint>
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
  // Sends PING and reads until PONG; messages read meanwhile go to `on_msg` if it is set.
  absl::Status Flush();
  // Reads at least one chunk into the internal buffer; returns bytes read (0 on EOF).
  absl::StatusOr<size_t> ReadSome();

  // Parsed view of the buffer. Calls handler(subject, reply, payload) per MSG, answers PINGs,
  // counts PONGs. Consumed bytes are dropped.
  template <typename Handler>
  void Drain(Handler&& handler);

  int pongs() const { return pongs_; }
  void reset_pongs() { pongs_ = 0; }
  int fd() const { return fd_; }

 private:
  bool ParseOne(absl::string_view* subject, absl::string_view* reply, absl::string_view* payload,
                bool* is_msg);
  int fd_ = -1;
  std::string buf_;
  size_t start_ = 0;
  int pongs_ = 0;
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
