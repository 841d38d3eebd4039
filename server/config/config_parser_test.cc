#include "server/config/config_parser.h"

#include <map>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace na::config {
namespace {

using ::testing::HasSubstr;

// An in-memory file system and environment, so tests touch neither disk nor getenv.
class ConfigParserTest : public ::testing::Test {
 protected:
  absl::StatusOr<ConfigValue> Parse(absl::string_view text, absl::string_view name = "main.conf") {
    const FileLoader loader = [this](const std::string& path) -> absl::StatusOr<std::string> {
      auto it = files_.find(path);
      if (it == files_.end()) {
        return absl::NotFoundError("open " + path + ": no such file or directory");
      }
      return it->second;
    };
    const EnvLookup env = [this](absl::string_view key) -> std::optional<std::string> {
      auto it = env_.find(std::string(key));
      if (it == env_.end()) return std::nullopt;
      return it->second;
    };
    return ParseConfigText(text, name, loader, env);
  }

  // The parsed tree rendered compactly, or the error message.
  std::string Render(absl::string_view text) {
    absl::StatusOr<ConfigValue> v = Parse(text);
    if (!v.ok()) return "ERROR " + std::string(v.status().message());
    return v->DebugString();
  }

  std::string ErrorOf(absl::string_view text) {
    absl::StatusOr<ConfigValue> v = Parse(text);
    EXPECT_FALSE(v.ok()) << "parsed: " << (v.ok() ? v->DebugString() : "");
    EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument);
    return std::string(v.status().message());
  }

  std::map<std::string, std::string> files_;
  std::map<std::string, std::string> env_;
};

TEST_F(ConfigParserTest, AssignmentForms) {
  EXPECT_EQ(Render("a: 1\nb = 2\nc 3\n"), R"({"a":1,"b":2,"c":3})");
  EXPECT_EQ(Render("a: 1; b: 2, c: 3"), R"({"a":1,"b":2,"c":3})");
  EXPECT_EQ(Render("a=1;\nb:2,\n"), R"({"a":1,"b":2})");
  EXPECT_EQ(Render("  a   :    1   \n\n\tb\t2"), R"({"a":1,"b":2})");
  EXPECT_EQ(Render(""), "{}");
  EXPECT_EQ(Render("# only a comment\n// and another\n"), "{}");
}

TEST_F(ConfigParserTest, Maps) {
  EXPECT_EQ(Render("m { a: 1 }"), R"({"m":{"a":1}})");
  EXPECT_EQ(Render("m: { a: 1, b: 2 }"), R"({"m":{"a":1,"b":2}})");
  EXPECT_EQ(Render("m = {a=1; b=2}"), R"({"m":{"a":1,"b":2}})");
  EXPECT_EQ(Render("m {\n  a: 1\n  b {\n    c: x\n  }\n}\n"), R"({"m":{"a":1,"b":{"c":"x"}}})");
  EXPECT_EQ(Render("m {}"), R"({"m":{}})");
  EXPECT_EQ(Render("m {\n  # comment\n  a: 1 # trailing\n  // slashes\n}"), R"({"m":{"a":1}})");
  EXPECT_EQ(Render("m { 'a b': 1, \"c:d\": 2 }"), R"({"m":{"a b":1,"c:d":2}})");
  // The key may sit on its own line before its value inside a map.
  EXPECT_EQ(Render("m {\n  a\n  =\n  1\n}"), R"({"m":{"a":1}})");
}

