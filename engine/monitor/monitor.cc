#include "engine/monitor/monitor.h"

#include <algorithm>
#include <functional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "engine/monitor/go_format.h"
#include "engine/subject/subject.h"
#include "rapidjson/prettywriter.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace na::monitor {
namespace {

constexpr int kDefaultLimit = 1024;  // nats-server DefaultConnListSize / DefaultSubListSize

// Go's json.MarshalIndent(v, "", "  ").
class Json {
 public:
  Json() : w_(buf_) { w_.SetIndent(' ', 2); }

  Json& Key(absl::string_view k) {
    w_.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
    return *this;
  }
  Json& Str(absl::string_view v) {
    w_.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
    return *this;
  }
  Json& Int(int64_t v) {
    w_.Int64(v);
    return *this;
  }
  Json& Uint(uint64_t v) {
    w_.Uint64(v);
    return *this;
  }
  Json& Null() {
    w_.Null();
    return *this;
  }
  Json& Bool(bool v) {
    w_.Bool(v);
    return *this;
  }
  Json& Float(double v) {
    const std::string text = FormatGoFloat(v);
    w_.RawValue(text.data(), text.size(), rapidjson::kNumberType);
    return *this;
  }
  Json& Time(int64_t unix_ns) { return Str(FormatRfc3339Nano(unix_ns)); }
  Json& StartObject() {
    w_.StartObject();
    return *this;
  }
  Json& EndObject() {
    w_.EndObject();
    return *this;
  }
  Json& StartArray() {
    w_.StartArray();
    return *this;
  }
  Json& EndArray() {
    w_.EndArray();
    return *this;
  }
  Json& EmptyObject() { return StartObject().EndObject(); }
  std::string Done() const { return std::string(buf_.GetString(), buf_.GetSize()); }

