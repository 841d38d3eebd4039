// Runtime: drives an io::Engine on real sockets, one thread, one epoll loop.
//
// One loop turn:
//   1. epoll_wait, with a timeout taken from the next timer deadline and the poll sources;
//   2. for each ready fd: accept new connections (ConnOpened), read once per readable connection
//      (BytesIn), write queued output on writable ones, or hand the event to a PollSource;
//   3. fire the timers that are due (TimerFired), in (deadline, arming order);
//   4. flush every connection that got output during the turn with one sendmsg (writev) each,
//      and report Flushed{bytes_written, drained} for each flush that wrote something.
//
// epoll is level-triggered: a connection is read once per turn however much is waiting, which
// keeps one busy client from starving the others, and nothing is lost if a turn stops early.
// EPOLLOUT is asked for only while a connection has output the kernel refused (EAGAIN).
//
// Close(kFlush) stops reading, keeps writing what is queued, and closes when drained or after
// close_flush_timeout_ns. Close(kAbort) drops the queue and closes at the end of the turn. The
// runtime never reports ConnClosed for a connection the engine closed.
//
// Threads: everything runs on the thread that calls Run(), except Stop(), which any thread (or a
// signal-free context) may call.
#ifndef NATRIUM_NET_RUNTIME_RUNTIME_H_
#define NATRIUM_NET_RUNTIME_RUNTIME_H_

#include <sys/epoll.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/io/io.h"
#include "net/runtime/outbound_queue.h"
#include "net/runtime/timer_heap.h"

namespace na::net {

// The real clock: CLOCK_MONOTONIC for mono_ns, CLOCK_REALTIME for wall_ns.
io::Time Now();

// A file descriptor the runtime polls for someone else (the HTTP monitor), in the same loop.
class PollSource {
 public:
  virtual ~PollSource() = default;
  // Called when the fd is ready for the events it was registered with.
  virtual void OnReady(uint32_t epoll_events) = 0;
  // The longest the loop may sleep before OnTurn must run again; -1 = no limit.
  virtual int64_t MaxWaitNs() { return -1; }
  // Called once per loop turn, after timers (for work driven by time, not by the fd).
  virtual void OnTurn() {}
};

struct RuntimeOptions {
  std::string host = "0.0.0.0";
  int port = 4222;  // -1 = any free port (see Runtime::port())
  // Signals to catch through a signalfd and return from Run(). They are blocked in the calling
  // thread; call Listen() before starting other threads so they inherit the mask.
  std::vector<int> signals;
  // How long a Close(kFlush) may keep writing before the connection is closed anyway.
  int64_t close_flush_timeout_ns = 5'000'000'000;
  int listen_backlog = 4096;
  // Per-connection read buffer bounds; it doubles when a read fills it and halves when reads
  // stay small, so idle connections hold little memory. Up to read_buffer_free_max_bytes any
  // connection may grow; beyond it (large reads mean large writes, which cost the kernel much
  // less per byte on a busy stream) only while all buffers together stay within the budget.
  size_t read_buffer_min_bytes = 512;
  size_t read_buffer_max_bytes = 1024 * 1024;
  size_t read_buffer_free_max_bytes = 64 * 1024;
  size_t read_buffer_budget_bytes = 64 * 1024 * 1024;
  // A connection that has not read for this long gets its read buffer back to the minimum.
  int64_t read_buffer_idle_ns = 1'000'000'000;
  // After a turn that had I/O, poll without sleeping for this long before blocking: the next
  // request of a request/reply exchange usually comes within tens of microseconds, and a
  // sleeping thread must first be woken and scheduled (on a busy machine, after another task's
  // time slice). 0 disables it; an idle server never spins.
  int64_t busy_poll_ns = 50'000;
};

// Why Run() returned.
struct RunResult {
  int signal = 0;  // the signal that was caught, or 0 when Stop() was called
};

using LogSink = std::function<void(io::LogLevel, absl::string_view)>;

class Runtime : public io::Effects {
 public:
  explicit Runtime(RuntimeOptions options);
  ~Runtime() override;
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // Creates the epoll set and the signalfd and binds the listener. After it, port() is the bound
  // port (useful with port -1).
  absl::Status Listen();
  int port() const { return bound_port_; }
  const std::string& host() const { return options_.host; }

  void set_engine(io::Engine* engine) { engine_ = engine; }
  void set_log_sink(LogSink sink) { log_sink_ = std::move(sink); }
  // Called for each caught signal; returning true makes Run() return, false keeps running (for
  // signals that are only logged, such as SIGHUP before reload exists). Default: stop.
  void set_signal_handler(std::function<bool(int)> handler) {
    signal_handler_ = std::move(handler);
  }

  // REQUIRES: Listen() succeeded. Registers an fd to poll in the loop; the source must outlive
  // its registration.
  absl::Status AddPollSource(int fd, uint32_t epoll_events, PollSource* source);
  void RemovePollSource(int fd);

  // Runs the loop until Stop() or a caught signal. REQUIRES: Listen() succeeded and an engine
  // is set.
  RunResult Run();
  // Thread-safe; Run() returns at the end of the current turn.
  void Stop();

  // Closes the listener and runs loop turns until every connection is gone or `timeout_ns`
  // passed, so that closes the engine made (Node::Shutdown) can flush.
  void Drain(int64_t timeout_ns);

  // Closes the listener, tells the engine that every open connection ended (ConnClosed with
  // kShutdown), writes what can be written without waiting, and closes every socket.
  void Shutdown();

  size_t num_connections() const { return conns_.size(); }
  // The current read buffer size of a connection (0 when unknown); for tests and monitoring.
  size_t read_buffer_bytes(io::ConnId conn) const;

