#include "sim/engine_factory.h"

#include <memory>

#include "engine/base/check.h"
#include "sim/testing/toy_broker.h"

namespace na::sim {

bool EngineAvailable(absl::string_view name) { return name == "toy"; }

EngineFactory MakeEngineFactory(absl::string_view name) {
  NA_CHECK(EngineAvailable(name));
  return [](const node::Options& options, uint64_t seed) -> std::unique_ptr<io::Engine> {
    return std::make_unique<testing::ToyBroker>(options, seed);
  };
}

}  // namespace na::sim
