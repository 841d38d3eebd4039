#include "server/config/duration.h"

#include <limits>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace na::config {
namespace {

// Go quotes the input with strconv.Quote; config durations are printable ASCII in practice, so
// escaping only quotes and backslashes matches it for every realistic input.
std::string GoQuote(absl::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

absl::Status Invalid(absl::string_view text) {
  return absl::InvalidArgumentError(absl::StrCat("time: invalid duration ", GoQuote(text)));
}

// Unit lengths in nanoseconds; the longest match wins ("ms" before "m").
struct Unit {
  absl::string_view name;
  int64_t ns;
};
constexpr Unit kUnits[] = {
    {"ns", 1},
    {"us", 1000},
    {"\xC2\xB5s", 1000},  // U+00B5 micro sign
    {"\xCE\xBCs", 1000},  // U+03BC Greek mu
    {"ms", 1000 * 1000},
    {"s", 1000 * 1000 * 1000},
    {"m", 60LL * 1000 * 1000 * 1000},
    {"h", 3600LL * 1000 * 1000 * 1000},
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

absl::StatusOr<int64_t> ParseDurationNs(absl::string_view text) {
  const absl::string_view original = text;
  // A bare integer is seconds (nats-server opts.go parseDuration accepts int64 as seconds).
  int64_t seconds = 0;
  if (!text.empty() && absl::SimpleAtoi(text, &seconds)) {
    constexpr int64_t kMaxSeconds = std::numeric_limits<int64_t>::max() / 1'000'000'000;
    if (seconds > kMaxSeconds || seconds < -kMaxSeconds) return Invalid(original);
    return seconds * 1'000'000'000;
  }

  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  if (text == "0") return 0;
  if (text.empty()) return Invalid(original);

  // Accumulate in 128 bits and check the int64 range once per term.
  const __int128 limit = negative ? static_cast<__int128>(std::numeric_limits<int64_t>::max()) + 1
                                  : std::numeric_limits<int64_t>::max();
  __int128 total = 0;
  while (!text.empty()) {
    if (!IsDigit(text[0]) && text[0] != '.') return Invalid(original);
    __int128 whole = 0;
    size_t i = 0;
    for (; i < text.size() && IsDigit(text[i]); ++i) {
      whole = whole * 10 + (text[i] - '0');
      if (whole > limit) return Invalid(original);
    }
    const bool had_whole = i > 0;
    __int128 fraction = 0;
    __int128 scale = 1;
    bool had_fraction = false;
    if (i < text.size() && text[i] == '.') {
      ++i;
      for (; i < text.size() && IsDigit(text[i]); ++i) {
        had_fraction = true;
        // Digits past nanosecond precision of the largest unit cannot change the result.
        if (scale < static_cast<__int128>(1'000'000'000'000'000'000LL)) {
          fraction = fraction * 10 + (text[i] - '0');
          scale *= 10;
        }
      }
    }
    if (!had_whole && !had_fraction) return Invalid(original);
    text.remove_prefix(i);

    size_t unit_len = 0;
    while (unit_len < text.size() && text[unit_len] != '.' && !IsDigit(text[unit_len])) {
      ++unit_len;
    }
    if (unit_len == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("time: missing unit in duration ", GoQuote(original)));
    }
    const absl::string_view unit_name = text.substr(0, unit_len);
    const Unit* unit = nullptr;
    for (const Unit& u : kUnits) {
      if (u.name == unit_name) unit = &u;
    }
    if (unit == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("time: unknown unit ", GoQuote(unit_name),
                                                     " in duration ", GoQuote(original)));
    }
    text.remove_prefix(unit_len);
    total += whole * unit->ns + fraction * unit->ns / scale;
    if (total > limit) return Invalid(original);
  }
  return static_cast<int64_t>(negative ? -total : total);
}

}  // namespace na::config
