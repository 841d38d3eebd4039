// Runs the reference server (nats-server -t) and our parser on the same files: both must accept
// or reject each one, and where we reuse nats-server's error text, both outputs must contain it.
// The nats-server half is skipped when the binary is not installed.
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "server/config/config_parser.h"

namespace na::config {
namespace {

constexpr char kNatsServer[] = "/usr/sbin/nats-server";

struct Case {
  const char* name;
  const char* text;
  bool valid;
  const char* message;  // nats-server's error text, which ours repeats ("" when valid)
  const char* include_text = nullptr;  // written as inc.conf next to main.conf
};

// Valid cases use only real option names with valid values, so nats-server's verdict depends on
// syntax alone; invalid cases are syntax errors.
const Case kCases[] = {
    {"plain", "port: 4222\nserver_name: x\n", true, ""},
    {"separators", "port = 4222; debug = true, trace: false\nlogtime no\n", true, ""},
    {"sizes", "max_payload: 1MB\nmax_pending: 64MB\nmax_control_line 4KB\n", true, ""},
    {"bcrypt",
     "authorization {\n  user: a\n  password: "
     "$2a$11$W2zko751KUvVy59mUTWmpOdWjpEm5qhcCZRd05GjI/sSOT.sWx2vO\n}\n",
     true, ""},
    {"variable", "PORT = 4333\nport = $PORT\n", true, ""},
    {"env_variable", "port = $NATRIUM_REFERENCE_TEST_PORT\n", true, ""},
    {"json", "{\"port\": 4222, \"debug\": true, \"server_name\": \"j\"}", true, ""},
    {"json_pretty", "{\n  \"port\": 4222,\n  \"cluster\": {\"name\": \"c\", \"port\": 6222}\n}\n",
     true, ""},
    {"cluster",
     "cluster {\n  name: c\n  listen: 127.0.0.1:6222\n  routes [\n    nats://127.0.0.1:6223\n"
     "    nats://127.0.0.1:6224\n  ]\n}\n",
     true, ""},
    {"comments", "# c\nport: 4222 // c\n// c\ndebug: true # c\n", true, ""},
    {"durations", "write_deadline: \"2s\"\nping_interval: \"30s\"\nping_max: 3\n", true, ""},
    {"accounts",
     "accounts {\n  A {\n    users [ {user: a, password: b} ]\n  }\n  B: { users: [\n"
     "    {user: c, password: d}\n  ] }\n}\n",
     true, ""},
    {"dangling_key", "port 4222\ndebug", true, ""},
    {"include", "port 4222\ninclude ./inc.conf\n", true, "", "server_name: from_include\n"},
    {"block_string", "authorization {\n  token: (\nsecret\n)\n}\n", true, ""},
    {"top_value_end", "port: 4222 x\n", false,
     "Expected a top-level value to end with a new line, comment or EOF, but got 'x' instead."},
    {"array_terminator", "a = [1 2]\n", false,
     "Expected an array value terminator \",\" or an array terminator \"]\", but got '2' "
     "instead."},
    {"array_double_comma", "a = [1,,2]\n", false, "Unexpected array value terminator ','."},
    {"map_terminator", "a { b: 1 c }\n", false,
     "Expected a map value terminator \",\" or a map terminator \"}\", but got 'c' instead."},
    {"map_array_end", "a { ]\n", false, "Unexpected array end ']' processing map."},
    {"map_eof", "a {\n  b: 1\n", false, "Unexpected EOF processing map."},
    {"escape", "a = \"x\\qy\"\n", false,
     "Invalid escape character 'q'. Only the following escape characters are allowed: \\xXX, "
     "\\t, \\n, \\r, \\\", \\\\."},
    {"float", "port: 1.\n", false,
     "Floats must have a digit after the '.', but got '\\n' instead."},
    {"datetime", "a: 2022-01-01X\n", false,
     "Expected 'T' in ISO8601 datetime, but found 'X' instead."},
    {"variable_missing", "port: 4222\nfoo = $NOPE\n", false,
     "variable reference for 'NOPE' on line 2 can not be found"},
    {"include_missing", "include ./missing.conf\n", false,
     "error parsing include file './missing.conf', open missing.conf: no such file or directory"},
    {"include_array", "include [a]\n", false, "Expected include value but found start of an array"},
    {"string_eof", "a = \"abc", false, "Unexpected EOF."},
    {"value_newline", "port:\n", false, "Expected value but found new line"},
    {"block_eof", "q (\nabc\n", false, "Unexpected EOF processing block."},
    {"key_separator", "= 1\n", false, "Unexpected key separator '='"},
    {"integer_range", "a 99999999999999999999\n", false,
     "integer '99999999999999999999' is out of the range"},
    {"negative", "a -x\n", false, "Expected a digit but got 'x'."},
};

class ConfigReferenceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir_template[] = "/tmp/natrium_config_ref_XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    dir_ = dir_template;
    char cwd[4096];
    ASSERT_NE(getcwd(cwd, sizeof(cwd)), nullptr);
    old_cwd_ = cwd;
    // Relative paths, as an operator types them: both servers then print the same paths.
    ASSERT_EQ(chdir(dir_.c_str()), 0);
    setenv("NATRIUM_REFERENCE_TEST_PORT", "4334", 1);
  }
  void TearDown() override {
    EXPECT_EQ(chdir(old_cwd_.c_str()), 0);
    const std::string cleanup = "rm -rf '" + dir_ + "'";
    EXPECT_EQ(system(cleanup.c_str()), 0);
  }

  static void Write(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
  }

  // Runs nats-server -t; returns its exit status and fills its combined output.
  static int RunReference(std::string* output) {
    FILE* pipe = popen((std::string(kNatsServer) + " -t -c main.conf 2>&1").c_str(), "r");
    if (pipe == nullptr) return -1;
    char buffer[4096];
    size_t n;
    while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) output->append(buffer, n);
    const int status = pclose(pipe);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::string dir_;
  std::string old_cwd_;
};

TEST_F(ConfigReferenceTest, SameVerdictAsNatsServer) {
  const bool have_reference = access(kNatsServer, X_OK) == 0;
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    Write("main.conf", c.text);
    unlink("inc.conf");
    if (c.include_text != nullptr) Write("inc.conf", c.include_text);

    absl::StatusOr<ConfigValue> ours = ParseConfigFile("main.conf");
    EXPECT_EQ(ours.ok(), c.valid) << (ours.ok() ? ours->DebugString() : ours.status().ToString());
    if (!c.valid && !ours.ok()) {
      EXPECT_TRUE(absl::StrContains(ours.status().message(), c.message))
          << "ours: " << ours.status().message();
      EXPECT_TRUE(absl::StartsWith(ours.status().message(), "main.conf:"))
          << "errors carry file:line:col";
    }

    if (!have_reference) continue;
    std::string output;
    const int exit_code = RunReference(&output);
    EXPECT_EQ(exit_code == 0, c.valid) << "nats-server -t: " << output;
    if (!c.valid) {
      EXPECT_TRUE(absl::StrContains(output, c.message)) << "nats-server -t: " << output;
    }
  }
  if (!have_reference) GTEST_SKIP() << kNatsServer << " not installed; checked our side only";
}

TEST(ConfigFileTest, MissingFile) {
  absl::StatusOr<ConfigValue> v = ParseConfigFile("/nonexistent/natrium.conf");
  ASSERT_FALSE(v.ok());
  // nats-server: "error opening config file: open <path>: no such file or directory".
  EXPECT_EQ(v.status().message(),
            "error opening config file: open /nonexistent/natrium.conf: no such file or "
            "directory");
}

}  // namespace
}  // namespace na::config
