#include "net/runtime/runtime.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/base/check.h"
#include "net/runtime/listen_socket.h"

namespace na::net {
namespace {

constexpr int kMaxEventsPerTurn = 256;
constexpr int kMaxAcceptsPerTurn = 256;
constexpr int kMaxIovPerWrite = 64;
// After accept() fails for lack of descriptors or memory, stop accepting this long so a
// level-triggered listener does not spin.
constexpr int64_t kAcceptPauseNs = 50'000'000;

int64_t ClockNs(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

void CloseFd(int& fd) {
  if (fd >= 0) {
    ::close(fd);
    fd = -1;
  }
}

void PeerAddress(const sockaddr_storage& addr, std::string* ip, int* port) {
  char text[INET6_ADDRSTRLEN] = {0};
  if (addr.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&addr);
    inet_ntop(AF_INET, &a->sin_addr, text, sizeof(text));
    *port = ntohs(a->sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&addr);
    inet_ntop(AF_INET6, &a->sin6_addr, text, sizeof(text));
    *port = ntohs(a->sin6_port);
  }
  *ip = text;
}

}  // namespace

io::Time Now() { return io::Time{ClockNs(CLOCK_MONOTONIC), ClockNs(CLOCK_REALTIME)}; }

Runtime::Runtime(RuntimeOptions options) : options_(std::move(options)) {}

Runtime::~Runtime() {
  for (auto& [id, conn] : conns_) CloseFd(conn->fd);
  find_cache_.fill(nullptr);
  conn_index_.clear();
  conns_.clear();
  CloseFd(listen_fd_);
  CloseFd(signal_fd_);
  CloseFd(wake_fd_);
  CloseFd(epoll_fd_);
}

absl::Status Runtime::Listen() {
  NA_CHECK_EQ(epoll_fd_, -1);
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) return absl::InternalError(absl::StrCat("epoll_create1: ", ErrnoText(errno)));

  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) return absl::InternalError(absl::StrCat("eventfd: ", ErrnoText(errno)));
  struct epoll_event ev = {};
  ev.events = EPOLLIN;
  ev.data.u64 = kWakeTag;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev);

  if (!options_.signals.empty()) {
    sigset_t set;
    sigemptyset(&set);
    for (int sig : options_.signals) sigaddset(&set, sig);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    signal_fd_ = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (signal_fd_ < 0) return absl::InternalError(absl::StrCat("signalfd: ", ErrnoText(errno)));
    ev.events = EPOLLIN;
    ev.data.u64 = kSignalTag;
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, signal_fd_, &ev);
  }

  absl::StatusOr<BoundSocket> bound =
      ListenTcp(options_.host, options_.port, options_.listen_backlog);
  if (!bound.ok()) return bound.status();
  listen_fd_ = bound->fd;
  bound_port_ = bound->port;

  ev.events = EPOLLIN;
  ev.data.u64 = kListenerTag;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &ev);
  return absl::OkStatus();
}

absl::Status Runtime::AddPollSource(int fd, uint32_t epoll_events, PollSource* source) {
  NA_CHECK_GE(epoll_fd_, 0);
  struct epoll_event ev = {};
  ev.events = epoll_events;
  ev.data.u64 = kPollSourceTagBase | static_cast<uint64_t>(fd);
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
    return absl::InternalError(absl::StrCat("epoll_ctl add: ", ErrnoText(errno)));
  }
  poll_sources_[fd] = source;
  return absl::OkStatus();
}

void Runtime::RemovePollSource(int fd) {
  if (poll_sources_.erase(fd) > 0) epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
}

void Runtime::Stop() {
  stop_requested_.store(true);
  if (wake_fd_ >= 0) {
    uint64_t one = 1;
    ssize_t ignored = write(wake_fd_, &one, sizeof(one));
    (void)ignored;
  }
}

void Runtime::Step(const io::Input& input) { engine_->Step(Now(), input, *this); }

