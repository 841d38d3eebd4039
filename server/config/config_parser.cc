// A recursive-descent parser for the NATS config format. The accepted syntax and the error
// texts follow nats-server 2.9.10 (conf/lex.go, conf/parse.go); the structure is our own.
#include "server/config/config_parser.h"

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "engine/base/status_macros.h"

namespace na::config {
namespace {

enum class Context { kTop, kMap, kArray };

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
// Go's unicode.IsSpace for the ASCII range.
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
bool IsBlank(char c) { return c == ' ' || c == '\t'; }
bool IsNewline(char c) { return c == '\n' || c == '\r'; }
bool IsSizeSuffixStart(char c) {
  switch (absl::ascii_tolower(static_cast<unsigned char>(c))) {
    case 'k':
    case 'm':
    case 'g':
    case 't':
    case 'p':
    case 'e':
      return true;
    default:
      return false;
  }
}
// What may follow an integer for it to stay an integer. nats-server leaves ']' out, which turns
// the last number of "[1, 2]" into the string "2"; we keep it a number.
bool EndsNumber(char c) {
  return IsNewline(c) || IsBlank(c) || c == '}' || c == ';' || c == ',' || c == ']';
}
// What ends an unquoted string (besides end of input).
bool EndsUnquoted(char c) {
  return IsNewline(c) || IsBlank(c) || c == ';' || c == ',' || c == ']' || c == '}';
}
bool IsBoolWord(absl::string_view s) {
  for (absl::string_view word : {"true", "false", "yes", "no", "on", "off"}) {
    if (absl::EqualsIgnoreCase(s, word)) return true;
  }
  return false;
}
bool BoolWordValue(absl::string_view s) {
  return absl::EqualsIgnoreCase(s, "true") || absl::EqualsIgnoreCase(s, "yes") ||
         absl::EqualsIgnoreCase(s, "on");
}

// Multipliers from nats-server conf/parse.go.
bool SizeMultiplier(absl::string_view suffix, int64_t* multiplier) {
  struct Suffix {
    absl::string_view decimal;
    int power;
  };
  // k=10^3 ... e=10^18; the binary forms ("kb", "ki", "kib") are powers of 1024.
  constexpr Suffix kSuffixes[] = {{"k", 1}, {"m", 2}, {"g", 3}, {"t", 4}, {"p", 5}, {"e", 6}};
  const std::string lower = absl::AsciiStrToLower(suffix);
  if (lower.empty()) {
    *multiplier = 1;
    return true;
  }
  for (const Suffix& s : kSuffixes) {
    const bool decimal = lower == s.decimal;
    const bool binary = lower == absl::StrCat(s.decimal, "b") ||
                        lower == absl::StrCat(s.decimal, "i") ||
                        lower == absl::StrCat(s.decimal, "ib");
    if (!decimal && !binary) continue;
    int64_t m = 1;
    for (int i = 0; i < s.power; ++i) m *= decimal ? 1000 : 1024;
    *multiplier = m;
    return true;
  }
  return false;
}

// Lexical cleanup of a joined path, like Go's filepath.Clean ("./a" -> "a", "x/../y" -> "y").
std::string CleanPath(absl::string_view path) {
  const bool absolute = absl::StartsWith(path, "/");
  std::vector<std::string> parts;
  for (absl::string_view part : absl::StrSplit(path, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == ".." && !parts.empty() && parts.back() != "..") {
      parts.pop_back();
      continue;
    }
    if (part == ".." && absolute) continue;
    parts.emplace_back(part);
  }
  std::string out = absl::StrCat(absolute ? "/" : "", absl::StrJoin(parts, "/"));
  return out.empty() ? "." : out;
}

std::string IncludePath(absl::string_view including_file, absl::string_view include) {
  if (absl::StartsWith(include, "/")) return CleanPath(include);
  const size_t slash = including_file.rfind('/');
  if (slash == absl::string_view::npos) return CleanPath(include);
  return CleanPath(absl::StrCat(including_file.substr(0, slash + 1), include));
}

class Parser {
 public:
  Parser(absl::string_view text, std::string file, const FileLoader& loader, const EnvLookup& env,
         int include_depth)
      : text_(text),
        file_(std::move(file)),
        loader_(loader),
        env_(env),
        include_depth_(include_depth) {}

