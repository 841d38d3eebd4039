// nats-reference.md §1.5, §6 (simple auth): token, user/password (plain and bcrypt), the
// --user/--pass flags, users with publish/subscribe permissions and the exact violation strings.
#include "absl/strings/str_cat.h"
#include "tests/conformance/server_test_base.h"

namespace na::conformance {
namespace {

// bcrypt of "s3cr3t", cost 4 (made with libxcrypt; both $2a$ and $2b$ prefixes are bcrypt).
constexpr absl::string_view kBcryptS3cr3t =
    "$2a$04$vo2KLne4r11bInt8A1gxyONBhJZbEmgkabxyiVB8cP39UXtXXX4Wm";

constexpr absl::string_view kUsersConfig = R"(
authorization {
  users = [
    { user: alice, password: pa,
      permissions: {
        publish: { allow: ["a.>", "_INBOX.>"], deny: ["a.secret"] }
        subscribe: { allow: ["a.>"], deny: ["a.hidden"] }
      } }
    { user: bob, password: pb,
      permissions: { publish: "b.>", subscribe: ["b.>", "q.* workers"] } }
    { user: carol, password: pc }
  ]
}
)";

class AuthTest : public ServerTest {
 protected:
  // Opens a connection and sends CONNECT with `json` (verbose left at its default of true).
  absl::StatusOr<std::unique_ptr<RawClient>> ConnectWith(absl::string_view json) {
    absl::StatusOr<std::unique_ptr<RawClient>> client = Open(port());
    if (!client.ok()) return client;
    absl::Status sent = (*client)->Send(absl::StrCat("CONNECT ", json, "\r\n"));
    if (!sent.ok()) return sent;
    return client;
  }
};

TEST_F(AuthTest, TokenAccepted) {
  StartServer("authorization { token: \"s3cr3t\" }\n");
  ASSERT_OK_AND_ASSIGN(auto client, ConnectWith(R"({"auth_token":"s3cr3t"})"));
  ASSERT_OK(client->Expect("+OK\r\n"));
}

TEST_F(AuthTest, WrongTokenIsAnAuthorizationViolation) {
  StartServer("authorization { token: \"s3cr3t\" }\n");
  ASSERT_OK_AND_ASSIGN(auto client, ConnectWith(R"({"auth_token":"nope"})"));
  EXPECT_OK(client->ExpectClosedAfter(Err("Authorization Violation")));
}

TEST_F(AuthTest, MissingCredentialsAreAnAuthorizationViolation) {
  StartServer("authorization { token: \"s3cr3t\" }\n");
  ASSERT_OK_AND_ASSIGN(auto client, ConnectWith("{}"));
  EXPECT_OK(client->ExpectClosedAfter(Err("Authorization Violation")));
}

TEST_F(AuthTest, AnyOperationBeforeConnectIsAnAuthorizationViolation) {
  StartServer("authorization { token: \"s3cr3t\" }\n");
  ASSERT_OK_AND_ASSIGN(auto client, Open(port()));
  ASSERT_OK(client->Send("PING\r\n"));
  EXPECT_OK(client->ExpectClosedAfter(Err("Authorization Violation")));
}

TEST_F(AuthTest, SubBeforeConnectIsAnAuthorizationViolation) {
  StartServer("authorization { token: \"s3cr3t\" }\n");
  ASSERT_OK_AND_ASSIGN(auto client, Open(port()));
  ASSERT_OK(client->Send("SUB foo 1\r\n"));
  EXPECT_OK(client->ExpectClosedAfter(Err("Authorization Violation")));
}

TEST_F(AuthTest, BcryptTokenAccepted) {
  StartServer(absl::StrCat("authorization { token: \"", kBcryptS3cr3t, "\" }\n"));
  ASSERT_OK_AND_ASSIGN(auto client, ConnectWith(R"({"auth_token":"s3cr3t"})"));
  ASSERT_OK(client->Expect("+OK\r\n"));
}

TEST_F(AuthTest, UserPasswordAccepted) {
  StartServer("authorization { user: u, password: p }\n");
  ASSERT_OK_AND_ASSIGN(auto client, ConnectWith(R"({"user":"u","pass":"p"})"));
  ASSERT_OK(client->Expect("+OK\r\n"));
  ASSERT_OK(client->Send("PING\r\n"));
  ASSERT_OK(client->Expect("PONG\r\n"));
}

TEST_F(AuthTest, WrongPasswordIsAnAuthorizationViolation) {
  StartServer("authorization { user: u, password: p }\n");
  ASSERT_OK_AND_ASSIGN(auto client, ConnectWith(R"({"user":"u","pass":"x"})"));
  EXPECT_OK(client->ExpectClosedAfter(Err("Authorization Violation")));
}

TEST_F(AuthTest, WrongUserIsAnAuthorizationViolation) {
  StartServer("authorization { user: u, password: p }\n");
  ASSERT_OK_AND_ASSIGN(auto client, ConnectWith(R"({"user":"v","pass":"p"})"));
  EXPECT_OK(client->ExpectClosedAfter(Err("Authorization Violation")));
}

TEST_F(AuthTest, BcryptPasswordAccepted) {
  StartServer(absl::StrCat("authorization { user: u, password: \"", kBcryptS3cr3t, "\" }\n"));
  ASSERT_OK_AND_ASSIGN(auto client, ConnectWith(R"({"user":"u","pass":"s3cr3t"})"));
  ASSERT_OK(client->Expect("+OK\r\n"));
}

TEST_F(AuthTest, BcryptPasswordRejectsTheHashItself) {
  StartServer(absl::StrCat("authorization { user: u, password: \"", kBcryptS3cr3t, "\" }\n"));
  ASSERT_OK_AND_ASSIGN(auto client,
                       ConnectWith(absl::StrCat(R"({"user":"u","pass":")", kBcryptS3cr3t, "\"}")));
  EXPECT_OK(client->ExpectClosedAfter(Err("Authorization Violation")));
}

