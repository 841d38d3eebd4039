// Timer ids name a connection and a purpose: (conn << 3) | kind. Connection id 0 is never used
// by a runtime for a client, so node-wide timers use it.
#ifndef NATRIUM_ENGINE_CLIENT_TIMER_ID_H_
#define NATRIUM_ENGINE_CLIENT_TIMER_ID_H_

#include <cstdint>

#include "engine/io/io.h"

namespace na::client {

enum class TimerKind : uint8_t {
  kNone = 0,
  kPing = 1,           // the PING/stale-connection timer
  kAuth = 2,           // no CONNECT within authorization.timeout
  kWriteDeadline = 3,  // output not drained within write_deadline
  kStall = 4,          // a stalled publisher's pause ends (client.go stalledWait's timeout)
  kNode = 7,           // node-wide timers (conn 0)
};

inline io::TimerId MakeTimerId(io::ConnId conn, TimerKind kind) {
  return (conn << 3) | static_cast<uint64_t>(kind);
}
inline io::ConnId TimerConn(io::TimerId id) { return id >> 3; }
inline TimerKind TimerKindOf(io::TimerId id) { return static_cast<TimerKind>(id & 7); }

}  // namespace na::client

#endif  // NATRIUM_ENGINE_CLIENT_TIMER_ID_H_
