// One server process in the simulation: an unmodified engine behind simulated I/O.
//
// SimNode implements io::Effects for its engine. Send() appends to a per-connection output
// buffer; at the end of the step the node "writes" as much as the client's receive window allows
// and reports it back with a Flushed input, so back pressure and slow-consumer decisions happen
// inside the engine exactly as on real sockets. Timers are events on the World's queue, late by
// a per-seed skew. The wall clock carries a per-node offset; the monotonic clock is exact.
//
// Faults: Crash() drops the engine, its timers and its connections; Restart() builds a fresh
// engine from the same Options and a new seed; Pause() holds every input (bytes, timers,
// closes) until Resume(), while virtual time keeps running.
#ifndef NATRIUM_SIM_SIM_NODE_H_
#define NATRIUM_SIM_SIM_NODE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "engine/base/random.h"
#include "engine/io/io.h"
#include "engine/node/options.h"
#include "sim/network.h"

namespace na::sim {

class World;

// Builds an engine for a node. The simulator never knows the concrete type.
using EngineFactory =
    std::function<std::unique_ptr<io::Engine>(const node::Options& options, uint64_t seed)>;

class SimNode : public io::Effects, public NodeEndpoint {
 public:
  SimNode(World& world, int index, Prng prng, node::Options options, EngineFactory factory,
          int64_t clock_offset_ns, int64_t timer_late_max_ns);

  int index() const { return index_; }
  bool up() const override { return engine_ != nullptr; }
  bool paused() const { return paused_; }

  // Called by the Network.
  void OnConnOpened(LinkId link) override;
  void OnBytes(LinkId link, absl::string_view bytes) override;
  void OnConnClosed(LinkId link, io::CloseCause cause) override;
  void OnWindowOpened(LinkId link) override;

  // Faults.
  void Start();
  void Crash();
  void Pause();
  void Resume();
  void set_clock_offset_ns(int64_t offset_ns) { clock_offset_ns_ = offset_ns; }

  // A connection whose output has made no progress for longer than this, while the node ran,
  // was not cut by the write deadline; the World reports it.
  std::vector<LinkId> StuckConnections(int64_t stuck_for_ns) const;

  // io::Effects.
  void Send(io::ConnId conn, absl::string_view bytes) override;
  void Close(io::ConnId conn, io::CloseMode mode) override;
  void ArmTimer(io::TimerId id, int64_t deadline_mono_ns) override;
  void CancelTimer(io::TimerId id) override;
  void PauseReading(io::ConnId conn, int64_t deadline_mono_ns) override;
  void ResumeReading(io::ConnId conn) override;
  void Log(io::LogLevel level, absl::string_view message) override;

 private:
  struct Conn {
    std::string out;  // queued by Send, not yet written to the link
    bool flush_scheduled = false;
    int64_t stalled_since_ns = -1;  // output waiting with a full window since then
    // PauseReading: bytes that arrive wait in held_in (the socket buffer) until the pause ends;
    // each pause has a generation so that an old deadline event cannot end a newer pause.
    bool read_paused = false;
    uint64_t pause_generation = 0;
    bool unhold_scheduled = false;
    std::string held_in;
  };

  void Step(const io::Input& input);
  // Runs `fn` now, or after Resume() if paused. Inputs to a dead engine are dropped.
  void Deliver(std::function<void()> fn);
  void ScheduleFlush(LinkId link);
  void Flush(LinkId link);
  // Ends a pause: held bytes go to the engine in a step of their own, at the end of this turn.
  void EndReadPause(LinkId link);

  World& world_;
  int index_;
  Prng prng_;
  node::Options options_;
  EngineFactory factory_;
  int64_t clock_offset_ns_;
  int64_t timer_late_max_ns_;
  std::unique_ptr<io::Engine> engine_;
  uint64_t epoch_ = 0;  // bumped on crash: events of the old engine find a different epoch
  bool paused_ = false;
  bool in_step_ = false;
  std::vector<std::function<void()>> held_;
  absl::btree_map<LinkId, Conn> conns_;
  absl::btree_map<io::TimerId, uint64_t> timers_;  // id -> generation
  uint64_t timer_generation_ = 0;
};

}  // namespace na::sim

#endif  // NATRIUM_SIM_SIM_NODE_H_
