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

#include <algorithm>
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
            "natrium-server: max_payload (1048576) cannot be higher than max_pending (262144)\n");
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
  // -js is accepted but not served yet, so INFO must not tell clients JetStream is there.
  EXPECT_FALSE(absl::StrContains(info, "jetstream")) << info;
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

// ---- Lame duck mode and config reload, on both servers ----------------------------------------

int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr = {};
  addr.sin_family = AF_INET;
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  socklen_t len = sizeof(addr);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

// Everything until the peer closes (or `timeout_ms`).
std::string ReadToEof(int fd, int timeout_ms) {
  std::string out;
  char buf[4096];
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, 10) <= 0) continue;
    const ssize_t n = read(fd, buf, sizeof(buf));
    if (n <= 0) return out;
    out.append(buf, static_cast<size_t>(n));
  }
  return out + "<timeout>";
}

bool Send(int fd, absl::string_view bytes) {
  return write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
}

// The [INF]/[WRN]/[ERR] lines logged after "Server is ready" (logtime off: "[pid] [INF] msg"),
// without the pid.
std::vector<std::string> LogAfterReady(const std::string& stderr_text) {
  std::vector<std::string> lines;
  bool ready = false;
  std::stringstream in(stderr_text);
  std::string line;
  while (std::getline(in, line)) {
    const size_t tag = line.find("] [");
    if (tag == std::string::npos) continue;
    std::string rest = line.substr(tag + 2);
    if (absl::StrContains(rest, "Server is ready")) {
      ready = true;
      continue;
    }
    if (ready && !absl::StartsWith(rest, "[DBG]") && !absl::StartsWith(rest, "[TRC]")) {
      lines.push_back(rest);
    }
  }
  return lines;
}

std::vector<const char*> Binaries() {
  std::vector<const char*> out = {NATRIUM_SERVER_BIN};
  struct stat st;
  if (stat(kReferenceServer, &st) == 0) out.push_back(kReferenceServer);
  return out;
}

TEST(ServerBinaryTest, LameDuckModeAsTheReference) {
  std::vector<std::vector<std::string>> logs;
  for (const char* binary : Binaries()) {
    SCOPED_TRACE(binary);
    const std::string dir = TempDir();
    const int port = FreePort();
    WriteFile(dir + "/ldm.conf", absl::StrCat("port: ", port,
                                              "\nlogtime: false\nlame_duck_duration: \"30s\"\n"
                                              "lame_duck_grace_period: \"1s\"\n"));
    Server s({"-c", dir + "/ldm.conf"}, binary);
    ASSERT_TRUE(s.WaitForLog("Server is ready")) << s.Stderr();
    // `ready` has sent CONNECT (protocol 1) and a PING: it takes async INFO. `fresh` has not
    // pinged yet and must not get it.
    const int ready = Connect(port);
    ReadUntil(ready, "\r\n");
    ASSERT_TRUE(Send(ready, "CONNECT {\"protocol\":1,\"verbose\":false}\r\nPING\r\n"));
    ASSERT_TRUE(absl::StrContains(ReadUntil(ready, "PONG\r\n"), "PONG\r\n"));
    const int fresh = Connect(port);
    const std::string fresh_info = ReadUntil(fresh, "\r\n");
    ASSERT_TRUE(Send(fresh, "CONNECT {\"protocol\":1,\"verbose\":false}\r\n"));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));

    const auto start = std::chrono::steady_clock::now();
    s.Signal(SIGUSR2);
    const std::string ldm = ReadUntil(ready, "\"ldm\":true} \r\n");
    EXPECT_TRUE(absl::StartsWith(ldm, "INFO {\"server_id\":")) << ldm;
    EXPECT_TRUE(absl::EndsWith(ldm, "\"client_ip\":\"127.0.0.1\",\"ldm\":true} \r\n")) << ldm;
    ASSERT_TRUE(s.WaitForLog("Entering lame duck mode, stop accepting new clients"));
    EXPECT_EQ(Connect(port), -1) << "the listener closes at once";
    s.Signal(SIGTERM);  // ignored in lame duck mode: the mode ends the server itself

    // Both are closed after the grace period, at most a second apart; nothing more is sent but
    // PINGs.
    const std::string rest_ready = ReadToEof(ready, 6000);
    const std::string rest_fresh = ReadToEof(fresh, 6000);
    const double elapsed_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_FALSE(absl::StrContains(rest_ready, "<timeout>"));
    EXPECT_FALSE(absl::StrContains(rest_fresh, "ldm")) << rest_fresh;
    EXPECT_FALSE(absl::StrContains(rest_fresh, "<timeout>"));
    EXPECT_GE(elapsed_s, 0.9);
    EXPECT_LE(elapsed_s, 4.0);
    close(ready);
    close(fresh);
    EXPECT_EQ(s.Wait(), 0);
    logs.push_back(LogAfterReady(s.Stderr()));
    EXPECT_EQ(logs.back(),
              (std::vector<std::string>{"[INF] Entering lame duck mode, stop accepting new clients",
                                        "[INF] Closing existing clients",
                                        "[INF] Initiating Shutdown...", "[INF] Server Exiting.."}));
  }
}

