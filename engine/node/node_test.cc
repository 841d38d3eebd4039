// The connection state machine driven through Node::Step with scripted inputs and a recording
// Effects. Expected bytes were observed from nats-server 2.9.10 on loopback (python raw sockets)
// unless a comment says otherwise.
#include "engine/node/node.h"

#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/client/timer_id.h"
#include "engine/io/testing/recording_effects.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace na::node {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr int64_t kSecond = 1'000'000'000;

using io::RecordingEffects;

class NodeTest : public ::testing::Test {
 protected:
  void Make(Options options = Options(), uint64_t seed = 1) {
    options.host = "127.0.0.1";
    node_ = std::make_unique<Node>(std::move(options), seed);
  }
  void SetUp() override { Make(); }

  io::Time Now() const { return io::Time{mono_ns_, 1'700'000'000'000'000'000 + mono_ns_}; }
  void Step(const io::Input& in) { node_->Step(Now(), in, fx_); }

  // Opens a connection and returns what came out (the INFO line), clearing it.
  std::string Open(io::ConnId conn) {
    Step(io::ConnOpened{conn, io::ConnInfo{io::ConnKind::kClient, "127.0.0.1", 50000 + int(conn)}});
    return Take(conn);
  }
  void In(io::ConnId conn, absl::string_view bytes) { Step(io::BytesIn{conn, bytes}); }
  // Everything sent on `conn` since the last Take, with the INFO line removed.
  std::string Take(io::ConnId conn) {
    std::string s = std::move(fx_.out[conn]);
    fx_.out[conn].clear();
    return s;
  }
  bool Closed(io::ConnId conn) const { return fx_.closes.count(conn) > 0; }
  // Fires every armed timer whose deadline has passed, in deadline order.
  void Advance(int64_t ns) {
    const int64_t target = mono_ns_ + ns;
    while (true) {
      io::TimerId next = 0;
      int64_t best = target + 1;
      for (const auto& [id, deadline] : fx_.timers) {
        if (deadline < best) {
          best = deadline;
          next = id;
        }
      }
      if (best > target) break;
      mono_ns_ = std::max(mono_ns_, best);
      fx_.timers.erase(next);
      Step(io::TimerFired{next});
    }
    mono_ns_ = target;
  }
  std::string Closed_Reason(io::ConnId conn) {
    std::vector<ConnSnapshot> closed;
    node_->ListConnections(nullptr, &closed);
    for (const auto& s : closed) {
      if (s.cid == conn) return s.reason;
    }
    return "";
  }

  std::unique_ptr<Node> node_;
  RecordingEffects fx_;
  int64_t mono_ns_ = 1000;
};

TEST_F(NodeTest, InfoOnOpenInReferenceKeyOrder) {
  const std::string info = Open(4);
  const std::string& id = node_->server_id();
  EXPECT_EQ(id.size(), 56u);
  EXPECT_EQ(info, absl::StrCat("INFO {\"server_id\":\"", id, "\",\"server_name\":\"", id,
                               "\",\"version\":\"2.9.10\",\"proto\":1,\"go\":\"natrium 0.1.0\","
                               "\"host\":\"127.0.0.1\",\"port\":4222,\"headers\":true,"
                               "\"max_payload\":1048576,\"client_id\":4,"
                               "\"client_ip\":\"127.0.0.1\"} \r\n"));
}

TEST_F(NodeTest, SizeTextIsRelayedAsWritten) {
  Open(1);
  Open(2);
  In(1, "CONNECT {\"verbose\":false,\"headers\":true}\r\nSUB z 1\r\n");
  In(2, "CONNECT {\"verbose\":false}\r\nSUB z 2\r\n");
  In(1,
     "PUB z 01\r\nx\r\nHPUB z 012 0014\r\nNATS/1.0\r\n\r\nhi\r\nHPUB z 00 02\r\nhi\r\n"
     "PUB z r  0002\r\nab\r\n");
  EXPECT_EQ(Take(1),
            "MSG z 1 01\r\nx\r\nHMSG z 1 012 0014\r\nNATS/1.0\r\n\r\nhi\r\n"
            "MSG z 1 02\r\nhi\r\nMSG z 1 r 0002\r\nab\r\n");
  EXPECT_EQ(Take(2),
            "MSG z 2 01\r\nx\r\nMSG z 2 2\r\nhi\r\nMSG z 2 02\r\nhi\r\n"
            "MSG z 2 r 0002\r\nab\r\n");
}

TEST_F(NodeTest, SetClientPortUpdatesInfo) {
  Options options;
  options.port = -1;
  Make(options);
  EXPECT_THAT(Open(1), HasSubstr("\"port\":-1,"));
  node_->SetClientPort(43210);
  EXPECT_THAT(Open(2), HasSubstr("\"host\":\"127.0.0.1\",\"port\":43210,\"headers\""));
  EXPECT_EQ(node_->options().port, 43210);
}

TEST_F(NodeTest, VerboseDefaultsBeforeAndAfterConnect) {
  Open(1);
  In(1, "PUB foo 1\r\nx\r\n");
  EXPECT_EQ(Take(1), "+OK\r\n");
  In(1, "CONNECT {}\r\nSUB foo 1\r\nPUB foo 1\r\nx\r\nUNSUB 5\r\n");
  EXPECT_EQ(Take(1), "+OK\r\n+OK\r\n+OK\r\nMSG foo 1 1\r\nx\r\n+OK\r\n");
  EXPECT_FALSE(Closed(1));
}

