// The monitoring JSON, checked against what nats-server 2.9.10 returned for the same situation
// (key sets and order copied from `curl` against the reference on loopback, see README.md).
#include "engine/monitor/monitor.h"

#include <map>
#include <string>
#include <vector>

#include "engine/io/null_effects.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"

namespace na::monitor {
namespace {

using io::NullEffects;

std::vector<std::string> Keys(const rapidjson::Value& object) {
  std::vector<std::string> keys;
  for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) {
    keys.emplace_back(it->name.GetString(), it->name.GetStringLength());
  }
  return keys;
}

class MonitorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    node::Options options;
    options.host = "127.0.0.1";
    options.port = 14333;
    options.start_wall_ns = kStart;
    node_ = std::make_unique<node::Node>(options, 7);
    rt_.now_wall_ns = kStart + 5'000'000'000;
    rt_.cores = 2;
    rt_.mem_bytes = 11857920;
  }
  io::Time Now() const { return io::Time{1'000'000, rt_.now_wall_ns}; }
  void Open(io::ConnId id) {
    node_->Step(Now(), io::ConnOpened{id, {io::ConnKind::kClient, "127.0.0.1", 40000 + int(id)}},
                fx_);
  }
  void In(io::ConnId id, absl::string_view bytes) {
    node_->Step(Now(), io::BytesIn{id, bytes}, fx_);
  }
  void PeerClosed(io::ConnId id) {
    node_->Step(Now(), io::ConnClosed{id, io::CloseCause::kEof}, fx_);
  }
  // The scene of the reference run: c1 with two subscriptions that got one message, and a
  // second client that connected and left.
  void Scene() {
    Open(1);
    In(1,
       "CONNECT {\"name\":\"c1\",\"lang\":\"py\",\"version\":\"1.0\",\"verbose\":false}\r\n"
       "SUB foo 1\r\nSUB bar q 2\r\nPUB foo 2\r\nhi\r\nPING\r\n");
    Open(2);
    In(2, "CONNECT {\"verbose\":false}\r\nPING\r\n");
    PeerClosed(2);
  }
  Response Get(absl::string_view path, Query query = {}) {
    return monitor_.Handle(*node_, rt_, path, query);
  }
  rapidjson::Document Parse(const Response& r) {
    rapidjson::Document doc;
    doc.Parse(r.body.data(), r.body.size());
    EXPECT_FALSE(doc.HasParseError()) << r.body;
    return doc;
  }

  static constexpr int64_t kStart = 1795327333324479200;
  std::unique_ptr<node::Node> node_;
  NullEffects fx_;
  RuntimeInfo rt_;
  Monitor monitor_{MonitorConfig{14333, 18222, 0}};
};

