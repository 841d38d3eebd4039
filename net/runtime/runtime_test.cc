// Drives a small scripted engine through the Runtime over real loopback sockets.
#include "net/runtime/runtime.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"

namespace na::net {
namespace {

// Line commands, one per "\n"-terminated line:
//   echo <text>        -> "<text>\n"
//   big <n>            -> n bytes of 'z'
//   close_flush <n>    -> n bytes of 'z', then Close(kFlush)
//   close_abort        -> "bye\n", then Close(kAbort)
//   timers             -> arms several timers; each firing sends "fired <id>\n"
//   id                 -> "<conn id>\n"
//   pause <ms>         -> PauseReading(this conn, now + ms), then "paused\n"
//   resume <id>        -> ResumeReading(id), then "resumed\n"
// Anything else read is echoed as it arrived, so split writes are visible as-is.
class ScriptEngine : public io::Engine {
 public:
  struct Record {
    std::vector<io::ConnId> opened;
    std::map<io::ConnId, io::CloseCause> closed;
    std::vector<io::Flushed> flushed;
    std::vector<io::TimerId> fired;
    uint64_t bytes_in = 0;
  };

  void Step(const io::Time& now, const io::Input& input, io::Effects& fx) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (const auto* opened = std::get_if<io::ConnOpened>(&input)) {
      rec_.opened.push_back(opened->conn);
      EXPECT_EQ(opened->info.remote_ip, "127.0.0.1");
      EXPECT_GT(opened->info.remote_port, 0);
    } else if (const auto* in = std::get_if<io::BytesIn>(&input)) {
      rec_.bytes_in += in->bytes.size();
      std::string& line = partial_[in->conn];
      line.append(in->bytes.data(), in->bytes.size());
      size_t pos;
      while ((pos = line.find('\n')) != std::string::npos) {
        std::string cmd = line.substr(0, pos);
        line.erase(0, pos + 1);
        Command(now, in->conn, cmd, fx);
      }
    } else if (const auto* closed = std::get_if<io::ConnClosed>(&input)) {
      rec_.closed[closed->conn] = closed->cause;
    } else if (const auto* flushed = std::get_if<io::Flushed>(&input)) {
      rec_.flushed.push_back(*flushed);
    } else if (const auto* fired = std::get_if<io::TimerFired>(&input)) {
      rec_.fired.push_back(fired->timer);
      fx.Send(timer_conn_, absl::StrCat("fired ", fired->timer, "\n"));
    }
  }

  // Called on the loop thread (inside Step), so it may read runtime state safely.
  std::function<size_t(io::ConnId)> buffer_probe;

  Record Snapshot() {
    std::lock_guard<std::mutex> lock(mu_);
    return rec_;
  }

 private:
  void Command(const io::Time& now, io::ConnId conn, const std::string& cmd, io::Effects& fx) {
    std::vector<std::string> words = absl::StrSplit(cmd, absl::MaxSplits(' ', 1));
    int64_t n = 0;
    if (words[0] == "echo" && words.size() == 2) {
      fx.Send(conn, words[1] + "\n");
    } else if (words[0] == "big" && words.size() == 2 && absl::SimpleAtoi(words[1], &n)) {
      SendBig(conn, n, fx);
    } else if (words[0] == "close_flush" && absl::SimpleAtoi(words[1], &n)) {
      SendBig(conn, n, fx);
      fx.Close(conn, io::CloseMode::kFlush);
    } else if (words[0] == "close_abort") {
      fx.Send(conn, "bye\n");
      fx.Close(conn, io::CloseMode::kAbort);
    } else if (words[0] == "bufsize" && buffer_probe) {
      fx.Send(conn, absl::StrCat(buffer_probe(conn), "\n"));
    } else if (words[0] == "id") {
      fx.Send(conn, absl::StrCat(conn, "\n"));
    } else if (words[0] == "pause" && words.size() == 2 && absl::SimpleAtoi(words[1], &n)) {
      fx.PauseReading(conn, now.mono_ns + n * 1'000'000);
      fx.Send(conn, "paused\n");
    } else if (words[0] == "resume" && words.size() == 2 && absl::SimpleAtoi(words[1], &n)) {
      fx.ResumeReading(static_cast<io::ConnId>(n));
      fx.Send(conn, "resumed\n");
    } else if (words[0] == "timers") {
      timer_conn_ = conn;
      const int64_t ms = 1'000'000;
      fx.ArmTimer(3, now.mono_ns + 60 * ms);
      fx.ArmTimer(1, now.mono_ns + 20 * ms);
      fx.ArmTimer(2, now.mono_ns + 40 * ms);
      fx.ArmTimer(4, now.mono_ns + 30 * ms);
      fx.CancelTimer(4);
      fx.ArmTimer(5, now.mono_ns + 10 * ms);
      fx.ArmTimer(5, now.mono_ns + 80 * ms);  // re-arming replaces the 10 ms deadline
    } else {
      fx.Send(conn, cmd + "\n");
    }
  }

