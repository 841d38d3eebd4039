#include "net/runtime/listen_socket.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace na::net {

std::string ErrnoText(int err) {
  char buf[128];
  // GNU strerror_r returns the message pointer (which may not be buf).
  std::string text = strerror_r(err, buf, sizeof(buf));
  if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z') text[0] = static_cast<char>(text[0] + 32);
  return text;
}

absl::StatusOr<BoundSocket> ListenTcp(const std::string& host, int port, int backlog) {
  const std::string port_text = absl::StrCat(port < 0 ? 0 : port);
  struct addrinfo hints = {};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  struct addrinfo* found = nullptr;
  const int gai =
      getaddrinfo(host.empty() ? nullptr : host.c_str(), port_text.c_str(), &hints, &found);
  if (gai != 0) {
    return absl::InvalidArgumentError(absl::StrCat("listen tcp ", host, ":", port_text, ": lookup ",
                                                   host, ": ", gai_strerror(gai)));
  }
  BoundSocket bound;
  std::string last_error = "no usable address";
  for (struct addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    const int fd =
        socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      last_error = absl::StrCat("socket: ", ErrnoText(errno));
      continue;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
      last_error = absl::StrCat("bind: ", ErrnoText(errno));
      ::close(fd);
      continue;
    }
    if (listen(fd, backlog) != 0) {
      last_error = absl::StrCat("listen: ", ErrnoText(errno));
      ::close(fd);
      continue;
    }
    bound.fd = fd;
    break;
  }
  freeaddrinfo(found);
  if (bound.fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("listen tcp ", host, ":", port_text, ": ", last_error));
  }
  sockaddr_storage addr = {};
  socklen_t len = sizeof(addr);
  getsockname(bound.fd, reinterpret_cast<sockaddr*>(&addr), &len);
  if (addr.ss_family == AF_INET) {
    bound.port = ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  } else if (addr.ss_family == AF_INET6) {
    bound.port = ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
  }
  return bound;
}

}  // namespace na::net