TEST_F(MonitorTest, VarzHasTheReferenceKeysInOrder) {
  Scene();
  Response r = Get("/varz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/json");
  rapidjson::Document doc = Parse(r);
  const std::vector<std::string> expected = {"server_id",
                                             "server_name",
                                             "version",
                                             "proto",
                                             "go",
                                             "host",
                                             "port",
                                             "max_connections",
                                             "ping_interval",
                                             "ping_max",
                                             "http_host",
                                             "http_port",
                                             "http_base_path",
                                             "https_port",
                                             "auth_timeout",
                                             "max_control_line",
                                             "max_payload",
                                             "max_pending",
                                             "cluster",
                                             "gateway",
                                             "leaf",
                                             "mqtt",
                                             "websocket",
                                             "jetstream",
                                             "tls_timeout",
                                             "write_deadline",
                                             "start",
                                             "now",
                                             "uptime",
                                             "mem",
                                             "cores",
                                             "gomaxprocs",
                                             "cpu",
                                             "connections",
                                             "total_connections",
                                             "routes",
                                             "remotes",
                                             "leafnodes",
                                             "in_msgs",
                                             "out_msgs",
                                             "in_bytes",
                                             "out_bytes",
                                             "slow_consumers",
                                             "subscriptions",
                                             "http_req_stats",
                                             "config_load_time",
                                             "system_account"};
  EXPECT_EQ(Keys(doc), expected);
  EXPECT_EQ(std::string(doc["start"].GetString()), "2026-11-22T06:02:13.3244792Z");
  EXPECT_EQ(std::string(doc["uptime"].GetString()), "5s");
  EXPECT_EQ(doc["port"].GetInt(), 14333);
  EXPECT_EQ(doc["http_port"].GetInt(), 18222);
  EXPECT_EQ(doc["connections"].GetInt(), 1);
  EXPECT_EQ(doc["total_connections"].GetInt(), 2);
  EXPECT_EQ(doc["in_msgs"].GetInt(), 1);
  EXPECT_EQ(doc["out_msgs"].GetInt(), 1);
  EXPECT_EQ(doc["in_bytes"].GetInt(), 2);
  EXPECT_EQ(doc["subscriptions"].GetInt(), 2);
  EXPECT_EQ(doc["ping_interval"].GetInt64(), 120000000000);
  EXPECT_EQ(doc["auth_timeout"].GetInt(), 2);
  EXPECT_EQ(doc["http_req_stats"]["/varz"].GetInt(), 1);
  // Go's MarshalIndent layout.
  EXPECT_NE(r.body.find("\n  \"server_id\": \""), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("\"cluster\": {},"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("\"cpu\": 0,"), std::string::npos) << r.body;
}

TEST_F(MonitorTest, VarzShowsAuthAndMaxSubscriptionsOnlyWhenSet) {
  node::Options options;
  options.auth.user = "a";
  options.auth.password = "b";
  options.max_subscriptions = 10;
  node_ = std::make_unique<node::Node>(options, 7);
  rapidjson::Document doc = Parse(Get("/varz"));
  std::vector<std::string> keys = Keys(doc);
  ASSERT_GE(keys.size(), 10u);
  EXPECT_EQ(keys[7], "auth_required");
  EXPECT_EQ(keys[9], "max_subscriptions");
  EXPECT_EQ(doc["max_subscriptions"].GetInt(), 10);
}

TEST_F(MonitorTest, ConnzOpenWithSubsDetail) {
  Scene();
  rapidjson::Document doc = Parse(Get("/connz", {{"subs", "detail"}}));
  EXPECT_EQ(Keys(doc), (std::vector<std::string>{"server_id", "now", "num_connections", "total",
                                                 "offset", "limit", "connections"}));
  EXPECT_EQ(doc["num_connections"].GetInt(), 1);
  EXPECT_EQ(doc["limit"].GetInt(), 1024);
  const rapidjson::Value& c = doc["connections"][0];
  EXPECT_EQ(Keys(c), (std::vector<std::string>{
                         "cid",      "kind",     "type",          "ip",
                         "port",     "start",    "last_activity", "rtt",
                         "uptime",   "idle",     "pending_bytes", "in_msgs",
                         "out_msgs", "in_bytes", "out_bytes",     "subscriptions",
                         "name",     "lang",     "version",       "subscriptions_list_detail"}));
  EXPECT_EQ(std::string(c["kind"].GetString()), "Client");
  EXPECT_EQ(std::string(c["type"].GetString()), "nats");
  EXPECT_EQ(c["port"].GetInt(), 40001);
  const rapidjson::Value& detail = c["subscriptions_list_detail"];
  ASSERT_EQ(detail.Size(), 2u);
  EXPECT_EQ(Keys(detail[0]), (std::vector<std::string>{"subject", "sid", "msgs", "cid"}));
  EXPECT_EQ(Keys(detail[1]), (std::vector<std::string>{"subject", "qgroup", "sid", "msgs", "cid"}));
  EXPECT_EQ(detail[0]["msgs"].GetInt(), 1);
}

TEST_F(MonitorTest, ConnzClosedAndAnyWithPaging) {
  Scene();
  rapidjson::Document closed = Parse(Get("/connz", {{"state", "closed"}, {"subs", "1"}}));
  ASSERT_EQ(closed["connections"].Size(), 1u);
  const rapidjson::Value& c = closed["connections"][0];
  EXPECT_EQ(Keys(c), (std::vector<std::string>{"cid", "kind", "type", "ip", "port", "start",
                                               "last_activity", "stop", "reason", "rtt", "uptime",
                                               "idle", "pending_bytes", "in_msgs", "out_msgs",
                                               "in_bytes", "out_bytes", "subscriptions"}));
  EXPECT_EQ(std::string(c["reason"].GetString()), "Client Closed");

  rapidjson::Document any =
      Parse(Get("/connz", {{"state", "any"}, {"limit", "1"}, {"offset", "1"}}));
  EXPECT_EQ(any["total"].GetInt(), 2);
  EXPECT_EQ(any["num_connections"].GetInt(), 1);
  EXPECT_EQ(any["offset"].GetInt(), 1);
  EXPECT_EQ(any["limit"].GetInt(), 1);
  EXPECT_EQ(any["connections"][0]["cid"].GetInt(), 2);

  rapidjson::Document plain = Parse(Get("/connz", {{"subs", "1"}}));
  const rapidjson::Value& list = plain["connections"][0]["subscriptions_list"];
  ASSERT_EQ(list.Size(), 2u);
  EXPECT_EQ(std::string(list[0].GetString()), "foo");
}

TEST_F(MonitorTest, ConnzErrorsReadLikeTheReference) {
  struct Case {
    Query query;
    std::string body;
  };
  const std::vector<Case> cases = {
      {{{"state", "bogus"}}, "Error decoding state for bogus"},
      {{{"sort", "bogus"}}, "invalid sorting option: bogus"},
      {{{"sort", "stop"}}, "sort by stop only valid on closed connections"},
      {{{"limit", "abc"}},
       "Error decoding int for 'limit': strconv.Atoi: parsing \"abc\": invalid syntax"},
      {{{"subs", "abc"}},
       "Error decoding boolean for 'subs': strconv.ParseBool: parsing \"abc\": invalid syntax"},
      {{{"cid", "abc"}},
       "Error decoding uint64 for 'cid': strconv.ParseUint: parsing \"abc\": invalid syntax"},
  };
  for (const Case& c : cases) {
    Response r = Get("/connz", c.query);
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.content_type, "text/plain; charset=utf-8");
    EXPECT_EQ(r.body, c.body);
  }
  // Out-of-range paging falls back to the defaults, as in the reference.
  rapidjson::Document doc = Parse(Get("/connz", {{"offset", "-1"}, {"limit", "0"}}));
  EXPECT_EQ(doc["offset"].GetInt(), 0);
  EXPECT_EQ(doc["limit"].GetInt(), 1024);
}

