// nats-reference.md §1.4, §1.6, §1.7, §2: who receives what. Subjects and wildcards, queue
// groups, echo, UNSUB with a maximum, sids, headers and the no-responders status.
#include <map>

#include "absl/strings/str_cat.h"
#include "tests/conformance/server_test_base.h"

namespace na::conformance {
namespace {

class DeliveryTest : public ServerTest {};

TEST_F(DeliveryTest, EachMatchingSubscriptionGetsItsOwnCopy) {
  int port = DefaultPort();
  ASSERT_OK_AND_ASSIGN(auto sub, Connected(port));
  ASSERT_OK(sub->Send("SUB fan.* 1\r\nSUB > 2\r\nSUB fan.x 3\r\nPING\r\n"));
  ASSERT_OK(sub->Expect("PONG\r\n"));
  ASSERT_OK_AND_ASSIGN(auto pub, Connected(port));
  ASSERT_OK(pub->Send("PUB fan.x 1\r\na\r\nPING\r\n"));
  ASSERT_OK(pub->Expect("PONG\r\n"));
  // Order among one connection's subscriptions is not part of the contract; collect by sid.
  std::map<std::string, int> seen;
  for (int i = 0; i < 3; ++i) {
    ASSERT_OK_AND_ASSIGN(std::string line, sub->ReadLine());
    ASSERT_OK(sub->Expect("a\r\n"));
    ++seen[line];
  }
  EXPECT_EQ(seen,
            (std::map<std::string, int>{
                {"MSG fan.x 1 1\r\n", 1}, {"MSG fan.x 2 1\r\n", 1}, {"MSG fan.x 3 1\r\n", 1}}));
  EXPECT_OK(sub->ExpectNothing());
}

TEST_F(DeliveryTest, StarMatchesExactlyOneToken) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort()));
  ASSERT_OK(
      client->Send("SUB star.* 1\r\n"
                   "PUB star 1\r\na\r\nPUB star.x.y 1\r\nb\r\nPUB star.x 1\r\nc\r\nPING\r\n"));
  ASSERT_OK(client->Expect("MSG star.x 1 1\r\nc\r\nPONG\r\n"));
}

TEST_F(DeliveryTest, MiddleStarMatchesOneToken) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort()));
  ASSERT_OK(
      client->Send("SUB mid.*.end 1\r\n"
                   "PUB mid.a.end 1\r\na\r\nPUB mid.a.b.end 1\r\nb\r\nPUB mid.end 1\r\nc\r\n"
                   "PING\r\n"));
  ASSERT_OK(client->Expect("MSG mid.a.end 1 1\r\na\r\nPONG\r\n"));
}

TEST_F(DeliveryTest, GreaterThanMatchesOneOrMoreTokens) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort()));
  ASSERT_OK(
      client->Send("SUB gt.> 1\r\n"
                   "PUB gt 1\r\na\r\nPUB gt.x 1\r\nb\r\nPUB gt.x.y 1\r\nc\r\nPING\r\n"));
  ASSERT_OK(client->Expect("MSG gt.x 1 1\r\nb\r\nMSG gt.x.y 1 1\r\nc\r\nPONG\r\n"));
}

TEST_F(DeliveryTest, WildcardCharactersInsideATokenAreLiteral) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort()));
  ASSERT_OK(
      client->Send("SUB lit.a* 1\r\nSUB lit.>b 2\r\n"
                   "PUB lit.ab 1\r\nx\r\nPUB lit.a* 1\r\ny\r\nPUB lit.>b 1\r\nz\r\nPING\r\n"));
  ASSERT_OK(client->Expect("MSG lit.a* 1 1\r\ny\r\nMSG lit.>b 2 1\r\nz\r\nPONG\r\n"));
}

TEST_F(DeliveryTest, SubjectsAreCaseSensitive) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort()));
  ASSERT_OK(client->Send("SUB Case 1\r\nPUB case 1\r\na\r\nPUB Case 1\r\nb\r\nPING\r\n"));
  ASSERT_OK(client->Expect("MSG Case 1 1\r\nb\r\nPONG\r\n"));
}