 private:
  rapidjson::StringBuffer buf_;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w_;
};

Response BadRequest(std::string text) {
  Response r;
  r.status = 400;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(text);
  return r;
}

Response JsonResponse(std::string body) {
  Response r;
  r.body = std::move(body);
  return r;
}

const std::string* Arg(const Query& query, absl::string_view key) {
  for (const auto& [k, v] : query) {
    if (k == key) return &v;
  }
  return nullptr;
}

// Query decoding with nats-server's error texts. An absent or empty argument keeps the default.
bool DecodeBool(const Query& q, absl::string_view key, bool* out, std::string* error) {
  const std::string* v = Arg(q, key);
  if (v == nullptr || v->empty()) return true;
  static constexpr absl::string_view kTrue[] = {"1", "t", "T", "TRUE", "true", "True"};
  static constexpr absl::string_view kFalse[] = {"0", "f", "F", "FALSE", "false", "False"};
  for (absl::string_view t : kTrue) {
    if (*v == t) return *out = true, true;
  }
  for (absl::string_view f : kFalse) {
    if (*v == f) return *out = false, true;
  }
  *error = absl::StrCat("Error decoding boolean for '", key, "': strconv.ParseBool: parsing \"", *v,
                        "\": invalid syntax");
  return false;
}

bool DecodeInt(const Query& q, absl::string_view key, int64_t* out, std::string* error) {
  const std::string* v = Arg(q, key);
  if (v == nullptr || v->empty()) return true;
  if (!absl::SimpleAtoi(*v, out)) {
    *error = absl::StrCat("Error decoding int for '", key, "': strconv.Atoi: parsing \"", *v,
                          "\": invalid syntax");
    return false;
  }
  return true;
}

bool DecodeUint64(const Query& q, absl::string_view key, uint64_t* out, std::string* error) {
  const std::string* v = Arg(q, key);
  if (v == nullptr || v->empty()) return true;
  if (!absl::SimpleAtoi(*v, out)) {
    *error = absl::StrCat("Error decoding uint64 for '", key, "': strconv.ParseUint: parsing \"",
                          *v, "\": invalid syntax");
    return false;
  }
  return true;
}

void Paginate(int64_t* offset, int64_t* limit) {
  if (*offset < 0) *offset = 0;
  if (*limit <= 0) *limit = kDefaultLimit;
}

enum class ConnState { kOpen, kClosed, kAny };

using ConnLess = std::function<bool(const node::ConnSnapshot&, const node::ConnSnapshot&)>;

// nats-server's sort options (monitor_sort_opts.go): cid and start ascending, reason by text,
// everything else largest first. Ties fall back to cid so the order is total.
bool SortFor(absl::string_view sort, int64_t now_wall_ns, ConnLess* less) {
  using C = node::ConnSnapshot;
  auto by_desc = [](std::function<int64_t(const C&)> key) {
    return ConnLess([key](const C& a, const C& b) {
      const int64_t ka = key(a), kb = key(b);
      return ka != kb ? ka > kb : a.cid < b.cid;
    });
  };
  auto end_time = [now_wall_ns](const C& c) {
    return c.stop_wall_ns != 0 ? c.stop_wall_ns : now_wall_ns;
  };
  if (sort.empty() || sort == "cid") {
    *less = [](const C& a, const C& b) { return a.cid < b.cid; };
  } else if (sort == "start") {
    *less = [](const C& a, const C& b) {
      return a.start_wall_ns != b.start_wall_ns ? a.start_wall_ns < b.start_wall_ns : a.cid < b.cid;
    };
  } else if (sort == "subs") {
    *less = by_desc([](const C& c) { return static_cast<int64_t>(c.num_subs); });
  } else if (sort == "pending") {
    *less = by_desc([](const C& c) { return static_cast<int64_t>(c.pending_bytes); });
  } else if (sort == "msgs_to") {
    *less = by_desc([](const C& c) { return static_cast<int64_t>(c.out_msgs); });
  } else if (sort == "msgs_from") {
    *less = by_desc([](const C& c) { return static_cast<int64_t>(c.in_msgs); });
  } else if (sort == "bytes_to") {
    *less = by_desc([](const C& c) { return static_cast<int64_t>(c.out_bytes); });
  } else if (sort == "bytes_from") {
    *less = by_desc([](const C& c) { return static_cast<int64_t>(c.in_bytes); });
  } else if (sort == "last") {
    *less = by_desc([](const C& c) { return c.last_activity_wall_ns; });
  } else if (sort == "idle") {
    *less = by_desc([end_time](const C& c) { return end_time(c) - c.last_activity_wall_ns; });
  } else if (sort == "uptime") {
    *less = by_desc([end_time](const C& c) { return end_time(c) - c.start_wall_ns; });
  } else if (sort == "stop") {
    *less = by_desc([](const C& c) { return c.stop_wall_ns; });
  } else if (sort == "reason") {
    *less = [](const C& a, const C& b) {
      return a.reason != b.reason ? a.reason < b.reason : a.cid < b.cid;
    };
  } else if (sort == "rtt") {
    *less = by_desc([](const C& c) { return c.rtt_ns; });
  } else {
    return false;
  }
  return true;
}

void WriteSubStats(Json& j, const subject::SublistStats& s) {
  j.Key("num_subscriptions").Uint(s.num_subscriptions);
  j.Key("num_cache").Uint(s.num_cache);
  j.Key("num_inserts").Uint(s.num_inserts);
  j.Key("num_removes").Uint(s.num_removes);
  j.Key("num_matches").Uint(s.num_matches);
  const double hit_rate =
      s.num_matches > 0 ? static_cast<double>(s.cache_hits) / static_cast<double>(s.num_matches)
                        : 0.0;
  j.Key("cache_hit_rate").Float(hit_rate);
  j.Key("max_fanout").Uint(s.max_fanout);
  j.Key("avg_fanout").Float(s.avg_fanout);
}

}  // namespace

Response Monitor::Handle(node::Node& node, const RuntimeInfo& rt, absl::string_view path,
                         const Query& query) {
  std::string route(path);
  std::string prefix = node.options().http_base_path;
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  if (!prefix.empty()) {
    if (route.compare(0, prefix.size(), prefix) == 0) {
      route = route.size() > prefix.size() ? route.substr(prefix.size()) : "/";
    } else {
      route = "";  // outside the base path: not found
    }
  }
  if (route.size() > 1 && route.back() == '/') route.pop_back();
  static constexpr absl::string_view kRoutes[] = {
      "/",        "/varz",     "/connz", "/subsz", "/subscriptionsz", "/routez",
      "/healthz", "/gatewayz", "/leafz", "/jsz",   "/accountz",       "/accstatz"};
  for (absl::string_view known : kRoutes) {
    if (route == known) ++http_req_stats_[route];
  }
  if (route == "/") return Index(node);
  if (route == "/varz") return Varz(node, rt);
  if (route == "/connz") return Connz(node, rt, query);
  if (route == "/subsz" || route == "/subscriptionsz") return Subsz(node, rt, query);
  if (route == "/routez") return Routez(node, rt, query);
  if (route == "/healthz") return Healthz(query);
  if (route == "/gatewayz") return Gatewayz(node, rt);
  if (route == "/leafz") return Leafz(node, rt);
  if (route == "/jsz") return Jsz(node, rt);
  if (route == "/accountz") return Accountz(node, rt);
  if (route == "/accstatz") return Accstatz(node, rt);
  Response r;
  r.status = 404;
  r.content_type = "text/plain; charset=utf-8";
  r.body = "404 page not found\n";
  return r;
}