TEST_F(MonitorTest, ConnzSortsByMessagesDescending) {
  Open(1);
  In(1, "CONNECT {\"verbose\":false}\r\nPUB x 1\r\na\r\n");
  Open(2);
  In(2, "CONNECT {\"verbose\":false}\r\nPUB x 1\r\na\r\nPUB x 1\r\na\r\n");
  rapidjson::Document doc = Parse(Get("/connz", {{"sort", "msgs_from"}}));
  ASSERT_EQ(doc["connections"].Size(), 2u);
  EXPECT_EQ(doc["connections"][0]["cid"].GetInt(), 2);
  EXPECT_EQ(doc["connections"][1]["cid"].GetInt(), 1);
}

TEST_F(MonitorTest, SubszPlainIsStatsOnly) {
  Scene();
  Response r = Get("/subsz");
  rapidjson::Document doc = Parse(r);
  EXPECT_EQ(Keys(doc), (std::vector<std::string>{"num_subscriptions", "num_cache", "num_inserts",
                                                 "num_removes", "num_matches", "cache_hit_rate",
                                                 "max_fanout", "avg_fanout"}));
  EXPECT_EQ(doc["num_subscriptions"].GetInt(), 2);
  // The alias answers the same.
  EXPECT_EQ(Get("/subscriptionsz").body, r.body);
}

