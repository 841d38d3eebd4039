#include "engine/auth/password.h"

#include <crypt.h>

#include <cstring>
#include <memory>
#include <string>

#include "absl/strings/ascii.h"

namespace na::auth {

bool IsBcrypt(absl::string_view configured) {
  // "^\$2[abxy]\$\d{2}\$": the same shape nats-server accepts as a hash.
  if (configured.size() < 7) return false;
  if (configured[0] != '$' || configured[1] != '2') return false;
  const char variant = configured[2];
  if (variant != 'a' && variant != 'b' && variant != 'x' && variant != 'y') return false;
  return configured[3] == '$' && absl::ascii_isdigit(static_cast<unsigned char>(configured[4])) &&
         absl::ascii_isdigit(static_cast<unsigned char>(configured[5])) && configured[6] == '$';
}

bool ConstantTimeEquals(absl::string_view a, absl::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i]);
  }
  return diff == 0;
}

bool PasswordMatches(absl::string_view configured, absl::string_view given) {
  if (!IsBcrypt(configured)) return ConstantTimeEquals(configured, given);
  // crypt_r needs NUL-terminated strings; a password with an embedded NUL cannot match.
  if (given.find('\0') != absl::string_view::npos) return false;
  const std::string key(given);
  const std::string setting(configured);
  // crypt_data is tens of kilobytes: keep it off the stack.
  auto data = std::make_unique<crypt_data>();
  std::memset(data.get(), 0, sizeof(crypt_data));
  const char* hashed = crypt_r(key.c_str(), setting.c_str(), data.get());
  if (hashed == nullptr || hashed[0] == '*') return false;
  return ConstantTimeEquals(hashed, configured);
}

}  // namespace na::auth
