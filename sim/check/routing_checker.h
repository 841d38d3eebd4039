// A reference model of core NATS routing (one account, one node or a full mesh), fed online by
// the simulated clients and asked for a verdict at the end.
//
// Online, at every delivery, it checks that:
//   - the message is one a client published ("unknown_message"), on the subject it was published
//     to, and that subject matches the subscription's filter ("misrouted");
//   - the subscription's UNSUB has not been confirmed by a PONG yet ("after_unsubscribe"), and its
//     auto-unsubscribe limit is not exceeded ("over_max_msgs");
//   - the subscription has not seen this message before ("duplicate");
//   - messages from one publishing session arrive in publish order ("reordered");
//   - no queue group gets the message twice ("queue_group_twice"); a group is all the queue
//     subscriptions with one queue name, whatever their filters, as in nats-server;
//   - a message the server had to reject for size is never delivered ("oversize_delivered").
// In Finish() it checks exactly-once delivery ("lost") for every subscription whose session was
// never cut and drained at the end, over the messages confirmed-published after the subscription
// was confirmed (and, if it was unsubscribed, confirmed before the UNSUB left); for queue groups
// whose members all stayed clean, each such message reaches exactly one member.
//
// Deterministic: violations come out in the order the events arrived, then in table order.
#ifndef NATRIUM_SIM_CHECK_ROUTING_CHECKER_H_
#define NATRIUM_SIM_CHECK_ROUTING_CHECKER_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "sim/check/history.h"

namespace na::sim::check {

// True when the literal `subject` matches `filter` ('*' one token, '>' one or more at the end).
// Written independently of engine/subject on purpose: the oracle must not share the code it
// checks.
bool FilterMatches(absl::string_view filter, absl::string_view subject);

class RoutingChecker {
 public:
  SessionId OpenSession(uint64_t client);
  void SessionLost(SessionId session);
  // The PONG to the final PING, sent at `ping_sent_ns`, arrived: messages whose publish was
  // confirmed before that PING left must all have arrived.
  void SessionDrained(SessionId session, int64_t ping_sent_ns);

  MsgId Published(PublishRecord record);
  void PublishConfirmed(MsgId msg, int64_t now_ns);

  SubId Subscribed(SubRecord record);
  void SubConfirmed(SubId sub, int64_t now_ns);
  void UnsubSent(SubId sub, int64_t now_ns);
  void UnsubConfirmed(SubId sub);

  // A MSG/HMSG arrived for `sub` on `subject` carrying our message `msg` (0 if the payload did not
  // carry one of our ids).
  void Delivered(SubId sub, absl::string_view subject, MsgId msg, int64_t now_ns);

  // From now on, a message published at or after `from_ns` must reach each subscriber within
  // `bound_ns` of being sent ("slow_delivery"). Liveness mode sets it once faults have stopped:
  // one slow consumer must not hold up the others.
  void BoundLatency(int64_t from_ns, int64_t bound_ns) {
    latency_from_ns_ = from_ns;
    latency_bound_ns_ = bound_ns;
  }

  // The message `msg` arrived with this reply subject, header block (`has_headers` false for MSG)
  // and body: they must be what the publisher sent ("corrupted").
  void CheckContent(MsgId msg, absl::string_view reply, bool has_headers, absl::string_view headers,
                    absl::string_view body, int64_t now_ns);
  MsgId next_msg_id() const { return publishes_.size() + 1; }

  // A violation the caller detected itself (a MSG for an unknown sid, a protocol error...).
  void Report(absl::string_view kind, std::string detail, int64_t now_ns);

  // End-of-run checks. Call once, after the drain phase.
  void Finish();

  const std::vector<Violation>& violations() const { return violations_; }
  const PublishRecord& publish(MsgId msg) const { return publishes_[msg - 1]; }
  const SubRecord& sub(SubId sub) const { return subs_[sub - 1]; }
  const SessionRecord& session(SessionId s) const { return sessions_[s - 1]; }
  uint64_t deliveries() const { return deliveries_; }
  uint64_t publishes() const { return publishes_.size(); }
  // How much Finish() verified: subscriptions (and queue groups) held to exactly-once, and the
  // owed deliveries it found in place. A run that passes with zeros proved little.
  uint64_t exactly_once_subs() const { return exactly_once_subs_; }
  uint64_t owed_verified() const { return owed_verified_; }

 private:
  static std::string GroupKey(const SubRecord& sub);
  bool SessionClean(SessionId s) const;
  bool Owed(const SubRecord& sub, const PublishRecord& pub) const;
  void CheckSubExactlyOnce(SubId sub_id);
  void CheckGroupsExactlyOnce();

  std::vector<SessionRecord> sessions_;
  std::vector<PublishRecord> publishes_;
  std::vector<SubRecord> subs_;
  std::vector<absl::flat_hash_set<MsgId>> received_;  // per sub
  // Per (sub, publishing session): the last publish seq delivered.
  absl::flat_hash_map<std::pair<SubId, SessionId>, uint64_t> last_seq_;
  // Per message: which queue groups got it, and how often.
  absl::flat_hash_map<MsgId, std::vector<std::pair<std::string, int>>> group_hits_;
  // Published subject -> messages, ordered so that Finish() walks them deterministically.
  absl::btree_map<std::string, std::vector<MsgId>> by_subject_;
  std::vector<Violation> violations_;
  uint64_t deliveries_ = 0;
  uint64_t exactly_once_subs_ = 0;
  int64_t latency_from_ns_ = kNever;
  int64_t latency_bound_ns_ = 0;
  bool slow_delivery_reported_ = false;
  uint64_t owed_verified_ = 0;
};

}  // namespace na::sim::check

#endif  // NATRIUM_SIM_CHECK_ROUTING_CHECKER_H_
