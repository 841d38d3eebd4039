// One seeded simulation run: nodes, network, clients, faults, checkers and the trace hash.
//
// Everything random descends from one root Prng(seed) through Fork(), in a fixed order: the
// fault plan, topology, network, disk (reserved for the store), workload, faults, then one stream
// per node. Adding draws in one subsystem therefore never shifts another's.
//
// A run has three phases:
//   faults     [0, quiet)        the plan's faults at its rates (lite: crashes only)
//   quiet      [quiet, end)      liveness mode only: no faults; requests must be answered
//   drain      [end, end + 60 s) no new work; every client reads up and confirms with a PING
// then the RoutingChecker's end-of-run checks. Online checks run at every delivery.
#ifndef NATRIUM_SIM_WORLD_H_
#define NATRIUM_SIM_WORLD_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/btree_set.h"
#include "absl/strings/string_view.h"
#include "engine/base/random.h"
#include "engine/io/io.h"
#include "sim/check/coverage.h"
#include "sim/check/history.h"
#include "sim/check/routing_checker.h"
#include "sim/event_queue.h"
#include "sim/fault_plan.h"
#include "sim/network.h"
#include "sim/sim_client.h"
#include "sim/sim_node.h"
#include "sim/trace.h"

namespace na::sim {

struct WorldOptions {
  uint64_t seed = 0;
  Mode mode = Mode::kSafety;
  int64_t duration_ns = 60 * kSecond;
  int nodes = 1;
  int clients = 20;
  // Drop one delivery behind the checker's back: a fault outside the model that the checkers
  // must report.
  bool canary = false;
  EngineFactory engine_factory;
  Trace::Sink trace_sink;  // --trace events
};

struct RunResult {
  bool ok = true;
  std::vector<check::Violation> violations;
  uint64_t trace_hash = 0;
  std::vector<uint64_t> checkpoints;
  uint64_t events = 0;
  uint64_t trace_records = 0;
  int64_t simulated_ns = 0;
  uint64_t publishes = 0;
  uint64_t deliveries = 0;
  uint64_t canary_drops = 0;
  uint64_t exactly_once_subs = 0;
  uint64_t owed_verified = 0;
  check::Coverage coverage;
};

class World {
 public:
  explicit World(WorldOptions options);
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  const FaultPlan& plan() const { return plan_; }
  RunResult Run();

  // For nodes, clients and the network.
  EventQueue& queue() { return queue_; }
  Trace& trace() { return trace_; }
  check::Coverage& coverage() { return coverage_; }
  check::RoutingChecker& checker() { return checker_; }
  Network& network() { return *network_; }
  int64_t now_ns() const { return queue_.now_ns(); }
  size_t node_count() const { return nodes_.size(); }
  SimNode& node(int index) { return *nodes_[static_cast<size_t>(index)]; }

  void SessionLost(check::SessionId session);
  // True when the canary takes this delivery (the client then drops it unrecorded).
  bool TakeCanary(check::SessionId session, check::SubId sub, check::MsgId msg);
  void NodeLogged(int node, io::LogLevel level, absl::string_view message);

 private:
  void FaultTick();
  void CheckTick();
  void CrashNode(SimNode& node);
  void StopFaults();
  void StartDrain();
  bool AllDrained() const;
  void FinalChecks();

  WorldOptions options_;
  Prng root_;
  FaultPlan plan_;
  Prng topology_;
  Prng network_prng_;
  Prng disk_;
  Prng workload_;
  Prng faults_;
  EventQueue queue_;
  Trace trace_;
  check::Coverage coverage_;
  check::RoutingChecker checker_;
  std::unique_ptr<Network> network_;
  std::vector<std::unique_ptr<SimNode>> nodes_;
  std::vector<std::unique_ptr<SimClient>> clients_;

  int64_t quiet_ns_ = 0;
  int64_t end_ns_ = 0;
  bool faults_on_ = true;
  bool partition_active_ = false;
  absl::btree_set<LinkId> stuck_reported_;

  bool canary_armed_ = false;
  uint64_t canary_drops_ = 0;
  check::SessionId canary_sub_session_ = 0;
  check::SessionId canary_pub_session_ = 0;
};

}  // namespace na::sim

#endif  // NATRIUM_SIM_WORLD_H_
