#include "tools/bench/bench_conn.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
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
  const char* eol = nullptr;
  while (end_ == start_ || (eol = static_cast<const char*>(
                                memchr(buf_.get() + start_, '\n', end_ - start_))) == nullptr) {
    auto n = ReadSome();
    if (!n.ok()) return n.status();
    if (*n == 0) return absl::UnavailableError("closed before INFO");
  }
  if (end_ - start_ < 5 || memcmp(buf_.get() + start_, "INFO ", 5) != 0) {
    return absl::DataLossError("expected INFO");
  }
  start_ = static_cast<size_t>(eol - buf_.get()) + 1;
  std::string connect = absl::StrCat(
      "CONNECT {\"verbose\":false,\"pedantic\":false,\"headers\":true,\"no_responders\":true,"
      "\"protocol\":1,\"name\":\"",
      name, "\",\"lang\":\"natrium-bench\",\"version\":\"0.2\"}\r\n");
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
  if (start_ == end_) {
    start_ = end_ = 0;
  }
  if (cap_ - end_ < kReadBytes) {
    // Move the unparsed tail to the front, or grow when the tail itself is large (a big MSG).
    const size_t tail = end_ - start_;
    const size_t need = tail + kReadBytes;
    if (need > cap_) {
      std::unique_ptr<char[]> bigger(new char[need * 2]);
      if (tail > 0) memcpy(bigger.get(), buf_.get() + start_, tail);
      buf_ = std::move(bigger);
      cap_ = need * 2;
    } else if (tail > 0) {
      memmove(buf_.get(), buf_.get() + start_, tail);
    }
    start_ = 0;
    end_ = tail;
  }
  ssize_t n;
  do {
    n = ::recv(fd_, buf_.get() + end_, cap_ - end_, 0);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return absl::UnavailableError(absl::StrCat("recv: ", strerror(errno)));
  end_ += static_cast<size_t>(n);
  return static_cast<size_t>(n);
}

absl::Status BenchConn::Flush() {
  int want = pongs_ + 1;
  absl::Status st = WriteAll("PING\r\n");
  if (!st.ok()) return st;
  while (pongs_ < want) {
    Drain([this](absl::string_view, absl::string_view, absl::string_view) { ++skipped_msgs_; });
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
  if (end_ == start_) return false;
  const char* base = buf_.get();
  const char* begin = base + start_;
  const char* nl = static_cast<const char*>(memchr(begin, '\n', end_ - start_));
  if (nl == nullptr) return false;
  const size_t eol = static_cast<size_t>(nl - base) + 1;  // just past '\n'
  absl::string_view line(begin, static_cast<size_t>(nl - begin));
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.size() >= 4 && memcmp(line.data(), "MSG ", 4) == 0) {
    // MSG <subject> <sid> [reply] <size>: the size is the last field, the subject the first;
    // split the rest only when there may be a reply.
    const size_t last_space = line.rfind(' ');
    size_t size = 0;
    if (last_space == absl::string_view::npos ||
        !absl::SimpleAtoi(line.substr(last_space + 1), &size)) {
      return false;
    }
    if (end_ < eol + size + 2) return false;  // payload not complete yet
    absl::string_view rest = line.substr(4, last_space - 4);
    const size_t sp1 = rest.find(' ');
    if (sp1 == absl::string_view::npos) return false;
    *subject = rest.substr(0, sp1);
    const size_t sp2 = rest.find(' ', sp1 + 1);
    *reply = sp2 == absl::string_view::npos ? absl::string_view() : rest.substr(sp2 + 1);
    *payload = absl::string_view(base + eol, size);
    *is_msg = true;
    start_ = eol + size + 2;
    return true;
  }
  start_ = eol;
  if (line == "PING") {
    WriteAll("PONG\r\n").IgnoreError();  // a dead connection shows up on the next read
  } else if (line == "PONG") {
    ++pongs_;
  } else if (line.size() >= 4 && memcmp(line.data(), "-ERR", 4) == 0) {
    // The server refused something (a slow consumer, say): never hide it.
    ++errors_;
    std::fprintf(stderr, "natrium-bench: server said: %.*s\n", static_cast<int>(line.size()),
                 line.data());
  }
  return true;
}

}  // namespace na::bench