TEST_F(NodeTest, PubSubAcrossConnectionsWithReplyAndPing) {
  Open(1);
  Open(2);
  In(1, "CONNECT {\"verbose\":false}\r\nSUB foo.* 7\r\n");
  In(2, "CONNECT {\"verbose\":false}\r\nPUB foo.bar reply.1 5\r\nhello\r\nPING\r\n");
  EXPECT_EQ(Take(1), "MSG foo.bar 7 reply.1 5\r\nhello\r\n");
  EXPECT_EQ(Take(2), "PONG\r\n");
  EXPECT_EQ(node_->counters().in_msgs, 1u);
  EXPECT_EQ(node_->counters().out_msgs, 1u);
  EXPECT_EQ(node_->counters().in_bytes, 5u);
}

TEST_F(NodeTest, PedanticInvalidPublishSubjectStillRoutes) {
  Open(1);
  In(1, "CONNECT {\"verbose\":false}\r\nPUB foo.* 1\r\nx\r\nSUB a..b 1\r\nPING\r\n");
  EXPECT_EQ(Take(1), "-ERR 'Invalid Publish Subject'\r\n-ERR 'Invalid Subject'\r\nPONG\r\n");
  Open(2);
  In(2,
     "CONNECT {\"verbose\":false,\"pedantic\":false}\r\nSUB foo.* 1\r\nPUB foo.* 1\r\nx\r\n"
     "PING\r\n");
  EXPECT_EQ(Take(2), "MSG foo.* 1 1\r\nx\r\nPONG\r\n");
  Open(3);
  In(3, "CONNECT {\"verbose\":false}\r\nPUB foo.* 1\r\nx\r\n");
  EXPECT_EQ(Take(3), "-ERR 'Invalid Publish Subject'\r\n");
  EXPECT_EQ(Take(2), "MSG foo.* 1 1\r\nx\r\n");
}

TEST_F(NodeTest, ConnectErrorsClose) {
  Open(1);
  In(1, "CONNECT {\"protocol\":2}\r\n");
  EXPECT_EQ(Take(1), "-ERR 'invalid client protocol'\r\n");
  EXPECT_TRUE(Closed(1));
  EXPECT_EQ(Closed_Reason(1), "Bad Client Protocol Version");
  Open(2);
  In(2, "CONNECT {\"no_responders\":true}\r\n");
  EXPECT_EQ(Take(2), "-ERR 'no responders requires headers support'\r\n");
  EXPECT_TRUE(Closed(2));
  EXPECT_EQ(Closed_Reason(2), "No Responders Requires Headers");
  Open(3);
  In(3, "CONNECT {bad\r\n");
  EXPECT_EQ(Take(3), "");
  EXPECT_TRUE(Closed(3));
  EXPECT_EQ(Closed_Reason(3), "Protocol Violation");
}

TEST_F(NodeTest, SecondConnectKeepsUnspecifiedKeys) {
  Open(1);
  In(1, "CONNECT {\"verbose\":false}\r\nCONNECT {\"name\":\"n\"}\r\nPING\r\n");
  EXPECT_EQ(Take(1), "PONG\r\n");
}

TEST_F(NodeTest, HeadersAndStrippingForNonHeaderSubscribers) {
  Open(1);
  Open(2);
  In(1, "CONNECT {\"verbose\":false,\"headers\":true}\r\nSUB a 1\r\n");
  In(2, "CONNECT {\"verbose\":false}\r\nSUB a 9\r\n");
  Open(3);
  In(3,
     "CONNECT {\"verbose\":false,\"headers\":true}\r\nHPUB a 22 23\r\nNATS/1.0\r\nFoo: "
     "bar\r\n\r\nx\r\n");
  EXPECT_EQ(Take(1), "HMSG a 1 22 23\r\nNATS/1.0\r\nFoo: bar\r\n\r\nx\r\n");
  EXPECT_EQ(Take(2), "MSG a 9 1\r\nx\r\n");
  // HPUB from a connection that did not ask for headers: silent close.
  In(2, "HPUB foo 12 12\r\nNATS/1.0\r\n\r\n\r\n");
  EXPECT_EQ(Take(2), "");
  EXPECT_TRUE(Closed(2));
  EXPECT_EQ(Closed_Reason(2), "Protocol Violation");
}

TEST_F(NodeTest, EchoFalseDuplicateSidUnknownUnsubAndAutoUnsubscribe) {
  Open(1);
  In(1, "CONNECT {\"verbose\":false,\"echo\":false}\r\nSUB a 1\r\nPUB a 1\r\nx\r\nPING\r\n");
  EXPECT_EQ(Take(1), "PONG\r\n");
  Open(2);
  In(2, "CONNECT {\"verbose\":false}\r\nSUB a 1\r\nSUB a 1\r\nPUB a 1\r\nx\r\nPING\r\n");
  EXPECT_EQ(Take(2), "MSG a 1 1\r\nx\r\nPONG\r\n");
  Open(3);
  In(3,
     "CONNECT {\"verbose\":false}\r\nSUB b 1\r\nUNSUB 1 2\r\nPUB b 1\r\nx\r\nPUB b 1\r\ny\r\n"
     "PUB b 1\r\nz\r\nPING\r\n");
  EXPECT_EQ(Take(3), "MSG b 1 1\r\nx\r\nMSG b 1 1\r\ny\r\nPONG\r\n");
  Open(4);
  In(4, "SUB c 1\r\nUNSUB 99\r\nUNSUB 1 0\r\nPUB c 1\r\nx\r\n");
  EXPECT_EQ(Take(4), "+OK\r\n+OK\r\n+OK\r\n+OK\r\n");
  // max below what was already delivered removes at once.
  Open(5);
  In(5,
     "CONNECT {\"verbose\":false}\r\nSUB d 1\r\nPUB d 1\r\nx\r\nUNSUB 1 1\r\nPUB d 1\r\nx\r\n"
     "PING\r\n");
  EXPECT_EQ(Take(5), "MSG d 1 1\r\nx\r\nPONG\r\n");
}

