#include "server/config/config_value.h"

#include <cmath>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/base/check.h"
#include "server/config/duration.h"

namespace na::config {

std::string SourceLocation::ToString() const {
  if (file.empty()) return absl::StrCat(line, ":", column);
  return absl::StrCat(file, ":", line, ":", column);
}

ConfigValue::ConfigValue() = default;

ConfigValue ConfigValue::Bool(bool v, SourceLocation where) {
  ConfigValue value;
  value.kind_ = Kind::kBool;
  value.bool_ = v;
  value.location_ = std::move(where);
  return value;
}

ConfigValue ConfigValue::Integer(int64_t v, SourceLocation where) {
  ConfigValue value;
  value.kind_ = Kind::kInteger;
  value.int_ = v;
  value.location_ = std::move(where);
  return value;
}

ConfigValue ConfigValue::Float(double v, SourceLocation where) {
  ConfigValue value;
  value.kind_ = Kind::kFloat;
  value.float_ = v;
  value.location_ = std::move(where);
  return value;
}

ConfigValue ConfigValue::String(std::string v, SourceLocation where) {
  ConfigValue value;
  value.kind_ = Kind::kString;
  value.string_ = std::move(v);
  value.location_ = std::move(where);
  return value;
}

ConfigValue ConfigValue::DateTime(std::string text, int64_t unix_seconds, SourceLocation where) {
  ConfigValue value;
  value.kind_ = Kind::kDateTime;
  value.string_ = std::move(text);
  value.int_ = unix_seconds;
  value.location_ = std::move(where);
  return value;
}

ConfigValue ConfigValue::Array(SourceLocation where) {
  ConfigValue value;
  value.kind_ = Kind::kArray;
  value.location_ = std::move(where);
  return value;
}

ConfigValue ConfigValue::Map(SourceLocation where) {
  ConfigValue value;
  value.kind_ = Kind::kMap;
  value.location_ = std::move(where);
  return value;
}

bool ConfigValue::bool_value() const {
  NA_CHECK(kind_ == Kind::kBool);
  return bool_;
}

int64_t ConfigValue::int_value() const {
  NA_CHECK(kind_ == Kind::kInteger || kind_ == Kind::kDateTime);
  return int_;
}

double ConfigValue::float_value() const {
  NA_CHECK(kind_ == Kind::kFloat);
  return float_;
}

const std::string& ConfigValue::string_value() const {
  NA_CHECK(kind_ == Kind::kString || kind_ == Kind::kDateTime);
  return string_;
}

const std::vector<ConfigValue>& ConfigValue::array() const {
  NA_CHECK(kind_ == Kind::kArray);
  return array_;
}

std::vector<ConfigValue>& ConfigValue::mutable_array() {
  NA_CHECK(kind_ == Kind::kArray);
  return array_;
}

const std::vector<ConfigEntry>& ConfigValue::entries() const {
  NA_CHECK(kind_ == Kind::kMap);
  return entries_;
}

std::vector<ConfigEntry>& ConfigValue::mutable_entries() {
  NA_CHECK(kind_ == Kind::kMap);
  return entries_;
}

const ConfigValue* ConfigValue::Find(absl::string_view key) const {
  if (kind_ != Kind::kMap) return nullptr;
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    if (absl::EqualsIgnoreCase(it->key, key)) return &it->value;
  }
  return nullptr;
}

ConfigValue* ConfigValue::FindMutable(absl::string_view key) {
  return const_cast<ConfigValue*>(static_cast<const ConfigValue*>(this)->Find(key));
}

void ConfigValue::Set(std::string key, ConfigValue value) {
  NA_CHECK(kind_ == Kind::kMap);
  for (ConfigEntry& entry : entries_) {
    if (entry.key == key) {
      entry.value = std::move(value);
      return;
    }
  }
  entries_.push_back(ConfigEntry{std::move(key), std::move(value)});
}

