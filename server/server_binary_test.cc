// Black-box tests of the natrium-server binary: exit codes, stdout/stderr bytes, ports and pid
// files, a client round trip, monitoring over HTTP, signals. The expected texts are what
// nats-server 2.9.10 prints in the same cases (with its name replaced by ours).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"

namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string TempDir() {
  std::string tmpl = testing::TempDir() + "/natrium_server_test_XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  return mkdtemp(buf.data());
}

// The server binary running in a child process, stdout and stderr captured in files.
class Server {
 public:
  explicit Server(std::vector<std::string> args, const char* binary = NATRIUM_SERVER_BIN)
      : dir_(TempDir()) {
    pid_ = fork();
    if (pid_ == 0) {
      const int out = open((dir_ + "/stdout").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int err = open((dir_ + "/stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(out, 1);
      dup2(err, 2);
      std::vector<char*> argv;
      std::string name = binary;
      argv.push_back(name.data());
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(binary, argv.data());
      _exit(127);
    }
  }
  ~Server() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      Wait();
    }
  }
  // Waits for exit (at most ~10 s) and returns the exit code, or -1.
  int Wait() {
    for (int i = 0; i < 1000 && !exited_; ++i) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return exited_ ? code_ : -1;
  }
  void Signal(int sig) { kill(pid_, sig); }
  std::string Stdout() const { return ReadFile(dir_ + "/stdout"); }
  std::string Stderr() const { return ReadFile(dir_ + "/stderr"); }
  // Waits until stderr contains `text`.
  bool WaitForLog(absl::string_view text) {
    for (int i = 0; i < 500; ++i) {
      if (absl::StrContains(Stderr(), text)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
  pid_t pid() const { return pid_; }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  pid_t pid_ = -1;
  bool exited_ = false;
  int code_ = -1;
};

int Connect(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr = {};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Reads until `until` appears, EOF, or two seconds.
std::string ReadUntil(int fd, absl::string_view until) {
  std::string out;
  char buf[4096];
  for (int i = 0; i < 200 && !absl::StrContains(out, until); ++i) {
    pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, 10) <= 0) continue;
    const ssize_t n = read(fd, buf, sizeof(buf));
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

std::string HttpGet(int port, const std::string& target) {
  const int fd = Connect(port);
  if (fd < 0) return "";
  const std::string request =
      absl::StrCat("GET ", target, " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  if (write(fd, request.data(), request.size()) < 0) return "";
  std::string out = ReadUntil(fd, "\r\n\r\n}");
  close(fd);
  return out;
}

// "nats://127.0.0.1:4222" -> 4222
int PortOf(const std::string& json, absl::string_view scheme) {
  const size_t at = json.find(absl::StrCat(scheme, "://127.0.0.1:"));
  if (at == std::string::npos) return 0;
  const size_t start = at + scheme.size() + 13;
  const size_t end = json.find('"', start);
  int port = 0;
  return absl::SimpleAtoi(json.substr(start, end - start), &port) ? port : 0;
}

TEST(ServerBinaryTest, UnknownFlagPrintsUsageAndExitsZero) {
  Server s({"--bogus"});
  EXPECT_EQ(s.Wait(), 0);
  EXPECT_EQ(s.Stderr(), "flag provided but not defined: -bogus\n");
  EXPECT_TRUE(absl::StartsWith(s.Stdout(), "\nUsage: natrium-server [options]\n")) << s.Stdout();
}

TEST(ServerBinaryTest, HelpVersionAndBadValues) {
  Server help({"-h"});
  EXPECT_EQ(help.Wait(), 0);
  EXPECT_TRUE(absl::StrContains(help.Stdout(), "--ports_file_dir"));
  EXPECT_EQ(help.Stderr(), "");
  Server version({"--version"});
  EXPECT_EQ(version.Wait(), 0);
  EXPECT_EQ(version.Stdout(), "natrium-server: v2.9.10\n");
  Server bad({"-p", "abc"});
  EXPECT_EQ(bad.Wait(), 0);
  EXPECT_EQ(bad.Stderr(), "invalid value \"abc\" for flag -p: parse error\n");
  Server test_only({"-t"});
  EXPECT_EQ(test_only.Wait(), 1);
  EXPECT_EQ(test_only.Stderr(),
            "natrium-server: must specify [-c, --config] option to check configuration file "
            "syntax\n");
  Server command({"extra"});
  EXPECT_EQ(command.Wait(), 1);
  EXPECT_EQ(command.Stderr(), "natrium-server: unrecognized command: \"extra\"\n");
}

TEST(ServerBinaryTest, TestConfigMode) {
  const std::string dir = TempDir();
  std::ofstream(dir + "/good.conf") << "port: 4333\nmax_payload: 2MB\njetstream: enabled\n";
  std::ofstream(dir + "/bad.conf") << "port: 4333\n  bogus_key: 5\n";
  Server good({"-t", "-c", dir + "/good.conf"});
  EXPECT_EQ(good.Wait(), 0);
  EXPECT_EQ(good.Stdout(),
            absl::StrCat("natrium-server: configuration file ", dir, "/good.conf is valid\n"));
  Server bad({"-t", "-c", dir + "/bad.conf"});
  EXPECT_EQ(bad.Wait(), 1);
  EXPECT_EQ(bad.Stderr(), absl::StrCat("natrium-server: ", dir,
                                       "/bad.conf:2:3: unknown field \"bogus_key\"\n\n"));
  Server missing({"-c", dir + "/missing.conf"});
  EXPECT_EQ(missing.Wait(), 1);
  EXPECT_EQ(missing.Stderr(), absl::StrCat("natrium-server: open ", dir,
                                           "/missing.conf: no such file or directory\n"));
}

TEST(ServerBinaryTest, InvalidLimitsFailStartup) {
  const std::string dir = TempDir();
  std::ofstream(dir + "/l.conf") << "max_payload: 1MB\nmax_pending: 256KB\n";
  Server s({"-c", dir + "/l.conf"});
  EXPECT_EQ(s.Wait(), 1);
  EXPECT_EQ(s.Stderr(),
            "natrium-server: max_payload (1048576) cannot be higher than max_pending (262144)");
}

TEST(ServerBinaryTest, RunsServesMonitorsAndShutsDownOnSigint) {
  const std::string dir = TempDir();
  Server s({"-a", "127.0.0.1", "-p", "-1", "-m", "-1", "--ports_file_dir", dir, "-P",
            dir + "/n.pid", "-js", "--cluster_name", "c1"});
  ASSERT_TRUE(s.WaitForLog("Server is ready")) << s.Stderr();
  const std::string ports_path = absl::StrCat(dir, "/natrium-server_", s.pid(), ".ports");
  const std::string ports = ReadFile(ports_path);
  const int port = PortOf(ports, "nats");
  const int http_port = PortOf(ports, "http");
  ASSERT_GT(port, 0) << ports;
  ASSERT_GT(http_port, 0) << ports;
  EXPECT_EQ(ReadFile(dir + "/n.pid"), absl::StrCat(s.pid()));

  const int fd = Connect(port);
  ASSERT_GE(fd, 0);
  const std::string info = ReadUntil(fd, "\r\n");
  EXPECT_TRUE(absl::StartsWith(info, "INFO {")) << info;
  EXPECT_TRUE(absl::StrContains(info, absl::StrCat("\"port\":", port, ","))) << info;
  const std::string hello = "CONNECT {\"verbose\":false}\r\nSUB a 1\r\nPUB a 2\r\nhi\r\nPING\r\n";
  ASSERT_EQ(write(fd, hello.data(), hello.size()), static_cast<ssize_t>(hello.size()));
  EXPECT_EQ(ReadUntil(fd, "PONG\r\n"), "MSG a 1 2\r\nhi\r\nPONG\r\n");

  const std::string varz = HttpGet(http_port, "/varz");
  EXPECT_TRUE(absl::StrContains(varz, "HTTP/1.1 200 OK")) << varz;
  EXPECT_TRUE(absl::StrContains(varz, "\"connections\": 1,")) << varz;
  EXPECT_TRUE(absl::StrContains(varz, absl::StrCat("\"port\": ", port, ","))) << varz;
  EXPECT_TRUE(absl::StrContains(HttpGet(http_port, "/healthz"), "{\"status\":\"ok\"}"));

  const std::string log = s.Stderr();
  EXPECT_TRUE(absl::StrContains(log, "[INF] Starting nats-server\n")) << log;
  EXPECT_TRUE(absl::StrContains(log, "[INF]   Version:  2.9.10\n")) << log;
  EXPECT_TRUE(absl::StrContains(
      log, absl::StrCat("[INF] Listening for client connections on 127.0.0.1:", port, "\n")))
      << log;
  EXPECT_TRUE(absl::StrContains(log, "[WRN] Flag --jetstream is not supported yet")) << log;
  EXPECT_TRUE(absl::StrContains(log, "[WRN] Flag --cluster_name is not supported yet")) << log;

  s.Signal(SIGINT);
  EXPECT_EQ(s.Wait(), 0);
  EXPECT_EQ(ReadUntil(fd, "never"), "");  // the client was closed
  close(fd);
  const std::string end = s.Stderr();
  EXPECT_TRUE(absl::StrContains(end, "[INF] Initiating Shutdown...\n")) << end;
  EXPECT_TRUE(absl::StrContains(end, "[INF] Server Exiting..\n")) << end;
  struct stat st;
  EXPECT_NE(stat(ports_path.c_str(), &st), 0);        // the ports file is removed
  EXPECT_EQ(stat((dir + "/n.pid").c_str(), &st), 0);  // the pid file stays, as in nats-server
}

TEST(ServerBinaryTest, SigtermExitsOne) {
  const std::string dir = TempDir();
  Server s({"-a", "127.0.0.1", "-p", "-1", "-T=false"});
  ASSERT_TRUE(s.WaitForLog("Server is ready"));
  EXPECT_TRUE(absl::StartsWith(s.Stderr(), absl::StrCat("[", s.pid(), "] [INF] Starting")));
  s.Signal(SIGTERM);
  EXPECT_EQ(s.Wait(), 1);
}

TEST(ServerBinaryTest, BusyPortIsFatal) {
  const std::string dir = TempDir();
  Server first({"-a", "127.0.0.1", "-p", "-1", "--ports_file_dir", dir});
  ASSERT_TRUE(first.WaitForLog("Server is ready"));
  const int port =
      PortOf(ReadFile(absl::StrCat(dir, "/natrium-server_", first.pid(), ".ports")), "nats");
  ASSERT_GT(port, 0);
  Server second({"-a", "127.0.0.1", "-p", absl::StrCat(port)});
  EXPECT_EQ(second.Wait(), 1);
  EXPECT_TRUE(absl::StrContains(
      second.Stderr(),
      absl::StrCat("[FTL] Error listening on port: 127.0.0.1:", port,
                   ", \"listen tcp 127.0.0.1:", port, ": bind: address already in use\"")))
      << second.Stderr();
}

TEST(ServerBinaryTest, SignalCommandReachesTheServerByPidFile) {
  const std::string dir = TempDir();
  Server s({"-a", "127.0.0.1", "-p", "-1", "-P", dir + "/n.pid"});
  ASSERT_TRUE(s.WaitForLog("Server is ready"));
  // Always with an explicit pid or pid file: a bare command would pick any natrium-server.
  Server reopen({"-sl", "reopen=" + dir + "/n.pid"});
  EXPECT_EQ(reopen.Wait(), 0);
  EXPECT_TRUE(s.WaitForLog("[INF] File log re-open ignored, not a file logger"));
  Server reload({"--signal=reload=" + dir + "/n.pid"});
  EXPECT_EQ(reload.Wait(), 0);
  EXPECT_TRUE(s.WaitForLog("can only reload config when a file is provided"));
  Server bogus({"-sl", "bogus=1"});
  EXPECT_EQ(bogus.Wait(), 1);
  EXPECT_EQ(bogus.Stderr(), "natrium-server: unknown signal \"bogus\"\n");
  Server quit({"-sl", absl::StrCat("quit=", s.pid())});
  EXPECT_EQ(quit.Wait(), 0);
  EXPECT_EQ(s.Wait(), 0);
}

// ---- Side by side with the reference -------------------------------------------------------

constexpr char kReferenceServer[] = "/usr/sbin/nats-server";

// Every key path in a JSON value ("connections[].subscriptions_list_detail[].qgroup"), arrays
// folded into one element shape.
void KeyPaths(const rapidjson::Value& v, const std::string& prefix, std::set<std::string>* out) {
  if (v.IsObject()) {
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
      const std::string path =
          prefix.empty() ? it->name.GetString() : prefix + "." + it->name.GetString();
      out->insert(path);
      KeyPaths(it->value, path, out);
    }
  } else if (v.IsArray()) {
    for (const rapidjson::Value& e : v.GetArray()) KeyPaths(e, prefix + "[]", out);
  }
}

std::set<std::string> KeySet(const std::string& http_response) {
  std::set<std::string> keys;
  const size_t body = http_response.find("\r\n\r\n");
  if (body == std::string::npos) return keys;
  rapidjson::Document doc;
  doc.Parse(http_response.c_str() + body + 4);
  if (doc.HasParseError()) return keys;
  KeyPaths(doc, "", &keys);
  return keys;
}

// The scene of monitor_test.cc, on a live server: c1 with a plain and a queue subscription that
// got one message, and a second client that came and went.
int Scene(int port) {
  const int c1 = Connect(port);
  ReadUntil(c1, "\r\n");
  const std::string one =
      "CONNECT {\"name\":\"c1\",\"lang\":\"py\",\"version\":\"1.0\",\"verbose\":false}\r\n"
      "SUB foo 1\r\nSUB bar q 2\r\nPUB foo 2\r\nhi\r\nPING\r\n";
  if (write(c1, one.data(), one.size()) < 0) return -1;
  ReadUntil(c1, "PONG\r\n");
  const int c2 = Connect(port);
  ReadUntil(c2, "\r\n");
  const std::string two = "CONNECT {\"verbose\":false}\r\nPING\r\n";
  if (write(c2, two.data(), two.size()) < 0) return -1;
  ReadUntil(c2, "PONG\r\n");
  close(c2);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  return c1;
}

TEST(ServerBinaryTest, MonitoringKeySetsMatchTheReference) {
  struct stat st;
  if (stat(kReferenceServer, &st) != 0) GTEST_SKIP() << "nats-server is not installed";
  const std::vector<std::string> targets = {"/varz",
                                            "/connz?subs=detail",
                                            "/connz?subs=1",
                                            "/connz?state=closed",
                                            "/connz?state=any&auth=1",
                                            "/subsz",
                                            "/subsz?subs=1&test=foo",
                                            "/routez",
                                            "/healthz"};
  std::vector<std::vector<std::set<std::string>>> key_sets;
  for (const char* binary : {kReferenceServer, NATRIUM_SERVER_BIN}) {
    const std::string dir = TempDir();
    Server s({"-a", "127.0.0.1", "-p", "-1", "-m", "-1", "--ports_file_dir", dir}, binary);
    ASSERT_TRUE(s.WaitForLog("Server is ready")) << binary << s.Stderr();
    const std::string exe =
        absl::EndsWith(binary, "nats-server") ? "nats-server" : "natrium-server";
    const std::string ports = ReadFile(absl::StrCat(dir, "/", exe, "_", s.pid(), ".ports"));
    const int port = PortOf(ports, "nats");
    const int http_port = PortOf(ports, "http");
    ASSERT_GT(port, 0) << ports;
    const int c1 = Scene(port);
    std::vector<std::set<std::string>> sets;
    for (const std::string& target : targets) sets.push_back(KeySet(HttpGet(http_port, target)));
    key_sets.push_back(sets);
    close(c1);
    s.Signal(SIGINT);
    EXPECT_EQ(s.Wait(), 0);
  }
  for (size_t i = 0; i < targets.size(); ++i) {
    EXPECT_FALSE(key_sets[0][i].empty()) << targets[i];
    EXPECT_EQ(key_sets[1][i], key_sets[0][i]) << targets[i];
  }
}

}  // namespace