Response Monitor::Varz(node::Node& node, const RuntimeInfo& rt) {
  const node::Options& o = node.options();
  const node::NodeCounters& c = node.counters();
  Json j;
  j.StartObject();
  j.Key("server_id").Str(node.server_id());
  j.Key("server_name").Str(node.server_name());
  j.Key("version").Str(node::kServerVersion);
  j.Key("proto").Int(1);
  j.Key("go").Str(node::kServerBuild);
  j.Key("host").Str(o.host);
  j.Key("port").Int(config_.client_port != 0 ? config_.client_port : o.port);
  if (o.auth.Required()) j.Key("auth_required").Bool(true);
  if (!o.client_advertise.empty()) {
    j.Key("connect_urls").StartArray().Str(o.client_advertise).EndArray();
  }
  j.Key("max_connections").Int(o.max_connections);
  if (o.max_subscriptions > 0) j.Key("max_subscriptions").Int(o.max_subscriptions);
  j.Key("ping_interval").Int(o.ping_interval_ns);
  j.Key("ping_max").Int(o.ping_max);
  j.Key("http_host").Str(o.http_host);
  j.Key("http_port").Int(config_.http_port != 0 ? config_.http_port : o.http_port);
  j.Key("http_base_path").Str(o.http_base_path);
  j.Key("https_port").Int(o.https_port);
  // nats-server reports these two in seconds, as float64.
  j.Key("auth_timeout").Float(static_cast<double>(o.auth.timeout_ns) / 1e9);
  j.Key("max_control_line").Int(o.max_control_line_bytes);
  j.Key("max_payload").Int(o.max_payload_bytes);
  j.Key("max_pending").Int(o.max_pending_bytes);
  j.Key("cluster").EmptyObject();
  j.Key("gateway").EmptyObject();
  j.Key("leaf").EmptyObject();
  j.Key("mqtt").EmptyObject();
  j.Key("websocket").EmptyObject();
  j.Key("jetstream").EmptyObject();
  j.Key("tls_timeout").Float(static_cast<double>(limits::kTlsTimeoutNs) / 1e9);
  j.Key("write_deadline").Int(o.write_deadline_ns);
  const int64_t start_ns = node.start_wall_ns();
  j.Key("start").Time(start_ns);
  j.Key("now").Time(rt.now_wall_ns);
  j.Key("uptime").Str(FormatUptime(rt.now_wall_ns - start_ns));
  j.Key("mem").Int(rt.mem_bytes);
  j.Key("cores").Int(rt.cores);
  j.Key("gomaxprocs").Int(rt.cores);
  j.Key("cpu").Float(rt.cpu_percent);
  j.Key("connections").Uint(node.num_connections());
  j.Key("total_connections").Uint(c.total_connections);
  j.Key("routes").Int(0);
  j.Key("remotes").Int(0);
  j.Key("leafnodes").Int(0);
  j.Key("in_msgs").Uint(c.in_msgs);
  j.Key("out_msgs").Uint(c.out_msgs);
  j.Key("in_bytes").Uint(c.in_bytes);
  j.Key("out_bytes").Uint(c.out_bytes);
  j.Key("slow_consumers").Uint(c.slow_consumers);
  j.Key("subscriptions").Uint(node.sublist().Count());
  j.Key("http_req_stats").StartObject();
  for (const auto& [path, count] : http_req_stats_) j.Key(path).Uint(count);
  j.EndObject();
  j.Key("config_load_time")
      .Time(config_.config_load_wall_ns != 0 ? config_.config_load_wall_ns : start_ns);
  // The reference always names its system account; ours has none yet, the name is reserved.
  j.Key("system_account").Str("$SYS");
  j.EndObject();
  return JsonResponse(j.Done());
}