  absl::StatusOr<ConfigValue> ParseDocument();

 private:
  // Keeps the scope stack and nesting counter right on every exit path.
  class MapScope {
   public:
    MapScope(Parser* parser, ConfigValue* map) : parser_(parser) {
      parser_->scopes_.push_back(map);
    }
    ~MapScope() { parser_->scopes_.pop_back(); }

   private:
    Parser* parser_;
  };
  class Nesting {
   public:
    explicit Nesting(Parser* parser) : parser_(parser) { ++parser_->nesting_; }
    ~Nesting() { --parser_->nesting_; }
    bool too_deep() const { return parser_->nesting_ > kNestingDepthMax; }

   private:
    Parser* parser_;
  };

  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek(size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  char Advance() {
    const char c = text_[pos_++];
    if (c == '\n') {
      ++line_;
      line_start_ = pos_;
    }
    return c;
  }
  SourceLocation Here() const {
    return SourceLocation{file_, line_, static_cast<int>(pos_ - line_start_) + 1};
  }
  // The character at the cursor as nats-server quotes it in messages.
  std::string Current() const;

  absl::Status ErrorAt(const SourceLocation& where, absl::string_view message) const {
    return absl::InvalidArgumentError(absl::StrCat(where.ToString(), ": ", message));
  }
  absl::Status ErrorHere(absl::string_view message) const { return ErrorAt(Here(), message); }

  void SkipToEndOfLine() {
    while (!AtEnd() && !IsNewline(Peek())) Advance();
  }
  // Skips blanks (and new lines when `newlines`), and comments up to their end of line.
  void SkipSpaceAndComments(bool newlines);
  absl::Status ExpectTopValueEnd();

  absl::Status ParseEntry(Context context, ConfigValue* map);
  absl::Status ParseInclude(const SourceLocation& where, ConfigValue* map);
  absl::StatusOr<ConfigValue> ParseValue(Context context);
  absl::StatusOr<ConfigValue> ParseArray();
  absl::StatusOr<ConfigValue> ParseMap();
  absl::StatusOr<ConfigValue> ParseQuoted(char quote);
  absl::StatusOr<ConfigValue> ParseBlock();
  absl::StatusOr<ConfigValue> ParseNumber();
  absl::StatusOr<ConfigValue> ParseUnquoted(size_t start, const SourceLocation& where);
  absl::StatusOr<ConfigValue> ParseDateTime(size_t start, const SourceLocation& where);
  absl::StatusOr<ConfigValue> MakeInteger(absl::string_view text, const SourceLocation& where);
  absl::StatusOr<ConfigValue> MakeFloat(absl::string_view text, const SourceLocation& where);
  absl::Status ParseEscape(std::string* out);
  absl::StatusOr<ConfigValue> ResolveVariable(absl::string_view name, const SourceLocation& where);

  absl::string_view text_;
  std::string file_;
  const FileLoader& loader_;
  const EnvLookup& env_;
  const int include_depth_;

  size_t pos_ = 0;
  int line_ = 1;
  size_t line_start_ = 0;
  int nesting_ = 0;
  // Maps under construction, outermost first: where $VARIABLES are looked up.
  std::vector<ConfigValue*> scopes_;
};

std::string Parser::Current() const {
  if (AtEnd()) return "EOF";
  const char c = Peek();
  if (c == '\n') return "\\n";
  const unsigned char u = static_cast<unsigned char>(c);
  if (u >= 0x80) {
    // Quote the whole UTF-8 sequence, as Go quotes the rune.
    const size_t len = u >= 0xF0 ? 4 : u >= 0xE0 ? 3 : u >= 0xC0 ? 2 : 1;
    return std::string(text_.substr(pos_, len));
  }
  return std::string(1, c);
}

void Parser::SkipSpaceAndComments(bool newlines) {
  while (!AtEnd()) {
    const char c = Peek();
    if (IsBlank(c) || (newlines && IsSpace(c))) {
      Advance();
    } else if (c == '#' || (c == '/' && Peek(1) == '/')) {
      SkipToEndOfLine();
    } else {
      return;
    }
  }
}

absl::StatusOr<ConfigValue> Parser::ParseDocument() {
  ConfigValue root = ConfigValue::Map(SourceLocation{file_, 1, 1});
  MapScope scope(this, &root);
  while (true) {
    // A JSON document's opening brace is skipped like white space (nats-server lexTop); its
    // closing brace ends the last value (ExpectTopValueEnd) or, on a line of its own, is read as
    // a key without a value at the end of input, which is dropped.
    while (!AtEnd()) {
      SkipSpaceAndComments(/*newlines=*/true);
      if (AtEnd() || Peek() != '{') break;
      Advance();
    }
    if (AtEnd()) break;
    NA_RETURN_IF_ERROR(ParseEntry(Context::kTop, &root));
    NA_RETURN_IF_ERROR(ExpectTopValueEnd());
  }
  return root;
}

absl::Status Parser::ExpectTopValueEnd() {
  SkipSpaceAndComments(/*newlines=*/false);
  if (AtEnd()) return absl::OkStatus();
  const char c = Peek();
  if (IsNewline(c) || c == ';' || c == ',' || c == '}') {
    Advance();
    return absl::OkStatus();
  }
  return ErrorHere(
      absl::StrCat("Expected a top-level value to end with a new line, comment or EOF, but got '",
                   Current(), "' instead."));
}

absl::Status Parser::ParseEntry(Context context, ConfigValue* map) {
  const bool top = context == Context::kTop;
  const SourceLocation key_location = Here();
  const char first = Peek();
  if (first == '=' || first == ':') {
    return ErrorHere(absl::StrCat("Unexpected key separator '", Current(), "'", top ? "" : "."));
  }
  std::string key;
  if (first == '"' || first == '\'') {
    Advance();
    const size_t start = pos_;
    while (!AtEnd() && Peek() != first) Advance();
    if (AtEnd()) {
      if (top) return ErrorHere("Unexpected EOF.");
      return ErrorHere(first == '"' ? "Unexpected EOF processing double quoted map key."
                                    : "Unexpected EOF processing quoted map key.");
    }
    key = std::string(text_.substr(start, pos_ - start));
    Advance();
  } else {
    const size_t start = pos_;
    while (!AtEnd() && !IsSpace(Peek()) && Peek() != '=' && Peek() != ':') Advance();
    key = std::string(text_.substr(start, pos_ - start));
    if (AtEnd() && !top) return ErrorHere("Unexpected EOF processing map key.");
    // "include" is a directive only when unquoted and followed by white space.
    if (!AtEnd() && IsSpace(Peek()) && absl::EqualsIgnoreCase(key, "include")) {
      return ParseInclude(key_location, map);
    }
  }

  // White space, new lines included, may sit between a key and its separator or value.
  while (!AtEnd() && IsSpace(Peek())) Advance();
  // nats-server drops a top-level key that the input ends right after.
  if (AtEnd() && top) return absl::OkStatus();
  if (Peek() == '=' || Peek() == ':') Advance();
  if (!top) {
    // Inside a map, new lines may separate the key from its value.
    while (!AtEnd() && IsSpace(Peek())) Advance();
    if (AtEnd()) return ErrorHere("Unexpected EOF processing map.");
    if (Peek() == ',') return ErrorHere("Unexpected map value terminator ','.");
    if (Peek() == '}') {
      return ErrorHere(absl::StrCat("Expected a value for key '", key, "' but got '}' instead."));
    }
  }
  NA_ASSIGN_OR_RETURN(ConfigValue value, ParseValue(context));
  value.set_location(key_location);
  map->Set(std::move(key), std::move(value));
  return absl::OkStatus();
}

absl::Status Parser::ParseInclude(const SourceLocation& where, ConfigValue* map) {
  while (!AtEnd() && IsBlank(Peek())) Advance();
  std::string path;
  const char c = Peek();
  if (AtEnd()) return ErrorHere("Expected include value but found EOF");
  if (c == '\'' || c == '"') {
    Advance();
    const size_t start = pos_;
    while (!AtEnd() && Peek() != c) Advance();
    if (AtEnd()) {
      return ErrorHere(c == '"' ? "Unexpected EOF in double quoted include"
                                : "Unexpected EOF in quoted include");
    }
    path = std::string(text_.substr(start, pos_ - start));
    Advance();
  } else if (c == '[') {
    return ErrorHere("Expected include value but found start of an array");
  } else if (c == '{') {
    return ErrorHere("Expected include value but found start of a map");
  } else if (c == '(') {
    return ErrorHere("Expected include value but found start of a block");
  } else if (IsDigit(c) || c == '-') {
    return ErrorHere("Expected include value but found start of a number");
  } else if (c == '\\') {
    return ErrorHere("Expected include value but found escape sequence");
  } else if (IsNewline(c)) {
    return ErrorHere("Expected include value but found new line");
  } else {
    const size_t start = pos_;
    while (!AtEnd() && !IsNewline(Peek()) && !IsBlank(Peek()) && Peek() != ';' && Peek() != '}' &&
           Peek() != '\'') {
      Advance();
    }
    path = std::string(text_.substr(start, pos_ - start));
    if (Peek() == '\'') Advance();
  }

  const std::string prefix = absl::StrCat("error parsing include file '", path, "', ");
  if (include_depth_ >= kIncludeDepthMax) {
    return ErrorAt(where, absl::StrCat(prefix, "includes nest deeper than ", kIncludeDepthMax,
                                       " levels (is there a cycle?)"));
  }
  if (!loader_) return ErrorAt(where, absl::StrCat(prefix, "includes are not available here"));
  const std::string full_path = IncludePath(file_, path);
  absl::StatusOr<std::string> text = loader_(full_path);
  if (!text.ok()) return ErrorAt(where, absl::StrCat(prefix, text.status().message()));
  // An included file is a document of its own: it does not see our variables, but its keys
  // land in the current map (and are visible to what follows), as in nats-server.
  Parser included(*text, full_path, loader_, env_, include_depth_ + 1);
  absl::StatusOr<ConfigValue> document = included.ParseDocument();
  if (!document.ok()) return ErrorAt(where, absl::StrCat(prefix, document.status().message()));
  for (const ConfigEntry& entry : document->entries()) map->Set(entry.key, entry.value);
  return absl::OkStatus();
}

absl::StatusOr<ConfigValue> Parser::ParseValue(Context context) {
  while (!AtEnd() && IsBlank(Peek())) Advance();
  const SourceLocation where = Here();
  if (AtEnd()) {
    // nats-server reads "key =" at the very end as an empty string.
    if (context == Context::kTop) return ConfigValue::String("", where);
    return ErrorHere(context == Context::kMap ? "Unexpected EOF processing map."
                                              : "Unexpected EOF processing array.");
  }
  const char c = Peek();
  if (IsNewline(c)) return ErrorHere("Expected value but found new line");
  switch (c) {
    case '[':
      return ParseArray();
    case '{':
      return ParseMap();
    case '\'':
    case '"':
      return ParseQuoted(c);
    case '(':
      return ParseBlock();
    case '.':
      return ErrorHere("Floats must start with a digit");
    default:
      break;
  }
  if (c == '-' || IsDigit(c)) return ParseNumber();
  return ParseUnquoted(pos_, where);
}

absl::StatusOr<ConfigValue> Parser::ParseArray() {
  ConfigValue array = ConfigValue::Array(Here());
  Nesting nesting(this);
  if (nesting.too_deep()) {
    return ErrorHere(absl::StrCat("arrays and maps nest deeper than ", kNestingDepthMax));
  }
  Advance();  // '['
  while (true) {
    SkipSpaceAndComments(/*newlines=*/true);
    if (AtEnd()) return ErrorHere("Unexpected EOF processing array.");
    if (Peek() == ',') return ErrorHere("Unexpected array value terminator ','.");
    if (Peek() == ']') {
      Advance();
      return array;
    }
    NA_ASSIGN_OR_RETURN(ConfigValue element, ParseValue(Context::kArray));
    array.mutable_array().push_back(std::move(element));
    SkipSpaceAndComments(/*newlines=*/false);
    if (AtEnd()) return ErrorHere("Unexpected EOF processing array.");
    const char c = Peek();
    if (c == ',' || IsNewline(c)) {
      Advance();
    } else if (c == ']') {
      Advance();
      return array;
    } else {
      return ErrorHere(absl::StrCat(
          "Expected an array value terminator \",\" or an array terminator \"]\", but got '",
          Current(), "' instead."));
    }
  }
}

absl::StatusOr<ConfigValue> Parser::ParseMap() {
  ConfigValue map = ConfigValue::Map(Here());
  Nesting nesting(this);
  if (nesting.too_deep()) {
    return ErrorHere(absl::StrCat("arrays and maps nest deeper than ", kNestingDepthMax));
  }
  Advance();  // '{'
  {
    MapScope scope(this, &map);
    while (true) {
      SkipSpaceAndComments(/*newlines=*/true);
      if (AtEnd()) return ErrorHere("Unexpected EOF processing map.");
      if (Peek() == '}') {
        Advance();
        break;
      }
      if (Peek() == ']') {
        return ErrorHere(absl::StrCat("Unexpected array end '", Current(), "' processing map."));
      }
      NA_RETURN_IF_ERROR(ParseEntry(Context::kMap, &map));
      SkipSpaceAndComments(/*newlines=*/false);
      if (AtEnd()) return ErrorHere("Unexpected EOF processing map.");
      const char c = Peek();
      if (c == ',' || c == ';' || IsNewline(c)) {
        Advance();
      } else if (c == '}') {
        Advance();
        break;
      } else {
        return ErrorHere(absl::StrCat(
            "Expected a map value terminator \",\" or a map terminator \"}\", but got '", Current(),
            "' instead."));
      }
    }
  }
  return map;
}

absl::Status Parser::ParseEscape(std::string* out) {
  Advance();  // '\\'
  if (AtEnd()) {
    return ErrorHere(
        "Invalid escape character 'EOF'. Only the following escape characters are allowed: "
        "\\xXX, \\t, \\n, \\r, \\\", \\\\.");
  }
  const char c = Peek();
  switch (c) {
    case 't':
      Advance();
      out->push_back('\t');
      return absl::OkStatus();
    case 'n':
      Advance();
      out->push_back('\n');
      return absl::OkStatus();
    case 'r':
      Advance();
      out->push_back('\r');
      return absl::OkStatus();
    case '"':
      Advance();
      out->push_back('"');
      return absl::OkStatus();
    case '\\':
      Advance();
      out->push_back('\\');
      return absl::OkStatus();
    case 'x': {
      Advance();
      if (IsNewline(Peek()) || IsNewline(Peek(1))) {
        return ErrorHere("Expected two hexadecimal digits after '\\x', but hit end of line");
      }
      const absl::string_view hex = text_.substr(pos_, 2);
      int value = 0;
      for (char h : hex) {
        const char lower = absl::ascii_tolower(static_cast<unsigned char>(h));
        if (IsDigit(lower)) {
          value = value * 16 + (lower - '0');
        } else if (lower >= 'a' && lower <= 'f') {
          value = value * 16 + (lower - 'a' + 10);
        } else {
          value = -1;
          break;
        }
      }
      if (hex.size() != 2 || value < 0) {
        return ErrorHere(
            absl::StrCat("Expected two hexadecimal digits after '\\x', but got '", hex, "'"));
      }
      Advance();
      Advance();
      out->push_back(static_cast<char>(value));
      return absl::OkStatus();
    }
    default:
      return ErrorHere(absl::StrCat(
          "Invalid escape character '", Current(),
          "'. Only the following escape characters are allowed: \\xXX, \\t, \\n, \\r, \\\", "
          "\\\\."));
  }
}

absl::StatusOr<ConfigValue> Parser::ParseQuoted(char quote) {
  const SourceLocation where = Here();
  Advance();
  std::string out;
  while (true) {
    if (AtEnd()) return ErrorHere("Unexpected EOF.");
    const char c = Peek();
    if (c == quote) {
      Advance();
      return ConfigValue::String(std::move(out), where);
    }
    // Only double-quoted strings interpret escapes; single quotes keep bytes as written.
    if (c == '\\' && quote == '"') {
      NA_RETURN_IF_ERROR(ParseEscape(&out));
    } else {
      out.push_back(Advance());
    }
  }
}

absl::StatusOr<ConfigValue> Parser::ParseBlock() {
  const SourceLocation where = Here();
  Advance();  // '('
  const size_t start = pos_;
  // The block ends at a ')' alone on its line: right after a new line and followed by a new
  // line or the end of input. Other parentheses are content.
  while (true) {
    if (AtEnd()) return ErrorHere("Unexpected EOF processing block.");
    const size_t at = pos_;
    if (Advance() != ')') continue;
    if (at == start || text_[at - 1] != '\n') continue;
    if (!AtEnd() && !IsNewline(Peek())) continue;
    return ConfigValue::String(std::string(text_.substr(start, at - start)), where);
  }
}

absl::StatusOr<ConfigValue> Parser::ParseNumber() {
  const SourceLocation where = Here();
  const size_t start = pos_;
  const bool negative = Peek() == '-';
  if (negative) {
    Advance();
    if (!IsDigit(Peek())) {
      if (Peek() == '.') return ErrorHere("Floats must start with a digit, not '.'.");
      return ErrorHere(absl::StrCat("Expected a digit but got '", Current(), "'."));
    }
  }
  while (IsDigit(Peek())) Advance();

  const char c = Peek();
  if (c == '-' && !negative) {
    if (pos_ - start != 4) return ErrorHere("All ISO8601 dates must be in full Zulu form.");
    Advance();
    return ParseDateTime(start, where);
  }
  if (c == '.') {
    Advance();
    if (!IsDigit(Peek())) {
      return ErrorHere(absl::StrCat("Floats must have a digit after the '.', but got '", Current(),
                                    "' instead."));
    }
    while (IsDigit(Peek())) Advance();
    if (Peek() == '.') {
      // A second '.' means an IP address (host:port allowed): a string.
      while (IsDigit(Peek()) || Peek() == '.' || Peek() == ':' || Peek() == '-') Advance();
      return ConfigValue::String(std::string(text_.substr(start, pos_ - start)), where);
    }
    return MakeFloat(text_.substr(start, pos_ - start), where);
  }
  if (IsSizeSuffixStart(c)) {
    Advance();
    while (Peek() == 'b' || Peek() == 'B' || Peek() == 'i' || Peek() == 'I') Advance();
    if (AtEnd() || EndsNumber(Peek()) || IsDigit(Peek())) {
      return MakeInteger(text_.substr(start, pos_ - start), where);
    }
    // "10ms", "5min", "1gateway": not a size after all.
    return ParseUnquoted(start, where);
  }
  // nats-server ends a negative number at any character; a positive one turns into a string
  // ("4222abc", "1a2b").
  if (AtEnd() || EndsNumber(c) || negative) {
    return MakeInteger(text_.substr(start, pos_ - start), where);
  }
  return ParseUnquoted(start, where);
}

absl::StatusOr<ConfigValue> Parser::MakeInteger(absl::string_view text,
                                                const SourceLocation& where) {
  size_t digits_end = 0;
  while (digits_end < text.size() && (IsDigit(text[digits_end]) || text[digits_end] == '-')) {
    ++digits_end;
  }
  int64_t number = 0;
  if (!absl::SimpleAtoi(text.substr(0, digits_end), &number)) {
    return ErrorAt(where, absl::StrCat("integer '", text, "' is out of the range"));
  }
  int64_t multiplier = 1;
  if (!SizeMultiplier(text.substr(digits_end), &multiplier)) {
    return ErrorAt(where, absl::StrCat("invalid size suffix in integer '", text, "'"));
  }
  if (number > std::numeric_limits<int64_t>::max() / multiplier ||
      number < std::numeric_limits<int64_t>::min() / multiplier) {
    return ErrorAt(where, absl::StrCat("integer '", text, "' is out of the range"));
  }
  return ConfigValue::Integer(number * multiplier, where);
}

absl::StatusOr<ConfigValue> Parser::MakeFloat(absl::string_view text, const SourceLocation& where) {
  double number = 0;
  if (!absl::SimpleAtod(text, &number)) {
    return ErrorAt(where, absl::StrCat("expected float, but got '", text, "'"));
  }
  if (number == std::numeric_limits<double>::infinity() ||
      number == -std::numeric_limits<double>::infinity()) {
    return ErrorAt(where, absl::StrCat("float '", text, "' is out of the range"));
  }
  return ConfigValue::Float(number, where);
}

absl::StatusOr<ConfigValue> Parser::ParseDateTime(size_t start, const SourceLocation& where) {
  // "YYYY-" is consumed; the rest must be "MM-DDTHH:MM:SSZ" ('0' stands for any digit).
  constexpr absl::string_view kRest = "00-00T00:00:00Z";
  for (char expected : kRest) {
    if (expected == '0') {
      if (AtEnd() || !IsDigit(Peek())) {
        return ErrorHere(absl::StrCat("Expected digit in ISO8601 datetime, but found '", Current(),
                                      "' instead."));
      }
    } else if (AtEnd() || Peek() != expected) {
      return ErrorHere(absl::StrCat("Expected '", std::string(1, expected),
                                    "' in ISO8601 datetime, but found '", Current(), "' instead."));
    }
    Advance();
  }
  const std::string text(text_.substr(start, pos_ - start));
  absl::Time time;
  std::string error;
  if (!absl::ParseTime("%Y-%m-%dT%H:%M:%SZ", text, absl::UTCTimeZone(), &time, &error)) {
    return ErrorAt(where, absl::StrCat("expected Zulu formatted DateTime, but got '", text, "'"));
  }
  return ConfigValue::DateTime(text, absl::ToUnixSeconds(time), where);
}

absl::StatusOr<ConfigValue> Parser::ParseUnquoted(size_t start, const SourceLocation& where) {
  std::string out(text_.substr(start, pos_ - start));
  bool escaped = false;
  while (!AtEnd()) {
    const char c = Peek();
    if (EndsUnquoted(c)) break;
    if (c == '\\') {
      NA_RETURN_IF_ERROR(ParseEscape(&out));
      escaped = true;
      continue;
    }
    if (c == '\'') {
      // A quote ends an unquoted string and is dropped (nats-server lexString).
      Advance();
      return ConfigValue::String(std::move(out), where);
    }
    out.push_back(Advance());
  }
  if (escaped) return ConfigValue::String(std::move(out), where);
  if (IsBoolWord(out)) return ConfigValue::Bool(BoolWordValue(out), where);
  if (!out.empty() && out[0] == '$')
    return ResolveVariable(absl::string_view(out).substr(1), where);
  return ConfigValue::String(std::move(out), where);
}

absl::StatusOr<ConfigValue> Parser::ResolveVariable(absl::string_view name,
                                                    const SourceLocation& where) {
  // An unquoted bcrypt hash ("$2a$11$...") is a password, not a reference.
  if (absl::StartsWith(name, "2a$")) return ConfigValue::String(absl::StrCat("$", name), where);

  // Innermost map first; keys match exactly (nats-server looks them up in a Go map).
  for (auto scope = scopes_.rbegin(); scope != scopes_.rend(); ++scope) {
    for (ConfigEntry& entry : (*scope)->mutable_entries()) {
      if (entry.key != name) continue;
      entry.value.set_used_as_variable(true);
      ConfigValue copy = entry.value;
      copy.set_used_as_variable(false);
      copy.set_location(where);
      return copy;
    }
  }

  std::optional<std::string> env_value = env_ ? env_(name) : std::nullopt;
  if (!env_value.has_value()) {
    return ErrorAt(where, absl::StrCat("variable reference for '", name, "' on line ", where.line,
                                       " can not be found"));
  }
  // The environment gives text; it is parsed as a value would be ("4222" is an integer).
  if (include_depth_ >= kIncludeDepthMax) {
    return ErrorAt(where, absl::StrCat("variable reference for '", name, "' on line ", where.line,
                                       " could not be parsed: references nest too deep"));
  }
  const std::string text = absl::StrCat("pk=", *env_value);
  Parser env_parser(text, "", loader_, env_, include_depth_ + 1);
  absl::StatusOr<ConfigValue> parsed = env_parser.ParseDocument();
  if (!parsed.ok()) {
    return ErrorAt(where, absl::StrCat("variable reference for '", name, "' on line ", where.line,
                                       " could not be parsed: ", parsed.status().message()));
  }
  const ConfigValue* value = parsed->Find("pk");
  if (value == nullptr) {
    return ErrorAt(where, absl::StrCat("variable reference for '", name, "' on line ", where.line,
                                       " can not be found"));
  }
  ConfigValue copy = *value;
  copy.set_location(where);
  return copy;
}

}  // namespace

absl::StatusOr<ConfigValue> ParseConfigText(absl::string_view text, absl::string_view file_name,
                                            const FileLoader& loader, const EnvLookup& env) {
  Parser parser(text, std::string(file_name), loader, env, /*include_depth=*/0);
  return parser.ParseDocument();
}

}  // namespace na::config