TEST_F(AuthTest, UserAndPassFlags) {
  StartServer("", {"--user", "flaguser", "--pass", "flagpass"});
  {
    ASSERT_OK_AND_ASSIGN(auto client, ConnectWith(R"({"user":"flaguser","pass":"flagpass"})"));
    ASSERT_OK(client->Expect("+OK\r\n"));
  }
  ASSERT_OK_AND_ASSIGN(auto client, ConnectWith(R"({"user":"flaguser","pass":"wrong"})"));
  EXPECT_OK(client->ExpectClosedAfter(Err("Authorization Violation")));
}

TEST_F(AuthTest, AuthTokenFlag) {
  StartServer("", {"--auth", "flagtoken"});
  {
    ASSERT_OK_AND_ASSIGN(auto client, ConnectWith(R"({"auth_token":"flagtoken"})"));
    ASSERT_OK(client->Expect("+OK\r\n"));
  }
  ASSERT_OK_AND_ASSIGN(auto client, ConnectWith(R"({"auth_token":"other"})"));
  EXPECT_OK(client->ExpectClosedAfter(Err("Authorization Violation")));
}

TEST_F(AuthTest, UsersListAuthenticatesEachUser) {
  StartServer(std::string(kUsersConfig));
  for (absl::string_view json : {R"({"user":"alice","pass":"pa"})", R"({"user":"bob","pass":"pb"})",
                                 R"({"user":"carol","pass":"pc"})"}) {
    ASSERT_OK_AND_ASSIGN(auto client, ConnectWith(json));
    ASSERT_OK(client->Expect("+OK\r\n")) << json;
  }
  ASSERT_OK_AND_ASSIGN(auto client, ConnectWith(R"({"user":"alice","pass":"pb"})"));
  EXPECT_OK(client->ExpectClosedAfter(Err("Authorization Violation")));
}

TEST_F(AuthTest, PublishPermissionsAllowAndDeny) {
  StartServer(std::string(kUsersConfig));
  ASSERT_OK_AND_ASSIGN(auto watcher, Connected(port(), R"({"verbose":false,"user":"carol",)"
                                                       R"("pass":"pc"})"));
  ASSERT_OK(watcher->Send("SUB > 1\r\nPING\r\n"));
  ASSERT_OK(watcher->Expect("PONG\r\n"));
  ASSERT_OK_AND_ASSIGN(auto alice, Connected(port(), R"({"verbose":false,"user":"alice",)"
                                                     R"("pass":"pa"})"));
  ASSERT_OK(alice->Send("PUB a.secret 1\r\nx\r\nPING\r\n"));
  ASSERT_OK(alice->Expect(Err("Permissions Violation for Publish to \"a.secret\"") + "PONG\r\n"));
  ASSERT_OK(alice->Send("PUB c.other 1\r\nx\r\nPING\r\n"));
  ASSERT_OK(alice->Expect(Err("Permissions Violation for Publish to \"c.other\"") + "PONG\r\n"));
  ASSERT_OK(alice->Send("PUB a.ok 1\r\ny\r\nPING\r\n"));
  ASSERT_OK(alice->Expect("PONG\r\n"));
  // Only the allowed message got through.
  ASSERT_OK(watcher->Expect("MSG a.ok 1 1\r\ny\r\n"));
  EXPECT_OK(watcher->ExpectNothing());
}