TEST_F(DeliveryTest, InvalidSubscribeSubjectsAreRejectedAndTheConnectionStays) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort()));
  for (const char* subject : {"a..b", ".a", "a.", "a.>.b", ">.a"}) {
    ASSERT_OK(client->Send(absl::StrCat("SUB ", subject, " 1\r\nPING\r\n")));
    ASSERT_OK(client->Expect(Err("Invalid Subject") + "PONG\r\n")) << subject;
  }
  // None of them took a subscription: sid 1 is still free.
  ASSERT_OK(client->Send("SUB ok 1\r\nPUB ok 1\r\nx\r\nPING\r\n"));
  ASSERT_OK(client->Expect("MSG ok 1 1\r\nx\r\nPONG\r\n"));
}

TEST_F(DeliveryTest, InvalidPublishSubjectIsReportedOnlyWhenPedanticAndStillRouted) {
  ASSERT_OK_AND_ASSIGN(auto pedantic,
                       Connected(DefaultPort(), R"({"verbose":false,"pedantic":true})"));
  ASSERT_OK(pedantic->Send("SUB > 1\r\nPING\r\n"));
  ASSERT_OK(pedantic->Expect("PONG\r\n"));
  ASSERT_OK(pedantic->Send("PUB a.* 1\r\nx\r\nPING\r\n"));
  ASSERT_OK(pedantic->Expect(Err("Invalid Publish Subject") + "MSG a.* 1 1\r\nx\r\nPONG\r\n"));
  // An empty token matches no subscription, not even ">".
  ASSERT_OK(pedantic->Send("PUB a..b 1\r\nx\r\nPING\r\n"));
  ASSERT_OK(pedantic->Expect(Err("Invalid Publish Subject") + "PONG\r\n"));

  ASSERT_OK_AND_ASSIGN(auto relaxed, Connected(DefaultPort()));
  ASSERT_OK(relaxed->Send("SUB > 1\r\nPUB a.* 1\r\ny\r\nPUB a..b 1\r\nz\r\nPING\r\n"));
  ASSERT_OK(relaxed->Expect("MSG a.* 1 1\r\ny\r\nPONG\r\n"));
}

TEST_F(DeliveryTest, QueueGroupDeliversExactlyOnePerGroupAndReachesEveryMember) {
  int port = DefaultPort();
  constexpr int kMembers = 3;
  constexpr int kMessages = 60;
  std::vector<std::unique_ptr<RawClient>> members;
  for (int i = 0; i < kMembers; ++i) {
    ASSERT_OK_AND_ASSIGN(auto member, Connected(port));
    ASSERT_OK(member->Send("SUB work.* workers 1\r\nSUB work.* other 2\r\nPING\r\n"));
    ASSERT_OK(member->Expect("PONG\r\n"));
    members.push_back(std::move(member));
  }
  ASSERT_OK_AND_ASSIGN(auto plain, Connected(port));
  ASSERT_OK(plain->Send("SUB work.* 9\r\nPING\r\n"));
  ASSERT_OK(plain->Expect("PONG\r\n"));
  ASSERT_OK_AND_ASSIGN(auto pub, Connected(port));
  std::string batch;
  for (int i = 0; i < kMessages; ++i) absl::StrAppend(&batch, "PUB work.", i, " 1\r\nx\r\n");
  ASSERT_OK(pub->Send(batch + "PING\r\n"));
  ASSERT_OK(pub->Expect("PONG\r\n"));
  // Flush every member so all deliveries are in before counting.
  std::map<std::string, int> per_group_subject;
  std::vector<int> per_member(kMembers, 0);
  for (int m = 0; m < kMembers; ++m) {
    ASSERT_OK(members[m]->Send("PING\r\n"));
    ASSERT_OK_AND_ASSIGN(std::string got, members[m]->ReadUntil("PONG\r\n"));
    size_t at = 0;
    while ((at = got.find("MSG ", at)) != std::string::npos) {
      size_t end = got.find("\r\n", at);
      std::string line = got.substr(at, end - at);  // MSG work.<i> <sid> 1
      ++per_group_subject[line];
      if (line.find(" 1 1") != std::string::npos) ++per_member[m];
      at = end;
    }
  }
  for (int i = 0; i < kMessages; ++i) {
    EXPECT_EQ((per_group_subject[absl::StrCat("MSG work.", i, " 1 1")]), 1) << "group workers";
    EXPECT_EQ((per_group_subject[absl::StrCat("MSG work.", i, " 2 1")]), 1) << "group other";
  }
  for (int m = 0; m < kMembers; ++m) EXPECT_GT(per_member[m], 0) << "member " << m;
  ASSERT_OK(plain->Send("PING\r\n"));
  ASSERT_OK_AND_ASSIGN(std::string all, plain->ReadUntil("PONG\r\n"));
  int plain_count = 0;
  for (size_t at = 0; (at = all.find("MSG ", at)) != std::string::npos; ++at) ++plain_count;
  EXPECT_EQ(plain_count, kMessages) << "a plain subscriber gets every message";
}