TEST_F(NodeTest, NoResponders) {
  Open(1);
  In(1,
     "CONNECT {\"verbose\":false,\"headers\":true,\"no_responders\":true}\r\nSUB r 1\r\n"
     "PUB nobody r 1\r\nx\r\nPUB nobody 1\r\nx\r\nHPUB nobody r 12 13\r\nNATS/1.0\r\n\r\nx\r\n"
     "PING\r\n");
  EXPECT_EQ(Take(1),
            "HMSG r 1 16 16\r\nNATS/1.0 503\r\n\r\n\r\nHMSG r 1 16 16\r\nNATS/1.0 503\r\n\r\n\r\n"
            "PONG\r\n");
  // Not without a subscription on the reply, and not when a queue member took the message.
  Open(2);
  In(2,
     "CONNECT {\"verbose\":false,\"headers\":true,\"no_responders\":true}\r\n"
     "PUB nobody r2 1\r\nx\r\nSUB r3 1\r\nSUB q qq 5\r\nPUB q r3 1\r\nx\r\nPING\r\n");
  EXPECT_EQ(Take(2), "MSG q 5 r3 1\r\nx\r\nPONG\r\n");
}

// With several of the publisher's subscriptions matching the reply subject, the no-responders
// status names the first in the reference's match order ('>' before deeper levels, a literal
// token before '*' at the same level). Observed on nats-server 2.9.10 with fresh subjects.
TEST_F(NodeTest, NoRespondersNamesFirstSubscriptionInReferenceMatchOrder) {
  Open(1);
  In(1,
     "CONNECT {\"verbose\":false,\"headers\":true,\"no_responders\":true}\r\n"
     "SUB r.x 2\r\nSUB r.> 1\r\nSUB r.* 3\r\nPUB nobody r.x 1\r\nx\r\n");
  EXPECT_EQ(Take(1), "HMSG r.x 1 16 16\r\nNATS/1.0 503\r\n\r\n\r\n");
  Open(2);
  In(2,
     "CONNECT {\"verbose\":false,\"headers\":true,\"no_responders\":true}\r\n"
     "SUB a.*.c 3\r\nSUB a.b.* 2\r\nSUB a.b.c 4\r\nPUB nobody a.b.c 1\r\nx\r\n");
  EXPECT_EQ(Take(2), "HMSG a.b.c 3 16 16\r\nNATS/1.0 503\r\n\r\n\r\n");
}

// 2.9.10 reserves "_GR_." (gateway-routed replies; "$GNR." came later), "$JS.ACK." and "_R_.";
// the first two only with something after the prefix. Bytes observed on nats-server 2.9.10.
TEST_F(NodeTest, ReservedSubjectAndReplyPrefixesOf29) {
  Open(1);
  In(1,
     "CONNECT {\"verbose\":false}\r\nSUB > 1\r\nPUB _GR_.x 1\r\na\r\nPUB $GNR.x 1\r\nb\r\n"
     "PUB x _GR_.y 1\r\nd\r\nPUB x $GNR.y 1\r\ne\r\nPUB x $JS.ACK. 1\r\nf\r\n"
     "PUB x $JS.ACK.a 1\r\ng\r\nPUB x _R_. 1\r\nh\r\nPUB x _R_ 1\r\ni\r\n");
  EXPECT_EQ(Take(1),
            "-ERR 'Permissions Violation for Publish to \"_GR_.x\"'\r\nMSG $GNR.x 1 1\r\nb\r\n"
            "-ERR 'Permissions Violation for Publish with Reply of \"_GR_.y\"'\r\n"
            "MSG x 1 $GNR.y 1\r\ne\r\nMSG x 1 $JS.ACK. 1\r\nf\r\n"
            "-ERR 'Permissions Violation for Publish with Reply of \"$JS.ACK.a\"'\r\n"
            "-ERR 'Permissions Violation for Publish with Reply of \"_R_.\"'\r\n"
            "MSG x 1 _R_ 1\r\ni\r\n");
}

// Observed on nats-server 2.9.10 without any authorization: queue names are not validated, but
// "_sys_" is refused to every client.
TEST_F(NodeTest, ReservedQueueGroupRefusedWithoutPermissions) {
  Open(1);
  In(1,
     "CONNECT {\"verbose\":true}\r\nSUB foo > 1\r\nSUB foo a..b 3\r\nSUB foo _sys_ 4\r\n"
     "PUB foo 1\r\ny\r\n");
  EXPECT_EQ(Take(1),
            "+OK\r\n+OK\r\n+OK\r\n"
            "-ERR 'Permissions Violation for Subscription to \"foo\" using queue \"_sys_\"'\r\n"
            "+OK\r\nMSG foo 1 1\r\ny\r\nMSG foo 3 1\r\ny\r\n");
}

