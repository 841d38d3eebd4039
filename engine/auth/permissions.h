// Compiled publish/subscribe permissions of one user (nats-reference.md §6).
//
// Built once from node::Permissions and shared, immutable, by every connection of the user. The
// matching rules are nats-server 2.9.10's:
// - publish: with an allow list, the subject must match an allow entry; then it must match no
//   deny entry. allow_responses without a publish allow list turns the allow list on, empty, so
//   that only reply subjects of received requests can be published to (tracked per connection).
// - subscribe: allow entries may carry a queue ("foo v1"); a queue subscription is allowed when
//   the queue appears among the entries that match, a plain one needs a plain entry. Deny works
//   the same way in reverse.
// - a wildcard subscription that overlaps a deny entry is allowed, but messages on denied
//   subjects are not delivered to it (DeliveryDenied).
// A subscription subject is matched token by token with its own '*' and '>' taken literally, as
// the reference's sublist does.
#ifndef NATRIUM_ENGINE_AUTH_PERMISSIONS_H_
#define NATRIUM_ENGINE_AUTH_PERMISSIONS_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "engine/node/options.h"

namespace na::auth {

// True when `filter` (may hold '*' and '>') matches `subject`, with the subject's own wildcard
// tokens treated as literals. A subject with an empty token ("a..b", ".a", "a.", "") matches
// nothing, as the reference's Sublist.Match returns no result for it: such a subject is then
// outside every allow list and inside no deny list.
bool FilterMatches(absl::string_view filter, absl::string_view subject);

class Permissions {
 public:
  static std::shared_ptr<const Permissions> Compile(const node::Permissions& config);

  // False when no publish rule exists (everything may be published).
  bool has_publish_rules() const { return publish_allow_enabled_ || !publish_deny_.empty(); }
  // The allow/deny decision alone; response permissions are applied by the connection.
  bool PublishAllowed(absl::string_view subject) const;

  bool SubscribeAllowed(absl::string_view subject, absl::string_view queue) const;

  // True when messages on `subject` must not reach a wildcard subscription.
  bool has_subscribe_deny() const { return !subscribe_deny_.empty(); }
  bool DeliveryDenied(absl::string_view subject) const;

  const std::optional<node::ResponsePermission>& responses() const { return responses_; }

 private:
  struct Entry {
    std::string subject;
    std::string queue;  // empty for a plain entry
  };
  struct MatchSummary {
    bool plain = false;         // a plain entry matched
    bool queued = false;        // a queue entry matched
    bool queue_listed = false;  // the requested queue is one of the matching queue entries
  };
  static MatchSummary Match(const std::vector<Entry>& entries, absl::string_view subject,
                            absl::string_view queue);

  bool publish_allow_enabled_ = false;
  std::vector<std::string> publish_allow_;
  std::vector<std::string> publish_deny_;
  bool subscribe_allow_enabled_ = false;
  std::vector<Entry> subscribe_allow_;
  std::vector<Entry> subscribe_deny_;
  std::optional<node::ResponsePermission> responses_;
};

}  // namespace na::auth

#endif  // NATRIUM_ENGINE_AUTH_PERMISSIONS_H_
