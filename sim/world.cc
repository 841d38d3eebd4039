#include "sim/world.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/base/check.h"

namespace na::sim {
namespace {

constexpr int64_t kFaultTickNs = 100 * kMillisecond;
constexpr int64_t kCheckTickNs = kSecond;
constexpr int64_t kDrainMaxNs = 60 * kSecond;
// After faults stop, clients get this long to reconnect and resubscribe before liveness counts.
constexpr int64_t kLivenessSettleNs = 15 * kSecond;
constexpr int64_t kReplyBoundNs = 5 * kSecond;
constexpr int64_t kDeliveryBoundNs = 2 * kSecond;

}  // namespace

World::World(WorldOptions options)
    : options_(std::move(options)),
      root_(options_.seed),
      plan_([this] {
        Prng plan_prng = root_.Fork();
        return FaultPlan::Draw(options_.mode, plan_prng);
      }()),
      topology_(root_.Fork()),
      network_prng_(root_.Fork()),
      disk_(root_.Fork()),
      workload_(root_.Fork()),
      faults_(root_.Fork()) {
  NA_CHECK_GE(options_.nodes, 1);
  NA_CHECK_GE(options_.clients, 1);
  NA_CHECK(options_.engine_factory != nullptr);
  if (options_.trace_sink) trace_.set_sink(options_.trace_sink);
  network_ = std::make_unique<Network>(queue_, trace_, coverage_, network_prng_, plan_);
  end_ns_ = options_.duration_ns;
  quiet_ns_ = options_.mode == Mode::kLiveness ? options_.duration_ns / 2 : options_.duration_ns;
  canary_armed_ = options_.canary;

  for (int i = 0; i < options_.nodes; ++i) {
    node::Options node_options;
    node_options.server_name = absl::StrCat("n", i);
    node_options.port = 4222;
    node_options.max_payload_bytes = plan_.max_payload_bytes;
    node_options.max_pending_bytes = plan_.max_pending_bytes;
    node_options.write_deadline_ns = plan_.write_deadline_ns;
    node_options.ping_interval_ns = plan_.ping_interval_ns;
    node_options.ping_max = plan_.ping_max;
    node_options.disable_sublist_cache = plan_.disable_sublist_cache;
    const int64_t offset =
        plan_.clock_offset_max_ns > 0
            ? topology_.Between(-plan_.clock_offset_max_ns, plan_.clock_offset_max_ns)
            : 0;
    nodes_.push_back(std::make_unique<SimNode>(*this, i, root_.Fork(), std::move(node_options),
                                               options_.engine_factory, offset,
                                               plan_.timer_late_max_ns));
  }
  for (int i = 0; i < options_.clients; ++i) {
    ClientProfile p;
    // Client 0 always serves requests and client 1 always makes them, so that every run has
    // request/reply traffic for the liveness check.
    p.service = i == 0 || (i > 1 && topology_.Chance(1, 10));
    p.requester = i == 1 || (i > 1 && topology_.Chance(1, 5));
    p.publisher = topology_.Chance(3, 5);
    p.subscriber = i == 1 || topology_.Chance(3, 5);
    p.slow = !p.service && topology_.Chance(plan_.slow_client_percent, 100);
    p.flaky = topology_.Chance(plan_.flaky_client_percent, 100);
    p.act_interval_ns = topology_.Between(20, 200) * kMillisecond;
    clients_.push_back(std::make_unique<SimClient>(*this, i, workload_.Fork(), p));
  }
}

RunResult World::Run() {
  trace_.Record(0, "run", options_.seed, static_cast<uint64_t>(options_.mode), plan_.Describe());
  for (auto& node : nodes_) node->Start();
  for (auto& client : clients_) client->Start();
  queue_.At(kFaultTickNs, [this] { FaultTick(); });
  queue_.At(kCheckTickNs, [this] { CheckTick(); });
  if (quiet_ns_ < end_ns_) queue_.At(quiet_ns_, [this] { StopFaults(); });
  queue_.At(end_ns_, [this] { StartDrain(); });

  const int64_t deadline_ns = end_ns_ + kDrainMaxNs;
  int64_t next_drain_check_ns = end_ns_;
  while (queue_.RunNext(deadline_ns)) {
    if (queue_.now_ns() >= next_drain_check_ns) {
      if (AllDrained()) break;
      next_drain_check_ns = queue_.now_ns() + kFaultTickNs;
    }
  }
  FinalChecks();

  RunResult result;
  result.violations = checker_.violations();
  result.ok = result.violations.empty();
  result.trace_hash = trace_.hash();
  result.checkpoints = trace_.checkpoints();
  result.events = queue_.processed();
  result.trace_records = trace_.records();
  result.simulated_ns = queue_.now_ns();
  result.publishes = checker_.publishes();
  result.deliveries = checker_.deliveries();
  result.canary_drops = canary_drops_;
  result.exactly_once_subs = checker_.exactly_once_subs();
  result.owed_verified = checker_.owed_verified();
  result.coverage = coverage_;
  return result;
}

void World::CrashNode(SimNode& node) {
  coverage_.Hit("node_crash");
  node.Crash();
  const int64_t down_ns = faults_.Between(100 * kMillisecond, plan_.down_max_ns);
  SimNode* target = &node;
  queue_.After(down_ns, [this, target] {
    if (target->up()) return;
    coverage_.Hit("node_restart");
    target->Start();
  });
}

void World::FaultTick() {
  if (!faults_on_) return;
  queue_.After(kFaultTickNs, [this] { FaultTick(); });
  const int64_t now = now_ns();
  for (auto& node : nodes_) {
    if (!node->up()) continue;
    if (faults_.Chance(plan_.crash_per_10k_per_tick, 10000)) {
      CrashNode(*node);
    } else if (!node->paused() && plan_.pause_per_10k_per_tick > 0 &&
               faults_.Chance(plan_.pause_per_10k_per_tick, 10000)) {
      coverage_.Hit("node_pause");
      node->Pause();
      SimNode* target = node.get();
      queue_.After(faults_.Between(100 * kMillisecond, plan_.pause_max_ns),
                   [target] { target->Resume(); });
    } else if (plan_.clock_offset_max_ns > 0 && faults_.Chance(1, 600)) {
      node->set_clock_offset_ns(
          faults_.Between(-plan_.clock_offset_max_ns, plan_.clock_offset_max_ns));
    }
  }
  if (plan_.clog_per_mille_per_tick > 0 && faults_.Chance(plan_.clog_per_mille_per_tick, 1000)) {
    const int64_t until = now + faults_.Between(0, plan_.clog_max_ns);
    if (faults_.Chance(1, 5)) {
      network_->ClogNode(static_cast<int>(faults_.Below(nodes_.size())), until);
    } else if (LinkId link = network_->RandomLink(); link != 0) {
      network_->Clog(link, until);
    }
  }
  if (!partition_active_ && plan_.partition_per_mille_per_tick > 0 &&
      faults_.Chance(plan_.partition_per_mille_per_tick, 1000)) {
    partition_active_ = true;
    coverage_.Hit(plan_.partition_asymmetric ? "partition_asymmetric" : "partition");
    const int node = static_cast<int>(faults_.Below(nodes_.size()));
    bool any = false;
    for (size_t c = 0; c < clients_.size(); ++c) {
      if (!faults_.Chance(1, 3) && !(c + 1 == clients_.size() && !any)) continue;
      any = true;
      bool to_node = true;
      bool to_client = true;
      if (plan_.partition_asymmetric) {
        to_node = faults_.Chance(1, 2);
        to_client = !to_node;
      }
      network_->Partition(static_cast<int>(c), node, to_node, to_client);
    }
    queue_.After(faults_.Between(kSecond, plan_.partition_max_ns), [this] {
      if (!partition_active_) return;
      partition_active_ = false;
      network_->HealAll();
    });
  }
}

void World::CheckTick() {
  queue_.After(kCheckTickNs, [this] { CheckTick(); });
  // The engine must cut a connection whose output has not moved for write_deadline. Allow for
  // late timers and the ACK round trip before calling it a violation.
  const int64_t allowed_ns =
      plan_.write_deadline_ns + plan_.timer_late_max_ns + plan_.latency_max_ns * 2 + 2 * kSecond;
  for (auto& node : nodes_) {
    for (LinkId link : node->StuckConnections(allowed_ns)) {
      if (!stuck_reported_.insert(link).second) continue;
      checker_.Report("write_deadline_ignored",
                      absl::StrCat("node ", node->index(), " conn ", link,
                                   ": output stalled longer than write_deadline ",
                                   plan_.write_deadline_ns / kMillisecond, "ms and not cut"),
                      now_ns());
    }
  }
}

void World::StopFaults() {
  if (!faults_on_) return;
  faults_on_ = false;
  trace_.Record(now_ns(), "quiet", 0, 0, "");
  network_->set_faults_enabled(false);
  partition_active_ = false;
  network_->HealAll();
  for (auto& node : nodes_) {
    if (!node->up()) {
      coverage_.Hit("node_restart");
      node->Start();
    }
    node->Resume();
  }
  for (auto& client : clients_) client->StopFaults();
  if (options_.mode == Mode::kLiveness) {
    checker_.BoundLatency(quiet_ns_ + kLivenessSettleNs,
                          kDeliveryBoundNs + 2 * plan_.latency_max_ns);
  }
}

void World::StartDrain() {
  StopFaults();
  trace_.Record(now_ns(), "drain", 0, 0, "");
  for (auto& client : clients_) client->StartDrain();
}

bool World::AllDrained() const {
  for (const auto& client : clients_) {
    if (!client->drained()) return false;
  }
  return true;
}

void World::SessionLost(check::SessionId session) {
  checker_.SessionLost(session);
  if (options_.canary && !canary_armed_ &&
      (session == canary_sub_session_ || session == canary_pub_session_)) {
    canary_armed_ = true;  // the drop would be excused; plant another
  }
  if (options_.mode == Mode::kLiveness && now_ns() >= quiet_ns_ + kLivenessSettleNs) {
    checker_.Report("session_lost_when_quiet",
                    absl::StrCat("session ", session, " ended with no fault active"), now_ns());
  }
}

bool World::TakeCanary(check::SessionId session, check::SubId sub, check::MsgId msg) {
  if (!canary_armed_ || msg == 0 || msg > checker_.publishes()) return false;
  const check::SubRecord& s = checker_.sub(sub);
  const check::PublishRecord& p = checker_.publish(msg);
  if (!s.queue.empty() || s.max_msgs >= 0 || s.confirmed_ns == check::kNever ||
      p.sent_ns <= s.confirmed_ns || s.unsub_sent_ns != check::kNever || p.oversize) {
    return false;
  }
  canary_armed_ = false;
  ++canary_drops_;
  canary_sub_session_ = session;
  canary_pub_session_ = p.session;
  trace_.Record(now_ns(), "canary_drop", sub, msg, "");
  return true;
}

void World::NodeLogged(int node, io::LogLevel level, absl::string_view message) {
  // Which limit cut a slow consumer shows only in the log line (nats-server's wording).
  if (absl::StrContains(message, "Slow Consumer Detected: MaxPending")) {
    coverage_.Hit("slow_consumer_max_pending");
  } else if (absl::StrContains(message, "Slow Consumer Detected: WriteDeadline")) {
    coverage_.Hit("slow_consumer_write_deadline");
  }
  if (level == io::LogLevel::kFatal) {
    checker_.Report("node_fatal", absl::StrCat("node ", node, ": ", message), now_ns());
  }
}

void World::FinalChecks() {
  const bool drained = AllDrained();
  if (!drained) {
    for (const auto& client : clients_) {
      if (client->drained()) continue;
      // Only liveness mode promises that every client gets through; in the other modes a client
      // may legitimately still be locked out (say, redialing a node that keeps crashing).
      if (options_.mode == Mode::kLiveness) {
        checker_.Report("not_converged",
                        absl::StrCat("client ", client->index(), " never confirmed the drain"),
                        now_ns());
      }
    }
  }
  if (options_.mode == Mode::kLiveness) {
    for (const auto& client : clients_) {
      std::string missing = client->FirstUnansweredRequest(quiet_ns_ + kLivenessSettleNs,
                                                           end_ns_ - kReplyBoundNs, kReplyBoundNs);
      if (!missing.empty()) checker_.Report("no_reply", std::move(missing), now_ns());
    }
  }
  checker_.Finish();
}

}  // namespace na::sim
