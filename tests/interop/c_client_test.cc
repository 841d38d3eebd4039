// Interop with the real C client (Debian libnats-dev, nats.c 3.x) against the server under test:
// everything an application does through the library, checked from the application's side.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/interop/nats_c.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"

namespace na::interop {
namespace {

using ::na::testing::ServerOptions;
using ::na::testing::ServerProcess;

// Signalled from nats.c callback threads.
class Latch {
 public:
  void Notify() {
    std::lock_guard<std::mutex> lock(mu_);
    ++count_;
    cv_.notify_all();
  }
  bool WaitFor(int count, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return count_ >= count; });
  }
  int count() {
    std::lock_guard<std::mutex> lock(mu_);
    return count_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int count_ = 0;
};

class CClientTest : public ::testing::Test {
 protected:
  void StartServer(const std::string& config = "", int port = -1) {
    ServerOptions options;
    options.config = config;
    options.port = port;
    absl::StatusOr<std::unique_ptr<ServerProcess>> started = ServerProcess::Start(options);
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = std::move(*started);
  }
  std::string url() const { return server_->url(); }

  std::unique_ptr<ServerProcess> server_;
};

TEST_F(CClientTest, PubSubWithWildcards) {
  StartServer();
  ASSERT_OK_AND_ASSIGN(Connection nc, Connect(url()));
  ASSERT_OK_AND_ASSIGN(Subscription star, SubscribeSync(nc.get(), "orders.*"));
  ASSERT_OK_AND_ASSIGN(Subscription tail, SubscribeSync(nc.get(), "orders.>"));
  ASSERT_OK_AND_ASSIGN(Subscription exact, SubscribeSync(nc.get(), "orders.new"));
  ASSERT_OK(FromNats(natsConnection_PublishString(nc.get(), "orders.new", "one"), "pub"));
  ASSERT_OK(FromNats(natsConnection_PublishString(nc.get(), "orders.eu.new", "two"), "pub"));
  ASSERT_OK(FromNats(natsConnection_PublishString(nc.get(), "orders", "none"), "pub"));
  ASSERT_OK(FromNats(natsConnection_FlushTimeout(nc.get(), 2000), "flush"));

  ASSERT_OK_AND_ASSIGN(Msg m1, NextMsg(star.get()));
  EXPECT_STREQ(natsMsg_GetSubject(m1.get()), "orders.new");
  EXPECT_EQ(Data(m1.get()), "one");
  EXPECT_FALSE(NextMsg(star.get(), 200).ok()) << "orders.* must not match orders.eu.new";

  ASSERT_OK_AND_ASSIGN(Msg t1, NextMsg(tail.get()));
  ASSERT_OK_AND_ASSIGN(Msg t2, NextMsg(tail.get()));
  EXPECT_EQ(Data(t1.get()), "one");
  EXPECT_EQ(Data(t2.get()), "two");
  EXPECT_FALSE(NextMsg(tail.get(), 200).ok()) << "orders.> must not match orders";

  ASSERT_OK_AND_ASSIGN(Msg e1, NextMsg(exact.get()));
  EXPECT_EQ(Data(e1.get()), "one");
}

TEST_F(CClientTest, PubSubAcrossConnectionsKeepsOrder) {
  StartServer();
  ASSERT_OK_AND_ASSIGN(Connection sub_nc, Connect(url()));
  ASSERT_OK_AND_ASSIGN(Connection pub_nc, Connect(url()));
  ASSERT_OK_AND_ASSIGN(Subscription sub, SubscribeSync(sub_nc.get(), "seq"));
  ASSERT_OK(FromNats(natsConnection_FlushTimeout(sub_nc.get(), 2000), "flush"));
  constexpr int kCount = 1000;
  for (int i = 0; i < kCount; ++i) {
    std::string payload = absl::StrCat(i);
    ASSERT_OK(FromNats(natsConnection_PublishString(pub_nc.get(), "seq", payload.c_str()), "pub"));
  }
  ASSERT_OK(FromNats(natsConnection_FlushTimeout(pub_nc.get(), 2000), "flush"));
  for (int i = 0; i < kCount; ++i) {
    ASSERT_OK_AND_ASSIGN(Msg msg, NextMsg(sub.get()));
    ASSERT_EQ(Data(msg.get()), absl::StrCat(i));
  }
}

TEST_F(CClientTest, QueueGroupDeliversExactlyOnePerGroup) {
  StartServer();
  ASSERT_OK_AND_ASSIGN(Connection nc, Connect(url()));
  std::vector<Subscription> workers;
  for (int i = 0; i < 3; ++i) {
    ASSERT_OK_AND_ASSIGN(Subscription sub, SubscribeSync(nc.get(), "jobs.*", "workers"));
    workers.push_back(std::move(sub));
  }
  ASSERT_OK_AND_ASSIGN(Subscription auditor, SubscribeSync(nc.get(), "jobs.*", "audit"));
  ASSERT_OK_AND_ASSIGN(Connection pub, Connect(url()));
  ASSERT_OK(FromNats(natsConnection_FlushTimeout(nc.get(), 2000), "flush"));
  constexpr int kJobs = 90;
  for (int i = 0; i < kJobs; ++i) {
    std::string subject = absl::StrCat("jobs.", i);
    ASSERT_OK(FromNats(natsConnection_PublishString(pub.get(), subject.c_str(), "job"), "pub"));
  }
  ASSERT_OK(FromNats(natsConnection_FlushTimeout(pub.get(), 2000), "flush"));
  ASSERT_OK(FromNats(natsConnection_FlushTimeout(nc.get(), 2000), "flush"));

  std::map<std::string, int> deliveries;
  for (auto& worker : workers) {
    int got = 0;
    while (true) {
      absl::StatusOr<Msg> msg = NextMsg(worker.get(), 300);
      if (!msg.ok()) break;
      ++deliveries[natsMsg_GetSubject(msg->get())];
      ++got;
    }
    EXPECT_GT(got, 0) << "every member is reached over " << kJobs << " messages";
  }
  EXPECT_EQ(deliveries.size(), static_cast<size_t>(kJobs));
  for (const auto& [subject, count] : deliveries) EXPECT_EQ(count, 1) << subject;
  for (int i = 0; i < kJobs; ++i) {
    ASSERT_OK_AND_ASSIGN(Msg msg, NextMsg(auditor.get()));
  }
  EXPECT_FALSE(NextMsg(auditor.get(), 200).ok());
}

void Echo(natsConnection* nc, natsSubscription*, natsMsg* msg, void*) {
  std::string reply = absl::StrCat("re:", Data(msg));
  natsConnection_PublishString(nc, natsMsg_GetReply(msg), reply.c_str());
  natsMsg_Destroy(msg);
}

TEST_F(CClientTest, RequestReply) {
  StartServer();
  ASSERT_OK_AND_ASSIGN(Connection responder, Connect(url()));
  natsSubscription* raw = nullptr;
  ASSERT_OK(FromNats(
      natsConnection_QueueSubscribe(&raw, responder.get(), "svc.echo", "svc", Echo, nullptr),
      "subscribe"));
  Subscription service(raw);
  ASSERT_OK(FromNats(natsConnection_FlushTimeout(responder.get(), 2000), "flush"));
  ASSERT_OK_AND_ASSIGN(Connection requester, Connect(url()));
  for (int i = 0; i < 20; ++i) {
    natsMsg* reply = nullptr;
    std::string body = absl::StrCat("ping", i);
    ASSERT_OK(FromNats(
        natsConnection_RequestString(&reply, requester.get(), "svc.echo", body.c_str(), 2000),
        "request"));
    Msg owned(reply);
    EXPECT_EQ(Data(reply), absl::StrCat("re:", body));
  }
}

TEST_F(CClientTest, RequestWithoutRespondersFailsFastWithNoResponders) {
  StartServer();
  ASSERT_OK_AND_ASSIGN(Connection nc, Connect(url()));
  natsMsg* reply = nullptr;
  auto start = std::chrono::steady_clock::now();
  natsStatus status = natsConnection_RequestString(&reply, nc.get(), "nobody.here", "x", 3000);
  auto took = std::chrono::steady_clock::now() - start;
  if (reply != nullptr) natsMsg_Destroy(reply);
  EXPECT_EQ(status, NATS_NO_RESPONDERS) << natsStatus_GetText(status);
  EXPECT_LT(took, std::chrono::milliseconds(1500)) << "the 503 arrives, not the timeout";
}

TEST_F(CClientTest, HeadersRoundTrip) {
  StartServer();
  ASSERT_OK_AND_ASSIGN(Connection nc, Connect(url()));
  ASSERT_OK_AND_ASSIGN(Subscription sub, SubscribeSync(nc.get(), "with.headers"));
  natsMsg* raw = nullptr;
  ASSERT_OK(FromNats(natsMsg_Create(&raw, "with.headers", nullptr, "body", 4), "create"));
  Msg out(raw);
  ASSERT_OK(FromNats(natsMsgHeader_Set(raw, "Trace-Id", "abc123"), "set"));
  ASSERT_OK(FromNats(natsMsgHeader_Add(raw, "Multi", "one"), "add"));
  ASSERT_OK(FromNats(natsMsgHeader_Add(raw, "Multi", "two"), "add"));
  ASSERT_OK(FromNats(natsConnection_PublishMsg(nc.get(), raw), "publish"));
  ASSERT_OK_AND_ASSIGN(Msg in, NextMsg(sub.get()));
  EXPECT_EQ(Data(in.get()), "body");
  const char* value = nullptr;
  ASSERT_OK(FromNats(natsMsgHeader_Get(in.get(), "Trace-Id", &value), "get"));
  EXPECT_STREQ(value, "abc123");
  const char** values = nullptr;
  int count = 0;
  ASSERT_OK(FromNats(natsMsgHeader_Values(in.get(), "Multi", &values, &count), "values"));
  ASSERT_EQ(count, 2);
  EXPECT_STREQ(values[0], "one");
  EXPECT_STREQ(values[1], "two");
  free(values);
}

TEST_F(CClientTest, AutoUnsubscribeStopsAfterMax) {
  StartServer();
  ASSERT_OK_AND_ASSIGN(Connection nc, Connect(url()));
  ASSERT_OK_AND_ASSIGN(Subscription sub, SubscribeSync(nc.get(), "auto"));
  ASSERT_OK(FromNats(natsSubscription_AutoUnsubscribe(sub.get(), 3), "auto-unsubscribe"));
  ASSERT_OK_AND_ASSIGN(Connection pub, Connect(url()));
  ASSERT_OK(FromNats(natsConnection_FlushTimeout(nc.get(), 2000), "flush"));
  for (int i = 0; i < 6; ++i) {
    ASSERT_OK(FromNats(natsConnection_PublishString(pub.get(), "auto", "m"), "pub"));
  }
  ASSERT_OK(FromNats(natsConnection_FlushTimeout(pub.get(), 2000), "flush"));
  for (int i = 0; i < 3; ++i) ASSERT_OK(NextMsg(sub.get()).status());
  natsMsg* extra = nullptr;
  natsStatus status = natsSubscription_NextMsg(&extra, sub.get(), 300);
  if (extra != nullptr) natsMsg_Destroy(extra);
  EXPECT_NE(status, NATS_OK);
}

TEST_F(CClientTest, FlushIsAnsweredByTheServer) {
  StartServer();
  ASSERT_OK_AND_ASSIGN(Connection nc, Connect(url()));
  for (int i = 0; i < 50; ++i) {
    ASSERT_OK(FromNats(natsConnection_FlushTimeout(nc.get(), 2000), "flush"));
  }
}

TEST_F(CClientTest, SubscriptionDrainDeliversWhatWasPublishedBefore) {
  StartServer();
  ASSERT_OK_AND_ASSIGN(Connection nc, Connect(url()));
  std::atomic<int> received{0};
  natsSubscription* raw = nullptr;
  ASSERT_OK(FromNats(natsConnection_Subscribe(
                         &raw, nc.get(), "drain.me",
                         [](natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
                           ++*static_cast<std::atomic<int>*>(closure);
                           natsMsg_Destroy(msg);
                         },
                         &received),
                     "subscribe"));
  Subscription sub(raw);
  ASSERT_OK_AND_ASSIGN(Connection pub, Connect(url()));
  ASSERT_OK(FromNats(natsConnection_FlushTimeout(nc.get(), 2000), "flush"));
  for (int i = 0; i < 200; ++i) {
    ASSERT_OK(FromNats(natsConnection_PublishString(pub.get(), "drain.me", "x"), "pub"));
  }
  ASSERT_OK(FromNats(natsConnection_FlushTimeout(pub.get(), 2000), "flush"));
  ASSERT_OK(FromNats(natsSubscription_Drain(sub.get()), "drain"));
  ASSERT_OK(FromNats(natsSubscription_WaitForDrainCompletion(sub.get(), 3000), "wait drain"));
  EXPECT_EQ(received.load(), 200);
  // After the drain the server no longer delivers to it.
  ASSERT_OK(FromNats(natsConnection_PublishString(pub.get(), "drain.me", "late"), "pub"));
  ASSERT_OK(FromNats(natsConnection_FlushTimeout(pub.get(), 2000), "flush"));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(received.load(), 200);
}

TEST_F(CClientTest, ConnectionDrainClosesTheConnection) {
  StartServer();
  Latch closed;
  ASSERT_OK_AND_ASSIGN(Options opts, MakeOptions(url()));
  ASSERT_OK(FromNats(
      natsOptions_SetClosedCB(
          opts.get(), [](natsConnection*, void* latch) { static_cast<Latch*>(latch)->Notify(); },
          &closed),
      "closed cb"));
  ASSERT_OK_AND_ASSIGN(Connection nc, Connect(opts.get()));
  Latch received;
  natsSubscription* raw = nullptr;
  ASSERT_OK(FromNats(natsConnection_Subscribe(
                         &raw, nc.get(), "conn.drain",
                         [](natsConnection*, natsSubscription*, natsMsg* msg, void* latch) {
                           natsMsg_Destroy(msg);
                           static_cast<Latch*>(latch)->Notify();
                         },
                         &received),
                     "subscribe"));
  Subscription sub(raw);
  ASSERT_OK(FromNats(natsConnection_PublishString(nc.get(), "conn.drain", "x"), "pub"));
  ASSERT_OK(FromNats(natsConnection_DrainTimeout(nc.get(), 3000), "drain"));
  // The message published before the drain is still handed to the application.
  EXPECT_TRUE(received.WaitFor(1, std::chrono::seconds(3)));
  EXPECT_TRUE(closed.WaitFor(1, std::chrono::seconds(5)));
  EXPECT_TRUE(natsConnection_IsClosed(nc.get()));
}

TEST_F(CClientTest, ReconnectsAfterServerRestartOnTheSamePort) {
  StartServer();
  int port = server_->port();
  Latch disconnected, reconnected;
  ASSERT_OK_AND_ASSIGN(Options opts, MakeOptions(url()));
  auto notify = [](natsConnection*, void* latch) { static_cast<Latch*>(latch)->Notify(); };
  ASSERT_OK(FromNats(natsOptions_SetAllowReconnect(opts.get(), true), "reconnect"));
  ASSERT_OK(FromNats(natsOptions_SetMaxReconnect(opts.get(), 200), "max reconnect"));
  ASSERT_OK(FromNats(natsOptions_SetReconnectWait(opts.get(), 50), "reconnect wait"));
  ASSERT_OK(FromNats(natsOptions_SetDisconnectedCB(opts.get(), notify, &disconnected), "cb"));
  ASSERT_OK(FromNats(natsOptions_SetReconnectedCB(opts.get(), notify, &reconnected), "cb"));
  ASSERT_OK_AND_ASSIGN(Connection nc, Connect(opts.get()));
  ASSERT_OK_AND_ASSIGN(Subscription sub, SubscribeSync(nc.get(), "survive"));
  ASSERT_OK(FromNats(natsConnection_FlushTimeout(nc.get(), 2000), "flush"));

  ASSERT_OK(server_->Stop());
  ASSERT_TRUE(disconnected.WaitFor(1, std::chrono::seconds(5)));
  StartServer("", port);
  ASSERT_TRUE(reconnected.WaitFor(1, std::chrono::seconds(10)));
  // The client re-sent its subscription on reconnect.
  ASSERT_OK(FromNats(natsConnection_FlushTimeout(nc.get(), 2000), "flush"));
  ASSERT_OK_AND_ASSIGN(Connection pub, Connect(url()));
  ASSERT_OK(FromNats(natsConnection_PublishString(pub.get(), "survive", "after"), "pub"));
  ASSERT_OK(FromNats(natsConnection_FlushTimeout(pub.get(), 2000), "flush"));
  ASSERT_OK_AND_ASSIGN(Msg msg, NextMsg(sub.get()));
  EXPECT_EQ(Data(msg.get()), "after");
}

TEST_F(CClientTest, PayloadUpToMaxPayloadAndTheErrorAboveIt) {
  StartServer("max_payload: 65536\n");
  ASSERT_OK_AND_ASSIGN(Connection nc, Connect(url()));
  EXPECT_EQ(natsConnection_GetMaxPayload(nc.get()), 65536);
  ASSERT_OK_AND_ASSIGN(Subscription sub, SubscribeSync(nc.get(), "big"));
  std::string payload(65536, 'b');
  for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>('a' + i % 26);
  ASSERT_OK(FromNats(
      natsConnection_Publish(nc.get(), "big", payload.data(), static_cast<int>(payload.size())),
      "publish max"));
  ASSERT_OK_AND_ASSIGN(Msg msg, NextMsg(sub.get()));
  EXPECT_EQ(Data(msg.get()), payload);
  std::string too_big(65537, 'x');
  EXPECT_EQ(
      natsConnection_Publish(nc.get(), "big", too_big.data(), static_cast<int>(too_big.size())),
      NATS_MAX_PAYLOAD);
  // The connection is still usable.
  ASSERT_OK(FromNats(natsConnection_FlushTimeout(nc.get(), 2000), "flush"));
}

TEST_F(CClientTest, DefaultMaxPayloadOneMebibyteRoundTrips) {
  StartServer();
  ASSERT_OK_AND_ASSIGN(Connection nc, Connect(url()));
  EXPECT_EQ(natsConnection_GetMaxPayload(nc.get()), 1048576);
  ASSERT_OK_AND_ASSIGN(Subscription sub, SubscribeSync(nc.get(), "huge"));
  std::string payload(1048576, 'h');
  ASSERT_OK(FromNats(
      natsConnection_Publish(nc.get(), "huge", payload.data(), static_cast<int>(payload.size())),
      "publish"));
  ASSERT_OK_AND_ASSIGN(Msg msg, NextMsg(sub.get(), 5000));
  EXPECT_EQ(natsMsg_GetDataLength(msg.get()), 1048576);
}

// Runs the slow-subscriber helper; its stdout is a pipe the test reads lines from.
class Helper {
 public:
  bool Start(const std::string& url, const std::string& subject) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return false;
    std::string path = NA_INTEROP_SLOW_SUBSCRIBER;
    std::vector<std::string> args = {path, url, subject};
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    pid_ = fork();
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      dup2(fds[1], STDOUT_FILENO);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(fds[1]);
    out_ = fds[0];
    return pid_ > 0;
  }
  ~Helper() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (out_ >= 0) close(out_);
  }
  // Waits until the helper printed `line`.
  bool WaitForLine(const std::string& line, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (seen_.find(line + "\n") == std::string::npos) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd pfd = {out_, POLLIN, 0};
      if (poll(&pfd, 1, static_cast<int>(left.count())) <= 0) continue;
      char buf[256];
      ssize_t n = read(out_, buf, sizeof(buf));
      if (n <= 0) return seen_.find(line + "\n") != std::string::npos;
      seen_.append(buf, static_cast<size_t>(n));
    }
    return true;
  }
  void Signal(int sig) { kill(pid_, sig); }
  const std::string& seen() const { return seen_; }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  std::string seen_;
};

