#include "sim/check/routing_checker.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "engine/base/check.h"

namespace na::sim::check {
namespace {

// A run with a real bug can report thousands of lost messages; the first ones tell the story.
constexpr size_t kViolationsKeptMax = 200;

}  // namespace

bool FilterMatches(absl::string_view filter, absl::string_view subject) {
  std::vector<absl::string_view> f = absl::StrSplit(filter, '.');
  std::vector<absl::string_view> s = absl::StrSplit(subject, '.');
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i] == ">") return i + 1 == f.size() && s.size() > i;
    if (i >= s.size()) return false;
    if (f[i] != "*" && f[i] != s[i]) return false;
  }
  return f.size() == s.size();
}

SessionId RoutingChecker::OpenSession(uint64_t client) {
  sessions_.push_back(SessionRecord{client, false, false});
  return sessions_.size();
}

void RoutingChecker::SessionLost(SessionId session) { sessions_[session - 1].lost = true; }

void RoutingChecker::SessionDrained(SessionId session, int64_t ping_sent_ns) {
  sessions_[session - 1].drained = true;
  sessions_[session - 1].drain_ping_sent_ns = ping_sent_ns;
}

MsgId RoutingChecker::Published(PublishRecord record) {
  publishes_.push_back(std::move(record));
  const MsgId id = publishes_.size();
  by_subject_[publishes_.back().subject].push_back(id);
  return id;
}

void RoutingChecker::PublishConfirmed(MsgId msg, int64_t now_ns) {
  PublishRecord& p = publishes_[msg - 1];
  if (p.oversize && p.confirmed_ns == kNever) {
    // The server must close the connection at the oversize PUB, before it answers a later PING.
    Report("oversize_accepted",
           absl::StrCat("msg ", msg, " over max_payload on ", p.subject, " (session ", p.session,
                        ") was followed by a PONG"),
           now_ns);
  }
  if (p.confirmed_ns == kNever) p.confirmed_ns = now_ns;
}

SubId RoutingChecker::Subscribed(SubRecord record) {
  subs_.push_back(std::move(record));
  received_.emplace_back();
  return subs_.size();
}

void RoutingChecker::SubConfirmed(SubId sub, int64_t now_ns) {
  SubRecord& s = subs_[sub - 1];
  if (s.confirmed_ns == kNever) s.confirmed_ns = now_ns;
}

void RoutingChecker::UnsubSent(SubId sub, int64_t now_ns) {
  SubRecord& s = subs_[sub - 1];
  if (s.unsub_sent_ns == kNever) s.unsub_sent_ns = now_ns;
}

void RoutingChecker::UnsubConfirmed(SubId sub) { subs_[sub - 1].unsub_confirmed = true; }

void RoutingChecker::Report(absl::string_view kind, std::string detail, int64_t now_ns) {
  if (violations_.size() >= kViolationsKeptMax) return;
  violations_.push_back(Violation{std::string(kind), std::move(detail), now_ns});
}

// nats-server 2.9.10 groups queue subscriptions by queue name alone (sublist.go findQSlot): with
// "SUB *.*.c q" and "SUB events.> q" on two connections, a message on events.eu.c reaches one of
// the two, not one of each (checked against the reference server).
std::string RoutingChecker::GroupKey(const SubRecord& sub) { return sub.queue; }

