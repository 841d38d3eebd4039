#include "engine/auth/password.h"

#include <crypt.h>

#include <string>

#include "gtest/gtest.h"

namespace na::auth {
namespace {

TEST(PasswordTest, PlainCompare) {
  EXPECT_TRUE(PasswordMatches("s3cr3t", "s3cr3t"));
  EXPECT_FALSE(PasswordMatches("s3cr3t", "s3cr3"));
  EXPECT_FALSE(PasswordMatches("s3cr3t", ""));
}

TEST(PasswordTest, RecognizesBcryptShapes) {
  EXPECT_TRUE(IsBcrypt("$2a$11$abcdefghijklmnopqrstuv"));
  EXPECT_TRUE(IsBcrypt("$2b$04$x"));
  EXPECT_TRUE(IsBcrypt("$2y$10$x"));
  EXPECT_FALSE(IsBcrypt("$2c$10$x"));
  EXPECT_FALSE(IsBcrypt("$2a$1$x"));
  EXPECT_FALSE(IsBcrypt("password"));
}

TEST(PasswordTest, BcryptHashMatchesOnlyItsPassword) {
  // A cost-4 hash made by libcrypt itself, checked the way a configured hash is.
  crypt_data data{};
  const char* hash = crypt_r("pb", "$2b$04$VPf8gPPDhLgvsZPuH3Ptr.", &data);
  ASSERT_NE(hash, nullptr);
  const std::string configured(hash);
  ASSERT_TRUE(IsBcrypt(configured));
  EXPECT_TRUE(PasswordMatches(configured, "pb"));
  EXPECT_FALSE(PasswordMatches(configured, "pa"));
  EXPECT_FALSE(PasswordMatches(configured, ""));
  // A bcrypt-looking value is never compared as plain text.
  EXPECT_FALSE(PasswordMatches(configured, configured));
}

}  // namespace
}  // namespace na::auth
