// natrium-bench: a load generator for NATS servers (natrium-server or nats-server).
//
// Each scenario checks what it measures: every published message carries (publisher, sequence)
// in its first 12 bytes when the size allows, and each receiver reports losses, duplicates and
// reordering instead of hiding them. Publishers are paced by a window over what the slowest
// receiver has seen, so a fast publisher never turns a benchmark into a slow-consumer test.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
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
  Histogram latency;
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

void Die(const absl::Status& st, const char* what) {
  if (st.ok()) return;
  std::fprintf(stderr, "natrium-bench: %s: %s\n", what, std::string(st.message()).c_str());
  std::exit(2);
}

// Tracks, per publisher, the next sequence a receiver expects.
class SeqTracker {
 public:
  explicit SeqTracker(int pubs) : next_(static_cast<size_t>(pubs), 0) {}
  void Saw(absl::string_view payload, Result* r) {
    ++count_;
    if (payload.size() < 12) return;
    uint32_t pub;
    uint64_t seq;
    std::memcpy(&pub, payload.data(), 4);
    std::memcpy(&seq, payload.data() + 4, 8);
    if (pub >= next_.size()) return;
    uint64_t& next = next_[pub];
    if (seq == next) {
      ++next;
    } else if (seq > next) {
      r->reordered += 0;  // a gap: counted as loss at the end if it never fills
      r->lost += static_cast<int64_t>(seq - next);
      next = seq + 1;
    } else {
      ++r->duplicated;  // an old sequence again: duplicate or reorder
    }
  }
  int64_t count() const { return count_; }

