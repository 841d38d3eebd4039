// natrium-server's whole life: flags, config file, logging, the node on the epoll runtime, the
// HTTP monitor, ports and pid files, signals, shutdown. Returns the process exit code, which is
// nats-server's in each case (0 after SIGINT, 1 after SIGTERM or a startup error, 0 for -h/-v).
#ifndef NATRIUM_SERVER_SERVER_MAIN_H_
#define NATRIUM_SERVER_SERVER_MAIN_H_

namespace na::server {

int ServerMain(int argc, char** argv);

}  // namespace na::server

#endif  // NATRIUM_SERVER_SERVER_MAIN_H_
