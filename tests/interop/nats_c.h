// Small RAII layer over the nats.c client (libnats) for interop tests: owned handles, natsStatus
// turned into absl::Status, and a Connect() that takes a URL plus optional settings.
#ifndef NATRIUM_TESTS_INTEROP_NATS_C_H_
#define NATRIUM_TESTS_INTEROP_NATS_C_H_

#include <nats/nats.h>

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace na::interop {

struct ConnectionDeleter {
  void operator()(natsConnection* nc) const { natsConnection_Destroy(nc); }
};
struct SubscriptionDeleter {
  void operator()(natsSubscription* sub) const { natsSubscription_Destroy(sub); }
};
struct MsgDeleter {
  void operator()(natsMsg* msg) const { natsMsg_Destroy(msg); }
};
struct OptionsDeleter {
  void operator()(natsOptions* opts) const { natsOptions_Destroy(opts); }
};
using Connection = std::unique_ptr<natsConnection, ConnectionDeleter>;
using Subscription = std::unique_ptr<natsSubscription, SubscriptionDeleter>;
using Msg = std::unique_ptr<natsMsg, MsgDeleter>;
using Options = std::unique_ptr<natsOptions, OptionsDeleter>;

// OK for NATS_OK, else an error naming the call and nats.c's text (and its last error detail).
absl::Status FromNats(natsStatus status, absl::string_view what);

// Options with the URL set, no reconnect (tests opt in), and a short connect timeout.
absl::StatusOr<Options> MakeOptions(const std::string& url);
// Connects with `opts` (which stays owned by the caller).
absl::StatusOr<Connection> Connect(natsOptions* opts);
// Connects to `url` with MakeOptions() defaults.
absl::StatusOr<Connection> Connect(const std::string& url);

absl::StatusOr<Subscription> SubscribeSync(natsConnection* nc, const char* subject,
                                           const char* queue = nullptr);
// The next message within `timeout_ms`, or the client's status as an error.
absl::StatusOr<Msg> NextMsg(natsSubscription* sub, int64_t timeout_ms = 2000);
std::string Data(const natsMsg* msg);

}  // namespace na::interop

#endif  // NATRIUM_TESTS_INTEROP_NATS_C_H_
