#include "server/flags.h"

#include "gtest/gtest.h"

namespace na::server {
namespace {

FlagParse Parse(std::vector<std::string> args) { return ParseFlags(args); }

TEST(FlagsTest, OneOrTwoDashesAndBothValueForms) {
  FlagParse p = Parse({"-a", "127.0.0.1", "--port=-1", "--cluster_name", "x", "-DV", "--http_port",
                       "8222", "-n=srv"});
  ASSERT_EQ(p.outcome, FlagParse::Outcome::kRun) << p.error;
  EXPECT_EQ(*p.flags.host, "127.0.0.1");
  EXPECT_EQ(*p.flags.port, -1);
  EXPECT_EQ(*p.flags.http_port, 8222);
  EXPECT_EQ(*p.flags.server_name, "srv");
  EXPECT_TRUE(*p.flags.debug);
  EXPECT_TRUE(*p.flags.trace);
  EXPECT_FALSE(p.flags.trace_verbose.has_value());
  EXPECT_EQ(p.flags.unsupported.count("--cluster_name"), 1u);
}

TEST(FlagsTest, BooleansTakeOnlyTheEqualsForm) {
  FlagParse p = Parse({"-js=false", "--logtime=0", "-D"});
  ASSERT_EQ(p.outcome, FlagParse::Outcome::kRun);
  EXPECT_FALSE(*p.flags.jetstream);
  EXPECT_FALSE(*p.flags.logtime);
  EXPECT_TRUE(*p.flags.debug);
  // "-D false": false is not the flag's value but a command, which nats-server rejects.
  p = Parse({"-D", "false"});
  EXPECT_EQ(p.outcome, FlagParse::Outcome::kFatal);
  EXPECT_EQ(p.error, "unrecognized command: \"false\"");
}

TEST(FlagsTest, LaterIssueFlagsAreAcceptedAndRecorded) {
  FlagParse p = Parse({"-js",
                       "-sd",
                       "/tmp/x",
                       "--tls",
                       "--tlscert",
                       "c",
                       "--routes",
                       "r",
                       "--cluster",
                       "nats://a:1",
                       "--no_advertise",
                       "--connect_retries",
                       "3",
                       "-sl",
                       "stop",
                       "--profile",
                       "1",
                       "-s",
                       "-r",
                       "udp://x",
                       "--log_size_limit",
                       "100",
                       "--cluster_advertise",
                       "y",
                       "--cluster_listen",
                       "z",
                       "--tlsverify",
                       "--tlskey",
                       "k",
                       "--tlscacert",
                       "ca"});
  ASSERT_EQ(p.outcome, FlagParse::Outcome::kRun) << p.error;
  EXPECT_EQ(p.flags.unsupported.size(), 16u);
}

TEST(FlagsTest, ErrorsReadLikeGo) {
  EXPECT_EQ(Parse({"--bogus"}).error, "flag provided but not defined: -bogus");
  EXPECT_EQ(Parse({"--bogus=1"}).outcome, FlagParse::Outcome::kUsage);
  EXPECT_EQ(Parse({"-p"}).error, "flag needs an argument: -p");
  EXPECT_EQ(Parse({"-p", "abc"}).error, "invalid value \"abc\" for flag -p: parse error");
  EXPECT_EQ(Parse({"--port=abc"}).error, "invalid value \"abc\" for flag -port: parse error");
  EXPECT_EQ(Parse({"-D=maybe"}).error, "invalid boolean value \"maybe\" for -D: parse error");
  EXPECT_EQ(Parse({"---x"}).error, "bad flag syntax: ---x");
  EXPECT_EQ(Parse({"-t"}).error,
            "must specify [-c, --config] option to check configuration file syntax");
  EXPECT_EQ(Parse({"-t"}).outcome, FlagParse::Outcome::kFatal);
}

TEST(FlagsTest, HelpVersionAndCommands) {
  EXPECT_EQ(Parse({"-h"}).outcome, FlagParse::Outcome::kUsage);
  EXPECT_TRUE(Parse({"-h"}).error.empty());
  EXPECT_EQ(Parse({"--help"}).outcome, FlagParse::Outcome::kUsage);
  EXPECT_EQ(Parse({"-v"}).outcome, FlagParse::Outcome::kVersion);
  EXPECT_EQ(Parse({"version"}).outcome, FlagParse::Outcome::kVersion);
  EXPECT_EQ(Parse({"-p", "1", "help"}).outcome, FlagParse::Outcome::kUsage);
  // "--" ends the flags; what follows is a command.
  FlagParse p = Parse({"--", "-p"});
  EXPECT_EQ(p.outcome, FlagParse::Outcome::kFatal);
  EXPECT_EQ(p.error, "unrecognized command: \"-p\"");
}

TEST(FlagsTest, IntegersLikeStrconv) {
  EXPECT_EQ(*Parse({"-p", "0x10"}).flags.port, 16);
  EXPECT_EQ(*Parse({"-p", "+7"}).flags.port, 7);
  EXPECT_EQ(Parse({"-p", "99999999999"}).outcome, FlagParse::Outcome::kUsage);
  EXPECT_EQ(*Parse({"--log_size_limit", "99999999999"}).flags.log_size_limit, 99999999999);
}

TEST(FlagsTest, UsageListsEveryFlag) {
  const std::string usage = UsageText();
  for (const char* flag : {"--addr",
                           "--port",
                           "--server_name",
                           "--pid",
                           "--http_port",
                           "--https_port",
                           "--config",
                           "-t ",
                           "--signal",
                           "--client_advertise",
                           "--ports_file_dir",
                           "--log ",
                           "--logtime",
                           "--syslog",
                           "--remote_syslog",
                           "--debug",
                           "--trace",
                           "-VV",
                           "-DV",
                           "-DVV",
                           "--log_size_limit",
                           "--max_traced_msg_len",
                           "--jetstream",
                           "--store_dir",
                           "--user",
                           "--pass",
                           "--auth",
                           "--tls ",
                           "--tlscert",
                           "--tlskey",
                           "--tlsverify",
                           "--tlscacert",
                           "--routes",
                           "--cluster ",
                           "--cluster_name",
                           "--no_advertise",
                           "--cluster_advertise",
                           "--connect_retries",
                           "--cluster_listen",
                           "--profile",
                           "--help",
                           "--version",
                           "--help_tls"}) {
    EXPECT_NE(usage.find(flag), std::string::npos) << flag;
  }
}

}  // namespace
}  // namespace na::server
