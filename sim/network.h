// Simulated TCP connections between clients and nodes.
//
// A Link is one TCP connection: two byte streams (client->node, node->client). Streams are FIFO
// and reliable while the link lives; bytes reach the receiver after the link's latency, always in
// pieces split at random boundaries. The node->client stream has a receive window: a node may
// write only while the bytes in flight plus those the client has not read fit in it, which is how
// a client that stops reading pushes back on the node's output buffer.
//
// Faults: resets (random, per write), failed dials, clogs (a link or a whole node holds its bytes
// until a deadline) and partitions (a client cut from a node in one or both directions until
// healed; held bytes are delivered after the heal, as TCP retransmission would). A crashed node's
// links reset.
//
// Ownership: the Network owns links; nodes and clients hold LinkIds. All callbacks run from
// events on the World's EventQueue, never reentrantly from the call that caused them.
#ifndef NATRIUM_SIM_NETWORK_H_
#define NATRIUM_SIM_NETWORK_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/strings/string_view.h"
#include "engine/base/random.h"
#include "engine/io/io.h"
#include "sim/check/coverage.h"
#include "sim/event_queue.h"
#include "sim/fault_plan.h"
#include "sim/trace.h"

namespace na::sim {

using LinkId = uint64_t;  // also the node's ConnId; never reused in a run

enum class Direction : uint8_t { kToNode, kToClient };

// The node end of links (SimNode). Calls come from queue events, never from inside a Network
// method the endpoint called.
class NodeEndpoint {
 public:
  virtual ~NodeEndpoint() = default;
  virtual bool up() const = 0;
  virtual void OnConnOpened(LinkId link) = 0;
  virtual void OnBytes(LinkId link, absl::string_view bytes) = 0;
  virtual void OnConnClosed(LinkId link, io::CloseCause cause) = 0;
  // The client read some bytes, so the window may have room again.
  virtual void OnWindowOpened(LinkId link) = 0;
};

// The client end of links (SimClient).
class ClientEndpoint {
 public:
  virtual ~ClientEndpoint() = default;
  // False while the client has stopped reading: bytes for it wait in the link.
  virtual bool reading() const = 0;
  virtual void OnBytes(LinkId link, absl::string_view bytes) = 0;
  virtual void OnClosed(LinkId link, bool reset) = 0;
  virtual void OnDialFailed() = 0;
};

class Network {
 public:
  Network(EventQueue& queue, Trace& trace, check::Coverage& coverage, Prng prng,
          const FaultPlan& plan);

  // Starts a connection from `client` to `node`. The node sees ConnOpened after the latency; on a
  // failed dial the client gets OnDialFailed() instead. Returns the new link, or 0 on failure.
  LinkId Dial(ClientEndpoint* client, int client_index, NodeEndpoint* node, int node_index);

  void ClientWrite(LinkId link, absl::string_view bytes);
  // Graceful: the node sees EOF after the bytes in flight. Abort: the node sees a reset.
  void ClientClose(LinkId link, bool abort);
  // Called when a client starts reading again after a pause.
  void ClientResumed(LinkId link);

  // Bytes the node may write now without overrunning the client's receive window.
  uint64_t WindowFree(LinkId link) const;
  void NodeWrite(LinkId link, absl::string_view bytes);
  void NodeClose(LinkId link, bool abort);
  // The node process died: every link resets and the clients notice after the latency.
  void NodeCrashed(int node_index);

  // Faults.
  void Clog(LinkId link, int64_t until_ns);
  void ClogNode(int node_index, int64_t until_ns);
  void Partition(int client_index, int node_index, bool to_node, bool to_client);
  void HealAll();
  void set_faults_enabled(bool on) { faults_enabled_ = on; }
  // Some live link, chosen by the network's PRNG, or 0 when there is none.
  LinkId RandomLink();

 private:
  struct Segment {
    int64_t arrival_ns;
    std::string bytes;
  };
  struct Stream {
    std::deque<Segment> segments;
    size_t head_offset = 0;
    uint64_t unread_bytes = 0;  // written, not yet read by the receiver
    int64_t last_arrival_ns = 0;
    bool fin = false;  // the sender closed after these bytes
    bool scheduled = false;
    bool parked = false;  // held by a partition or a receiver that does not read
  };
  struct Link {
    LinkId id = 0;
    ClientEndpoint* client = nullptr;
    int client_index = 0;
    NodeEndpoint* node = nullptr;
    int node_index = 0;
    int64_t latency_ns = 0;
    int64_t clog_until_ns = 0;
    Stream to_node;
    Stream to_client;
    // Each side is done once it closed the connection or was told it was closed. The link goes
    // away when both are.
    bool node_done = false;
    bool client_done = false;
  };

  Link* Find(LinkId id) const;
  Stream& StreamOf(Link& link, Direction dir) {
    return dir == Direction::kToNode ? link.to_node : link.to_client;
  }
  int64_t ArrivalFor(Link& link, Stream& stream);
  void Write(Link& link, Direction dir, absl::string_view bytes);
  void Schedule(Link& link, Direction dir, int64_t at_ns);
  void Deliver(LinkId id, Direction dir);
  // Returns the time the direction is held until (0 = open, INT64_MAX = until healed).
  int64_t HeldUntil(const Link& link, Direction dir) const;
  // Drops the link; the sides that are not done yet learn of the reset after the latency.
  void ResetLink(Link& link);
  void MaybeRandomReset(Link& link);
  void KickParked();

  EventQueue& queue_;
  Trace& trace_;
  check::Coverage& coverage_;
  Prng prng_;
  const FaultPlan& plan_;
  bool faults_enabled_ = true;
  LinkId next_link_ = 1;
  absl::btree_map<LinkId, std::unique_ptr<Link>> links_;
  absl::btree_map<int, int64_t> node_clog_until_ns_;
  // (client, node) -> (to_node blocked, to_client blocked)
  absl::btree_map<std::pair<int, int>, std::pair<bool, bool>> partitions_;
};

}  // namespace na::sim

#endif  // NATRIUM_SIM_NETWORK_H_
