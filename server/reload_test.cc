#include "server/reload.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace na::server {
namespace {

using ::testing::ElementsAre;

TEST(GoDurationTest, PrintsAsGo) {
  EXPECT_EQ(GoDuration(0), "0s");
  EXPECT_EQ(GoDuration(6'000'000'000), "6s");
  EXPECT_EQ(GoDuration(120'000'000'000), "2m0s");
  EXPECT_EQ(GoDuration(1'500'000'000), "1.5s");
  EXPECT_EQ(GoDuration(500'000'000), "500ms");
  EXPECT_EQ(GoDuration(3'723'000'000'000), "1h2m3s");
  EXPECT_EQ(GoDuration(-2'000'000'000), "-2s");
}

TEST(DiffForReloadTest, UsersAndAccountsAreReportedEvenWithoutChanges) {
  Settings s;
  auto lines = DiffForReload(s, s);
  ASSERT_TRUE(lines.ok());
  EXPECT_THAT(*lines, ElementsAre("Reloaded: authorization users", "Reloaded: accounts"));
}

TEST(DiffForReloadTest, ReloadableChangesAreLoggedInTheReferenceOrder) {
  Settings old_settings;
  Settings next = old_settings;
  next.node.write_deadline_ns = 3'000'000'000;
  next.node.max_payload_bytes = 2048;
  next.node.trace = true;
  next.node.debug = true;
  next.logtime = false;
  next.node.max_connections = 7;
  next.node.ping_interval_ns = 30'000'000'000;
  next.node.ping_max = 3;
  next.node.max_control_line_bytes = 2000;
  next.node.auth.users.push_back(node::User{"a", "p", std::nullopt, ""});
  auto lines = DiffForReload(old_settings, next);
  ASSERT_TRUE(lines.ok()) << lines.status();
  // As nats-server 2.9.10 logged the same change.
  EXPECT_THAT(*lines, ElementsAre("Reloaded: trace = true", "Reloaded: debug = true",
                                  "Reloaded: logtime = false", "Reloaded: max_connections = 7",
                                  "Reloaded: authorization users", "Reloaded: accounts",
                                  "Reloaded: ping_interval = 30s", "Reloaded: ping_max = 3",
                                  "Reloaded: max_control_line = 2000",
                                  "Reloaded: max_payload = 2048", "Reloaded: write_deadline = 3s"));
}

TEST(DiffForReloadTest, PermissionChangeIsAUsersChange) {
  Settings old_settings;
  old_settings.node.auth.users.push_back(node::User{"c", "p", std::nullopt, ""});
  Settings next = old_settings;
  node::Permissions p;
  p.subscribe = node::SubjectPermission{{"foo.y"}, {}};
  next.node.auth.users[0].permissions = p;
  auto lines = DiffForReload(old_settings, next);
  ASSERT_TRUE(lines.ok());
  EXPECT_THAT(*lines, ElementsAre("Reloaded: authorization users", "Reloaded: accounts"));
}

TEST(DiffForReloadTest, ClientAdvertiseUsesTheReferencesOwnWording) {
  Settings old_settings;
  Settings next = old_settings;
  next.node.client_advertise = "x:1";
  auto lines = DiffForReload(old_settings, next);
  ASSERT_TRUE(lines.ok());
  // ClientAdvertise comes before Users in the reference's Options struct.
  EXPECT_THAT(*lines, ElementsAre("Reload: client_advertise = x:1", "Reloaded: authorization users",
                                  "Reloaded: accounts"));
}

TEST(DiffForReloadTest, TheFirstUnsupportedFieldRefusesTheWholeReload) {
  Settings old_settings;
  old_settings.node.port = 4222;
  Settings next = old_settings;
  next.node.max_subscriptions = 5;
  next.node.max_payload_bytes = 2048;
  EXPECT_EQ(DiffForReload(old_settings, next).status().message(),
            "config reload not supported for MaxSubs: old=0, new=5");
  next.node.server_name = "x";  // before MaxSubs in the reference's Options struct
  EXPECT_EQ(DiffForReload(old_settings, next).status().message(),
            "config reload not supported for ServerName: old=, new=x");
  Settings port = old_settings;
  port.node.port = 4999;
  EXPECT_EQ(DiffForReload(old_settings, port).status().message(),
            "config reload not supported for Port: old=4222, new=4999");
  Settings ldm = old_settings;
  ldm.lame_duck_duration_ns = 40'000'000'000;
  EXPECT_EQ(DiffForReload(old_settings, ldm).status().message(),
            "config reload not supported for LameDuckDuration: old=2m0s, new=40s");
}

}  // namespace
}  // namespace na::server