TEST_F(NodeTest, QueueGroupsDeliverOncePerGroupAndReachEveryMember) {
  Open(1);
  Open(2);
  Open(3);
  In(1, "CONNECT {\"verbose\":false}\r\nSUB job q 1\r\nSUB job 2\r\n");
  In(2, "CONNECT {\"verbose\":false}\r\nSUB job q 1\r\n");
  Open(9);
  In(9, "CONNECT {\"verbose\":false}\r\n");
  for (int i = 0; i < 40; ++i) In(9, "PUB job 1\r\nx\r\n");
  const std::string a = Take(1);
  const std::string b = Take(2);
  auto count = [](const std::string& s, const std::string& needle) {
    size_t n = 0;
    for (size_t pos = s.find(needle); pos != std::string::npos; pos = s.find(needle, pos + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count(a, "MSG job 2 "), 40u);  // the plain sub gets everything
  const size_t q1 = count(a, "MSG job 1 ");
  const size_t q2 = count(b, "MSG job 1 ");
  EXPECT_EQ(q1 + q2, 40u);
  EXPECT_GT(q1, 0u);
  EXPECT_GT(q2, 0u);
}

TEST_F(NodeTest, ClientInfoPlusOkErrPongBeforeConnect) {
  Open(1);
  In(1, "PONG\r\nPING\r\n");
  EXPECT_EQ(Take(1), "PONG\r\n");
  In(1, "CONNECT {\"verbose\":false}\r\nINFO {}\r\n+OK\r\nPING\r\n");
  EXPECT_EQ(Take(1), "PONG\r\n");
  In(1, "-ERR foo\r\n");
  EXPECT_TRUE(Closed(1));
  EXPECT_EQ(Closed_Reason(1), "Parse Error");
  Open(2);
  In(2, "INFO {bad\r\n");
  EXPECT_TRUE(Closed(2));
}

TEST_F(NodeTest, ParserErrors) {
  Open(1);
  In(1, "FOO\r\n");
  EXPECT_EQ(Take(1), "-ERR 'Unknown Protocol Operation'\r\n");
  EXPECT_TRUE(Closed(1));
  EXPECT_EQ(Closed_Reason(1), "Protocol Violation");
  Open(2);
  In(2, "CONNECT {\"verbose\":false}\r\nPUB a 1 b\r\n");
  EXPECT_EQ(Take(2), "");
  EXPECT_TRUE(Closed(2));
  Open(3);
  In(3, "CONNECT {\"verbose\":false}\r\nSUB a 1 2 3\r\n");
  EXPECT_EQ(Take(3), "");
  EXPECT_TRUE(Closed(3));
  Open(4);
  In(4, "PUB a 1\r\nxyz\r\n");
  EXPECT_EQ(Take(4), "-ERR 'Unknown Protocol Operation'\r\n");
  EXPECT_TRUE(Closed(4));
  // A bare UNSUB has no separator after the verb: unknown operation. With a separator but no
  // or too many arguments, the reference closes without a word.
  const std::pair<const char*, const char*> unsubs[] = {
      {"UNSUB\r\n", "-ERR 'Unknown Protocol Operation'\r\n"},
      {"UNSUB \r\n", ""},
      {"UNSUB 1 2 3\r\n", ""},
      {"unsub\t\r\n", ""},
  };
  io::ConnId conn = 10;
  for (const auto& [in, out] : unsubs) {
    Open(conn);
    In(conn, absl::StrCat("CONNECT {\"verbose\":false}\r\n", in));
    EXPECT_EQ(Take(conn), out) << in;
    EXPECT_TRUE(Closed(conn)) << in;
    ++conn;
  }
}

TEST_F(NodeTest, Limits) {
  Options options;
  options.max_payload_bytes = 8;
  options.max_control_line_bytes = 32;
  options.max_subscriptions = 2;
  options.max_connections = 2;
  Make(options);
  Open(1);
  In(1, "CONNECT {\"verbose\":false}\r\nPUB foo 9\r\n123456789\r\n");
  EXPECT_EQ(Take(1), "-ERR 'Maximum Payload Violation'\r\n");
  EXPECT_TRUE(Closed(1));
  EXPECT_EQ(Closed_Reason(1), "Maximum Message Payload Exceeded");
  Open(2);
  In(2, "SUB aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 1\r\n");
  EXPECT_EQ(Take(2), "-ERR 'maximum control line exceeded'\r\n");
  EXPECT_TRUE(Closed(2));
  EXPECT_EQ(Closed_Reason(2), "Maximum Control Line Exceeded");
  Open(3);
  In(3, "SUB a 1\r\nSUB b 2\r\nSUB c 3\r\nPING\r\n");
  EXPECT_EQ(Take(3), "+OK\r\n+OK\r\n-ERR 'maximum subscriptions exceeded'\r\nPONG\r\n");
  EXPECT_FALSE(Closed(3));
  Open(4);
  const std::string rejected = Open(5);
  EXPECT_THAT(rejected, StartsWith("INFO {"));
  EXPECT_THAT(rejected, HasSubstr("} \r\n-ERR 'maximum connections exceeded'\r\n"));
  EXPECT_TRUE(Closed(5));
  EXPECT_FALSE(Closed(4));
  EXPECT_EQ(Closed_Reason(5), "Maximum Connections Exceeded");
}

TEST_F(NodeTest, FirstPingAboutTwoSecondsThenStaleConnection) {
  Options options;
  options.ping_interval_ns = 1 * kSecond;
  options.ping_max = 2;
  Make(options);
  Open(1);
  In(1, "CONNECT {\"verbose\":false}\r\n");
  Advance(999'000'000);
  EXPECT_EQ(Take(1), "");
  Advance(201'000'000);  // first PING within 1s + 20%
  EXPECT_EQ(Take(1), "PING\r\n");
  Advance(1 * kSecond);
  EXPECT_EQ(Take(1), "PING\r\n");
  EXPECT_FALSE(Closed(1));
  Advance(1 * kSecond);
  EXPECT_EQ(Take(1), "-ERR 'Stale Connection'\r\n");
  EXPECT_TRUE(Closed(1));
  EXPECT_EQ(Closed_Reason(1), "Stale Connection");
}

TEST_F(NodeTest, DefaultFirstPingWithinTwoPointFourSecondsAndPongKeepsAlive) {
  Open(1);
  In(1, "CONNECT {\"verbose\":false}\r\n");
  Advance(2 * kSecond - 1);
  EXPECT_EQ(Take(1), "");
  Advance(400'000'001);
  EXPECT_EQ(Take(1), "PING\r\n");
  In(1, "PONG\r\n");
  // Activity within the interval skips the next PING; the connection stays up for hours.
  for (int i = 0; i < 10; ++i) {
    Advance(60 * kSecond);
    In(1, "PUB x 0\r\n\r\n");
  }
  EXPECT_EQ(Take(1), "");
  EXPECT_FALSE(Closed(1));
}

// The reference counts a delivery as activity of the receiving connection (client.go
// flushClients sets last on every client it delivered to), so a subscriber that keeps receiving
// is not PINGed once its RTT is known; idle again, it is.
TEST_F(NodeTest, DeliveriesCountAsSubscriberActivityForPings) {
  Open(1);
  Open(2);
  In(1, "CONNECT {\"verbose\":false}\r\nSUB x 1\r\n");
  In(2, "CONNECT {\"verbose\":false}\r\n");
  Advance(2'400'000'001);
  EXPECT_EQ(Take(1), "PING\r\n");
  In(1, "PONG\r\n");
  Take(2);
  In(2, "PONG\r\n");
  std::string received;
  for (int i = 0; i < 10; ++i) {
    Advance(60 * kSecond);
    In(2, "PUB x 0\r\n\r\n");
    received += Take(1);
  }
  EXPECT_EQ(received, absl::StrCat("MSG x 1 0\r\n\r\n", "MSG x 1 0\r\n\r\n", "MSG x 1 0\r\n\r\n",
                                   "MSG x 1 0\r\n\r\n", "MSG x 1 0\r\n\r\n", "MSG x 1 0\r\n\r\n",
                                   "MSG x 1 0\r\n\r\n", "MSG x 1 0\r\n\r\n", "MSG x 1 0\r\n\r\n",
                                   "MSG x 1 0\r\n\r\n"));
  Advance(250 * kSecond);
  EXPECT_EQ(Take(1), "PING\r\n");
}

TEST_F(NodeTest, SlowConsumerByPendingBytesLeavesOthersAlone) {
  Options options;
  options.max_pending_bytes = 1024;
  Make(options);
  Open(1);
  Open(2);
  Open(3);
  In(1, "CONNECT {\"verbose\":false}\r\nSUB s 1\r\n");
  In(2, "CONNECT {\"verbose\":false}\r\nSUB s 1\r\n");
  Take(1);
  Take(2);
  const std::string payload(100, 'x');
  const std::string pub = absl::StrCat("PUB s 100\r\n", payload, "\r\n");
  In(3, "CONNECT {\"verbose\":false}\r\n");
  for (int i = 0; i < 20; ++i) {
    In(3, pub);
    // Connection 2 keeps draining; connection 1 never does.
    Step(io::Flushed{2, fx_.out[2].size(), true});
    Take(2);
  }
  EXPECT_TRUE(Closed(1));
  EXPECT_EQ(fx_.closes[1], io::CloseMode::kAbort);
  EXPECT_EQ(Closed_Reason(1), "Slow Consumer (Pending Bytes)");
  EXPECT_FALSE(Closed(2));
  EXPECT_EQ(node_->counters().slow_consumers, 1u);
  EXPECT_EQ(Take(1).find("-ERR"), std::string::npos);
}

TEST_F(NodeTest, SlowConsumerByWriteDeadline) {
  Options options;
  options.write_deadline_ns = 2 * kSecond;
  Make(options);
  Open(1);
  In(1, "CONNECT {\"verbose\":false}\r\n");
  Step(io::Flushed{1, 10, false});
  Advance(1 * kSecond);
  Step(io::Flushed{1, 0, true});  // drained: the deadline is cancelled
  Advance(5 * kSecond);
  EXPECT_FALSE(Closed(1));
  Step(io::Flushed{1, 0, false});
  Advance(2 * kSecond);
  EXPECT_TRUE(Closed(1));
  EXPECT_EQ(fx_.closes[1], io::CloseMode::kAbort);
  EXPECT_EQ(Closed_Reason(1), "Slow Consumer (Write Deadline)");
  EXPECT_EQ(node_->counters().slow_consumers, 1u);
  EXPECT_THAT(fx_.logs, testing::Contains(testing::MatchesRegex(
                            ".* - cid:1 - Slow Consumer Detected: WriteDeadline of 2s exceeded "
                            "with 1 chunks of [0-9]+ total bytes\\.")));
}

TEST_F(NodeTest, ListConnectionsShowsSubscriptionsAndClientFields) {
  Open(1);
  In(1,
     "CONNECT {\"verbose\":false,\"name\":\"probe\",\"lang\":\"python\",\"version\":\"1.0\"}"
     "\r\nSUB a 1\r\nSUB b q 2\r\n");
  std::vector<ConnSnapshot> open;
  node_->ListConnections(&open, nullptr);
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].cid, 1u);
  EXPECT_EQ(open[0].name, "probe");
  EXPECT_EQ(open[0].lang, "python");
  EXPECT_EQ(open[0].num_subs, 2u);
  ASSERT_EQ(open[0].subs.size(), 2u);
  EXPECT_EQ(open[0].subs[1].queue, "q");
  Step(io::ConnClosed{1, io::CloseCause::kEof});
  std::vector<ConnSnapshot> closed;
  node_->ListConnections(&open, &closed);
  EXPECT_TRUE(open.empty());
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].reason, "Client Closed");
  EXPECT_EQ(closed[0].subs.size(), 2u);
  EXPECT_EQ(node_->sublist().Count(), 0u);
}

