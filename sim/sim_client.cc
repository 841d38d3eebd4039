#include "sim/sim_client.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "engine/base/check.h"
#include "sim/check/routing_checker.h"
#include "sim/world.h"

namespace na::sim {
namespace {

// A client that has had no PONG for this long while reading gives up on the connection, as real
// clients do after missing their own pings.
constexpr int64_t kClientPingTimeoutNs = 15 * kSecond;
constexpr size_t kSubsPerClientMax = 6;
constexpr size_t kUnconfirmedMax = 8;
constexpr size_t kPingsOutstandingMax = 32;

constexpr absl::string_view kTokens1[] = {"orders", "events", "metrics"};
constexpr absl::string_view kTokens2[] = {"eu", "us"};
constexpr absl::string_view kTokens3[] = {"a", "b", "c"};

// Payloads start with "m<id>." so that a delivery names the publish it came from.
check::MsgId ParseMsgId(absl::string_view payload) {
  if (payload.empty() || payload[0] != 'm') return 0;
  const size_t dot = payload.find('.');
  uint64_t id = 0;
  if (dot == absl::string_view::npos || !absl::SimpleAtoi(payload.substr(1, dot - 1), &id)) {
    return 0;
  }
  return id;
}

}  // namespace

SimClient::SimClient(World& world, int index, Prng prng, ClientProfile profile)
    : world_(world), index_(index), prng_(prng), profile_(profile) {
  static constexpr absl::string_view kSidPrefixes[] = {"", "", "s", "sub-"};
  sid_prefix_ = std::string(kSidPrefixes[prng_.Below(4)]);
  if (profile_.service) {
    desired_.push_back(ActiveSub{0, "svc.*", "svc", -1, SubRole::kService, true, false});
  }
  if (profile_.requester) {
    desired_.push_back(
        ActiveSub{0, absl::StrCat("_INBOX.", index_, ".*"), "", -1, SubRole::kInbox, true, false});
  }
}

void SimClient::Start() { ScheduleDial(prng_.Between(0, 50 * kMillisecond)); }

void SimClient::StopFaults() {
  faults_ = false;
  if (!reading_) {
    reading_ = true;
    reading_since_ns_ = world_.now_ns();
    if (link_ != 0) world_.network().ClientResumed(link_);
  }
}

void SimClient::StartDrain() {
  StopFaults();
  draining_ = true;
  if (state_ == State::kReady) SendPing(/*handshake=*/false, /*final=*/true);
}

void SimClient::Violation(absl::string_view kind, std::string detail) {
  world_.checker().Report(
      kind, absl::StrCat("client ", index_, " session ", session_, ": ", detail), world_.now_ns());
}

void SimClient::ScheduleDial(int64_t delay_ns) {
  const uint64_t generation = ++generation_;
  world_.queue().After(delay_ns, [this, generation] {
    if (generation == generation_) Dial();
  });
}

void SimClient::Dial() {
  NA_CHECK(state_ == State::kIdle);
  SimNode& node = world_.node(static_cast<int>(prng_.Below(world_.node_count())));
  link_ = world_.network().Dial(this, index_, &node, node.index());
  if (link_ == 0) return;  // OnDialFailed follows
  session_ = world_.checker().OpenSession(static_cast<uint64_t>(index_));
  ++sessions_;
  state_ = State::kAwaitInfo;
  parser_ = std::make_unique<ServerStreamParser>();
  subs_.clear();
  pings_.clear();
  unconfirmed_.clear();
  next_sid_ = 0;
  pub_seq_ = 0;
  last_err_.clear();
  reading_since_ns_ = world_.now_ns();
  drained_ = false;
}

void SimClient::OnDialFailed() {
  ScheduleDial(prng_.Between(10 * kMillisecond, 500 * kMillisecond));
}

void SimClient::Write(absl::string_view bytes) { world_.network().ClientWrite(link_, bytes); }

void SimClient::OnBytes(LinkId link, absl::string_view bytes) {
  if (link != link_ || state_ == State::kIdle) return;
  const check::SessionId session = session_;
  absl::Status status = parser_->Feed(bytes, *this);
  if (!status.ok() && session == session_ && link == link_) {
    Violation("protocol", std::string(status.message()));
    Disconnect(/*abort=*/true, kSecond);
  }
}

void SimClient::OnClosed(LinkId link, bool reset) {
  if (link != link_ || state_ == State::kIdle) return;
  ConnectionLost(reset ? "reset" : "closed by server");
}

void SimClient::ConnectionLost(absl::string_view why) {
  world_.trace().Record(world_.now_ns(), "client_lost", static_cast<uint64_t>(index_), session_,
                        why);
  world_.SessionLost(session_);
  state_ = State::kIdle;
  link_ = 0;
  ScheduleDial(prng_.Between(10 * kMillisecond, kSecond));
}

void SimClient::Disconnect(bool abort, int64_t redial_after_ns) {
  world_.network().ClientClose(link_, abort);
  world_.SessionLost(session_);
  state_ = State::kIdle;
  link_ = 0;
  ScheduleDial(redial_after_ns);
}

void SimClient::OnInfo(absl::string_view json) {
  if (state_ != State::kAwaitInfo) return;  // async INFO updates are fine
  if (!absl::StartsWith(json, "{")) Violation("protocol", absl::StrCat("bad INFO: ", json));
  // The INFO must advertise the limits the node was configured with.
  const std::string want_payload =
      absl::StrCat("\"max_payload\":", world_.plan().max_payload_bytes);
  if (!absl::StrContains(json, absl::StrCat(want_payload, ",")) &&
      !absl::StrContains(json, absl::StrCat(want_payload, "}"))) {
    Violation("info", absl::StrCat("INFO does not say ", want_payload, ": ", json));
  }
  if (!absl::StrContains(json, "\"headers\":true")) {
    Violation("info", absl::StrCat("INFO does not offer headers: ", json));
  }
  Write(absl::StrCat(
      "CONNECT {\"verbose\":false,\"pedantic\":false,\"tls_required\":false,\"name\":\"sim-",
      index_,
      "\",\"lang\":\"sim\",\"version\":\"1.0\",\"protocol\":1,\"echo\":true,\"headers\":true,"
      "\"no_responders\":true}\r\n"));
  state_ = State::kAwaitConnectPong;
  SendPing(/*handshake=*/true, /*final=*/false);
}

void SimClient::SendPing(bool handshake, bool final) {
  PingEntry entry;
  entry.sent_ns = world_.now_ns();
  entry.handshake = handshake;
  entry.final = final;
  entry.ops.swap(unconfirmed_);
  pings_.push_back(std::move(entry));
  Write("PING\r\n");
}

void SimClient::OnPing() { Write("PONG\r\n"); }

void SimClient::OnOk() { Violation("protocol", "+OK after CONNECT with verbose=false"); }

void SimClient::OnErr(absl::string_view text) {
  last_err_ = std::string(text);
  if (text == "Maximum Payload Violation") {
    world_.coverage().Hit("max_payload_violation");
  } else if (text == "Stale Connection") {
    world_.coverage().Hit("stale_connection");
  } else {
    Violation("unexpected_err", std::string(text));
  }
}

void SimClient::OnPong() {
  if (pings_.empty()) {
    Violation("protocol", "PONG without a PING");
    return;
  }
  PingEntry entry = std::move(pings_.front());
  pings_.pop_front();
  check::RoutingChecker& checker = world_.checker();
  const int64_t now = world_.now_ns();
  for (const PendingOp& op : entry.ops) {
    switch (op.kind) {
      case OpKind::kPub:
        checker.PublishConfirmed(op.id, now);
        break;
      case OpKind::kSub:
        checker.SubConfirmed(op.id, now);
        break;
      case OpKind::kUnsub:
        checker.UnsubConfirmed(op.id);
        break;
    }
  }
  if (entry.final) {
    drained_ = true;
    checker.SessionDrained(session_, entry.sent_ns);
  }
  if (entry.handshake && state_ == State::kAwaitConnectPong) {
    state_ = State::kReady;
    if (sessions_ > 1) world_.coverage().Hit("reconnect");
    std::vector<ActiveSub> desired = desired_;
    desired_.clear();
    for (const ActiveSub& d : desired) Subscribe(d.filter, d.queue, -1, d.role, /*desired=*/true);
    SendPing(false, /*final=*/draining_);
    ScheduleAct();
  }
}

void SimClient::OnMsg(const ServerMsg& msg) {
  auto it = subs_.find(std::string(msg.sid));
  if (it == subs_.end()) {
    Violation("unknown_sid", absl::StrCat("MSG on ", msg.subject, " for sid ", msg.sid));
    return;
  }
  ActiveSub& sub = it->second;
  const int64_t now = world_.now_ns();
  // The 503 goes to whichever of our subscriptions matches the reply subject first (nats-server
  // subForReply), not necessarily the inbox one; it is the server's, not a routed message.
  if (profile_.requester && msg.payload.empty() && absl::StartsWith(msg.headers, "NATS/1.0 503") &&
      absl::StartsWith(msg.subject, absl::StrCat("_INBOX.", index_, "."))) {
    world_.coverage().Hit("no_responders");
    uint64_t n = 0;
    if (absl::SimpleAtoi(msg.subject.substr(msg.subject.rfind('.') + 1), &n)) {
      auto req = requests_.find(n);
      if (req != requests_.end()) req->second.no_responders = true;
    }
    return;
  }
  const check::MsgId id = ParseMsgId(msg.payload);
  if (sub.role == SubRole::kPlain && world_.TakeCanary(session_, sub.id, id)) return;
  world_.checker().Delivered(sub.id, msg.subject, id, now);
  world_.checker().CheckContent(id, msg.reply, msg.header_bytes >= 0, msg.headers, msg.payload,
                                now);
  if (!sub.queue.empty()) world_.coverage().Hit("queue_group_delivery");
  if (sub.max_msgs > 0 && world_.checker().sub(sub.id).delivered == sub.max_msgs) {
    world_.coverage().Hit("auto_unsubscribe_done");
  }
  if (sub.role == SubRole::kInbox) {
    uint64_t n = 0;
    if (absl::SimpleAtoi(msg.subject.substr(msg.subject.rfind('.') + 1), &n)) {
      auto req = requests_.find(n);
      if (req != requests_.end() && req->second.replied_ns < 0) {
        req->second.replied_ns = now;
        world_.coverage().Hit("request_replied");
      }
    }
  } else if (sub.role == SubRole::kService && !msg.reply.empty() && state_ == State::kReady) {
    Publish(std::string(msg.reply), "", /*allow_oversize=*/false);
  }
}

void SimClient::Subscribe(const std::string& filter, const std::string& queue, int64_t max_msgs,
                          SubRole role, bool desired) {
  const std::string sid = absl::StrCat(sid_prefix_, ++next_sid_);
  check::SubRecord record;
  record.session = session_;
  record.sid = sid;
  record.filter = filter;
  record.queue = queue;
  record.max_msgs = max_msgs;
  record.sent_ns = world_.now_ns();
  const check::SubId id = world_.checker().Subscribed(record);
  subs_[sid] = ActiveSub{id, filter, queue, max_msgs, role, desired, false};
  if (desired) desired_.push_back(subs_[sid]);
  std::string line = queue.empty() ? absl::StrCat("SUB ", filter, " ", sid, "\r\n")
                                   : absl::StrCat("SUB ", filter, " ", queue, " ", sid, "\r\n");
  if (max_msgs >= 0) absl::StrAppend(&line, "UNSUB ", sid, " ", max_msgs, "\r\n");
  Write(line);
  unconfirmed_.push_back(PendingOp{OpKind::kSub, id});
}

void SimClient::Unsubscribe(const std::string& sid) {
  ActiveSub& sub = subs_[sid];
  sub.unsubscribed = true;
  for (size_t i = 0; i < desired_.size(); ++i) {
    if (desired_[i].filter == sub.filter && desired_[i].queue == sub.queue &&
        desired_[i].role == sub.role) {
      desired_.erase(desired_.begin() + static_cast<long>(i));
      break;
    }
  }
  world_.checker().UnsubSent(sub.id, world_.now_ns());
  Write(absl::StrCat("UNSUB ", sid, "\r\n"));
  unconfirmed_.push_back(PendingOp{OpKind::kUnsub, sub.id});
}

void SimClient::Publish(const std::string& subject, const std::string& reply, bool allow_oversize) {
  const FaultPlan& plan = world_.plan();
  const bool oversize = allow_oversize && faults_ && plan.oversize_per_10k_pubs > 0 &&
                        prng_.Chance(plan.oversize_per_10k_pubs, 10000);
  int64_t size = prng_.Chance(1, 20) ? prng_.Between(256, 4096) : prng_.Between(8, 160);
  if (oversize) size = plan.max_payload_bytes + prng_.Between(1, 100);
  if (size > plan.max_payload_bytes - 64) size = oversize ? size : plan.max_payload_bytes - 64;
  check::RoutingChecker& checker = world_.checker();
  const check::MsgId id = checker.next_msg_id();
  check::PublishRecord record;
  record.session = session_;
  record.seq = ++pub_seq_;
  record.subject = subject;
  record.reply = reply;
  record.sent_ns = world_.now_ns();
  record.oversize = oversize;
  record.body = absl::StrCat("m", id, ".");
  if (static_cast<int64_t>(record.body.size()) < size) {
    record.body.append(static_cast<size_t>(size) - record.body.size(), 'x');
  }
  if (!oversize && prng_.Chance(1, 4)) {
    record.headers = absl::StrCat("NATS/1.0\r\nX-Sim-Id: ", id, "\r\n\r\n");
  }
  const std::string reply_part = reply.empty() ? "" : absl::StrCat(reply, " ");
  const std::string line =
      record.headers.empty()
          ? absl::StrCat("PUB ", subject, " ", reply_part, record.body.size(), "\r\n", record.body,
                         "\r\n")
          : absl::StrCat("HPUB ", subject, " ", reply_part, record.headers.size(), " ",
                         record.headers.size() + record.body.size(), "\r\n", record.headers,
                         record.body, "\r\n");
  NA_CHECK_EQ(checker.Published(std::move(record)), id);
  Write(line);
  unconfirmed_.push_back(PendingOp{OpKind::kPub, id});
}

void SimClient::SendRequest() {
  const uint64_t n = ++next_request_;
  requests_[n] = Request{world_.now_ns(), -1, false};
  Publish(absl::StrCat("svc.", prng_.Below(3)), absl::StrCat("_INBOX.", index_, ".", n),
          /*allow_oversize=*/false);
}

std::string SimClient::RandomSubject() {
  // One draw per statement: the order in which a call's arguments are evaluated is unspecified
  // (g++ and clang differ), and the trace must not depend on the compiler.
  const uint64_t first = prng_.Below(3);
  const uint64_t second = prng_.Below(2);
  const uint64_t third = prng_.Below(3);
  return absl::StrCat(kTokens1[first], ".", kTokens2[second], ".", kTokens3[third]);
}

std::string SimClient::RandomFilter() {
  if (prng_.Chance(1, 5)) return absl::StrCat(kTokens1[prng_.Below(3)], ".>");
  if (prng_.Chance(1, 30)) return ">";
  std::vector<std::string> tokens = absl::StrSplit(RandomSubject(), '.');
  for (std::string& t : tokens) {
    // Not t = "*": g++ 12 at -O2 reports a false -Wrestrict on that assignment.
    if (prng_.Chance(1, 3)) t.assign(1, '*');
  }
  return absl::StrJoin(tokens, ".");
}

void SimClient::StopReading(int64_t for_ns) {
  reading_ = false;
  world_.trace().Record(world_.now_ns(), "client_stall", static_cast<uint64_t>(index_),
                        static_cast<uint64_t>(for_ns), "");
  world_.queue().After(for_ns, [this] {
    if (reading_) return;
    reading_ = true;
    reading_since_ns_ = world_.now_ns();
    if (link_ != 0) world_.network().ClientResumed(link_);
  });
}

void SimClient::ScheduleAct() {
  const uint64_t generation = generation_;
  const int64_t gap = prng_.Between(profile_.act_interval_ns / 2, profile_.act_interval_ns * 3 / 2);
  world_.queue().After(gap, [this, generation] {
    if (generation == generation_ && state_ == State::kReady) Act();
  });
}

void SimClient::Act() {
  const int64_t now = world_.now_ns();
  // Give up on a connection whose PONGs stopped coming (a partition, a paused or dead server).
  if (reading_ && !pings_.empty()) {
    const int64_t since = std::max(pings_.front().sent_ns, reading_since_ns_);
    if (now - since > kClientPingTimeoutNs) {
      world_.trace().Record(now, "client_timeout", static_cast<uint64_t>(index_), session_, "");
      Disconnect(/*abort=*/true, prng_.Between(10 * kMillisecond, kSecond));
      return;
    }
  }
  if (!draining_) {
    if (profile_.publisher) {
      const int64_t n = prng_.Between(1, 3);
      for (int64_t i = 0; i < n; ++i) Publish(RandomSubject(), "", /*allow_oversize=*/true);
    }
    if (profile_.subscriber) {
      if (subs_.size() < kSubsPerClientMax && prng_.Chance(1, 15)) {
        const bool queue = prng_.Chance(1, 4);
        const bool limited = !queue && prng_.Chance(1, 6);
        // Drawn one per statement: argument evaluation order differs between compilers.
        const std::string filter = RandomFilter();
        const char* group = queue ? (prng_.Chance(1, 2) ? "q1" : "q2") : "";
        const int64_t max_msgs = limited ? prng_.Between(1, 5) : -1;
        Subscribe(filter, group, max_msgs, SubRole::kPlain, !limited);
      } else if (prng_.Chance(1, 40)) {
        std::vector<std::string> live;
        for (const auto& [sid, sub] : subs_) {
          if (sub.role == SubRole::kPlain && !sub.unsubscribed) live.push_back(sid);
        }
        if (!live.empty()) Unsubscribe(live[prng_.Below(live.size())]);
      }
    }
    if (profile_.requester && prng_.Chance(1, 3)) SendRequest();
    if (faults_ && profile_.slow && reading_ && prng_.Chance(1, 200)) {
      StopReading(prng_.Between(100 * kMillisecond, world_.plan().slow_max_ns));
    }
    if (faults_ && profile_.flaky && prng_.Chance(1, 400)) {
      const bool abort = prng_.Chance(1, 2);
      Disconnect(abort, prng_.Between(10 * kMillisecond, 2 * kSecond));
      return;
    }
  }
  if (!unconfirmed_.empty() && pings_.size() < kPingsOutstandingMax &&
      (unconfirmed_.size() >= kUnconfirmedMax || prng_.Chance(1, 3))) {
    SendPing(false, false);
  }
  ScheduleAct();
}

std::string SimClient::FirstUnansweredRequest(int64_t since_ns, int64_t until_ns,
                                              int64_t bound_ns) const {
  for (const auto& [n, req] : requests_) {
    if (req.sent_ns < since_ns || req.sent_ns >= until_ns) continue;
    if (req.replied_ns < 0 || req.replied_ns - req.sent_ns > bound_ns) {
      return absl::StrCat("client ", index_, " request ", n, " sent at ", req.sent_ns,
                          "ns: ", req.replied_ns < 0 ? "no reply" : "late reply",
                          req.no_responders ? " (503 no responders)" : "");
    }
  }
  return "";
}

}  // namespace na::sim
