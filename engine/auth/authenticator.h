// Authentication: who a connection is, and what it may do.
//
// A connection hands the credentials from its CONNECT to an Authenticator and gets back an
// Identity (the user name for logs and /connz, compiled permissions, the account name) or a
// refusal. The simple authenticator (single user, token, users list) is the only one today;
// nkeys, JWT/operator mode and TLS certificate mapping will be further implementations of the
// same interface, which is why Credentials already carries their fields.
//
// Authenticators are immutable after construction and shared by every connection of a node.
#ifndef NATRIUM_ENGINE_AUTH_AUTHENTICATOR_H_
#define NATRIUM_ENGINE_AUTH_AUTHENTICATOR_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "engine/auth/permissions.h"

namespace na::auth {

// What a client presented in CONNECT. Views are valid only for the Authenticate() call.
struct Credentials {
  absl::string_view user;
  absl::string_view pass;
  absl::string_view token;  // CONNECT "auth_token"
  absl::string_view nkey;   // not used yet
  absl::string_view sig;    // not used yet
  absl::string_view jwt;    // not used yet
};

struct Identity {
  std::string user;                                // empty for token auth
  std::shared_ptr<const Permissions> permissions;  // null = everything allowed
  std::string account;                             // empty = the global account
};

class Authenticator {
 public:
  virtual ~Authenticator() = default;

  // True when clients must present credentials (INFO says auth_required, ops before CONNECT
  // are refused, the authorization timer runs).
  virtual bool Required() const = 0;

  // True when the refusal log line names the user ("authentication error - User \"a\"").
  virtual bool LogsUser() const = 0;

  // The identity for a client that sent credentials, or nullopt when they are refused.
  virtual std::optional<Identity> Authenticate(const Credentials& credentials) const = 0;

  // The identity bound to connections that present nothing (no_auth_user), if configured.
  virtual std::optional<Identity> NoAuthIdentity() const = 0;
};

}  // namespace na::auth

#endif  // NATRIUM_ENGINE_AUTH_AUTHENTICATOR_H_
