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

// The messages nats-server 2.9.10 logged for these CONNECT arguments (Go's encoding/json).
TEST(ConnectOptionsTest, ErrorsReadAsGoEncodingJson) {
  const std::pair<const char*, const char*> cases[] = {
      {"{bad}", "invalid character 'b' looking for beginning of object key string"},
      {R"({"verbose":"yes"})",
       "json: cannot unmarshal string into Go struct field ClientOpts.verbose of type bool"},
      {R"({"protocol":1.5})",
       "json: cannot unmarshal number 1.5 into Go struct field ClientOpts.protocol of type int"},
      {R"({"verbose" 1})", "invalid character '1' after object key"},
      {R"({"a":1 "b"})", "invalid character '\"' after object key:value pair"},
      {R"({"a":tru})", "invalid character '}' in literal true (expecting 'e')"},
      {R"({"a":fx})", "invalid character 'x' in literal false (expecting 'a')"},
      {R"("x")", "json: cannot unmarshal string into Go value of type server.ClientOpts"},
      {R"({"a":"\q"})", "invalid character 'q' in string escape code"},
      {R"({"a":"\u12x4"})", "invalid character 'x' in \\u hexadecimal character escape"},
      {R"({"a":1}x)", "invalid character 'x' after top-level value"},
      {R"({"a":[1 2]})", "invalid character '2' after array element"},
      {"{'a':1}", "invalid character '\\'' looking for beginning of object key string"},
      {R"({"name":1})",
       "json: cannot unmarshal number into Go struct field ClientOpts.name of type string"},
      {R"({"a":)", "unexpected end of JSON input"},
      {R"({"VERBOSE":[]})",
       "json: cannot unmarshal array into Go struct field ClientOpts.verbose of type bool"},
      {"\r", "unexpected end of JSON input"},  // "CONNECT\r\n": the argument is "\r"
      {"\x01", "invalid character '\\x01' looking for beginning of value"},
      {R"({"protocol":true})",
       "json: cannot unmarshal bool into Go struct field ClientOpts.protocol of type int"},
  };
  for (const auto& [json, want] : cases) {
    ConnectOptions o;
    EXPECT_EQ(std::string(ApplyConnectJson(json, &o).message()), want) << json;
  }
  EXPECT_TRUE(CheckJsonSyntax(R"({"port":"x"})").ok());
  EXPECT_EQ(std::string(CheckJsonSyntax("{x").message()),
            "invalid character 'x' looking for beginning of object key string");
}

}  // namespace
}  // namespace na::client
