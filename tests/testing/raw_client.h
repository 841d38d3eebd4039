// A raw TCP client for protocol conformance tests: it sends exact bytes and checks exact bytes,
// with every wait bounded by a deadline so a missing reply fails the test instead of hanging it.
//
// Reads are buffered: a helper consumes only what it matched, and the rest stays for the next
// call. Errors come back as absl::Status whose message shows the bytes actually seen (C-escaped),
// which is what a conformance failure report needs.
//
//   ASSERT_OK_AND_ASSIGN(auto c, RawClient::Connect(server->port()));
//   ASSERT_OK(c->ReadInfo().status());
//   ASSERT_OK(c->Send("PING\r\n"));
//   ASSERT_OK(c->Expect("PONG\r\n"));
#ifndef NATRIUM_TESTS_TESTING_RAW_CLIENT_H_
#define NATRIUM_TESTS_TESTING_RAW_CLIENT_H_

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace na::testing {

// Short enough that a suite of ~100 cases stays fast when a reply never comes, long enough for a
// loaded 2-core machine.
inline constexpr absl::Duration kDefaultWait = absl::Seconds(3);

struct RawClientOptions {
  // SO_RCVBUF set before connect; 0 keeps the kernel default. A small value makes a
  // non-reading subscriber back up quickly in slow-consumer tests.
  int receive_buffer_bytes = 0;
  // Connection refused is retried until this bound (a server may be a moment from accepting).
  absl::Duration connect_timeout = absl::Seconds(3);
};

class RawClient {
 public:
  static absl::StatusOr<std::unique_ptr<RawClient>> Connect(int port,
                                                            RawClientOptions options = {});

  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;
  ~RawClient();

  // Writes all of `bytes`. A peer that already closed gives an error, not SIGPIPE.
  absl::Status Send(absl::string_view bytes);

  // Reads until the first occurrence of `pattern`; returns and consumes everything up to and
  // including it.
  absl::StatusOr<std::string> ReadUntil(absl::string_view pattern,
                                        absl::Duration timeout = kDefaultWait);
  // One line including its "\r\n".
  absl::StatusOr<std::string> ReadLine(absl::Duration timeout = kDefaultWait);
  // Exactly `n` bytes.
  absl::StatusOr<std::string> ReadBytes(size_t n, absl::Duration timeout = kDefaultWait);
  // Reads expected.size() bytes and requires them to equal `expected`.
  absl::Status Expect(absl::string_view expected, absl::Duration timeout = kDefaultWait);
  // Reads the INFO line; returns its JSON text (between "INFO " and the trailing " \r\n").
  absl::StatusOr<std::string> ReadInfo(absl::Duration timeout = kDefaultWait);
  // Reads the INFO line and sends `connect_json` as CONNECT followed by PING, then requires
  // exactly `+OK\r\nPONG\r\n` when `verbose` else `PONG\r\n`. The usual handshake.
  absl::Status Handshake(absl::string_view connect_json = R"({"verbose":false})",
                         bool verbose = false);

  // Requires the peer to close (EOF or reset) within `timeout`; returns the bytes received
  // before the close (including any still buffered).
  absl::StatusOr<std::string> ReadUntilClosed(absl::Duration timeout = kDefaultWait);
  // Requires exactly `expected` and then a close within `timeout`.
  absl::Status ExpectClosedAfter(absl::string_view expected, absl::Duration timeout = kDefaultWait);
  // Requires that no byte arrives and the connection stays open for `window`.
  absl::Status ExpectNothing(absl::Duration window = absl::Milliseconds(250));
  // Returns whatever arrives within `window` without failing (and consumes it).
  std::string ReadFor(absl::Duration window);

  // When on, a server "PING\r\n" found where Expect/ReadLine/ReadUntil start reading is answered
  // with PONG and skipped, so long-running cases are not upset by the server's keepalive.
  void set_answer_pings(bool on) { answer_pings_ = on; }

  // True once a read saw EOF or a reset.
  bool closed() const { return closed_; }
  // Bytes received but not yet consumed.
  const std::string& buffered() const { return buffer_; }
  int fd() const { return fd_; }

 private:
  explicit RawClient(int fd) : fd_(fd) {}
  // Waits up to `deadline` for more bytes and appends them. Returns false on timeout, and on
  // EOF/reset (setting closed_).
  bool Fill(absl::Time deadline);
  std::string Describe() const;
  // Answers and drops pings at the front of the buffer (when answer_pings_).
  void SkipPings(absl::Time deadline);

  int fd_;
  std::string buffer_;
  bool closed_ = false;
  bool answer_pings_ = false;
};

// "\r\n" -> "\\r\\n" etc., for messages.
std::string Escape(absl::string_view bytes);

}  // namespace na::testing

#endif  // NATRIUM_TESTS_TESTING_RAW_CLIENT_H_
