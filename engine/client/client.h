// One client connection: the protocol state machine of nats-reference.md §1-2 and §7.
//
// A Client parses what its peer sends (protocol::ClientParser), answers (INFO, +OK, -ERR, PONG),
// keeps its subscriptions in the host's sublist, routes the messages it publishes to the matching
// subscriptions' clients, and enforces the limits: max_payload, max_control_line,
// max_subscriptions, the authorization timeout, ping/stale detection, and slow consumers by
// pending bytes and write deadline. Every byte it writes and every close is an io::Effects call
// made through its ClientHost during the host's Step.
//
// Lifecycle: the host creates it on ConnOpened and calls Start(). After the client closes itself
// (or the host calls Close), it sends nothing more and calls host.OnClientClosed(); the host
// destroys it at the end of the Step. Single-threaded; deterministic given the host's PRNG.
#ifndef NATRIUM_ENGINE_CLIENT_CLIENT_H_
#define NATRIUM_ENGINE_CLIENT_CLIENT_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "engine/auth/authenticator.h"
#include "engine/client/client_host.h"
#include "engine/client/closed_state.h"
#include "engine/client/connect_options.h"
#include "engine/client/timer_id.h"
#include "engine/io/io.h"
#include "engine/node/conn_snapshot.h"
#include "engine/protocol/client_parser.h"
#include "engine/subject/subscription.h"

namespace na::client {

class Client final : public protocol::ClientOpHandler {
 public:
  Client(ClientHost& host, io::ConnId conn, io::ConnInfo info);
  ~Client() override;
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  io::ConnId conn() const { return conn_; }
  bool closed() const { return closed_; }
  ClosedState closed_state() const { return closed_state_; }

  // Sends INFO and arms the authorization timer when auth is required.
  void Start();
  // Sends INFO, then -ERR 'maximum connections exceeded', and closes.
  void RejectMaxConnections();

  // Inputs routed by the host.
  void OnBytes(absl::string_view bytes);
  void OnRemoteClosed(io::CloseCause cause);
  void OnFlushed(uint64_t bytes_written, bool drained);
  void OnTimer(TimerKind kind);

  // Closes with `state`: cancels timers, drops subscriptions, tells the runtime. Idempotent.
  void Close(ClosedState state, io::CloseMode mode);

  // Delivers one message published by `publisher` through `sub` (owned by this client).
  // Returns false when it was not delivered (echo off, denied, auto-unsubscribed, closed).
  struct Message {
    absl::string_view subject;
    absl::string_view reply;
    int64_t header_bytes = -1;  // -1: no headers
    absl::string_view payload;  // headers + body, without the trailing CRLF
    // The sizes as the publisher wrote them, relayed as the reference does (PubOp).
    absl::string_view header_bytes_text;
    absl::string_view total_bytes_text;
  };
  // A publisher that delivers to a subscriber over its stall gate is stalled (see README).
  bool Deliver(Client* publisher, subject::Subscription* sub, const Message& msg);

  // How long client.go stallDuration stalls a publisher on a subscriber with `pending_bytes` of
  // `max_pending_bytes`: 100 ms at the gate (half), 100 ms more per 10% of the other half, 1 s at
  // max_pending.
  static int64_t StallDurationNs(uint64_t pending_bytes, int64_t max_pending_bytes);

  node::ConnSnapshot Snapshot() const;

  // Async INFO (lame duck, cluster changes) goes only to clients with protocol >= 1 whose CONNECT
  // and first PING have been answered, as the reference's sendAsyncInfoToClients requires.
  bool receives_async_info() const { return first_pong_sent_ && opts_.protocol >= 1; }
  // Sends this client's INFO with "ldm":true (lame duck mode). No-op once closed.
  void SendLameDuckInfo();
  // After a config reload: takes the new max_control_line, then re-checks authorization as
  // reload.go reloadAuthorization does: a client whose CONNECT no longer authenticates is closed,
  // and subscriptions its new permissions refuse are removed with
  // -ERR 'Permissions Violation for Subscription to "<subj>" (sid "<sid>")'.
  void OnReload();
  // A reload lowered max_connections below the open count: -ERR 'maximum connections exceeded'
  // and close (client.go maxConnExceeded).
  void CloseForMaxConnections();

  // protocol::ClientOpHandler
  protocol::Next OnConnect(absl::string_view json) override;
  protocol::Next OnPubArgs(const protocol::PubOp& op) override;
  protocol::Next OnPub(const protocol::PubOp& op) override;
  protocol::Next OnSub(const protocol::SubOp& op) override;
  protocol::Next OnUnsub(const protocol::UnsubOp& op) override;
  protocol::Next OnPing() override;
  protocol::Next OnPong() override;
  protocol::Next OnInfo(absl::string_view json) override;
  protocol::Next OnOk() override;
  protocol::Next OnErr(absl::string_view message) override;

 private:
  // Output. Every write goes through Send so that pending bytes and the slow-consumer check see
  // it; returns false when the connection is (now) closed.
  bool Send(absl::string_view bytes);
  void SendErr(absl::string_view text);
  void SendOk();
  void SendPing();

