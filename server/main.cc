#include "server/server_main.h"

int main(int argc, char** argv) { return na::server::ServerMain(argc, argv); }
