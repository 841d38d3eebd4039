// Monitor: the monitoring endpoints' responses (/varz, /connz, /subsz, /routez, /healthz, /, and
// the empty shapes of /gatewayz, /leafz, /jsz, /accountz, /accstatz),
// with nats-server 2.9.10's JSON field names, order, omissions and error texts.
//
// Pure: it reads a Node through its accessors and the process facts in RuntimeInfo, and returns
// a response; it never touches sockets, clocks or files, so the HTTP server in net/ and the
// simulator can both ask it. Call it between Steps, on the thread that runs Step.
#ifndef NATRIUM_ENGINE_MONITOR_MONITOR_H_
#define NATRIUM_ENGINE_MONITOR_MONITOR_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/strings/string_view.h"
#include "engine/node/node.h"

namespace na::monitor {

// Facts about the process that the engine cannot know; the runtime measures them.
struct RuntimeInfo {
  int64_t mem_bytes = 0;   // resident set size
  double cpu_percent = 0;  // recent CPU use of the process, 100 = one core
  int cores = 1;
  int64_t now_wall_ns = 0;
};

// Fixed at startup: what the runtime actually bound, and when the config was read.
struct MonitorConfig {
  int client_port = 0;  // the bound client port (differs from options for port -1)
  int http_port = 0;    // the bound monitoring port
  int64_t config_load_wall_ns = 0;
};

using Query = std::vector<std::pair<std::string, std::string>>;

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

class Monitor {
 public:
  explicit Monitor(MonitorConfig config) : config_(config) {}

  // Routes a GET of `path` (the URL path, without the query). Counts the request in
  // http_req_stats as nats-server does. Unknown paths get Go's "404 page not found".
  Response Handle(node::Node& node, const RuntimeInfo& rt, absl::string_view path,
                  const Query& query);

  Response Varz(node::Node& node, const RuntimeInfo& rt);
  Response Connz(node::Node& node, const RuntimeInfo& rt, const Query& query);
  Response Subsz(node::Node& node, const RuntimeInfo& rt, const Query& query);
  Response Routez(node::Node& node, const RuntimeInfo& rt, const Query& query);
  Response Healthz(const Query& query);
  // Endpoints of features that do not exist yet, with the reference's empty shapes so that
  // tools polling them (prometheus-nats-exporter, nats CLI) get a valid answer.
  Response Gatewayz(node::Node& node, const RuntimeInfo& rt);
  Response Leafz(node::Node& node, const RuntimeInfo& rt);
  Response Jsz(node::Node& node, const RuntimeInfo& rt);
  Response Accountz(node::Node& node, const RuntimeInfo& rt);
  Response Accstatz(node::Node& node, const RuntimeInfo& rt);
  Response Index(node::Node& node);

 private:
  MonitorConfig config_;
  absl::btree_map<std::string, uint64_t> http_req_stats_;  // path -> count, sorted like Go maps
};

}  // namespace na::monitor

#endif  // NATRIUM_ENGINE_MONITOR_MONITOR_H_
