// natrium-bench: a load generator for NATS servers (natrium-server or nats-server).
//
// Each scenario checks what it measures: every published message carries (publisher, sequence)
// in its first 12 bytes when the size allows, and each receiver reports losses, duplicates and
// reordering instead of hiding them. Publishers are paced by a window over what the slowest
// receiver has seen, so a fast publisher never turns a benchmark into a slow-consumer test.
#include <poll.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "tools/bench/bench_conn.h"
#include "tools/bench/histogram.h"

namespace na::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct Config {
  std::string host = "127.0.0.1";
  int port = 4222;
  std::string scenario = "pubsub";
  int64_t msgs = 1'000'000;
  int size = 16;
  int pubs = 1;
  int subs = 1;
  int subjects = 10000;
  int conns = 10000;
  int64_t warmup = 1000;  // unrecorded round trips before reqrep measures
  bool block = false;     // reqrep: sleep in poll() instead of busy-polling
  int server_pid = 0;
  bool json = false;
  std::string label;
};

struct Result {
  double elapsed_s = 0;
  int64_t sent = 0;
  int64_t received = 0;
  int64_t expected = 0;
  int64_t lost = 0;
  int64_t duplicated = 0;
  int64_t reordered = 0;
  int64_t errors = 0;  // -ERR lines from the server
  Histogram latency;
  // CPU used while measuring: by the server process (all threads, from /proc) and by this one.
  // They tell which side bounded a figure: the one near 1 CPU-second per second.
  double server_cpu_s = -1;
  double bench_cpu_s = 0;
  int64_t rss_before_bytes = 0;
  int64_t rss_after_bytes = 0;
};

int64_t RssBytes(int pid) {
  if (pid <= 0) return 0;
  std::ifstream f(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      int64_t kb = 0;
      std::string digits;
      for (char c : line) {
        if (c >= '0' && c <= '9') digits.push_back(c);
      }
      if (absl::SimpleAtoi(digits, &kb)) return kb * 1024;
    }
  }
  return 0;
}

