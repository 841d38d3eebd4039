#include "engine/client/connect_options.h"

#include "gtest/gtest.h"

namespace na::client {
namespace {

TEST(ConnectOptionsTest, DefaultsAreVerbosePedanticEcho) {
  ConnectOptions o;
  ASSERT_TRUE(ApplyConnectJson("{}", &o).ok());
  EXPECT_TRUE(o.verbose);
  EXPECT_TRUE(o.pedantic);
  EXPECT_TRUE(o.echo);
  EXPECT_FALSE(o.headers);
  EXPECT_EQ(o.protocol, 0);
}

TEST(ConnectOptionsTest, ParsesKnownKeysIgnoresUnknownAndMatchesCaseInsensitively) {
  ConnectOptions o;
  ASSERT_TRUE(ApplyConnectJson(R"({"Verbose":false,"headers":true,"no_responders":true,)"
                               R"("protocol":1,"name":"n","lang":"go","version":"1.2",)"
                               R"("user":"u","pass":"p","auth_token":"t","extra":[1,2]})",
                               &o)
                  .ok());
  EXPECT_FALSE(o.verbose);
  EXPECT_TRUE(o.headers);
  EXPECT_TRUE(o.no_responders);
  EXPECT_EQ(o.protocol, 1);
  EXPECT_EQ(o.name, "n");
  EXPECT_EQ(o.lang, "go");
  EXPECT_EQ(o.version, "1.2");
  EXPECT_EQ(o.user, "u");
  EXPECT_EQ(o.pass, "p");
  EXPECT_EQ(o.auth_token, "t");
}

TEST(ConnectOptionsTest, SecondConnectKeepsKeysItLeavesOut) {
  ConnectOptions o;
  ASSERT_TRUE(ApplyConnectJson(R"({"verbose":false,"name":"first"})", &o).ok());
  ASSERT_TRUE(ApplyConnectJson(R"({"name":"second","verbose":null})", &o).ok());
  EXPECT_FALSE(o.verbose);
  EXPECT_EQ(o.name, "second");
}

TEST(ConnectOptionsTest, RejectsBadJsonAndWrongTypes) {
  ConnectOptions o;
  EXPECT_FALSE(ApplyConnectJson("{bad", &o).ok());
  EXPECT_FALSE(ApplyConnectJson("{} x", &o).ok());
  EXPECT_FALSE(ApplyConnectJson("[1]", &o).ok());
  EXPECT_FALSE(ApplyConnectJson(R"({"verbose":"yes"})", &o).ok());
  EXPECT_FALSE(ApplyConnectJson(R"({"protocol":1.5})", &o).ok());
}

}  // namespace
}  // namespace na::client
