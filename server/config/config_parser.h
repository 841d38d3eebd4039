// The NATS configuration file format (nats-server 2.9.10 conf/lex.go + conf/parse.go; spec in
// nats-reference.md §9), parsed into a ConfigValue tree.
//
//   # comment                 // comment
//   port: 4222                key/value with ':', '=' or a space; ';' or ',' may end a value
//   cluster { name: c1 }      maps, with or without a separator before '{'
//   routes [ a, b             arrays, elements separated by ',' or new lines
//            c ]
//   s1 "esc\t\x41"  s2 'raw'  s3 unquoted   s4 ( block string up to a line holding only ")" )
//   b yes                     booleans: true/false/yes/no/on/off, any case
//   n 1000  n 1k  n 2MiB  n -3  n 1.5      integers with size suffixes, floats
//   d 2006-01-02T15:04:05Z    datetimes
//   TOKEN: "s3cr3t"           variables: token: $TOKEN, looked up in the enclosing maps, then
//   token: $TOKEN             the environment; "$2a$..." (bcrypt) is a string, not a variable
//   include ./other.conf      merges other.conf's keys here; path relative to this file
//   {"port": 4222}            JSON is a valid config
//
// Integer size suffixes multiply exactly as nats-server's parser does: k=1000, kb/ki/kib=1024,
// m=1000^2, mb/mi/mib=1024^2, and so on through g, t, p, e (case-insensitive). Note that an
// unquoted "2m" is therefore the integer 2000000, as in nats-server; write "2m" in quotes for a
// duration string. Durations are left to the consumer (ConfigValue::GetDurationNs).
//
// Errors are InvalidArgument "file:line:col: message" with nats-server's message text where it
// has one (e.g. "variable reference for 'X' on line 3 can not be found"); columns are 1-based.
// Deliberate differences from nats-server (all on input it mishandles): an integer that
// overflows with its suffix, or has an unknown suffix ("1kbb"), is an error instead of a silent
// wrap or drop; an integer just before ']' stays an integer; an absolute include path is used
// as is; include cycles stop at kIncludeDepthMax; nesting stops at kNestingDepthMax.
#ifndef NATRIUM_SERVER_CONFIG_CONFIG_PARSER_H_
#define NATRIUM_SERVER_CONFIG_CONFIG_PARSER_H_

#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/config/config_value.h"

namespace na::config {

// Reads an included file. Gets the joined path; returns its text, or an error whose message is
// used verbatim inside "error parsing include file '<path>', <message>".
using FileLoader = std::function<absl::StatusOr<std::string>(const std::string& path)>;
// Looks up an environment variable (nullopt when unset).
using EnvLookup = std::function<std::optional<std::string>(absl::string_view name)>;

inline constexpr int kIncludeDepthMax = 10;
inline constexpr int kNestingDepthMax = 100;

// Parses `text`. `file_name` names it in locations and is the base for relative includes.
// A null `loader` makes any include an error; a null `env` means an empty environment.
// Returns the top-level map.
absl::StatusOr<ConfigValue> ParseConfigText(absl::string_view text, absl::string_view file_name,
                                            const FileLoader& loader, const EnvLookup& env);

// Reads `path` from disk and parses it with the real file system and process environment.
// An unreadable file is InvalidArgument "error opening config file: open <path>: <reason>".
absl::StatusOr<ConfigValue> ParseConfigFile(absl::string_view path);

// The loader and environment ParseConfigFile uses.
absl::StatusOr<std::string> ReadConfigFile(const std::string& path);
std::optional<std::string> ProcessEnv(absl::string_view name);

}  // namespace na::config

#endif  // NATRIUM_SERVER_CONFIG_CONFIG_PARSER_H_
