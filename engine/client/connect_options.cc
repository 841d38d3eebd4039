#include "engine/client/connect_options.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "rapidjson/document.h"
#include "rapidjson/error/en.h"

namespace na::client {
namespace {

enum class Kind : uint8_t { kBool, kInt, kString };

struct Field {
  const char* key;
  Kind kind;
  bool ConnectOptions::*bool_field;
  int64_t ConnectOptions::*int_field;
  std::string ConnectOptions::*string_field;
};

constexpr Field B(const char* key, bool ConnectOptions::*f) {
  return {key, Kind::kBool, f, nullptr, nullptr};
}
constexpr Field S(const char* key, std::string ConnectOptions::*f) {
  return {key, Kind::kString, nullptr, nullptr, f};
}

const Field kFields[] = {
    B("verbose", &ConnectOptions::verbose),
    B("pedantic", &ConnectOptions::pedantic),
    B("echo", &ConnectOptions::echo),
    B("tls_required", &ConnectOptions::tls_required),
    B("headers", &ConnectOptions::headers),
    B("no_responders", &ConnectOptions::no_responders),
    B("new_account", &ConnectOptions::new_account),
    {"protocol", Kind::kInt, nullptr, &ConnectOptions::protocol, nullptr},
    S("user", &ConnectOptions::user),
    S("pass", &ConnectOptions::pass),
    S("auth_token", &ConnectOptions::auth_token),
    S("nkey", &ConnectOptions::nkey),
    S("sig", &ConnectOptions::sig),
    S("jwt", &ConnectOptions::jwt),
    S("name", &ConnectOptions::name),
    S("lang", &ConnectOptions::lang),
    S("version", &ConnectOptions::version),
    S("account", &ConnectOptions::account),
};

const char* TypeName(const rapidjson::Value& v) {
  if (v.IsBool()) return "bool";
  if (v.IsNumber()) return "number";
  if (v.IsString()) return "string";
  if (v.IsArray()) return "array";
  return "object";
}

}  // namespace

absl::Status ApplyConnectJson(absl::string_view json, ConnectOptions* options) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError()) {
    return absl::InvalidArgumentError(absl::StrCat(rapidjson::GetParseError_En(doc.GetParseError()),
                                                   " at offset ", doc.GetErrorOffset()));
  }
  if (doc.IsNull()) return absl::OkStatus();
  if (!doc.IsObject()) {
    return absl::InvalidArgumentError(absl::StrCat("json: cannot unmarshal ", TypeName(doc),
                                                   " into Go value of type server.clientOpts"));
  }
  // Indexing instead of iterator comparison keeps clang's C++20 reversed-operator check quiet.
  for (rapidjson::SizeType i = 0; i < doc.MemberCount(); ++i) {
    const auto it = doc.MemberBegin() + i;
    const absl::string_view key(it->name.GetString(), it->name.GetStringLength());
    const rapidjson::Value& value = it->value;
    for (const Field& field : kFields) {
      if (!absl::EqualsIgnoreCase(key, field.key)) continue;
      if (value.IsNull()) break;
      const auto type_error = [&]() {
        return absl::InvalidArgumentError(absl::StrCat("json: cannot unmarshal ", TypeName(value),
                                                       " into Go struct field ", "clientOpts.",
                                                       field.key));
      };
      switch (field.kind) {
        case Kind::kBool:
          if (!value.IsBool()) return type_error();
          options->*field.bool_field = value.GetBool();
          break;
        case Kind::kInt:
          if (value.IsInt64()) {
            options->*field.int_field = value.GetInt64();
          } else {
            return type_error();
          }
          break;
        case Kind::kString:
          if (!value.IsString()) return type_error();
          (options->*field.string_field).assign(value.GetString(), value.GetStringLength());
          break;
      }
      break;
    }
  }
  return absl::OkStatus();
}

}  // namespace na::client
