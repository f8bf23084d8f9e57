// SPDX-License-Identifier: MIT
// `sendoff recv`: opens the stack with the NIC's MAC port on a TAP, binds a
// UDP socket and receives datagrams through the NIC's receive path and
// so_recvfrom, optionally into a file; prints a summary.
#ifndef SENDOFF_CLI_RECV_COMMAND_HPP
#define SENDOFF_CLI_RECV_COMMAND_HPP

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "sendoff/port_impairment.hpp"

namespace sendoff {
namespace cli {

struct RecvOptions {
  std::string backend = "csim";  // the back end with a receive path
  std::string proto = "udp";
  std::string local;
  std::string mac;
  std::string config;
  unsigned mtu = 0;
  uint16_t bind_port = 0;
  std::string tap;
  ImpairmentConfig impair;  // on the TAP port, each direction
  std::string output;
  uint64_t count = 0;   // 0: until --timeout
  double timeout = 5;   // seconds without a datagram before it stops
  bool trace = false;
};

void add_recv_options(CLI::App* cmd, RecvOptions* o);
// Returns the process exit code; throws UsageError for bad flag values.
int run_recv(const RecvOptions& o);

}  // namespace cli
}  // namespace sendoff

#endif  // SENDOFF_CLI_RECV_COMMAND_HPP