TEST_F(DeliveryTest, QueueSubscribeWithInvalidSubjectIsRejected) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort()));
  ASSERT_OK(client->Send("SUB a.. q 1\r\nPING\r\n"));
  ASSERT_OK(client->Expect(Err("Invalid Subject") + "PONG\r\n"));
}

TEST_F(DeliveryTest, SidsAreOpaqueTokens) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort()));
  ASSERT_OK(
      client->Send("SUB tok q sid-x\r\nPUB tok 1\r\na\r\nUNSUB sid-x\r\n"
                   "PUB tok 1\r\nb\r\nUNSUB never-used\r\nPING\r\n"));
  ASSERT_OK(client->Expect("MSG tok sid-x 1\r\na\r\nPONG\r\n"));
}

TEST_F(DeliveryTest, EchoFalseSuppressesOwnMessagesOnly) {
  int port = DefaultPort();
  ASSERT_OK_AND_ASSIGN(auto quiet, Connected(port, R"({"verbose":false,"echo":false})"));
  ASSERT_OK_AND_ASSIGN(auto other, Connected(port));
  ASSERT_OK(quiet->Send("SUB echo 1\r\nPING\r\n"));
  ASSERT_OK(quiet->Expect("PONG\r\n"));
  ASSERT_OK(other->Send("SUB echo 1\r\nPING\r\n"));
  ASSERT_OK(other->Expect("PONG\r\n"));
  ASSERT_OK(quiet->Send("PUB echo 4\r\nmine\r\nPING\r\n"));
  ASSERT_OK(quiet->Expect("PONG\r\n"));
  ASSERT_OK(other->Expect("MSG echo 1 4\r\nmine\r\n"));
  ASSERT_OK(other->Send("PUB echo 6\r\ntheirs\r\n"));
  ASSERT_OK(quiet->Expect("MSG echo 1 6\r\ntheirs\r\n"));
  ASSERT_OK(other->Expect("MSG echo 1 6\r\ntheirs\r\n"));
}

TEST_F(DeliveryTest, EchoIsOnByDefault) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort()));
  ASSERT_OK(client->Send("SUB self 1\r\nPUB self 1\r\nx\r\nPING\r\n"));
  ASSERT_OK(client->Expect("MSG self 1 1\r\nx\r\nPONG\r\n"));
}

TEST_F(DeliveryTest, UnsubStopsDelivery) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort()));
  ASSERT_OK(client->Send("SUB u 1\r\nPUB u 1\r\na\r\nUNSUB 1\r\nPUB u 1\r\nb\r\nPING\r\n"));
  ASSERT_OK(client->Expect("MSG u 1 1\r\na\r\nPONG\r\n"));
}

TEST_F(DeliveryTest, UnsubWithMaxDeliversExactlyMaxInTotal) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort()));
  ASSERT_OK(
      client->Send("SUB m 1\r\nUNSUB 1 2\r\n"
                   "PUB m 1\r\na\r\nPUB m 1\r\nb\r\nPUB m 1\r\nc\r\nPING\r\n"));
  ASSERT_OK(client->Expect("MSG m 1 1\r\na\r\nMSG m 1 1\r\nb\r\nPONG\r\n"));
}

