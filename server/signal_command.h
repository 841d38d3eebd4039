// `-sl/--signal <command>[=<pid|pidfile>]`: signal a running server and exit, as nats-server's
// ProcessSignal does. Commands map to signals: stop=KILL, quit=INT, reopen=USR1, reload=HUP,
// ldm=USR2, term=TERM. Without a pid, the single other process named natrium-server is the
// target ("no natrium-server processes running" / "multiple natrium-server processes running:"
// otherwise).
#ifndef NATRIUM_SERVER_SIGNAL_COMMAND_H_
#define NATRIUM_SERVER_SIGNAL_COMMAND_H_

#include <string>

#include "absl/status/status.h"

namespace na::server {

absl::Status SendSignalCommand(const std::string& spec, const std::string& process_name);

}  // namespace na::server

#endif  // NATRIUM_SERVER_SIGNAL_COMMAND_H_
