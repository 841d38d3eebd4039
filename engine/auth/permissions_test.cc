#include "engine/auth/permissions.h"

#include "gtest/gtest.h"

namespace na::auth {
namespace {

// The reference matches permissions through Sublist.Match, which finds nothing for a subject
// with an empty token: such a subject is outside every allow list, even ">".
TEST(PermissionsTest, SubjectWithAnEmptyTokenMatchesNoFilter) {
  for (absl::string_view subject : {"a..b", ".a", "a.", "", "."}) {
    EXPECT_FALSE(FilterMatches(">", subject)) << subject;
    EXPECT_FALSE(FilterMatches("*.*", subject)) << subject;
  }
  node::Permissions config;
  config.publish = node::SubjectPermission{{">"}, {}};
  config.subscribe = node::SubjectPermission{{}, {"a.>"}};
  auto perms = Permissions::Compile(config);
  EXPECT_FALSE(perms->PublishAllowed("a..b"));
  EXPECT_TRUE(perms->PublishAllowed("a.b"));
  // Deny lists do not match it either.
  EXPECT_TRUE(perms->SubscribeAllowed("a..b", ""));
  EXPECT_FALSE(perms->SubscribeAllowed("a.b", ""));
}

TEST(PermissionsTest, FilterMatchesTreatsSubjectWildcardsLiterally) {
  EXPECT_TRUE(FilterMatches("a.>", "a.b.c"));
  EXPECT_FALSE(FilterMatches("a.>", "a"));
  EXPECT_TRUE(FilterMatches("a.*", "a.b"));
  EXPECT_FALSE(FilterMatches("a.*", "a.b.c"));
  EXPECT_TRUE(FilterMatches("a.*", "a.*"));
  EXPECT_FALSE(FilterMatches("a.b", "a.*"));
  EXPECT_TRUE(FilterMatches(">", "x"));
}

TEST(PermissionsTest, PublishAllowThenDeny) {
  node::Permissions config;
  config.publish = node::SubjectPermission{{"a.>"}, {"a.secret"}};
  auto perms = Permissions::Compile(config);
  EXPECT_TRUE(perms->has_publish_rules());
  EXPECT_TRUE(perms->PublishAllowed("a.x"));
  EXPECT_FALSE(perms->PublishAllowed("a.secret"));
  EXPECT_FALSE(perms->PublishAllowed("b"));
}

TEST(PermissionsTest, AllowResponsesClosesPublishing) {
  node::Permissions config;
  config.allow_responses = node::ResponsePermission{0, 0};
  auto perms = Permissions::Compile(config);
  EXPECT_TRUE(perms->has_publish_rules());
  EXPECT_FALSE(perms->PublishAllowed("anything"));
  ASSERT_TRUE(perms->responses().has_value());
  EXPECT_EQ(perms->responses()->max_msgs, 1);
  EXPECT_EQ(perms->responses()->expires_ns, 120'000'000'000);
}

TEST(PermissionsTest, QueueEntriesRestrictQueueSubscriptions) {
  // The reference's own examples: allow "foo v1" only queue-subscribes; "q.* grp" likewise.
  node::Permissions config;
  config.subscribe = node::SubjectPermission{{"a.>", "q.* grp"}, {"a.deny"}};
  auto perms = Permissions::Compile(config);
  EXPECT_TRUE(perms->SubscribeAllowed("a.x", ""));
  EXPECT_TRUE(perms->SubscribeAllowed("a.*", ""));
  EXPECT_FALSE(perms->SubscribeAllowed("a.deny", ""));
  EXPECT_FALSE(perms->SubscribeAllowed("b", ""));
  EXPECT_FALSE(perms->SubscribeAllowed("q.x", ""));
  EXPECT_TRUE(perms->SubscribeAllowed("q.x", "grp"));
  EXPECT_FALSE(perms->SubscribeAllowed("q.x", "other"));
  EXPECT_TRUE(perms->DeliveryDenied("a.deny"));
  EXPECT_FALSE(perms->DeliveryDenied("a.x"));
}

}  // namespace
}  // namespace na::auth
