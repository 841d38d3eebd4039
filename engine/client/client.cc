#include "engine/client/client.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/base/check.h"
#include "engine/base/limits.h"
#include "engine/client/client_log.h"
#include "engine/protocol/encode.h"
#include "engine/subject/subject.h"

namespace na::client {
namespace {

using protocol::Next;

// nats re-measures RTT with a forced PING after an hour (DEFAULT_RTT_MEASUREMENT_INTERVAL).
constexpr int64_t kRttMeasurementIntervalNs = 3600'000'000'000;
// Payloads up to this size are copied behind their MSG line so one Send carries both.
constexpr size_t kCoalescePayloadBytes = 2048;
// Bounds of per-connection permission state (nats: maxPermCacheSize, replyPermLimit).
constexpr size_t kPublishCacheMax = 128;
constexpr size_t kReplyGrantsMax = 4096;
// Queue group used internally by the reference; clients may not join it.
constexpr absl::string_view kSysGroup = "_sys_";

// 2.9.10's prefixes (server/gateway.go, jetstream_api.go, accounts.go). Gateway-routed and JS
// ack subjects count only with something after the prefix, as the reference's length checks do.
constexpr absl::string_view kGatewayReplyPrefix = "_GR_.";
constexpr absl::string_view kJsAckPrefix = "$JS.ACK.";
constexpr absl::string_view kServiceReplyPrefix = "_R_.";

bool HasPrefixAndMore(absl::string_view subject, absl::string_view prefix) {
  return subject.size() > prefix.size() && absl::StartsWith(subject, prefix);
}

bool IsGatewayRoutedReply(absl::string_view subject) {
  return HasPrefixAndMore(subject, kGatewayReplyPrefix);
}

bool IsReservedReply(absl::string_view reply) {
  return absl::StartsWith(reply, kServiceReplyPrefix) || HasPrefixAndMore(reply, kJsAckPrefix) ||
         IsGatewayRoutedReply(reply);
}

bool HasWildcard(absl::string_view subject) {
  size_t start = 0;
  while (start <= subject.size()) {
    size_t end = subject.find('.', start);
    if (end == absl::string_view::npos) end = subject.size();
    const absl::string_view token = subject.substr(start, end - start);
    if (token == "*" || token == ">") return true;
    start = end + 1;
  }
  return false;
}

}  // namespace

Client::Client(ClientHost& host, io::ConnId conn, io::ConnInfo info)
    : host_(host),
      options_(host.options()),
      counters_(host.mutable_counters()),
      conn_(conn),
      info_(std::move(info)),
      parser_(protocol::ParserLimits{host.options().max_control_line_bytes,
                                     limits::kPayloadBytesHardMax}) {
  start_mono_ns_ = host_.now().mono_ns;
  start_wall_ns_ = host_.now().wall_ns;
  last_activity_wall_ns_ = start_wall_ns_;
  last_activity_mono_ns_ = start_mono_ns_;
  UpdateLogPrefix();
}

Client::~Client() = default;

// ---- Lifecycle --------------------------------------------------------------------------------

void Client::Start() {
  expect_connect_ = host_.authenticator().Required();
  if (debug()) Log(io::LogLevel::kDebug, "Client connection created");
  Send(host_.ClientInfo(conn_, info_.remote_ip));
  if (expect_connect_ && !closed_) ArmTimer(TimerKind::kAuth, options_.auth.timeout_ns);
}

void Client::SendLameDuckInfo() {
  if (closed_) return;
  std::string info = host_.ClientInfo(conn_, info_.remote_ip);
  // ClientInfo ends "} \r\n"; "ldm" is the last field of the reference's INFO.
  info.insert(info.size() - 4, ",\"ldm\":true");
  Send(info);
}

void Client::CloseForMaxConnections() {
  if (closed_) return;
  SendErr("maximum connections exceeded");
  Log(io::LogLevel::kError, "maximum connections exceeded");
  Close(ClosedState::kMaxConnectionsExceeded, io::CloseMode::kFlush);
}

void Client::RejectMaxConnections() {
  if (debug()) Log(io::LogLevel::kDebug, "Client connection created");
  Send(host_.ClientInfo(conn_, info_.remote_ip));
  SendErr("maximum connections exceeded");
  Log(io::LogLevel::kError, "maximum connections exceeded");
  Close(ClosedState::kMaxConnectionsExceeded, io::CloseMode::kFlush);
}

void Client::OnRemoteClosed(io::CloseCause cause) {
  if (closed_) return;
  ClosedState state = ClosedState::kClientClosed;
  if (cause == io::CloseCause::kReset) state = ClosedState::kReadError;
  if (cause == io::CloseCause::kShutdown) state = ClosedState::kServerShutdown;
  CloseInternal(state, io::CloseMode::kAbort, /*tell_runtime=*/false);
}

void Client::Close(ClosedState state, io::CloseMode mode) {
  CloseInternal(state, mode, /*tell_runtime=*/true);
}

void Client::CloseInternal(ClosedState state, io::CloseMode mode, bool tell_runtime) {
  if (closed_) return;
  closed_ = true;
  closed_state_ = state;
  stop_wall_ns_ = host_.now().wall_ns;
  for (TimerKind kind :
       {TimerKind::kPing, TimerKind::kAuth, TimerKind::kWriteDeadline, TimerKind::kStall}) {
    CancelTimer(kind);
  }
  if (tell_runtime) host_.effects().Close(conn_, mode);
  // Unblocks anyone stalled on this connection (client.go closeConnection).
  ReleaseStallGate();
  stalled_on_.clear();
  reading_paused_ = false;
  held_input_.clear();
  if (debug()) {
    Log(io::LogLevel::kDebug, absl::StrCat("Client connection closed: ", ClosedStateText(state)));
  }
  // The host records the connection (with its subscriptions) before they go.
  host_.OnClientClosed(this);
  while (!subs_.empty()) RemoveSubscription(subs_.begin()->second.get());
}

// ---- Inputs -----------------------------------------------------------------------------------

void Client::OnBytes(absl::string_view bytes) {
  if (closed_) return;
  activity_in_read_ = false;
  // The runtime reads again only once a pause ended; if its deadline came before our timer, the
  // stall timed out all the same.
  if (reading_paused_) {
    reading_paused_ = false;
    if (!stalled_on_.empty()) EndStall(/*timed_out=*/true);
  }
  if (held_input_.empty()) {
    Consume(bytes);
  } else {
    // Held input goes first; the swap keeps Consume off the buffer it may refill.
    std::string input;
    input.swap(held_input_);
    input.append(bytes.data(), bytes.size());
    Consume(input);
  }
  PauseIfStalled();
  if (activity_in_read_ && !closed_) {
    last_activity_mono_ns_ = host_.now().mono_ns;
    last_activity_wall_ns_ = host_.now().wall_ns;
  }
}

void Client::HandleParseError(protocol::ParseError error) {
  if (expect_connect_ && !connect_received_) {
    // The reference refuses anything but CONNECT first on an auth server, bad bytes included.
    AuthViolation();
    return;
  }
  if (error == protocol::ParseError::kNone) return;
  // The -ERR text (or none: a silent close) is the protocol module's mapping of the reference.
  const absl::string_view reply = protocol::ParseErrorReply(error);
  if (!reply.empty()) SendErr(reply);
  if (error == protocol::ParseError::kControlLineTooLong) {
    Close(ClosedState::kMaxControlLineExceeded, io::CloseMode::kFlush);
    Log(io::LogLevel::kError, absl::StrCat("maximum control line exceeded: max_control_line ",
                                           options_.max_control_line_bytes));
    return;
  }
  if (reply.empty()) {
    Log(io::LogLevel::kError, protocol::ParseErrorText(error));
  } else {
    Log(io::LogLevel::kError,
        absl::StrCat("Client parser ERROR: ", protocol::ParseErrorText(error)));
  }
  Close(ClosedState::kProtocolViolation, io::CloseMode::kFlush);
}

void Client::OnFlushed(uint64_t bytes_written, bool drained) {
  if (closed_) return;
  pending_bytes_ -= std::min(bytes_written, pending_bytes_);
  // client.go flushOutbound: everything attempted written, or under half of max_pending.
  if (stall_gate_ &&
      (drained || pending_bytes_ < static_cast<uint64_t>(options_.max_pending_bytes / 2))) {
    ReleaseStallGate();
    if (closed_) return;
  }
  if (drained) {
    CancelTimer(TimerKind::kWriteDeadline);
    return;
  }
  // Output is stuck in the runtime. The deadline runs from the last progress: a stream that
  // keeps moving, however slowly, is not a write timeout.
  const int64_t deadline_ns = options_.write_deadline_ns;
  if (deadline_ns <= 0) return;
  const bool armed = (armed_timers_ & (1u << static_cast<int>(TimerKind::kWriteDeadline))) != 0;
  if (!armed || bytes_written > 0) ArmTimer(TimerKind::kWriteDeadline, deadline_ns);
}

void Client::OnTimer(TimerKind kind) {
  armed_timers_ &= static_cast<uint8_t>(~(1u << static_cast<int>(kind)));
  if (closed_) return;
  switch (kind) {
    case TimerKind::kPing:
      OnPingTimer();
      return;
    case TimerKind::kAuth:
      if (connect_received_) return;
      SendErr("Authentication Timeout");
      if (debug()) Log(io::LogLevel::kDebug, "Authentication Timeout");
      Close(ClosedState::kAuthenticationTimeout, io::CloseMode::kFlush);
      return;
    case TimerKind::kWriteDeadline:
      OnWriteDeadline();
      return;
    case TimerKind::kStall:
      // With gates still noted the stall timed out; without, they released it (OnStallReleased).
      if (!stalled_on_.empty()) EndStall(/*timed_out=*/true);
      ContinueAfterStall();
      return;
    default:
      return;
  }
}

void Client::OnPingTimer() {
  const node::Options& options = options_;
  const int64_t now = host_.now().mono_ns;
  const int64_t interval_ns = options.ping_interval_ns;
  if (debug()) Log(io::LogLevel::kDebug, "Client Ping Timer");
  // Without a measured RTT (no PONG to a PING of ours yet, or too old) the PING always goes out.
  const bool need_rtt = rtt_ns_ == 0 || rtt_start_mono_ns_ < 0 ||
                        now - rtt_start_mono_ns_ > kRttMeasurementIntervalNs;
  // The reference logs how long ago, rounded to the second (Go's Duration.Round).
  const auto log_delay = [&](absl::string_view why, int64_t since_mono_ns) {
    if (!debug()) return;
    constexpr int64_t kSecondNs = 1'000'000'000;
    const int64_t ago_ns = (now - since_mono_ns + kSecondNs / 2) / kSecondNs * kSecondNs;
    Log(io::LogLevel::kDebug,
        absl::StrCat("Delaying PING due to ", why, " ", GoDuration(ago_ns), " ago"));
  };
  if (!need_rtt && now - last_activity_mono_ns_ < interval_ns) {
    log_delay("client activity", last_activity_mono_ns_);
  } else if (!need_rtt && last_client_ping_mono_ns_ >= 0 &&
             now - last_client_ping_mono_ns_ < interval_ns) {
    log_delay("remote ping", last_client_ping_mono_ns_);
  } else {
    if (pings_out_ + 1 > options.ping_max) {
      if (debug()) Log(io::LogLevel::kDebug, "Stale Client Connection - Closing");
      // The reference queues this -ERR without tracing it.
      std::string err;
      protocol::AppendErrLine("Stale Connection", &err);
      Send(err);
      Close(ClosedState::kStaleConnection, io::CloseMode::kFlush);
      return;
    }
    SendPing();
    if (closed_) return;
  }
  ArmTimer(TimerKind::kPing, interval_ns);
}

void Client::OnWriteDeadline() {
  const int64_t deadline_ns = options_.write_deadline_ns;
  if (expect_connect_ && !connect_received_) {
    // Not yet a client: the reference closes it the same way but does not count it.
    Close(ClosedState::kSlowConsumerWriteDeadline, io::CloseMode::kAbort);
    return;
  }
  counters_.slow_consumers++;
  // The reference counts the buffers of its stuck writev; the runtime's are not visible here, so
  // this counts the pending bytes in the reference's largest buffer size (64 KiB), rounded up.
  constexpr uint64_t kChunkBytes = 64 * 1024;
  const uint64_t chunks = (pending_bytes_ + kChunkBytes - 1) / kChunkBytes;
  Log(io::LogLevel::kInfo,
      absl::StrCat("Slow Consumer Detected: WriteDeadline of ", GoDuration(deadline_ns),
                   " exceeded with ", chunks, " chunks of ", pending_bytes_, " total bytes."));
  Close(ClosedState::kSlowConsumerWriteDeadline, io::CloseMode::kAbort);
}

// ---- Output -----------------------------------------------------------------------------------

bool Client::Send(absl::string_view bytes) {
  if (closed_) return false;
  const int64_t max_pending = options_.max_pending_bytes;
  if (max_pending > 0 && pending_bytes_ + bytes.size() > static_cast<uint64_t>(max_pending)) {
    counters_.slow_consumers++;
    Log(io::LogLevel::kInfo,
        absl::StrCat("Slow Consumer Detected: MaxPending of ", max_pending, " Exceeded"));
    Close(ClosedState::kSlowConsumerPendingBytes, io::CloseMode::kAbort);
    return false;
  }
  pending_bytes_ += bytes.size();
  host_.effects().Send(conn_, bytes);
  // Opened here rather than at flush time so that many fan-in publishers see it at once
  // (client.go queueOutbound).
  if (!stall_gate_ && max_pending > 0 && pending_bytes_ > static_cast<uint64_t>(max_pending / 2)) {
    stall_gate_ = true;
    ++host_.open_stall_gates();
  }
  return true;
}

// ---- Publisher stall --------------------------------------------------------------------------

int64_t Client::StallDurationNs(uint64_t pending_bytes, int64_t max_pending_bytes) {
  constexpr int64_t kMinNs = 100'000'000;    // stallClientMinDuration
  constexpr int64_t kMaxNs = 1'000'000'000;  // stallClientMaxDuration
  const int64_t pending = static_cast<int64_t>(pending_bytes);
  if (pending >= max_pending_bytes) return kMaxNs;
  const int64_t half = max_pending_bytes / 2;
  if (pending <= half) return kMinNs;
  const int64_t step_bytes = std::max<int64_t>(1, half / 10);
  return std::min(kMaxNs, kMinNs + kMinNs * ((pending - half) / step_bytes));
}

void Client::NoteStalledBy(Client* subscriber, int64_t stall_ns) {
  if (std::find(stalled_on_.begin(), stalled_on_.end(), subscriber->conn()) == stalled_on_.end()) {
    stalled_on_.push_back(subscriber->conn());
  }
  stall_ns_ = std::max(stall_ns_, stall_ns);
}

void Client::ReleaseStallGate() {
  if (stall_gate_) {
    stall_gate_ = false;
    --host_.open_stall_gates();
  }
  if (stalled_publishers_.empty()) return;
  // Swapped out: a released publisher goes on with its held input and may deliver here again,
  // noting itself on a gate that reopened.
  std::vector<io::ConnId> publishers;
  publishers.swap(stalled_publishers_);
  for (io::ConnId id : publishers) {
    Client* publisher = host_.FindClient(id);
    if (publisher != nullptr) publisher->OnStallReleased(conn_);
  }
  if (stalled_publishers_.empty()) {
    publishers.clear();
    stalled_publishers_.swap(publishers);  // keeps the capacity
  }
}

void Client::OnStallReleased(io::ConnId subscriber) {
  auto it = std::find(stalled_on_.begin(), stalled_on_.end(), subscriber);
  if (it == stalled_on_.end()) return;
  stalled_on_.erase(it);
  if (!stalled_on_.empty()) return;
  EndStall(/*timed_out=*/false);
  // Inside this publisher's own parse (a gate it met closed during the same read), Consume
  // simply goes on. Otherwise it goes on in a step of its own: this may run inside another
  // client's delivery, whose sublist result must not see a nested publish.
  if (!consuming_) ArmTimer(TimerKind::kStall, 0);
}

void Client::EndStall(bool timed_out) {
  if (timed_out && debug()) {
    Log(io::LogLevel::kDebug,
        absl::StrCat("Timed out of fast producer stall (", GoDuration(stall_ns_), ")"));
  }
  if (!timed_out) CancelTimer(TimerKind::kStall);
  stalled_on_.clear();
  stall_ns_ = 0;
}

void Client::Consume(absl::string_view bytes) {
  consuming_ = true;
  // Parsed in slices that end at a newline, so that a stall stops the read close to the message
  // that met the gate, as the reference's blocking read loop does: line by line while a gate is
  // open anywhere, else max_pending/16 at a time, so that a gate opening inside a slice lets
  // little through past the half (with the default 64 MiB, every read is one slice and the parser
  // sees it whole, as before). A control line never straddles two slices, and a payload only when
  // it contains a newline.
  const int64_t max_pending = options_.max_pending_bytes;
  const size_t free_slice_bytes = max_pending > 0
                                      ? std::max<size_t>(static_cast<size_t>(max_pending / 16), 1)
                                      : std::numeric_limits<size_t>::max();
  while (!bytes.empty() && !closed_) {
    const size_t target = host_.open_stall_gates() > 0 ? 1 : free_slice_bytes;
    size_t n = bytes.size();
    if (n > target) {
      const size_t back = bytes.substr(0, target).rfind('\n');
      const size_t ahead = back == absl::string_view::npos ? bytes.find('\n', target) : back;
      if (ahead != absl::string_view::npos) n = ahead + 1;
    }
    const protocol::ParseError error = parser_.Feed(bytes.substr(0, n), *this);
    if (!closed_ && error != protocol::ParseError::kNone) HandleParseError(error);
    bytes.remove_prefix(n);
    if (!stalled_on_.empty() && !bytes.empty() && !closed_) {
      held_input_.assign(bytes.data(), bytes.size());
      break;
    }
  }
  consuming_ = false;
}

void Client::PauseIfStalled() {
  if (closed_ || stalled_on_.empty()) return;
  reading_paused_ = true;
  host_.effects().PauseReading(conn_, host_.now().mono_ns + stall_ns_);
  ArmTimer(TimerKind::kStall, stall_ns_);
}

void Client::ContinueAfterStall() {
  if (closed_) return;
  if (!held_input_.empty()) {
    std::string input;
    input.swap(held_input_);
    activity_in_read_ = false;
    Consume(input);
    if (activity_in_read_ && !closed_) {
      last_activity_mono_ns_ = host_.now().mono_ns;
      last_activity_wall_ns_ = host_.now().wall_ns;
    }
  }
  if (closed_) return;
  if (!stalled_on_.empty()) {
    PauseIfStalled();  // replaces the runtime's deadline
  } else if (reading_paused_) {
    reading_paused_ = false;
    host_.effects().ResumeReading(conn_);
  }
}

void Client::SendErr(absl::string_view text) {
  if (closed_) return;
  if (trace()) TraceOut("-ERR", text);
  std::string line;
  protocol::AppendErrLine(text, &line);
  Send(line);
}

void Client::SendOk() {
  if (closed_) return;
  if (trace()) TraceOut("OK", "");
  Send(protocol::kOkLine);
}

void Client::SendPing() {
  rtt_start_mono_ns_ = host_.now().mono_ns;
  ++pings_out_;
  if (trace()) TraceOut("PING", "");
  Send(protocol::kPingLine);
}

// ---- Authentication ---------------------------------------------------------------------------

bool Client::CheckAuthBeforeConnect() {
  if (closed_) return false;
  if (!expect_connect_ || connect_received_) return true;
  // no_auth_user lets a client skip CONNECT altogether (telnet demos).
  std::optional<auth::Identity> identity = host_.authenticator().NoAuthIdentity();
  if (identity.has_value()) {
    identity_ = std::move(*identity);
    CancelTimer(TimerKind::kAuth);
    connect_received_ = true;
    expect_connect_ = false;
    return true;
  }
  AuthViolation();
  return false;
}

void Client::OnReload() {
  if (closed_) return;
  parser_.set_max_control_line_bytes(options_.max_control_line_bytes);
  if (!connect_received_) return;
  const auth::Authenticator& authenticator = host_.authenticator();
  if (!authenticator.Required()) {
    identity_ = auth::Identity();
  } else if (!Authenticate()) {
    std::optional<auth::Identity> no_auth;
    if (opts_.user.empty() && opts_.auth_token.empty()) no_auth = authenticator.NoAuthIdentity();
    if (!no_auth.has_value()) {
      bool user_kept = false;
      for (const node::User& u : options_.auth.users) user_kept |= u.username == opts_.user;
      if (!options_.auth.users.empty() && !user_kept) {
        // Its user (and so its account) is gone: 2.9.10 closes it without a word.
        Close(ClosedState::kClientClosed, io::CloseMode::kFlush);
      } else {
        AuthViolation();
      }
      return;
    }
    identity_ = std::move(*no_auth);
  }
  publish_cache_.clear();
  reply_grants_.clear();
  const auth::Permissions* perms = identity_.permissions.get();
  if (perms == nullptr) return;
  std::vector<subject::Subscription*> refused;
  for (const auto& [sid, sub] : subs_) {
    if (!perms->SubscribeAllowed(sub->subject, sub->queue)) refused.push_back(sub.get());
  }
  for (subject::Subscription* sub : refused) {
    const std::string subject = sub->subject;
    const std::string sid = sub->sid;
    RemoveSubscription(sub);
    SendErr(absl::StrCat("Permissions Violation for Subscription to ", GoQuote(subject), " (sid ",
                         GoQuote(sid), ")"));
    // The reference logs this line without the client prefix.
    host_.effects().Log(io::LogLevel::kInfo,
                        absl::StrCat("Removed sub ", GoQuote(subject), " (sid ", GoQuote(sid),
                                     ") for ", AuthUserText(), " - not authorized"));
    if (closed_) return;
  }
}

void Client::AuthViolation() {
  counters_.auth_failures++;
  if (host_.authenticator().LogsUser()) {
    Log(io::LogLevel::kError, absl::StrCat("authentication error - User ", GoQuote(opts_.user)));
  } else {
    Log(io::LogLevel::kError, "authentication error");
  }
  SendErr("Authorization Violation");
  Close(ClosedState::kAuthenticationViolation, io::CloseMode::kFlush);
}

bool Client::Authenticate() {
  const auth::Authenticator& authenticator = host_.authenticator();
  if (!authenticator.Required()) return true;
  auth::Credentials credentials;
  credentials.user = opts_.user;
  credentials.pass = opts_.pass;
  credentials.token = opts_.auth_token;
  credentials.nkey = opts_.nkey;
  credentials.sig = opts_.sig;
  credentials.jwt = opts_.jwt;
  std::optional<auth::Identity> identity = authenticator.Authenticate(credentials);
  if (!identity.has_value()) return false;
  identity_ = std::move(*identity);
  publish_cache_.clear();
  reply_grants_.clear();
  expect_connect_ = false;
  return true;
}

// ---- Operations -------------------------------------------------------------------------------

Next Client::OnConnect(absl::string_view json) {
  if (closed_) return Next::kStop;
  if (trace()) TraceIn("CONNECT", RedactPassword(json));
  const io::Time& now = host_.now();
  CancelTimer(TimerKind::kAuth);
  last_activity_mono_ns_ = now.mono_ns;
  last_activity_wall_ns_ = now.wall_ns;
  rtt_ns_ = std::max<int64_t>(1, now.mono_ns - start_mono_ns_);
  // The first PING comes early to measure RTT: min(ping_interval, 2s) plus up to 20% jitter.
  int64_t first_ping_ns = std::min(options_.ping_interval_ns, limits::kFirstPingIntervalNs);
  if (first_ping_ns / 5 > 0) {
    first_ping_ns +=
        static_cast<int64_t>(host_.prng().Below(static_cast<uint64_t>(first_ping_ns / 5)));
  }
  ArmTimer(TimerKind::kPing, first_ping_ns);

  const absl::Status parsed = ApplyConnectJson(json, &opts_);
  if (!parsed.ok()) {
    Log(io::LogLevel::kError, parsed.message());
    Close(ClosedState::kProtocolViolation, io::CloseMode::kFlush);
    return Next::kStop;
  }
  connect_received_ = true;
  UpdateLogPrefix();
  headers_ = !options_.no_header_support && opts_.headers;

  if (!Authenticate() || opts_.new_account || !opts_.account.empty()) {
    AuthViolation();
    return Next::kStop;
  }
  if (opts_.protocol < 0 || opts_.protocol > 1) {
    SendErr("invalid client protocol");
    Close(ClosedState::kBadClientProtocolVersion, io::CloseMode::kFlush);
    Log(io::LogLevel::kError, "invalid client protocol");
    return Next::kStop;
  }
  if (opts_.no_responders && !headers_) {
    SendErr("no responders requires headers support");
    Close(ClosedState::kNoRespondersRequiresHeaders, io::CloseMode::kFlush);
    Log(io::LogLevel::kError, "no responders requires headers support");
    return Next::kStop;
  }
  if (opts_.verbose) SendOk();
  return closed_ ? Next::kStop : Next::kContinue;
}

Next Client::OnPubArgs(const protocol::PubOp& op) {
  if (!CheckAuthBeforeConnect()) return Next::kStop;
  const bool has_headers = op.header_bytes >= 0;
  if (trace()) TraceIn(has_headers ? "HPUB" : "PUB", op.args);
  if (has_headers && !headers_) {
    Log(io::LogLevel::kError, "message headers not supported");
    Close(ClosedState::kProtocolViolation, io::CloseMode::kFlush);
    return Next::kStop;
  }
  const int64_t max_payload = options_.max_payload_bytes;
  if (max_payload > 0 && op.total_bytes > max_payload) {
    Log(io::LogLevel::kError,
        absl::StrCat("maximum payload exceeded: ", op.total_bytes, " vs ", max_payload));
    SendErr("Maximum Payload Violation");
    Close(ClosedState::kMaxPayloadExceeded, io::CloseMode::kFlush);
    return Next::kStop;
  }
  // Pedantic clients are told, but the message is still routed (2.9-2.11 behaviour).
  if (opts_.pedantic && !subject::IsValidLiteralSubject(op.subject)) {
    SendErr("Invalid Publish Subject");
  }
  return closed_ ? Next::kStop : Next::kContinue;
}

Next Client::OnPub(const protocol::PubOp& op) {
  if (closed_) return Next::kStop;
  if (trace()) TracePayload(op.payload);
  activity_in_read_ = true;
  Route(op);
  return closed_ ? Next::kStop : Next::kContinue;
}

bool Client::PublishAllowed(absl::string_view subject) {
  const auth::Permissions* perms = identity_.permissions.get();
  if (perms == nullptr || !perms->has_publish_rules()) return true;
  if (auto it = publish_cache_.find(subject); it != publish_cache_.end()) return it->second;
  bool allowed = perms->PublishAllowed(subject);
  if (!allowed && perms->responses().has_value()) {
    // A reply to a request this connection received; not cached, it is counted.
    auto grant = reply_grants_.find(subject);
    if (grant != reply_grants_.end()) {
      const node::ResponsePermission& rp = *perms->responses();
      ++grant->second.used;
      if (rp.max_msgs > 0 && grant->second.used > rp.max_msgs) {
        reply_grants_.erase(grant);
      } else if (rp.expires_ns > 0 &&
                 host_.now().mono_ns - grant->second.granted_mono_ns > rp.expires_ns) {
        reply_grants_.erase(grant);
      } else {
        allowed = true;
      }
    }
    return allowed;
  }
  if (publish_cache_.size() >= kPublishCacheMax) publish_cache_.clear();
  publish_cache_.emplace(std::string(subject), allowed);
  return allowed;
}

void Client::Route(const protocol::PubOp& op) {
  node::NodeCounters& counters = counters_;
  ++in_msgs_;
  in_bytes_ += static_cast<uint64_t>(op.total_bytes);
  ++counters.in_msgs;
  counters.in_bytes += static_cast<uint64_t>(op.total_bytes);

  if (IsGatewayRoutedReply(op.subject) || !PublishAllowed(op.subject)) {
    SendErr(absl::StrCat("Permissions Violation for Publish to ", GoQuote(op.subject)));
    Log(io::LogLevel::kError,
        absl::StrCat("Publish Violation - ", AuthUserText(), ", Subject ", GoQuote(op.subject)));
    return;
  }
  if (!op.reply.empty() && IsReservedReply(op.reply)) {
    SendErr(absl::StrCat("Permissions Violation for Publish with Reply of ", GoQuote(op.reply)));
    Log(io::LogLevel::kError,
        absl::StrCat("Publish Violation - ", AuthUserText(), ", Reply ", GoQuote(op.reply)));
    return;
  }
  if (opts_.verbose) SendOk();

  Message msg;
  msg.subject = op.subject;
  msg.reply = op.reply;
  msg.header_bytes = op.header_bytes;
  msg.payload = op.payload;
  msg.header_bytes_text = op.header_bytes_text;
  msg.total_bytes_text = op.total_bytes_text;

  bool delivered = false;
  host_.BeginDelivery();
  {
    const subject::MatchResult& result = host_.sublist().Match(op.subject);
    for (subject::Subscription* sub : result.plain) {
      auto* target = static_cast<Client*>(sub->owner);
      if (target != nullptr && target->Deliver(this, sub, msg)) delivered = true;
    }
    // One member per queue group, starting at a random member and probing forward past members
    // that cannot take it (closed, echo off), as the reference does.
    for (const subject::QueueGroup& group : result.queues) {
      const size_t n = group.members.size();
      if (n == 0) continue;
      const size_t start = n > 1 ? static_cast<size_t>(host_.prng().Below(n)) : 0;
      for (size_t i = 0; i < n; ++i) {
        subject::Subscription* sub = group.members[(start + i) % n];
        auto* target = static_cast<Client*>(sub->owner);
        if (target != nullptr && target->Deliver(this, sub, msg)) {
          delivered = true;
          break;
        }
      }
    }
  }
  host_.EndDelivery();

  if (!delivered && !op.reply.empty() && opts_.no_responders && !closed_) {
    const subject::MatchResult& replies = host_.sublist().Match(op.reply);
    // The reference (client.go subForReply) takes the first of the publisher's own plain
    // subscriptions in its sublist's match order, which engine/subject reproduces.
    for (subject::Subscription* sub : replies.plain) {
      if (sub->owner != this) continue;
      const int64_t status_bytes = static_cast<int64_t>(protocol::kNoRespondersHeader.size());
      line_buf_.clear();
      protocol::AppendMsg({.subject = op.reply,
                           .sid = sub->sid,
                           .reply = {},
                           .header_bytes = status_bytes,
                           .total_bytes = status_bytes},
                          protocol::kNoRespondersHeader, &line_buf_);
      Send(line_buf_);
      break;
    }
  }
}

bool Client::Deliver(Client* publisher, subject::Subscription* sub, const Message& msg) {
  if (closed_) return false;
  if (publisher == this && !opts_.echo) return false;
  if (deny_on_delivery_ && identity_.permissions->DeliveryDenied(msg.subject)) return false;

  // client.go deliverMsg: a client publisher delivering to a subscriber over its gate stalls.
  if (stall_gate_ && publisher != nullptr) {
    publisher->NoteStalledBy(this, StallDurationNs(pending_bytes_, options_.max_pending_bytes));
    if (std::find(stalled_publishers_.begin(), stalled_publishers_.end(), publisher->conn()) ==
        stalled_publishers_.end()) {
      stalled_publishers_.push_back(publisher->conn());
    }
  }

  ++sub->delivered_msgs;
  bool last_delivery = false;
  if (sub->max_msgs > 0) {
    if (static_cast<int64_t>(sub->delivered_msgs) > sub->max_msgs) {
      if (debug()) {
        Log(io::LogLevel::kDebug,
            absl::StrCat("Auto-unsubscribe limit [", sub->max_msgs, "] exceeded"));
      }
      RemoveSubscription(sub);
      return false;
    }
    last_delivery = static_cast<int64_t>(sub->delivered_msgs) == sub->max_msgs;
    // Logged before the delivery, the unsubscribe (DELSUB) after it, as the reference does.
    if (last_delivery && debug()) {
      Log(io::LogLevel::kDebug, absl::StrCat("Auto-unsubscribe limit of ", sub->max_msgs,
                                             " reached for sid '", sub->sid, "'"));
    }
  }

  // Subscribers that did not ask for headers get the body alone, as a MSG.
  const protocol::Delivery delivery =
      protocol::ShapeForSubscriber(msg.header_bytes, msg.payload, headers_);
  const absl::string_view payload = delivery.payload;
  ++out_msgs_;
  out_bytes_ += payload.size();
  // A delivery is activity of the receiving connection too (client.go flushClients): it delays
  // this connection's keepalive PING and shows in /connz last_activity.
  const io::Time& now = host_.now();
  last_activity_mono_ns_ = now.mono_ns;
  last_activity_wall_ns_ = now.wall_ns;
  node::NodeCounters& counters = counters_;
  ++counters.out_msgs;
  counters.out_bytes += payload.size();

  protocol::MsgLine line{.subject = msg.subject,
                         .sid = sub->sid,
                         .reply = msg.reply,
                         .header_bytes = delivery.header_bytes,
                         .total_bytes = delivery.total_bytes()};
  // The publisher's own size text goes out unless the header block was cut off (the reference
  // then writes the new size in decimal).
  const bool stripped = msg.header_bytes > 0 && delivery.header_bytes < 0;
  if (!stripped) {
    line.header_bytes_text = msg.header_bytes_text;
    line.total_bytes_text = msg.total_bytes_text;
  }
  if (payload.size() <= kCoalescePayloadBytes) {
    // line_buf_ keeps its high-water size, so writing a message never zero-fills it first.
    const size_t msg_bytes = protocol::MsgLineSize(line) + payload.size() + protocol::kCrLf.size();
    if (line_buf_.size() < msg_bytes) line_buf_.resize(msg_bytes);
    protocol::WriteMsg(line, payload, absl::Span<char>(line_buf_.data(), msg_bytes));
    Send(absl::string_view(line_buf_.data(), msg_bytes));
  } else {
    line_buf_.clear();
    protocol::AppendMsgLine(line, &line_buf_);
    if (Send(line_buf_) && Send(payload)) Send(protocol::kCrLf);
  }
  if (trace() && !closed_) {
    const size_t line_bytes = protocol::MsgLineSize(line);
    TraceOut(absl::string_view(line_buf_.data(), line_bytes - protocol::kCrLf.size()), "");
  }

  // allow_responses: the requester's reply subject becomes publishable for this connection.
  if (!msg.reply.empty() && identity_.permissions != nullptr &&
      identity_.permissions->responses().has_value()) {
    if (reply_grants_.size() >= kReplyGrantsMax) reply_grants_.clear();
    reply_grants_[msg.reply] = ReplyGrant{host_.now().mono_ns, 0};
  }

  if (last_delivery && !closed_) {
    RemoveSubscription(sub);
  }
  return true;
}

Next Client::OnSub(const protocol::SubOp& op) {
  if (!CheckAuthBeforeConnect()) return Next::kStop;
  if (trace()) TraceIn("SUB", op.args);
  activity_in_read_ = true;
  const auth::Permissions* perms = identity_.permissions.get();
  // The reserved queue group is refused to every client, with or without permissions.
  if (op.queue == kSysGroup ||
      (perms != nullptr && !perms->SubscribeAllowed(op.subject, op.queue))) {
    if (op.queue.empty()) {
      SendErr(absl::StrCat("Permissions Violation for Subscription to ", GoQuote(op.subject)));
      Log(io::LogLevel::kError, absl::StrCat("Subscription Violation - ", AuthUserText(),
                                             ", Subject ", GoQuote(op.subject), ", SID ", op.sid));
    } else {
      SendErr(absl::StrCat("Permissions Violation for Subscription to ", GoQuote(op.subject),
                           " using queue ", GoQuote(op.queue)));
      Log(io::LogLevel::kError,
          absl::StrCat("Subscription Violation - ", AuthUserText(), ", Subject ",
                       GoQuote(op.subject), ", Queue: ", GoQuote(op.queue), ", SID ", op.sid));
    }
    return closed_ ? Next::kStop : Next::kContinue;
  }
  const int max_tokens = options_.max_sub_tokens;
  if (max_tokens > 0 && subject::TokenCount(op.subject) > max_tokens) {
    SendErr(absl::StrCat("Permissions Violation for Subscription to ", GoQuote(op.subject),
                         ", too many tokens"));
    Log(io::LogLevel::kError,
        absl::StrCat("Subscription Violation Too Many Tokens - ", AuthUserText(), ", Subject ",
                     GoQuote(op.subject), ", SID ", op.sid));
    return closed_ ? Next::kStop : Next::kContinue;
  }
  const int max_subs = options_.max_subscriptions;
  if (max_subs > 0 && subs_.size() >= static_cast<size_t>(max_subs)) {
    Log(io::LogLevel::kError, "maximum subscriptions exceeded");
    SendErr("maximum subscriptions exceeded");
    return closed_ ? Next::kStop : Next::kContinue;
  }
  // A reused sid keeps the subscription it already names.
  if (subs_.find(op.sid) == subs_.end()) {
    auto sub = std::make_unique<subject::Subscription>();
    sub->subject = std::string(op.subject);
    sub->queue = std::string(op.queue);
    sub->sid = std::string(op.sid);
    sub->conn_id = conn_;
    sub->owner = this;
    if (!host_.sublist().Insert(sub.get()).ok()) {
      SendErr("Invalid Subject");
      return closed_ ? Next::kStop : Next::kContinue;
    }
    if (perms != nullptr && perms->has_subscribe_deny() && HasWildcard(op.subject)) {
      deny_on_delivery_ = true;
    }
    subs_.emplace(sub->sid, std::move(sub));
  }
  if (opts_.verbose) SendOk();
  return closed_ ? Next::kStop : Next::kContinue;
}

Next Client::OnUnsub(const protocol::UnsubOp& op) {
  if (!CheckAuthBeforeConnect()) return Next::kStop;
  if (trace()) TraceIn("UNSUB", op.args);
  activity_in_read_ = true;
  subject::Subscription* sub = nullptr;
  bool remove = false;
  if (auto it = subs_.find(op.sid); it != subs_.end()) {
    sub = it->second.get();
    if (op.max_msgs > 0 && op.max_msgs > static_cast<int64_t>(sub->delivered_msgs)) {
      sub->max_msgs = op.max_msgs;
    } else {
      remove = true;
    }
  }
  if (opts_.verbose) SendOk();
  if (remove && !closed_) RemoveSubscription(sub);
  return closed_ ? Next::kStop : Next::kContinue;
}

void Client::RemoveSubscription(subject::Subscription* sub) {
  auto it = subs_.find(sub->sid);
  NA_CHECK(it != subs_.end());
  NA_CHECK(it->second.get() == sub);
  if (trace()) {
    Log(io::LogLevel::kTrace, absl::StrCat("<-> [DELSUB ", sub->sid, "]"));
  }
  std::unique_ptr<subject::Subscription> owned = std::move(it->second);
  subs_.erase(it);
  host_.RetireSubscription(std::move(owned));
}

Next Client::OnPing() {
  if (!CheckAuthBeforeConnect()) return Next::kStop;
  if (trace()) {
    TraceIn("PING", "");
    TraceOut("PONG", "");
  }
  Send(protocol::kPongLine);
  last_client_ping_mono_ns_ = host_.now().mono_ns;
  if (connect_received_) first_pong_sent_ = true;
  return closed_ ? Next::kStop : Next::kContinue;
}

Next Client::OnPong() {
  if (!CheckAuthBeforeConnect()) return Next::kStop;
  if (trace()) TraceIn("PONG", "");
  pings_out_ = 0;
  if (rtt_start_mono_ns_ >= 0) {
    rtt_ns_ = std::max<int64_t>(1, host_.now().mono_ns - rtt_start_mono_ns_);
  }
  return Next::kContinue;
}

Next Client::OnInfo(absl::string_view json) {
  if (!CheckAuthBeforeConnect()) return Next::kStop;
  if (const absl::Status syntax = CheckJsonSyntax(json); !syntax.ok()) {
    Log(io::LogLevel::kError, syntax.message());
    Close(ClosedState::kProtocolViolation, io::CloseMode::kFlush);
    return Next::kStop;
  }
  return Next::kContinue;
}

Next Client::OnOk() {
  if (!CheckAuthBeforeConnect()) return Next::kStop;
  return Next::kContinue;
}

Next Client::OnErr(absl::string_view message) {
  if (!CheckAuthBeforeConnect()) return Next::kStop;
  Log(io::LogLevel::kError, absl::StrCat("Client Error ", message));
  Close(ClosedState::kParseError, io::CloseMode::kFlush);
  return Next::kStop;
}

// ---- Timers -----------------------------------------------------------------------------------

void Client::ArmTimer(TimerKind kind, int64_t delay_ns) {
  armed_timers_ |= static_cast<uint8_t>(1u << static_cast<int>(kind));
  host_.effects().ArmTimer(MakeTimerId(conn_, kind), host_.now().mono_ns + delay_ns);
}

void Client::CancelTimer(TimerKind kind) {
  const uint8_t bit = static_cast<uint8_t>(1u << static_cast<int>(kind));
  if ((armed_timers_ & bit) == 0) return;
  armed_timers_ &= static_cast<uint8_t>(~bit);
  host_.effects().CancelTimer(MakeTimerId(conn_, kind));
}

// ---- Logging ----------------------------------------------------------------------------------

std::string Client::AuthUserText() const {
  // The reference's getAuthUser: the CONNECT credentials (no_auth_user fills in the user).
  if (!opts_.nkey.empty()) return absl::StrCat("Nkey ", GoQuote(opts_.nkey));
  if (!identity_.user.empty()) return absl::StrCat("User ", GoQuote(identity_.user));
  if (!opts_.user.empty()) return absl::StrCat("User ", GoQuote(opts_.user));
  return "User \"N/A\"";
}

bool Client::debug() const { return options_.debug; }
bool Client::trace() const { return options_.trace; }

void Client::UpdateLogPrefix() {
  log_prefix_ = absl::StrCat(info_.remote_ip, ":", info_.remote_port, " - cid:", conn_, " - ");
  // The reference adds "v<version>:<lang>:<name>" (whichever are set) once CONNECT names them.
  std::string ncs;
  if (!opts_.version.empty()) ncs = absl::StrCat("v", opts_.version);
  if (!opts_.lang.empty()) ncs = ncs.empty() ? opts_.lang : absl::StrCat(ncs, ":", opts_.lang);
  if (!opts_.name.empty()) ncs = ncs.empty() ? opts_.name : absl::StrCat(ncs, ":", opts_.name);
  if (!ncs.empty()) absl::StrAppend(&log_prefix_, GoQuote(ncs), " - ");
}

void Client::Log(io::LogLevel level, absl::string_view text) {
  host_.effects().Log(level, absl::StrCat(log_prefix_, text));
}

void Client::TraceIn(absl::string_view op, absl::string_view args) {
  Log(io::LogLevel::kTrace,
      args.empty() ? absl::StrCat("<<- [", op, "]") : absl::StrCat("<<- [", op, " ", args, "]"));
}

void Client::TraceOut(absl::string_view op, absl::string_view args) {
  Log(io::LogLevel::kTrace,
      args.empty() ? absl::StrCat("->> [", op, "]") : absl::StrCat("->> [", op, " ", args, "]"));
}

void Client::TracePayload(absl::string_view payload) {
  const int max_len = options_.max_traced_msg_len;
  if (max_len > 0 && payload.size() > static_cast<size_t>(max_len)) {
    // The reference keeps the first max_len characters of the quoted prefix (client.go
    // traceMsg: tm[1:maxTrace+1]), so escapes count as several and may be cut.
    const std::string quoted = GoQuote(payload.substr(0, static_cast<size_t>(max_len)));
    const absl::string_view kept =
        absl::string_view(quoted).substr(1, static_cast<size_t>(max_len));
    Log(io::LogLevel::kTrace, absl::StrCat("<<- MSG_PAYLOAD: [\"", kept, "...\"]"));
    return;
  }
  Log(io::LogLevel::kTrace, absl::StrCat("<<- MSG_PAYLOAD: [", GoQuote(payload), "]"));
}

// ---- Monitoring -------------------------------------------------------------------------------

node::ConnSnapshot Client::Snapshot() const {
  node::ConnSnapshot s;
  s.cid = conn_;
  s.ip = info_.remote_ip;
  s.port = info_.remote_port;
  s.start_wall_ns = start_wall_ns_;
  s.last_activity_wall_ns = last_activity_wall_ns_;
  s.stop_wall_ns = closed_ ? stop_wall_ns_ : 0;
  s.reason = std::string(ClosedStateText(closed_state_));
  s.rtt_ns = rtt_ns_;
  s.pending_bytes = pending_bytes_;
  s.in_msgs = in_msgs_;
  s.in_bytes = in_bytes_;
  s.out_msgs = out_msgs_;
  s.out_bytes = out_bytes_;
  s.num_subs = subs_.size();
  s.subs.reserve(subs_.size());
  for (const auto& [sid, sub] : subs_) {
    s.subs.push_back(
        node::SubSnapshot{sub->subject, sub->queue, sub->sid, sub->delivered_msgs, sub->max_msgs});
  }
  s.name = opts_.name;
  s.lang = opts_.lang;
  s.version = opts_.version;
  s.authorized_user = identity_.user;
  s.account = identity_.account;
  return s;
}

}  // namespace na::client
