// "Sometimes" probes: named rare paths that a sweep must show were exercised.
//
// An always-invariant that is never put to the test proves nothing, so the simulator counts how
// often each interesting situation happened (FoundationDB's CODE_PROBE, Antithesis "sometimes").
// The names are fixed so that a sweep can list the ones that were never reached.
#ifndef NATRIUM_SIM_CHECK_COVERAGE_H_
#define NATRIUM_SIM_CHECK_COVERAGE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/strings/string_view.h"

namespace na::sim::check {

class Coverage {
 public:
  // Every probe the simulator knows, in report order.
  static const std::vector<std::string>& Names();

  // REQUIRES: `name` is one of Names().
  void Hit(absl::string_view name);
  void Merge(const Coverage& other);

  uint64_t count(absl::string_view name) const;
  std::vector<std::string> NeverReached() const;
  // "name=count ..." for the probes that were reached, in Names() order.
  std::string Summary() const;

 private:
  absl::btree_map<std::string, uint64_t> counts_;
};

}  // namespace na::sim::check

#endif  // NATRIUM_SIM_CHECK_COVERAGE_H_
