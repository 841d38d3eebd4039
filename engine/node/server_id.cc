#include "engine/node/server_id.h"

namespace na::node {
namespace {

// nkeys PrefixByteServer: 13 << 3, which base32-encodes to a leading 'N'.
constexpr unsigned char kServerPrefixByte = 13 << 3;

}  // namespace

uint16_t Crc16(absl::string_view bytes) {
  uint16_t crc = 0;
  for (char ch : bytes) {
    crc ^= static_cast<uint16_t>(static_cast<unsigned char>(ch)) << 8;
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 0x8000) != 0 ? static_cast<uint16_t>((crc << 1) ^ 0x1021)
                                : static_cast<uint16_t>(crc << 1);
    }
  }
  return crc;
}

std::string Base32Encode(absl::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out;
  out.reserve((bytes.size() * 8 + 4) / 5);
  uint32_t buffer = 0;
  int bits = 0;
  for (char ch : bytes) {
    buffer = (buffer << 8) | static_cast<unsigned char>(ch);
    bits += 8;
    while (bits >= 5) {
      out.push_back(kAlphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 31]);
  return out;
}

std::string GenerateServerId(Prng& prng) {
  std::string raw;
  raw.reserve(35);
  raw.push_back(static_cast<char>(kServerPrefixByte));
  for (int word = 0; word < 4; ++word) {
    uint64_t value = prng.Next();
    for (int i = 0; i < 8; ++i) {
      raw.push_back(static_cast<char>(value & 0xff));
      value >>= 8;
    }
  }
  const uint16_t crc = Crc16(raw);
  raw.push_back(static_cast<char>(crc & 0xff));
  raw.push_back(static_cast<char>(crc >> 8));
  return Base32Encode(raw);
}

}  // namespace na::node
