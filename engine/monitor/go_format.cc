#include "engine/monitor/go_format.h"

#include <cmath>
#include <cstdio>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "rapidjson/internal/dtoa.h"

namespace na::monitor {
namespace {

// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm), so no libc time zone
// state is involved.
void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t year = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = year + (*m <= 2);
}

// Go's fmtFrac/fmtInt for Duration.String: `v` scaled by 10^prec, printed with the fraction's
// trailing zeros dropped.
std::string FracText(uint64_t v, int prec) {
  std::string frac;
  bool print = false;
  for (int i = 0; i < prec; ++i) {
    const uint64_t digit = v % 10;
    print = print || digit != 0;
    if (print) frac.insert(frac.begin(), static_cast<char>('0' + digit));
    v /= 10;
  }
  std::string out = absl::StrCat(v);
  if (!frac.empty()) absl::StrAppend(&out, ".", frac);
  return out;
}

}  // namespace

std::string FormatRfc3339Nano(int64_t unix_ns) {
  int64_t secs = unix_ns / 1'000'000'000;
  int64_t nanos = unix_ns % 1'000'000'000;
  if (nanos < 0) {
    nanos += 1'000'000'000;
    --secs;
  }
  int64_t days = secs / 86400;
  int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  int64_t year;
  unsigned month, day;
  CivilFromDays(days, &year, &month, &day);
  std::string out = absl::StrFormat("%04d-%02d-%02dT%02d:%02d:%02d", year, month, day, rem / 3600,
                                    (rem / 60) % 60, rem % 60);
  if (nanos != 0) {
    std::string frac = absl::StrFormat("%09d", nanos);
    while (frac.back() == '0') frac.pop_back();
    absl::StrAppend(&out, ".", frac);
  }
  out.push_back('Z');
  return out;
}

std::string FormatGoDuration(int64_t ns) {
  if (ns == 0) return "0s";
  const bool negative = ns < 0;
  uint64_t u = negative ? static_cast<uint64_t>(-(ns + 1)) + 1 : static_cast<uint64_t>(ns);
  std::string out;
  if (u < 1'000'000'000) {
    // Below a second: one unit, with a fraction.
    if (u < 1000) {
      out = absl::StrCat(u, "ns");
    } else if (u < 1'000'000) {
      out = FracText(u, 3) + "µs";
    } else {
      out = FracText(u, 6) + "ms";
    }
  } else {
    std::string secs = FracText(u % 60'000'000'000, 9);
    u /= 60'000'000'000;  // minutes
    out = secs + "s";
    if (u > 0) {
      const uint64_t mins = u % 60;
      u /= 60;
      out = absl::StrCat(mins, "m", out);
      if (u > 0) out = absl::StrCat(u, "h", out);
    }
  }
  return negative ? "-" + out : out;
}

std::string FormatUptime(int64_t ns) {
  const int64_t tsecs = ns / 1'000'000'000;
  const int64_t tmins = tsecs / 60;
  const int64_t thrs = tmins / 60;
  const int64_t tdays = thrs / 24;
  const int64_t tyrs = tdays / 365;
  if (tyrs > 0) {
    return absl::StrCat(tyrs, "y", tdays % 365, "d", thrs % 24, "h", tmins % 60, "m", tsecs % 60,
                        "s");
  }
  if (tdays > 0) return absl::StrCat(tdays, "d", thrs % 24, "h", tmins % 60, "m", tsecs % 60, "s");
  if (thrs > 0) return absl::StrCat(thrs, "h", tmins % 60, "m", tsecs % 60, "s");
  if (tmins > 0) return absl::StrCat(tmins, "m", tsecs % 60, "s");
  return absl::StrCat(tsecs, "s");
}

std::string FormatGoFloat(double value) {
  if (!std::isfinite(value)) return "0";  // Go refuses to encode these; never report one
  if (value == std::floor(value) && std::fabs(value) < 1e21) {
    return absl::StrFormat("%.0f", value);
  }
  // Shortest representation that reads back the same, as Go's 'f' -1 formatting chooses.
  char buf[64];
  char* end = rapidjson::internal::dtoa(value, buf);
  return std::string(buf, end);
}

}  // namespace na::monitor
