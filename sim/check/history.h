// What simulated clients did and saw, in the checker's vocabulary.
//
// Clients report every publish, subscribe, unsubscribe and delivery as it happens, plus the
// moment a PONG proves the server processed the operations sent before its PING ("confirmed").
// Records are plain data so that unit tests can build histories by hand.
#ifndef NATRIUM_SIM_CHECK_HISTORY_H_
#define NATRIUM_SIM_CHECK_HISTORY_H_

#include <cstdint>
#include <string>

namespace na::sim::check {

using MsgId = uint64_t;      // 1, 2, ...; 0 means "not one of ours"
using SubId = uint64_t;      // index + 1 into the checker's subscription table
using SessionId = uint64_t;  // one TCP connection of one client, 1, 2, ...

inline constexpr int64_t kNever = -1;

struct PublishRecord {
  SessionId session = 0;
  uint64_t seq = 0;  // per session, strictly increasing in send order
  std::string subject;
  std::string reply;
  int64_t sent_ns = 0;
  int64_t confirmed_ns = kNever;
  // Declared above max_payload: the server must reject it, so it must never be delivered.
  bool oversize = false;
  // What was sent, so that a delivery can be compared byte for byte.
  std::string headers;  // the header block for HPUB, empty for PUB
  std::string body;
};

struct SubRecord {
  SessionId session = 0;
  std::string sid;
  std::string filter;
  std::string queue;      // empty: not a queue subscription
  int64_t max_msgs = -1;  // auto-unsubscribe limit sent right after the SUB, -1 for none
  int64_t sent_ns = 0;
  int64_t confirmed_ns = kNever;
  int64_t unsub_sent_ns = kNever;
  bool unsub_confirmed = false;
  int64_t delivered = 0;
  bool over_max_reported = false;
};

struct SessionRecord {
  uint64_t client = 0;
  // The connection ended without the client asking (reset, crash, slow-consumer cut, stale
  // connection, -ERR close): deliveries in flight may be lost, so exactly-once is not required.
  bool lost = false;
  // The client saw the PONG to a final PING it sent after the world went quiet, so everything the
  // server routed to this session before that PING has arrived.
  bool drained = false;
  int64_t drain_ping_sent_ns = kNever;
};

struct Violation {
  std::string kind;  // "lost", "duplicate", "reordered", "misrouted", ...
  std::string detail;
  int64_t time_ns = 0;
};

}  // namespace na::sim::check

#endif  // NATRIUM_SIM_CHECK_HISTORY_H_