TEST_F(NodeTest, ShutdownClosesEveryClient) {
  Open(1);
  Open(2);
  node_->Shutdown(Now(), fx_);
  EXPECT_TRUE(Closed(1));
  EXPECT_TRUE(Closed(2));
  EXPECT_EQ(Closed_Reason(2), "Server Shutdown");
  EXPECT_EQ(node_->num_connections(), 0u);
}

TEST_F(NodeTest, TraceLinesInReferenceFormat) {
  Options options;
  options.debug = true;
  options.trace = true;
  Make(options);
  Open(4);
  In(4,
     "CONNECT {\"verbose\":false,\"headers\":true,\"name\":\"x\"}\r\nSUB foo 1\r\n"
     "PUB foo bar 5\r\nhello\r\nPING\r\nUNSUB 1\r\n");
  const std::vector<std::string> want = {
      "127.0.0.1:50004 - cid:4 - Client connection created",
      "127.0.0.1:50004 - cid:4 - <<- [CONNECT {\"verbose\":false,\"headers\":true,\"name\":\"x\"}]",
      "127.0.0.1:50004 - cid:4 - \"x\" - <<- [SUB foo 1]",
      "127.0.0.1:50004 - cid:4 - \"x\" - <<- [PUB foo bar 5]",
      "127.0.0.1:50004 - cid:4 - \"x\" - <<- MSG_PAYLOAD: [\"hello\"]",
      "127.0.0.1:50004 - cid:4 - \"x\" - ->> [MSG foo 1 bar 5]",
      "127.0.0.1:50004 - cid:4 - \"x\" - <<- [PING]",
      "127.0.0.1:50004 - cid:4 - \"x\" - ->> [PONG]",
      "127.0.0.1:50004 - cid:4 - \"x\" - <<- [UNSUB 1]",
      "127.0.0.1:50004 - cid:4 - \"x\" - <-> [DELSUB 1]",
  };
  EXPECT_EQ(fx_.logs, want);
}

