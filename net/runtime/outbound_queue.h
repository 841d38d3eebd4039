// OutboundQueue: bytes queued on one connection and not yet written to its socket.
//
// Small sends are coalesced into chunks of up to kChunkBytes so that a flush of many tiny MSG
// lines needs few iovecs; a large send becomes its own chunk, copied once. The queue hands out
// iovecs for writev/sendmsg and drops what the kernel accepted.
#ifndef NATRIUM_NET_RUNTIME_OUTBOUND_QUEUE_H_
#define NATRIUM_NET_RUNTIME_OUTBOUND_QUEUE_H_

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>

#include "absl/strings/string_view.h"

namespace na::net {

class OutboundQueue {
 public:
  static constexpr size_t kChunkBytes = 64 * 1024;

  void Append(absl::string_view bytes);

  // Fills up to `max_iov` iovecs with the queued bytes, oldest first; returns how many.
  int Gather(struct iovec* iov, int max_iov) const;

  // Drops the first `n` queued bytes. REQUIRES: n <= size().
  void Consume(size_t n);

  void Clear();
  size_t size() const { return size_bytes_; }
  bool empty() const { return size_bytes_ == 0; }

 private:
  std::deque<std::string> chunks_;
  size_t head_offset_ = 0;  // bytes of chunks_.front() already written
  size_t size_bytes_ = 0;
};

}  // namespace na::net

#endif  // NATRIUM_NET_RUNTIME_OUTBOUND_QUEUE_H_