Response Monitor::Connz(node::Node& node, const RuntimeInfo& rt, const Query& query) {
  std::string error;
  bool subs = false, subs_detail = false, auth = false;
  int64_t offset = 0, limit = kDefaultLimit;
  uint64_t cid = 0;
  if (const std::string* v = Arg(query, "subs"); v != nullptr && *v == "detail") {
    subs = subs_detail = true;
  } else if (!DecodeBool(query, "subs", &subs, &error)) {
    return BadRequest(error);
  }
  if (!DecodeBool(query, "auth", &auth, &error) || !DecodeInt(query, "offset", &offset, &error) ||
      !DecodeInt(query, "limit", &limit, &error) || !DecodeUint64(query, "cid", &cid, &error)) {
    return BadRequest(error);
  }
  Paginate(&offset, &limit);
  ConnState state = ConnState::kOpen;
  if (const std::string* v = Arg(query, "state"); v != nullptr && !v->empty()) {
    if (*v == "open") {
      state = ConnState::kOpen;
    } else if (*v == "closed") {
      state = ConnState::kClosed;
    } else if (*v == "any" || *v == "all") {
      state = ConnState::kAny;
    } else {
      return BadRequest(absl::StrCat("Error decoding state for ", *v));
    }
  }
  const std::string* sort_arg = Arg(query, "sort");
  const std::string sort = sort_arg != nullptr ? *sort_arg : "";
  ConnLess less;
  if (!SortFor(sort, rt.now_wall_ns, &less)) {
    return BadRequest(absl::StrCat("invalid sorting option: ", sort));
  }
  if ((sort == "stop" || sort == "reason") && state != ConnState::kClosed) {
    // nats-server: "sort by stop only valid on closed connections" (and the same for reason).
    return BadRequest(absl::StrCat("sort by ", sort, " only valid on closed connections"));
  }

  std::vector<node::ConnSnapshot> open, closed;
  node.ListConnections(state != ConnState::kClosed ? &open : nullptr,
                       state != ConnState::kOpen ? &closed : nullptr);
  std::vector<node::ConnSnapshot> conns = std::move(open);
  for (node::ConnSnapshot& c : closed) conns.push_back(std::move(c));
  if (cid != 0) {
    conns.erase(std::remove_if(conns.begin(), conns.end(),
                               [cid](const node::ConnSnapshot& c) { return c.cid != cid; }),
                conns.end());
  }
  std::stable_sort(conns.begin(), conns.end(), less);

  const int64_t total = static_cast<int64_t>(conns.size());
  const int64_t first = std::min(offset, total);
  const int64_t last = std::min(total, first + limit);

  Json j;
  j.StartObject();
  j.Key("server_id").Str(node.server_id());
  j.Key("now").Time(rt.now_wall_ns);
  j.Key("num_connections").Int(last - first);
  j.Key("total").Int(total);
  j.Key("offset").Int(offset);
  j.Key("limit").Int(limit);
  j.Key("connections").StartArray();
  for (int64_t i = first; i < last; ++i) {
    const node::ConnSnapshot& c = conns[static_cast<size_t>(i)];
    const int64_t end_ns = c.stop_wall_ns != 0 ? c.stop_wall_ns : rt.now_wall_ns;
    j.StartObject();
    j.Key("cid").Uint(c.cid);
    j.Key("kind").Str(c.kind);
    j.Key("type").Str("nats");
    j.Key("ip").Str(c.ip);
    j.Key("port").Int(c.port);
    j.Key("start").Time(c.start_wall_ns);
    j.Key("last_activity").Time(c.last_activity_wall_ns);
    if (c.stop_wall_ns != 0) j.Key("stop").Time(c.stop_wall_ns);
    if (!c.reason.empty()) j.Key("reason").Str(c.reason);
    j.Key("rtt").Str(FormatGoDuration(c.rtt_ns));
    j.Key("uptime").Str(FormatUptime(end_ns - c.start_wall_ns));
    j.Key("idle").Str(FormatUptime(end_ns - c.last_activity_wall_ns));
    j.Key("pending_bytes").Uint(c.pending_bytes);
    j.Key("in_msgs").Uint(c.in_msgs);
    j.Key("out_msgs").Uint(c.out_msgs);
    j.Key("in_bytes").Uint(c.in_bytes);
    j.Key("out_bytes").Uint(c.out_bytes);
    j.Key("subscriptions").Uint(c.num_subs);
    if (!c.name.empty()) j.Key("name").Str(c.name);
    if (!c.lang.empty()) j.Key("lang").Str(c.lang);
    if (!c.version.empty()) j.Key("version").Str(c.version);
    if (!c.tls_version.empty()) j.Key("tls_version").Str(c.tls_version);
    if (!c.tls_cipher_suite.empty()) j.Key("tls_cipher_suite").Str(c.tls_cipher_suite);
    if (auth && !c.authorized_user.empty()) j.Key("authorized_user").Str(c.authorized_user);
    if (auth && !c.account.empty()) j.Key("account").Str(c.account);
    if (subs && !c.subs.empty()) {
      if (subs_detail) {
        j.Key("subscriptions_list_detail").StartArray();
        for (const node::SubSnapshot& s : c.subs) {
          j.StartObject();
          j.Key("subject").Str(s.subject);
          if (!s.queue.empty()) j.Key("qgroup").Str(s.queue);
          j.Key("sid").Str(s.sid);
          j.Key("msgs").Uint(s.msgs);
          if (s.max_msgs > 0) j.Key("max").Int(s.max_msgs);
          j.Key("cid").Uint(c.cid);
          j.EndObject();
        }
        j.EndArray();
      } else {
        j.Key("subscriptions_list").StartArray();
        for (const node::SubSnapshot& s : c.subs) j.Str(s.subject);
        j.EndArray();
      }
    }
    j.EndObject();
  }
  j.EndArray();
  j.EndObject();
  return JsonResponse(j.Done());
}