// Observed with nats-server 2.9.10 -DV: the limit is logged before the MSG, DELSUB after it.
TEST_F(NodeTest, AutoUnsubscribeLogOrder) {
  Options options;
  options.debug = true;
  options.trace = true;
  Make(options);
  Open(4);
  fx_.logs.clear();
  In(4, "CONNECT {\"verbose\":false}\r\nSUB foo 1\r\nUNSUB 1 1\r\nPUB foo 1\r\nx\r\n");
  const std::string p = "127.0.0.1:50004 - cid:4 - ";
  const std::vector<std::string> want = {
      p + "<<- [CONNECT {\"verbose\":false}]",
      p + "<<- [SUB foo 1]",
      p + "<<- [UNSUB 1 1]",
      p + "<<- [PUB foo 1]",
      p + "<<- MSG_PAYLOAD: [\"x\"]",
      p + "Auto-unsubscribe limit of 1 reached for sid '1'",
      p + "->> [MSG foo 1 1]",
      p + "<-> [DELSUB 1]",
  };
  EXPECT_EQ(fx_.logs, want);
}

// The reference traces the argument text as it arrived (runs of spaces and tabs kept), wherever
// the reads split it, and -ERR text without quotes. Observed with nats-server 2.9.10 -V.
TEST_F(NodeTest, TraceQuotesRawArgumentsAcrossSplitReads) {
  Options options;
  options.trace = true;
  options.max_sub_tokens = 2;
  Make(options);
  Open(4);
  In(4, "CONNECT {\"verbose\":false}\r\nSUB  foo   1 \r\nPUB foo");
  In(4, "  2\r\nh");
  In(4, "i\r\nUNSUB 1  5\r\nSUB a.b.c\tq  3 \r\nUNSUB\t1\r\n");
  const std::string p = "127.0.0.1:50004 - cid:4 - ";
  const std::vector<std::string> want = {
      p + "<<- [CONNECT {\"verbose\":false}]",
      p + "<<- [SUB foo   1 ]",
      p + "<<- [PUB foo  2]",
      p + "<<- MSG_PAYLOAD: [\"hi\"]",
      p + "->> [MSG foo 1 2]",
      p + "<<- [UNSUB 1  5]",
      p + "<<- [SUB a.b.c\tq  3 ]",
      p + "->> [-ERR Permissions Violation for Subscription to \"a.b.c\", too many tokens]",
      p + "Subscription Violation Too Many Tokens - User \"N/A\", Subject \"a.b.c\", SID 3",
      p + "<<- [UNSUB 1]",
      p + "<-> [DELSUB 1]",
  };
  EXPECT_EQ(fx_.logs, want);
  EXPECT_EQ(Take(4),
            "MSG foo 1 2\r\nhi\r\n"
            "-ERR 'Permissions Violation for Subscription to \"a.b.c\", too many tokens'\r\n");
}