 private:
  std::vector<uint64_t> next_;
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

// Publishes `count` messages on `subject` from publisher `pub`, in batches, keeping at most
// `window` messages ahead of *progress (the slowest receiver's count, scaled by fan-out).
void Publish(const Config& cfg, BenchConn* conn, uint32_t pub, const std::string& subject,
             int64_t count, const std::atomic<int64_t>* progress, int64_t window,
             std::atomic<int64_t>* published) {
  std::string batch;
  std::string header = absl::StrCat("PUB ", subject, " ", cfg.size, "\r\n");
  const size_t batch_bytes = 64 << 10;
  for (int64_t seq = 0; seq < count; ++seq) {
    batch += header;
    batch += Payload(cfg.size, pub, static_cast<uint64_t>(seq));
    batch += "\r\n";
    int64_t done = published->fetch_add(1) + 1;
    if (batch.size() >= batch_bytes || seq + 1 == count) {
      Die(conn->WriteAll(batch), "publish");
      batch.clear();
      if (progress != nullptr) {
        while (done - progress->load(std::memory_order_relaxed) > window) {
          std::this_thread::yield();
        }
      }
    }
  }
  Die(conn->Flush(), "publisher flush");
}

// Reads until `expected` messages arrived or `deadline` passed.
void Receive(BenchConn* conn, SeqTracker* tracker, Result* r, int64_t expected,
             std::atomic<int64_t>* progress, Clock::time_point deadline) {
  while (tracker->count() < expected && Clock::now() < deadline) {
    auto n = conn->ReadSome();
    if (!n.ok() || *n == 0) break;
    conn->Drain([&](absl::string_view, absl::string_view, absl::string_view payload) {
      tracker->Saw(payload, r);
    });
    progress->store(tracker->count(), std::memory_order_relaxed);
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

  int64_t per_pub = cfg.msgs / pubs;
  int64_t total = per_pub * pubs;
  r.sent = total;
  // Each plain subscriber expects everything; a queue group shares it.
  int64_t per_sub = queue ? -1 : total;
  r.expected = queue ? total : total * subs;

  std::vector<std::atomic<int64_t>> progress(static_cast<size_t>(std::max(subs, 1)));
  for (auto& p : progress) p.store(0);
  std::atomic<int64_t> queue_progress{0};
  std::atomic<int64_t> published{0};
  std::vector<SeqTracker> trackers;
  for (int i = 0; i < subs; ++i) trackers.emplace_back(pubs);
  std::vector<Result> sub_results(static_cast<size_t>(subs));
  const int64_t window = std::max<int64_t>(2000, (8 << 20) / std::max(cfg.size, 1));

  auto start = Clock::now();
  auto deadline = start + std::chrono::seconds(120);
  std::vector<std::thread> threads;
  std::atomic<int64_t> queue_received{0};
  for (int i = 0; i < subs; ++i) {
    threads.emplace_back([&, i] {
      if (queue) {
        // Members read until the group as a whole has everything.
        auto* conn = sub_conns[static_cast<size_t>(i)].get();
        SeqTracker& t = trackers[static_cast<size_t>(i)];
        while (queue_received.load() < total && Clock::now() < deadline) {
          auto n = conn->ReadSome();
          if (!n.ok() || *n == 0) break;
          int64_t before = t.count();
          conn->Drain([&](absl::string_view, absl::string_view, absl::string_view p) {
            t.Saw(p, &sub_results[static_cast<size_t>(i)]);
          });
          int64_t now = queue_received.fetch_add(t.count() - before) + t.count() - before;
          queue_progress.store(now, std::memory_order_relaxed);
          if (now >= total) {
            // Wake the other members: one PING each gets a PONG that unblocks their read.
            for (auto& c : sub_conns) c->WriteAll("PING\r\n").IgnoreError();
          }
        }
      } else {
        Receive(sub_conns[static_cast<size_t>(i)].get(), &trackers[static_cast<size_t>(i)],
                &sub_results[static_cast<size_t>(i)], per_sub, &progress[static_cast<size_t>(i)],
                deadline);
      }
    });
  }
  // The slowest receiver paces the publishers.
  std::atomic<int64_t> slowest{0};
  std::atomic<bool> done{false};
  std::thread pacer([&] {
    while (!done.load()) {
      int64_t m = INT64_MAX;
      if (queue) {
        m = queue_progress.load();
      } else {
        for (int i = 0; i < subs; ++i) m = std::min(m, progress[static_cast<size_t>(i)].load());
      }
      if (subs == 0) m = INT64_MAX / 2;
      slowest.store(m);
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
  });
  std::vector<std::thread> pub_threads;
  for (int i = 0; i < pubs; ++i) {
    pub_threads.emplace_back([&, i] {
      Publish(cfg, pub_conns[static_cast<size_t>(i)].get(), static_cast<uint32_t>(i), subject,
              per_pub, subs > 0 ? &slowest : nullptr, window * (queue ? 1 : 1), &published);
    });
  }
  for (auto& t : pub_threads) t.join();
  for (auto& t : threads) t.join();
  auto end = Clock::now();
  done = true;
  pacer.join();
  r.elapsed_s = std::chrono::duration<double>(end - start).count();
  for (int i = 0; i < subs; ++i) {
    r.received += trackers[static_cast<size_t>(i)].count();
    r.duplicated += sub_results[static_cast<size_t>(i)].duplicated;
    r.reordered += sub_results[static_cast<size_t>(i)].reordered;
  }
  if (subs == 0) r.expected = 0;
  r.lost = std::max<int64_t>(0, r.expected - r.received + r.duplicated);
  return r;
}

Result RunRequestReply(const Config& cfg) {
  Result r;
  auto responder = Dial(cfg, "responder");
  auto requester = Dial(cfg, "requester");
  Die(responder->WriteAll("SUB bench.req 1\r\n"), "responder sub");
  Die(responder->Flush(), "responder flush");
  Die(requester->WriteAll("SUB bench.inbox 1\r\n"), "requester sub");
  Die(requester->Flush(), "requester flush");
  std::atomic<bool> stop{false};
  std::thread serve([&] {
    std::string out;
    while (!stop.load()) {
      auto n = responder->ReadSome();
      if (!n.ok() || *n == 0) break;
      out.clear();
      responder->Drain([&](absl::string_view, absl::string_view reply, absl::string_view p) {
        absl::StrAppend(&out, "PUB ", reply, " ", p.size(), "\r\n", p, "\r\n");
      });
      if (!out.empty()) responder->WriteAll(out).IgnoreError();
    }
  });
  std::string req =
      absl::StrCat("PUB bench.req bench.inbox ", cfg.size, "\r\n", Payload(cfg.size, 0, 0), "\r\n");
  auto start = Clock::now();
  for (int64_t i = 0; i < cfg.msgs; ++i) {
    auto t0 = Clock::now();
    Die(requester->WriteAll(req), "request");
    int64_t got = 0;
    while (got == 0) {
      requester->Drain([&](absl::string_view, absl::string_view, absl::string_view) { ++got; });
      if (got > 0) break;
      auto n = requester->ReadSome();
      if (!n.ok() || *n == 0) Die(absl::UnavailableError("closed"), "reply");
    }
    r.latency.Record(
        std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count());
    r.received += got;
    if (got > 1) r.duplicated += got - 1;
  }
  r.elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
  r.sent = cfg.msgs;
  r.expected = cfg.msgs;
  r.lost = r.expected - (r.received - r.duplicated);
  stop = true;
  responder->WriteAll("PUB bench.req bench.inbox 0\r\n\r\n").IgnoreError();  // wake the reader
  serve.join();
  return r;
}

// Many subscriptions: `subjects` literal subs plus one wildcard sub per ten, then publishes
// across all of them. Every message has a known number of matches.
Result RunManySubjects(const Config& cfg) {
  Result r;
  auto sub = Dial(cfg, "subs");
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
  auto start = Clock::now();
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
  std::string payload(static_cast<size_t>(cfg.size), 'x');
  for (int64_t i = 0; i < cfg.msgs; ++i) {
    absl::StrAppend(&out, "PUB bench.s.", i % cfg.subjects, ".x ", cfg.size, "\r\n", payload,
                    "\r\n");
    if (out.size() > (64 << 10)) {
      Die(pub->WriteAll(out), "publish");
      out.clear();
      while (i - progress.load() > 20000) std::this_thread::yield();
    }
  }
  Die(pub->WriteAll(out), "publish");
  Die(pub->Flush(), "publish flush");
  reader.join();
  r.elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
  r.received = tracker.count();
  r.lost = std::max<int64_t>(0, r.expected - r.received);
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

void Report(const Config& cfg, const Result& r) {
  double rate = r.elapsed_s > 0 ? static_cast<double>(r.sent) / r.elapsed_s : 0;
  double mbps = rate * cfg.size / 1e6;
  bool ok = r.lost == 0 && r.duplicated == 0 && r.received >= r.expected;
  if (cfg.json) {
    std::printf(
        "{\"label\":\"%s\",\"scenario\":\"%s\",\"size\":%d,\"msgs\":%lld,\"pubs\":%d,"
        "\"subs\":%d,\"elapsed_s\":%.6f,\"msgs_per_s\":%.1f,\"mb_per_s\":%.3f,"
        "\"expected\":%lld,\"received\":%lld,\"lost\":%lld,\"duplicated\":%lld,"
        "\"p50_us\":%.2f,\"p90_us\":%.2f,\"p99_us\":%.2f,\"p999_us\":%.2f,"
        "\"rss_before_bytes\":%lld,\"rss_after_bytes\":%lld,\"ok\":%s}\n",
        cfg.label.c_str(), cfg.scenario.c_str(), cfg.size, static_cast<long long>(r.sent), cfg.pubs,
        cfg.subs, r.elapsed_s, rate, mbps, static_cast<long long>(r.expected),
        static_cast<long long>(r.received), static_cast<long long>(r.lost),
        static_cast<long long>(r.duplicated), r.latency.Quantile(0.5) / 1e3,
        r.latency.Quantile(0.9) / 1e3, r.latency.Quantile(0.99) / 1e3,
        r.latency.Quantile(0.999) / 1e3, static_cast<long long>(r.rss_before_bytes),
        static_cast<long long>(r.rss_after_bytes), ok ? "true" : "false");
  } else {
    std::printf(
        "%-10s size=%-6d msgs=%-9lld %10.0f msgs/s %9.2f MB/s  expected=%lld "
        "received=%lld lost=%lld dup=%lld%s\n",
        cfg.scenario.c_str(), cfg.size, static_cast<long long>(r.sent), rate, mbps,
        static_cast<long long>(r.expected), static_cast<long long>(r.received),
        static_cast<long long>(r.lost), static_cast<long long>(r.duplicated),
        ok ? "" : "  COUNTS WRONG");
    if (r.latency.count() > 0) {
      std::printf("           latency p50=%.1fus p90=%.1fus p99=%.1fus p99.9=%.1fus\n",
                  r.latency.Quantile(0.5) / 1e3, r.latency.Quantile(0.9) / 1e3,
                  r.latency.Quantile(0.99) / 1e3, r.latency.Quantile(0.999) / 1e3);
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
    "  --server-pid PID    read the server's RSS from /proc (subjects, conns)\n"
    "  --label L           label copied into the JSON line\n"
    "  --json              one JSON line instead of the table\n"
    "Exit status is 1 when any message was lost or duplicated.\n";

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
    } else if (a == "--server-pid") {
      ok = value(&cfg->server_pid);
    } else if (a == "--json") {
      cfg->json = true;
    } else {
      ok = false;
    }
    if (!ok) return false;
  }
  return cfg->msgs > 0 && cfg->size >= 0 && cfg->pubs > 0 && cfg->subs > 0 && cfg->subjects > 0;
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
  return (r.lost == 0 && r.duplicated == 0 && r.received >= r.expected) ? 0 : 1;
}