Runtime::Conn* Runtime::Find(io::ConnId id) {
  Conn*& slot = find_cache_[id % kFindCacheSlots];
  if (slot != nullptr && slot->id == id) return slot;
  auto it = conn_index_.find(id);
  if (it == conn_index_.end()) return nullptr;
  slot = it->second;
  return slot;
}

void Runtime::Forget(io::ConnId id) {
  Conn*& slot = find_cache_[id % kFindCacheSlots];
  if (slot != nullptr && slot->id == id) slot = nullptr;
  conn_index_.erase(id);
  conns_.erase(id);
}

void Runtime::RuntimeLog(io::LogLevel level, absl::string_view message) {
  if (log_sink_) log_sink_(level, message);
}

RunResult Runtime::Run() {
  NA_CHECK(engine_ != nullptr);
  NA_CHECK_GE(epoll_fd_, 0);
  while (!stop_requested_.load()) {
    if (!Turn()) break;
  }
  return RunResult{caught_signal_};
}

void Runtime::Drain(int64_t timeout_ns) {
  NA_CHECK(engine_ != nullptr);
  CloseListener();
  stop_requested_.store(false);
  const int64_t deadline = ClockNs(CLOCK_MONOTONIC) + timeout_ns;
  while (!conns_.empty() && ClockNs(CLOCK_MONOTONIC) < deadline && !stop_requested_.load()) {
    if (!Turn(deadline)) break;
  }
}

void Runtime::CloseListener() {
  if (listen_fd_ < 0) return;
  if (!listener_paused_) epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
  listener_paused_ = false;
  CloseFd(listen_fd_);
}