// Observed with nats-server 2.9.10 -V and max_traced_msg_len: 5.
TEST_F(NodeTest, TracedPayloadIsCutInItsQuotedForm) {
  Options options;
  options.trace = true;
  options.max_traced_msg_len = 5;
  Make(options);
  Open(4);
  In(4, absl::StrCat("CONNECT {\"verbose\":false}\r\nPUB a 7\r\n", std::string(1, '\x01'),
                     "bcdefg\r\nPUB a 5\r\nabcde\r\n"));
  const std::string p = "127.0.0.1:50004 - cid:4 - ";
  EXPECT_THAT(fx_.logs, testing::Contains(p + "<<- MSG_PAYLOAD: [\"\\x01b...\"]"));
  EXPECT_THAT(fx_.logs, testing::Contains(p + "<<- MSG_PAYLOAD: [\"abcde\"]"));
}

Options AuthOptionsForTest() {
  Options options;
  options.auth.timeout_ns = 1 * kSecond;
  User a;
  a.username = "a";
  a.password = "pa";
  a.permissions = Permissions{};
  a.permissions->publish = SubjectPermission{{"a.>"}, {"a.secret"}};
  a.permissions->subscribe = SubjectPermission{{"a.>", "q.* grp", "req"}, {"a.deny"}};
  User r;
  r.username = "r";
  r.password = "pr";
  r.permissions = Permissions{};
  r.permissions->subscribe = SubjectPermission{{"req"}, {}};
  r.permissions->allow_responses = ResponsePermission{1, 0};
  options.auth.users = {a, r};
  return options;
}

TEST_F(NodeTest, AuthRequiredRefusesOpsBeforeConnectAndBadCredentials) {
  Make(AuthOptionsForTest());
  EXPECT_THAT(Open(1), HasSubstr("\"headers\":true,\"auth_required\":true,\"max_payload\""));
  In(1, "PING\r\n");
  EXPECT_EQ(Take(1), "-ERR 'Authorization Violation'\r\n");
  EXPECT_TRUE(Closed(1));
  EXPECT_EQ(Closed_Reason(1), "Authentication Failure");
  Open(2);
  In(2, "CONNECT {\"verbose\":false}\r\n");
  EXPECT_EQ(Take(2), "-ERR 'Authorization Violation'\r\n");
  Open(3);
  In(3, "CONNECT {\"verbose\":false,\"user\":\"a\",\"pass\":\"bad\"}\r\n");
  EXPECT_EQ(Take(3), "-ERR 'Authorization Violation'\r\n");
  EXPECT_TRUE(Closed(3));
  Open(4);
  In(4, "CONNECT {\"verbose\":false,\"user\":\"a\",\"pass\":\"pa\"}\r\nPING\r\n");
  EXPECT_EQ(Take(4), "PONG\r\n");
  EXPECT_FALSE(Closed(4));
}

TEST_F(NodeTest, AuthorizationTimeout) {
  Make(AuthOptionsForTest());
  Open(1);
  Advance(999'000'000);
  EXPECT_FALSE(Closed(1));
  Advance(1'000'000);
  EXPECT_EQ(Take(1), "-ERR 'Authentication Timeout'\r\n");
  EXPECT_TRUE(Closed(1));
  EXPECT_EQ(Closed_Reason(1), "Authentication Timeout");
  // CONNECT in time cancels the timer.
  Open(2);
  In(2, "CONNECT {\"verbose\":false,\"user\":\"a\",\"pass\":\"pa\"}\r\n");
  Advance(5 * kSecond);
  EXPECT_FALSE(Closed(2));
}

TEST_F(NodeTest, PermissionViolationStrings) {
  Make(AuthOptionsForTest());
  Open(1);
  In(1,
     "CONNECT {\"verbose\":false,\"user\":\"a\",\"pass\":\"pa\"}\r\nPUB b 1\r\nx\r\n"
     "PUB a.secret 1\r\nx\r\nSUB a.deny 1\r\nSUB b 2\r\nSUB q.x 3\r\nSUB q.x grp 4\r\n"
     "SUB q.x other 5\r\nSUB a.* 6\r\nPUB a.x 1\r\nx\r\nPUB a.x b 1\r\nx\r\nPING\r\n");
  EXPECT_EQ(Take(1),
            "-ERR 'Permissions Violation for Publish to \"b\"'\r\n"
            "-ERR 'Permissions Violation for Publish to \"a.secret\"'\r\n"
            "-ERR 'Permissions Violation for Subscription to \"a.deny\"'\r\n"
            "-ERR 'Permissions Violation for Subscription to \"b\"'\r\n"
            "-ERR 'Permissions Violation for Subscription to \"q.x\"'\r\n"
            "-ERR 'Permissions Violation for Subscription to \"q.x\" using queue \"other\"'\r\n"
            "MSG a.x 6 1\r\nx\r\nMSG a.x 6 b 1\r\nx\r\nPONG\r\n");
  EXPECT_FALSE(Closed(1));
}

