#include "server/lame_duck.h"

#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace na::server {

LameDuck::LameDuck(node::Node& node, net::Runtime& runtime, uint64_t seed, LogFn info)
    : node_(node), runtime_(runtime), prng_(seed), info_(std::move(info)) {}

LameDuck::~LameDuck() {
  if (timer_fd_ >= 0) {
    runtime_.RemovePollSource(timer_fd_);
    close(timer_fd_);
  }
}

absl::StatusOr<bool> LameDuck::Start(int64_t duration_ns, int64_t grace_ns) {
  conns_ = node_.ClientConns();
  if (conns_.empty()) return false;
  timer_fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (timer_fd_ < 0) return absl::InternalError(absl::StrCat("timerfd: ", strerror(errno)));
  if (absl::Status s = runtime_.AddPollSource(timer_fd_, EPOLLIN, this); !s.ok()) return s;
  int64_t spread_ns = duration_ns - grace_ns;
  if (spread_ns <= 0) spread_ns = 1'000'000'000;
  const int64_t n = static_cast<int64_t>(conns_.size());
  interval_ns_ = spread_ns / n;
  if (interval_ns_ < 1) {
    interval_ns_ = 1;
    batch_ = n / spread_ns;
  } else if (interval_ns_ > 1'000'000'000) {
    interval_ns_ = 1'000'000'000;  // no need to spread a few clients over minutes
  }
  node_.EnterLameDuckMode(net::Now(), runtime_);
  Arm(grace_ns);
  return true;
}

void LameDuck::Arm(int64_t delay_ns) {
  if (delay_ns <= 0) delay_ns = 1;  // 0 would disarm the timer
  struct itimerspec spec = {};
  spec.it_value.tv_sec = delay_ns / 1'000'000'000;
  spec.it_value.tv_nsec = delay_ns % 1'000'000'000;
  timerfd_settime(timer_fd_, 0, &spec, nullptr);
}

void LameDuck::OnReady(uint32_t) {
  uint64_t expirations = 0;
  if (read(timer_fd_, &expirations, sizeof(expirations)) != sizeof(expirations)) return;
  if (!closing_) {
    closing_ = true;
    info_("Closing existing clients");
  }
  CloseNext();
}

void LameDuck::CloseNext() {
  while (next_ < conns_.size()) {
    const size_t i = next_++;
    node_.CloseClient(net::Now(), conns_[i], runtime_);
    if (next_ == conns_.size()) return;  // Drain ends once the closes have flushed
    if (batch_ <= 1 || static_cast<int64_t>(i) % batch_ == 0) {
      int64_t v = static_cast<int64_t>(prng_.Below(static_cast<uint64_t>(interval_ns_)));
      if (v < interval_ns_ / 2) v = interval_ns_ / 2;
      Arm(v);
      return;
    }
  }
}

}  // namespace na::server
