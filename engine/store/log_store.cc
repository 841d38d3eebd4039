#include "engine/store/log_store.h"

namespace na::store {

// nats counts a stored message by its record size (filestore.go fileStoreMsgSize: 22-byte header,
// optional 4-byte header length, 8-byte hash) or by its payload plus two 8-byte words
// (memstore.go memStoreMsgSize). Matching them makes max_bytes trip exactly where nats' does.
uint64_t MessageSizeBytes(StorageKind kind, size_t subject_bytes, size_t headers_bytes,
                          size_t payload_bytes) {
  switch (kind) {
    case StorageKind::kFile:
      if (headers_bytes == 0) {
        return 22 + subject_bytes + payload_bytes + 8;
      }
      return 22 + subject_bytes + 4 + headers_bytes + payload_bytes + 8;
    case StorageKind::kMemory:
      return subject_bytes + headers_bytes + payload_bytes + 16;
  }
  return 0;
}

}  // namespace na::store
