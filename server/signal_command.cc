#include "server/signal_command.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "net/runtime/listen_socket.h"

namespace na::server {
namespace {

std::vector<int> PidsNamed(const std::string& name) {
  std::vector<int> pids;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return pids;
  const int self = static_cast<int>(getpid());
  while (struct dirent* entry = readdir(proc)) {
    int pid = 0;
    if (!absl::SimpleAtoi(entry->d_name, &pid) || pid == self) continue;
    std::ifstream comm(absl::StrCat("/proc/", pid, "/comm"));
    std::string text;
    std::getline(comm, text);
    // comm is cut at 15 characters.
    if (!text.empty() && text == name.substr(0, 15)) pids.push_back(pid);
  }
  closedir(proc);
  std::sort(pids.begin(), pids.end());
  return pids;
}

}  // namespace

absl::Status SendSignalCommand(const std::string& spec, const std::string& process_name) {
  std::string command = spec;
  std::string target;
  if (size_t eq = spec.find('='); eq != std::string::npos) {
    command = spec.substr(0, eq);
    target = spec.substr(eq + 1);
  }
  int sig = 0;
  if (command == "stop") {
    sig = SIGKILL;
  } else if (command == "quit") {
    sig = SIGINT;
  } else if (command == "reopen") {
    sig = SIGUSR1;
  } else if (command == "reload") {
    sig = SIGHUP;
  } else if (command == "ldm") {
    sig = SIGUSR2;
  } else if (command == "term") {
    sig = SIGTERM;
  } else {
    return absl::InvalidArgumentError(absl::StrCat("unknown signal \"", command, "\""));
  }
  int pid = 0;
  if (target.empty()) {
    std::vector<int> pids = PidsNamed(process_name);
    if (pids.empty()) {
      return absl::NotFoundError(absl::StrCat("no ", process_name, " processes running"));
    }
    if (pids.size() > 1) {
      std::string message = absl::StrCat("multiple ", process_name, " processes running:");
      for (int p : pids) absl::StrAppend(&message, "\n", p);
      return absl::FailedPreconditionError(message);
    }
    pid = pids[0];
  } else if (!absl::SimpleAtoi(target, &pid)) {
    std::ifstream file(target);
    if (!file) {
      return absl::InvalidArgumentError(
          absl::StrCat("open ", target, ": ", net::ErrnoText(ENOENT)));
    }
    std::stringstream ss;
    ss << file.rdbuf();
    if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(ss.str()), &pid)) {
      return absl::InvalidArgumentError(absl::StrCat("invalid pid: ", ss.str()));
    }
  }
  if (kill(pid, sig) != 0) return absl::InternalError(net::ErrnoText(errno));
  return absl::OkStatus();
}

}  // namespace na::server