// Bytes observed on nats-server 2.9.10: a subject with an empty token is outside an allow list
// of ">", and the permission check comes before max_sub_tokens.
TEST_F(NodeTest, EmptyTokenSubjectsFailPermissionsBeforeTokenLimit) {
  Options options;
  User bob;
  bob.username = "bob";
  bob.password = "p";
  bob.permissions = Permissions{};
  bob.permissions->publish = SubjectPermission{{">"}, {}};
  bob.permissions->subscribe = SubjectPermission{{">"}, {}};
  options.auth.users = {bob};
  options.max_sub_tokens = 2;
  Make(options);
  Open(1);
  In(1,
     "CONNECT {\"verbose\":false,\"user\":\"bob\",\"pass\":\"p\"}\r\nPUB a..b 1\r\nx\r\n"
     "SUB a..b q 1\r\nSUB a.b.c 2\r\nPUB * 0\r\n\r\n");
  EXPECT_EQ(Take(1),
            "-ERR 'Invalid Publish Subject'\r\n"
            "-ERR 'Permissions Violation for Publish to \"a..b\"'\r\n"
            "-ERR 'Permissions Violation for Subscription to \"a..b\" using queue \"q\"'\r\n"
            "-ERR 'Permissions Violation for Subscription to \"a.b.c\", too many tokens'\r\n"
            "-ERR 'Invalid Publish Subject'\r\n");
}

TEST_F(NodeTest, AllowResponsesGrantsOneReplyPerRequest) {
  Options options = AuthOptionsForTest();
  options.auth.users[0].permissions->publish = SubjectPermission{{">"}, {}};
  Make(options);
  Open(1);
  Open(2);
  In(1, "CONNECT {\"verbose\":false,\"user\":\"r\",\"pass\":\"pr\"}\r\nSUB req 1\r\n");
  In(2,
     "CONNECT {\"verbose\":false,\"user\":\"a\",\"pass\":\"pa\"}\r\nSUB a.inbox 1\r\n"
     "PUB req a.inbox 1\r\nx\r\n");
  EXPECT_EQ(Take(1), "MSG req 1 a.inbox 1\r\nx\r\n");
  In(1, "PUB a.inbox 1\r\ny\r\nPUB a.inbox 1\r\nz\r\nPUB other 1\r\nw\r\n");
  EXPECT_EQ(Take(1),
            "-ERR 'Permissions Violation for Publish to \"a.inbox\"'\r\n"
            "-ERR 'Permissions Violation for Publish to \"other\"'\r\n");
  EXPECT_EQ(Take(2), "MSG a.inbox 1 1\r\ny\r\n");
}

TEST_F(NodeTest, NoAuthUserAllowsOpsWithoutConnect) {
  Options options = AuthOptionsForTest();
  options.auth.no_auth_user = "a";
  Make(options);
  EXPECT_THAT(Open(1), Not(HasSubstr("auth_required")));
  In(1, "SUB a.x 1\r\nSUB b 2\r\n");
  EXPECT_EQ(Take(1), "+OK\r\n-ERR 'Permissions Violation for Subscription to \"b\"'\r\n");
  EXPECT_FALSE(Closed(1));
}

TEST_F(NodeTest, SingleUserAndToken) {
  Options options;
  options.auth.user = "u";
  options.auth.password = "p";
  Make(options);
  Open(1);
  In(1, "CONNECT {\"user\":\"u\",\"pass\":\"p\"}\r\n");
  EXPECT_EQ(Take(1), "+OK\r\n");
  Open(2);
  In(2, "CONNECT {\"user\":\"u\",\"pass\":\"x\"}\r\n");
  EXPECT_EQ(Take(2), "-ERR 'Authorization Violation'\r\n");
  Options token;
  token.auth.token = "s3cr3t";
  Make(token);
  Open(3);
  In(3, "CONNECT {\"auth_token\":\"s3cr3t\"}\r\n");
  EXPECT_EQ(Take(3), "+OK\r\n");
  Open(4);
  In(4, "CONNECT {\"auth_token\":\"nope\"}\r\n");
  EXPECT_EQ(Take(4), "-ERR 'Authorization Violation'\r\n");
}

TEST_F(NodeTest, SameSeedSameBytes) {
  auto run = [](uint64_t seed) {
    Node node(Options(), seed);
    RecordingEffects fx;
    io::Time t{1, 1};
    for (io::ConnId c = 1; c <= 3; ++c) {
      node.Step(t, io::ConnOpened{c, io::ConnInfo{io::ConnKind::kClient, "10.0.0.1", 1}}, fx);
      node.Step(t, io::BytesIn{c, "CONNECT {\"verbose\":false}\r\nSUB q g 1\r\n"}, fx);
    }
    for (int i = 0; i < 30; ++i) node.Step(t, io::BytesIn{1, "PUB q 1\r\nx\r\n"}, fx);
    return fx.out;
  };
  EXPECT_EQ(run(7), run(7));
}

}  // namespace
}  // namespace na::node