TEST_F(DeliveryTest, UnsubMaxCountsDeliveriesAlreadyMade) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort()));
  ASSERT_OK(
      client->Send("SUB n 1\r\nPUB n 1\r\na\r\nPUB n 1\r\nb\r\nUNSUB 1 3\r\n"
                   "PUB n 1\r\nc\r\nPUB n 1\r\nd\r\nPING\r\n"));
  ASSERT_OK(client->Expect("MSG n 1 1\r\na\r\nMSG n 1 1\r\nb\r\nMSG n 1 1\r\nc\r\nPONG\r\n"));
}

TEST_F(DeliveryTest, UnsubMaxAtOrBelowDeliveredRemovesAtOnce) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort()));
  ASSERT_OK(
      client->Send("SUB o 1\r\nPUB o 1\r\na\r\nPUB o 1\r\nb\r\nUNSUB 1 1\r\n"
                   "PUB o 1\r\nc\r\nPING\r\n"));
  ASSERT_OK(client->Expect("MSG o 1 1\r\na\r\nMSG o 1 1\r\nb\r\nPONG\r\n"));
}

TEST_F(DeliveryTest, UnsubOfUnknownSidIsOk) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort(), "{}"));
  ASSERT_OK(client->Send("UNSUB 999\r\nPING\r\n"));
  ASSERT_OK(client->Expect("+OK\r\nPONG\r\n"));
}

TEST_F(DeliveryTest, DuplicateSidKeepsTheOriginalSubscription) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort()));
  ASSERT_OK(
      client->Send("SUB dupa 1\r\nSUB dupb 1\r\n"
                   "PUB dupb 1\r\nx\r\nPUB dupa 1\r\ny\r\nPING\r\n"));
  ASSERT_OK(client->Expect("MSG dupa 1 1\r\ny\r\nPONG\r\n"));
}

TEST_F(DeliveryTest, PerPublisherOrderIsPreserved) {
  int port = DefaultPort();
  ASSERT_OK_AND_ASSIGN(auto sub, Connected(port));
  ASSERT_OK(sub->Send("SUB ord 1\r\nPING\r\n"));
  ASSERT_OK(sub->Expect("PONG\r\n"));
  ASSERT_OK_AND_ASSIGN(auto pub, Connected(port));
  std::string batch, expected;
  for (int i = 0; i < 500; ++i) {
    std::string payload = absl::StrCat(i);
    absl::StrAppend(&batch, "PUB ord ", payload.size(), "\r\n", payload, "\r\n");
    absl::StrAppend(&expected, "MSG ord 1 ", payload.size(), "\r\n", payload, "\r\n");
  }
  ASSERT_OK(pub->Send(batch));
  ASSERT_OK(sub->Expect(expected));
}

TEST_F(DeliveryTest, HeadersAreDeliveredAsHmsgToHeaderClients) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort(), kQuietHeaders));
  // NATS/1.0\r\n (10) + A: b\r\n (6) + C: d\r\n (6) + \r\n (2) = 24 header bytes, + "hi".
  ASSERT_OK(
      client->Send("SUB h 1\r\nHPUB h r 24 26\r\nNATS/1.0\r\nA: b\r\nC: d\r\n\r\nhi\r\n"
                   "PING\r\n"));
  ASSERT_OK(client->Expect("HMSG h 1 r 24 26\r\nNATS/1.0\r\nA: b\r\nC: d\r\n\r\nhi\r\nPONG\r\n"));
}

TEST_F(DeliveryTest, HeaderKeysKeepCaseAndRepeat) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort(), kQuietHeaders));
  std::string headers = "NATS/1.0\r\nX-Key: 1\r\nX-Key: 2\r\nlower: v\r\n\r\n";
  std::string op =
      absl::StrCat("HPUB hk ", headers.size(), " ", headers.size() + 1, "\r\n", headers, "p\r\n");
  ASSERT_OK(client->Send("SUB hk 1\r\n" + op + "PING\r\n"));
  ASSERT_OK(client->Expect(absl::StrCat("HMSG hk 1 ", headers.size(), " ", headers.size() + 1,
                                        "\r\n", headers, "p\r\nPONG\r\n")));
}

