#include "engine/auth/permissions.h"

#include "absl/strings/str_split.h"

namespace na::auth {
namespace {

// DEFAULT_ALLOW_RESPONSE_EXPIRATION in nats-server.
constexpr int64_t kResponseExpiresDefaultNs = 120'000'000'000;

bool HasWildcardToken(absl::string_view subject) {
  for (absl::string_view token : absl::StrSplit(subject, '.')) {
    if (token == "*" || token == ">") return true;
  }
  return false;
}

bool HasEmptyToken(absl::string_view subject) {
  return subject.empty() || subject.front() == '.' || subject.back() == '.' ||
         subject.find("..") != absl::string_view::npos;
}

}  // namespace

bool FilterMatches(absl::string_view filter, absl::string_view subject) {
  if (HasEmptyToken(subject)) return false;
  while (true) {
    const size_t f_end = filter.find('.');
    const size_t s_end = subject.find('.');
    const absl::string_view f_token = filter.substr(0, f_end);
    const absl::string_view s_token = subject.substr(0, s_end);
    if (f_token == ">") return !subject.empty();
    if (f_token != "*" && f_token != s_token) return false;
    if (f_end == absl::string_view::npos || s_end == absl::string_view::npos) {
      return f_end == absl::string_view::npos && s_end == absl::string_view::npos;
    }
    filter.remove_prefix(f_end + 1);
    subject.remove_prefix(s_end + 1);
  }
}

std::shared_ptr<const Permissions> Permissions::Compile(const node::Permissions& config) {
  auto perms = std::make_shared<Permissions>();
  if (config.publish.has_value()) {
    perms->publish_allow_ = config.publish->allow;
    perms->publish_deny_ = config.publish->deny;
    perms->publish_allow_enabled_ = !config.publish->allow.empty();
  }
  auto parse_entries = [](const std::vector<std::string>& in, std::vector<Entry>* out) {
    for (const std::string& raw : in) {
      std::vector<absl::string_view> parts =
          absl::StrSplit(raw, absl::ByAnyChar(" \t"), absl::SkipEmpty());
      if (parts.empty()) continue;
      Entry entry;
      entry.subject = std::string(parts[0]);
      if (parts.size() > 1) entry.queue = std::string(parts[1]);
      out->push_back(std::move(entry));
    }
  };
  if (config.subscribe.has_value()) {
    parse_entries(config.subscribe->allow, &perms->subscribe_allow_);
    parse_entries(config.subscribe->deny, &perms->subscribe_deny_);
    perms->subscribe_allow_enabled_ = !config.subscribe->allow.empty();
  }
  if (config.allow_responses.has_value()) {
    node::ResponsePermission responses = *config.allow_responses;
    if (responses.max_msgs == 0) responses.max_msgs = 1;
    if (responses.expires_ns == 0) responses.expires_ns = kResponseExpiresDefaultNs;
    perms->responses_ = responses;
    // Responses alone must not open every subject: nats turns the blanket allow off.
    perms->publish_allow_enabled_ = true;
  }
  return perms;
}

bool Permissions::PublishAllowed(absl::string_view subject) const {
  if (publish_allow_enabled_) {
    bool allowed = false;
    for (const std::string& filter : publish_allow_) {
      if (FilterMatches(filter, subject)) {
        allowed = true;
        break;
      }
    }
    if (!allowed) return false;
  }
  for (const std::string& filter : publish_deny_) {
    if (FilterMatches(filter, subject)) return false;
  }
  return true;
}

Permissions::MatchSummary Permissions::Match(const std::vector<Entry>& entries,
                                             absl::string_view subject, absl::string_view queue) {
  MatchSummary summary;
  for (const Entry& entry : entries) {
    if (!FilterMatches(entry.subject, subject)) continue;
    if (entry.queue.empty()) {
      summary.plain = true;
      continue;
    }
    summary.queued = true;
    // Queue names may themselves hold wildcard tokens ("v1.*"): literal equality first.
    if (!queue.empty() && (queue == entry.queue ||
                           (HasWildcardToken(entry.queue) && FilterMatches(entry.queue, queue)))) {
      summary.queue_listed = true;
    }
  }
  return summary;
}

bool Permissions::SubscribeAllowed(absl::string_view subject, absl::string_view queue) const {
  bool allowed = true;
  if (subscribe_allow_enabled_) {
    const MatchSummary m = Match(subscribe_allow_, subject, queue);
    allowed = m.plain;
    if (!queue.empty() && m.queued) allowed = m.queue_listed;
  }
  if (allowed && !subscribe_deny_.empty()) {
    const MatchSummary m = Match(subscribe_deny_, subject, queue);
    allowed = !m.plain;
    if (!queue.empty() && m.queued) allowed = !m.queue_listed;
  }
  return allowed;
}

bool Permissions::DeliveryDenied(absl::string_view subject) const {
  for (const Entry& entry : subscribe_deny_) {
    if (entry.queue.empty() && FilterMatches(entry.subject, subject)) return true;
  }
  return false;
}

}  // namespace na::auth
