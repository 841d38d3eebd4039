#include "net/runtime/outbound_queue.h"

#include <algorithm>
#include <utility>

#include "engine/base/check.h"

namespace na::net {

std::string ChunkPool::Take(size_t capacity) {
  if (!free_.empty()) {
    std::string chunk = std::move(free_.back());
    free_.pop_back();
    if (chunk.capacity() >= capacity) return chunk;
  }
  std::string chunk;
  chunk.reserve(capacity);
  return chunk;
}

void ChunkPool::Give(std::string chunk) {
  // Only standard chunks are kept, so that what the pool holds is bounded by count * size.
  if (free_.size() >= max_free_chunks_ || chunk.capacity() < OutboundQueue::kChunkBytes ||
      chunk.capacity() > 2 * OutboundQueue::kChunkBytes) {
    return;
  }
  chunk.clear();
  free_.push_back(std::move(chunk));
}

std::string OutboundQueue::NewChunk() {
  if (pool_ != nullptr) return pool_->Take(kChunkBytes);
  std::string chunk;
  chunk.reserve(kChunkBytes);
  return chunk;
}

void OutboundQueue::Release(std::string& chunk) {
  if (pool_ != nullptr) pool_->Give(std::move(chunk));
  std::string().swap(chunk);
}

void OutboundQueue::Append(absl::string_view bytes) {
  size_bytes_ += bytes.size();
  while (!bytes.empty()) {
    if (head_ == chunks_.size() || chunks_.back().size() == kChunkBytes) {
      chunks_.push_back(NewChunk());
    }
    std::string& back = chunks_.back();
    const size_t take = std::min(bytes.size(), kChunkBytes - back.size());
    back.append(bytes.data(), take);
    bytes.remove_prefix(take);
  }
}

int OutboundQueue::Gather(struct iovec* iov, int max_iov) const {
  int n = 0;
  size_t offset = head_offset_;
  for (size_t i = head_; i < chunks_.size() && n < max_iov; ++i) {
    const std::string& chunk = chunks_[i];
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
    std::string& front = chunks_[head_];
    const size_t left = front.size() - head_offset_;
    if (n < left) {
      head_offset_ += n;
      return;
    }
    n -= left;
    Release(front);
    ++head_;
    head_offset_ = 0;
  }
  if (size_bytes_ == 0) {
    // Everything written: forget the released slots (the vector keeps its small capacity).
    for (size_t i = head_; i < chunks_.size(); ++i) Release(chunks_[i]);
    chunks_.clear();
    head_ = 0;
    head_offset_ = 0;
  } else if (head_ >= 16 && head_ * 2 >= chunks_.size()) {
    chunks_.erase(chunks_.begin(), chunks_.begin() + static_cast<ptrdiff_t>(head_));
    head_ = 0;
  }
}

void OutboundQueue::Clear() {
  for (size_t i = head_; i < chunks_.size(); ++i) Release(chunks_[i]);
  chunks_.clear();
  head_ = 0;
  head_offset_ = 0;
  size_bytes_ = 0;
}

}  // namespace na::net
