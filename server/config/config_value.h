// ConfigValue: the tree a NATS configuration file parses into (see config_parser.h).
//
// A value is a bool, integer, float, string, datetime, array or map. Maps keep their keys in file
// order and with their original case; Find() matches keys case-insensitively, as nats-server does
// when it reads options (strings.ToLower on every key). Every value remembers where it came from
// (file:line:col) so that the layer mapping keys to options can report "file:line:col: ...".
//
// Values are plain data: copyable, no references into the parser or the text.
#ifndef NATRIUM_SERVER_CONFIG_CONFIG_VALUE_H_
#define NATRIUM_SERVER_CONFIG_CONFIG_VALUE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace na::config {

struct SourceLocation {
  std::string file;  // as given to the parser (include paths joined to the including file's dir)
  int line = 0;      // 1-based
  int column = 0;    // 1-based, in bytes

  // "file:line:col", or "line:col" when there is no file name.
  std::string ToString() const;
};

struct ConfigEntry;

class ConfigValue {
 public:
  enum class Kind { kBool, kInteger, kFloat, kString, kDateTime, kArray, kMap };

  ConfigValue();  // an empty map
  static ConfigValue Bool(bool v, SourceLocation where);
  static ConfigValue Integer(int64_t v, SourceLocation where);
  static ConfigValue Float(double v, SourceLocation where);
  static ConfigValue String(std::string v, SourceLocation where);
  // `text` is the Zulu form "2006-01-02T15:04:05Z"; `unix_seconds` its value.
  static ConfigValue DateTime(std::string text, int64_t unix_seconds, SourceLocation where);
  static ConfigValue Array(SourceLocation where);
  static ConfigValue Map(SourceLocation where);

  Kind kind() const { return kind_; }
  bool is_bool() const { return kind_ == Kind::kBool; }
  bool is_integer() const { return kind_ == Kind::kInteger; }
  bool is_float() const { return kind_ == Kind::kFloat; }
  bool is_string() const { return kind_ == Kind::kString; }
  bool is_datetime() const { return kind_ == Kind::kDateTime; }
  bool is_array() const { return kind_ == Kind::kArray; }
  bool is_map() const { return kind_ == Kind::kMap; }

  // Where the value was written. For a map entry this is where its KEY starts (nats-server
  // reports errors at the key, which is what a reader looks for); for an array element, where
  // the element starts; for a value copied from a $VARIABLE, where the reference is.
  const SourceLocation& location() const { return location_; }
  void set_location(SourceLocation where) { location_ = std::move(where); }

  // Raw accessors. REQUIRES: the matching kind (checked; a mismatch is a programming error).
  bool bool_value() const;
  int64_t int_value() const;                // kInteger, and kDateTime (unix seconds)
  double float_value() const;               // kFloat only
  const std::string& string_value() const;  // kString, and kDateTime (its text)
  const std::vector<ConfigValue>& array() const;
  std::vector<ConfigValue>& mutable_array();
  const std::vector<ConfigEntry>& entries() const;  // kMap, in file order
  std::vector<ConfigEntry>& mutable_entries();

  // Map lookup, case-insensitive. When several keys differ only in case the last one written
  // wins, as a later definition of the same key does. Returns nullptr when absent or not a map.
  const ConfigValue* Find(absl::string_view key) const;
  ConfigValue* FindMutable(absl::string_view key);
  // Sets `key` (exact case) in a map: an existing entry with exactly this key is replaced in
  // place (nats-server lets a later definition override), otherwise the entry is appended.
  // REQUIRES: is_map().
  void Set(std::string key, ConfigValue value);

  // Typed getters for the option-mapping layer. Each returns InvalidArgument
  // "file:line:col: <what was expected>, got <kind>" on a type mismatch.
  absl::StatusOr<bool> GetBool() const;
  absl::StatusOr<int64_t> GetInt() const;
  absl::StatusOr<double> GetFloat() const;  // integers are accepted
  absl::StatusOr<std::string> GetString() const;
  // A duration in nanoseconds: a string in Go duration syntax ("2m", "1h30m", "500ms"), or a
  // bare integer meaning seconds (nats-server accepts it with a warning; see
  // is_integer() to decide whether to warn).
  absl::StatusOr<int64_t> GetDurationNs() const;

  // An error located at this value: InvalidArgument "file:line:col: message".
  absl::Status Error(absl::string_view message) const;

  // True when some $VARIABLE reference resolved to this map entry. nats-server does not report
  // such keys as unknown fields; the mapping layer should skip them too.
  bool used_as_variable() const { return used_as_variable_; }
  void set_used_as_variable(bool used) { used_as_variable_ = used; }

  // A compact JSON-like rendering (keys in order), for tests and debugging.
  std::string DebugString() const;

  static absl::string_view KindName(Kind kind);

 private:
  Kind kind_ = Kind::kMap;
  bool bool_ = false;
  bool used_as_variable_ = false;
  int64_t int_ = 0;
  double float_ = 0;
  std::string string_;
  std::vector<ConfigValue> array_;
  std::vector<ConfigEntry> entries_;
  SourceLocation location_;
};

struct ConfigEntry {
  std::string key;  // original case
  ConfigValue value;
};

}  // namespace na::config

#endif  // NATRIUM_SERVER_CONFIG_CONFIG_VALUE_H_
