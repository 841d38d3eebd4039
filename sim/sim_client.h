// A simulated NATS client: a deterministic state machine speaking the real client protocol.
//
// It dials a node, waits for INFO, sends CONNECT {"verbose":false,"headers":true,
// "no_responders":true,...} and PING, and is ready when the PONG comes back. Then, driven by its
// own PRNG and its profile, it publishes (PUB and HPUB), subscribes with wildcards and queue
// groups, unsubscribes (also with a limit), sends requests and answers them as a service, stops
// reading for a while (a slow consumer), and drops its connection and redials (flaky). Every
// batch of operations is followed by a PING; the PONG confirms them.
//
// Everything it sends, sees confirmed and receives goes to the World's RoutingChecker, and the
// protocol itself is checked too: a byte the parser rejects, a +OK after verbose=false, a MSG for
// a sid never used, or an unexpected -ERR is a violation.
#ifndef NATRIUM_SIM_SIM_CLIENT_H_
#define NATRIUM_SIM_SIM_CLIENT_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/strings/string_view.h"
#include "engine/base/random.h"
#include "sim/check/history.h"
#include "sim/network.h"
#include "sim/server_stream_parser.h"

namespace na::sim {

class World;

struct ClientProfile {
  bool publisher = false;
  bool subscriber = false;
  bool service = false;    // a queue subscriber on svc.* that answers every request
  bool requester = false;  // sends requests on svc.<n> and waits for replies
  bool slow = false;       // sometimes stops reading
  bool flaky = false;      // sometimes drops its connection and redials
  int64_t act_interval_ns = 0;
};

class SimClient : public ServerOpHandler, public ClientEndpoint {
 public:
  SimClient(World& world, int index, Prng prng, ClientProfile profile);

  int index() const { return index_; }
  const ClientProfile& profile() const { return profile_; }
  bool reading() const override { return reading_; }
  bool drained() const { return drained_; }

  void Start();
  // The quiet phase (liveness mode, and the drain): no more pauses, drops or oversize payloads.
  void StopFaults();
  // The drain: no more workload; read everything, then confirm with one last PING.
  void StartDrain();

  // Liveness: requests sent in [since_ns, until_ns) must be answered within `bound_ns`.
  // Returns a description of the first unanswered one, or "" when all were answered.
  std::string FirstUnansweredRequest(int64_t since_ns, int64_t until_ns, int64_t bound_ns) const;

  // Called by the Network.
  void OnBytes(LinkId link, absl::string_view bytes) override;
  void OnClosed(LinkId link, bool reset) override;
  void OnDialFailed() override;

  // ServerOpHandler.
  void OnInfo(absl::string_view json) override;
  void OnMsg(const ServerMsg& msg) override;
  void OnPing() override;
  void OnPong() override;
  void OnOk() override;
  void OnErr(absl::string_view text) override;

 private:
  enum class State : uint8_t { kIdle, kAwaitInfo, kAwaitConnectPong, kReady };
  enum class OpKind : uint8_t { kPub, kSub, kUnsub };
  struct PendingOp {
    OpKind kind;
    uint64_t id;
  };
  struct PingEntry {
    int64_t sent_ns = 0;
    bool handshake = false;
    bool final = false;
    std::vector<PendingOp> ops;
  };
  enum class SubRole : uint8_t { kPlain, kService, kInbox };
  struct ActiveSub {
    check::SubId id = 0;
    std::string filter;
    std::string queue;
    int64_t max_msgs = -1;
    SubRole role = SubRole::kPlain;
    bool desired = false;  // re-created after a reconnect
    bool unsubscribed = false;
  };
  struct Request {
    int64_t sent_ns = 0;
    int64_t replied_ns = -1;
    bool no_responders = false;
  };

  void Dial();
  void ScheduleDial(int64_t delay_ns);
  void ScheduleAct();
  void Act();
  void Write(absl::string_view bytes);
  void SendPing(bool handshake, bool final);
  void Subscribe(const std::string& filter, const std::string& queue, int64_t max_msgs,
                 SubRole role, bool desired);
  void Unsubscribe(const std::string& sid);
  void Publish(const std::string& subject, const std::string& reply, bool allow_oversize);
  void SendRequest();
  void StopReading(int64_t for_ns);
  // Drops the connection from our side; `abort` resets instead of closing gracefully.
  void Disconnect(bool abort, int64_t redial_after_ns);
  // The connection ended without us asking.
  void ConnectionLost(absl::string_view why);
  void Violation(absl::string_view kind, std::string detail);
  std::string RandomSubject();
  std::string RandomFilter();

  World& world_;
  int index_;
  Prng prng_;
  ClientProfile profile_;
  bool faults_ = true;
  bool draining_ = false;
  bool drained_ = false;

  State state_ = State::kIdle;
  LinkId link_ = 0;
  check::SessionId session_ = 0;
  int sessions_ = 0;
  std::unique_ptr<ServerStreamParser> parser_;
  bool reading_ = true;
  int64_t reading_since_ns_ = 0;
  uint64_t generation_ = 0;  // invalidates scheduled actions of an earlier connection
  uint64_t next_sid_ = 0;
  std::string sid_prefix_;  // sids are tokens, not numbers: some clients use "s1", "sub-1"
  uint64_t pub_seq_ = 0;
  std::string last_err_;
  std::vector<PendingOp> unconfirmed_;
  std::deque<PingEntry> pings_;
  absl::btree_map<std::string, ActiveSub> subs_;  // by sid, for this session
  std::vector<ActiveSub> desired_;                // kept across reconnects
  absl::btree_map<uint64_t, Request> requests_;
  uint64_t next_request_ = 0;
};

}  // namespace na::sim

#endif  // NATRIUM_SIM_SIM_CLIENT_H_
