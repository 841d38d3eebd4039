#include "server/ports_file.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>

#include <cstdio>
#include <map>

#include "absl/strings/str_cat.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace na::server {
namespace {

std::string JoinHostPort(const std::string& host, int port) {
  if (host.find(':') != std::string::npos) return absl::StrCat("[", host, "]:", port);
  return absl::StrCat(host, ":", port);
}

absl::Status WriteFile(const std::string& path, const std::string& contents) {
  FILE* f = fopen(path.c_str(), "w");
  if (f == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("open ", path, ": ", strerror(errno)));
  }
  const size_t written = fwrite(contents.data(), 1, contents.size(), f);
  const bool ok = written == contents.size() && fclose(f) == 0;
  if (!ok) return absl::InternalError(absl::StrCat("write ", path, ": ", strerror(errno)));
  return absl::OkStatus();
}

}  // namespace

std::vector<std::string> ListenUrls(const std::string& scheme, const std::string& host, int port) {
  std::vector<std::string> urls;
  if (!host.empty() && host != "0.0.0.0" && host != "::" && host != "[::]") {
    urls.push_back(absl::StrCat(scheme, "://", JoinHostPort(host, port)));
    return urls;
  }
  struct ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) {
    urls.push_back(absl::StrCat(scheme, "://", JoinHostPort("127.0.0.1", port)));
    return urls;
  }
  // Grouped by interface (in index order), IPv4 before IPv6, like Go's net.InterfaceAddrs.
  std::map<unsigned, std::pair<std::vector<std::string>, std::vector<std::string>>> by_if;
  for (struct ifaddrs* a = list; a != nullptr; a = a->ifa_next) {
    if (a->ifa_addr == nullptr || !(a->ifa_flags & IFF_UP)) continue;
    char text[INET6_ADDRSTRLEN] = {0};
    const unsigned index = if_nametoindex(a->ifa_name);
    if (a->ifa_addr->sa_family == AF_INET) {
      inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr, text,
                sizeof(text));
      by_if[index].first.push_back(text);
    } else if (a->ifa_addr->sa_family == AF_INET6) {
      inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(a->ifa_addr)->sin6_addr, text,
                sizeof(text));
      by_if[index].second.push_back(text);
    }
  }
  freeifaddrs(list);
  for (const auto& [index, addrs] : by_if) {
    for (const std::string& ip : addrs.first) {
      urls.push_back(absl::StrCat(scheme, "://", JoinHostPort(ip, port)));
    }
    for (const std::string& ip : addrs.second) {
      urls.push_back(absl::StrCat(scheme, "://", JoinHostPort(ip, port)));
    }
  }
  return urls;
}

absl::StatusOr<std::string> WritePortsFile(const std::string& dir, const std::string& exe_name,
                                           int pid, const std::vector<std::string>& nats_urls,
                                           const std::vector<std::string>& monitoring_urls) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("nats");
  w.StartArray();
  for (const std::string& u : nats_urls) w.String(u.c_str());
  w.EndArray();
  if (!monitoring_urls.empty()) {
    w.Key("monitoring");
    w.StartArray();
    for (const std::string& u : monitoring_urls) w.String(u.c_str());
    w.EndArray();
  }
  w.EndObject();
  std::string path = absl::StrCat(dir, "/", exe_name, "_", pid, ".ports");
  absl::Status status = WriteFile(path, std::string(buf.GetString(), buf.GetSize()));
  if (!status.ok()) return status;
  return path;
}

absl::Status WritePidFile(const std::string& path, int pid) {
  return WriteFile(path, absl::StrCat(pid));
}

}  // namespace na::server
