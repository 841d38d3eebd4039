#include "sim/testing/toy_broker.h"

#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "sim/check/routing_checker.h"

namespace na::sim::testing {
namespace {

enum TimerKind : uint64_t { kPingTimer = 0, kDeadlineTimer = 1 };

io::TimerId TimerFor(io::ConnId id, TimerKind kind) { return id * 2 + kind; }

}  // namespace

ToyBroker::ToyBroker(const node::Options& options, uint64_t seed, ToyBrokerBugs bugs)
    : options_(options), prng_(seed), bugs_(bugs) {}

void ToyBroker::Step(const io::Time& now, const io::Input& input, io::Effects& fx) {
  now_ns_ = now.mono_ns;
  // Closed connections stay until the next step so that no caller holds a dangling reference.
  absl::erase_if(conns_, [](const auto& entry) { return entry.second.closed; });
  if (const auto* open = std::get_if<io::ConnOpened>(&input)) {
    Open(open->conn, fx);
  } else if (const auto* bytes = std::get_if<io::BytesIn>(&input)) {
    auto it = conns_.find(bytes->conn);
    if (it == conns_.end()) return;
    it->second.in.append(bytes->bytes.data(), bytes->bytes.size());
    Parse(bytes->conn, it->second, fx);
  } else if (const auto* closed = std::get_if<io::ConnClosed>(&input)) {
    fx.CancelTimer(TimerFor(closed->conn, kPingTimer));
    fx.CancelTimer(TimerFor(closed->conn, kDeadlineTimer));
    conns_.erase(closed->conn);
  } else if (const auto* flushed = std::get_if<io::Flushed>(&input)) {
    auto it = conns_.find(flushed->conn);
    if (it == conns_.end()) return;
    Conn& conn = it->second;
    conn.pending_bytes -= std::min(conn.pending_bytes, flushed->bytes_written);
    // Progress restarts the write deadline; a drained stream needs none.
    if (flushed->drained) {
      conn.deadline_armed = false;
      fx.CancelTimer(TimerFor(flushed->conn, kDeadlineTimer));
    } else {
      conn.deadline_armed = true;
      fx.ArmTimer(TimerFor(flushed->conn, kDeadlineTimer), now_ns_ + options_.write_deadline_ns);
    }
  } else if (const auto* timer = std::get_if<io::TimerFired>(&input)) {
    OnTimer(timer->timer, fx);
  }
}

void ToyBroker::Open(io::ConnId id, io::Effects& fx) {
  conns_[id] = Conn{};
  Send(id, conns_[id],
       absl::StrCat("INFO {\"server_id\":\"TOY\",\"server_name\":\"", options_.server_name,
                    "\",\"version\":\"2.9.10\",\"proto\":1,\"headers\":true,\"max_payload\":",
                    options_.max_payload_bytes, ",\"client_id\":", id, "} \r\n"),
       fx);
  fx.ArmTimer(TimerFor(id, kPingTimer), now_ns_ + options_.ping_interval_ns);
}

void ToyBroker::Send(io::ConnId id, Conn& conn, absl::string_view bytes, io::Effects& fx) {
  if (conn.closed) return;
  conn.pending_bytes += bytes.size();
  fx.Send(id, bytes);
  if (static_cast<int64_t>(conn.pending_bytes) > options_.max_pending_bytes) {
    fx.Log(io::LogLevel::kInfo, "Slow Consumer Detected: MaxPending Exceeded");
    CloseConn(id, conn, io::CloseMode::kAbort, fx);
    return;
  }
  if (!conn.deadline_armed) {
    conn.deadline_armed = true;
    fx.ArmTimer(TimerFor(id, kDeadlineTimer), now_ns_ + options_.write_deadline_ns);
  }
}

void ToyBroker::CloseConn(io::ConnId id, Conn& conn, io::CloseMode mode, io::Effects& fx) {
  if (conn.closed) return;
  conn.closed = true;
  fx.CancelTimer(TimerFor(id, kPingTimer));
  fx.CancelTimer(TimerFor(id, kDeadlineTimer));
  fx.Close(id, mode);
}

void ToyBroker::OnTimer(io::TimerId timer, io::Effects& fx) {
  const io::ConnId id = timer / 2;
  auto it = conns_.find(id);
  if (it == conns_.end() || it->second.closed) return;
  Conn& conn = it->second;
  if (timer % 2 == kDeadlineTimer) {
    if (conn.pending_bytes > 0) {
      fx.Log(io::LogLevel::kInfo, "Slow Consumer Detected: WriteDeadline Exceeded");
      CloseConn(id, conn, io::CloseMode::kAbort, fx);
    }
    conn.deadline_armed = false;
    return;
  }
  if (conn.pings_out >= options_.ping_max) {
    Send(id, conn, "-ERR 'Stale Connection'\r\n", fx);
    CloseConn(id, conn, io::CloseMode::kFlush, fx);
    return;
  }
  ++conn.pings_out;
  Send(id, conn, "PING\r\n", fx);
  if (!conn.closed) fx.ArmTimer(timer, now_ns_ + options_.ping_interval_ns);
}

void ToyBroker::Parse(io::ConnId id, Conn& conn, io::Effects& fx) {
  size_t pos = 0;
  while (!conn.closed) {
    if (conn.in_payload) {
      const size_t need = static_cast<size_t>(conn.pub_total_bytes) + 2;
      if (conn.in.size() - pos < need) break;
      const absl::string_view all(conn.in.data() + pos, need);
      if (all.substr(need - 2) != "\r\n") {
        Send(id, conn, "-ERR 'Unknown Protocol Operation'\r\n", fx);
        CloseConn(id, conn, io::CloseMode::kFlush, fx);
        break;
      }
      const size_t hdr = conn.pub_header_bytes < 0 ? 0 : static_cast<size_t>(conn.pub_header_bytes);
      conn.in_payload = false;
      pos += need;
      Route(id, conn.pub_subject, conn.pub_reply, all.substr(0, hdr),
            all.substr(hdr, need - 2 - hdr), fx);
      continue;
    }
    const size_t eol = conn.in.find('\n', pos);
    if (eol == std::string::npos) break;
    absl::string_view line(conn.in.data() + pos, eol - pos);
    if (absl::EndsWith(line, "\r")) line.remove_suffix(1);
    pos = eol + 1;
    if (!HandleLine(id, conn, line, fx)) break;
  }
  conn.in.erase(0, pos);
}

bool ToyBroker::HandleLine(io::ConnId id, Conn& conn, absl::string_view line, io::Effects& fx) {
  std::vector<absl::string_view> args =
      absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
  if (args.empty()) return true;
  const std::string verb = absl::AsciiStrToUpper(args[0]);
  auto ok = [&] {
    if (conn.verbose) Send(id, conn, "+OK\r\n", fx);
  };
  if (verb == "PING") {
    Send(id, conn, "PONG\r\n", fx);
  } else if (verb == "PONG") {
    conn.pings_out = 0;
  } else if (verb == "CONNECT") {
    const absl::string_view json =
        line.substr(line.find('{') == absl::string_view::npos ? line.size() : line.find('{'));
    conn.verbose = !absl::StrContains(json, "\"verbose\":false");
    conn.headers = absl::StrContains(json, "\"headers\":true");
    conn.no_responders = absl::StrContains(json, "\"no_responders\":true");
    ok();
  } else if (verb == "SUB" && (args.size() == 3 || args.size() == 4)) {
    Sub sub;
    sub.subject = std::string(args[1]);
    if (args.size() == 4) sub.queue = std::string(args[2]);
    conn.subs.emplace(std::string(args.back()), std::move(sub));
    ok();
  } else if (verb == "UNSUB" && (args.size() == 2 || args.size() == 3)) {
    auto it = conn.subs.find(std::string(args[1]));
    int64_t max = -1;
    if (args.size() == 3 && !absl::SimpleAtoi(args[2], &max)) max = -1;
    if (it != conn.subs.end()) {
      if (max > it->second.delivered) {
        it->second.max_msgs = max;
      } else {
        conn.subs.erase(it);
      }
    }
    ok();
  } else if ((verb == "PUB" && (args.size() == 3 || args.size() == 4)) ||
             (verb == "HPUB" && (args.size() == 4 || args.size() == 5))) {
    const bool hpub = verb == "HPUB";
    int64_t total = 0;
    int64_t hdr = -1;
    if (!absl::SimpleAtoi(args.back(), &total) ||
        (hpub && !absl::SimpleAtoi(args[args.size() - 2], &hdr)) || total < 0) {
      CloseConn(id, conn, io::CloseMode::kFlush, fx);
      return false;
    }
    if (total > options_.max_payload_bytes) {
      Send(id, conn, "-ERR 'Maximum Payload Violation'\r\n", fx);
      CloseConn(id, conn, io::CloseMode::kFlush, fx);
      return false;
    }
    conn.in_payload = true;
    conn.pub_subject = std::string(args[1]);
    const size_t fixed = hpub ? 4 : 3;
    conn.pub_reply = args.size() > fixed ? std::string(args[2]) : "";
    conn.pub_header_bytes = hdr;
    conn.pub_total_bytes = total;
    ok();
  } else {
    Send(id, conn, "-ERR 'Unknown Protocol Operation'\r\n", fx);
    CloseConn(id, conn, io::CloseMode::kFlush, fx);
    return false;
  }
  return !conn.closed;
}

void ToyBroker::Route(io::ConnId from, absl::string_view subject, absl::string_view reply,
                      absl::string_view headers, absl::string_view body, io::Effects& fx) {
  struct Target {
    io::ConnId conn;
    std::string sid;
  };
  std::vector<Target> plain;
  absl::btree_map<std::string, std::vector<Target>> groups;
  for (auto& [id, conn] : conns_) {
    if (conn.closed) continue;
    for (auto& [sid, sub] : conn.subs) {
      if (!check::FilterMatches(sub.subject, subject)) continue;
      if (sub.queue.empty()) {
        plain.push_back(Target{id, sid});
      } else {
        groups[sub.queue].push_back(Target{id, sid});
      }
    }
  }
  for (auto& [key, members] : groups) plain.push_back(members[prng_.Below(members.size())]);
  if (plain.empty() && !reply.empty()) {
    auto it = conns_.find(from);
    if (it != conns_.end() && it->second.no_responders && it->second.headers) {
      for (auto& [sid, sub] : it->second.subs) {
        if (check::FilterMatches(sub.subject, reply)) {
          Send(from, it->second,
               absl::StrCat("HMSG ", reply, " ", sid, " 16 16\r\nNATS/1.0 503\r\n\r\n\r\n"), fx);
          break;
        }
      }
    }
    return;
  }
  if (bugs_.drop_requests && absl::StartsWith(subject, "svc.")) return;
  const std::string reply_part = reply.empty() ? "" : absl::StrCat(reply, " ");
  for (const Target& t : plain) {
    auto it = conns_.find(t.conn);
    if (it == conns_.end() || it->second.closed) continue;
    Conn& conn = it->second;
    auto sub_it = conn.subs.find(t.sid);
    if (sub_it == conn.subs.end()) continue;
    ++deliveries_;
    if (bugs_.skip_every_1000th_delivery && deliveries_ % 1000 == 0) continue;
    if (!headers.empty() && conn.headers) {
      Send(t.conn, conn,
           absl::StrCat("HMSG ", subject, " ", t.sid, " ", reply_part, headers.size(), " ",
                        headers.size() + body.size(), "\r\n", headers, body, "\r\n"),
           fx);
    } else {
      Send(t.conn, conn,
           absl::StrCat("MSG ", subject, " ", t.sid, " ", reply_part, body.size(), "\r\n", body,
                        "\r\n"),
           fx);
    }
    auto again = conns_.find(t.conn);
    if (again == conns_.end() || again->second.closed) continue;
    sub_it = again->second.subs.find(t.sid);
    if (sub_it == again->second.subs.end()) continue;
    Sub& sub = sub_it->second;
    ++sub.delivered;
    if (sub.max_msgs >= 0 && sub.delivered >= sub.max_msgs) again->second.subs.erase(sub_it);
  }
}

}  // namespace na::sim::testing