TEST_F(CClientTest, SlowConsumerIsCutWhileAFastOneKeepsReceiving) {
  StartServer("max_payload: 32768\nmax_pending: 131072\nwrite_deadline: \"1s\"\n");
  Helper slow;
  ASSERT_TRUE(slow.Start(url(), "firehose"));
  ASSERT_TRUE(slow.WaitForLine("ready", std::chrono::seconds(5))) << slow.seen();
  slow.Signal(SIGSTOP);  // It stops reading; the server must notice on its own.

  ASSERT_OK_AND_ASSIGN(Connection fast_nc, Connect(url()));
  ASSERT_OK_AND_ASSIGN(Subscription fast, SubscribeSync(fast_nc.get(), "firehose"));
  ASSERT_OK(FromNats(natsSubscription_SetPendingLimits(fast.get(), -1, -1), "limits"));
  ASSERT_OK(FromNats(natsConnection_FlushTimeout(fast_nc.get(), 2000), "flush"));
  ASSERT_OK_AND_ASSIGN(Connection pub, Connect(url()));
  constexpr int kMessages = 400;
  std::string payload(30000, 'f');
  for (int i = 0; i < kMessages; ++i) {
    ASSERT_OK(FromNats(natsConnection_Publish(pub.get(), "firehose", payload.data(),
                                              static_cast<int>(payload.size())),
                       "publish"));
    ASSERT_OK(NextMsg(fast.get(), 5000).status()) << "message " << i;
  }
  ASSERT_OK(FromNats(natsConnection_FlushTimeout(pub.get(), 2000), "publisher still served"));
  // Let the cut happen (write deadline 1s), then wake the helper: it finds itself closed.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  slow.Signal(SIGCONT);
  EXPECT_TRUE(slow.WaitForLine("closed", std::chrono::seconds(5))) << slow.seen();
  ASSERT_OK(FromNats(natsConnection_FlushTimeout(fast_nc.get(), 2000), "fast still served"));
}

