// What a client connection needs from the node that owns it. The Node implements this; tests may
// too. Keeping it an interface lets engine/client sit below engine/node with no cycle, and lets
// accounts later hand each client its own account's sublist.
#ifndef NATRIUM_ENGINE_CLIENT_CLIENT_HOST_H_
#define NATRIUM_ENGINE_CLIENT_CLIENT_HOST_H_

#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "engine/auth/authenticator.h"
#include "engine/base/random.h"
#include "engine/io/io.h"
#include "engine/node/node_counters.h"
#include "engine/node/options.h"
#include "engine/subject/sublist.h"
#include "engine/subject/subscription.h"

namespace na::client {

class Client;

class ClientHost {
 public:
  virtual ~ClientHost() = default;

  virtual const node::Options& options() const = 0;
  virtual const auth::Authenticator& authenticator() const = 0;
  virtual subject::Sublist& sublist() = 0;
  virtual Prng& prng() = 0;
  virtual node::NodeCounters& mutable_counters() = 0;

  // The effects sink and the time of the Step in progress. Valid only during Step().
  virtual io::Effects& effects() = 0;
  virtual const io::Time& now() const = 0;

  // The INFO line (with "INFO " and " \r\n") for a client with this id and address.
  virtual std::string ClientInfo(uint64_t cid, absl::string_view client_ip) const = 0;

  // Takes a subscription out of the sublist and frees it. While a message is being delivered the
  // sublist result being walked must stay intact, so the host may defer the removal to the end of
  // the delivery; it clears sub->owner at once so that nothing more is delivered to it.
  virtual void RetireSubscription(std::unique_ptr<subject::Subscription> sub) = 0;
  // Brackets a delivery (see RetireSubscription). Calls nest.
  virtual void BeginDelivery() = 0;
  virtual void EndDelivery() = 0;

  // The open client on `conn`, or null (a publisher stalled on a subscriber may have gone).
  virtual Client* FindClient(io::ConnId conn) = 0;
  // How many clients have their stall gate open now (pending over max_pending/2). While none
  // has, publishers parse whole reads at once; otherwise line by line, to stop at a stall.
  virtual int& open_stall_gates() = 0;

  // The client has closed (it already told the runtime through Effects::Close). The host keeps
  // the object alive until the end of the Step, then records it among closed connections.
  virtual void OnClientClosed(Client* client) = 0;
};

}  // namespace na::client

#endif  // NATRIUM_ENGINE_CLIENT_CLIENT_HOST_H_
