// HttpServer: a small GET-only HTTP server on libmicrohttpd, polled from the Runtime's loop.
//
// libmicrohttpd runs in its external-epoll mode (MHD_USE_EPOLL, no internal thread): its epoll
// fd is registered with the Runtime as a PollSource, MHD_run() is called when that fd is ready or
// when MHD's own timeout is due. Handlers therefore run on the loop thread, between engine
// Steps, and may read engine state without locks.
#ifndef NATRIUM_NET_HTTP_HTTP_SERVER_H_
#define NATRIUM_NET_HTTP_HTTP_SERVER_H_

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "net/runtime/runtime.h"

struct MHD_Daemon;
struct MHD_Connection;

namespace na::net {

struct HttpRequest {
  std::string method;
  std::string path;
  // Query arguments in the order given; a key without '=' has an empty value.
  std::vector<std::pair<std::string, std::string>> query;

  // The value of the first argument named `key`, or nullptr.
  const std::string* Arg(const std::string& key) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

class HttpServer : public PollSource {
 public:
  HttpServer() = default;
  ~HttpServer() override;
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds host:port (-1 = any free port) and registers with the runtime.
  absl::Status Start(Runtime& runtime, const std::string& host, int port, HttpHandler handler);
  void Stop();
  int port() const { return port_; }

  // PollSource
  void OnReady(uint32_t epoll_events) override;
  int64_t MaxWaitNs() override;
  void OnTurn() override;

 private:
  static int Dispatch(void* cls, MHD_Connection* connection, const char* url, const char* method,
                      const char* version, const char* upload_data, size_t* upload_data_size,
                      void** con_cls);

  Runtime* runtime_ = nullptr;
  MHD_Daemon* daemon_ = nullptr;
  int epoll_fd_ = -1;
  int listen_fd_ = -1;
  int port_ = 0;
  HttpHandler handler_;
};

}  // namespace na::net

#endif  // NATRIUM_NET_HTTP_HTTP_SERVER_H_
