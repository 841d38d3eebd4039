#include "net/http/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace na::net {
namespace {

class NullEngine : public io::Engine {
 public:
  void Step(const io::Time&, const io::Input&, io::Effects&) override {}
};

std::string Get(int port, const std::string& target) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr = {};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) return "";
  const std::string request =
      absl::StrCat("GET ", target, " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  if (write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
    return "";
  }
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) out.append(buf, static_cast<size_t>(n));
  close(fd);
  return out;
}

TEST(HttpServerTest, ServesFromTheRuntimeLoop) {
  RuntimeOptions options;
  options.host = "127.0.0.1";
  options.port = -1;
  Runtime runtime(options);
  ASSERT_TRUE(runtime.Listen().ok());
  NullEngine engine;
  runtime.set_engine(&engine);
  HttpServer http;
  std::thread::id handler_thread;
  ASSERT_TRUE(http.Start(runtime, "127.0.0.1", -1,
                         [&handler_thread](const HttpRequest& request) {
                           handler_thread = std::this_thread::get_id();
                           HttpResponse response;
                           if (request.path == "/missing") {
                             response.status = 404;
                             response.content_type = "text/plain; charset=utf-8";
                             response.body = "404 page not found";
                             return response;
                           }
                           const std::string* subs = request.Arg("subs");
                           const std::string* flag = request.Arg("flag");
                           response.body = absl::StrCat("{\"path\":\"", request.path,
                                                        "\",\"subs\":\"", subs ? *subs : "-",
                                                        "\",\"flag\":", flag != nullptr, "}");
                           return response;
                         })
                  .ok());
  ASSERT_GT(http.port(), 0);
  std::thread loop([&runtime] { runtime.Run(); });

  const std::string ok = Get(http.port(), "/connz?subs=detail&flag");
  EXPECT_NE(ok.find("HTTP/1.1 200 OK"), std::string::npos) << ok;
  EXPECT_NE(ok.find("Content-Type: application/json"), std::string::npos) << ok;
  EXPECT_NE(ok.find("{\"path\":\"/connz\",\"subs\":\"detail\",\"flag\":1}"), std::string::npos)
      << ok;
  const std::string missing = Get(http.port(), "/missing");
  EXPECT_NE(missing.find("HTTP/1.1 404 Not Found"), std::string::npos) << missing;
  EXPECT_NE(missing.find("404 page not found"), std::string::npos);

  const std::thread::id loop_id = loop.get_id();
  runtime.Stop();
  loop.join();
  EXPECT_EQ(handler_thread, loop_id);
  http.Stop();
}

}  // namespace
}  // namespace na::net
