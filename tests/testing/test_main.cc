// main() for tests that drive a server binary: GoogleTest's flags, plus `--server=PATH` naming
// the binary under test (ctest passes natrium-server or nats-server here).
#include <cstdio>
#include <cstring>

#include "gtest/gtest.h"
#include "tests/testing/server_process.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  constexpr const char kFlag[] = "--server=";
  for (int i = 1; i < argc; ++i) {
    if (strncmp(argv[i], kFlag, sizeof(kFlag) - 1) == 0) {
      na::testing::SetServerBinary(argv[i] + sizeof(kFlag) - 1);
    }
  }
  if (na::testing::ServerBinary().empty()) {
    fprintf(stderr, "usage: %s --server=PATH (or NA_TEST_SERVER=PATH) [gtest flags]\n", argv[0]);
    return 2;
  }
  fprintf(stderr, "server under test: %s\n", na::testing::ServerBinary().c_str());
  return RUN_ALL_TESTS();
}
