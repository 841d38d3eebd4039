#include "tools/bench/bench_conn.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace na::bench {

BenchConn::~BenchConn() {
  if (fd_ >= 0) close(fd_);
}

absl::Status BenchConn::Connect(const std::string& host, int port, const std::string& name) {
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res) != 0 || !res) {
    return absl::UnavailableError(absl::StrCat("cannot resolve ", host));
  }
  fd_ = socket(res->ai_family, res->ai_socktype, 0);
  int rc = ::connect(fd_, res->ai_addr, res->ai_addrlen);
  freeaddrinfo(res);
  if (rc != 0) return absl::UnavailableError(absl::StrCat("connect: ", strerror(errno)));
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  int big = 4 << 20;
  setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
  setsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
  // INFO first.
  while (buf_.find("\r\n", start_) == std::string::npos) {
    auto n = ReadSome();
    if (!n.ok()) return n.status();
    if (*n == 0) return absl::UnavailableError("closed before INFO");
  }
  size_t eol = buf_.find("\r\n", start_);
  if (buf_.compare(start_, 5, "INFO ") != 0) return absl::DataLossError("expected INFO");
  start_ = eol + 2;
  std::string connect = absl::StrCat(
      "CONNECT {\"verbose\":false,\"pedantic\":false,\"headers\":true,\"no_responders\":true,"
      "\"protocol\":1,\"name\":\"",
      name, "\",\"lang\":\"natrium-bench\",\"version\":\"0.1\"}\r\n");
  absl::Status st = WriteAll(connect);
  if (!st.ok()) return st;
  return Flush();
}

absl::Status BenchConn::WriteAll(absl::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::UnavailableError(absl::StrCat("send: ", strerror(errno)));
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

absl::StatusOr<size_t> BenchConn::ReadSome() {
  if (start_ > 0 && start_ == buf_.size()) {
    buf_.clear();
    start_ = 0;
  } else if (start_ > (1 << 20)) {
    buf_.erase(0, start_);
    start_ = 0;
  }
  size_t old = buf_.size();
  buf_.resize(old + (256 << 10));
  ssize_t n;
  do {
    n = ::recv(fd_, buf_.data() + old, 256 << 10, 0);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    buf_.resize(old);
    return absl::UnavailableError(absl::StrCat("recv: ", strerror(errno)));
  }
  buf_.resize(old + static_cast<size_t>(n));
  return static_cast<size_t>(n);
}

absl::Status BenchConn::Flush() {
  int want = pongs_ + 1;
  absl::Status st = WriteAll("PING\r\n");
  if (!st.ok()) return st;
  while (pongs_ < want) {
    Drain([](absl::string_view, absl::string_view, absl::string_view) {});
    if (pongs_ >= want) break;
    auto n = ReadSome();
    if (!n.ok()) return n.status();
    if (*n == 0) return absl::UnavailableError("closed while waiting for PONG");
  }
  return absl::OkStatus();
}

bool BenchConn::ParseOne(absl::string_view* subject, absl::string_view* reply,
                         absl::string_view* payload, bool* is_msg) {
  *is_msg = false;
  size_t eol = buf_.find("\r\n", start_);
  if (eol == std::string::npos) return false;
  absl::string_view line(buf_.data() + start_, eol - start_);
  if (line.size() >= 4 && line.substr(0, 4) == "MSG ") {
    // MSG <subject> <sid> [reply] <size>: split by hand; this runs once per message.
    absl::string_view parts[4];
    int count = 0;
    absl::string_view rest = line.substr(4);
    while (!rest.empty() && count < 4) {
      size_t sp = rest.find(' ');
      if (sp != 0) parts[count++] = rest.substr(0, sp);
      if (sp == absl::string_view::npos) break;
      rest.remove_prefix(sp + 1);
    }
    size_t size = 0;
    if (count < 3 || !absl::SimpleAtoi(parts[count - 1], &size)) return false;
    if (buf_.size() < eol + 2 + size + 2) return false;  // payload not complete yet
    *subject = parts[0];
    *reply = count == 4 ? parts[2] : absl::string_view();
    *payload = absl::string_view(buf_.data() + eol + 2, size);
    *is_msg = true;
    start_ = eol + 2 + size + 2;
    return true;
  }
  if (line == "PING") {
    start_ = eol + 2;
    WriteAll("PONG\r\n").IgnoreError();  // a dead connection shows up on the next read
    return true;
  }
  if (line == "PONG") ++pongs_;
  start_ = eol + 2;
  return true;
}

}  // namespace na::bench
