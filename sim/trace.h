// The run's fingerprint: a 64-bit hash over every processed event and every emitted effect.
//
// Each record is (time, kind, two ids, XXH3-64 of its payload), folded into the running hash with
// XXH3-64 seeded by the previous value: a fixed algorithm with fixed constants, independent of
// the standard library, the compiler and the address-space layout. Two runs of the same seed
// must produce the same final hash and the same checkpoint hashes (one every
// `checkpoint_every` records), so the first differing checkpoint brackets a divergence.
#ifndef NATRIUM_SIM_TRACE_H_
#define NATRIUM_SIM_TRACE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace na::sim {

class Trace {
 public:
  using Sink = std::function<void(absl::string_view line)>;

  explicit Trace(uint64_t checkpoint_every = 10000) : checkpoint_every_(checkpoint_every) {}

  // With a sink, every record is also printed as one line (--trace events).
  void set_sink(Sink sink) { sink_ = std::move(sink); }

  void Record(int64_t time_ns, absl::string_view kind, uint64_t a, uint64_t b,
              absl::string_view payload);

  uint64_t hash() const { return hash_; }
  uint64_t records() const { return records_; }
  const std::vector<uint64_t>& checkpoints() const { return checkpoints_; }

 private:
  uint64_t hash_ = 0x6e61747269756d00ULL;  // "natrium\0"
  uint64_t records_ = 0;
  uint64_t checkpoint_every_;
  std::vector<uint64_t> checkpoints_;
  Sink sink_;
};

}  // namespace na::sim

#endif  // NATRIUM_SIM_TRACE_H_
