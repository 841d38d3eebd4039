#include "net/runtime/outbound_queue.h"

#include <string>

#include "gtest/gtest.h"

namespace na::net {
namespace {

std::string Contents(const OutboundQueue& q) {
  struct iovec iov[1024];
  const int n = q.Gather(iov, 1024);
  std::string out;
  for (int i = 0; i < n; ++i) out.append(static_cast<char*>(iov[i].iov_base), iov[i].iov_len);
  return out;
}

TEST(OutboundQueueTest, CoalescesSmallSendsAndKeepsOrder) {
  OutboundQueue q;
  q.Append("MSG a 1 2\r\n");
  q.Append("hi\r\n");
  q.Append("");
  struct iovec iov[4];
  EXPECT_EQ(q.Gather(iov, 4), 1);
  EXPECT_EQ(Contents(q), "MSG a 1 2\r\nhi\r\n");
  EXPECT_EQ(q.size(), 15u);
}

TEST(OutboundQueueTest, PartialConsumeAcrossChunks) {
  OutboundQueue q;
  std::string big(OutboundQueue::kChunkBytes, 'x');
  q.Append("abc");
  q.Append(big);  // does not fit in the first chunk: a chunk of its own
  q.Append("def");
  q.Consume(2);
  EXPECT_EQ(Contents(q), "c" + big + "def");
  q.Consume(1 + big.size() - 1);
  EXPECT_EQ(Contents(q), "xdef");
  q.Consume(4);
  EXPECT_TRUE(q.empty());
  struct iovec iov[4];
  EXPECT_EQ(q.Gather(iov, 4), 0);
}

TEST(OutboundQueueTest, GatherRespectsIovLimit) {
  OutboundQueue q;
  std::string big(OutboundQueue::kChunkBytes, 'y');
  for (int i = 0; i < 5; ++i) q.Append(big);
  struct iovec iov[3];
  EXPECT_EQ(q.Gather(iov, 3), 3);
  EXPECT_EQ(q.size(), 5 * big.size());
}

TEST(OutboundQueueTest, LargeSendsSpanChunksInOrder) {
  OutboundQueue q;
  std::string data;
  for (size_t i = 0; i < 3 * OutboundQueue::kChunkBytes + 123; ++i) {
    data.push_back(static_cast<char>('a' + i % 26));
  }
  q.Append("head");
  q.Append(data);
  q.Append("tail");
  EXPECT_EQ(Contents(q), "head" + data + "tail");
  q.Consume(OutboundQueue::kChunkBytes + 7);
  EXPECT_EQ(Contents(q), ("head" + data + "tail").substr(OutboundQueue::kChunkBytes + 7));
}

TEST(OutboundQueueTest, WrittenChunksGoBackToThePool) {
  ChunkPool pool(2);
  {
    OutboundQueue q(&pool);
    q.Append(std::string(3 * OutboundQueue::kChunkBytes, 'a'));
    q.Consume(3 * OutboundQueue::kChunkBytes);
    EXPECT_TRUE(q.empty());
    EXPECT_EQ(pool.free_chunks(), 2u);  // the third did not fit in the pool
    q.Append("x");
    EXPECT_EQ(pool.free_chunks(), 1u);  // taken again
    EXPECT_EQ(Contents(q), "x");
  }
  EXPECT_EQ(pool.free_chunks(), 2u);  // a destroyed queue gives its chunk back
}

}  // namespace
}  // namespace na::net