void RoutingChecker::Delivered(SubId sub_id, absl::string_view subject, MsgId msg, int64_t now_ns) {
  NA_CHECK_GE(sub_id, 1u);
  NA_CHECK_LE(sub_id, subs_.size());
  ++deliveries_;
  SubRecord& sub = subs_[sub_id - 1];
  const std::string where = absl::StrCat("sub ", sub_id, " (session ", sub.session, " sid ",
                                         sub.sid, " filter ", sub.filter, ")");
  ++sub.delivered;
  if (msg == 0 || msg > publishes_.size()) {
    Report("unknown_message", absl::StrCat(where, " got a message nobody published on ", subject),
           now_ns);
    return;
  }
  const PublishRecord& pub = publishes_[msg - 1];
  if (pub.subject != subject || !FilterMatches(sub.filter, subject)) {
    Report("misrouted",
           absl::StrCat(where, " got msg ", msg, " published to ", pub.subject, " as ", subject),
           now_ns);
  }
  if (latency_from_ns_ != kNever && pub.sent_ns >= latency_from_ns_ &&
      now_ns - pub.sent_ns > latency_bound_ns_ && !slow_delivery_reported_) {
    slow_delivery_reported_ = true;
    Report("slow_delivery",
           absl::StrCat(where, " got msg ", msg, " ", (now_ns - pub.sent_ns) / 1000000,
                        "ms after it was sent, bound ", latency_bound_ns_ / 1000000, "ms"),
           now_ns);
  }
  if (pub.oversize) {
    Report("oversize_delivered", absl::StrCat(where, " got oversize msg ", msg), now_ns);
  }
  if (sub.unsub_confirmed) {
    Report("after_unsubscribe", absl::StrCat(where, " got msg ", msg, " after UNSUB was confirmed"),
           now_ns);
  }
  // SUB and "UNSUB sid max" leave together, but the server may route other connections'
  // messages between parsing the two, so extra deliveries are legal until the PONG after them
  // proves the limit was in place. From then on, nothing past the limit may arrive.
  if (sub.max_msgs >= 0 && sub.confirmed_ns != kNever && sub.delivered - 1 >= sub.max_msgs &&
      !sub.over_max_reported) {
    sub.over_max_reported = true;
    Report("over_max_msgs",
           absl::StrCat(where, " got message ", sub.delivered, " after its auto-unsubscribe at ",
                        sub.max_msgs, " was confirmed"),
           now_ns);
  }
  if (!received_[sub_id - 1].insert(msg).second) {
    Report("duplicate", absl::StrCat(where, " got msg ", msg, " twice"), now_ns);
    return;
  }
  uint64_t& last = last_seq_[{sub_id, pub.session}];
  if (pub.seq <= last) {
    Report("reordered",
           absl::StrCat(where, " got seq ", pub.seq, " of session ", pub.session, " after seq ",
                        last, " (msg ", msg, ")"),
           now_ns);
  } else {
    last = pub.seq;
  }
  if (!sub.queue.empty()) {
    const std::string group = GroupKey(sub);
    auto& hits = group_hits_[msg];
    auto it =
        std::find_if(hits.begin(), hits.end(), [&](const auto& h) { return h.first == group; });
    if (it == hits.end()) {
      hits.emplace_back(group, 1);
    } else {
      ++it->second;
      Report("queue_group_twice",
             absl::StrCat("queue group '", group, "' got msg ", msg, " ", it->second,
                          " times, last at ", where),
             now_ns);
    }
  }
}

void RoutingChecker::CheckContent(MsgId msg, absl::string_view reply, bool has_headers,
                                  absl::string_view headers, absl::string_view body,
                                  int64_t now_ns) {
  if (msg == 0 || msg > publishes_.size()) return;  // Delivered() reports it
  const PublishRecord& p = publishes_[msg - 1];
  std::string what;
  if (reply != p.reply) absl::StrAppend(&what, " reply '", reply, "' != '", p.reply, "'");
  if (has_headers != !p.headers.empty()) {
    absl::StrAppend(&what, has_headers ? " HMSG for a PUB" : " MSG for an HPUB");
  } else if (headers != p.headers) {
    absl::StrAppend(&what, " headers differ");
  }
  if (body != p.body) {
    absl::StrAppend(&what, " body of ", body.size(), " bytes != ", p.body.size(), " sent");
  }
  if (!what.empty()) {
    Report("corrupted", absl::StrCat("msg ", msg, " on ", p.subject, ":", what), now_ns);
  }
}

bool RoutingChecker::SessionClean(SessionId s) const {
  const SessionRecord& r = sessions_[s - 1];
  return !r.lost && r.drained;
}

// A message is owed to a subscription when the server must have processed the SUB before the
// PUB (the PUB left after the SUB's PONG came back), the PUB was confirmed before the
// subscriber's final PING left (so the server routed it before answering that PING), and any
// UNSUB left only after the PUB was confirmed.
bool RoutingChecker::Owed(const SubRecord& sub, const PublishRecord& pub) const {
  if (pub.oversize || pub.confirmed_ns == kNever) return false;
  if (pub.confirmed_ns >= sessions_[sub.session - 1].drain_ping_sent_ns) return false;
  if (sub.confirmed_ns == kNever || pub.sent_ns <= sub.confirmed_ns) return false;
  if (sub.unsub_sent_ns != kNever && pub.confirmed_ns >= sub.unsub_sent_ns) return false;
  return true;
}

