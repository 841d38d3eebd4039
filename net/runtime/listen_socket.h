// Opening a non-blocking TCP listener, shared by the client listener and the HTTP monitor.
#ifndef NATRIUM_NET_RUNTIME_LISTEN_SOCKET_H_
#define NATRIUM_NET_RUNTIME_LISTEN_SOCKET_H_

#include <string>

#include "absl/status/statusor.h"

namespace na::net {

struct BoundSocket {
  int fd = -1;
  int port = 0;  // the port actually bound (differs from the request for port 0 / -1)
};

// Resolves `host` (empty = any), binds `port` (-1 or 0 = any free port) with SO_REUSEADDR,
// listens. Errors read like Go's net package ("listen tcp 0.0.0.0:4222: bind: address already
// in use"), because the reference server prints them.
absl::StatusOr<BoundSocket> ListenTcp(const std::string& host, int port, int backlog);

// strerror text with a lower-case first letter, as Go's syscall errors read.
std::string ErrnoText(int err);

}  // namespace na::net

#endif  // NATRIUM_NET_RUNTIME_LISTEN_SOCKET_H_
