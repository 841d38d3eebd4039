// Node::EnterLameDuckMode / ClientConns / CloseClient and Node::Reload, driven with scripted
// inputs. Expected bytes were observed from nats-server 2.9.10 on loopback (server/
// server_binary_test.cc runs the same cases against both servers).
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "engine/io/testing/recording_effects.h"
#include "engine/node/node.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace na::node {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

using Recorder = io::RecordingEffects;

class LameDuckReloadTest : public ::testing::Test {
 protected:
  void Make(Options options) {
    options.host = "127.0.0.1";
    node_ = std::make_unique<Node>(std::move(options), 7);
  }
  io::Time Now() const { return io::Time{1'000'000'000, 1'700'000'000'000'000'000}; }
  void Open(io::ConnId conn) {
    node_->Step(Now(),
                io::ConnOpened{conn, io::ConnInfo{io::ConnKind::kClient, "127.0.0.1",
                                                  static_cast<int>(50000 + conn)}},
                fx_);
    Take(conn);
  }
  void In(io::ConnId conn, absl::string_view bytes) {
    node_->Step(Now(), io::BytesIn{conn, bytes}, fx_);
  }
  // What server/ does on SIGHUP once the new options are accepted.
  void Reload(Options options) {
    node_->Reload(std::move(options), Now(), fx_);
    node_->RecheckClientsAfterReload(Now(), fx_);
  }
  std::string Take(io::ConnId conn) {
    std::string s = std::move(fx_.out[conn]);
    fx_.out[conn].clear();
    return s;
  }

  std::unique_ptr<Node> node_;
  Recorder fx_;
};

TEST_F(LameDuckReloadTest, LdmInfoGoesOnlyToClientsPastTheirFirstPing) {
  Make(Options());
  Open(1);
  In(1, "CONNECT {\"protocol\":1,\"verbose\":false}\r\nPING\r\n");
  Open(2);
  In(2, "CONNECT {\"protocol\":1,\"verbose\":false}\r\n");  // no PING yet
  Open(3);
  In(3, "CONNECT {\"verbose\":false}\r\nPING\r\n");  // protocol 0
  Open(4);
  In(4, "PING\r\n");  // no CONNECT
  for (io::ConnId c = 1; c <= 4; ++c) Take(c);

  node_->EnterLameDuckMode(Now(), fx_);
  EXPECT_TRUE(node_->lame_duck());
  const std::string info = Take(1);
  EXPECT_TRUE(absl::StartsWith(info, "INFO {\"server_id\":\"")) << info;
  EXPECT_TRUE(
      absl::EndsWith(info, ",\"client_id\":1,\"client_ip\":\"127.0.0.1\",\"ldm\":true} \r\n"))
      << info;
  EXPECT_EQ(Take(2), "");
  EXPECT_EQ(Take(3), "");
  EXPECT_EQ(Take(4), "");
  EXPECT_TRUE(fx_.closes.empty());
}

TEST_F(LameDuckReloadTest, ClientsAreListedAndClosedOneByOne) {
  Make(Options());
  for (io::ConnId c : {3, 1, 2}) Open(c);
  EXPECT_THAT(node_->ClientConns(), ElementsAre(1, 2, 3));
  node_->CloseClient(Now(), 2, fx_);
  EXPECT_EQ(fx_.closes.count(2), 1u);
  EXPECT_EQ(fx_.closes.count(1), 0u);
  EXPECT_THAT(node_->ClientConns(), ElementsAre(1, 3));
  node_->CloseClient(Now(), 2, fx_);  // gone already: nothing happens
  EXPECT_EQ(node_->num_connections(), 2u);
  std::vector<ConnSnapshot> closed;
  node_->ListConnections(nullptr, &closed);
  ASSERT_EQ(closed.size(), 1u);
}

Options WithUsers(std::vector<User> users) {
  Options o;
  o.auth.users = std::move(users);
  return o;
}

User MakeUser(const std::string& name, std::vector<std::string> subscribe_allow) {
  User u;
  u.username = name;
  u.password = "p";
  if (!subscribe_allow.empty()) {
    Permissions p;
    p.subscribe = SubjectPermission{std::move(subscribe_allow), {}};
    u.permissions = p;
  }
  return u;
}

TEST_F(LameDuckReloadTest, ReloadRemovesRefusedSubscriptionsAndClosesRemovedUsers) {
  Make(WithUsers({MakeUser("a", {}), MakeUser("c", {"foo.>", "bar"})}));
  Open(1);
  In(1, "CONNECT {\"verbose\":false,\"user\":\"a\",\"pass\":\"p\"}\r\nSUB foo.x 1\r\nPING\r\n");
  Open(2);
  In(2,
     "CONNECT {\"verbose\":false,\"user\":\"c\",\"pass\":\"p\"}\r\nSUB foo.x 1\r\nSUB bar q 2\r\n"
     "SUB foo.y 3\r\nPING\r\n");
  EXPECT_EQ(Take(1), "PONG\r\n");
  EXPECT_EQ(Take(2), "PONG\r\n");

  Options next = WithUsers({MakeUser("b", {}), MakeUser("c", {"foo.y"})});
  next.max_payload_bytes = 2048;
  Reload(next);

  // a's user is gone: closed without a word.
  EXPECT_EQ(Take(1), "");
  EXPECT_EQ(fx_.closes.count(1), 1u);
  EXPECT_EQ(Take(2),
            "-ERR 'Permissions Violation for Subscription to \"foo.x\" (sid \"1\")'\r\n"
            "-ERR 'Permissions Violation for Subscription to \"bar\" (sid \"2\")'\r\n");
  EXPECT_EQ(fx_.closes.count(2), 0u);
  EXPECT_THAT(fx_.logs, testing::Contains("Removed sub \"bar\" (sid \"2\") for User \"c\" - "
                                          "not authorized"));
  In(2, "PUB foo.x 2\r\nno\r\nPUB foo.y 2\r\nhi\r\nPING\r\n");
  EXPECT_EQ(Take(2), "MSG foo.y 3 2\r\nhi\r\nPONG\r\n");

  // New clients see the new limits and the new users.
  node_->Step(Now(), io::ConnOpened{5, io::ConnInfo{io::ConnKind::kClient, "127.0.0.1", 50005}},
              fx_);
  EXPECT_THAT(Take(5), HasSubstr("\"max_payload\":2048,"));
  In(5, "CONNECT {\"verbose\":false,\"user\":\"b\",\"pass\":\"p\"}\r\nPING\r\n");
  EXPECT_EQ(Take(5), "PONG\r\n");
}

TEST_F(LameDuckReloadTest, ReloadWithChangedPasswordIsAnAuthorizationViolation) {
  Make(WithUsers({MakeUser("a", {})}));
  Open(1);
  In(1, "CONNECT {\"verbose\":false,\"user\":\"a\",\"pass\":\"p\"}\r\nPING\r\n");
  Take(1);
  User changed = MakeUser("a", {});
  changed.password = "q";
  Reload(WithUsers({changed}));
  EXPECT_EQ(Take(1), "-ERR 'Authorization Violation'\r\n");
  EXPECT_EQ(fx_.closes.count(1), 1u);
}

TEST_F(LameDuckReloadTest, ReloadWithoutAuthKeepsClientsAndSubscriptions) {
  Make(WithUsers({MakeUser("c", {"foo"})}));
  Open(1);
  In(1, "CONNECT {\"verbose\":false,\"user\":\"c\",\"pass\":\"p\"}\r\nSUB foo 1\r\nPING\r\n");
  Take(1);
  Reload(Options());
  EXPECT_EQ(Take(1), "");
  EXPECT_TRUE(fx_.closes.empty());
  In(1, "SUB bar 2\r\nPUB bar 1\r\nx\r\nPING\r\n");  // no permissions any more
  EXPECT_EQ(Take(1), "MSG bar 2 1\r\nx\r\nPONG\r\n");
}

TEST_F(LameDuckReloadTest, LoweredMaxConnectionsClosesTheNewestClients) {
  Make(Options());
  for (io::ConnId c : {1, 2, 3}) {
    Open(c);
    In(c, "CONNECT {\"verbose\":false}\r\nPING\r\n");
    Take(c);
  }
  Options next;
  next.max_connections = 1;
  Reload(next);
  EXPECT_EQ(Take(1), "");
  EXPECT_EQ(Take(2), "-ERR 'maximum connections exceeded'\r\n");
  EXPECT_EQ(Take(3), "-ERR 'maximum connections exceeded'\r\n");
  EXPECT_THAT(node_->ClientConns(), ElementsAre(1));
  EXPECT_THAT(fx_.logs, testing::Contains("Closed 2 connections to fall within max_connections"));
}

TEST_F(LameDuckReloadTest, ReloadedLimitsApplyToOpenClients) {
  Make(Options());
  Open(1);
  In(1, "CONNECT {\"verbose\":false}\r\nPING\r\n");
  Take(1);
  Options next;
  next.max_payload_bytes = 10;
  Reload(next);
  In(1, "PUB a 11\r\n");
  EXPECT_EQ(Take(1), "-ERR 'Maximum Payload Violation'\r\n");

  Open(2);
  In(2, "CONNECT {\"verbose\":false}\r\nPING\r\n");
  Take(2);
  next.max_control_line_bytes = 20;
  Reload(next);
  // As 2.9.10 answered on a connection opened before the reload.
  In(2, "PUB foo.bar.baz.qux.quux 11\r\n");
  EXPECT_EQ(Take(2), "-ERR 'maximum control line exceeded'\r\n");
}

}  // namespace
}  // namespace na::node
