// Node: one NATS server's engine. It owns the client connections (by io::ConnId), the sublist,
// the node-wide counters, the PRNG and the server id, and is the only object a runtime drives.
//
//   Node node(options, seed);
//   node.Step(now, io::BytesIn{conn, bytes}, effects);   // from net/ or sim/
//
// Determinism: the same options, seed and (Time, Input) sequence give the same effects. The PRNG
// decides the server id, the first-PING jitter and queue-member choice; connections are kept in
// ordered maps so that shutdown and listings do not depend on hash seeds.
//
// Threading: none. Accessors may be called between Steps by the thread that runs Step.
#ifndef NATRIUM_ENGINE_NODE_NODE_H_
#define NATRIUM_ENGINE_NODE_NODE_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "engine/auth/authenticator.h"
#include "engine/base/random.h"
#include "engine/client/client.h"
#include "engine/client/client_host.h"
#include "engine/io/io.h"
#include "engine/node/conn_snapshot.h"
#include "engine/node/node_counters.h"
#include "engine/node/options.h"
#include "engine/subject/sublist.h"

namespace na::node {

// The "version" this server reports in INFO and /varz, and the "go" field (build info).
inline constexpr char kServerVersion[] = "2.9.10";
inline constexpr char kServerBuild[] = "natrium 0.1.0";

class Node final : public io::Engine, private client::ClientHost {
 public:
  Node(Options options, uint64_t seed);
  ~Node() override;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  void Step(const io::Time& now, const io::Input& input, io::Effects& effects) override;

  // Closes every client connection (reason "Server Shutdown") and refuses new ones from then on.
  // The runtime calls it, then stops after the flushes it chooses to wait for.
  void Shutdown(const io::Time& now, io::Effects& effects);
  bool shutting_down() const { return shutting_down_; }

  // The port clients reach, once the runtime has bound it: with options.port -1 ("any free
  // port") the runtime learns it only after the Node exists. INFO and options().port report it
  // from then on, as the reference does once it listens. Call between Steps.
  void SetClientPort(int port);

  // Lame duck mode; server/ drives the schedule (grace period, spread closes) and closes the
  // listener. Sends the INFO with "ldm":true to every client that takes async INFO (protocol 1,
  // CONNECT and first PING answered), as the reference does on entering the mode.
  void EnterLameDuckMode(const io::Time& now, io::Effects& effects);
  bool lame_duck() const { return lame_duck_; }
  // Open client connections, in cid order.
  std::vector<io::ConnId> ClientConns() const;
  // Closes one client with reason "Server Shutdown" (lame duck's spread closes). No-op when it
  // is gone already.
  void CloseClient(const io::Time& now, io::ConnId conn, io::Effects& effects);

  // Config reload, in the reference's two steps. Reload takes the new options (server/ has
  // already refused what cannot change; the port stays the bound one) for the INFO, new clients
  // and every open client's limits, and closes the newest clients beyond a lowered
  // max_connections (logging "Closed N connections to fall within max_connections").
  // RecheckClientsAfterReload then re-authenticates open clients, which lose the subscriptions
  // their new permissions refuse (Client::OnReload).
  void Reload(Options options, const io::Time& now, io::Effects& effects);
  void RecheckClientsAfterReload(const io::Time& now, io::Effects& effects);

  const NodeCounters& counters() const { return counters_; }
  const std::string& server_id() const { return server_id_; }
  // options().server_name, or the server id when that is empty.
  const std::string& server_name() const { return server_name_; }
  const Options& options() const override { return options_; }
  subject::Sublist& sublist() override { return sublist_; }
  // The wall time the node counts as its start: options.start_wall_ns, else the first Step's.
  int64_t start_wall_ns() const { return start_wall_ns_; }
  size_t num_connections() const { return clients_.size(); }

  // Open connections in cid order, and the most recent closed ones (oldest first, at most
  // limits::kClosedConnectionsKept). Either pointer may be null.
  void ListConnections(std::vector<ConnSnapshot>* open, std::vector<ConnSnapshot>* closed) const;

 private:
  // client::ClientHost
  const auth::Authenticator& authenticator() const override { return *authenticator_; }
  Prng& prng() override { return prng_; }
  NodeCounters& mutable_counters() override { return counters_; }
  io::Effects& effects() override { return *effects_; }
  const io::Time& now() const override { return now_; }
  std::string ClientInfo(uint64_t cid, absl::string_view client_ip) const override;
  void RetireSubscription(std::unique_ptr<subject::Subscription> sub) override;
  void BeginDelivery() override { ++delivery_depth_; }
  void EndDelivery() override;
  void OnClientClosed(client::Client* client) override;
  client::Client* FindClient(io::ConnId conn) override { return Find(conn); }
  int& open_stall_gates() override { return open_stall_gates_; }

  // INFO JSON up to and including "max_payload":N (and "jetstream"), without the closing brace.
  void BuildInfoPrefix();
  void OnConnOpened(const io::ConnOpened& in);
  client::Client* Find(io::ConnId conn);
  void ReapClosed();

  Options options_;
  Prng prng_;
  std::string server_id_;
  std::string server_name_;
  std::string info_prefix_;  // INFO JSON up to and including "max_payload":N,
  std::unique_ptr<auth::Authenticator> authenticator_;
  subject::Sublist sublist_;
  NodeCounters counters_;
  int64_t start_wall_ns_ = 0;
  bool shutting_down_ = false;
  bool lame_duck_ = false;

  absl::btree_map<io::ConnId, std::unique_ptr<client::Client>> clients_;
  std::vector<io::ConnId> closed_this_step_;
  std::deque<ConnSnapshot> closed_ring_;

  int delivery_depth_ = 0;
  int open_stall_gates_ = 0;
  std::vector<std::unique_ptr<subject::Subscription>> retired_subs_;

  // Valid during Step only.
  io::Effects* effects_ = nullptr;
  io::Time now_;
};

}  // namespace na::node

#endif  // NATRIUM_ENGINE_NODE_NODE_H_