TEST(ServerBinaryTest, LameDuckWithoutClientsShutsDownAtOnce) {
  Server s({"-a", "127.0.0.1", "-p", "-1"});
  ASSERT_TRUE(s.WaitForLog("Server is ready"));
  Server ldm({"-sl", absl::StrCat("ldm=", s.pid())});
  EXPECT_EQ(ldm.Wait(), 0);
  EXPECT_EQ(s.Wait(), 0);
  EXPECT_TRUE(absl::StrContains(s.Stderr(), "Entering lame duck mode, stop accepting new clients"));
  EXPECT_FALSE(absl::StrContains(s.Stderr(), "Closing existing clients"));
}

TEST(ServerBinaryTest, LameDuckDurationBelowMinimumIsRefused) {
  const std::string dir = TempDir();
  WriteFile(dir + "/a.conf", "port: 4999\nlame_duck_duration: \"6s\"\n");
  Server a({"-c", dir + "/a.conf"});
  EXPECT_EQ(a.Wait(), 1);
  EXPECT_EQ(a.Stderr(), absl::StrCat("natrium-server: ", dir,
                                     "/a.conf:2:1: invalid lame_duck_duration of 6s, minimum is "
                                     "30 seconds\n\n"));
  WriteFile(dir + "/b.conf",
            "port: 4999\nlame_duck_duration: \"40s\"\nlame_duck_grace_period: \"50s\"\n");
  Server b({"-c", dir + "/b.conf"});
  EXPECT_EQ(b.Wait(), 1);
  EXPECT_EQ(b.Stderr(),
            "natrium-server: lame duck grace period (50s) should be strictly lower than lame "
            "duck duration (40s)\n");
}

