#include "server/options_from_config.h"

#include "gtest/gtest.h"
#include "server/config/config_parser.h"

namespace na::server {
namespace {

absl::Status Apply(absl::string_view text, Settings* settings) {
  absl::StatusOr<config::ConfigValue> root =
      config::ParseConfigText(text, "t.conf", nullptr, nullptr);
  if (!root.ok()) return root.status();
  return ApplyConfig(*root, settings);
}

TEST(OptionsFromConfigTest, CoreKeys) {
  Settings s;
  ASSERT_TRUE(Apply(R"(
    listen: 127.0.0.1:4333
    server_name: srv1
    max_payload: 2MB
    max_pending: 128MB
    max_control_line: 8kb
    max_connections: 100
    max_subs: 10
    ping_interval: "30s"
    ping_max: 3
    write_deadline: "3s"
    debug: true
    trace: false
    logfile: "/tmp/n.log"
    pidfile: "/tmp/n.pid"
    ports_file_dir: "/tmp"
    http: "127.0.0.1:8222"
    authorization {
      users = [
        {user: a, password: b, permissions: {publish: "foo", subscribe: {allow: ["x"], deny: "y"},
                                             allow_responses: {max: 2, expires: "1m"}}}
        {user: c, password: d}
      ]
      timeout: 1.5
    }
  )",
                    &s)
                  .ok());
  const node::Options& o = s.node;
  EXPECT_EQ(o.host, "127.0.0.1");
  EXPECT_EQ(o.port, 4333);
  EXPECT_EQ(o.server_name, "srv1");
  EXPECT_EQ(o.max_payload_bytes, 2 << 20);
  EXPECT_EQ(o.max_pending_bytes, 128 << 20);
  EXPECT_EQ(o.max_control_line_bytes, 8192);
  EXPECT_EQ(o.max_connections, 100);
  EXPECT_EQ(o.max_subscriptions, 10);
  EXPECT_EQ(o.ping_interval_ns, 30'000'000'000);
  EXPECT_EQ(o.ping_max, 3);
  EXPECT_EQ(o.write_deadline_ns, 3'000'000'000);
  EXPECT_TRUE(o.debug);
  EXPECT_EQ(s.log_file, "/tmp/n.log");
  EXPECT_EQ(s.pid_file, "/tmp/n.pid");
  EXPECT_EQ(s.ports_file_dir, "/tmp");
  EXPECT_EQ(o.http_host, "127.0.0.1");
  EXPECT_TRUE(s.http_host_set);
  EXPECT_EQ(o.http_port, 8222);
  EXPECT_EQ(o.auth.timeout_ns, 1'500'000'000);
  ASSERT_EQ(o.auth.users.size(), 2u);
  const node::User& a = o.auth.users[0];
  EXPECT_EQ(a.username, "a");
  ASSERT_TRUE(a.permissions.has_value());
  EXPECT_EQ(a.permissions->publish->allow, std::vector<std::string>{"foo"});
  EXPECT_EQ(a.permissions->subscribe->allow, std::vector<std::string>{"x"});
  EXPECT_EQ(a.permissions->subscribe->deny, std::vector<std::string>{"y"});
  EXPECT_EQ(a.permissions->allow_responses->max_msgs, 2);
  EXPECT_EQ(a.permissions->allow_responses->expires_ns, 60'000'000'000);
  EXPECT_FALSE(o.auth.users[1].permissions.has_value());
  EXPECT_TRUE(s.warnings.empty());
}

TEST(OptionsFromConfigTest, KeysAreCaseInsensitiveAndPortAloneWorks) {
  Settings s;
  ASSERT_TRUE(Apply("PORT: 4555\nHttp_Port: 8333\nAuthorization { Token: s3cr3t }\n", &s).ok());
  EXPECT_EQ(s.node.port, 4555);
  EXPECT_EQ(s.node.http_port, 8333);
  EXPECT_EQ(s.node.auth.token, "s3cr3t");
  EXPECT_FALSE(s.http_host_set);
}

TEST(OptionsFromConfigTest, UnknownKeysAreLocatedErrorsLikeTheReference) {
  Settings s;
  // nats-server: "bad2.conf:2:3: unknown field \"bogus_key\"".
  absl::Status st = Apply("port: 4333\n  bogus_key: 5\n", &s);
  EXPECT_EQ(st.message(), "t.conf:2:3: unknown field \"bogus_key\"");
  // Inside inline maps nats-server's columns are one less (1:49 and 1:85 here); the columns
  // come from server/config, which counts every key 1-based.
  st = Apply("authorization { users = [ {user: a, password: b, bogus: 1} ] }\n", &s);
  EXPECT_EQ(st.message(), "t.conf:1:50: unknown field \"bogus\"");
  st = Apply(
      "authorization { users = [ {user: a, password: b, permissions: {publish: {allow: \"a\", "
      "bogus: 1}}} ] }\n",
      &s);
  EXPECT_EQ(st.message(),
            "t.conf:1:86: Unknown field name \"bogus\" parsing subject permissions, only 'allow' "
            "or 'deny' are permitted");
}

TEST(OptionsFromConfigTest, EveryErrorIsReported) {
  Settings s;
  absl::Status st = Apply("ping_interval: 30\nauthorization {\n  bogus: 1\n}\n", &s);
  EXPECT_EQ(st.message(),
            "t.conf:1:1: invalid use of field \"ping_interval\": ping_interval should be "
            "converted to a duration\nt.conf:3:3: unknown field \"bogus\"");
}

TEST(OptionsFromConfigTest, DurationInSecondsIsAWarningAlone) {
  Settings s;
  ASSERT_TRUE(Apply("ping_interval: 90\nwrite_deadline: 3\n", &s).ok());
  EXPECT_EQ(s.node.ping_interval_ns, 90'000'000'000);
  EXPECT_EQ(s.node.write_deadline_ns, 3'000'000'000);
  ASSERT_EQ(s.config_warnings.size(), 2u);
  EXPECT_EQ(s.config_warnings[0],
            "t.conf:1:1: invalid use of field \"ping_interval\": ping_interval should be "
            "converted to a duration");
}

TEST(OptionsFromConfigTest, AuthConflictsLikeTheReference) {
  Settings s;
  EXPECT_EQ(Apply("authorization { user: a, password: b, users: [{user: c, password: d}] }", &s)
                .message(),
            "t.conf:1:0: Can not have a single user/pass and a users array");
  Settings t;
  EXPECT_EQ(Apply("authorization { token: t, user: a, password: b }", &t).message(),
            "t.conf:1:0: Cannot have a user/pass and token");
}

TEST(OptionsFromConfigTest, LaterKeysWarnAndAreNotApplied) {
  Settings s;
  ASSERT_TRUE(
      Apply("port: 1\njetstream: enabled\ncluster { name: c1 }\ntls {}\naccounts {}\n", &s).ok());
  ASSERT_EQ(s.warnings.size(), 4u);
  EXPECT_EQ(s.warnings[0], "t.conf:2:1: \"jetstream\" is not supported yet, ignoring it");
  EXPECT_EQ(s.warnings[1], "t.conf:3:1: \"cluster\" is not supported yet, ignoring it");
}

TEST(OptionsFromConfigTest, WrongTypesAreErrors) {
  Settings s;
  EXPECT_FALSE(Apply("port: \"abc\"\n", &s).ok());
  EXPECT_FALSE(Apply("debug: 5\n", &s).ok());
  EXPECT_FALSE(Apply("write_deadline: \"soon\"\n", &s).ok());
}

TEST(OptionsFromConfigTest, FlagsOverrideConfig) {
  Settings s;
  ASSERT_TRUE(Apply("port: 4333\nserver_name: cfg\ndebug: true\n", &s).ok());
  Flags f;
  f.port = 5555;
  f.debug = false;
  f.user = "u";
  f.pass = "p";
  f.unsupported.insert("--cluster_name");
  ApplyFlags(f, &s);
  EXPECT_EQ(s.node.port, 5555);
  EXPECT_EQ(s.node.server_name, "cfg");  // not given on the command line: the config stays
  EXPECT_FALSE(s.node.debug);
  EXPECT_EQ(s.node.auth.user, "u");
  EXPECT_EQ(s.node.auth.password, "p");
  ASSERT_EQ(s.warnings.size(), 1u);
  EXPECT_EQ(s.warnings[0], "Flag --cluster_name is not supported yet, ignoring it");
}

TEST(OptionsFromConfigTest, ValidationMessages) {
  Settings s;
  s.node.max_payload_bytes = 1 << 20;
  s.node.max_pending_bytes = 262144;
  EXPECT_EQ(Validate(s).message(),
            "max_payload (1048576) cannot be higher than max_pending (262144)");
  Settings t;
  t.node.auth.no_auth_user = "zz";
  t.node.auth.users.push_back(node::User{"a", "b", std::nullopt, ""});
  EXPECT_EQ(Validate(t).message(),
            "no_auth_user: \"zz\" not present as user in authorization block or account "
            "configuration");
  EXPECT_TRUE(Validate(Settings()).ok());
}

}  // namespace
}  // namespace na::server
