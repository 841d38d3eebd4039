#include "sim/sim_node.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/base/check.h"
#include "sim/world.h"

namespace na::sim {
namespace {

// Virtual time 0 is this wall-clock instant (2024-01-01T00:00:00Z), so wall times look real.
constexpr int64_t kWallEpochNs = 1'704'067'200LL * 1'000'000'000LL;

}  // namespace

SimNode::SimNode(World& world, int index, Prng prng, node::Options options, EngineFactory factory,
                 int64_t clock_offset_ns, int64_t timer_late_max_ns)
    : world_(world),
      index_(index),
      prng_(prng),
      options_(std::move(options)),
      factory_(std::move(factory)),
      clock_offset_ns_(clock_offset_ns),
      timer_late_max_ns_(timer_late_max_ns) {}

void SimNode::Start() {
  NA_CHECK(engine_ == nullptr);
  const uint64_t seed = prng_.Next();
  world_.trace().Record(world_.now_ns(), "node_start", static_cast<uint64_t>(index_), seed, "");
  options_.start_wall_ns = kWallEpochNs + world_.now_ns() + clock_offset_ns_;
  engine_ = factory_(options_, seed);
}

void SimNode::Crash() {
  NA_CHECK(engine_ != nullptr);
  world_.trace().Record(world_.now_ns(), "node_crash", static_cast<uint64_t>(index_), 0, "");
  engine_.reset();
  ++epoch_;
  paused_ = false;
  held_.clear();
  conns_.clear();
  timers_.clear();
  world_.network().NodeCrashed(index_);
}

void SimNode::Pause() {
  if (!up() || paused_) return;
  world_.trace().Record(world_.now_ns(), "node_pause", static_cast<uint64_t>(index_), 0, "");
  paused_ = true;
}

void SimNode::Resume() {
  if (!paused_) return;
  world_.trace().Record(world_.now_ns(), "node_resume", static_cast<uint64_t>(index_), held_.size(),
                        "");
  paused_ = false;
  // A paused process cannot enforce a deadline; stall clocks restart when it runs again.
  for (auto& [id, conn] : conns_) {
    if (conn.stalled_since_ns >= 0) conn.stalled_since_ns = world_.now_ns();
  }
  std::vector<std::function<void()>> held;
  held.swap(held_);
  for (auto& fn : held) {
    if (!up() || paused_) break;  // a held input may not crash the node, but stay safe
    fn();
  }
}

void SimNode::Deliver(std::function<void()> fn) {
  if (!up()) return;
  if (paused_) {
    held_.push_back(std::move(fn));
    return;
  }
  fn();
}

void SimNode::Step(const io::Input& input) {
  NA_CHECK(!in_step_);
  NA_CHECK(engine_ != nullptr);
  const int64_t now = world_.now_ns();
  Trace& trace = world_.trace();
  if (const auto* open = std::get_if<io::ConnOpened>(&input)) {
    trace.Record(now, "in_open", open->conn, static_cast<uint64_t>(index_), "");
  } else if (const auto* bytes = std::get_if<io::BytesIn>(&input)) {
    trace.Record(now, "in_bytes", bytes->conn, bytes->bytes.size(), "");
  } else if (const auto* closed = std::get_if<io::ConnClosed>(&input)) {
    trace.Record(now, "in_closed", closed->conn, static_cast<uint64_t>(closed->cause), "");
  } else if (const auto* flushed = std::get_if<io::Flushed>(&input)) {
    trace.Record(now, "in_flushed", flushed->conn, flushed->bytes_written * 2 + flushed->drained,
                 "");
  } else if (const auto* timer = std::get_if<io::TimerFired>(&input)) {
    trace.Record(now, "in_timer", timer->timer, static_cast<uint64_t>(index_), "");
  }
  in_step_ = true;
  engine_->Step(io::Time{now, kWallEpochNs + now + clock_offset_ns_}, input, *this);
  in_step_ = false;
}

void SimNode::OnConnOpened(LinkId link) {
  const uint64_t epoch = epoch_;
  Deliver([this, link, epoch] {
    if (epoch != epoch_) return;
    conns_[link] = Conn{};
    io::ConnInfo info;
    info.kind = io::ConnKind::kClient;
    info.remote_ip = "10.0.0.2";
    info.remote_port = 32768 + static_cast<int>(link % 28000);
    Step(io::ConnOpened{link, info});
  });
}

void SimNode::OnBytes(LinkId link, absl::string_view bytes) {
  const uint64_t epoch = epoch_;
  Deliver([this, link, epoch, copy = std::string(bytes)] {
    auto it = conns_.find(link);
    if (epoch != epoch_ || it == conns_.end()) return;
    Conn& conn = it->second;
    // While paused, or while held bytes wait to go in first, arrivals queue behind them.
    if (conn.read_paused || !conn.held_in.empty()) {
      conn.held_in.append(copy);
      return;
    }
    Step(io::BytesIn{link, copy});
  });
}

void SimNode::OnConnClosed(LinkId link, io::CloseCause cause) {
  const uint64_t epoch = epoch_;
  Deliver([this, link, cause, epoch] {
    if (epoch != epoch_ || conns_.erase(link) == 0) return;
    Step(io::ConnClosed{link, cause});
  });
}

void SimNode::OnWindowOpened(LinkId link) {
  auto it = conns_.find(link);
  if (it != conns_.end() && !it->second.out.empty()) ScheduleFlush(link);
}

void SimNode::ScheduleFlush(LinkId link) {
  Conn& conn = conns_[link];
  if (conn.flush_scheduled) return;
  conn.flush_scheduled = true;
  const uint64_t epoch = epoch_;
  // The end of this loop turn: writes happen after the step that queued them, never inside it.
  world_.queue().After(0, [this, link, epoch] {
    if (epoch != epoch_) return;
    Deliver([this, link, epoch] {
      if (epoch == epoch_) Flush(link);
    });
  });
}

void SimNode::Flush(LinkId link) {
  auto it = conns_.find(link);
  if (it == conns_.end()) return;
  Conn& conn = it->second;
  conn.flush_scheduled = false;
  if (conn.out.empty()) return;
  const uint64_t n = std::min<uint64_t>(conn.out.size(), world_.network().WindowFree(link));
  if (n == 0) {
    // The first failed attempt of a stall is reported, as net/ does: the engine's write
    // deadline runs from it.
    if (conn.stalled_since_ns < 0) {
      conn.stalled_since_ns = world_.now_ns();
      Step(io::Flushed{link, 0, false});
    }
    return;
  }
  world_.network().NodeWrite(link, absl::string_view(conn.out).substr(0, n));
  conn.out.erase(0, n);
  const bool drained = conn.out.empty();
  conn.stalled_since_ns = -1;
  Step(io::Flushed{link, n, drained});
}

std::vector<LinkId> SimNode::StuckConnections(int64_t stuck_for_ns) const {
  std::vector<LinkId> stuck;
  if (!up() || paused_) return stuck;
  for (const auto& [id, conn] : conns_) {
    if (conn.stalled_since_ns >= 0 && world_.now_ns() - conn.stalled_since_ns > stuck_for_ns) {
      stuck.push_back(id);
    }
  }
  return stuck;
}

void SimNode::Send(io::ConnId conn, absl::string_view bytes) {
  world_.trace().Record(world_.now_ns(), "fx_send", conn, bytes.size(), bytes);
  auto it = conns_.find(conn);
  if (it == conns_.end()) return;  // the client is gone; the engine has not heard yet
  it->second.out.append(bytes.data(), bytes.size());
  ScheduleFlush(conn);
}

void SimNode::Close(io::ConnId conn, io::CloseMode mode) {
  world_.trace().Record(world_.now_ns(), "fx_close", conn, static_cast<uint64_t>(mode), "");
  auto it = conns_.find(conn);
  if (it == conns_.end()) return;
  if (mode == io::CloseMode::kAbort) world_.coverage().Hit("slow_consumer_cut");
  if (mode == io::CloseMode::kFlush) {
    // What is queued is written past the window, as the kernel would buffer it before the FIN.
    world_.network().NodeWrite(conn, it->second.out);
  }
  conns_.erase(it);
  world_.network().NodeClose(conn, /*abort=*/mode == io::CloseMode::kAbort);
}

void SimNode::ArmTimer(io::TimerId id, int64_t deadline_mono_ns) {
  world_.trace().Record(world_.now_ns(), "fx_arm", id, static_cast<uint64_t>(deadline_mono_ns), "");
  const uint64_t generation = ++timer_generation_;
  timers_[id] = generation;
  const uint64_t epoch = epoch_;
  const int64_t late = timer_late_max_ns_ > 0 ? prng_.Between(0, timer_late_max_ns_) : 0;
  world_.queue().At(deadline_mono_ns + late, [this, id, generation, epoch] {
    if (epoch != epoch_) return;
    Deliver([this, id, generation, epoch] {
      if (epoch != epoch_) return;
      auto it = timers_.find(id);
      if (it == timers_.end() || it->second != generation) return;
      timers_.erase(it);
      Step(io::TimerFired{id});
    });
  });
}

void SimNode::CancelTimer(io::TimerId id) {
  world_.trace().Record(world_.now_ns(), "fx_cancel", id, 0, "");
  timers_.erase(id);
}

void SimNode::PauseReading(io::ConnId conn, int64_t deadline_mono_ns) {
  world_.trace().Record(world_.now_ns(), "fx_pause_read", conn,
                        static_cast<uint64_t>(deadline_mono_ns), "");
  auto it = conns_.find(conn);
  if (it == conns_.end()) return;
  world_.coverage().Hit("publisher_stall");
  it->second.read_paused = true;
  const uint64_t generation = ++it->second.pause_generation;
  const uint64_t epoch = epoch_;
  world_.queue().At(deadline_mono_ns, [this, conn, generation, epoch] {
    if (epoch != epoch_) return;
    Deliver([this, conn, generation, epoch] {
      if (epoch != epoch_) return;
      auto it = conns_.find(conn);
      if (it == conns_.end() || !it->second.read_paused) return;
      if (it->second.pause_generation != generation) return;
      world_.trace().Record(world_.now_ns(), "pause_read_deadline", conn, 0, "");
      EndReadPause(conn);
    });
  });
}

void SimNode::ResumeReading(io::ConnId conn) {
  world_.trace().Record(world_.now_ns(), "fx_resume_read", conn, 0, "");
  auto it = conns_.find(conn);
  if (it == conns_.end() || !it->second.read_paused) return;
  EndReadPause(conn);
}

void SimNode::EndReadPause(LinkId link) {
  Conn& conn = conns_[link];
  conn.read_paused = false;
  ++conn.pause_generation;
  if (conn.held_in.empty() || conn.unhold_scheduled) return;
  conn.unhold_scheduled = true;
  const uint64_t epoch = epoch_;
  // Never inside the step that resumed it: the held bytes are a read of a later loop turn.
  world_.queue().After(0, [this, link, epoch] {
    if (epoch != epoch_) return;
    Deliver([this, link, epoch] {
      if (epoch != epoch_) return;
      auto it = conns_.find(link);
      if (it == conns_.end()) return;
      Conn& conn = it->second;
      conn.unhold_scheduled = false;
      if (conn.read_paused || conn.held_in.empty()) return;
      std::string held;
      held.swap(conn.held_in);
      Step(io::BytesIn{link, held});
    });
  });
}

void SimNode::Log(io::LogLevel level, absl::string_view message) {
  world_.trace().Record(world_.now_ns(), "fx_log", static_cast<uint64_t>(level), 0, message);
  world_.NodeLogged(index_, level, message);
}

}  // namespace na::sim
