#include "engine/node/node.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/auth/simple_authenticator.h"
#include "engine/base/check.h"
#include "engine/base/limits.h"
#include "engine/client/timer_id.h"
#include "engine/io/null_effects.h"
#include "engine/node/server_id.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace na::node {
namespace {

using io::NullEffects;

NullEffects null_effects;

}  // namespace

Node::Node(Options options, uint64_t seed)
    : options_(std::move(options)), prng_(seed), sublist_(!options_.disable_sublist_cache) {
  server_id_ = GenerateServerId(prng_);
  server_name_ = options_.server_name.empty() ? server_id_ : options_.server_name;
  authenticator_ = std::make_unique<auth::SimpleAuthenticator>(options_.auth);
  start_wall_ns_ = options_.start_wall_ns;
  effects_ = &null_effects;
  BuildInfoPrefix();
}

void Node::SetClientPort(int port) {
  options_.port = port;
  BuildInfoPrefix();
}

void Node::BuildInfoPrefix() {
  // INFO keys in the reference's order; the per-client tail is added by ClientInfo().
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("server_id");
  w.String(server_id_.c_str(), static_cast<rapidjson::SizeType>(server_id_.size()));
  w.Key("server_name");
  w.String(server_name_.c_str(), static_cast<rapidjson::SizeType>(server_name_.size()));
  w.Key("version");
  w.String(kServerVersion);
  w.Key("proto");
  w.Int(1);
  w.Key("go");
  w.String(kServerBuild);
  w.Key("host");
  w.String(options_.host.c_str(), static_cast<rapidjson::SizeType>(options_.host.size()));
  w.Key("port");
  w.Int(options_.port);
  w.Key("headers");
  w.Bool(!options_.no_header_support);
  // With no_auth_user, clients may connect without credentials, so INFO does not ask for them.
  if (authenticator_->Required() && authenticator_->NoAuthIdentity() == std::nullopt) {
    w.Key("auth_required");
    w.Bool(true);
  }
  w.Key("max_payload");
  w.Int64(options_.max_payload_bytes);
  if (options_.jetstream) {
    w.Key("jetstream");
    w.Bool(true);
  }
  w.EndObject();
  info_prefix_.assign(buffer.GetString(), buffer.GetSize());
  info_prefix_.pop_back();  // drop the closing brace; ClientInfo() continues the object
}

Node::~Node() {
  // Clients hold subscriptions that live in the sublist; drop them before it goes.
  effects_ = &null_effects;
  clients_.clear();
  retired_subs_.clear();
}

std::string Node::ClientInfo(uint64_t cid, absl::string_view client_ip) const {
  // client_ip is an address the runtime produced; it needs no JSON escaping beyond quotes.
  return absl::StrCat("INFO ", info_prefix_, ",\"client_id\":", cid, ",\"client_ip\":\"", client_ip,
                      "\"} \r\n");
}

void Node::Step(const io::Time& now, const io::Input& input, io::Effects& effects) {
  now_ = now;
  effects_ = &effects;
  if (start_wall_ns_ == 0) start_wall_ns_ = now.wall_ns;

  if (const auto* opened = std::get_if<io::ConnOpened>(&input)) {
    OnConnOpened(*opened);
  } else if (const auto* bytes = std::get_if<io::BytesIn>(&input)) {
    if (client::Client* c = Find(bytes->conn)) c->OnBytes(bytes->bytes);
  } else if (const auto* closed = std::get_if<io::ConnClosed>(&input)) {
    if (client::Client* c = Find(closed->conn)) c->OnRemoteClosed(closed->cause);
  } else if (const auto* flushed = std::get_if<io::Flushed>(&input)) {
    if (client::Client* c = Find(flushed->conn)) {
      c->OnFlushed(flushed->bytes_written, flushed->drained);
    }
  } else if (const auto* timer = std::get_if<io::TimerFired>(&input)) {
    const io::ConnId conn = client::TimerConn(timer->timer);
    if (client::Client* c = Find(conn)) c->OnTimer(client::TimerKindOf(timer->timer));
  }

  ReapClosed();
  effects_ = &null_effects;
}

void Node::Shutdown(const io::Time& now, io::Effects& effects) {
  now_ = now;
  effects_ = &effects;
  shutting_down_ = true;
  for (auto& [conn, c] : clients_) {
    c->Close(client::ClosedState::kServerShutdown, io::CloseMode::kFlush);
  }
  ReapClosed();
  effects_ = &null_effects;
}

void Node::EnterLameDuckMode(const io::Time& now, io::Effects& effects) {
  now_ = now;
  effects_ = &effects;
  lame_duck_ = true;
  for (auto& [conn, c] : clients_) {
    if (!c->closed() && c->receives_async_info()) c->SendLameDuckInfo();
  }
  ReapClosed();
  effects_ = &null_effects;
}

