// A real nats.c subscriber that the interop test freezes with SIGSTOP, so the server sees a
// consumer that stops reading. Usage: interop_slow_subscriber <url> <subject>
// Prints "ready" once subscribed and "closed" when the server drops it (reconnect is off).
#include <nats/nats.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>

namespace {

std::atomic<bool> closed{false};

void Say(const char* line) {
  fputs(line, stdout);
  fflush(stdout);
}

void OnClosed(natsConnection*, void*) {
  closed = true;
  Say("closed\n");
}

void OnMsg(natsConnection*, natsSubscription*, natsMsg* msg, void*) { natsMsg_Destroy(msg); }

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s <url> <subject>\n", argv[0]);
    return 2;
  }
  natsOptions* opts = nullptr;
  natsConnection* nc = nullptr;
  natsSubscription* sub = nullptr;
  if (natsOptions_Create(&opts) != NATS_OK || natsOptions_SetURL(opts, argv[1]) != NATS_OK ||
      natsOptions_SetAllowReconnect(opts, false) != NATS_OK ||
      natsOptions_SetClosedCB(opts, OnClosed, nullptr) != NATS_OK ||
      natsConnection_Connect(&nc, opts) != NATS_OK ||
      natsConnection_Subscribe(&sub, nc, argv[2], OnMsg, nullptr) != NATS_OK ||
      natsSubscription_SetPendingLimits(sub, -1, -1) != NATS_OK ||
      natsConnection_Flush(nc) != NATS_OK) {
    fprintf(stderr, "setup failed: %s\n", nats_GetLastError(nullptr));
    return 1;
  }
  Say("ready\n");
  // Bounded: the test kills us anyway; this only stops an orphan from living forever.
  for (int i = 0; i < 600 && !closed; ++i) usleep(100'000);
  natsSubscription_Destroy(sub);
  natsConnection_Destroy(nc);
  natsOptions_Destroy(opts);
  return closed ? 0 : 1;
}