TEST_F(CClientTest, UserPasswordAuthSucceedsAndFails) {
  StartServer("authorization { user: app, password: secret }\n");
  {
    ASSERT_OK_AND_ASSIGN(Options opts, MakeOptions(url()));
    ASSERT_OK(FromNats(natsOptions_SetUserInfo(opts.get(), "app", "secret"), "user"));
    ASSERT_OK_AND_ASSIGN(Connection nc, Connect(opts.get()));
    ASSERT_OK(FromNats(natsConnection_FlushTimeout(nc.get(), 2000), "flush"));
  }
  ASSERT_OK_AND_ASSIGN(Options bad, MakeOptions(url()));
  ASSERT_OK(FromNats(natsOptions_SetUserInfo(bad.get(), "app", "wrong"), "user"));
  natsConnection* nc = nullptr;
  natsStatus status = natsConnection_Connect(&nc, bad.get());
  if (nc != nullptr) natsConnection_Destroy(nc);
  EXPECT_EQ(status, NATS_CONNECTION_AUTH_FAILED) << natsStatus_GetText(status);
}

TEST_F(CClientTest, TokenAuthSucceedsAndFails) {
  StartServer("authorization { token: t0ken }\n");
  {
    ASSERT_OK_AND_ASSIGN(Options opts, MakeOptions(url()));
    ASSERT_OK(FromNats(natsOptions_SetToken(opts.get(), "t0ken"), "token"));
    ASSERT_OK_AND_ASSIGN(Connection nc, Connect(opts.get()));
    ASSERT_OK(FromNats(natsConnection_FlushTimeout(nc.get(), 2000), "flush"));
  }
  ASSERT_OK_AND_ASSIGN(Options bad, MakeOptions(url()));
  natsConnection* nc = nullptr;
  natsStatus status = natsConnection_Connect(&nc, bad.get());
  if (nc != nullptr) natsConnection_Destroy(nc);
  EXPECT_EQ(status, NATS_CONNECTION_AUTH_FAILED) << natsStatus_GetText(status);
}

