#include "sim/network.h"

#include <limits>

#include "engine/base/check.h"

namespace na::sim {
namespace {

constexpr int64_t kHealed = 0;
constexpr int64_t kUntilHealed = std::numeric_limits<int64_t>::max();
// A dial into a partition or a dead node fails after this long (a connect timeout).
constexpr int64_t kDialTimeoutNs = 2 * kSecond;
constexpr int64_t kTailLatencyMaxNs = 100 * kMillisecond;

}  // namespace

Network::Network(EventQueue& queue, Trace& trace, check::Coverage& coverage, Prng prng,
                 const FaultPlan& plan)
    : queue_(queue), trace_(trace), coverage_(coverage), prng_(prng), plan_(plan) {}

Network::Link* Network::Find(LinkId id) const {
  auto it = links_.find(id);
  return it == links_.end() ? nullptr : it->second.get();
}

LinkId Network::Dial(ClientEndpoint* client, int client_index, NodeEndpoint* node, int node_index) {
  const int64_t latency_ns = prng_.Between(plan_.latency_min_ns, plan_.latency_max_ns);
  auto part = partitions_.find({client_index, node_index});
  const bool cut = part != partitions_.end() && (part->second.first || part->second.second);
  const bool unlucky = faults_enabled_ && prng_.Chance(plan_.dial_fail_percent, 100);
  if (!node->up() || cut || unlucky) {
    if (unlucky) coverage_.Hit("dial_failed");
    trace_.Record(queue_.now_ns(), "dial_fail", static_cast<uint64_t>(client_index),
                  static_cast<uint64_t>(node_index), "");
    queue_.After(cut ? kDialTimeoutNs : 2 * latency_ns, [client] { client->OnDialFailed(); });
    return 0;
  }
  auto link = std::make_unique<Link>();
  link->id = next_link_++;
  link->client = client;
  link->client_index = client_index;
  link->node = node;
  link->node_index = node_index;
  link->latency_ns = latency_ns;
  const LinkId id = link->id;
  links_[id] = std::move(link);
  trace_.Record(queue_.now_ns(), "dial", static_cast<uint64_t>(client_index), id, "");
  queue_.After(latency_ns, [this, node, id] {
    if (Find(id) != nullptr) node->OnConnOpened(id);
  });
  return id;
}

int64_t Network::ArrivalFor(Link& link, Stream& stream) {
  int64_t delay = link.latency_ns + prng_.Between(0, link.latency_ns / 10);
  if (faults_enabled_ && plan_.tail_latency_per_mille > 0 &&
      prng_.Chance(plan_.tail_latency_per_mille, 1000)) {
    delay += prng_.Between(0, kTailLatencyMaxNs);
  }
  int64_t arrival = queue_.now_ns() + delay;
  if (arrival < stream.last_arrival_ns) arrival = stream.last_arrival_ns;
  stream.last_arrival_ns = arrival;
  return arrival;
}

void Network::MaybeRandomReset(Link& link) {
  if (!faults_enabled_ || plan_.reset_per_million_writes == 0) return;
  if (!prng_.Chance(plan_.reset_per_million_writes, 1'000'000)) return;
  coverage_.Hit("connection_reset");
  ResetLink(link);
}

void Network::Write(Link& link, Direction dir, absl::string_view bytes) {
  Stream& s = StreamOf(link, dir);
  if (s.fin || bytes.empty()) return;
  s.segments.push_back(Segment{ArrivalFor(link, s), std::string(bytes)});
  s.unread_bytes += bytes.size();
  if (!s.parked) Schedule(link, dir, s.segments.front().arrival_ns);
}

void Network::Schedule(Link& link, Direction dir, int64_t at_ns) {
  Stream& s = StreamOf(link, dir);
  if (s.scheduled) return;
  s.scheduled = true;
  const LinkId id = link.id;
  queue_.At(at_ns, [this, id, dir] { Deliver(id, dir); });
}

int64_t Network::HeldUntil(const Link& link, Direction dir) const {
  auto part = partitions_.find({link.client_index, link.node_index});
  if (part != partitions_.end()) {
    if (dir == Direction::kToNode && part->second.first) return kUntilHealed;
    if (dir == Direction::kToClient && part->second.second) return kUntilHealed;
  }
  int64_t until = link.clog_until_ns;
  auto clog = node_clog_until_ns_.find(link.node_index);
  if (clog != node_clog_until_ns_.end() && clog->second > until) until = clog->second;
  return until > queue_.now_ns() ? until : kHealed;
}

void Network::Deliver(LinkId id, Direction dir) {
  Link* link = Find(id);
  if (link == nullptr) return;
  Stream& s = StreamOf(*link, dir);
  s.scheduled = false;
  const int64_t now = queue_.now_ns();
  const int64_t held = HeldUntil(*link, dir);
  if (held == kUntilHealed) {
    s.parked = true;
    return;
  }
  if (held != kHealed) {
    Schedule(*link, dir, held);
    return;
  }
  if (s.segments.empty()) {
    if (!s.fin) return;
    // Everything before the FIN has been read: the receiver sees end of stream.
    trace_.Record(now, dir == Direction::kToNode ? "eof>node" : "eof>client", id, 0, "");
    s.fin = false;
    if (dir == Direction::kToNode) {
      const bool tell = !link->node_done;
      link->node_done = true;
      NodeEndpoint* node = link->node;
      if (link->client_done) links_.erase(id);
      if (tell) node->OnConnClosed(id, io::CloseCause::kEof);
    } else {
      const bool tell = !link->client_done;
      link->client_done = true;
      ClientEndpoint* client = link->client;
      if (link->node_done) links_.erase(id);
      if (tell) client->OnClosed(id, /*reset=*/false);
    }
    return;
  }
  // Bytes for a client that already closed its socket: its kernel answers with a reset, which is
  // how the node learns of a close whose FIN is stuck behind a partition.
  if (dir == Direction::kToClient && link->client_done) {
    ResetLink(*link);
    return;
  }
  // Bytes for a node that closed gracefully are dropped (lingering close), so that the client
  // still reads the -ERR and the FIN the node sent before.
  if (dir == Direction::kToNode && link->node_done) {
    s.segments.clear();
    s.head_offset = 0;
    s.unread_bytes = 0;
    return;
  }
  if (dir == Direction::kToClient && !link->client->reading()) {
    s.parked = true;
    return;
  }
  // Take a random prefix of what has arrived: the receiver must cope with any split.
  uint64_t arrived = 0;
  for (size_t i = 0; i < s.segments.size() && s.segments[i].arrival_ns <= now; ++i) {
    arrived += s.segments[i].bytes.size() - (i == 0 ? s.head_offset : 0);
  }
  if (arrived == 0) {
    Schedule(*link, dir, s.segments.front().arrival_ns);
    return;
  }
  uint64_t take = prng_.Chance(1, 2) ? arrived : prng_.Below(arrived) + 1;
  std::string chunk;
  chunk.reserve(take);
  while (take > 0) {
    Segment& head = s.segments.front();
    const uint64_t n = std::min<uint64_t>(take, head.bytes.size() - s.head_offset);
    chunk.append(head.bytes, s.head_offset, n);
    s.head_offset += n;
    take -= n;
    if (s.head_offset == head.bytes.size()) {
      s.segments.pop_front();
      s.head_offset = 0;
    }
  }
  s.unread_bytes -= chunk.size();
  const bool more = !s.segments.empty() || s.fin;
  const int64_t next_ns =
      s.segments.empty() ? now
                         : std::max(now + prng_.Between(0, 20'000), s.segments.front().arrival_ns);
  if (more) Schedule(*link, dir, next_ns);
  trace_.Record(now, dir == Direction::kToNode ? "bytes>node" : "bytes>client", id, 0, chunk);
  if (dir == Direction::kToNode) {
    link->node->OnBytes(id, chunk);
  } else {
    NodeEndpoint* node = link->node;
    const int64_t ack_ns = link->latency_ns;
    link->client->OnBytes(id, chunk);
    // The client's reads open the window; the node learns it one latency later (the ACK).
    queue_.After(ack_ns, [node, id] { node->OnWindowOpened(id); });
  }
}

void Network::ClientWrite(LinkId id, absl::string_view bytes) {
  Link* link = Find(id);
  if (link == nullptr) return;
  MaybeRandomReset(*link);
  link = Find(id);
  if (link == nullptr) return;
  Write(*link, Direction::kToNode, bytes);
}

void Network::ClientClose(LinkId id, bool abort) {
  Link* link = Find(id);
  if (link == nullptr) return;
  trace_.Record(queue_.now_ns(), abort ? "client_rst" : "client_fin", id, 0, "");
  link->client_done = true;
  if (abort) {
    ResetLink(*link);
    return;
  }
  // The client stops reading: what is in flight to it is discarded.
  link->to_client.segments.clear();
  link->to_client.head_offset = 0;
  link->to_client.unread_bytes = 0;
  link->to_node.fin = true;
  if (!link->to_node.parked) Schedule(*link, Direction::kToNode, queue_.now_ns());
}

void Network::ClientResumed(LinkId id) {
  Link* link = Find(id);
  if (link == nullptr) return;
  if (link->to_client.parked) {
    link->to_client.parked = false;
    Schedule(*link, Direction::kToClient, queue_.now_ns());
  }
}

uint64_t Network::WindowFree(LinkId id) const {
  Link* link = Find(id);
  if (link == nullptr || link->node_done) return 0;
  const uint64_t window = static_cast<uint64_t>(plan_.socket_window_bytes);
  return link->to_client.unread_bytes >= window ? 0 : window - link->to_client.unread_bytes;
}

void Network::NodeWrite(LinkId id, absl::string_view bytes) {
  Link* link = Find(id);
  if (link == nullptr) return;
  MaybeRandomReset(*link);
  link = Find(id);
  if (link == nullptr) return;
  Write(*link, Direction::kToClient, bytes);
}

void Network::NodeClose(LinkId id, bool abort) {
  Link* link = Find(id);
  if (link == nullptr) return;
  trace_.Record(queue_.now_ns(), abort ? "node_rst" : "node_fin", id, 0, "");
  link->node_done = true;
  if (abort) {
    ResetLink(*link);
    return;
  }
  // The node has forgotten the connection: what the client still sends goes nowhere.
  link->to_node.segments.clear();
  link->to_node.head_offset = 0;
  link->to_node.unread_bytes = 0;
  link->to_node.fin = false;
  link->to_client.fin = true;
  if (!link->to_client.parked) Schedule(*link, Direction::kToClient, queue_.now_ns());
}

void Network::ResetLink(Link& link) {
  const LinkId id = link.id;
  NodeEndpoint* node = link.node;
  ClientEndpoint* client = link.client;
  const int64_t latency = link.latency_ns;
  const bool notify_node = !link.node_done;
  const bool notify_client = !link.client_done;
  trace_.Record(queue_.now_ns(), "reset", id, (notify_node ? 1 : 0) | (notify_client ? 2 : 0), "");
  links_.erase(id);
  if (notify_node) {
    queue_.After(latency, [node, id] { node->OnConnClosed(id, io::CloseCause::kReset); });
  }
  if (notify_client) {
    queue_.After(latency, [client, id] { client->OnClosed(id, /*reset=*/true); });
  }
}

void Network::NodeCrashed(int node_index) {
  std::vector<LinkId> doomed;
  for (const auto& [id, link] : links_) {
    if (link->node_index == node_index) doomed.push_back(id);
  }
  for (LinkId id : doomed) {
    Link* link = Find(id);
    link->node_done = true;  // the process is gone; only the client can still hear of it
    ResetLink(*link);
  }
}

void Network::Clog(LinkId id, int64_t until_ns) {
  Link* link = Find(id);
  if (link == nullptr) return;
  coverage_.Hit("link_clogged");
  trace_.Record(queue_.now_ns(), "clog", id, static_cast<uint64_t>(until_ns), "");
  if (until_ns > link->clog_until_ns) link->clog_until_ns = until_ns;
}

void Network::ClogNode(int node_index, int64_t until_ns) {
  coverage_.Hit("link_clogged");
  trace_.Record(queue_.now_ns(), "clog_node", static_cast<uint64_t>(node_index),
                static_cast<uint64_t>(until_ns), "");
  int64_t& until = node_clog_until_ns_[node_index];
  if (until_ns > until) until = until_ns;
}

void Network::Partition(int client_index, int node_index, bool to_node, bool to_client) {
  trace_.Record(queue_.now_ns(), "partition", static_cast<uint64_t>(client_index),
                static_cast<uint64_t>(node_index) * 4 + (to_node ? 1 : 0) + (to_client ? 2 : 0),
                "");
  partitions_[{client_index, node_index}] = {to_node, to_client};
}

void Network::HealAll() {
  trace_.Record(queue_.now_ns(), "heal", 0, 0, "");
  partitions_.clear();
  KickParked();
}

void Network::KickParked() {
  for (auto& [id, link] : links_) {
    for (Direction dir : {Direction::kToNode, Direction::kToClient}) {
      Stream& s = StreamOf(*link, dir);
      if (s.parked) {
        s.parked = false;
        Schedule(*link, dir, queue_.now_ns());
      }
    }
  }
}

LinkId Network::RandomLink() {
  if (links_.empty()) return 0;
  auto it = links_.begin();
  std::advance(it, static_cast<long>(prng_.Below(links_.size())));
  return it->first;
}

}  // namespace na::sim
