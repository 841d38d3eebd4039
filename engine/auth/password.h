// Password and token comparison as nats-server does it: a configured value that looks like a
// bcrypt hash ("$2a$", "$2b$", "$2x$", "$2y$" followed by a two-digit cost) is checked with
// bcrypt; anything else is compared as plain text, in constant time.
#ifndef NATRIUM_ENGINE_AUTH_PASSWORD_H_
#define NATRIUM_ENGINE_AUTH_PASSWORD_H_

#include "absl/strings/string_view.h"

namespace na::auth {

bool IsBcrypt(absl::string_view configured);

// True when `given` (from CONNECT) matches `configured` (from the server's options).
bool PasswordMatches(absl::string_view configured, absl::string_view given);

// Constant-time equality for secrets (the time depends only on the lengths).
bool ConstantTimeEquals(absl::string_view a, absl::string_view b);

}  // namespace na::auth

#endif  // NATRIUM_ENGINE_AUTH_PASSWORD_H_
