// The only doorway between the engine and the world.
//
// The engine is a pure, single-threaded state machine. A runtime (net/ on real sockets, sim/ in
// virtual time) feeds it Inputs through Step() and receives Effects through the Effects
// interface, synchronously, during that Step. The engine never reads a clock, a socket, a file,
// the environment or a global random source: time arrives with every Step, and randomness comes
// from a seed the runtime hands in when it builds the engine.
//
// Given the same seed and the same sequence of (Time, Input), an engine emits the same sequence
// of effects, bit for bit. The simulator's trace hash depends on that.
//
// Output and back pressure. Send() queues bytes on a connection's outbound stream; the runtime
// copies them (the view is valid only during the call) and writes them when it can, gathering
// everything queued in one loop turn into one writev. The runtime reports progress with a
// Flushed input: how many bytes reached the socket, and whether the stream is now drained. The
// engine keeps its own count of pending bytes (sent minus flushed) and applies max_pending and
// write_deadline from that, so slow-consumer decisions are part of the deterministic state.
#ifndef NATRIUM_ENGINE_IO_IO_H_
#define NATRIUM_ENGINE_IO_IO_H_

#include <cstdint>
#include <string>
#include <variant>

#include "absl/strings/string_view.h"

namespace na::io {

// A runtime's moment. mono_ns never goes backwards; wall_ns (Unix epoch) may jump.
struct Time {
  int64_t mono_ns = 0;
  int64_t wall_ns = 0;
};

// Connections are numbered by the runtime; ids are never reused within one engine's life.
using ConnId = uint64_t;
// Timers are named by the engine; arming an id that is armed replaces its deadline.
using TimerId = uint64_t;

enum class ConnKind : uint8_t {
  kClient,
  kRoute,
  kGateway,
  kLeaf,
};

struct ConnInfo {
  ConnKind kind = ConnKind::kClient;
  std::string remote_ip;
  int remote_port = 0;
};

// Why the runtime saw a connection end (it reports; the engine decides what it means).
enum class CloseCause : uint8_t {
  kEof,       // the peer closed its side
  kReset,     // read or write failed (ECONNRESET, EPIPE, ...)
  kShutdown,  // the runtime is shutting down
};

enum class CloseMode : uint8_t {
  kFlush,  // write what is queued (an -ERR, say), then close
  kAbort,  // drop what is queued and close now (slow consumer)
};

enum class LogLevel : uint8_t {
  kFatal,
  kError,
  kWarn,
  kInfo,
  kDebug,
  kTrace,
};

// ---- Inputs -----------------------------------------------------------------------------------

struct ConnOpened {
  ConnId conn = 0;
  ConnInfo info;
};

// Bytes read from a connection, split anywhere. The view is valid only during Step().
struct BytesIn {
  ConnId conn = 0;
  absl::string_view bytes;
};

struct ConnClosed {
  ConnId conn = 0;
  CloseCause cause = CloseCause::kEof;
};

// The runtime wrote `bytes_written` more bytes of this connection's queued output to the socket.
// `drained` is true when nothing of it is left queued in the runtime. A runtime reports after every
// write that made progress, and also once when a write attempt makes none (bytes_written = 0,
// drained = false) so that a connection whose socket was already full still starts its write
// deadline.
struct Flushed {
  ConnId conn = 0;
  uint64_t bytes_written = 0;
  bool drained = true;
};

struct TimerFired {
  TimerId timer = 0;
};

using Input = std::variant<ConnOpened, BytesIn, ConnClosed, Flushed, TimerFired>;

// ---- Effects ----------------------------------------------------------------------------------

// Implemented by the runtime. Calls arrive synchronously during Step(), in the order the engine
// decided them; a runtime must preserve that order per connection.
class Effects {
 public:
  virtual ~Effects() = default;

  // Queues bytes on the connection's outbound stream. The runtime copies them.
  virtual void Send(ConnId conn, absl::string_view bytes) = 0;

  // Closes the connection. After this the engine sends nothing more on it, and the runtime
  // reports no ConnClosed for it (the engine already knows).
  virtual void Close(ConnId conn, CloseMode mode) = 0;

  // Fires TimerFired{id} once, at or after deadline_mono_ns. Re-arming replaces the deadline.
  virtual void ArmTimer(TimerId id, int64_t deadline_mono_ns) = 0;
  virtual void CancelTimer(TimerId id) = 0;

  // Stops reading `conn` until ResumeReading(conn) or until deadline_mono_ns, whichever comes
  // first (the deadline bounds a stall even if the engine never resumes). Bytes already handed
  // over in BytesIn stay delivered; the runtime makes no BytesIn for `conn` while it is paused
  // (the socket's unread bytes wait in the kernel, or in the simulated stream), and output,
  // Flushed and close reports keep flowing. Pausing a paused connection replaces its deadline.
  // This is the publisher stall of nats-reference.md §7 (engine/client/README.md).
  virtual void PauseReading(ConnId conn, int64_t deadline_mono_ns) = 0;
  // Reads `conn` again. A no-op when it is not paused (its deadline may have passed already).
  virtual void ResumeReading(ConnId conn) = 0;

  // Log lines without prefix or newline; the runtime adds time, level tag and pid as configured.
  virtual void Log(LogLevel level, absl::string_view message) = 0;
};

// The engine side. A node (engine/node) implements it; the runtimes drive it.
class Engine {
 public:
  virtual ~Engine() = default;
  virtual void Step(const Time& now, const Input& input, Effects& effects) = 0;
};

}  // namespace na::io

#endif  // NATRIUM_ENGINE_IO_IO_H_
