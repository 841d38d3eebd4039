#include "net/runtime/outbound_queue.h"

#include "engine/base/check.h"

namespace na::net {

void OutboundQueue::Append(absl::string_view bytes) {
  if (bytes.empty()) return;
  size_bytes_ += bytes.size();
  // Coalesce into the last chunk while it stays small (appending never moves head_offset_).
  if (!chunks_.empty() && chunks_.back().size() + bytes.size() <= kChunkBytes) {
    chunks_.back().append(bytes.data(), bytes.size());
    return;
  }
  chunks_.emplace_back(bytes.data(), bytes.size());
}

int OutboundQueue::Gather(struct iovec* iov, int max_iov) const {
  int n = 0;
  size_t offset = head_offset_;
  for (const std::string& chunk : chunks_) {
    if (n == max_iov) break;
    iov[n].iov_base = const_cast<char*>(chunk.data() + offset);
    iov[n].iov_len = chunk.size() - offset;
    offset = 0;
    ++n;
  }
  return n;
}

void OutboundQueue::Consume(size_t n) {
  NA_CHECK_LE(n, size_bytes_);
  size_bytes_ -= n;
  while (n > 0) {
    std::string& front = chunks_.front();
    const size_t left = front.size() - head_offset_;
    if (n < left) {
      head_offset_ += n;
      return;
    }
    n -= left;
    chunks_.pop_front();
    head_offset_ = 0;
  }
  if (size_bytes_ == 0) {
    chunks_.clear();
    head_offset_ = 0;
  }
}

void OutboundQueue::Clear() {
  chunks_.clear();
  head_offset_ = 0;
  size_bytes_ = 0;
}

}  // namespace na::net