// utime + stime of every thread of `pid`, dead ones included (/proc/pid/stat fields 14, 15).
double ProcessCpuSeconds(int pid) {
  if (pid <= 0) return -1;
  std::ifstream f(absl::StrCat("/proc/", pid, "/stat"));
  std::string stat((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const size_t paren = stat.rfind(')');
  if (paren == std::string::npos) return -1;
  std::vector<absl::string_view> fields =
      absl::StrSplit(absl::string_view(stat).substr(paren + 2), ' ');
  // fields[0] is field 3 (state), so utime (14) and stime (15) are fields[11] and fields[12].
  int64_t utime = 0, stime = 0;
  if (fields.size() < 13 || !absl::SimpleAtoi(fields[11], &utime) ||
      !absl::SimpleAtoi(fields[12], &stime)) {
    return -1;
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double SelfCpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto secs = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6; };
  return secs(ru.ru_utime) + secs(ru.ru_stime);
}

struct CpuMark {
  double server_s = -1;
  double self_s = 0;
};

CpuMark MarkCpu(const Config& cfg) { return {ProcessCpuSeconds(cfg.server_pid), SelfCpuSeconds()}; }

void ReadCpu(const Config& cfg, const CpuMark& before, Result* r) {
  const double server = ProcessCpuSeconds(cfg.server_pid);
  if (server >= 0 && before.server_s >= 0) r->server_cpu_s = server - before.server_s;
  r->bench_cpu_s = SelfCpuSeconds() - before.self_s;
}

void Die(const absl::Status& st, const char* what) {
  if (st.ok()) return;
  std::fprintf(stderr, "natrium-bench: %s: %s\n", what, std::string(st.message()).c_str());
  std::exit(2);
}

// Tracks, per publisher, the next sequence a receiver expects. A plain subscriber must see every
// sequence once, in order: a gap is loss, an old sequence a duplicate. Members of a queue group
// share a `seen` bitmap instead (each message must reach exactly one member) and each member must
// still see its share in publish order.
class SeqTracker {
 public:
  // `seen`, when set, is shared by the group and sized pubs * per_pub.
  SeqTracker(int pubs, std::vector<uint8_t>* seen = nullptr, int64_t per_pub = 0)
      : next_(static_cast<size_t>(pubs), 0), seen_(seen), per_pub_(per_pub) {}
  void Saw(absl::string_view payload, Result* r) {
    ++count_;
    if (payload.size() < 12) return;
    uint32_t pub;
    uint64_t seq;
    std::memcpy(&pub, payload.data(), 4);
    std::memcpy(&seq, payload.data() + 4, 8);
    if (pub >= next_.size()) return;
    uint64_t& next = next_[pub];
    if (seen_ != nullptr) {
      if (seq >= static_cast<uint64_t>(per_pub_)) {
        ++r->duplicated;  // a sequence nobody sent
        return;
      }
      uint8_t& bit = (*seen_)[pub * static_cast<uint64_t>(per_pub_) + seq];
      if (bit != 0) ++r->duplicated;
      bit = 1;
      if (seq + 1 < next) ++r->reordered;
      next = seq + 1;
      return;
    }
    if (seq == next) {
      ++next;
    } else if (seq > next) {
      r->lost += static_cast<int64_t>(seq - next);
      next = seq + 1;
    } else {
      ++r->duplicated;  // an old sequence again: duplicate or reorder
    }
  }
  int64_t count() const { return count_; }

 private:
  std::vector<uint64_t> next_;
  std::vector<uint8_t>* seen_;
  int64_t per_pub_;
  int64_t count_ = 0;
};

std::string Payload(int size, uint32_t pub, uint64_t seq) {
  std::string p(static_cast<size_t>(size), 'x');
  if (size >= 12) {
    std::memcpy(p.data(), &pub, 4);
    std::memcpy(p.data() + 4, &seq, 8);
  }
  return p;
}

// A batch of `count` PUB lines for one publisher, built once; each send patches the sequence
// numbers in place, so publishing costs the generator a memcpy per message and one send per
// batch.
class PubBatch {
 public:
  PubBatch(const Config& cfg, uint32_t pub, const std::string& subject, int64_t count) {
    const std::string header = absl::StrCat("PUB ", subject, " ", cfg.size, "\r\n");
    msg_bytes_ = header.size() + static_cast<size_t>(cfg.size) + 2;
    tagged_ = cfg.size >= 12;
    for (int64_t i = 0; i < count; ++i) {
      bytes_ += header;
      if (tagged_) seq_offsets_.push_back(bytes_.size() + 4);
      bytes_ += Payload(cfg.size, pub, 0);
      bytes_ += "\r\n";
    }
  }
  // The first `count` messages, numbered from `first_seq`.
  absl::string_view Take(uint64_t first_seq, int64_t count) {
    if (tagged_) {
      for (int64_t i = 0; i < count; ++i) {
        const uint64_t seq = first_seq + static_cast<uint64_t>(i);
        std::memcpy(bytes_.data() + seq_offsets_[static_cast<size_t>(i)], &seq, 8);
      }
    }
    return absl::string_view(bytes_.data(), msg_bytes_ * static_cast<size_t>(count));
  }
  size_t msg_bytes() const { return msg_bytes_; }

 private:
  std::string bytes_;
  std::vector<size_t> seq_offsets_;
  size_t msg_bytes_ = 0;
  bool tagged_ = false;
};

// How many messages a publisher may be ahead of the slowest receiver: enough to keep every
// socket buffer on the path full (so pacing never idles the server), little enough that the
// server's pending bytes per subscriber stay far below its slow-consumer limit (64 MiB).
int64_t PacingWindow(const Config& cfg) {
  return std::max<int64_t>(2000, (8 << 20) / (cfg.size + 48));
}

// Publishes `count` messages on `subject` from publisher `pub` in batches of about 64 KiB,
// keeping what all publishers have sent together at most `window` messages ahead of *progress
// (what the slowest receiver has seen; null: no receivers).
void Publish(const Config& cfg, BenchConn* conn, uint32_t pub, const std::string& subject,
             int64_t count, const std::atomic<int64_t>* progress, int64_t window,
             std::atomic<int64_t>* published) {
  const int64_t per_batch = std::max<int64_t>(
      1, std::min<int64_t>(count, (64 << 10) / static_cast<int64_t>(cfg.size + 32)));
  PubBatch batch(cfg, pub, subject, per_batch);
  for (int64_t seq = 0; seq < count;) {
    const int64_t n = std::min(per_batch, count - seq);
    Die(conn->WriteAll(batch.Take(static_cast<uint64_t>(seq), n)), "publish");
    seq += n;
    const int64_t done = published->fetch_add(n) + n;
    if (progress != nullptr) {
      // Sleep, not spin: a spinning publisher would take the generator's core from the
      // receivers it is waiting for, and inflate the generator's CPU figure.
      while (done - progress->load(std::memory_order_relaxed) > window) {
        std::this_thread::sleep_for(std::chrono::microseconds(20));
      }
    }
  }
  Die(conn->Flush(), "publisher flush");
}

// Reads every receiver connection from one thread (poll), so that N receivers cost the
// generator one thread's worth of wake-ups rather than N threads contending for its core.
// Plain receivers each expect `total`; a queue group (queue=true) expects `total` between them.
// Stops when that arrived, or when nothing arrived for `stall`, or at `deadline`.
void ReceiveAll(const std::vector<std::unique_ptr<BenchConn>>& conns,
                std::vector<SeqTracker>* trackers, std::vector<Result>* results, int64_t total,
                bool queue, std::atomic<int64_t>* progress, Clock::time_point deadline,
                Clock::duration stall) {
  std::vector<pollfd> fds(conns.size());
  for (size_t i = 0; i < conns.size(); ++i) fds[i] = pollfd{conns[i]->fd(), POLLIN, 0};
  auto last_progress = Clock::now();
  for (;;) {
    int64_t slowest = INT64_MAX;
    int64_t sum = 0;
    for (const SeqTracker& t : *trackers) {
      slowest = std::min(slowest, t.count());
      sum += t.count();
    }
    const int64_t seen = queue ? sum : slowest;
    if (seen != progress->load(std::memory_order_relaxed)) {
      progress->store(seen, std::memory_order_relaxed);
      last_progress = Clock::now();
    }
    if (seen >= total) return;
    const auto now = Clock::now();
    if (now >= deadline || now - last_progress >= stall) return;
    const int ready = poll(fds.data(), fds.size(), 100);
    if (ready < 0 && errno != EINTR) return;
    for (size_t i = 0; i < fds.size() && ready > 0; ++i) {
      if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      auto n = conns[i]->ReadSome();
      if (!n.ok() || *n == 0) return;  // a closed receiver shows up as lost messages
      SeqTracker& tracker = (*trackers)[i];
      Result& r = (*results)[i];
      conns[i]->Drain([&](absl::string_view, absl::string_view, absl::string_view payload) {
        tracker.Saw(payload, &r);
      });
    }
  }
}

std::unique_ptr<BenchConn> Dial(const Config& cfg, const std::string& name) {
  auto c = std::make_unique<BenchConn>();
  Die(c->Connect(cfg.host, cfg.port, name), "connect");
  return c;
}

// pub-only, pubsub (1:1), fanout (1:N), fanin (N:1) and queue (1 to a group of K).
Result RunFlow(const Config& cfg) {
  Result r;
  const bool queue = cfg.scenario == "queue";
  int pubs = cfg.scenario == "fanin" ? cfg.pubs : (cfg.scenario == "pub" ? cfg.pubs : 1);
  int subs = 0;
  if (cfg.scenario == "pubsub") subs = 1;
  if (cfg.scenario == "fanout" || cfg.scenario == "queue") subs = cfg.subs;
  if (cfg.scenario == "fanin") subs = 1;
  const std::string subject = "bench.flow";
  std::vector<std::unique_ptr<BenchConn>> sub_conns;
  for (int i = 0; i < subs; ++i) {
    sub_conns.push_back(Dial(cfg, absl::StrCat("sub", i)));
    std::string sub = queue ? absl::StrCat("SUB ", subject, " q ", i + 1, "\r\n")
                            : absl::StrCat("SUB ", subject, " ", i + 1, "\r\n");
    Die(sub_conns.back()->WriteAll(sub), "subscribe");
    Die(sub_conns.back()->Flush(), "subscribe flush");
  }
  std::vector<std::unique_ptr<BenchConn>> pub_conns;
  for (int i = 0; i < pubs; ++i) pub_conns.push_back(Dial(cfg, absl::StrCat("pub", i)));

  const int64_t per_pub = cfg.msgs / pubs;
  const int64_t total = per_pub * pubs;
  r.sent = total;
  r.expected = subs == 0 ? 0 : (queue ? total : total * subs);

  std::atomic<int64_t> progress{0};
  std::atomic<int64_t> published{0};
  std::vector<uint8_t> group_seen(queue && cfg.size >= 12 ? static_cast<size_t>(total) : 0);
  std::vector<SeqTracker> trackers;
  for (int i = 0; i < subs; ++i) {
    trackers.emplace_back(pubs, queue && cfg.size >= 12 ? &group_seen : nullptr, per_pub);
  }
  std::vector<Result> sub_results(static_cast<size_t>(subs));

  const CpuMark before = MarkCpu(cfg);
  const auto start = Clock::now();
  std::thread receiver;
  if (subs > 0) {
    receiver = std::thread([&] {
      ReceiveAll(sub_conns, &trackers, &sub_results, total, queue, &progress,
                 start + std::chrono::seconds(300), std::chrono::seconds(10));
    });
  }
  std::vector<std::thread> pub_threads;
  for (int i = 0; i < pubs; ++i) {
    pub_threads.emplace_back([&, i] {
      Publish(cfg, pub_conns[static_cast<size_t>(i)].get(), static_cast<uint32_t>(i), subject,
              per_pub, subs > 0 ? &progress : nullptr, PacingWindow(cfg), &published);
    });
  }
  for (auto& t : pub_threads) t.join();
  if (receiver.joinable()) receiver.join();
  const auto end = Clock::now();
  ReadCpu(cfg, before, &r);
  r.elapsed_s = std::chrono::duration<double>(end - start).count();
  for (int i = 0; i < subs; ++i) {
    r.received += trackers[static_cast<size_t>(i)].count();
    r.duplicated += sub_results[static_cast<size_t>(i)].duplicated;
    r.reordered += sub_results[static_cast<size_t>(i)].reordered;
    r.lost += sub_results[static_cast<size_t>(i)].lost;
  }
  for (const auto& c : sub_conns) r.errors += c->errors();
  for (const auto& c : pub_conns) r.errors += c->errors();
  // Gaps are counted as they are seen; whatever never arrived at all is lost too.
  r.lost = std::max(r.lost, r.expected - (r.received - r.duplicated));
  return r;
}

// Round trips from one thread: the requester and the responder are two connections polled by the
// same thread, so the generator adds no thread hand-off (and no scheduler latency between its
// own threads) to what is measured. The thread busy-polls (unless --block): on a VM a halted
// vCPU can take milliseconds to wake, which would put the generator's own wake-ups, not the
// server, into p99. The first `warmup` round trips are not recorded.
Result RunRequestReply(const Config& cfg) {
  Result r;
  auto responder = Dial(cfg, "responder");
  auto requester = Dial(cfg, "requester");
  Die(responder->WriteAll("SUB bench.req 1\r\n"), "responder sub");
  Die(responder->Flush(), "responder flush");
  Die(requester->WriteAll("SUB bench.inbox 1\r\n"), "requester sub");
  Die(requester->Flush(), "requester flush");
  const std::string req =
      absl::StrCat("PUB bench.req bench.inbox ", cfg.size, "\r\n", Payload(cfg.size, 0, 0), "\r\n");
  pollfd fds[2] = {{responder->fd(), POLLIN, 0}, {requester->fd(), POLLIN, 0}};
  std::string out;
  bool failed = false;
  // One round trip; returns its latency, or -1 when a connection failed or 10 s passed.
  auto round_trip = [&]() -> int64_t {
    const auto t0 = Clock::now();
    if (!requester->WriteAll(req).ok()) return -1;
    int64_t got = 0;
    while (got == 0) {
      int ready = 0;
      if (cfg.block) {
        ready = poll(fds, 2, 10'000);
      } else {
        const auto spin_until = Clock::now() + std::chrono::seconds(10);
        while ((ready = poll(fds, 2, 0)) == 0 && Clock::now() < spin_until) {
        }
      }
      if (ready <= 0) return -1;
      if (fds[0].revents != 0) {
        auto n = responder->ReadSome();
        if (!n.ok() || *n == 0) return -1;
        out.clear();
        responder->Drain([&](absl::string_view, absl::string_view reply, absl::string_view p) {
          absl::StrAppend(&out, "PUB ", reply, " ", p.size(), "\r\n", p, "\r\n");
        });
        if (!out.empty() && !responder->WriteAll(out).ok()) return -1;
      }
      if (fds[1].revents != 0) {
        auto n = requester->ReadSome();
        if (!n.ok() || *n == 0) return -1;
        requester->Drain([&](absl::string_view, absl::string_view, absl::string_view) { ++got; });
      }
    }
    if (got > 1) r.duplicated += got - 1;
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count();
  };
  for (int64_t i = 0; i < cfg.warmup && !failed; ++i) failed = round_trip() < 0;
  const CpuMark before = MarkCpu(cfg);
  const auto start = Clock::now();
  for (int64_t i = 0; i < cfg.msgs && !failed; ++i) {
    const int64_t ns = round_trip();
    if (ns < 0) {
      failed = true;
      break;
    }
    r.latency.Record(ns);
    ++r.received;
  }
  r.elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
  ReadCpu(cfg, before, &r);
  r.sent = cfg.msgs;
  r.expected = cfg.msgs;
  r.lost = r.expected - r.received;
  r.errors = responder->errors() + requester->errors();
  return r;
}

// Many subscriptions: `subjects` literal subs plus one wildcard sub per ten, then publishes
// across all of them. Every message has a known number of matches.
Result RunManySubjects(const Config& cfg) {
  Result r;
  auto sub = Dial(cfg, "subs");
  r.rss_before_bytes = RssBytes(cfg.server_pid);
  std::string batch;
  int sid = 0;
  for (int i = 0; i < cfg.subjects; ++i) {
    absl::StrAppend(&batch, "SUB bench.s.", i, ".x ", ++sid, "\r\n");
    if (i % 10 == 0) absl::StrAppend(&batch, "SUB bench.s.", i, ".* ", ++sid, "\r\n");
    if (batch.size() > (64 << 10)) {
      Die(sub->WriteAll(batch), "subs");
      batch.clear();
    }
  }
  Die(sub->WriteAll(batch), "subs");
  Die(sub->Flush(), "subs flush");
  r.rss_after_bytes = RssBytes(cfg.server_pid);
  auto pub = Dial(cfg, "pub");
  std::atomic<int64_t> progress{0};
  SeqTracker tracker(1);
  int64_t expected = 0;
  for (int64_t i = 0; i < cfg.msgs; ++i) expected += (i % cfg.subjects) % 10 == 0 ? 2 : 1;
  r.expected = expected;
  r.sent = cfg.msgs;
  const CpuMark before = MarkCpu(cfg);
  const auto start = Clock::now();
  std::thread reader([&] {
    Result dummy;
    while (tracker.count() < expected) {
      auto n = sub->ReadSome();
      if (!n.ok() || *n == 0) break;
      sub->Drain([&](absl::string_view, absl::string_view, absl::string_view p) {
        tracker.Saw(p, &dummy);
      });
      progress.store(tracker.count(), std::memory_order_relaxed);
    }
  });
  std::string out;
  const std::string payload(static_cast<size_t>(cfg.size), 'x');
  const int64_t window = PacingWindow(cfg);
  for (int64_t i = 0; i < cfg.msgs; ++i) {
    absl::StrAppend(&out, "PUB bench.s.", i % cfg.subjects, ".x ", cfg.size, "\r\n", payload,
                    "\r\n");
    if (out.size() > (64 << 10)) {
      Die(pub->WriteAll(out), "publish");
      out.clear();
      // Deliveries outnumber publishes by 1.1; pacing on publishes keeps it conservative.
      while (i - progress.load(std::memory_order_relaxed) > window) {
        std::this_thread::sleep_for(std::chrono::microseconds(20));
      }
    }
  }
  Die(pub->WriteAll(out), "publish");
  Die(pub->Flush(), "publish flush");
  reader.join();
  r.elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
  ReadCpu(cfg, before, &r);
  r.received = tracker.count();
  r.lost = std::max<int64_t>(0, r.expected - r.received);
  r.duplicated = std::max<int64_t>(0, r.received - r.expected);
  r.errors = sub->errors() + pub->errors();
  return r;
}

// Opens idle connections and reports the server's RSS before and after.
Result RunIdleConnections(const Config& cfg) {
  Result r;
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  lim.rlim_cur = lim.rlim_max;
  setrlimit(RLIMIT_NOFILE, &lim);
  r.rss_before_bytes = RssBytes(cfg.server_pid);
  std::vector<std::unique_ptr<BenchConn>> conns;
  auto start = Clock::now();
  for (int i = 0; i < cfg.conns; ++i) conns.push_back(Dial(cfg, "idle"));
  r.elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  r.rss_after_bytes = RssBytes(cfg.server_pid);
  r.expected = cfg.conns;
  r.received = static_cast<int64_t>(conns.size());
  return r;
}

bool CountsOk(const Result& r) {
  return r.lost == 0 && r.duplicated == 0 && r.reordered == 0 && r.errors == 0 &&
         r.received >= r.expected;
}

void Report(const Config& cfg, const Result& r) {
  double rate = r.elapsed_s > 0 ? static_cast<double>(r.sent) / r.elapsed_s : 0;
  double mbps = rate * cfg.size / 1e6;
  const bool ok = CountsOk(r);
  if (cfg.json) {
    std::printf(
        "{\"label\":\"%s\",\"scenario\":\"%s\",\"size\":%d,\"msgs\":%lld,\"pubs\":%d,"
        "\"subs\":%d,\"elapsed_s\":%.6f,\"msgs_per_s\":%.1f,\"mb_per_s\":%.3f,"
        "\"expected\":%lld,\"received\":%lld,\"lost\":%lld,\"duplicated\":%lld,"
        "\"reordered\":%lld,"
        "\"p50_us\":%.2f,\"p90_us\":%.2f,\"p99_us\":%.2f,\"p999_us\":%.2f,"
        "\"rss_before_bytes\":%lld,\"rss_after_bytes\":%lld,\"errors\":%lld,"
        "\"server_cpu_s\":%.3f,\"bench_cpu_s\":%.3f,\"ok\":%s}\n",
        cfg.label.c_str(), cfg.scenario.c_str(), cfg.size, static_cast<long long>(r.sent), cfg.pubs,
        cfg.subs, r.elapsed_s, rate, mbps, static_cast<long long>(r.expected),
        static_cast<long long>(r.received), static_cast<long long>(r.lost),
        static_cast<long long>(r.duplicated), static_cast<long long>(r.reordered),
        r.latency.Quantile(0.5) / 1e3, r.latency.Quantile(0.9) / 1e3,
        r.latency.Quantile(0.99) / 1e3, r.latency.Quantile(0.999) / 1e3,
        static_cast<long long>(r.rss_before_bytes), static_cast<long long>(r.rss_after_bytes),
        static_cast<long long>(r.errors), r.server_cpu_s, r.bench_cpu_s, ok ? "true" : "false");
  } else {
    std::printf(
        "%-10s size=%-6d msgs=%-9lld %10.0f msgs/s %9.2f MB/s  expected=%lld "
        "received=%lld lost=%lld dup=%lld reordered=%lld errors=%lld%s\n",
        cfg.scenario.c_str(), cfg.size, static_cast<long long>(r.sent), rate, mbps,
        static_cast<long long>(r.expected), static_cast<long long>(r.received),
        static_cast<long long>(r.lost), static_cast<long long>(r.duplicated),
        static_cast<long long>(r.reordered), static_cast<long long>(r.errors),
        ok ? "" : "  COUNTS WRONG");
    if (r.latency.count() > 0) {
      std::printf("           latency p50=%.1fus p90=%.1fus p99=%.1fus p99.9=%.1fus\n",
                  r.latency.Quantile(0.5) / 1e3, r.latency.Quantile(0.9) / 1e3,
                  r.latency.Quantile(0.99) / 1e3, r.latency.Quantile(0.999) / 1e3);
    }
    if (r.elapsed_s > 0 && r.server_cpu_s >= 0) {
      std::printf("           cpu: server %.2fs (%.0f%% of one core), bench %.2fs (%.0f%%)\n",
                  r.server_cpu_s, 100 * r.server_cpu_s / r.elapsed_s, r.bench_cpu_s,
                  100 * r.bench_cpu_s / r.elapsed_s);
    }
    if (r.rss_after_bytes > 0) {
      std::printf("           server rss before=%.1f MiB after=%.1f MiB\n",
                  static_cast<double>(r.rss_before_bytes) / (1 << 20),
                  static_cast<double>(r.rss_after_bytes) / (1 << 20));
    }
  }
}

constexpr char kUsage[] =
    "usage: natrium-bench [flags]\n"
    "  --host H            server host (127.0.0.1)\n"
    "  --port P            server port (4222)\n"
    "  --scenario S        pub | pubsub | fanout | fanin | queue | reqrep | subjects | conns\n"
    "  --msgs N            messages (or round trips for reqrep) (1000000)\n"
    "  --size B            payload bytes (16)\n"
    "  --pubs N            publishers for pub and fanin (1)\n"
    "  --subs N            subscribers for fanout, members for queue (1)\n"
    "  --subjects N        subscriptions for the subjects scenario (10000)\n"
    "  --conns N           idle connections for the conns scenario (10000)\n"
    "  --warmup N          unrecorded round trips before reqrep measures (1000)\n"
    "  --block             reqrep: wait in poll() instead of busy-polling\n"
    "  --server-pid PID    read the server's RSS and CPU time from /proc\n"
    "  --label L           label copied into the JSON line\n"
    "  --json              one JSON line instead of the table\n"
    "Exit status is 1 when any message was lost or duplicated, or the server sent -ERR.\n";

bool ParseFlags(int argc, char** argv, Config* cfg) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](auto* out) {
      if (i + 1 >= argc) return false;
      return absl::SimpleAtoi(argv[++i], out);
    };
    bool ok = true;
    if (a == "--host" && i + 1 < argc) {
      cfg->host = argv[++i];
    } else if (a == "--scenario" && i + 1 < argc) {
      cfg->scenario = argv[++i];
    } else if (a == "--label" && i + 1 < argc) {
      cfg->label = argv[++i];
    } else if (a == "--port") {
      ok = value(&cfg->port);
    } else if (a == "--msgs") {
      ok = value(&cfg->msgs);
    } else if (a == "--size") {
      ok = value(&cfg->size);
    } else if (a == "--pubs") {
      ok = value(&cfg->pubs);
    } else if (a == "--subs") {
      ok = value(&cfg->subs);
    } else if (a == "--subjects") {
      ok = value(&cfg->subjects);
    } else if (a == "--conns") {
      ok = value(&cfg->conns);
    } else if (a == "--warmup") {
      ok = value(&cfg->warmup);
    } else if (a == "--server-pid") {
      ok = value(&cfg->server_pid);
    } else if (a == "--block") {
      cfg->block = true;
    } else if (a == "--json") {
      cfg->json = true;
    } else {
      ok = false;
    }
    if (!ok) return false;
  }
  return cfg->msgs > 0 && cfg->warmup >= 0 && cfg->size >= 0 && cfg->pubs > 0 && cfg->subs > 0 &&
         cfg->subjects > 0;
}

}  // namespace
}  // namespace na::bench

int main(int argc, char** argv) {
  na::bench::Config cfg;
  if (!na::bench::ParseFlags(argc, argv, &cfg)) {
    std::fputs(na::bench::kUsage, stderr);
    return 2;
  }
  na::bench::Result r;
  const std::string& s = cfg.scenario;
  if (s == "pub" || s == "pubsub" || s == "fanout" || s == "fanin" || s == "queue") {
    r = na::bench::RunFlow(cfg);
  } else if (s == "reqrep") {
    r = na::bench::RunRequestReply(cfg);
  } else if (s == "subjects") {
    r = na::bench::RunManySubjects(cfg);
  } else if (s == "conns") {
    r = na::bench::RunIdleConnections(cfg);
  } else {
    std::fputs(na::bench::kUsage, stderr);
    return 2;
  }
  na::bench::Report(cfg, r);
  return na::bench::CountsOk(r) ? 0 : 1;
}
