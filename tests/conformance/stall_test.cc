// The publisher stall (nats-reference.md §7 "Publisher stall"): a fast publisher and a frozen
// subscriber. Side by side, with max_pending 20000 and a subscriber whose 4 KiB receive buffer
// is never read, 3000 x 4000-byte messages then PING:
//   nats-server 2.9.10: "Timed out of fast producer stall (300ms)", "(700ms)", then "Slow
//     Consumer Detected: MaxPending of 20000 Exceeded"; the subscriber received 12048 bytes
//     (its write loop is only signalled when the stalled read ends, so little reaches the
//     socket); the publisher's PONG came about 1 s after its first message.
//   natrium-server: one or two stalls time out, then the same MaxPending cut; the subscriber
//     received about 3 MB first (the runtime writes every loop turn, so the kernel's send buffer
//     fills before pending bytes build up); PONG about 0.4 s after the first message.
// Shared, and asserted: the publisher is held back at least one minimum stall (100 ms), nothing
// is lost for it (its PING is answered after all its messages were taken), the frozen subscriber
// is cut silently, and it did not get everything.
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tests/conformance/server_test_base.h"

namespace na::conformance {
namespace {

class StallTest : public ServerTest {};

TEST_F(StallTest, FrozenSubscriberSlowsThePublisherThenIsCutAtMaxPending) {
  StartServer("max_payload: 4096\nmax_pending: 20000\nwrite_deadline: \"10s\"\n");
  ::na::testing::RawClientOptions small_window;
  small_window.receive_buffer_bytes = 4096;
  ASSERT_OK_AND_ASSIGN(auto frozen, RawClient::Connect(port(), small_window));
  ASSERT_OK(frozen->Handshake(kQuiet));
  ASSERT_OK(frozen->Send("SUB s 1\r\nPING\r\n"));
  ASSERT_OK(frozen->Expect("PONG\r\n"));
  ASSERT_OK_AND_ASSIGN(auto pub, Connected(port()));
  pub->set_answer_pings(true);

  constexpr int kMessages = 3000;
  const std::string payload(4000, 'z');
  std::string burst;
  for (int i = 0; i < kMessages; ++i) absl::StrAppend(&burst, "PUB s 4000\r\n", payload, "\r\n");
  burst += "PING\r\n";
  const absl::Time start = absl::Now();
  ASSERT_OK(pub->Send(burst));
  ASSERT_OK(pub->Expect("PONG\r\n", absl::Seconds(20)));
  const absl::Duration took = absl::Now() - start;
  EXPECT_GE(took, absl::Milliseconds(100));
  EXPECT_LT(took, absl::Seconds(20));

  ASSERT_OK_AND_ASSIGN(std::string got, frozen->ReadUntilClosed(absl::Seconds(10)));
  EXPECT_EQ(got.find("-ERR"), std::string::npos);
  EXPECT_LT(got.size(), kMessages * (payload.size() + 16));

  // The publisher is reading normally again.
  ASSERT_OK(pub->Send("PING\r\n"));
  ASSERT_OK(pub->Expect("PONG\r\n", absl::Seconds(1)));
}

}  // namespace
}  // namespace na::conformance