absl::string_view ConfigValue::KindName(Kind kind) {
  switch (kind) {
    case Kind::kBool:
      return "boolean";
    case Kind::kInteger:
      return "integer";
    case Kind::kFloat:
      return "float";
    case Kind::kString:
      return "string";
    case Kind::kDateTime:
      return "datetime";
    case Kind::kArray:
      return "array";
    case Kind::kMap:
      return "map";
  }
  return "unknown";
}

absl::Status ConfigValue::Error(absl::string_view message) const {
  return absl::InvalidArgumentError(absl::StrCat(location_.ToString(), ": ", message));
}

absl::StatusOr<bool> ConfigValue::GetBool() const {
  if (kind_ != Kind::kBool) return Error(absl::StrCat("expected boolean, got ", KindName(kind_)));
  return bool_;
}

absl::StatusOr<int64_t> ConfigValue::GetInt() const {
  if (kind_ != Kind::kInteger) {
    return Error(absl::StrCat("expected integer, got ", KindName(kind_)));
  }
  return int_;
}

absl::StatusOr<double> ConfigValue::GetFloat() const {
  if (kind_ == Kind::kInteger) return static_cast<double>(int_);
  if (kind_ != Kind::kFloat) return Error(absl::StrCat("expected float, got ", KindName(kind_)));
  return float_;
}

absl::StatusOr<std::string> ConfigValue::GetString() const {
  if (kind_ != Kind::kString) return Error(absl::StrCat("expected string, got ", KindName(kind_)));
  return string_;
}

absl::StatusOr<int64_t> ConfigValue::GetDurationNs() const {
  if (kind_ == Kind::kInteger) {
    constexpr int64_t kMaxSeconds = INT64_MAX / 1'000'000'000;
    if (int_ > kMaxSeconds || int_ < -kMaxSeconds) {
      return Error(absl::StrCat("duration of ", int_, " seconds is out of range"));
    }
    return int_ * 1'000'000'000;
  }
  if (kind_ != Kind::kString) {
    return Error(absl::StrCat("expected duration, got ", KindName(kind_)));
  }
  absl::StatusOr<int64_t> ns = ParseDurationNs(string_);
  if (!ns.ok()) return Error(ns.status().message());
  return *ns;
}

namespace {

void AppendQuoted(absl::string_view s, std::string* out) {
  out->push_back('"');
  for (char c : s) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\r':
        out->append("\\r");
        break;
      default:
        out->push_back(c);
    }
  }
  out->push_back('"');
}

void AppendDebug(const ConfigValue& v, std::string* out) {
  switch (v.kind()) {
    case ConfigValue::Kind::kBool:
      out->append(v.bool_value() ? "true" : "false");
      return;
    case ConfigValue::Kind::kInteger:
      absl::StrAppend(out, v.int_value());
      return;
    case ConfigValue::Kind::kFloat:
      absl::StrAppend(out, v.float_value());
      // Keep floats visibly floats: 2.0 would otherwise print as "2".
      if (std::floor(v.float_value()) == v.float_value()) out->append(".0");
      return;
    case ConfigValue::Kind::kString:
      AppendQuoted(v.string_value(), out);
      return;
    case ConfigValue::Kind::kDateTime:
      absl::StrAppend(out, "datetime(", v.string_value(), ")");
      return;
    case ConfigValue::Kind::kArray: {
      out->push_back('[');
      bool first = true;
      for (const ConfigValue& e : v.array()) {
        if (!first) out->push_back(',');
        first = false;
        AppendDebug(e, out);
      }
      out->push_back(']');
      return;
    }
    case ConfigValue::Kind::kMap: {
      out->push_back('{');
      bool first = true;
      for (const ConfigEntry& e : v.entries()) {
        if (!first) out->push_back(',');
        first = false;
        AppendQuoted(e.key, out);
        out->push_back(':');
        AppendDebug(e.value, out);
      }
      out->push_back('}');
      return;
    }
  }
}

}  // namespace

std::string ConfigValue::DebugString() const {
  std::string out;
  AppendDebug(*this, &out);
  return out;
}

}  // namespace na::config