bool Runtime::Turn(int64_t wake_by_mono_ns) {
  struct epoll_event events[kMaxEventsPerTurn];
  int timeout_ms = ComputeTimeoutMs();
  if (wake_by_mono_ns > 0) {
    const int64_t left_ns = wake_by_mono_ns - ClockNs(CLOCK_MONOTONIC);
    const int cap_ms = static_cast<int>(std::max<int64_t>(0, (left_ns + 999'999) / 1'000'000));
    if (timeout_ms < 0 || timeout_ms > cap_ms) timeout_ms = cap_ms;
  }
  if (timeout_ms != 0 && options_.busy_poll_ns > 0 &&
      ClockNs(CLOCK_MONOTONIC) - last_io_mono_ns_ < options_.busy_poll_ns) {
    timeout_ms = 0;
  }
  const int n = epoll_wait(epoll_fd_, events, kMaxEventsPerTurn, timeout_ms);
  if (n > 0 && options_.busy_poll_ns > 0) last_io_mono_ns_ = ClockNs(CLOCK_MONOTONIC);
  if (n < 0 && errno != EINTR) {
    RuntimeLog(io::LogLevel::kError, absl::StrCat("epoll_wait: ", ErrnoText(errno)));
    return false;
  }
  for (int i = 0; i < n; ++i) {
    const uint64_t tag = events[i].data.u64;
    const uint32_t ready = events[i].events;
    if (tag == kListenerTag) {
      AcceptAll();
    } else if (tag == kSignalTag) {
      if (HandleSignals()) stop_requested_.store(true);
    } else if (tag == kWakeTag) {
      uint64_t value;
      ssize_t ignored = read(wake_fd_, &value, sizeof(value));
      (void)ignored;
    } else if (tag & kPollSourceTagBase) {
      auto it = poll_sources_.find(static_cast<int>(tag & ~kPollSourceTagBase));
      if (it != poll_sources_.end()) it->second->OnReady(ready);
    } else {
      Conn* conn = Find(tag);
      if (conn == nullptr || conn->state == ConnState::kDead) continue;
      // A pause asked for earlier in this turn holds back events epoll already returned; a
      // hang-up or error still ends the connection, as the read would find it.
      if (conn->state == ConnState::kOpen && (ready & (EPOLLIN | EPOLLHUP | EPOLLERR)) &&
          (conn->read_paused_until_mono_ns == 0 || (ready & (EPOLLHUP | EPOLLERR)))) {
        ReadFrom(*conn);
      }
      if (conn->state != ConnState::kDead && (ready & (EPOLLOUT | EPOLLHUP | EPOLLERR))) {
        FlushConn(*conn);
      }
    }
  }
  const io::Time now = Now();
  for (const TimerHeap::Due& due : timers_.PopDue(now.mono_ns)) {
    if (timers_.Claim(due)) Step(io::TimerFired{due.id});
  }
  std::vector<PollSource*> sources;
  for (auto& [fd, source] : poll_sources_) sources.push_back(source);
  for (PollSource* source : sources) source->OnTurn();
  CheckClosingDeadlines(now.mono_ns);
  CheckPauseDeadlines(now.mono_ns);
  ShrinkIdleBuffers(now.mono_ns);
  if (listener_paused_ && listen_fd_ >= 0 && now.mono_ns >= listener_resume_mono_ns_) {
    listener_paused_ = false;
    struct epoll_event ev = {};
    ev.events = EPOLLIN;
    ev.data.u64 = kListenerTag;
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &ev);
  }
  FlushDirty();
  ReapDead();
  return true;
}

int Runtime::ComputeTimeoutMs() {
  if (!dirty_.empty() || !dead_.empty() || stop_requested_.load()) return 0;
  const int64_t now_ns = ClockNs(CLOCK_MONOTONIC);
  int64_t wait_ns = -1;
  auto consider = [&wait_ns](int64_t ns) {
    if (ns < 0) ns = 0;
    if (wait_ns < 0 || ns < wait_ns) wait_ns = ns;
  };
  if (auto deadline = timers_.NextDeadline()) consider(*deadline - now_ns);
  for (io::ConnId id : closing_) {
    if (Conn* conn = Find(id)) consider(conn->close_deadline_mono_ns - now_ns);
  }
  if (listener_paused_) consider(listener_resume_mono_ns_ - now_ns);
  for (io::ConnId id : paused_) {
    Conn* conn = Find(id);
    if (conn != nullptr && conn->read_paused_until_mono_ns > 0) {
      consider(conn->read_paused_until_mono_ns - now_ns);
    }
  }
  if (grown_buffers_ > 0) consider(std::max(next_idle_sweep_mono_ns_, now_ns + 1'000'000) - now_ns);
  for (auto& [fd, source] : poll_sources_) {
    const int64_t ns = source->MaxWaitNs();
    if (ns >= 0) consider(ns);
  }
  if (wait_ns < 0) return -1;
  // Round up: waking a little early would only spin until the deadline.
  const int64_t ms = (wait_ns + 999'999) / 1'000'000;
  return static_cast<int>(std::min<int64_t>(ms, 60'000));
}

bool Runtime::HandleSignals() {
  bool stop = false;
  struct signalfd_siginfo info;
  while (read(signal_fd_, &info, sizeof(info)) == static_cast<ssize_t>(sizeof(info))) {
    const int signo = static_cast<int>(info.ssi_signo);
    const bool stop_now = signal_handler_ ? signal_handler_(signo) : true;
    if (stop_now && !stop) {
      stop = true;
      caught_signal_ = signo;
    }
  }
  return stop;
}

void Runtime::AcceptAll() {
  for (int i = 0; i < kMaxAcceptsPerTurn; ++i) {
    sockaddr_storage addr = {};
    socklen_t len = sizeof(addr);
    const int fd =
        accept4(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      const int err = errno;
      if (err == EAGAIN || err == EWOULDBLOCK) return;
      if (err == EINTR || err == ECONNABORTED) continue;
      RuntimeLog(io::LogLevel::kError,
                 absl::StrCat("Error accepting client connection: ", ErrnoText(err)));
      if (err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM) {
        epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
        listener_paused_ = true;
        listener_resume_mono_ns_ = ClockNs(CLOCK_MONOTONIC) + kAcceptPauseNs;
      }
      return;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));

    auto conn = std::make_unique<Conn>(&chunk_pool_);
    conn->id = next_conn_id_++;
    conn->fd = fd;
    conn->read_buffer.reset(new char[options_.read_buffer_min_bytes]);
    conn->read_buffer_size = options_.read_buffer_min_bytes;
    read_buffer_total_bytes_ += conn->read_buffer_size;
    struct epoll_event ev = {};
    ev.events = EPOLLIN;
    ev.data.u64 = conn->id;
    conn->events = EPOLLIN;
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
      RuntimeLog(io::LogLevel::kError, absl::StrCat("epoll_ctl add: ", ErrnoText(errno)));
      ::close(fd);
      continue;
    }
    io::ConnOpened opened;
    opened.conn = conn->id;
    opened.info.kind = io::ConnKind::kClient;
    PeerAddress(addr, &opened.info.remote_ip, &opened.info.remote_port);
    conn_index_.emplace(conn->id, conn.get());
    conns_.emplace(conn->id, std::move(conn));
    Step(opened);
  }
}

void Runtime::ReadFrom(Conn& conn) {
  const ssize_t n = read(conn.fd, conn.read_buffer.get(), conn.read_buffer_size);
  if (n == 0) {
    PeerGone(conn, io::CloseCause::kEof);
    return;
  }
  if (n < 0) {
    const int err = errno;
    if (err == EAGAIN || err == EWOULDBLOCK || err == EINTR) return;
    PeerGone(conn, io::CloseCause::kReset);
    return;
  }
  Step(io::BytesIn{conn.id, absl::string_view(conn.read_buffer.get(), static_cast<size_t>(n))});
  // Resize only after Step: the view handed to the engine points into the buffer.
  conn.last_read_mono_ns = ClockNs(CLOCK_MONOTONIC);
  const size_t size = conn.read_buffer_size;
  size_t next = size;
  if (static_cast<size_t>(n) == size && size < options_.read_buffer_max_bytes) {
    next = std::min(size * 2, options_.read_buffer_max_bytes);
    if (next > options_.read_buffer_free_max_bytes &&
        read_buffer_total_bytes_ + (next - size) > options_.read_buffer_budget_bytes) {
      next = std::max(size, std::min(next, options_.read_buffer_free_max_bytes));
    }
    conn.small_reads = 0;
  } else if (static_cast<size_t>(n) < size / 2 && size > options_.read_buffer_min_bytes) {
    if (++conn.small_reads >= kSmallReadsToShrink) {
      next = std::max(size / 2, options_.read_buffer_min_bytes);
      conn.small_reads = 0;
    }
  } else {
    conn.small_reads = 0;
  }
  if (next != size) ResizeReadBuffer(conn, next);
}

void Runtime::ResizeReadBuffer(Conn& conn, size_t bytes) {
  const bool was_grown = conn.read_buffer_size > options_.read_buffer_min_bytes;
  // The old contents were handed to the engine already; nothing is carried over.
  conn.read_buffer.reset(new char[bytes]);
  read_buffer_total_bytes_ += bytes;
  read_buffer_total_bytes_ -= conn.read_buffer_size;
  conn.read_buffer_size = bytes;
  const bool is_grown = bytes > options_.read_buffer_min_bytes;
  if (is_grown && !was_grown) ++grown_buffers_;
  if (!is_grown && was_grown) --grown_buffers_;
}

void Runtime::ShrinkIdleBuffers(int64_t now_mono_ns) {
  if (grown_buffers_ == 0 || now_mono_ns < next_idle_sweep_mono_ns_) return;
  next_idle_sweep_mono_ns_ = now_mono_ns + options_.read_buffer_idle_ns / 2;
  for (auto& [id, conn] : conns_) {
    if (conn->read_buffer_size > options_.read_buffer_min_bytes &&
        now_mono_ns - conn->last_read_mono_ns >= options_.read_buffer_idle_ns) {
      ResizeReadBuffer(*conn, options_.read_buffer_min_bytes);
    }
  }
}

size_t Runtime::read_buffer_bytes(io::ConnId id) const {
  auto it = conns_.find(id);
  return it == conns_.end() ? 0 : it->second->read_buffer_size;
}

bool Runtime::FlushConn(Conn& conn) {
  uint64_t written = 0;
  while (!conn.out.empty()) {
    struct iovec iov[kMaxIovPerWrite];
    struct msghdr msg = {};
    msg.msg_iov = iov;
    msg.msg_iovlen = static_cast<size_t>(conn.out.Gather(iov, kMaxIovPerWrite));
    size_t asked = 0;
    for (size_t i = 0; i < msg.msg_iovlen; ++i) asked += iov[i].iov_len;
    // sendmsg is writev with MSG_NOSIGNAL: a peer that vanished gives EPIPE, not SIGPIPE.
    const ssize_t n = sendmsg(conn.fd, &msg, MSG_NOSIGNAL);
    if (n < 0) {
      const int err = errno;
      if (err == EINTR) continue;
      if (err == EAGAIN || err == EWOULDBLOCK) break;
      PeerGone(conn, io::CloseCause::kReset);
      return false;
    }
    conn.out.Consume(static_cast<size_t>(n));
    written += static_cast<uint64_t>(n);
    if (static_cast<size_t>(n) < asked) break;  // the socket buffer is full
  }
  const bool drained = conn.out.empty();
  if (conn.state == ConnState::kClosingFlush && drained) {
    conn.state = ConnState::kDead;
    dead_.push_back(conn.id);
    return true;
  }
  UpdateInterest(conn);
  // A stall is reported even when nothing was written (the socket was already full), once per
  // stall: the engine's write deadline starts from that report.
  const bool report_stall = !drained && !conn.stall_reported;
  if (conn.state == ConnState::kOpen && (written > 0 || report_stall)) {
    conn.stall_reported = !drained;
    Step(io::Flushed{conn.id, written, drained});
  }
  return true;
}

void Runtime::FlushDirty() {
  std::vector<io::ConnId> batch;
  batch.swap(dirty_);
  for (io::ConnId id : batch) {
    Conn* conn = Find(id);
    if (conn == nullptr) continue;
    conn->dirty = false;
    if (conn->state == ConnState::kDead) continue;
    FlushConn(*conn);
  }
}

void Runtime::UpdateInterest(Conn& conn) {
  if (conn.state == ConnState::kDead) return;
  uint32_t want = 0;
  if (conn.state == ConnState::kOpen && conn.read_paused_until_mono_ns == 0) want |= EPOLLIN;
  if (!conn.out.empty()) want |= EPOLLOUT;
  if (want == conn.events) return;
  struct epoll_event ev = {};
  ev.events = want;
  ev.data.u64 = conn.id;
  epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, conn.fd, &ev);
  conn.events = want;
}

void Runtime::PeerGone(Conn& conn, io::CloseCause cause) {
  const bool tell_engine = conn.state == ConnState::kOpen;
  conn.state = ConnState::kDead;
  conn.out.Clear();
  dead_.push_back(conn.id);
  if (tell_engine) Step(io::ConnClosed{conn.id, cause});
}

void Runtime::CheckClosingDeadlines(int64_t now_mono_ns) {
  std::vector<io::ConnId> still;
  for (io::ConnId id : closing_) {
    Conn* conn = Find(id);
    if (conn == nullptr || conn->state != ConnState::kClosingFlush) continue;
    if (now_mono_ns >= conn->close_deadline_mono_ns) {
      conn->state = ConnState::kDead;
      conn->out.Clear();
      dead_.push_back(id);
    } else {
      still.push_back(id);
    }
  }
  closing_.swap(still);
}

void Runtime::ReapDead() {
  for (io::ConnId id : dead_) {
    auto it = conns_.find(id);
    if (it == conns_.end()) continue;
    CloseFd(it->second->fd);  // closing the fd also removes it from the epoll set
    if (it->second->read_buffer_size > options_.read_buffer_min_bytes) --grown_buffers_;
    read_buffer_total_bytes_ -= it->second->read_buffer_size;
    Forget(id);
  }
  dead_.clear();
}

void Runtime::Shutdown() {
  CloseListener();
  std::vector<io::ConnId> ids;
  for (auto& [id, conn] : conns_) ids.push_back(id);
  for (io::ConnId id : ids) {
    Conn* conn = Find(id);
    if (conn == nullptr) continue;
    if (conn->state == ConnState::kOpen) {
      conn->state = ConnState::kClosingFlush;  // so the engine's last words are not reported
      Step(io::ConnClosed{id, io::CloseCause::kShutdown});
    }
    if (conn->state != ConnState::kDead) {
      // One attempt, without waiting: shutdown must not hang on a peer that stopped reading.
      struct iovec iov[kMaxIovPerWrite];
      struct msghdr msg = {};
      msg.msg_iov = iov;
      msg.msg_iovlen = static_cast<size_t>(conn->out.Gather(iov, kMaxIovPerWrite));
      if (msg.msg_iovlen > 0) {
        ssize_t ignored = sendmsg(conn->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
        (void)ignored;
      }
    }
    CloseFd(conn->fd);
  }
  find_cache_.fill(nullptr);
  conn_index_.clear();
  conns_.clear();
  grown_buffers_ = 0;
  read_buffer_total_bytes_ = 0;
  dirty_.clear();
  dead_.clear();
  closing_.clear();
  paused_.clear();
}

void Runtime::Send(io::ConnId id, absl::string_view bytes) {
  Conn* conn = Find(id);
  // A send after Close (or after the peer went away) is dropped: the engine has been told, or
  // is being told, that the connection is gone.
  if (conn == nullptr || conn->state != ConnState::kOpen) return;
  conn->out.Append(bytes);
  if (!conn->dirty) {
    conn->dirty = true;
    dirty_.push_back(id);
  }
}

void Runtime::Close(io::ConnId id, io::CloseMode mode) {
  Conn* conn = Find(id);
  if (conn == nullptr || conn->state != ConnState::kOpen) return;
  if (mode == io::CloseMode::kAbort || conn->out.empty()) {
    conn->state = ConnState::kDead;
    conn->out.Clear();
    dead_.push_back(id);
    return;
  }
  conn->state = ConnState::kClosingFlush;
  conn->close_deadline_mono_ns = ClockNs(CLOCK_MONOTONIC) + options_.close_flush_timeout_ns;
  closing_.push_back(id);
  UpdateInterest(*conn);
  if (!conn->dirty) {
    conn->dirty = true;
    dirty_.push_back(id);
  }
}

void Runtime::ArmTimer(io::TimerId id, int64_t deadline_mono_ns) {
  timers_.Arm(id, deadline_mono_ns);
}

void Runtime::CancelTimer(io::TimerId id) { timers_.Cancel(id); }

void Runtime::PauseReading(io::ConnId id, int64_t deadline_mono_ns) {
  Conn* conn = Find(id);
  if (conn == nullptr || conn->state != ConnState::kOpen) return;
  if (conn->read_paused_until_mono_ns == 0) paused_.push_back(id);
  // Never 0 (that means reading); a past deadline resumes at the end of the turn.
  SetReadPaused(*conn, std::max<int64_t>(deadline_mono_ns, 1));
}

void Runtime::ResumeReading(io::ConnId id) {
  Conn* conn = Find(id);
  if (conn == nullptr || conn->read_paused_until_mono_ns == 0) return;
  SetReadPaused(*conn, 0);
}

void Runtime::SetReadPaused(Conn& conn, int64_t until_mono_ns) {
  conn.read_paused_until_mono_ns = until_mono_ns;
  UpdateInterest(conn);
}

void Runtime::CheckPauseDeadlines(int64_t now_mono_ns) {
  if (paused_.empty()) return;
  size_t kept = 0;
  for (io::ConnId id : paused_) {
    Conn* conn = Find(id);
    if (conn == nullptr || conn->read_paused_until_mono_ns == 0) continue;
    if (conn->read_paused_until_mono_ns <= now_mono_ns) {
      SetReadPaused(*conn, 0);
      continue;
    }
    paused_[kept++] = id;
  }
  paused_.resize(kept);
}

void Runtime::Log(io::LogLevel level, absl::string_view message) { RuntimeLog(level, message); }

}  // namespace na::net