TEST_F(AuthTest, SubscribePermissionsAllowAndDeny) {
  StartServer(std::string(kUsersConfig));
  ASSERT_OK_AND_ASSIGN(auto alice, Connected(port(), R"({"verbose":false,"user":"alice",)"
                                                     R"("pass":"pa"})"));
  ASSERT_OK(alice->Send("SUB a.hidden 1\r\nPING\r\n"));
  ASSERT_OK(
      alice->Expect(Err("Permissions Violation for Subscription to \"a.hidden\"") + "PONG\r\n"));
  ASSERT_OK(alice->Send("SUB c.x 2\r\nPING\r\n"));
  ASSERT_OK(alice->Expect(Err("Permissions Violation for Subscription to \"c.x\"") + "PONG\r\n"));
  ASSERT_OK(alice->Send("SUB a.open 3\r\nPUB a.open 1\r\nz\r\nPING\r\n"));
  ASSERT_OK(alice->Expect("MSG a.open 3 1\r\nz\r\nPONG\r\n"));
}

TEST_F(AuthTest, QueuePermissions) {
  StartServer(std::string(kUsersConfig));
  ASSERT_OK_AND_ASSIGN(auto bob, Connected(port(), R"({"verbose":false,"user":"bob",)"
                                                   R"("pass":"pb"})"));
  ASSERT_OK(bob->Send("SUB q.x other 1\r\nPING\r\n"));
  ASSERT_OK(bob->Expect(
      Err("Permissions Violation for Subscription to \"q.x\" using queue \"other\"") + "PONG\r\n"));
  ASSERT_OK(bob->Send("SUB q.x workers 2\r\nSUB b.x 3\r\nPUB b.x 1\r\nz\r\nPING\r\n"));
  ASSERT_OK(bob->Expect("MSG b.x 3 1\r\nz\r\nPONG\r\n"));
}

TEST_F(AuthTest, UserWithoutPermissionsMayDoAnything) {
  StartServer(std::string(kUsersConfig));
  ASSERT_OK_AND_ASSIGN(auto carol, Connected(port(), R"({"verbose":false,"user":"carol",)"
                                                     R"("pass":"pc"})"));
  ASSERT_OK(carol->Send("SUB a.hidden 1\r\nPUB a.hidden 1\r\nz\r\nPING\r\n"));
  ASSERT_OK(carol->Expect("MSG a.hidden 1 1\r\nz\r\nPONG\r\n"));
}

constexpr absl::string_view kResponsesConfig = R"(
authorization {
  default_permissions: { publish: { deny: ["forbidden.>"] } }
  users = [
    { user: svc, password: ps,
      permissions: { subscribe: "svc.>", publish: { deny: ">" }, allow_responses: true } }
    { user: carol, password: pc, permissions: { publish: ">", subscribe: ">" } }
    { user: dave, password: pd }
  ]
}
no_auth_user: dave
)";

TEST_F(AuthTest, AllowResponsesPermitsOneReplyToTheRequestsReplySubject) {
  StartServer(std::string(kResponsesConfig));
  ASSERT_OK_AND_ASSIGN(auto svc, Connected(port(), R"({"verbose":false,"user":"svc",)"
                                                   R"("pass":"ps"})"));
  ASSERT_OK(svc->Send("SUB svc.x 1\r\nPING\r\n"));
  ASSERT_OK(svc->Expect("PONG\r\n"));
  ASSERT_OK_AND_ASSIGN(auto carol, Connected(port(), R"({"verbose":false,"user":"carol",)"
                                                     R"("pass":"pc"})"));
  ASSERT_OK(carol->Send("SUB _INBOX.1 1\r\nPUB svc.x _INBOX.1 2\r\nhi\r\nPING\r\n"));
  ASSERT_OK(carol->Expect("PONG\r\n"));
  ASSERT_OK(svc->Expect("MSG svc.x 1 _INBOX.1 2\r\nhi\r\n"));
  // The first reply is allowed (max 1 by default); the second is a violation.
  ASSERT_OK(svc->Send("PUB _INBOX.1 2\r\nok\r\nPUB _INBOX.1 2\r\nok\r\nPING\r\n"));
  ASSERT_OK(svc->Expect(Err("Permissions Violation for Publish to \"_INBOX.1\"") + "PONG\r\n"));
  ASSERT_OK(carol->Expect("MSG _INBOX.1 1 2\r\nok\r\n"));
  EXPECT_OK(carol->ExpectNothing());
  ASSERT_OK(svc->Send("PUB other 2\r\nok\r\nPING\r\n"));
  ASSERT_OK(svc->Expect(Err("Permissions Violation for Publish to \"other\"") + "PONG\r\n"));
}

TEST_F(AuthTest, NoAuthUserBindsCredentiallessClientsWithDefaultPermissions) {
  StartServer(std::string(kResponsesConfig));
  ASSERT_OK_AND_ASSIGN(auto dave, Connected(port()));
  ASSERT_OK(dave->Send("SUB fine 1\r\nPUB forbidden.x 1\r\nx\r\nPUB fine 1\r\ny\r\nPING\r\n"));
  ASSERT_OK(dave->Expect(Err("Permissions Violation for Publish to \"forbidden.x\"") +
                         "MSG fine 1 1\r\ny\r\nPONG\r\n"));
}

}  // namespace
}  // namespace na::conformance
