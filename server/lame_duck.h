// Lame duck mode's schedule, as nats-server 2.9.10's lameDuckMode runs it: the listener is
// closed and eligible clients get INFO {"ldm":true} at once; after the grace period ("Closing
// existing clients") the clients are closed one by one (reason "Server Shutdown"), a random
// pause in [si/2, si) between closes, si = (duration - grace) / clients capped at 1s; then the
// server shuts down. With no clients it shuts down at once.
//
// The schedule runs on a timerfd polled by the runtime's loop (Runtime::Drain keeps turning the
// loop until every connection is gone).
#ifndef NATRIUM_SERVER_LAME_DUCK_H_
#define NATRIUM_SERVER_LAME_DUCK_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/base/random.h"
#include "engine/io/io.h"
#include "engine/node/node.h"
#include "net/runtime/runtime.h"

namespace na::server {

class LameDuck final : public net::PollSource {
 public:
  using LogFn = std::function<void(absl::string_view)>;
  LameDuck(node::Node& node, net::Runtime& runtime, uint64_t seed, LogFn info);
  ~LameDuck() override;

  // Sends the ldm INFO and starts the grace timer. Returns false when there is no client (the
  // server should shut down at once).
  absl::StatusOr<bool> Start(int64_t duration_ns, int64_t grace_ns);

  void OnReady(uint32_t epoll_events) override;

 private:
  void Arm(int64_t delay_ns);
  void CloseNext();

  node::Node& node_;
  net::Runtime& runtime_;
  Prng prng_;
  LogFn info_;
  int timer_fd_ = -1;
  bool closing_ = false;
  std::vector<io::ConnId> conns_;
  size_t next_ = 0;
  int64_t interval_ns_ = 0;
  int64_t batch_ = 1;
};

}  // namespace na::server

#endif  // NATRIUM_SERVER_LAME_DUCK_H_