TEST_F(CClientTest, PermissionViolationReachesTheErrorHandler) {
  StartServer(R"(authorization { users = [
    { user: limited, password: p, permissions: { publish: "ok.>", subscribe: "ok.>" } } ] }
)");
  struct Seen {
    Latch latch;
    std::mutex mu;
    std::string text;
  } seen;
  ASSERT_OK_AND_ASSIGN(Options opts, MakeOptions(url()));
  ASSERT_OK(FromNats(natsOptions_SetUserInfo(opts.get(), "limited", "p"), "user"));
  ASSERT_OK(FromNats(natsOptions_SetErrorHandler(
                         opts.get(),
                         [](natsConnection* nc, natsSubscription*, natsStatus, void* closure) {
                           auto* s = static_cast<Seen*>(closure);
                           {
                             std::lock_guard<std::mutex> lock(s->mu);
                             const char* text = nullptr;
                             natsConnection_GetLastError(nc, &text);
                             s->text = text == nullptr ? "" : text;
                           }
                           s->latch.Notify();
                         },
                         &seen),
                     "error handler"));
  ASSERT_OK_AND_ASSIGN(Connection nc, Connect(opts.get()));
  ASSERT_OK(FromNats(natsConnection_PublishString(nc.get(), "denied.subject", "x"), "pub"));
  ASSERT_OK(FromNats(natsConnection_FlushTimeout(nc.get(), 2000), "flush"));
  ASSERT_TRUE(seen.latch.WaitFor(1, std::chrono::seconds(3)));
  std::lock_guard<std::mutex> lock(seen.mu);
  EXPECT_NE(seen.text.find("Permissions Violation for Publish to \"denied.subject\""),
            std::string::npos)
      << seen.text;
  // The connection survives a permission violation.
  EXPECT_FALSE(natsConnection_IsClosed(nc.get()));
}

}  // namespace
}  // namespace na::interop