Response Monitor::Subsz(node::Node& node, const RuntimeInfo& rt, const Query& query) {
  std::string error;
  bool subs = false;
  int64_t offset = 0, limit = kDefaultLimit;
  if (!DecodeBool(query, "subs", &subs, &error) || !DecodeInt(query, "offset", &offset, &error) ||
      !DecodeInt(query, "limit", &limit, &error)) {
    return BadRequest(error);
  }
  Paginate(&offset, &limit);
  const std::string* test_arg = Arg(query, "test");
  const std::string test = test_arg != nullptr ? *test_arg : "";
  if (!test.empty() && !subject::IsValidLiteralSubject(test)) {
    return BadRequest(absl::StrCat("invalid test subject, must be valid publish subject: ", test));
  }
  subject::Sublist& sublist = node.sublist();
  const subject::SublistStats stats = sublist.Stats();

  Json j;
  j.StartObject();
  if (!subs) {
    // Without subs, nats-server answers with the sublist statistics alone.
    WriteSubStats(j, stats);
    j.EndObject();
    return JsonResponse(j.Done());
  }
  std::vector<subject::Subscription*> all;
  sublist.All(&all);
  std::vector<const subject::Subscription*> matching;
  for (const subject::Subscription* s : all) {
    if (test.empty() || subject::SubjectMatchesFilter(test, s->subject)) matching.push_back(s);
  }
  const int64_t total = static_cast<int64_t>(matching.size());
  const int64_t first = std::min(offset, total);
  const int64_t last = std::min(total, first + limit);
  j.Key("server_id").Str(node.server_id());
  j.Key("now").Time(rt.now_wall_ns);
  WriteSubStats(j, stats);
  j.Key("total").Int(total);
  j.Key("offset").Int(offset);
  j.Key("limit").Int(limit);
  if (last > first) {
    j.Key("subscriptions_list").StartArray();
    for (int64_t i = first; i < last; ++i) {
      const subject::Subscription& s = *matching[static_cast<size_t>(i)];
      j.StartObject();
      j.Key("account").Str("$G");
      j.Key("subject").Str(s.subject);
      if (!s.queue.empty()) j.Key("qgroup").Str(s.queue);
      j.Key("sid").Str(s.sid);
      j.Key("msgs").Uint(s.delivered_msgs);
      if (s.max_msgs > 0) j.Key("max").Int(s.max_msgs);
      j.Key("cid").Uint(s.conn_id);
      j.EndObject();
    }
    j.EndArray();
  }
  j.EndObject();
  return JsonResponse(j.Done());
}

