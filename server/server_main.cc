#include "server/server_main.h"

#include <signal.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "engine/base/status_macros.h"
#include "engine/monitor/monitor.h"
#include "engine/node/node.h"
#include "net/http/http_server.h"
#include "net/runtime/listen_socket.h"
#include "net/runtime/runtime.h"
#include "server/config/config_parser.h"
#include "server/flags.h"
#include "server/lame_duck.h"
#include "server/logger.h"
#include "server/options_from_config.h"
#include "server/ports_file.h"
#include "server/reload.h"
#include "server/signal_command.h"

namespace na::server {
namespace {

constexpr char kExeName[] = "natrium-server";
// How long shutdown waits for the engine's closes to flush before cutting connections.
constexpr int64_t kShutdownDrainNs = 1'000'000'000;

std::string JoinHostPort(const std::string& host, int port) {
  if (host.find(':') != std::string::npos) return absl::StrCat("[", host, "]:", port);
  return absl::StrCat(host, ":", port);
}

std::string Basename(const char* path) {
  std::string p = path != nullptr ? path : kExeName;
  const size_t slash = p.rfind('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

uint64_t RandomSeed() {
  uint64_t seed = 0;
  if (getrandom(&seed, sizeof(seed), 0) != static_cast<ssize_t>(sizeof(seed))) {
    seed = static_cast<uint64_t>(net::Now().wall_ns) ^ static_cast<uint64_t>(getpid());
  }
  return seed;
}

// Process facts for /varz: resident memory, CPU use since the previous sample, cores.
class ProcessSampler {
 public:
  ProcessSampler() : last_wall_ns_(net::Now().mono_ns), last_cpu_ns_(CpuNs()) {}

  monitor::RuntimeInfo Sample() {
    monitor::RuntimeInfo info;
    const io::Time now = net::Now();
    info.now_wall_ns = now.wall_ns;
    info.cores = static_cast<int>(std::thread::hardware_concurrency());
    if (info.cores <= 0) info.cores = 1;
    long pages_total = 0, pages_resident = 0;
    if (FILE* f = fopen("/proc/self/statm", "r")) {
      if (fscanf(f, "%ld %ld", &pages_total, &pages_resident) != 2) pages_resident = 0;
      fclose(f);
    }
    info.mem_bytes = static_cast<int64_t>(pages_resident) * sysconf(_SC_PAGESIZE);
    const int64_t cpu_ns = CpuNs();
    const int64_t wall_ns = now.mono_ns - last_wall_ns_;
    if (wall_ns > 0) {
      // One decimal, as nats-server's ps-based figure reads.
      const double pct =
          100.0 * static_cast<double>(cpu_ns - last_cpu_ns_) / static_cast<double>(wall_ns);
      info.cpu_percent = static_cast<double>(static_cast<int64_t>(pct * 10 + 0.5)) / 10;
    }
    last_wall_ns_ = now.mono_ns;
    last_cpu_ns_ = cpu_ns;
    return info;
  }

 private:
  static int64_t CpuNs() {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    auto ns = [](const struct timeval& tv) {
      return static_cast<int64_t>(tv.tv_sec) * 1'000'000'000 + tv.tv_usec * 1000;
    };
    return ns(ru.ru_utime) + ns(ru.ru_stime);
  }

  int64_t last_wall_ns_;
  int64_t last_cpu_ns_;
};

// The same bytes nats-server prints for each way of failing before the server runs.
int Die(absl::string_view message, absl::string_view tail = "\n") {
  fprintf(stderr, "%s: %.*s%.*s", kExeName, static_cast<int>(message.size()), message.data(),
          static_cast<int>(tail.size()), tail.data());
  return 1;
}

}  // namespace

int ServerMain(int argc, char** argv) {
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
  FlagParse parsed = ParseFlags(args);
  switch (parsed.outcome) {
    case FlagParse::Outcome::kUsage:
      if (!parsed.error.empty()) fprintf(stderr, "%s\n", parsed.error.c_str());
      fputs(UsageText().c_str(), stdout);
      return 0;
    case FlagParse::Outcome::kVersion:
      printf("%s: v%s\n", kExeName, node::kServerVersion);
      return 0;
    case FlagParse::Outcome::kFatal:
      return Die(parsed.error);
    case FlagParse::Outcome::kRun:
      break;
  }
  const Flags& flags = parsed.flags;
  if (flags.signal.has_value()) {
    // Signal a running server and exit, as nats-server does.
    absl::Status sent = SendSignalCommand(*flags.signal, Basename(argv[0]));
    return sent.ok() ? 0 : Die(sent.message());
  }

  Settings settings;
  int64_t config_load_wall_ns = 0;
  if (!flags.config_file.empty()) {
    absl::StatusOr<config::ConfigValue> root = config::ParseConfigFile(flags.config_file);
    if (!root.ok()) {
      absl::string_view message = root.status().message();
      absl::ConsumePrefix(&message, "error opening config file: ");
      return Die(message);
    }
    absl::Status applied = ApplyConfig(*root, &settings);
    if (!applied.ok()) return Die(applied.message(), "\n\n");
    for (const std::string& warning : settings.config_warnings) {
      fprintf(stderr, "%s\n", warning.c_str());
    }
    config_load_wall_ns = net::Now().wall_ns;
    if (flags.test_config) {
      printf("%s: configuration file %s is valid\n", kExeName, flags.config_file.c_str());
      return 0;
    }
  }
  ApplyFlags(flags, &settings);
  if (absl::Status valid = Validate(settings); !valid.ok()) return Die(valid.message());
  // As configured (before the runtime fills in defaults and a random port): what a reload
  // compares the re-read file against.
  Settings configured = settings;

  const int pid = static_cast<int>(getpid());
  Logger logger(pid);
  LoggerOptions log_options;
  log_options.logtime = settings.logtime;
  log_options.debug = settings.node.debug;
  log_options.trace = settings.node.trace;
  log_options.file = settings.log_file;
  if (absl::Status s = logger.Configure(log_options); !s.ok()) return Die(s.message());

  signal(SIGPIPE, SIG_IGN);
  // Every client is a descriptor: use the hard limit, as Go (and so nats-server) does at start.
  struct rlimit nofile;
  if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max) {
    nofile.rlim_cur = nofile.rlim_max;
    setrlimit(RLIMIT_NOFILE, &nofile);
  }
  // Without its own host, the monitor binds the client host (and /varz says so), as in
  // nats-server.
  if (!settings.http_host_set) settings.node.http_host = settings.node.host;
  if (settings.node.port == 0) settings.node.port = limits::kDefaultPort;  // as nats-server
  const io::Time start = net::Now();
  settings.node.start_wall_ns = start.wall_ns;
  const uint64_t seed = RandomSeed();
  auto node_holder = std::make_unique<node::Node>(settings.node, seed);

  logger.Info("Starting nats-server");
  logger.Info(absl::StrCat("  Version:  ", node::kServerVersion));
  logger.Info("  Git:      [not set]");
  logger.Debug(absl::StrCat("  Go build: ", node::kServerBuild));
  logger.Info(absl::StrCat("  Name:     ", node_holder->server_name()));
  logger.Info(absl::StrCat("  ID:       ", node_holder->server_id()));
  logger.Debug(absl::StrCat("  Seed:     ", seed));
  if (!flags.config_file.empty()) {
    logger.Info(absl::StrCat("Using configuration file: ", flags.config_file));
  }
  for (const std::string& warning : settings.warnings) logger.Warn(warning);

  net::RuntimeOptions runtime_options;
  runtime_options.host = settings.node.host;
  runtime_options.port = settings.node.port;
  runtime_options.signals = {SIGINT, SIGTERM, SIGUSR1, SIGUSR2, SIGHUP};
  net::Runtime runtime(runtime_options);
  runtime.set_log_sink(
      [&logger](io::LogLevel level, absl::string_view m) { logger.Log(level, m); });
  if (absl::Status s = runtime.Listen(); !s.ok()) {
    logger.Fatal(absl::StrCat(
        "Error listening on port: ", JoinHostPort(settings.node.host, settings.node.port), ", \"",
        s.message(), "\""));
    return 1;
  }
  if (runtime.port() != settings.node.port) {
    // A random port (-1): INFO and /varz must carry the bound one. The node has not run yet,
    // and the same seed gives the same server id.
    settings.node.port = runtime.port();
    node_holder = std::make_unique<node::Node>(settings.node, seed);
  }
  node::Node& node = *node_holder;
  const node::Options& options = node.options();
  runtime.set_engine(&node);

  if (!settings.pid_file.empty()) {
    if (absl::Status s = WritePidFile(settings.pid_file, pid); !s.ok()) {
      logger.Fatal(absl::StrCat("Could not write pidfile: ", s.message()));
      return 1;
    }
  }

  // Monitoring, from the same loop.
  if (options.https_port != 0) {
    logger.Fatal("Can't start monitoring: TLS cert and key required for HTTPS");
    return 1;
  }
  const std::string& http_host = options.http_host;
  net::HttpServer http;
  ProcessSampler sampler;
  monitor::MonitorConfig monitor_config;
  monitor_config.client_port = runtime.port();
  monitor_config.config_load_wall_ns =
      config_load_wall_ns != 0 ? config_load_wall_ns : start.wall_ns;
  std::unique_ptr<monitor::Monitor> monitor;
  if (options.http_port != 0) {
    absl::Status s = http.Start(runtime, http_host, options.http_port,
                                [&node, &monitor, &sampler](const net::HttpRequest& request) {
                                  net::HttpResponse response;
                                  if (request.method != "GET" && request.method != "HEAD") {
                                    response.status = 405;
                                    response.content_type = "text/plain; charset=utf-8";
                                    response.body = "Method Not Allowed\n";
                                    return response;
                                  }
                                  monitor::Response r = monitor->Handle(
                                      node, sampler.Sample(), request.path, request.query);
                                  response.status = r.status;
                                  response.content_type = std::move(r.content_type);
                                  response.body = std::move(r.body);
                                  return response;
                                });
    if (!s.ok()) {
      logger.Fatal(
          absl::StrCat("Can't start monitoring: can't listen to the monitor port: ", s.message()));
      return 1;
    }
    monitor_config.http_port = http.port();
    logger.Info(absl::StrCat("Starting http monitor on ", JoinHostPort(http_host, http.port())));
  }
  monitor = std::make_unique<monitor::Monitor>(monitor_config);

  logger.Info(absl::StrCat("Listening for client connections on ",
                           JoinHostPort(options.host, runtime.port())));

  std::string ports_file;
  auto write_ports_file = [&](const std::string& ports_file_dir) {
    if (ports_file_dir.empty()) return;
    std::vector<std::string> monitoring;
    if (options.http_port != 0) monitoring = ListenUrls("http", http_host, http.port());
    absl::StatusOr<std::string> written =
        WritePortsFile(ports_file_dir, Basename(argv[0]), pid,
                       ListenUrls("nats", options.host, runtime.port()), monitoring);
    if (!written.ok()) {
      logger.Error(absl::StrCat("Error writing ports file: ", written.status().message()));
    } else {
      ports_file = *written;
    }
  };
  write_ports_file(settings.ports_file_dir);
  logger.Info("Server is ready");

  // Re-reads the config file and applies what nats-server 2.9.10 can reload; flags given on
  // the command line still override it.
  auto reload = [&]() -> absl::Status {
    if (flags.config_file.empty()) {
      return absl::FailedPreconditionError(
          "can only reload config when a file is provided using -c or --config");
    }
    absl::StatusOr<config::ConfigValue> root = config::ParseConfigFile(flags.config_file);
    if (!root.ok()) {
      absl::string_view message = root.status().message();
      absl::ConsumePrefix(&message, "error opening config file: ");  // as at startup
      return absl::InvalidArgumentError(message);
    }
    Settings next;
    NA_RETURN_IF_ERROR(ApplyConfig(*root, &next));
    ApplyFlags(flags, &next);
    // The reference refuses an unreloadable change before it checks limits.
    NA_ASSIGN_OR_RETURN(std::vector<std::string> lines, DiffForReload(configured, next));
    NA_RETURN_IF_ERROR(Validate(next));
    configured = next;
    if (!next.http_host_set) next.node.http_host = next.node.host;
    next.node.config_file = options.config_file;
    const std::string old_ports_file_dir = settings.ports_file_dir;
    // As the reference's pid_file and ports_file_dir options apply: the new pid file is written
    // (the old one stays), the ports file moves.
    if (next.pid_file != settings.pid_file && !next.pid_file.empty()) {
      if (absl::Status s = WritePidFile(next.pid_file, pid); !s.ok()) {
        logger.Error(absl::StrCat("Could not write pidfile: ", s.message()));
      }
    }
    settings.logtime = next.logtime;
    settings.log_file = next.log_file;
    settings.pid_file = next.pid_file;
    settings.ports_file_dir = next.ports_file_dir;
    // The options apply where the reference's applyOptions reaches max_connections (clients
    // closed to fit are logged before its line); clients are re-checked after every line.
    bool applied = false;
    for (const std::string& line : lines) {
      if (!applied && absl::StartsWith(line, "Reloaded: max_connections")) {
        node.Reload(next.node, net::Now(), runtime);
        applied = true;
      }
      if (absl::StartsWith(line, "Reloaded: ports_file_dir")) {
        // 2.9.10 removes <new dir>/<exe>_<pid>.ports (the old dir only when the new one is
        // empty), logging a failure, then writes the file in the new dir.
        const std::string& dir =
            next.ports_file_dir.empty() ? old_ports_file_dir : next.ports_file_dir;
        const std::string path = absl::StrCat(dir, "/", Basename(argv[0]), "_", pid, ".ports");
        if (unlink(path.c_str()) != 0) {
          logger.Error(absl::StrCat("Error cleaning up ports file ", path, ": remove ", path, ": ",
                                    net::ErrnoText(errno)));
        }
        if (!ports_file.empty() && ports_file != path) unlink(ports_file.c_str());
        ports_file.clear();
        write_ports_file(next.ports_file_dir);
      }
      logger.Info(line);
    }
    if (!applied) node.Reload(next.node, net::Now(), runtime);
    // The reference logs the lines above with the old logger, then configures the new one.
    log_options.logtime = next.logtime;
    log_options.debug = next.node.debug;
    log_options.trace = next.node.trace;
    log_options.file = next.log_file;
    if (absl::Status s = logger.Configure(log_options); !s.ok()) {
      logger.Error(absl::StrCat("Failed to re-open log file: ", s.message()));
    }
    node.RecheckClientsAfterReload(net::Now(), runtime);
    logger.Info("Reloaded server configuration");
    return absl::OkStatus();
  };

  int exit_code = 0;
  bool lame_duck_requested = false;
  runtime.set_signal_handler([&](int signo) {
    switch (signo) {
      case SIGINT:
        logger.Debug("Trapped \"interrupt\" signal");
        exit_code = 0;
        return true;
      case SIGTERM:
        logger.Debug("Trapped \"terminated\" signal");
        if (lame_duck_requested) return false;  // lame duck mode ends the server itself
        exit_code = 1;  // nats-server exits 1 on SIGTERM outside lame duck mode
        return true;
      case SIGUSR1:
        logger.Debug("Trapped \"user defined signal 1\" signal");
        if (settings.log_file.empty()) {
          logger.Info("File log re-open ignored, not a file logger");
        } else if (absl::Status s = logger.Configure(log_options); !s.ok()) {
          logger.Error(absl::StrCat("Failed to re-open log file: ", s.message()));
        } else {
          logger.Info("File log re-opened");
        }
        return false;
      case SIGHUP:
        logger.Debug("Trapped \"hangup\" signal");
        if (absl::Status s = reload(); !s.ok()) {
          logger.Error(absl::StrCat("Failed to reload server configuration: ", s.message()));
        }
        return false;
      case SIGUSR2:
        logger.Debug("Trapped \"user defined signal 2\" signal");
        if (lame_duck_requested) return false;
        lame_duck_requested = true;
        return true;
      default:
        return false;
    }
  });

  const net::RunResult run = runtime.Run();
  std::unique_ptr<LameDuck> lame_duck;
  if (run.signal == SIGUSR2 && lame_duck_requested) {
    logger.Info("Entering lame duck mode, stop accepting new clients");
    lame_duck = std::make_unique<LameDuck>(node, runtime, seed ^ 0x1d,
                                           [&logger](absl::string_view m) { logger.Info(m); });
    absl::StatusOr<bool> started =
        lame_duck->Start(configured.lame_duck_duration_ns, configured.lame_duck_grace_period_ns);
    if (!started.ok()) {
      logger.Error(absl::StrCat("Lame duck mode: ", started.status().message()));
    } else if (*started) {
      // Closes the listener at once and turns the loop until every client is gone (or a
      // SIGINT stops it).
      runtime.Drain(configured.lame_duck_duration_ns + configured.lame_duck_grace_period_ns +
                    10'000'000'000);
    }
  }

  logger.Info("Initiating Shutdown...");
  node.Shutdown(net::Now(), runtime);
  runtime.Drain(kShutdownDrainNs);
  runtime.Shutdown();
  // After lame duck mode the reference does not print it (its listener is long gone).
  if (lame_duck == nullptr) logger.Debug("Client accept loop exiting..");
  http.Stop();
  if (!ports_file.empty()) unlink(ports_file.c_str());
  logger.Info("Server Exiting..");
  return exit_code;
}

}  // namespace na::server