  static void SendBig(io::ConnId conn, int64_t n, io::Effects& fx) {
    const std::string block(64 * 1024, 'z');
    while (n > 0) {
      const int64_t take = std::min<int64_t>(n, static_cast<int64_t>(block.size()));
      fx.Send(conn, absl::string_view(block.data(), static_cast<size_t>(take)));
      n -= take;
    }
  }

  std::mutex mu_;
  Record rec_;
  std::map<io::ConnId, std::string> partial_;
  io::ConnId timer_conn_ = 0;
};

// A blocking loopback client.
class Client {
 public:
  explicit Client(int port, int rcvbuf_bytes = 0) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    if (rcvbuf_bytes > 0) {
      setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf_bytes, sizeof(rcvbuf_bytes));
    }
    sockaddr_in addr = {};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }
  ~Client() {
    if (fd_ >= 0) close(fd_);
  }
  bool connected() const { return connected_; }

  void Write(absl::string_view bytes) {
    ASSERT_EQ(write(fd_, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  }
  // Reads until `n` bytes arrived, EOF, or the timeout.
  std::string ReadN(size_t n, int timeout_ms = 5000) {
    std::string out;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    char buf[65536];
    while (out.size() < n) {
      const int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                            deadline - std::chrono::steady_clock::now())
                                            .count());
      if (left <= 0) break;
      pollfd p = {fd_, POLLIN, 0};
      if (poll(&p, 1, left) <= 0) break;
      const ssize_t r = read(fd_, buf, std::min(sizeof(buf), n - out.size()));
      if (r <= 0) {
        eof_ = true;
        break;
      }
      out.append(buf, static_cast<size_t>(r));
    }
    return out;
  }
  // True if the server closed the connection within the timeout (after any pending bytes).
  bool ReadsEof(int timeout_ms = 5000, size_t* extra_bytes = nullptr) {
    size_t extra = 0;
    while (true) {
      pollfd p = {fd_, POLLIN, 0};
      if (poll(&p, 1, timeout_ms) <= 0) return false;
      char buf[65536];
      const ssize_t r = read(fd_, buf, sizeof(buf));
      if (r <= 0) break;
      extra += static_cast<size_t>(r);
    }
    if (extra_bytes != nullptr) *extra_bytes = extra;
    return true;
  }
  void CloseNow() {
    close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
  bool eof_ = false;
};