TEST_F(MonitorTest, SubszWithSubsAndTest) {
  Scene();
  rapidjson::Document doc = Parse(Get("/subsz", {{"subs", "1"}, {"test", "foo"}}));
  EXPECT_EQ(Keys(doc), (std::vector<std::string>{
                           "server_id", "now", "num_subscriptions", "num_cache", "num_inserts",
                           "num_removes", "num_matches", "cache_hit_rate", "max_fanout",
                           "avg_fanout", "total", "offset", "limit", "subscriptions_list"}));
  EXPECT_EQ(doc["total"].GetInt(), 1);
  const rapidjson::Value& s = doc["subscriptions_list"][0];
  EXPECT_EQ(Keys(s), (std::vector<std::string>{"account", "subject", "sid", "msgs", "cid"}));
  EXPECT_EQ(std::string(s["account"].GetString()), "$G");
  EXPECT_EQ(std::string(s["subject"].GetString()), "foo");
  EXPECT_EQ(s["cid"].GetInt(), 1);

  Response bad = Get("/subsz", {{"test", "foo.*"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body, "invalid test subject, must be valid publish subject: foo.*");
}

TEST_F(MonitorTest, EmptyShapesOfLaterFeatures) {
  EXPECT_EQ(
      Keys(Parse(Get("/gatewayz"))),
      (std::vector<std::string>{"server_id", "now", "outbound_gateways", "inbound_gateways"}));
  rapidjson::Document leafz = Parse(Get("/leafz"));
  EXPECT_EQ(Keys(leafz), (std::vector<std::string>{"server_id", "now", "leafnodes", "leafs"}));
  EXPECT_TRUE(leafz["leafs"].IsNull());
  rapidjson::Document jsz = Parse(Get("/jsz"));
  EXPECT_EQ(Keys(jsz), (std::vector<std::string>{"server_id", "now", "disabled", "config", "memory",
                                                 "storage", "reserved_memory", "reserved_storage",
                                                 "accounts", "ha_assets", "api", "streams",
                                                 "consumers", "messages", "bytes"}));
  EXPECT_TRUE(jsz["disabled"].GetBool());
  EXPECT_EQ(Keys(Parse(Get("/accountz"))),
            (std::vector<std::string>{"server_id", "now", "system_account", "accounts"}));
  EXPECT_EQ(Keys(Parse(Get("/accstatz"))),
            (std::vector<std::string>{"server_id", "now", "account_statz"}));
}

TEST_F(MonitorTest, RoutezHealthzIndexAndNotFound) {
  rapidjson::Document routez = Parse(Get("/routez"));
  EXPECT_EQ(Keys(routez), (std::vector<std::string>{"server_id", "now", "num_routes", "routes"}));
  EXPECT_EQ(Get("/healthz").body, "{\"status\":\"ok\"}");
  Response index = Get("/");
  EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
  EXPECT_NE(index.body.find("./varz"), std::string::npos);
  Response missing = Get("/nosuch");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body, "404 page not found\n");
  rapidjson::Document varz = Parse(Get("/varz"));
  EXPECT_EQ(varz["http_req_stats"]["/routez"].GetInt(), 1);
  EXPECT_EQ(varz["http_req_stats"]["/healthz"].GetInt(), 1);
  EXPECT_FALSE(varz["http_req_stats"].HasMember("/nosuch"));
}

}  // namespace
}  // namespace na::monitor

namespace na::monitor {
namespace {

TEST(MonitorBasePathTest, RoutesUnderTheBasePathOnly) {
  node::Options options;
  options.http_base_path = "/nats/";
  node::Node node(options, 3);
  Monitor monitor(MonitorConfig{4222, 8222, 0});
  RuntimeInfo rt;
  EXPECT_EQ(monitor.Handle(node, rt, "/nats/healthz", {}).body, "{\"status\":\"ok\"}");
  EXPECT_EQ(monitor.Handle(node, rt, "/nats/varz", {}).status, 200);
  EXPECT_EQ(monitor.Handle(node, rt, "/nats", {}).content_type, "text/html; charset=utf-8");
  EXPECT_EQ(monitor.Handle(node, rt, "/varz", {}).status, 404);
}

}  // namespace
}  // namespace na::monitor
