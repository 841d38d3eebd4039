#include "tests/interop/nats_c.h"

#include "absl/strings/str_cat.h"

namespace na::interop {

absl::Status FromNats(natsStatus status, absl::string_view what) {
  if (status == NATS_OK) return absl::OkStatus();
  const char* last = nats_GetLastError(nullptr);
  return absl::UnknownError(absl::StrCat(what, ": ", natsStatus_GetText(status), " (", status, ")",
                                         last != nullptr ? absl::StrCat("; ", last) : ""));
}

absl::StatusOr<Options> MakeOptions(const std::string& url) {
  natsOptions* raw = nullptr;
  absl::Status status = FromNats(natsOptions_Create(&raw), "natsOptions_Create");
  if (!status.ok()) return status;
  Options opts(raw);
  status = FromNats(natsOptions_SetURL(raw, url.c_str()), "natsOptions_SetURL");
  if (status.ok()) {
    status = FromNats(natsOptions_SetAllowReconnect(raw, false), "SetAllowReconnect");
  }
  if (status.ok()) status = FromNats(natsOptions_SetTimeout(raw, 3000), "SetTimeout");
  if (!status.ok()) return status;
  return opts;
}

absl::StatusOr<Connection> Connect(natsOptions* opts) {
  natsConnection* nc = nullptr;
  absl::Status status = FromNats(natsConnection_Connect(&nc, opts), "natsConnection_Connect");
  if (!status.ok()) return status;
  return Connection(nc);
}

absl::StatusOr<Connection> Connect(const std::string& url) {
  absl::StatusOr<Options> opts = MakeOptions(url);
  if (!opts.ok()) return opts.status();
  return Connect(opts->get());
}

absl::StatusOr<Subscription> SubscribeSync(natsConnection* nc, const char* subject,
                                           const char* queue) {
  natsSubscription* sub = nullptr;
  natsStatus s = queue == nullptr ? natsConnection_SubscribeSync(&sub, nc, subject)
                                  : natsConnection_QueueSubscribeSync(&sub, nc, subject, queue);
  absl::Status status = FromNats(s, absl::StrCat("subscribe ", subject));
  if (!status.ok()) return status;
  return Subscription(sub);
}

absl::StatusOr<Msg> NextMsg(natsSubscription* sub, int64_t timeout_ms) {
  natsMsg* msg = nullptr;
  absl::Status status = FromNats(natsSubscription_NextMsg(&msg, sub, timeout_ms), "NextMsg");
  if (!status.ok()) return status;
  return Msg(msg);
}

std::string Data(const natsMsg* msg) {
  return std::string(natsMsg_GetData(msg), static_cast<size_t>(natsMsg_GetDataLength(msg)));
}

}  // namespace na::interop
