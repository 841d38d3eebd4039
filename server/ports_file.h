// The ports file and the pid file, named and written as nats-server writes them.
//
// Ports file: <dir>/<executable name>_<pid>.ports holding
//   {"nats":["nats://127.0.0.1:4222",...],"monitoring":["http://127.0.0.1:8222",...]}
// where a wildcard host (0.0.0.0, ::, empty) lists every address of every interface that is up.
// It is removed at shutdown; the pid file (the pid, no newline) is left, as nats-server leaves it.
#ifndef NATRIUM_SERVER_PORTS_FILE_H_
#define NATRIUM_SERVER_PORTS_FILE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace na::server {

// "scheme://host:port" for each address `host` stands for (IPv6 in brackets).
std::vector<std::string> ListenUrls(const std::string& scheme, const std::string& host, int port);

// Returns the path written.
absl::StatusOr<std::string> WritePortsFile(const std::string& dir, const std::string& exe_name,
                                           int pid, const std::vector<std::string>& nats_urls,
                                           const std::vector<std::string>& monitoring_urls);

absl::Status WritePidFile(const std::string& path, int pid);

}  // namespace na::server

#endif  // NATRIUM_SERVER_PORTS_FILE_H_
