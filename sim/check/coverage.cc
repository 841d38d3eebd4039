#include "sim/check/coverage.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "engine/base/check.h"

namespace na::sim::check {

const std::vector<std::string>& Coverage::Names() {
  static const auto* names = new std::vector<std::string>{
      "slow_consumer_cut",             // the server cut a client that stopped reading
      "slow_consumer_max_pending",     // ... because its pending bytes passed max_pending
      "slow_consumer_write_deadline",  // ... because its output stalled past write_deadline
      "publisher_stall",               // the server paused a publisher's reads (stall gate)
      "stale_connection",              // a client saw -ERR 'Stale Connection'
      "reconnect",                     // a client came back after losing its connection
      "max_payload_violation",         // a client saw -ERR 'Maximum Payload Violation'
      "queue_group_delivery",          // a queue subscriber received a message
      "auto_unsubscribe_done",         // a subscription reached its auto-unsubscribe limit
      "no_responders",                 // a requester got the 503 status
      "request_replied",               // a requester got a reply from a service
      "node_crash",
      "node_restart",
      "node_pause",
      "connection_reset",
      "dial_failed",
      "link_clogged",
      "partition",
      "partition_asymmetric",
  };
  return *names;
}

void Coverage::Hit(absl::string_view name) {
  const auto& names = Names();
  NA_CHECK(std::find(names.begin(), names.end(), name) != names.end());
  ++counts_[std::string(name)];
}

void Coverage::Merge(const Coverage& other) {
  for (const auto& [name, n] : other.counts_) counts_[name] += n;
}

uint64_t Coverage::count(absl::string_view name) const {
  auto it = counts_.find(std::string(name));
  return it == counts_.end() ? 0 : it->second;
}

std::vector<std::string> Coverage::NeverReached() const {
  std::vector<std::string> out;
  for (const std::string& name : Names()) {
    if (count(name) == 0) out.push_back(name);
  }
  return out;
}

std::string Coverage::Summary() const {
  std::string out;
  for (const std::string& name : Names()) {
    const uint64_t n = count(name);
    if (n > 0) absl::StrAppend(&out, out.empty() ? "" : " ", name, "=", n);
  }
  return out;
}

}  // namespace na::sim::check