Response Monitor::Routez(node::Node& node, const RuntimeInfo& rt, const Query& query) {
  std::string error;
  bool subs = false;
  if (!DecodeBool(query, "subs", &subs, &error)) return BadRequest(error);
  Json j;
  j.StartObject();
  j.Key("server_id").Str(node.server_id());
  j.Key("now").Time(rt.now_wall_ns);
  j.Key("num_routes").Int(0);
  j.Key("routes").StartArray().EndArray();
  j.EndObject();
  return JsonResponse(j.Done());
}

Response Monitor::Healthz(const Query& query) {
  // Compact, unlike the other endpoints (nats-server writes it with json.Marshal).
  return JsonResponse("{\"status\":\"ok\"}");
}

Response Monitor::Gatewayz(node::Node& node, const RuntimeInfo& rt) {
  Json j;
  j.StartObject();
  j.Key("server_id").Str(node.server_id());
  j.Key("now").Time(rt.now_wall_ns);
  j.Key("outbound_gateways").EmptyObject();
  j.Key("inbound_gateways").EmptyObject();
  j.EndObject();
  return JsonResponse(j.Done());
}

Response Monitor::Leafz(node::Node& node, const RuntimeInfo& rt) {
  Json j;
  j.StartObject();
  j.Key("server_id").Str(node.server_id());
  j.Key("now").Time(rt.now_wall_ns);
  j.Key("leafnodes").Int(0);
  j.Key("leafs").Null();  // a nil slice in the reference
  j.EndObject();
  return JsonResponse(j.Done());
}

Response Monitor::Jsz(node::Node& node, const RuntimeInfo& rt) {
  Json j;
  j.StartObject();
  j.Key("server_id").Str(node.server_id());
  j.Key("now").Time(rt.now_wall_ns);
  j.Key("disabled").Bool(true);
  j.Key("config").StartObject();
  j.Key("max_memory").Int(0);
  j.Key("max_storage").Int(0);
  j.EndObject();
  for (absl::string_view key :
       {"memory", "storage", "reserved_memory", "reserved_storage", "accounts", "ha_assets"}) {
    j.Key(key).Int(0);
  }
  j.Key("api").StartObject();
  j.Key("total").Int(0);
  j.Key("errors").Int(0);
  j.EndObject();
  for (absl::string_view key : {"streams", "consumers", "messages", "bytes"}) j.Key(key).Int(0);
  j.EndObject();
  return JsonResponse(j.Done());
}

Response Monitor::Accountz(node::Node& node, const RuntimeInfo& rt) {
  Json j;
  j.StartObject();
  j.Key("server_id").Str(node.server_id());
  j.Key("now").Time(rt.now_wall_ns);
  j.Key("system_account").Str("$SYS");
  j.Key("accounts").StartArray().Str("$G").EndArray();
  j.EndObject();
  return JsonResponse(j.Done());
}

Response Monitor::Accstatz(node::Node& node, const RuntimeInfo& rt) {
  Json j;
  j.StartObject();
  j.Key("server_id").Str(node.server_id());
  j.Key("now").Time(rt.now_wall_ns);
  j.Key("account_statz").StartArray().EndArray();
  j.EndObject();
  return JsonResponse(j.Done());
}

Response Monitor::Index(node::Node& node) {
  Response r;
  r.content_type = "text/html; charset=utf-8";
  r.body = absl::StrCat(
      "<html lang=\"en\">\n<head><title>natrium-server</title></head>\n<body>\n"
      "<h1>natrium-server</h1>\n<p>NATS ",
      node::kServerVersion, " compatible, ", node::kServerBuild,
      "</p>\n"
      "<a href=./varz>General</a><br/>\n"
      "<a href=./connz>Connections</a><br/>\n"
      "<a href=./subsz>Subscriptions</a><br/>\n"
      "<a href=./routez>Routes</a><br/>\n"
      "<a href=./gatewayz>Gateways</a><br/>\n"
      "<a href=./leafz>Leaf Nodes</a><br/>\n"
      "<a href=./jsz>JetStream</a><br/>\n"
      "<a href=./accountz>Accounts</a><br/>\n"
      "<a href=./healthz>Health</a><br/>\n"
      "<a href=https://docs.nats.io/running-a-nats-service/nats_admin/monitoring>Help</a>\n"
      "</body>\n</html>\n");
  return r;
}

}  // namespace na::monitor
