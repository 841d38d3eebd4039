// What /connz shows about one client connection, copied out of the engine so that the
// monitoring code never holds pointers into live connection state.
#ifndef NATRIUM_ENGINE_NODE_CONN_SNAPSHOT_H_
#define NATRIUM_ENGINE_NODE_CONN_SNAPSHOT_H_

#include <cstdint>
#include <string>
#include <vector>

namespace na::node {

struct SubSnapshot {
  std::string subject;
  std::string queue;  // empty when not a queue subscription
  std::string sid;
  uint64_t msgs = 0;  // messages delivered through this subscription
  int64_t max_msgs = -1;
};

struct ConnSnapshot {
  uint64_t cid = 0;
  std::string kind = "Client";
  std::string ip;
  int port = 0;
  int64_t start_wall_ns = 0;
  int64_t last_activity_wall_ns = 0;
  int64_t stop_wall_ns = 0;  // 0 while open
  std::string reason;        // nats ClosedState text, empty while open
  int64_t rtt_ns = 0;
  uint64_t pending_bytes = 0;
  uint64_t in_msgs = 0;
  uint64_t out_msgs = 0;
  uint64_t in_bytes = 0;
  uint64_t out_bytes = 0;
  uint64_t num_subs = 0;
  std::vector<SubSnapshot> subs;  // ordered by sid
  std::string name;
  std::string lang;
  std::string version;
  std::string authorized_user;
  std::string account;
  // TLS is not supported yet; the fields exist so /connz can print them empty.
  std::string tls_version;
  std::string tls_cipher_suite;
};

}  // namespace na::node

#endif  // NATRIUM_ENGINE_NODE_CONN_SNAPSHOT_H_
