#include "engine/auth/simple_authenticator.h"

#include "engine/auth/password.h"

namespace na::auth {

SimpleAuthenticator::SimpleAuthenticator(const node::AuthOptions& options)
    : required_(options.Required()),
      single_user_(options.user),
      single_password_(options.password),
      token_(options.token),
      no_auth_user_(options.no_auth_user) {
  std::shared_ptr<const Permissions> defaults;
  if (options.default_permissions.has_value()) {
    defaults = Permissions::Compile(*options.default_permissions);
  }
  for (const node::User& user : options.users) {
    UserEntry entry;
    entry.password = user.password;
    entry.identity.user = user.username;
    entry.identity.account = user.account;
    entry.identity.permissions =
        user.permissions.has_value() ? Permissions::Compile(*user.permissions) : defaults;
    users_[user.username] = std::move(entry);
  }
}

std::optional<Identity> SimpleAuthenticator::Authenticate(const Credentials& credentials) const {
  if (!required_) return Identity{};
  if (!users_.empty()) {
    absl::string_view user = credentials.user;
    absl::string_view pass = credentials.pass;
    if (user.empty() && pass.empty() && credentials.token.empty() && !no_auth_user_.empty()) {
      auto it = users_.find(no_auth_user_);
      if (it != users_.end()) return it->second.identity;
    }
    if (!user.empty()) {
      auto it = users_.find(std::string(user));
      if (it == users_.end()) return std::nullopt;
      if (!PasswordMatches(it->second.password, pass)) return std::nullopt;
      return it->second.identity;
    }
  }
  if (!token_.empty()) {
    if (!PasswordMatches(token_, credentials.token)) return std::nullopt;
    return Identity{};
  }
  if (!single_user_.empty()) {
    if (!ConstantTimeEquals(single_user_, credentials.user)) return std::nullopt;
    if (!PasswordMatches(single_password_, credentials.pass)) return std::nullopt;
    Identity identity;
    identity.user = single_user_;
    return identity;
  }
  return std::nullopt;
}

std::optional<Identity> SimpleAuthenticator::NoAuthIdentity() const {
  if (no_auth_user_.empty()) return std::nullopt;
  auto it = users_.find(no_auth_user_);
  if (it == users_.end()) return std::nullopt;
  return it->second.identity;
}

}  // namespace na::auth
