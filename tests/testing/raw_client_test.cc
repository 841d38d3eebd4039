// The harness's own checks run against a scripted loopback peer, so a harness bug cannot hide
// behind a server bug.
#include "tests/testing/raw_client.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <thread>

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace na::testing {
namespace {

// Accepts one connection on a random loopback port and runs `script` on it.
class ScriptedPeer {
 public:
  explicit ScriptedPeer(std::function<void(int fd)> script) {
    listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr = {};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    socklen_t len = sizeof(addr);
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    listen(listen_fd_, 1);
    thread_ = std::thread([this, script] {
      int fd = accept(listen_fd_, nullptr, nullptr);
      script(fd);
      close(fd);
    });
  }
  ~ScriptedPeer() {
    thread_.join();
    close(listen_fd_);
  }
  int port() const { return port_; }

 private:
  int listen_fd_;
  int port_;
  std::thread thread_;
};

void Write(int fd, absl::string_view bytes) {
  ASSERT_EQ(write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
}

TEST(RawClientTest, ExpectMatchesAcrossSplitWritesAndKeepsTheRest) {
  ScriptedPeer peer([](int fd) {
    Write(fd, "INFO {\"a\":1} \r\nPO");
    usleep(20'000);
    Write(fd, "NG\r\nMSG x 1 0\r\n\r\n");
    usleep(300'000);
  });
  ASSERT_OK_AND_ASSIGN(auto client, RawClient::Connect(peer.port()));
  ASSERT_OK_AND_ASSIGN(std::string info, client->ReadInfo());
  EXPECT_EQ(info, "{\"a\":1}");
  ASSERT_OK(client->Expect("PONG\r\n"));
  ASSERT_OK_AND_ASSIGN(std::string line, client->ReadLine());
  EXPECT_EQ(line, "MSG x 1 0\r\n");
  ASSERT_OK(client->Expect("\r\n"));
  EXPECT_OK(client->ExpectNothing(absl::Milliseconds(50)));
}

TEST(RawClientTest, ExpectReportsTheBytesSeen) {
  ScriptedPeer peer([](int fd) {
    Write(fd, "-ERR 'Unknown Protocol Operation'\r\n");
    usleep(100'000);
  });
  ASSERT_OK_AND_ASSIGN(auto client, RawClient::Connect(peer.port()));
  absl::Status status = client->Expect("+OK\r\n", absl::Milliseconds(500));
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("-ERR 'Unknown Protocol Operation'\\r\\n"),
            absl::string_view::npos)
      << status;
}

TEST(RawClientTest, ClosedAfterSeesTheLastBytesAndTheClose) {
  ScriptedPeer peer([](int fd) { Write(fd, "-ERR 'Stale Connection'\r\n"); });
  ASSERT_OK_AND_ASSIGN(auto client, RawClient::Connect(peer.port()));
  EXPECT_OK(client->ExpectClosedAfter("-ERR 'Stale Connection'\r\n"));
  EXPECT_TRUE(client->closed());
}

TEST(RawClientTest, ClosedAfterFailsWhenThePeerStaysOpen) {
  ScriptedPeer peer([](int fd) { usleep(400'000); });
  ASSERT_OK_AND_ASSIGN(auto client, RawClient::Connect(peer.port()));
  EXPECT_FALSE(client->ExpectClosedAfter("", absl::Milliseconds(100)).ok());
}

TEST(RawClientTest, ExpectNothingFailsOnDataAndOnClose) {
  {
    ScriptedPeer peer([](int fd) { Write(fd, "PING\r\n"); });
    ASSERT_OK_AND_ASSIGN(auto client, RawClient::Connect(peer.port()));
    EXPECT_FALSE(client->ExpectNothing(absl::Milliseconds(200)).ok());
  }
  {
    ScriptedPeer peer([](int fd) {});
    ASSERT_OK_AND_ASSIGN(auto client, RawClient::Connect(peer.port()));
    EXPECT_FALSE(client->ExpectNothing(absl::Milliseconds(200)).ok());
  }
}

}  // namespace
}  // namespace na::testing
