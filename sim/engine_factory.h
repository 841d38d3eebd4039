// Which engine natrium-sim runs: "node" (the product, engine/node) or "toy" (sim/testing's small
// broker, for testing the simulator itself).
#ifndef NATRIUM_SIM_ENGINE_FACTORY_H_
#define NATRIUM_SIM_ENGINE_FACTORY_H_

#include "absl/strings/string_view.h"
#include "sim/sim_node.h"

namespace na::sim {

bool EngineAvailable(absl::string_view name);
// REQUIRES: EngineAvailable(name).
EngineFactory MakeEngineFactory(absl::string_view name);

}  // namespace na::sim

#endif  // NATRIUM_SIM_ENGINE_FACTORY_H_
