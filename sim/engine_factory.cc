#include "sim/engine_factory.h"

#include <memory>

#include "engine/base/check.h"
#include "engine/node/node.h"
#include "sim/testing/toy_broker.h"

namespace na::sim {

bool EngineAvailable(absl::string_view name) { return name == "node" || name == "toy"; }

EngineFactory MakeEngineFactory(absl::string_view name) {
  NA_CHECK(EngineAvailable(name));
  if (name == "toy") {
    return [](const node::Options& options, uint64_t seed) -> std::unique_ptr<io::Engine> {
      return std::make_unique<testing::ToyBroker>(options, seed);
    };
  }
  return [](const node::Options& options, uint64_t seed) -> std::unique_ptr<io::Engine> {
    return std::make_unique<node::Node>(options, seed);
  };
}

}  // namespace na::sim
