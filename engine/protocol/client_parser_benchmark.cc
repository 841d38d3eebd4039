// Parser throughput on typical client traffic: many small PUBs in one read (the zero-copy path),
// the same bytes in 1 KiB reads (the split path), and large payloads.
#include <string>

#include "benchmark/benchmark.h"
#include "engine/protocol/client_parser.h"

namespace na::protocol {
namespace {

class CountingHandler : public ClientOpHandler {
 public:
  Next OnConnect(absl::string_view) override { return Next::kContinue; }
  Next OnPubArgs(const PubOp&) override { return Next::kContinue; }
  Next OnPub(const PubOp& op) override {
    bytes += op.payload.size();
    ++msgs;
    return Next::kContinue;
  }
  Next OnSub(const SubOp&) override { return Next::kContinue; }
  Next OnUnsub(const UnsubOp&) override { return Next::kContinue; }
  Next OnPing() override { return Next::kContinue; }
  Next OnPong() override { return Next::kContinue; }
  Next OnInfo(absl::string_view) override { return Next::kContinue; }
  Next OnOk() override { return Next::kContinue; }
  Next OnErr(absl::string_view) override { return Next::kContinue; }
  size_t bytes = 0;
  size_t msgs = 0;
};

std::string Traffic(int payload_bytes, int count) {
  std::string one = "PUB orders.eu.created _INBOX.abcdef.1 " + std::to_string(payload_bytes) +
                    "\r\n" + std::string(payload_bytes, 'x') + "\r\n";
  std::string all;
  for (int i = 0; i < count; ++i) all += one;
  return all;
}

void BM_ParsePubs(benchmark::State& state) {
  const int payload_bytes = static_cast<int>(state.range(0));
  const size_t read_bytes = static_cast<size_t>(state.range(1));  // 0: one read
  const std::string traffic = Traffic(payload_bytes, 1000);
  CountingHandler handler;
  ClientParser parser(ParserLimits{});
  for (auto _ : state) {
    absl::string_view rest = traffic;
    while (!rest.empty()) {
      const size_t take = read_bytes == 0 ? rest.size() : std::min(read_bytes, rest.size());
      if (parser.Feed(rest.substr(0, take), handler) != ParseError::kNone) {
        state.SkipWithError("parse error");
        return;
      }
      rest.remove_prefix(take);
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * traffic.size()));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * 1000);
}
BENCHMARK(BM_ParsePubs)
    ->Args({16, 0})
    ->Args({16, 1024})
    ->Args({512, 0})
    ->Args({512, 1024})
    ->Args({65536, 0})
    ->Args({65536, 16384});

}  // namespace
}  // namespace na::protocol