void RoutingChecker::CheckSubExactlyOnce(SubId sub_id) {
  const SubRecord& sub = subs_[sub_id - 1];
  if (!sub.queue.empty() || sub.max_msgs >= 0 || !SessionClean(sub.session)) return;
  ++exactly_once_subs_;
  uint64_t missing = 0;
  MsgId first_missing = 0;
  for (const auto& [subject, msgs] : by_subject_) {
    if (!FilterMatches(sub.filter, subject)) continue;
    for (MsgId m : msgs) {
      if (!Owed(sub, publishes_[m - 1])) continue;
      if (!received_[sub_id - 1].contains(m)) {
        if (missing++ == 0) first_missing = m;
      } else {
        ++owed_verified_;
      }
    }
  }
  if (missing > 0) {
    const PublishRecord& p = publishes_[first_missing - 1];
    Report("lost",
           absl::StrCat("sub ", sub_id, " (session ", sub.session, " sid ", sub.sid, " filter ",
                        sub.filter, ") never got ", missing, " owed message(s), first msg ",
                        first_missing, " on ", p.subject, " sent at ", p.sent_ns, "ns"),
           p.sent_ns);
  }
}

void RoutingChecker::CheckGroupsExactlyOnce() {
  absl::btree_map<std::string, std::vector<SubId>> groups;
  for (SubId id = 1; id <= subs_.size(); ++id) {
    if (!subs_[id - 1].queue.empty()) groups[GroupKey(subs_[id - 1])].push_back(id);
  }
  for (const auto& [group, members] : groups) {
    bool clean = true;
    for (SubId id : members) {
      const SubRecord& s = subs_[id - 1];
      if (s.max_msgs >= 0 || !SessionClean(s.session)) clean = false;
    }
    if (!clean) continue;
    ++exactly_once_subs_;
    uint64_t missing = 0;
    MsgId first_missing = 0;
    for (const auto& [subject, msgs] : by_subject_) {
      bool matches = false;
      for (SubId id : members) matches = matches || FilterMatches(subs_[id - 1].filter, subject);
      if (!matches) continue;
      for (MsgId m : msgs) {
        const PublishRecord& p = publishes_[m - 1];
        bool owed = false;
        for (SubId id : members) {
          owed = owed || (FilterMatches(subs_[id - 1].filter, subject) && Owed(subs_[id - 1], p));
        }
        if (!owed) continue;
        int got = 0;
        auto it = group_hits_.find(m);
        if (it != group_hits_.end()) {
          for (const auto& [g, n] : it->second) {
            if (g == group) got = n;
          }
        }
        if (got == 0 && missing++ == 0) first_missing = m;
        if (got > 0) ++owed_verified_;
      }
    }
    if (missing > 0) {
      const PublishRecord& p = publishes_[first_missing - 1];
      std::string who;
      for (SubId id : members) {
        const SubRecord& m = subs_[id - 1];
        if (id != members.front() && who.size() > 300) {
          absl::StrAppend(&who, ", ...");
          break;
        }
        absl::StrAppend(&who, who.empty() ? "" : ", ", "sub ", id, " (session ", m.session, " sid ",
                        m.sid, " confirmed ", m.confirmed_ns, "ns",
                        m.unsub_sent_ns == kNever ? "" : absl::StrCat(" unsub ", m.unsub_sent_ns),
                        ")");
      }
      Report("lost",
             absl::StrCat("queue group '", group, "' never got ", missing,
                          " owed message(s), first msg ", first_missing, " on ", p.subject,
                          " sent at ", p.sent_ns, "ns; members: ", who),
             p.sent_ns);
    }
  }
}

void RoutingChecker::Finish() {
  for (SubId id = 1; id <= subs_.size(); ++id) CheckSubExactlyOnce(id);
  CheckGroupsExactlyOnce();
}

}  // namespace na::sim::check
