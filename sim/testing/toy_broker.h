// A deliberately small core-NATS engine, used to exercise the simulator itself.
//
// It is not the product: it exists so that the simulator, its clients and its checkers can be
// tested against an engine whose behaviour is simple enough to trust (and to break on purpose),
// independently of engine/node. It speaks enough of the protocol for the simulated clients:
// INFO, CONNECT (verbose, headers, no_responders), PING/PONG both ways with stale detection,
// SUB (queue groups), UNSUB (with a limit), PUB/HPUB, MSG/HMSG, the 503 no-responders status,
// max_payload, and slow-consumer cuts from max_pending and write_deadline through Flushed.
#ifndef NATRIUM_SIM_TESTING_TOY_BROKER_H_
#define NATRIUM_SIM_TESTING_TOY_BROKER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/container/btree_map.h"
#include "engine/base/random.h"
#include "engine/io/io.h"
#include "engine/node/options.h"

namespace na::sim::testing {

struct ToyBrokerBugs {
  bool skip_every_1000th_delivery = false;  // for tests that the checkers catch a real loss
  bool drop_requests = false;               // never route svc.*: requests go unanswered
};

class ToyBroker : public io::Engine {
 public:
  ToyBroker(const node::Options& options, uint64_t seed, ToyBrokerBugs bugs = {});
  void Step(const io::Time& now, const io::Input& input, io::Effects& effects) override;

 private:
  struct Sub {
    std::string subject;
    std::string queue;
    int64_t max_msgs = -1;
    int64_t delivered = 0;
  };
  struct Conn {
    std::string in;
    bool verbose = true;
    bool headers = false;
    bool no_responders = false;
    bool closed = false;
    int pings_out = 0;
    uint64_t pending_bytes = 0;
    // A PUB/HPUB whose payload has not fully arrived.
    bool in_payload = false;
    std::string pub_subject;
    std::string pub_reply;
    int64_t pub_header_bytes = -1;
    int64_t pub_total_bytes = 0;
    bool deadline_armed = false;
    absl::btree_map<std::string, Sub> subs;
  };

  void Open(io::ConnId id, io::Effects& fx);
  void Parse(io::ConnId id, Conn& conn, io::Effects& fx);
  // Returns false when the connection was closed.
  bool HandleLine(io::ConnId id, Conn& conn, absl::string_view line, io::Effects& fx);
  void Route(io::ConnId from, absl::string_view subject, absl::string_view reply,
             absl::string_view headers, absl::string_view body, io::Effects& fx);
  void Send(io::ConnId id, Conn& conn, absl::string_view bytes, io::Effects& fx);
  void CloseConn(io::ConnId id, Conn& conn, io::CloseMode mode, io::Effects& fx);
  void OnTimer(io::TimerId timer, io::Effects& fx);

  node::Options options_;
  Prng prng_;
  ToyBrokerBugs bugs_;
  int64_t now_ns_ = 0;
  uint64_t deliveries_ = 0;
  absl::btree_map<io::ConnId, Conn> conns_;
};

}  // namespace na::sim::testing

#endif  // NATRIUM_SIM_TESTING_TOY_BROKER_H_
