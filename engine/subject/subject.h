// Subject and queue-name validation with nats-server 2.9.10's rules (nats-reference.md §1.6).
#ifndef NATRIUM_ENGINE_SUBJECT_SUBJECT_H_
#define NATRIUM_ENGINE_SUBJECT_SUBJECT_H_

#include "absl/strings/string_view.h"

namespace na::subject {

// A subscription filter: non-empty tokens, '*' and '>' only as whole tokens, '>' only last, no
// whitespace inside tokens.
bool IsValidSubject(absl::string_view subject);
// A publish subject: valid and with no wildcard tokens.
bool IsValidLiteralSubject(absl::string_view subject);
// True when `subject` (literal) matches `filter` (may hold wildcards).
bool SubjectMatchesFilter(absl::string_view subject, absl::string_view filter);
// True when filter `a` could match some subject that filter `b` matches (for cache
// invalidation and permission checks).
bool SubjectsCollide(absl::string_view a, absl::string_view b);
// Number of tokens.
int TokenCount(absl::string_view subject);

}  // namespace na::subject

#endif  // NATRIUM_ENGINE_SUBJECT_SUBJECT_H_
