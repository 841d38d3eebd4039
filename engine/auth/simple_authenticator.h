// The authenticator for plain server options: a single user/password, a token, or a users list
// with per-user permissions and default_permissions, plus no_auth_user (nats-reference.md §6).
// The precedence is the reference's: a users list first, then the token, then the single user.
#ifndef NATRIUM_ENGINE_AUTH_SIMPLE_AUTHENTICATOR_H_
#define NATRIUM_ENGINE_AUTH_SIMPLE_AUTHENTICATOR_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/container/btree_map.h"
#include "engine/auth/authenticator.h"
#include "engine/node/options.h"

namespace na::auth {

class SimpleAuthenticator final : public Authenticator {
 public:
  explicit SimpleAuthenticator(const node::AuthOptions& options);

  bool Required() const override { return required_; }
  bool LogsUser() const override { return !users_.empty(); }
  std::optional<Identity> Authenticate(const Credentials& credentials) const override;
  std::optional<Identity> NoAuthIdentity() const override;

 private:
  struct UserEntry {
    std::string password;
    Identity identity;
  };

  bool required_ = false;
  std::string single_user_;
  std::string single_password_;
  std::string token_;
  absl::btree_map<std::string, UserEntry> users_;
  std::string no_auth_user_;
};

}  // namespace na::auth

#endif  // NATRIUM_ENGINE_AUTH_SIMPLE_AUTHENTICATOR_H_
