#include "engine/node/server_id.h"

#include "gtest/gtest.h"

namespace na::node {
namespace {

TEST(ServerIdTest, ShapeOfAnNkeyServerKey) {
  Prng prng(42);
  const std::string id = GenerateServerId(prng);
  EXPECT_EQ(id.size(), 56u);
  EXPECT_EQ(id[0], 'N');
  for (char c : id) EXPECT_TRUE((c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7')) << id;
  Prng same(42);
  EXPECT_EQ(GenerateServerId(same), id);
  Prng other(43);
  EXPECT_NE(GenerateServerId(other), id);
}

TEST(ServerIdTest, Crc16AndBase32KnownValues) {
  EXPECT_EQ(Crc16("123456789"), 0x31C3);  // CRC-16/XMODEM check value
  EXPECT_EQ(Base32Encode("foobar"), "MZXW6YTBOI");
}

}  // namespace
}  // namespace na::node
