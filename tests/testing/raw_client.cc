#include "tests/testing/raw_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace na::testing {
namespace {

int MillisUntil(absl::Time deadline) {
  absl::Duration left = deadline - absl::Now();
  if (left <= absl::ZeroDuration()) return 0;
  return static_cast<int>(std::min<int64_t>(absl::ToInt64Milliseconds(left) + 1, 60'000));
}

}  // namespace

std::string Escape(absl::string_view bytes) {
  // Quotes stay as they are: NATS error strings are full of them.
  constexpr size_t kShown = 600;
  std::string out;
  for (char c : bytes.substr(0, kShown)) {
    switch (c) {
      case '\r':
        out += "\\r";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        if (c >= 0x20 && c < 0x7f) {
          out += c;
        } else {
          out += absl::StrCat("\\x", absl::Hex(static_cast<unsigned char>(c), absl::kZeroPad2));
        }
    }
  }
  if (bytes.size() > kShown) absl::StrAppend(&out, "...(", bytes.size(), " bytes in all)");
  return out;
}

absl::StatusOr<std::unique_ptr<RawClient>> RawClient::Connect(int port, RawClientOptions options) {
  absl::Time deadline = absl::Now() + options.connect_timeout;
  while (true) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return absl::InternalError(absl::StrCat("socket: ", strerror(errno)));
    if (options.receive_buffer_bytes > 0) {
      setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &options.receive_buffer_bytes,
                 sizeof(options.receive_buffer_bytes));
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    sockaddr_in addr = {};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
      return std::unique_ptr<RawClient>(new RawClient(fd));
    }
    int err = errno;
    close(fd);
    if (err != ECONNREFUSED || absl::Now() > deadline) {
      return absl::UnavailableError(absl::StrCat("connect 127.0.0.1:", port, ": ", strerror(err)));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

RawClient::~RawClient() {
  if (fd_ >= 0) close(fd_);
}

absl::Status RawClient::Send(absl::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::UnavailableError(absl::StrCat("send: ", strerror(errno)));
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

bool RawClient::Fill(absl::Time deadline) {
  if (closed_) return false;
  pollfd pfd = {fd_, POLLIN, 0};
  int ready = poll(&pfd, 1, MillisUntil(deadline));
  if (ready <= 0) return false;
  char chunk[64 * 1024];
  ssize_t n = recv(fd_, chunk, sizeof(chunk), 0);
  if (n > 0) {
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
  closed_ = true;  // EOF, or a reset (ECONNRESET): both mean the server dropped us.
  return false;
}

void RawClient::SkipPings(absl::Time deadline) {
  if (!answer_pings_) return;
  constexpr absl::string_view kPing = "PING\r\n";
  while (true) {
    while (buffer_.size() < kPing.size() && absl::StartsWith(kPing, buffer_) && !buffer_.empty()) {
      if (!Fill(deadline)) return;
    }
    if (!absl::StartsWith(buffer_, kPing)) return;
    buffer_.erase(0, kPing.size());
    Send("PONG\r\n").IgnoreError();  // A closed peer shows up on the next read.
  }
}

std::string RawClient::Describe() const {
  return absl::StrCat("; received so far: \"", Escape(buffer_), "\"",
                      closed_ ? " then the connection closed" : "");
}

absl::StatusOr<std::string> RawClient::ReadUntil(absl::string_view pattern,
                                                 absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  SkipPings(deadline);
  size_t searched = 0;
  while (true) {
    size_t at = buffer_.find(
        pattern.data(), searched > pattern.size() ? searched - pattern.size() : 0, pattern.size());
    if (at != std::string::npos) {
      std::string out = buffer_.substr(0, at + pattern.size());
      buffer_.erase(0, at + pattern.size());
      return out;
    }
    searched = buffer_.size();
    if (!Fill(deadline) && (closed_ || absl::Now() >= deadline)) {
      return absl::DeadlineExceededError(
          absl::StrCat("waiting for \"", Escape(pattern), "\"", Describe()));
    }
  }
}

absl::StatusOr<std::string> RawClient::ReadLine(absl::Duration timeout) {
  return ReadUntil("\r\n", timeout);
}

absl::StatusOr<std::string> RawClient::ReadBytes(size_t n, absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (buffer_.size() < n) {
    if (!Fill(deadline) && (closed_ || absl::Now() >= deadline)) {
      return absl::DeadlineExceededError(absl::StrCat("waiting for ", n, " bytes", Describe()));
    }
  }
  std::string out = buffer_.substr(0, n);
  buffer_.erase(0, n);
  return out;
}

absl::Status RawClient::Expect(absl::string_view expected, absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  SkipPings(deadline);
  if (buffer_.empty()) Fill(deadline);
  SkipPings(deadline);
  while (buffer_.size() < expected.size()) {
    // Fail early on a divergent prefix, so the message shows the first wrong bytes.
    if (!absl::StartsWith(expected, buffer_)) break;
    if (!Fill(deadline) && (closed_ || absl::Now() >= deadline)) break;
  }
  if (absl::StartsWith(buffer_, expected)) {
    buffer_.erase(0, expected.size());
    return absl::OkStatus();
  }
  // Collect a little more for the report.
  Fill(std::min(deadline, absl::Now() + absl::Milliseconds(50)));
  return absl::FailedPreconditionError(
      absl::StrCat("expected \"", Escape(expected), "\"", Describe()));
}

absl::StatusOr<std::string> RawClient::ReadInfo(absl::Duration timeout) {
  absl::StatusOr<std::string> line = ReadLine(timeout);
  if (!line.ok()) return line.status();
  if (!absl::StartsWith(*line, "INFO {") || !absl::EndsWith(*line, "} \r\n")) {
    return absl::FailedPreconditionError(absl::StrCat("not an INFO line: \"", Escape(*line), "\""));
  }
  return line->substr(5, line->size() - 5 - 3);
}

absl::Status RawClient::Handshake(absl::string_view connect_json, bool verbose) {
  absl::StatusOr<std::string> info = ReadInfo();
  if (!info.ok()) return info.status();
  absl::Status sent = Send(absl::StrCat("CONNECT ", connect_json, "\r\nPING\r\n"));
  if (!sent.ok()) return sent;
  return Expect(verbose ? "+OK\r\nPONG\r\n" : "PONG\r\n");
}

absl::StatusOr<std::string> RawClient::ReadUntilClosed(absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (!closed_) {
    if (!Fill(deadline) && !closed_ && absl::Now() >= deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat("connection still open after ", absl::FormatDuration(timeout), Describe()));
    }
  }
  std::string out;
  out.swap(buffer_);
  return out;
}

absl::Status RawClient::ExpectClosedAfter(absl::string_view expected, absl::Duration timeout) {
  absl::StatusOr<std::string> seen = ReadUntilClosed(timeout);
  if (!seen.ok()) return seen.status();
  if (*seen != expected) {
    return absl::FailedPreconditionError(absl::StrCat("expected \"", Escape(expected),
                                                      "\" then a close; got \"", Escape(*seen),
                                                      "\" then a close"));
  }
  return absl::OkStatus();
}

absl::Status RawClient::ExpectNothing(absl::Duration window) {
  absl::Time deadline = absl::Now() + window;
  while (absl::Now() < deadline && buffer_.empty() && !closed_) Fill(deadline);
  if (!buffer_.empty() || closed_) {
    return absl::FailedPreconditionError(
        absl::StrCat("expected nothing for ", absl::FormatDuration(window), Describe()));
  }
  return absl::OkStatus();
}

std::string RawClient::ReadFor(absl::Duration window) {
  absl::Time deadline = absl::Now() + window;
  while (absl::Now() < deadline && !closed_) Fill(deadline);
  std::string out;
  out.swap(buffer_);
  return out;
}

}  // namespace na::testing