TEST_F(ConfigParserTest, Arrays) {
  EXPECT_EQ(Render("a [1, 2, 3]"), R"({"a":[1,2,3]})");
  EXPECT_EQ(Render("a: [\n  x\n  y, z\n]"), R"({"a":["x","y","z"]})");
  EXPECT_EQ(Render("a = [1, \"two\", 3.5, true, [4], {k: v}]"),
            R"({"a":[1,"two",3.5,true,[4],{"k":"v"}]})");
  EXPECT_EQ(Render("a [1, 2,]"), R"({"a":[1,2]})");
  EXPECT_EQ(Render("a []"), R"({"a":[]})");
  EXPECT_EQ(Render("a [\n  1 # one\n  // two\n  2\n]"), R"({"a":[1,2]})");
  EXPECT_EQ(Render("routes = [\n  nats://a:6222\n  nats://b:6222\n]"),
            R"({"routes":["nats://a:6222","nats://b:6222"]})");
}

TEST_F(ConfigParserTest, Strings) {
  EXPECT_EQ(Render(R"(s "a\tb\nc\rd\"e\\f\x41")"), R"({"s":"a\tb\nc\rd\"e\\fA"})");
  EXPECT_EQ(Render(R"(s 'raw \t $X "q"')"), R"({"s":"raw \\t $X \"q\""})");
  EXPECT_EQ(Render("s unquoted"), R"({"s":"unquoted"})");
  EXPECT_EQ(Render("url: nats://user:pw@host:4222"), R"({"url":"nats://user:pw@host:4222"})");
  EXPECT_EQ(Render("listen: 127.0.0.1:4222"), R"({"listen":"127.0.0.1:4222"})");
  EXPECT_EQ(Render("listen: 0.0.0.0"), R"({"listen":"0.0.0.0"})");
  EXPECT_EQ(Render("host: apcera.me:80"), R"({"host":"apcera.me:80"})");
  EXPECT_EQ(Render("s \"multi\nline\""), R"({"s":"multi\nline"})");
  EXPECT_EQ(Render("s \"\""), R"({"s":""})");
  // Quoted words are strings, never booleans or variables.
  EXPECT_EQ(Render("s \"true\"\nt \"$X\""), R"({"s":"true","t":"$X"})");
  // An escape in an unquoted string is interpreted too.
  EXPECT_EQ(Render(R"(s a\tb)"), R"({"s":"a\tb"})");
}

TEST_F(ConfigParserTest, BlockStrings) {
  // Content runs from after '(' to the ')' alone on its line (nats-server lex_test.go).
  EXPECT_EQ(Render("numbers (\n1234567890\n)\n"), R"({"numbers":"\n1234567890\n"})");
  EXPECT_EQ(Render("numbers (\n  12(34)56\n  (\n    7890\n  )\n)\n"),
            R"({"numbers":"\n  12(34)56\n  (\n    7890\n  )\n"})");
  EXPECT_EQ(Render("b (\nx\n)"), R"({"b":"\nx\n"})");
  EXPECT_EQ(Render("b (\nx\n)\nport 1"), R"({"b":"\nx\n","port":1})");
}

TEST_F(ConfigParserTest, Booleans) {
  EXPECT_EQ(Render("a true\nb FALSE\nc yes\nd No\ne on\nf OFF"),
            R"({"a":true,"b":false,"c":true,"d":false,"e":true,"f":false})");
  EXPECT_EQ(Render("a truex"), R"({"a":"truex"})");
}

TEST_F(ConfigParserTest, Numbers) {
  EXPECT_EQ(Render("a 0\nb 4222\nc -17\nd 1.5\ne -0.25"),
            R"({"a":0,"b":4222,"c":-17,"d":1.5,"e":-0.25})");
  EXPECT_EQ(Render("a 9223372036854775807"), R"({"a":9223372036854775807})");
  // Size suffixes, exactly as nats-server conf/parse.go multiplies them.
  struct Case {
    const char* text;
    int64_t value;
  };
  constexpr Case kCases[] = {
      {"1k", 1000},
      {"1K", 1000},
      {"1kb", 1024},
      {"1KB", 1024},
      {"1ki", 1024},
      {"1KiB", 1024},
      {"2m", 2'000'000},
      {"2mb", 2 * 1024 * 1024},
      {"2MI", 2 * 1024 * 1024},
      {"2mib", 2 * 1024 * 1024},
      {"3g", 3'000'000'000},
      {"3gb", 3LL * 1024 * 1024 * 1024},
      {"1t", 1'000'000'000'000},
      {"1tb", 1LL << 40},
      {"1p", 1'000'000'000'000'000},
      {"1pib", 1LL << 50},
      {"1e", 1'000'000'000'000'000'000},
      {"1eb", 1LL << 60},
      {"-2k", -2000},
  };
  for (const Case& c : kCases) {
    absl::StatusOr<ConfigValue> v = Parse(std::string("n ") + c.text);
    ASSERT_TRUE(v.ok()) << c.text << ": " << v.status();
    const ConfigValue* n = v->Find("n");
    ASSERT_NE(n, nullptr);
    ASSERT_TRUE(n->is_integer()) << c.text;
    EXPECT_EQ(n->int_value(), c.value) << c.text;
  }
  // A number followed by other letters is a string; "10ms" stays a duration string.
  EXPECT_EQ(Render("a 10ms\nb 4222abc\nc 1.2.3.4\nd 5min"),
            R"({"a":"10ms","b":"4222abc","c":"1.2.3.4","d":"5min"})");
  // Numbers keep their type in arrays, also just before ']' (nats-server would make the last
  // one a string).
  EXPECT_EQ(Render("a [1,2]"), R"({"a":[1,2]})");
  EXPECT_EQ(Render("m {a: 1}"), R"({"m":{"a":1}})");
}

TEST_F(ConfigParserTest, NumberErrors) {
  EXPECT_THAT(ErrorOf("a 99999999999999999999"),
              HasSubstr("integer '99999999999999999999' is out of the range"));
  EXPECT_THAT(ErrorOf("a 16e"), HasSubstr("integer '16e' is out of the range"));
  EXPECT_THAT(ErrorOf("a 1kbb"), HasSubstr("invalid size suffix in integer '1kbb'"));
  EXPECT_EQ(ErrorOf("a 1."),
            "main.conf:1:5: Floats must have a digit after the '.', but got "
            "'EOF' instead.");
  EXPECT_EQ(ErrorOf("a .5"), "main.conf:1:3: Floats must start with a digit");
  EXPECT_EQ(ErrorOf("a -x"), "main.conf:1:4: Expected a digit but got 'x'.");
  EXPECT_EQ(ErrorOf("a -.5"), "main.conf:1:4: Floats must start with a digit, not '.'.");
  EXPECT_EQ(ErrorOf("a 123-4"), "main.conf:1:6: All ISO8601 dates must be in full Zulu form.");
}

TEST_F(ConfigParserTest, DateTimes) {
  absl::StatusOr<ConfigValue> v = Parse("d 2006-01-02T15:04:05Z");
  ASSERT_TRUE(v.ok()) << v.status();
  const ConfigValue* d = v->Find("d");
  ASSERT_TRUE(d->is_datetime());
  EXPECT_EQ(d->string_value(), "2006-01-02T15:04:05Z");
  EXPECT_EQ(d->int_value(), 1136214245);
  EXPECT_EQ(ErrorOf("d 2006-01-02X15:04:05Z"),
            "main.conf:1:13: Expected 'T' in ISO8601 datetime, but found 'X' instead.");
  EXPECT_EQ(ErrorOf("d 2006-01-0a"),
            "main.conf:1:12: Expected digit in ISO8601 datetime, but found 'a' instead.");
  EXPECT_THAT(ErrorOf("d 2006-13-45T15:04:05Z"),
              HasSubstr("expected Zulu formatted DateTime, but got '2006-13-45T15:04:05Z'"));
}

TEST_F(ConfigParserTest, Comments) {
  EXPECT_EQ(Render("a 1 # c\nb 2 // c\n# c\n// c\nc 3"), R"({"a":1,"b":2,"c":3})");
  EXPECT_EQ(Render("a \"x # not a comment\""), R"({"a":"x # not a comment"})");
}

TEST_F(ConfigParserTest, KeysKeepOrderAndCaseAndLookUpCaseInsensitively) {
  absl::StatusOr<ConfigValue> v = Parse("Zeta 1\nalpha 2\nMAX_payload 3");
  ASSERT_TRUE(v.ok());
  ASSERT_EQ(v->entries().size(), 3u);
  EXPECT_EQ(v->entries()[0].key, "Zeta");
  EXPECT_EQ(v->entries()[1].key, "alpha");
  EXPECT_EQ(v->entries()[2].key, "MAX_payload");
  ASSERT_NE(v->Find("max_payload"), nullptr);
  EXPECT_EQ(v->Find("max_payload")->int_value(), 3);
  EXPECT_EQ(v->Find("ZETA")->int_value(), 1);
  EXPECT_EQ(v->Find("missing"), nullptr);
}

TEST_F(ConfigParserTest, LaterDefinitionsOverride) {
  EXPECT_EQ(Render("a 1\nb 2\na 3"), R"({"a":3,"b":2})");
  absl::StatusOr<ConfigValue> v = Parse("port 1\nPORT 2");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->Find("port")->int_value(), 2) << "the last spelling written wins";
}

TEST_F(ConfigParserTest, DanglingTopLevelKeyAtEndIsIgnored) {
  // nats-server 2.9.10 accepts a final key without a value (nats-server -t: valid).
  EXPECT_EQ(Render("port 1\ndebug"), R"({"port":1})");
  // ... and reads "key:" at the very end as an empty string.
  EXPECT_EQ(Render("a:"), R"({"a":""})");
}

TEST_F(ConfigParserTest, Variables) {
  EXPECT_EQ(Render("TOKEN: \"abc\"\ntoken: $TOKEN"), R"({"TOKEN":"abc","token":"abc"})");
  // Inner scope first, then enclosing maps.
  EXPECT_EQ(Render("A 1\nm {\n  A 2\n  x $A\n}\ny $A"), R"({"A":1,"m":{"A":2,"x":2},"y":1})");
  EXPECT_EQ(Render("A 1\nm { n { x: $A } }"), R"({"A":1,"m":{"n":{"x":1}}})");
  // Arrays are not scopes, but maps inside them are.
  EXPECT_EQ(Render("P pw\nusers [ {user: a, password: $P} ]"),
            R"({"P":"pw","users":[{"user":"a","password":"pw"}]})");
  EXPECT_EQ(Render("A 1\nB 2\nl [$A, $B]"), R"({"A":1,"B":2,"l":[1,2]})");
  // A variable can hold a map or an array.
  EXPECT_EQ(Render("perms { publish: [a, b] }\nu { permissions: $perms }"),
            R"({"perms":{"publish":["a","b"]},"u":{"permissions":{"publish":["a","b"]}}})");
}

TEST_F(ConfigParserTest, VariableUseIsRecorded) {
  absl::StatusOr<ConfigValue> v = Parse("PORT 4222\nUNUSED 1\nport $PORT");
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->entries()[0].value.used_as_variable());
  EXPECT_FALSE(v->entries()[1].value.used_as_variable());
  EXPECT_FALSE(v->entries()[2].value.used_as_variable());
  // The copy is located at the reference, not at the definition.
  EXPECT_EQ(v->Find("port")->location().line, 3);
}

TEST_F(ConfigParserTest, VariablesAreCaseSensitive) {
  EXPECT_EQ(ErrorOf("token abc\nx $TOKEN"),
            "main.conf:2:3: variable reference for 'TOKEN' on line 2 can not be found");
}

TEST_F(ConfigParserTest, VariableNotFound) {
  // nats-server: "variable reference for 'NOPE' on line 2 can not be found".
  EXPECT_EQ(ErrorOf("port: 4222\nfoo = $NOPE\n"),
            "main.conf:2:7: variable reference for 'NOPE' on line 2 can not be found");
  // A variable defined later does not count.
  EXPECT_THAT(ErrorOf("a $B\nB 1"), HasSubstr("variable reference for 'B' on line 1"));
  // A sibling map's keys are not in scope.
  EXPECT_THAT(ErrorOf("m { A 1 }\nn { x $A }"), HasSubstr("'A' on line 2 can not be found"));
}

TEST_F(ConfigParserTest, EnvironmentVariables) {
  env_["NATS_PORT"] = "4333";
  env_["NAME"] = "edge-1";
  env_["FLAG"] = "true";
  env_["LIST"] = "[1, 2]";
  EXPECT_EQ(Render("port $NATS_PORT\nname $NAME\ndebug $FLAG\nl $LIST"),
            R"({"port":4333,"name":"edge-1","debug":true,"l":[1,2]})");
  // The config's own definitions shadow the environment.
  EXPECT_EQ(Render("NAME local\nname $NAME"), R"({"NAME":"local","name":"local"})");
  env_["BAD"] = "\"unterminated";
  EXPECT_THAT(ErrorOf("x $BAD"),
              HasSubstr("variable reference for 'BAD' on line 1 could not be parsed: "));
  // A self-referencing environment variable stops instead of recursing forever.
  env_["LOOP"] = "$LOOP";
  EXPECT_THAT(ErrorOf("x $LOOP"), HasSubstr("could not be parsed"));
}

TEST_F(ConfigParserTest, BcryptIsNotAVariable) {
  EXPECT_EQ(Render("password: $2a$11$W2zko751KUvVy59mUTWmpOdWjpEm5qhcCZRd05GjI/sSOT.sWx2vO"),
            R"({"password":"$2a$11$W2zko751KUvVy59mUTWmpOdWjpEm5qhcCZRd05GjI/sSOT.sWx2vO"})");
}

TEST_F(ConfigParserTest, Includes) {
  files_["conf/users.conf"] = "USER: alice\nusers [ {user: $USER} ]\n";
  files_["conf/sub/deep.conf"] = "include '../leaf.conf'\n";
  files_["conf/leaf.conf"] = "leaf_key: 7\n";
  absl::StatusOr<ConfigValue> v =
      Parse("port 1\ninclude ./users.conf\nm {\n  include \"sub/deep.conf\"\n}\nwho $USER\n",
            "conf/main.conf");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->DebugString(),
            R"({"port":1,"USER":"alice","users":[{"user":"alice"}],"m":{"leaf_key":7},)"
            R"("who":"alice"})");
  // Values remember the file they came from.
  EXPECT_EQ(v->Find("users")->location().ToString(), "conf/users.conf:2:1");
  EXPECT_EQ(v->Find("m")->Find("leaf_key")->location().file, "conf/leaf.conf");
}

TEST_F(ConfigParserTest, IncludeDoesNotSeeIncludingFileVariables) {
  files_["inc.conf"] = "x: $OUTER\n";
  EXPECT_EQ(ErrorOf("OUTER 1\ninclude inc.conf"),
            "main.conf:2:1: error parsing include file 'inc.conf', inc.conf:1:4: variable "
            "reference for 'OUTER' on line 1 can not be found");
}

TEST_F(ConfigParserTest, IncludeErrors) {
  // nats-server: "error parsing include file './missing.conf', open missing.conf: no such file
  // or directory".
  EXPECT_EQ(ErrorOf("include ./missing.conf\n"),
            "main.conf:1:1: error parsing include file './missing.conf', open missing.conf: no "
            "such file or directory");
  files_["self.conf"] = "include self.conf\n";
  EXPECT_THAT(ErrorOf("include self.conf"), HasSubstr("includes nest deeper than 10 levels"));
  EXPECT_EQ(ErrorOf("include [a]"),
            "main.conf:1:9: Expected include value but found start of an array");
  EXPECT_EQ(ErrorOf("include {a}"),
            "main.conf:1:9: Expected include value but found start of a map");
  EXPECT_EQ(ErrorOf("include (a)"),
            "main.conf:1:9: Expected include value but found start of a block");
  EXPECT_EQ(ErrorOf("include 5"),
            "main.conf:1:9: Expected include value but found start of a number");
  EXPECT_EQ(ErrorOf("include \\x"),
            "main.conf:1:9: Expected include value but found escape sequence");
  EXPECT_EQ(ErrorOf("include \"a"), "main.conf:1:11: Unexpected EOF in double quoted include");
  EXPECT_EQ(ErrorOf("include 'a"), "main.conf:1:11: Unexpected EOF in quoted include");
  // A quoted "include" is an ordinary key.
  EXPECT_EQ(Render("\"include\" x"), R"({"include":"x"})");
}

TEST_F(ConfigParserTest, JsonIsValidConfig) {
  EXPECT_EQ(
      Render(R"({"port": 4222, "debug": true, "cluster": {"name": "c", "routes": ["a", "b"]}})"),
      R"({"port":4222,"debug":true,"cluster":{"name":"c","routes":["a","b"]}})");
  EXPECT_EQ(Render("{\n  \"port\": 4222,\n  \"ratio\": 0.5,\n  \"tags\": [\"x\"]\n}\n"),
            R"({"port":4222,"ratio":0.5,"tags":["x"]})");
  // A closing brace on its own line is a key (nats-server lexTop): dropped at the end, but
  // "}\n{" opens a map that never closes (nats-server -t: "Unexpected EOF processing map.").
  EXPECT_EQ(ErrorOf("port: 4222\n}\n{\n"), "main.conf:4:1: Unexpected EOF processing map.");
}

TEST_F(ConfigParserTest, Locations) {
  absl::StatusOr<ConfigValue> v = Parse("port: 4222\ncluster {\n  routes [\n    a\n    b\n  ]\n}");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->Find("port")->location().ToString(), "main.conf:1:1");
  const ConfigValue* cluster = v->Find("cluster");
  EXPECT_EQ(cluster->location().ToString(), "main.conf:2:1");
  const ConfigValue* routes = cluster->Find("routes");
  EXPECT_EQ(routes->location().ToString(), "main.conf:3:3");
  EXPECT_EQ(routes->array()[1].location().ToString(), "main.conf:5:5");
}

TEST_F(ConfigParserTest, SyntaxErrorsUseNatsWording) {
  // Messages as nats-server 2.9.10 prints them inside "Parse error on line N: '...'".
  EXPECT_EQ(ErrorOf("port: 4222 x\n"),
            "main.conf:1:12: Expected a top-level value to end with a new line, comment or EOF, "
            "but got 'x' instead.");
  EXPECT_EQ(ErrorOf("a = [1, 2\n"), "main.conf:2:1: Unexpected EOF processing array.");
  EXPECT_EQ(ErrorOf("a = [1 2]"),
            "main.conf:1:8: Expected an array value terminator \",\" or an array terminator "
            "\"]\", but got '2' instead.");
  EXPECT_EQ(ErrorOf("a = [1,,2]"), "main.conf:1:8: Unexpected array value terminator ','.");
  EXPECT_EQ(ErrorOf("a {\n  b: 1\n"), "main.conf:3:1: Unexpected EOF processing map.");
  EXPECT_EQ(ErrorOf("a { b: 1 c }"),
            "main.conf:1:10: Expected a map value terminator \",\" or a map terminator \"}\", "
            "but got 'c' instead.");
  EXPECT_EQ(ErrorOf("a { ]"), "main.conf:1:5: Unexpected array end ']' processing map.");
  EXPECT_EQ(ErrorOf("a { :x }"), "main.conf:1:5: Unexpected key separator ':'.");
  EXPECT_EQ(ErrorOf("a { b: , }"), "main.conf:1:8: Unexpected map value terminator ','.");
  EXPECT_EQ(ErrorOf("= 1"), "main.conf:1:1: Unexpected key separator '='");
  EXPECT_EQ(ErrorOf("a = \"x\\qy\"\n"),
            "main.conf:1:8: Invalid escape character 'q'. Only the following escape characters "
            "are allowed: \\xXX, \\t, \\n, \\r, \\\", \\\\.");
  EXPECT_EQ(ErrorOf("a \"\\xZZ\""),
            "main.conf:1:6: Expected two hexadecimal digits after '\\x', but got 'ZZ'");
  EXPECT_EQ(ErrorOf("a \"abc"), "main.conf:1:7: Unexpected EOF.");
  EXPECT_EQ(ErrorOf("a 'abc"), "main.conf:1:7: Unexpected EOF.");
  EXPECT_EQ(ErrorOf("port:\n"), "main.conf:1:6: Expected value but found new line");
  EXPECT_EQ(ErrorOf("q (\nabc\n"), "main.conf:3:1: Unexpected EOF processing block.");
  EXPECT_EQ(ErrorOf("m { a }"), "main.conf:1:7: Expected a value for key 'a' but got '}' instead.");
  EXPECT_EQ(ErrorOf("m { 'a"), "main.conf:1:7: Unexpected EOF processing quoted map key.");
  EXPECT_EQ(ErrorOf("m { \"a"), "main.conf:1:7: Unexpected EOF processing double quoted map key.");
  EXPECT_EQ(ErrorOf("m { a"), "main.conf:1:6: Unexpected EOF processing map key.");
}

TEST_F(ConfigParserTest, NestingIsBounded) {
  std::string deep = "a ";
  for (int i = 0; i < 200; ++i) deep += "[";
  EXPECT_THAT(ErrorOf(deep), HasSubstr("nest deeper than 100"));
  std::string ok = "a ";
  for (int i = 0; i < 50; ++i) ok += "{b ";
  ok += "1";
  for (int i = 0; i < 50; ++i) ok += "}";
  EXPECT_TRUE(Parse(ok).ok());
}

TEST_F(ConfigParserTest, ErrorWithoutFileName) {
  absl::StatusOr<ConfigValue> v = Parse("a [", "");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().message(), "1:4: Unexpected EOF processing array.");
}

TEST_F(ConfigParserTest, WindowsLineEndings) {
  EXPECT_EQ(Render("a 1\r\nb {\r\n  c: 2\r\n}\r\nl [\r\n  x\r\n]\r\n"),
            R"({"a":1,"b":{"c":2},"l":["x"]})");
}

}  // namespace
}  // namespace na::config
