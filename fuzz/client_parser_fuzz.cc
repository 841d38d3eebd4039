// Fuzzes the client parser: the same bytes, fed whole, split in two at a point the input
// chooses, and fed one byte at a time, must give the same operations and the same error, and
// must never crash or hold more than its bounds allow.
//
// Input layout: byte 0 picks the split point (scaled over the rest), byte 1 holds knobs (low 3
// bits: stop after that many operations, 0 = never; high 5 bits: max_control_line, 31 meaning
// the default 4096), and the remaining bytes are what a client sent.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "engine/protocol/client_parser.h"
#include "engine/protocol/op_recorder.h"

namespace {

using na::protocol::ClientParser;
using na::protocol::OpRecorder;
using na::protocol::ParseError;
using na::protocol::ParseErrorText;
using na::protocol::ParserLimits;

struct Outcome {
  std::string ops;
  ParseError error = ParseError::kNone;
};

[[noreturn]] void Fail(const char* what, const Outcome& a, const Outcome& b) {
  std::fprintf(stderr, "client_parser_fuzz: %s\n--- whole (%s)\n%s--- other (%s)\n%s", what,
               std::string(ParseErrorText(a.error)).c_str(), a.ops.c_str(),
               std::string(ParseErrorText(b.error)).c_str(), b.ops.c_str());
  std::abort();
}

class Run {
 public:
  Run(ParserLimits limits, int stop_after) : limits_(limits), parser_(limits), ops_(stop_after) {}

  // Copies each piece into its own heap block and frees it after Feed(), so that a view kept
  // past its call is a use-after-free under ASan.
  bool Feed(const uint8_t* data, size_t size) {
    std::unique_ptr<char[]> piece(new char[size == 0 ? 1 : size]);
    if (size > 0) std::memcpy(piece.get(), data, size);
    outcome_.error = parser_.Feed(absl::string_view(piece.get(), size), ops_);
    const size_t bound = 2 * static_cast<size_t>(limits_.max_control_line_bytes + 1) +
                         static_cast<size_t>(limits_.max_payload_hard_bytes);
    if (parser_.buffered_bytes() > bound) {
      std::fprintf(stderr, "client_parser_fuzz: buffered %zu > bound %zu\n",
                   parser_.buffered_bytes(), bound);
      std::abort();
    }
    return outcome_.error == ParseError::kNone;
  }

  Outcome Finish() {
    outcome_.ops = ops_.Joined();
    return outcome_;
  }

 private:
  ParserLimits limits_;
  ClientParser parser_;
  OpRecorder ops_;
  Outcome outcome_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const uint8_t split_byte = data[0];
  const uint8_t knobs = data[1];
  data += 2;
  size -= 2;

  ParserLimits limits;
  const int control_line_step = knobs >> 3;
  limits.max_control_line_bytes = control_line_step == 31 ? 4096 : 8 + 8 * control_line_step;
  // Small, so that random sizes do not make the fuzzer allocate megabytes per input.
  limits.max_payload_hard_bytes = 1024;
  const int stop_after = knobs & 7;
  const size_t split = size * split_byte / 255;

  Run whole(limits, stop_after);
  whole.Feed(data, size);
  const Outcome expected = whole.Finish();

  Run halves(limits, stop_after);
  if (halves.Feed(data, split)) halves.Feed(data + split, size - split);
  const Outcome split_outcome = halves.Finish();
  if (split_outcome.ops != expected.ops || split_outcome.error != expected.error) {
    Fail("split in two differs from whole", expected, split_outcome);
  }

  Run bytes(limits, stop_after);
  for (size_t i = 0; i < size; ++i) {
    if (!bytes.Feed(data + i, 1)) break;
  }
  const Outcome bytes_outcome = bytes.Finish();
  if (bytes_outcome.ops != expected.ops || bytes_outcome.error != expected.error) {
    Fail("byte by byte differs from whole", expected, bytes_outcome);
  }
  return 0;
}
