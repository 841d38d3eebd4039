// OutboundQueue: bytes queued on one connection and not yet written to its socket.
//
// Bytes go into chunks of kChunkBytes capacity, filled to the brim before the next one starts,
// so that a flush of many tiny MSG lines needs few iovecs and a large send is copied once. The
// queue hands out iovecs for writev/sendmsg and drops what the kernel accepted.
//
// Chunks come from a ChunkPool shared by the runtime's connections and go back to it once
// written: a connection that is flushed every loop turn (the common case) reuses the same warm
// memory instead of growing a fresh buffer from nothing each turn, and an idle connection holds
// no chunk at all.
#ifndef NATRIUM_NET_RUNTIME_OUTBOUND_QUEUE_H_
#define NATRIUM_NET_RUNTIME_OUTBOUND_QUEUE_H_

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace na::net {

// Free chunks, bounded so that a burst to many connections does not pin memory for good.
class ChunkPool {
 public:
  explicit ChunkPool(size_t max_free_chunks) : max_free_chunks_(max_free_chunks) {}
  // An empty string with at least `capacity` bytes reserved.
  std::string Take(size_t capacity);
  // Keeps the chunk for reuse if it has the standard capacity and the pool has room.
  void Give(std::string chunk);
  size_t free_chunks() const { return free_.size(); }

 private:
  const size_t max_free_chunks_;
  std::vector<std::string> free_;
};

class OutboundQueue {
 public:
  static constexpr size_t kChunkBytes = 64 * 1024;

  // `pool` may be null (no reuse); it must outlive the queue.
  explicit OutboundQueue(ChunkPool* pool = nullptr) : pool_(pool) {}
  ~OutboundQueue() { Clear(); }
  OutboundQueue(const OutboundQueue&) = delete;
  OutboundQueue& operator=(const OutboundQueue&) = delete;

  void Append(absl::string_view bytes);

  // Fills up to `max_iov` iovecs with the queued bytes, oldest first; returns how many.
  int Gather(struct iovec* iov, int max_iov) const;

  // Drops the first `n` queued bytes. REQUIRES: n <= size().
  void Consume(size_t n);

  // Drops everything queued (chunks go back to the pool).
  void Clear();
  size_t size() const { return size_bytes_; }
  bool empty() const { return size_bytes_ == 0; }

 private:
  std::string NewChunk();
  void Release(std::string& chunk);

  ChunkPool* pool_;
  std::vector<std::string> chunks_;  // chunks_[head_..] are live
  size_t head_ = 0;
  size_t head_offset_ = 0;  // bytes of chunks_[head_] already written
  size_t size_bytes_ = 0;
};

}  // namespace na::net

#endif  // NATRIUM_NET_RUNTIME_OUTBOUND_QUEUE_H_
