#include "engine/client/connect_options.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/client/client_log.h"
#include "rapidjson/document.h"
#include "rapidjson/memorystream.h"
#include "rapidjson/reader.h"

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

// The value as Go's UnmarshalTypeError names it ("string", "number", ...). A number that does
// not fit the int field is named with its text, as Go does ("number 1.5").
std::string TypeName(const rapidjson::Value& v, Kind target) {
  if (v.IsBool()) return "bool";
  if (v.IsString()) return "string";
  if (v.IsArray()) return "array";
  if (v.IsObject()) return "object";
  if (target != Kind::kInt) return "number";
  if (v.IsUint64()) return absl::StrCat("number ", v.GetUint64());
  return absl::StrCat("number ", v.GetDouble());
}

const char* GoTypeName(Kind kind) {
  switch (kind) {
    case Kind::kBool:
      return "bool";
    case Kind::kInt:
      return "int";
    case Kind::kString:
      return "string";
  }
  return "";
}

// Go's scanner quotes the offending byte like a rune literal (encoding/json quoteChar).
std::string QuoteChar(char c) {
  if (c == '\'') return "'\\''";
  if (c == '"') return "'\"'";
  std::string quoted = GoQuote(absl::string_view(&c, 1));
  return absl::StrCat("'", absl::string_view(quoted).substr(1, quoted.size() - 2), "'");
}

// What Go's scanner says it was doing when a byte went wrong, by rapidjson error; anything else
// is "looking for beginning of value".
struct SyntaxContext {
  rapidjson::ParseErrorCode code;
  absl::string_view text;
};
constexpr SyntaxContext kSyntaxContexts[] = {
    {rapidjson::kParseErrorObjectMissName, "looking for beginning of object key string"},
    {rapidjson::kParseErrorObjectMissColon, "after object key"},
    {rapidjson::kParseErrorObjectMissCommaOrCurlyBracket, "after object key:value pair"},
    {rapidjson::kParseErrorArrayMissCommaOrSquareBracket, "after array element"},
    {rapidjson::kParseErrorDocumentRootNotSingular, "after top-level value"},
    {rapidjson::kParseErrorStringEscapeInvalid, "in string escape code"},
    {rapidjson::kParseErrorStringUnicodeEscapeInvalidHex, "in \\u hexadecimal character escape"},
    {rapidjson::kParseErrorStringInvalidEncoding, "in string literal"},
    {rapidjson::kParseErrorStringMissQuotationMark, "in string literal"},
    {rapidjson::kParseErrorNumberMissFraction, "after decimal point in numeric literal"},
    {rapidjson::kParseErrorNumberMissExponent, "in exponent of numeric literal"},
};

// Go's encoding/json syntax error for what rapidjson reported. Go names the offending byte and
// what it was looking for; running out of input is "unexpected end of JSON input".
std::string GoSyntaxError(absl::string_view json, rapidjson::ParseErrorCode code, size_t offset) {
  if (offset >= json.size()) return "unexpected end of JSON input";
  // In a bad literal ("tru}") rapidjson may point anywhere in it, and at the backslash of a bad
  // escape; Go names the first byte that differs from the literal, and the byte after '\\'.
  if (code == rapidjson::kParseErrorValueInvalid) {
    size_t start = offset;
    while (start > 0 && json[start - 1] >= 'a' && json[start - 1] <= 'z') --start;
    for (absl::string_view literal : {"true", "false", "null"}) {
      if (json[start] != literal[0]) continue;
      size_t i = 1;
      while (i < literal.size() && start + i < json.size() && json[start + i] == literal[i]) ++i;
      if (i == literal.size()) break;
      if (start + i >= json.size()) return "unexpected end of JSON input";
      return absl::StrCat("invalid character ", QuoteChar(json[start + i]), " in literal ", literal,
                          " (expecting ", QuoteChar(literal[i]), ")");
    }
  }
  if (code == rapidjson::kParseErrorStringEscapeInvalid) {
    if (++offset >= json.size()) return "unexpected end of JSON input";
  }
  if (code == rapidjson::kParseErrorStringUnicodeEscapeInvalidHex && json[offset] == '\\') {
    offset += 2;  // past "\\u", to the first byte that is not a hex digit
    while (offset < json.size() && absl::ascii_isxdigit(static_cast<unsigned char>(json[offset]))) {
      ++offset;
    }
    if (offset >= json.size()) return "unexpected end of JSON input";
  }
  absl::string_view context = "looking for beginning of value";
  for (const SyntaxContext& known : kSyntaxContexts) {
    if (known.code == code) context = known.text;
  }
  return absl::StrCat("invalid character ", QuoteChar(json[offset]), " ", context);
}

}  // namespace

absl::Status CheckJsonSyntax(absl::string_view json) {
  rapidjson::Reader reader;
  rapidjson::BaseReaderHandler<> handler;
  rapidjson::MemoryStream stream(json.data(), json.size());
  const rapidjson::ParseResult result = reader.Parse(stream, handler);
  if (result.IsError()) {
    return absl::InvalidArgumentError(GoSyntaxError(json, result.Code(), result.Offset()));
  }
  return absl::OkStatus();
}

absl::Status ApplyConnectJson(absl::string_view json, ConnectOptions* options) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError()) {
    return absl::InvalidArgumentError(
        GoSyntaxError(json, doc.GetParseError(), doc.GetErrorOffset()));
  }
  if (doc.IsNull()) return absl::OkStatus();
  if (!doc.IsObject()) {
    return absl::InvalidArgumentError(absl::StrCat("json: cannot unmarshal ",
                                                   TypeName(doc, Kind::kBool),
                                                   " into Go value of type server.ClientOpts"));
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
        return absl::InvalidArgumentError(absl::StrCat(
            "json: cannot unmarshal ", TypeName(value, field.kind),
            " into Go struct field ClientOpts.", field.key, " of type ", GoTypeName(field.kind)));
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
