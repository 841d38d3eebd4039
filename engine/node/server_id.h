// Server ids in the shape of an nkey server public key, as nats-server generates them: base32
// (RFC 4648 alphabet, no padding) of the prefix byte for servers ('N'), 32 key bytes, and the
// CRC-16/XMODEM of those 33 bytes, little-endian. 56 characters, starting with 'N'.
// The key bytes come from the node's PRNG, so an id is reproducible from the seed.
#ifndef NATRIUM_ENGINE_NODE_SERVER_ID_H_
#define NATRIUM_ENGINE_NODE_SERVER_ID_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "engine/base/random.h"

namespace na::node {

std::string GenerateServerId(Prng& prng);

// CRC-16/XMODEM (polynomial 0x1021, initial value 0), the nkeys checksum.
uint16_t Crc16(absl::string_view bytes);

// RFC 4648 base32 without padding.
std::string Base32Encode(absl::string_view bytes);

}  // namespace na::node

#endif  // NATRIUM_ENGINE_NODE_SERVER_ID_H_
