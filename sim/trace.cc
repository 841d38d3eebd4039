#include "sim/trace.h"

#include <cstring>

#include "absl/strings/escaping.h"
#include "absl/strings/str_format.h"
#include "xxhash.h"

namespace na::sim {

void Trace::Record(int64_t time_ns, absl::string_view kind, uint64_t a, uint64_t b,
                   absl::string_view payload) {
  // Fixed-width little-endian fields, so the bytes hashed do not depend on struct padding.
  unsigned char buf[40];
  const uint64_t fields[5] = {static_cast<uint64_t>(time_ns), XXH3_64bits(kind.data(), kind.size()),
                              a, b, XXH3_64bits(payload.data(), payload.size())};
  for (int f = 0; f < 5; ++f) {
    for (int i = 0; i < 8; ++i) buf[f * 8 + i] = static_cast<unsigned char>(fields[f] >> (8 * i));
  }
  hash_ = XXH3_64bits_withSeed(buf, sizeof(buf), hash_);
  ++records_;
  if (records_ % checkpoint_every_ == 0) checkpoints_.push_back(hash_);
  if (sink_) {
    constexpr size_t kShownBytesMax = 120;
    const absl::string_view shown = payload.substr(0, kShownBytesMax);
    sink_(absl::StrFormat("%d.%09d %-12s %4d %6d %016x %s%s", time_ns / 1000000000,
                          time_ns % 1000000000, std::string(kind), a, b, hash_,
                          absl::CHexEscape(shown), payload.size() > kShownBytesMax ? "..." : ""));
  }
}

}  // namespace na::sim
