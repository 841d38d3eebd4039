#include "net/http/http_server.h"

#include <microhttpd.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "net/runtime/listen_socket.h"

namespace na::net {
namespace {

MHD_Result CollectArg(void* cls, enum MHD_ValueKind, const char* key, const char* value) {
  auto* query = static_cast<std::vector<std::pair<std::string, std::string>>*>(cls);
  query->emplace_back(key != nullptr ? key : "", value != nullptr ? value : "");
  return MHD_YES;
}

}  // namespace

const std::string* HttpRequest::Arg(const std::string& key) const {
  for (const auto& [k, v] : query) {
    if (k == key) return &v;
  }
  return nullptr;
}

HttpServer::~HttpServer() { Stop(); }

absl::Status HttpServer::Start(Runtime& runtime, const std::string& host, int port,
                               HttpHandler handler) {
  absl::StatusOr<BoundSocket> bound = ListenTcp(host, port, 128);
  if (!bound.ok()) return bound.status();
  listen_fd_ = bound->fd;
  port_ = bound->port;
  handler_ = std::move(handler);
  daemon_ =
      MHD_start_daemon(MHD_USE_EPOLL, 0, nullptr, nullptr,
                       reinterpret_cast<MHD_AccessHandlerCallback>(&HttpServer::Dispatch), this,
                       MHD_OPTION_LISTEN_SOCKET, listen_fd_, MHD_OPTION_CONNECTION_TIMEOUT, 30u,
                       MHD_OPTION_CONNECTION_LIMIT, 256u, MHD_OPTION_END);
  if (daemon_ == nullptr) {
    ::close(listen_fd_);
    listen_fd_ = -1;
    return absl::InternalError("libmicrohttpd failed to start");
  }
  const MHD_DaemonInfo* info = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_EPOLL_FD);
  epoll_fd_ = info->epoll_fd;
  runtime_ = &runtime;
  return runtime.AddPollSource(epoll_fd_, EPOLLIN, this);
}

void HttpServer::Stop() {
  if (daemon_ == nullptr) return;
  if (runtime_ != nullptr) runtime_->RemovePollSource(epoll_fd_);
  MHD_stop_daemon(daemon_);  // with MHD_OPTION_LISTEN_SOCKET, MHD closes that socket too
  daemon_ = nullptr;
  listen_fd_ = -1;
  runtime_ = nullptr;
}

void HttpServer::OnReady(uint32_t) { MHD_run(daemon_); }

int64_t HttpServer::MaxWaitNs() {
  MHD_UNSIGNED_LONG_LONG timeout_ms = 0;
  if (MHD_get_timeout(daemon_, &timeout_ms) != MHD_YES) return -1;
  return static_cast<int64_t>(timeout_ms) * 1'000'000;
}

void HttpServer::OnTurn() {
  MHD_UNSIGNED_LONG_LONG timeout_ms = 0;
  if (MHD_get_timeout(daemon_, &timeout_ms) == MHD_YES && timeout_ms == 0) MHD_run(daemon_);
}

int HttpServer::Dispatch(void* cls, MHD_Connection* connection, const char* url, const char* method,
                         const char* version, const char* upload_data, size_t* upload_data_size,
                         void** con_cls) {
  auto* self = static_cast<HttpServer*>(cls);
  HttpRequest request;
  request.method = method != nullptr ? method : "";
  request.path = url != nullptr ? url : "/";
  MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, &CollectArg, &request.query);
  HttpResponse response = self->handler_(request);
  MHD_Response* r = MHD_create_response_from_buffer(
      response.body.size(), const_cast<char*>(response.body.data()), MHD_RESPMEM_MUST_COPY);
  MHD_add_response_header(r, "Content-Type", response.content_type.c_str());
  const MHD_Result queued =
      MHD_queue_response(connection, static_cast<unsigned int>(response.status), r);
  MHD_destroy_response(r);
  return queued;
}

}  // namespace na::net
