// Config reload (SIGHUP, `--signal reload`): which option changes nats-server 2.9.10 applies to
// a running server, and how it reports them.
//
// The reference walks its Options struct in field order; the first changed field it cannot
// reload fails the whole reload with `config reload not supported for <Field>: old=<v>,
// new=<v>` (Go field name, %v values) and nothing is applied. Otherwise every changed field is
// logged as `Reloaded: <what>` in that order, then `Reloaded server configuration`.
#ifndef NATRIUM_SERVER_RELOAD_H_
#define NATRIUM_SERVER_RELOAD_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/options_from_config.h"

namespace na::server {

// `old` and `next` are both as configured (config file, then flags), before the runtime fills
// in a random port. Returns the "Reloaded: ..." lines (without the final one) or the refusal.
absl::StatusOr<std::vector<std::string>> DiffForReload(const Settings& old, const Settings& next);

}  // namespace na::server

#endif  // NATRIUM_SERVER_RELOAD_H_