TEST(ServerBinaryTest, ConfigReloadAsTheReference) {
  std::vector<std::vector<std::string>> logs;
  for (const char* binary : Binaries()) {
    SCOPED_TRACE(binary);
    const std::string dir = TempDir();
    const std::string conf = dir + "/r.conf";
    const std::string head = absl::StrCat("port: ", FreePort(), "\nlogtime: false\n");
    const int port = FreePort();
    const std::string base = absl::StrCat("port: ", port, "\nlogtime: false\n");
    WriteFile(conf, base +
                        "authorization { users = [ {user: a, password: p}, {user: c, "
                        "password: p, permissions: {subscribe: [\"foo.>\", \"bar\"]}} ] }\n");
    Server s({"-c", conf}, binary);
    ASSERT_TRUE(s.WaitForLog("Server is ready")) << s.Stderr();
    const int a = Connect(port);
    ReadUntil(a, "\r\n");
    ASSERT_TRUE(Send(a,
                     "CONNECT {\"verbose\":false,\"user\":\"a\",\"pass\":\"p\"}\r\n"
                     "SUB foo.x 1\r\nPING\r\n"));
    ASSERT_TRUE(absl::StrContains(ReadUntil(a, "PONG\r\n"), "PONG"));
    const int c = Connect(port);
    ReadUntil(c, "\r\n");
    ASSERT_TRUE(Send(c,
                     "CONNECT {\"verbose\":false,\"user\":\"c\",\"pass\":\"p\"}\r\n"
                     "SUB foo.x 1\r\nSUB bar q 2\r\nSUB foo.y 3\r\nPING\r\n"));
    ASSERT_TRUE(absl::StrContains(ReadUntil(c, "PONG\r\n"), "PONG"));

    // User a is gone, c may only subscribe to foo.y; limits change too.
    WriteFile(conf, base +
                        "max_payload: 2048\nping_interval: \"30s\"\nauthorization { users = "
                        "[ {user: b, password: p}, {user: c, password: p, permissions: "
                        "{subscribe: \"foo.y\"}} ] }\n");
    s.Signal(SIGHUP);
    EXPECT_EQ(ReadToEof(a, 3000), "") << "a client whose user is gone is closed silently";
    std::string errs = ReadUntil(c, "(sid \"2\")'\r\n");
    if (!absl::StrContains(errs, "(sid \"1\")")) errs += ReadUntil(c, "(sid \"1\")'\r\n");
    EXPECT_TRUE(absl::StrContains(
        errs, "-ERR 'Permissions Violation for Subscription to \"foo.x\" (sid \"1\")'\r\n"));
    EXPECT_TRUE(absl::StrContains(
        errs, "-ERR 'Permissions Violation for Subscription to \"bar\" (sid \"2\")'\r\n"));
    ASSERT_TRUE(s.WaitForLog("Reloaded server configuration"));
    ASSERT_TRUE(Send(c, "PUB foo.y 2\r\nhi\r\nPUB foo.x 2\r\nno\r\nPING\r\n"));
    EXPECT_EQ(ReadUntil(c, "PONG\r\n"), "MSG foo.y 3 2\r\nhi\r\nPONG\r\n");
    // The INFO of new clients carries the new max_payload.
    const int d = Connect(port);
    EXPECT_TRUE(absl::StrContains(ReadUntil(d, "\r\n"), "\"max_payload\":2048,"));
    close(d);

    // Not reloadable: nothing is applied.
    WriteFile(conf, base + "max_subscriptions: 5\n");
    s.Signal(SIGHUP);
    ASSERT_TRUE(s.WaitForLog("MaxSubs"));
    WriteFile(conf, absl::StrCat(head, "\n"));
    s.Signal(SIGHUP);
    ASSERT_TRUE(s.WaitForLog("for Port"));
    close(a);
    close(c);
    s.Signal(SIGINT);
    EXPECT_EQ(s.Wait(), 0);
    std::vector<std::string> log = LogAfterReady(s.Stderr());
    // The reference removes a client's refused subscriptions in map order.
    std::sort(log.begin(), log.end());
    logs.push_back(log);
    const std::string head_port = head.substr(6, head.find('\n') - 6);
    EXPECT_EQ(log, (std::vector<std::string>{
                       "[ERR] Failed to reload server configuration: config reload not "
                       "supported for MaxSubs: old=0, new=5",
                       absl::StrCat("[ERR] Failed to reload server configuration: config "
                                    "reload not supported for Port: old=",
                                    port, ", new=", head_port),
                       "[INF] Initiating Shutdown...", "[INF] Reloaded server configuration",
                       "[INF] Reloaded: accounts", "[INF] Reloaded: authorization users",
                       "[INF] Reloaded: max_payload = 2048", "[INF] Reloaded: ping_interval = 30s",
                       "[INF] Removed sub \"bar\" (sid \"2\") for User \"c\" - not authorized",
                       "[INF] Removed sub \"foo.x\" (sid \"1\") for User \"c\" - not authorized",
                       "[INF] Server Exiting.."}));
  }
}

