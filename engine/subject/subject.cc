#include "engine/subject/subject.h"

#include <cstddef>

namespace na::subject {
namespace {

constexpr char kSeparator = '.';

// Walks the '.'-separated tokens of a subject without allocating. An empty subject has no tokens;
// "a..b" yields an empty middle token, so callers see and reject it.
class TokenIterator {
 public:
  explicit TokenIterator(absl::string_view subject) : rest_(subject), done_(subject.empty()) {}

  bool Next(absl::string_view* token) {
    if (done_) return false;
    const size_t dot = rest_.find(kSeparator);
    if (dot == absl::string_view::npos) {
      *token = rest_;
      done_ = true;
      return true;
    }
    *token = rest_.substr(0, dot);
    rest_.remove_prefix(dot + 1);
    return true;
  }

 private:
  absl::string_view rest_;
  bool done_;
};

bool IsWhitespace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

bool IsPartialWildcard(absl::string_view token) { return token.size() == 1 && token[0] == '*'; }
bool IsFullWildcard(absl::string_view token) { return token.size() == 1 && token[0] == '>'; }

}  // namespace

bool IsValidSubject(absl::string_view subject) {
  if (subject.empty()) return false;
  bool seen_full_wildcard = false;
  TokenIterator tokens(subject);
  absl::string_view token;
  while (tokens.Next(&token)) {
    if (token.empty() || seen_full_wildcard) return false;
    // nats-server (sublist.go IsValidSubject) rejects whitespace anywhere in a token, including a
    // one-character token that is itself whitespace.
    for (char c : token) {
      if (IsWhitespace(c)) return false;
    }
    if (IsFullWildcard(token)) seen_full_wildcard = true;
  }
  return true;
}

bool IsValidLiteralSubject(absl::string_view subject) {
  if (!IsValidSubject(subject)) return false;
  TokenIterator tokens(subject);
  absl::string_view token;
  while (tokens.Next(&token)) {
    if (IsPartialWildcard(token) || IsFullWildcard(token)) return false;
  }
  return true;
}

bool SubjectMatchesFilter(absl::string_view subject, absl::string_view filter) {
  if (subject.empty() || filter.empty()) return false;
  TokenIterator subject_tokens(subject);
  TokenIterator filter_tokens(filter);
  absl::string_view s;
  absl::string_view f;
  while (filter_tokens.Next(&f)) {
    if (!subject_tokens.Next(&s)) return false;
    // '>' needs at least one token, which `s` is.
    if (IsFullWildcard(f)) return true;
    if (!IsPartialWildcard(f) && f != s) return false;
  }
  return !subject_tokens.Next(&s);
}

bool SubjectsCollide(absl::string_view a, absl::string_view b) {
  if (a.empty() || b.empty()) return false;
  TokenIterator a_tokens(a);
  TokenIterator b_tokens(b);
  absl::string_view ta;
  absl::string_view tb;
  while (true) {
    const bool has_a = a_tokens.Next(&ta);
    const bool has_b = b_tokens.Next(&tb);
    if (!has_a || !has_b) return has_a == has_b;
    // Both sides have a token here, so a '>' on either side can swallow the other's rest (which
    // is at least this one token).
    if (IsFullWildcard(ta) || IsFullWildcard(tb)) return true;
    if (IsPartialWildcard(ta) || IsPartialWildcard(tb)) continue;
    if (ta != tb) return false;
  }
}

int TokenCount(absl::string_view subject) {
  if (subject.empty()) return 0;
  int count = 1;
  for (char c : subject) {
    if (c == kSeparator) ++count;
  }
  return count;
}

}  // namespace na::subject
