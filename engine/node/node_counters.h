// Node-wide counters that /varz reports. The engine updates them as it routes; runtimes and the
// monitoring code read them through Node::counters() between Steps.
#ifndef NATRIUM_ENGINE_NODE_NODE_COUNTERS_H_
#define NATRIUM_ENGINE_NODE_NODE_COUNTERS_H_

#include <cstdint>

namespace na::node {

struct NodeCounters {
  uint64_t in_msgs = 0;   // messages published by clients
  uint64_t out_msgs = 0;  // messages delivered to subscribers
  uint64_t in_bytes = 0;  // payload bytes (headers included), without the trailing CRLF
  uint64_t out_bytes = 0;
  uint64_t slow_consumers = 0;
  uint64_t total_connections = 0;  // accepted since start, including refused ones
  uint64_t auth_failures = 0;
};

}  // namespace na::node

#endif  // NATRIUM_ENGINE_NODE_NODE_COUNTERS_H_
