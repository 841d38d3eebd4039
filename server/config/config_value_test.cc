#include "server/config/config_value.h"

#include "gtest/gtest.h"
#include "server/config/config_parser.h"

namespace na::config {
namespace {

ConfigValue ParseOk(absl::string_view text) {
  absl::StatusOr<ConfigValue> v = ParseConfigText(text, "t.conf", nullptr, nullptr);
  EXPECT_TRUE(v.ok()) << v.status();
  return v.ok() ? *v : ConfigValue();
}

TEST(ConfigValueTest, TypedGetters) {
  const ConfigValue root =
      ParseOk("b yes\ni 42\nf 2.5\ns \"x\"\nd \"1m30s\"\nsecs 90\nbad_d \"3 days\"\nl [1]");
  EXPECT_EQ(*root.Find("b")->GetBool(), true);
  EXPECT_EQ(*root.Find("i")->GetInt(), 42);
  EXPECT_DOUBLE_EQ(*root.Find("f")->GetFloat(), 2.5);
  EXPECT_DOUBLE_EQ(*root.Find("i")->GetFloat(), 42.0) << "an integer is a valid float";
  EXPECT_EQ(*root.Find("s")->GetString(), "x");
  EXPECT_EQ(*root.Find("d")->GetDurationNs(), 90'000'000'000);
  EXPECT_EQ(*root.Find("secs")->GetDurationNs(), 90'000'000'000);
  EXPECT_EQ(root.Find("bad_d")->GetDurationNs().status().message(),
            "t.conf:7:1: time: unknown unit \" days\" in duration \"3 days\"");
}

TEST(ConfigValueTest, TypeMismatchesNameTheLocation) {
  const ConfigValue root = ParseOk("port: \"abc\"\nm {\n  debug: 1\n}\nl [true]");
  EXPECT_EQ(root.Find("port")->GetInt().status().message(),
            "t.conf:1:1: expected integer, got string");
  EXPECT_EQ(root.Find("m")->Find("debug")->GetBool().status().message(),
            "t.conf:3:3: expected boolean, got integer");
  EXPECT_EQ(root.Find("l")->array()[0].GetString().status().message(),
            "t.conf:5:4: expected string, got boolean");
  EXPECT_EQ(root.Find("m")->GetDurationNs().status().message(),
            "t.conf:2:1: expected duration, got map");
  EXPECT_EQ(root.Find("port")->Error("invalid value").message(), "t.conf:1:1: invalid value");
}

TEST(ConfigValueTest, SetReplacesExactKeyAndAppendsOthers) {
  ConfigValue map = ConfigValue::Map({});
  map.Set("a", ConfigValue::Integer(1, {}));
  map.Set("b", ConfigValue::Integer(2, {}));
  map.Set("a", ConfigValue::Integer(3, {}));
  map.Set("A", ConfigValue::Integer(4, {}));
  EXPECT_EQ(map.DebugString(), R"({"a":3,"b":2,"A":4})");
  EXPECT_EQ(map.Find("a")->int_value(), 4) << "case-insensitive lookup: last spelling wins";
  EXPECT_EQ(ConfigValue::Integer(1, {}).Find("a"), nullptr) << "not a map";
}

TEST(ConfigValueTest, DebugStringShowsKinds) {
  const ConfigValue root = ParseOk("a [1, 1.0, \"s\\n\", false, 2020-01-01T00:00:00Z, {}]");
  EXPECT_EQ(root.DebugString(), R"({"a":[1,1.0,"s\n",false,datetime(2020-01-01T00:00:00Z),{}]})");
}

}  // namespace
}  // namespace na::config
