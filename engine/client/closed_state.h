// Why a client connection ended, with the text nats-server 2.9.10 shows in logs and in
// /connz?state=closed (its ClosedState strings).
#ifndef NATRIUM_ENGINE_CLIENT_CLOSED_STATE_H_
#define NATRIUM_ENGINE_CLIENT_CLOSED_STATE_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace na::client {

enum class ClosedState : uint8_t {
  kNone,
  kClientClosed,
  kAuthenticationTimeout,
  kAuthenticationViolation,
  kTlsHandshakeError,
  kSlowConsumerPendingBytes,
  kSlowConsumerWriteDeadline,
  kWriteError,
  kReadError,
  kParseError,
  kStaleConnection,
  kProtocolViolation,
  kBadClientProtocolVersion,
  kWrongPort,
  kMaxAccountConnectionsExceeded,
  kMaxConnectionsExceeded,
  kMaxPayloadExceeded,
  kMaxControlLineExceeded,
  kMaxSubscriptionsExceeded,
  kServerShutdown,
  kAuthenticationExpired,
  kNoRespondersRequiresHeaders,
};

// "Client Closed", "Slow Consumer (Pending Bytes)", ... ; "" for kNone.
absl::string_view ClosedStateText(ClosedState state);

}  // namespace na::client

#endif  // NATRIUM_ENGINE_CLIENT_CLOSED_STATE_H_
