#include "engine/client/client_log.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace na::client {

std::string GoQuote(absl::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('"');
  for (char ch : text) {
    const unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\v':
        out += "\\v";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          absl::StrAppendFormat(&out, "\\x%02x", c);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
  return out;
}

std::string RedactPassword(absl::string_view json) {
  const size_t key = json.find("\"pass");
  if (key == absl::string_view::npos) return std::string(json);
  size_t i = key + 5;
  // Skip the rest of the key, then the separator, then an opening quote.
  while (i < json.size() && json[i] != '"' && json[i] != ':') ++i;
  if (i < json.size() && json[i] == '"') ++i;
  while (i < json.size() && (json[i] == ' ' || json[i] == '\t')) ++i;
  if (i >= json.size() || (json[i] != ':' && json[i] != '=')) return std::string(json);
  ++i;
  while (i < json.size() && (json[i] == ' ' || json[i] == '\t')) ++i;
  if (i < json.size() && json[i] == '"') ++i;
  size_t end = i;
  while (end < json.size() && json[end] != '"' && json[end] != ',' && json[end] != '}' &&
         json[end] != '\r' && json[end] != '\n') {
    ++end;
  }
  return absl::StrCat(json.substr(0, i), "[REDACTED]", json.substr(end));
}

std::string GoDuration(int64_t ns) {
  if (ns == 0) return "0s";
  if (ns < 1'000'000'000) {
    if (ns % 1'000'000 == 0) return absl::StrCat(ns / 1'000'000, "ms");
    return absl::StrCat(ns, "ns");
  }
  const int64_t total_s = ns / 1'000'000'000;
  const int64_t frac_ns = ns % 1'000'000'000;
  std::string seconds = absl::StrCat(total_s % 60);
  if (frac_ns != 0) {
    std::string frac = absl::StrFormat("%09d", frac_ns);
    while (!frac.empty() && frac.back() == '0') frac.pop_back();
    absl::StrAppend(&seconds, ".", frac);
  }
  const int64_t total_m = total_s / 60;
  if (total_m == 0) return absl::StrCat(seconds, "s");
  const int64_t h = total_m / 60;
  if (h == 0) return absl::StrCat(total_m, "m", seconds, "s");
  return absl::StrCat(h, "h", total_m % 60, "m", seconds, "s");
}

}  // namespace na::client