TEST(ServerBinaryTest, FailedReloadsAsTheReference) {
  std::vector<std::vector<std::string>> logs;
  for (const char* binary : Binaries()) {
    SCOPED_TRACE(binary);
    const std::string dir = TempDir();
    const std::string conf = dir + "/f.conf";
    const int port = FreePort();
    const std::string base = absl::StrCat("port: ", port, "\nlogtime: false\n");
    WriteFile(conf, base);
    // The -p flag overrides the config's port before and after each reload.
    Server s({"-c", conf, "-p", absl::StrCat(port)}, binary);
    ASSERT_TRUE(s.WaitForLog("Server is ready")) << s.Stderr();
    auto reload = [&](const std::string& text, absl::string_view expect) {
      WriteFile(conf, text);
      s.Signal(SIGHUP);
      EXPECT_TRUE(s.WaitForLog(expect)) << s.Stderr();
    };
    reload(base + "foo: 1\n", "unknown field");
    reload(base + "max_payload: 10\nmax_pending: 5\n", "MaxPending");
    reload(base + "lame_duck_duration: \"5s\"\n", "minimum is 30 seconds");
    reload("port: 1\nlogtime: false\n", "Reloaded server configuration");
    unlink(conf.c_str());
    s.Signal(SIGHUP);
    EXPECT_TRUE(s.WaitForLog("no such file or directory"));
    s.Signal(SIGINT);
    EXPECT_EQ(s.Wait(), 0);
    std::vector<std::string> log = LogAfterReady(s.Stderr());
    for (std::string& line : log) {
      // Only the file's path differs between the runs.
      const size_t at = line.find(dir);
      if (at != std::string::npos) line.replace(at, dir.size(), "DIR");
    }
    logs.push_back(log);
    EXPECT_EQ(log, (std::vector<std::string>{
                       "[ERR] Failed to reload server configuration: DIR/f.conf:3:1: unknown "
                       "field \"foo\"",
                       "[ERR] Failed to reload server configuration: config reload not "
                       "supported for MaxPending: old=67108864, new=5",
                       "[ERR] Failed to reload server configuration: DIR/f.conf:3:1: invalid "
                       "lame_duck_duration of 5s, minimum is 30 seconds",
                       "[INF] Reloaded: authorization users", "[INF] Reloaded: accounts",
                       "[INF] Reloaded server configuration",
                       "[ERR] Failed to reload server configuration: open DIR/f.conf: no such "
                       "file or directory",
                       "[INF] Initiating Shutdown...", "[INF] Server Exiting.."}));
  }
}

TEST(ServerBinaryTest, ReloadedPidFileAndPortsFileDirAsTheReference) {
  for (const char* binary : Binaries()) {
    SCOPED_TRACE(binary);
    // Without a doubled slash: Go cleans the paths it prints (filepath.Join).
    std::string dir = TempDir();
    for (size_t at; (at = dir.find("//")) != std::string::npos;) dir.erase(at, 1);
    const std::string conf = dir + "/p.conf";
    const std::string base = absl::StrCat("port: ", FreePort(), "\nlogtime: false\n");
    WriteFile(conf, base);
    Server s({"-c", conf}, binary);
    ASSERT_TRUE(s.WaitForLog("Server is ready")) << s.Stderr();
    mkdir((dir + "/pd").c_str(), 0755);
    WriteFile(conf, base + "pid_file: " + dir + "/n.pid\nports_file_dir: " + dir + "/pd\n");
    s.Signal(SIGHUP);
    ASSERT_TRUE(s.WaitForLog("Reloaded server configuration"));
    const std::string exe =
        absl::EndsWith(binary, "nats-server") ? "nats-server" : "natrium-server";
    const std::string ports = absl::StrCat(dir, "/pd/", exe, "_", s.pid(), ".ports");
    EXPECT_EQ(ReadFile(dir + "/n.pid"), absl::StrCat(s.pid()));
    EXPECT_TRUE(absl::StrContains(ReadFile(ports), "\"nats\":[")) << ports;
    s.Signal(SIGINT);
    EXPECT_EQ(s.Wait(), 0);
    std::vector<std::string> log = LogAfterReady(s.Stderr());
    for (std::string& line : log) {
      for (size_t at; (at = line.find(dir)) != std::string::npos;)
        line.replace(at, dir.size(), "D");
      const std::string name = absl::StrCat(exe, "_", s.pid());
      for (size_t at; (at = line.find(name)) != std::string::npos;)
        line.replace(at, name.size(), "X");
    }
    // The reference first "cleans up" a ports file in the new directory, and says it failed.
    EXPECT_EQ(log,
              (std::vector<std::string>{
                  "[INF] Reloaded: authorization users", "[INF] Reloaded: accounts",
                  "[INF] Reloaded: pid_file = D/n.pid",
                  "[ERR] Error cleaning up ports file D/pd/X.ports: remove D/pd/X.ports: no "
                  "such file or directory",
                  "[INF] Reloaded: ports_file_dir = D/pd", "[INF] Reloaded server configuration",
                  "[INF] Initiating Shutdown...", "[INF] Server Exiting.."}));
  }
}

}  // namespace