class RuntimeTest : public ::testing::Test {
 protected:
  void Start(RuntimeOptions options = {}) {
    options.host = "127.0.0.1";
    options.port = -1;
    runtime_ = std::make_unique<Runtime>(options);
    ASSERT_TRUE(runtime_->Listen().ok());
    ASSERT_GT(runtime_->port(), 0);
    runtime_->set_engine(&engine_);
    thread_ = std::thread([this] { result_ = runtime_->Run(); });
  }
  void TearDown() override {
    if (thread_.joinable()) {
      runtime_->Stop();
      thread_.join();
    }
  }
  // Waits until `pred(snapshot)` holds or two seconds pass.
  template <typename Pred>
  bool WaitFor(Pred pred) {
    for (int i = 0; i < 400; ++i) {
      if (pred(engine_.Snapshot())) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  }

  ScriptEngine engine_;
  std::unique_ptr<Runtime> runtime_;
  std::thread thread_;
  RunResult result_;
};

TEST_F(RuntimeTest, EchoesWritesSplitAnywhere) {
  Start();
  Client c(runtime_->port());
  ASSERT_TRUE(c.connected());
  const std::string message = "hello there\nsecond line\n";
  for (char ch : message) {
    c.Write(absl::string_view(&ch, 1));
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(c.ReadN(message.size()), message);
  c.Write("echo a");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  c.Write("bc\n");
  EXPECT_EQ(c.ReadN(4), "abc\n");
  EXPECT_EQ(engine_.Snapshot().opened.size(), 1u);
}

TEST_F(RuntimeTest, BusyPollStopsWhenIdle) {
  // After I/O the loop polls without sleeping for busy_poll_ns, then blocks again: an idle
  // server must not burn its core.
  RuntimeOptions options;
  options.busy_poll_ns = 20'000'000;
  Start(options);
  Client c(runtime_->port());
  c.Write("echo x\n");
  EXPECT_EQ(c.ReadN(2), "x\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the window has passed
  clockid_t loop_clock;
  ASSERT_EQ(pthread_getcpuclockid(thread_.native_handle(), &loop_clock), 0);
  auto cpu_ns = [&] {
    timespec ts;
    clock_gettime(loop_clock, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
  };
  const int64_t before = cpu_ns();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_LT(cpu_ns() - before, 10'000'000);
  // And it still answers at once.
  c.Write("echo y\n");
  EXPECT_EQ(c.ReadN(2), "y\n");
}

TEST_F(RuntimeTest, ReadBufferGrowsForLargeInput) {
  Start();
  Client c(runtime_->port());
  const std::string payload(1 << 20, 'p');
  c.Write(payload + "\n");
  EXPECT_EQ(c.ReadN(payload.size() + 1).size(), payload.size() + 1);
  EXPECT_EQ(engine_.Snapshot().bytes_in, payload.size() + 1);
}

TEST_F(RuntimeTest, ReadBufferShrinksWhenIdle) {
  RuntimeOptions options;
  options.read_buffer_idle_ns = 100'000'000;
  engine_.buffer_probe = [this](io::ConnId id) { return runtime_->read_buffer_bytes(id); };
  Start(options);
  Client c(runtime_->port());
  const std::string payload(1 << 20, 'p');
  // The probe line arrives in the same burst, while the buffer is grown.
  c.Write(payload + "\nbufsize\n");
  EXPECT_EQ(c.ReadN(payload.size() + 1).size(), payload.size() + 1);
  std::string grown;  // one line, however many digits
  while (grown.empty() || grown.back() != '\n') {
    const std::string byte = c.ReadN(1);
    if (byte.empty()) break;
    grown += byte;
  }
  size_t bytes = 0;
  ASSERT_TRUE(absl::SimpleAtoi(absl::StripSuffix(grown, "\n"), &bytes)) << grown;
  EXPECT_GT(bytes, options.read_buffer_min_bytes);
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  c.Write("bufsize\n");
  EXPECT_EQ(c.ReadN(4), "512\n");
}

TEST_F(RuntimeTest, ReadBufferGrowsPastFreeMaxOnlyWithinBudget) {
  RuntimeOptions options;
  options.read_buffer_budget_bytes = 0;  // nothing beyond read_buffer_free_max_bytes
  engine_.buffer_probe = [this](io::ConnId id) { return runtime_->read_buffer_bytes(id); };
  Start(options);
  Client c(runtime_->port());
  const std::string payload(4 << 20, 'p');
  c.Write(payload + "\nbufsize\n");
  EXPECT_EQ(c.ReadN(payload.size() + 1, 20000).size(), payload.size() + 1);
  std::string line;
  while (line.empty() || line.back() != '\n') {
    const std::string byte = c.ReadN(1);
    if (byte.empty()) break;
    line += byte;
  }
  size_t bytes = 0;
  ASSERT_TRUE(absl::SimpleAtoi(absl::StripSuffix(line, "\n"), &bytes)) << line;
  EXPECT_GT(bytes, options.read_buffer_min_bytes);
  EXPECT_LE(bytes, options.read_buffer_free_max_bytes);
}

TEST_F(RuntimeTest, PausedConnectionIsNotReadUntilResumed) {
  Start();
  Client a(runtime_->port());
  Client b(runtime_->port());
  a.Write("id\n");
  const std::string id_line = a.ReadN(2);
  ASSERT_EQ(id_line.back(), '\n');
  a.Write("pause 60000\n");
  EXPECT_EQ(a.ReadN(7), "paused\n");
  const uint64_t bytes_before = engine_.Snapshot().bytes_in;
  a.Write("echo held\n");
  // Not read while paused, though its output (already sent) flowed.
  EXPECT_EQ(a.ReadN(5, 300), "");
  EXPECT_EQ(engine_.Snapshot().bytes_in, bytes_before);
  // Other connections are read as usual.
  b.Write("echo other\n");
  EXPECT_EQ(b.ReadN(6), "other\n");
  b.Write(absl::StrCat("resume ", id_line));
  EXPECT_EQ(b.ReadN(8), "resumed\n");
  EXPECT_EQ(a.ReadN(5), "held\n");
}

TEST_F(RuntimeTest, PausedConnectionIsReadAgainAtItsDeadline) {
  Start();
  Client a(runtime_->port());
  const auto start = std::chrono::steady_clock::now();
  a.Write("pause 300\n");
  EXPECT_EQ(a.ReadN(7), "paused\n");
  a.Write("echo late\n");
  EXPECT_EQ(a.ReadN(5, 5000), "late\n");
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, std::chrono::milliseconds(290));
  // Resuming a connection that is reading already changes nothing.
  a.Write("resume 1\necho still\n");
  EXPECT_EQ(a.ReadN(14), "resumed\nstill\n");
}

TEST_F(RuntimeTest, StalledReaderGetsBackPressureThenDrains) {
  Start();
  Client c(runtime_->port(), /*rcvbuf_bytes=*/32 * 1024);
  const size_t total = 16u << 20;
  c.Write(absl::StrCat("big ", total, "\n"));
  // Do not read: the runtime must keep the rest queued and say so.
  ASSERT_TRUE(WaitFor([](const ScriptEngine::Record& r) { return !r.flushed.empty(); }));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  {
    ScriptEngine::Record r = engine_.Snapshot();
    ASSERT_FALSE(r.flushed.empty());
    EXPECT_FALSE(r.flushed.back().drained);
  }
  EXPECT_EQ(c.ReadN(total, 20000).size(), total);
  ASSERT_TRUE(WaitFor([](const ScriptEngine::Record& r) {
    return !r.flushed.empty() && r.flushed.back().drained;
  }));
  ScriptEngine::Record r = engine_.Snapshot();
  uint64_t sum = 0;
  for (const io::Flushed& f : r.flushed) sum += f.bytes_written;
  EXPECT_EQ(sum, total);
  EXPECT_GT(r.flushed.size(), 1u);
}

TEST_F(RuntimeTest, TimersFireInDeadlineOrder) {
  Start();
  Client c(runtime_->port());
  c.Write("timers\n");
  const std::string expected = "fired 1\nfired 2\nfired 3\nfired 5\n";
  EXPECT_EQ(c.ReadN(expected.size()), expected);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(engine_.Snapshot().fired, (std::vector<io::TimerId>{1, 2, 3, 5}));
}

TEST_F(RuntimeTest, CloseFlushWritesEverythingThenCloses) {
  Start();
  Client c(runtime_->port(), 32 * 1024);
  const size_t total = 4u << 20;
  c.Write(absl::StrCat("close_flush ", total, "\n"));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // stall a little first
  EXPECT_EQ(c.ReadN(total, 20000).size(), total);
  EXPECT_TRUE(c.ReadsEof());
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_TRUE(engine_.Snapshot().closed.empty());  // the engine closed it: no ConnClosed
}

TEST_F(RuntimeTest, CloseAbortClosesWithoutReporting) {
  Start();
  Client c(runtime_->port());
  c.Write("close_abort\n");
  size_t extra = 99;
  EXPECT_TRUE(c.ReadsEof(5000, &extra));
  EXPECT_EQ(extra, 0u);  // what was queued is dropped
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_TRUE(engine_.Snapshot().closed.empty());
}

TEST_F(RuntimeTest, PeerEofIsReported) {
  Start();
  Client c(runtime_->port());
  c.Write("echo x\n");
  EXPECT_EQ(c.ReadN(2), "x\n");
  c.CloseNow();
  ASSERT_TRUE(WaitFor([](const ScriptEngine::Record& r) { return r.closed.size() == 1; }));
  ScriptEngine::Record r = engine_.Snapshot();
  EXPECT_EQ(r.closed.begin()->first, r.opened[0]);
  EXPECT_EQ(r.closed.begin()->second, io::CloseCause::kEof);
}

TEST_F(RuntimeTest, ConnectionIdsAreNotReused) {
  Start();
  {
    Client a(runtime_->port());
    a.Write("echo 1\n");
    EXPECT_EQ(a.ReadN(2), "1\n");
  }
  Client b(runtime_->port());
  b.Write("echo 2\n");
  EXPECT_EQ(b.ReadN(2), "2\n");
  ScriptEngine::Record r = engine_.Snapshot();
  ASSERT_EQ(r.opened.size(), 2u);
  EXPECT_LT(r.opened[0], r.opened[1]);
}

TEST_F(RuntimeTest, ShutdownTellsEngineAndClosesClients) {
  Start();
  Client c(runtime_->port());
  c.Write("echo x\n");
  EXPECT_EQ(c.ReadN(2), "x\n");
  runtime_->Stop();
  thread_.join();
  EXPECT_EQ(result_.signal, 0);
  runtime_->Shutdown();
  EXPECT_TRUE(c.ReadsEof());
  ScriptEngine::Record r = engine_.Snapshot();
  ASSERT_EQ(r.closed.size(), 1u);
  EXPECT_EQ(r.closed.begin()->second, io::CloseCause::kShutdown);
}

TEST_F(RuntimeTest, DrainLetsEngineClosesFlushThenReturns) {
  Start();
  Client c(runtime_->port(), 32 * 1024);
  const size_t total = 2u << 20;
  c.Write("echo ready\n");
  EXPECT_EQ(c.ReadN(6), "ready\n");
  runtime_->Stop();
  thread_.join();
  // What Node::Shutdown does: queue last words and Close(kFlush) every connection. A reader
  // that drains slowly still gets all of it before Drain returns.
  std::thread reader([&c, total] { EXPECT_EQ(c.ReadN(total, 10000).size(), total); });
  const std::string block(total, 'q');
  ScriptEngine::Record r = engine_.Snapshot();
  runtime_->Send(r.opened[0], block);
  runtime_->Close(r.opened[0], io::CloseMode::kFlush);
  runtime_->Drain(5'000'000'000);
  EXPECT_EQ(runtime_->num_connections(), 0u);
  reader.join();
  EXPECT_TRUE(c.ReadsEof());
  EXPECT_TRUE(engine_.Snapshot().closed.empty());
}

TEST_F(RuntimeTest, CaughtSignalEndsRun) {
  RuntimeOptions options;
  options.signals = {SIGUSR2};
  Start(options);  // Listen() blocked SIGUSR2 in this thread; the loop thread inherited it
  Client c(runtime_->port());
  c.Write("echo x\n");
  EXPECT_EQ(c.ReadN(2), "x\n");
  kill(getpid(), SIGUSR2);
  thread_.join();
  EXPECT_EQ(result_.signal, SIGUSR2);
}

TEST(RuntimeListenTest, BusyPortIsAnError) {
  RuntimeOptions options;
  options.host = "127.0.0.1";
  options.port = -1;
  Runtime first(options);
  ASSERT_TRUE(first.Listen().ok());
  options.port = first.port();
  Runtime second(options);
  absl::Status status = second.Listen();
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("address already in use"), absl::string_view::npos) << status;
}

}  // namespace
}  // namespace na::net