std::vector<io::ConnId> Node::ClientConns() const {
  std::vector<io::ConnId> conns;
  conns.reserve(clients_.size());
  for (const auto& [conn, c] : clients_) {
    if (!c->closed()) conns.push_back(conn);
  }
  return conns;
}

void Node::CloseClient(const io::Time& now, io::ConnId conn, io::Effects& effects) {
  now_ = now;
  effects_ = &effects;
  if (client::Client* c = Find(conn)) {
    c->Close(client::ClosedState::kServerShutdown, io::CloseMode::kFlush);
  }
  ReapClosed();
  effects_ = &null_effects;
}

void Node::Reload(Options options, const io::Time& now, io::Effects& effects) {
  now_ = now;
  effects_ = &effects;
  options.port = options_.port;
  options.start_wall_ns = options_.start_wall_ns;
  options_ = std::move(options);
  server_name_ = options_.server_name.empty() ? server_id_ : options_.server_name;
  authenticator_ = std::make_unique<auth::SimpleAuthenticator>(options_.auth);
  BuildInfoPrefix();
  // The reference picks the clients to close in map (random) order; the newest go here.
  const std::vector<io::ConnId> open = ClientConns();
  const size_t max = static_cast<size_t>(options_.max_connections);
  if (options_.max_connections > 0 && open.size() > max) {
    for (size_t i = open.size(); i-- > max;) Find(open[i])->CloseForMaxConnections();
    effects.Log(io::LogLevel::kInfo, absl::StrCat("Closed ", open.size() - max,
                                                  " connections to fall within max_connections"));
  }
  ReapClosed();
  effects_ = &null_effects;
}

void Node::RecheckClientsAfterReload(const io::Time& now, io::Effects& effects) {
  now_ = now;
  effects_ = &effects;
  for (auto& [conn, c] : clients_) c->OnReload();
  ReapClosed();
  effects_ = &null_effects;
}

void Node::OnConnOpened(const io::ConnOpened& in) {
  ++counters_.total_connections;
  client::ClientHost& host = *this;
  auto owned = std::make_unique<client::Client>(host, in.conn, in.info);
  client::Client* c = owned.get();
  const bool over_limit = options_.max_connections > 0 &&
                          clients_.size() >= static_cast<size_t>(options_.max_connections);
  clients_[in.conn] = std::move(owned);
  if (shutting_down_) {
    c->Close(client::ClosedState::kServerShutdown, io::CloseMode::kAbort);
    return;
  }
  if (in.info.kind != io::ConnKind::kClient) {
    // Routes, gateways and leaf nodes arrive in later issues.
    c->Close(client::ClosedState::kWrongPort, io::CloseMode::kAbort);
    return;
  }
  if (over_limit) {
    c->RejectMaxConnections();
    return;
  }
  c->Start();
}

client::Client* Node::Find(io::ConnId conn) {
  auto it = clients_.find(conn);
  if (it == clients_.end() || it->second->closed()) return nullptr;
  return it->second.get();
}

void Node::RetireSubscription(std::unique_ptr<subject::Subscription> sub) {
  sub->owner = nullptr;
  if (delivery_depth_ > 0) {
    retired_subs_.push_back(std::move(sub));
    return;
  }
  // Removal can only fail for a subscription that was never inserted; nothing to undo then.
  sublist_.Remove(sub.get()).IgnoreError();
}

void Node::EndDelivery() {
  NA_CHECK_GT(delivery_depth_, 0);
  if (--delivery_depth_ > 0) return;
  for (auto& sub : retired_subs_) sublist_.Remove(sub.get()).IgnoreError();
  retired_subs_.clear();
}

void Node::OnClientClosed(client::Client* c) {
  closed_this_step_.push_back(c->conn());
  if (closed_ring_.size() >= static_cast<size_t>(limits::kClosedConnectionsKept)) {
    closed_ring_.pop_front();
  }
  closed_ring_.push_back(c->Snapshot());
}

void Node::ReapClosed() {
  for (io::ConnId conn : closed_this_step_) clients_.erase(conn);
  closed_this_step_.clear();
}

void Node::ListConnections(std::vector<ConnSnapshot>* open,
                           std::vector<ConnSnapshot>* closed) const {
  if (open != nullptr) {
    open->clear();
    open->reserve(clients_.size());
    for (const auto& [conn, c] : clients_) {
      if (!c->closed()) open->push_back(c->Snapshot());
    }
  }
  if (closed != nullptr) closed->assign(closed_ring_.begin(), closed_ring_.end());
}

}  // namespace na::node
