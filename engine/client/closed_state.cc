#include "engine/client/closed_state.h"

namespace na::client {

absl::string_view ClosedStateText(ClosedState state) {
  switch (state) {
    case ClosedState::kNone:
      return "";
    case ClosedState::kClientClosed:
      return "Client Closed";
    case ClosedState::kAuthenticationTimeout:
      return "Authentication Timeout";
    // The reference names the state AuthenticationViolation but prints this.
    case ClosedState::kAuthenticationViolation:
      return "Authentication Failure";
    case ClosedState::kTlsHandshakeError:
      return "TLS Handshake Failure";
    case ClosedState::kSlowConsumerPendingBytes:
      return "Slow Consumer (Pending Bytes)";
    case ClosedState::kSlowConsumerWriteDeadline:
      return "Slow Consumer (Write Deadline)";
    case ClosedState::kWriteError:
      return "Write Error";
    case ClosedState::kReadError:
      return "Read Error";
    case ClosedState::kParseError:
      return "Parse Error";
    case ClosedState::kStaleConnection:
      return "Stale Connection";
    case ClosedState::kProtocolViolation:
      return "Protocol Violation";
    case ClosedState::kBadClientProtocolVersion:
      return "Bad Client Protocol Version";
    case ClosedState::kWrongPort:
      return "Incorrect Port";
    case ClosedState::kMaxAccountConnectionsExceeded:
      return "Maximum Account Connections Exceeded";
    case ClosedState::kMaxConnectionsExceeded:
      return "Maximum Connections Exceeded";
    case ClosedState::kMaxPayloadExceeded:
      return "Maximum Message Payload Exceeded";
    case ClosedState::kMaxControlLineExceeded:
      return "Maximum Control Line Exceeded";
    case ClosedState::kMaxSubscriptionsExceeded:
      return "Maximum Subscriptions Exceeded";
    case ClosedState::kServerShutdown:
      return "Server Shutdown";
    case ClosedState::kAuthenticationExpired:
      return "Authentication Expired";
    case ClosedState::kNoRespondersRequiresHeaders:
      return "No Responders Requires Headers";
  }
  return "Unknown State";
}

}  // namespace na::client