  // Refuses anything but CONNECT before authentication (kStop when the connection closed).
  bool CheckAuthBeforeConnect();
  void AuthViolation();
  bool Authenticate();
  void HandleParseError(protocol::ParseError error);
  void CloseInternal(ClosedState state, io::CloseMode mode, bool tell_runtime);

  bool PublishAllowed(absl::string_view subject);
  void Route(const protocol::PubOp& op);
  void RemoveSubscription(subject::Subscription* sub);

  void ArmTimer(TimerKind kind, int64_t delay_ns);
  void CancelTimer(TimerKind kind);
  void OnPingTimer();
  void OnWriteDeadline();

  // Publisher stall (client.go stalls, stalledWait). Subscriber side: the gate opens when
  // pending passes max_pending/2 and closes when a flush drains it or takes it below half, or on
  // close; closing it releases the publishers noted on it. Publisher side: while any gate is
  // open, input is parsed line by line; after the line whose message met a gate, the rest of the
  // read is held and the runtime stops reading this connection until all of those gates
  // released it or the longest stall duration passed; then the held input goes on.
  void NoteStalledBy(Client* subscriber, int64_t stall_ns);
  void OnStallReleased(io::ConnId subscriber);
  void ReleaseStallGate();
  void EndStall(bool timed_out);
  // Parses `bytes` (never a view of held_input_), holding what follows a stall.
  void Consume(absl::string_view bytes);
  // Parses held input, if any, then pauses (again) or resumes the runtime's reading.
  void ContinueAfterStall();
  void PauseIfStalled();

  // Logging; the prefix is "<ip>:<port> - cid:<n> - " plus the client's name once known.
  bool debug() const;
  bool trace() const;
  void Log(io::LogLevel level, absl::string_view text);
  void TraceIn(absl::string_view op, absl::string_view args);
  void TraceOut(absl::string_view op, absl::string_view args);
  void TracePayload(absl::string_view payload);
  void UpdateLogPrefix();
  // "User \"name\"" (or Nkey, or User "N/A") as the reference names a client in violations.
  std::string AuthUserText() const;

  ClientHost& host_;
  // The host's options and counters, looked up once: they are touched for every message, and
  // both live as long as the host.
  const node::Options& options_;
  node::NodeCounters& counters_;
  const io::ConnId conn_;
  const io::ConnInfo info_;
  protocol::ClientParser parser_;
  ConnectOptions opts_;
  std::string log_prefix_;

  bool connect_received_ = false;
  bool first_pong_sent_ = false;  // a PING after CONNECT was answered
  bool expect_connect_ = false;   // auth is required and CONNECT has not authenticated yet
  bool headers_ = false;          // both sides support headers
  bool closed_ = false;
  ClosedState closed_state_ = ClosedState::kNone;

  auth::Identity identity_;
  bool deny_on_delivery_ = false;
  absl::flat_hash_map<std::string, bool> publish_cache_;
  struct ReplyGrant {
    int64_t granted_mono_ns = 0;
    int used = 0;
  };
  absl::flat_hash_map<std::string, ReplyGrant> reply_grants_;

  // Subscriptions by sid; ordered so listings and logs are deterministic.
  absl::btree_map<std::string, std::unique_ptr<subject::Subscription>> subs_;

  // Ping state (see OnPingTimer).
  int pings_out_ = 0;
  int64_t rtt_ns_ = 0;
  int64_t rtt_start_mono_ns_ = -1;  // -1: no PING sent yet
  int64_t last_activity_mono_ns_ = 0;
  int64_t last_client_ping_mono_ns_ = -1;
  bool activity_in_read_ = false;

  // Output accounting: bytes sent but not yet reported written by the runtime.
  uint64_t pending_bytes_ = 0;
  uint8_t armed_timers_ = 0;  // bit per TimerKind

  // Publisher stall state (see NoteStalledBy). The vectors keep their capacity.
  bool stall_gate_ = false;                     // subscriber: pending passed max_pending/2
  std::vector<io::ConnId> stalled_publishers_;  // subscriber: publishers noted on the gate
  std::vector<io::ConnId> stalled_on_;          // publisher: gates it waits for
  int64_t stall_ns_ = 0;                        // publisher: longest stall noted in this read
  bool reading_paused_ = false;                 // publisher: PauseReading is in force
  std::string held_input_;                      // publisher: the unparsed rest of a stalled read
  bool consuming_ = false;                      // publisher: inside Consume (parser_.Feed)

  int64_t start_mono_ns_ = 0;
  int64_t start_wall_ns_ = 0;
  int64_t last_activity_wall_ns_ = 0;
  int64_t stop_wall_ns_ = 0;
  uint64_t in_msgs_ = 0;
  uint64_t in_bytes_ = 0;
  uint64_t out_msgs_ = 0;
  uint64_t out_bytes_ = 0;

  // Scratch buffer for MSG lines: grows to the longest line, never shrinks.
  std::string line_buf_;
};

}  // namespace na::client

#endif  // NATRIUM_ENGINE_CLIENT_CLIENT_H_
