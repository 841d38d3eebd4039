#include "engine/auth/simple_authenticator.h"

#include "gtest/gtest.h"

namespace na::auth {
namespace {

Credentials UserPass(absl::string_view user, absl::string_view pass) {
  Credentials c;
  c.user = user;
  c.pass = pass;
  return c;
}

TEST(SimpleAuthenticatorTest, NoAuthConfiguredAcceptsEveryone) {
  SimpleAuthenticator auth(node::AuthOptions{});
  EXPECT_FALSE(auth.Required());
  EXPECT_TRUE(auth.Authenticate(Credentials{}).has_value());
}

TEST(SimpleAuthenticatorTest, SingleUser) {
  node::AuthOptions options;
  options.user = "u";
  options.password = "p";
  SimpleAuthenticator auth(options);
  EXPECT_TRUE(auth.Required());
  EXPECT_FALSE(auth.LogsUser());
  Credentials good = UserPass("u", "p");
  ASSERT_TRUE(auth.Authenticate(good).has_value());
  EXPECT_EQ(auth.Authenticate(good)->user, "u");
  EXPECT_FALSE(auth.Authenticate(UserPass("u", "x")).has_value());
  EXPECT_FALSE(auth.Authenticate(UserPass("v", "p")).has_value());
  EXPECT_FALSE(auth.Authenticate(Credentials{}).has_value());
}

TEST(SimpleAuthenticatorTest, Token) {
  node::AuthOptions options;
  options.token = "s3cr3t";
  SimpleAuthenticator auth(options);
  Credentials good;
  good.token = "s3cr3t";
  EXPECT_TRUE(auth.Authenticate(good).has_value());
  Credentials bad;
  bad.token = "nope";
  EXPECT_FALSE(auth.Authenticate(bad).has_value());
}

TEST(SimpleAuthenticatorTest, UsersWithPermissionsDefaultsAndNoAuthUser) {
  node::AuthOptions options;
  node::User a;
  a.username = "a";
  a.password = "pa";
  a.permissions = node::Permissions{};
  a.permissions->publish = node::SubjectPermission{{"a.>"}, {}};
  node::User b;
  b.username = "b";
  b.password = "pb";
  options.users = {a, b};
  options.default_permissions = node::Permissions{};
  options.default_permissions->publish = node::SubjectPermission{{"d.>"}, {}};
  options.no_auth_user = "b";
  SimpleAuthenticator auth(options);
  EXPECT_TRUE(auth.LogsUser());

  auto ia = auth.Authenticate(UserPass("a", "pa"));
  ASSERT_TRUE(ia.has_value());
  ASSERT_NE(ia->permissions, nullptr);
  EXPECT_TRUE(ia->permissions->PublishAllowed("a.1"));
  EXPECT_FALSE(ia->permissions->PublishAllowed("d.1"));

  auto ib = auth.Authenticate(Credentials{});  // nothing presented: no_auth_user
  ASSERT_TRUE(ib.has_value());
  EXPECT_EQ(ib->user, "b");
  ASSERT_NE(ib->permissions, nullptr);
  EXPECT_TRUE(ib->permissions->PublishAllowed("d.1"));

  EXPECT_FALSE(auth.Authenticate(UserPass("a", "pb")).has_value());
  EXPECT_FALSE(auth.Authenticate(UserPass("zed", "pa")).has_value());
  ASSERT_TRUE(auth.NoAuthIdentity().has_value());
}

}  // namespace
}  // namespace na::auth