TEST_F(DeliveryTest, HeadersAreStrippedForClientsWithoutHeaderSupport) {
  int port = DefaultPort();
  ASSERT_OK_AND_ASSIGN(auto plain, Connected(port));
  ASSERT_OK(plain->Send("SUB strip 1\r\nPING\r\n"));
  ASSERT_OK(plain->Expect("PONG\r\n"));
  ASSERT_OK_AND_ASSIGN(auto pub, Connected(port, kQuietHeaders));
  ASSERT_OK(pub->Send("HPUB strip r 18 23\r\nNATS/1.0\r\nA: b\r\n\r\nhello\r\nPING\r\n"));
  ASSERT_OK(pub->Expect("PONG\r\n"));
  ASSERT_OK(plain->Expect("MSG strip 1 r 5\r\nhello\r\n"));
}

TEST_F(DeliveryTest, PlainPublishReachesHeaderClientsAsMsg) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort(), kQuietHeaders));
  ASSERT_OK(client->Send("SUB pm 1\r\nPUB pm 2\r\nhi\r\nPING\r\n"));
  ASSERT_OK(client->Expect("MSG pm 1 2\r\nhi\r\nPONG\r\n"));
}

TEST_F(DeliveryTest, NoRespondersSends503ToTheReplySubscription) {
  ASSERT_OK_AND_ASSIGN(
      auto client,
      Connected(DefaultPort(), R"({"verbose":false,"headers":true,"no_responders":true})"));
  ASSERT_OK(client->Send("SUB _INBOX.nr 7\r\nPUB nobody.home _INBOX.nr 2\r\nhi\r\nPING\r\n"));
  ASSERT_OK(client->Expect("HMSG _INBOX.nr 7 16 16\r\nNATS/1.0 503\r\n\r\n\r\nPONG\r\n"));
}

TEST_F(DeliveryTest, NoRespondersAlsoAfterTheLastResponderLeaves) {
  ASSERT_OK_AND_ASSIGN(
      auto client,
      Connected(DefaultPort(), R"({"verbose":false,"headers":true,"no_responders":true})"));
  ASSERT_OK(
      client->Send("SUB _INBOX.gone 1\r\nSUB svc.gone q 2\r\nUNSUB 2\r\n"
                   "PUB svc.gone _INBOX.gone 2\r\nhi\r\nPING\r\n"));
  ASSERT_OK(client->Expect("HMSG _INBOX.gone 1 16 16\r\nNATS/1.0 503\r\n\r\n\r\nPONG\r\n"));
}

TEST_F(DeliveryTest, NoNoRespondersWhenSomeoneIsListening) {
  int port = DefaultPort();
  ASSERT_OK_AND_ASSIGN(auto responder, Connected(port));
  ASSERT_OK(responder->Send("SUB svc.here q 1\r\nPING\r\n"));
  ASSERT_OK(responder->Expect("PONG\r\n"));
  ASSERT_OK_AND_ASSIGN(auto requester,
                       Connected(port, R"({"verbose":false,"headers":true,"no_responders":true})"));
  ASSERT_OK(requester->Send("SUB _INBOX.here 1\r\nPUB svc.here _INBOX.here 2\r\nhi\r\nPING\r\n"));
  ASSERT_OK(requester->Expect("PONG\r\n"));
  ASSERT_OK(responder->Expect("MSG svc.here 1 _INBOX.here 2\r\nhi\r\n"));
  ASSERT_OK(responder->Send("PUB _INBOX.here 2\r\nok\r\n"));
  ASSERT_OK(requester->Expect("MSG _INBOX.here 1 2\r\nok\r\n"));
  EXPECT_OK(requester->ExpectNothing());
}

TEST_F(DeliveryTest, NoRespondersNeedsTheOption) {
  ASSERT_OK_AND_ASSIGN(auto client, Connected(DefaultPort(), kQuietHeaders));
  ASSERT_OK(client->Send("SUB _INBOX.off 1\r\nPUB nobody.off _INBOX.off 2\r\nhi\r\nPING\r\n"));
  ASSERT_OK(client->Expect("PONG\r\n"));
}

}  // namespace
}  // namespace na::conformance