  // io::Effects
  void Send(io::ConnId conn, absl::string_view bytes) override;
  void Close(io::ConnId conn, io::CloseMode mode) override;
  void ArmTimer(io::TimerId id, int64_t deadline_mono_ns) override;
  void CancelTimer(io::TimerId id) override;
  void PauseReading(io::ConnId conn, int64_t deadline_mono_ns) override;
  void ResumeReading(io::ConnId conn) override;
  void Log(io::LogLevel level, absl::string_view message) override;

 private:
  enum class ConnState : uint8_t {
    kOpen,
    kClosingFlush,  // the engine closed it; writing what is queued
    kDead,          // socket to be closed at the end of the turn
  };

  struct Conn {
    explicit Conn(ChunkPool* pool) : out(pool) {}
    io::ConnId id = 0;
    int fd = -1;
    ConnState state = ConnState::kOpen;
    // Not zero-filled on resize: every read overwrites what it hands on.
    std::unique_ptr<char[]> read_buffer;
    size_t read_buffer_size = 0;
    int small_reads = 0;
    int64_t last_read_mono_ns = 0;
    OutboundQueue out;
    uint32_t events = 0;          // what epoll watches for it now
    bool dirty = false;           // in dirty_ (has output queued this turn)
    bool stall_reported = false;  // a Flushed{drained=false} went out since the last progress
    // PauseReading: EPOLLIN is off (the kernel buffer, then TCP, holds the peer back) until
    // ResumeReading or this deadline; 0 when reading.
    int64_t read_paused_until_mono_ns = 0;
    int64_t close_deadline_mono_ns = 0;
  };

  // Tags stored in epoll_event.data.u64: connections use their id (below 2^62), poll sources
  // kPollSourceTagBase | fd, and the runtime's own fds the top values.
  static constexpr uint64_t kListenerTag = ~0ull;
  static constexpr uint64_t kSignalTag = ~0ull - 1;
  static constexpr uint64_t kWakeTag = ~0ull - 2;
  static constexpr uint64_t kPollSourceTagBase = 1ull << 62;
  static constexpr io::ConnId kFirstConnId = 1;
  // Written chunks kept for reuse across connections (at most 8 MiB).
  static constexpr size_t kFreeChunksMax = 128;
  // Reads that use less than half the buffer, in a row, before it halves: a stream that
  // momentarily catches up must not make the buffer shrink and regrow every few turns.
  static constexpr int kSmallReadsToShrink = 8;

  // One loop turn; false when the loop cannot continue. Sleeps no later than wake_by_mono_ns
  // when that is positive.
  bool Turn(int64_t wake_by_mono_ns = 0);
  void CloseListener();
  void Step(const io::Input& input);
  void AcceptAll();
  void ReadFrom(Conn& conn);
  // Writes queued output; returns false when the connection failed (already handled).
  bool FlushConn(Conn& conn);
  void FlushDirty();
  void UpdateInterest(Conn& conn);
  void PeerGone(Conn& conn, io::CloseCause cause);
  void ReapDead();
  void CheckClosingDeadlines(int64_t now_mono_ns);
  // Reads again from paused connections whose deadline passed.
  void CheckPauseDeadlines(int64_t now_mono_ns);
  void SetReadPaused(Conn& conn, int64_t until_mono_ns);
  void ShrinkIdleBuffers(int64_t now_mono_ns);
  void ResizeReadBuffer(Conn& conn, size_t bytes);
  bool HandleSignals();
  int ComputeTimeoutMs();
  Conn* Find(io::ConnId id);
  // Removes a connection from the map, the index and the find cache (it is destroyed).
  void Forget(io::ConnId id);
  void RuntimeLog(io::LogLevel level, absl::string_view message);

  RuntimeOptions options_;
  io::Engine* engine_ = nullptr;
  LogSink log_sink_;
  std::function<bool(int)> signal_handler_;

  int epoll_fd_ = -1;
  int listen_fd_ = -1;
  int signal_fd_ = -1;
  int wake_fd_ = -1;
  int bound_port_ = 0;
  bool listener_paused_ = false;
  int64_t listener_resume_mono_ns_ = 0;

  // Declared before the connections, whose queues give their chunks back to it.
  ChunkPool chunk_pool_{kFreeChunksMax};
  // btree so that shutdown and reaping walk connections in id order (deterministic logs); the
  // hash index serves the per-message lookups (Send).
  absl::btree_map<io::ConnId, std::unique_ptr<Conn>> conns_;
  absl::flat_hash_map<io::ConnId, Conn*> conn_index_;
  // Direct-mapped in front of conn_index_: ids are sequential, so live connections rarely
  // share a slot and a fan-out's Sends find their connection with one load. A slot is cleared
  // when its connection goes.
  static constexpr size_t kFindCacheSlots = 1024;
  std::array<Conn*, kFindCacheSlots> find_cache_{};
  std::vector<io::ConnId> dirty_;
  std::vector<io::ConnId> dead_;
  std::vector<io::ConnId> closing_;  // in kClosingFlush, with a deadline
  std::vector<io::ConnId> paused_;   // reading paused (may hold ids already resumed or gone)
  io::ConnId next_conn_id_ = kFirstConnId;
  TimerHeap timers_;
  int64_t next_idle_sweep_mono_ns_ = 0;
  size_t grown_buffers_ = 0;            // connections whose read buffer is above the minimum
  size_t read_buffer_total_bytes_ = 0;  // all connections' read buffers together
  int64_t last_io_mono_ns_ = 0;         // the last turn that had ready fds (see busy_poll_ns)

  absl::flat_hash_map<int, PollSource*> poll_sources_;  // fd -> source
  std::atomic<bool> stop_requested_{false};
  int caught_signal_ = 0;
};

}  // namespace na::net

#endif  // NATRIUM_NET_RUNTIME_RUNTIME_H_
