// SPDX-License-Identifier: MIT
// `sendoff send`: its flags, and the network configuration and destination
// they add up to.
#ifndef SENDOFF_CLI_SEND_OPTIONS_HPP
#define SENDOFF_CLI_SEND_OPTIONS_HPP

#include <netinet/in.h>

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "sendoff/device.hpp"
#include "sendoff/netconf.hpp"
#include "sendoff/port_impairment.hpp"

namespace sendoff {
namespace cli {

constexpr const char* kDefaultDst = "198.18.0.2:9000";
// The neighbour entry used when neither --neigh nor --config give one: a
// locally administered unicast MAC (bit 1 of the first byte set, bit 0 clear).
constexpr const char* kDefaultNeighMac = "02:00:00:00:00:02";
// 65535 minus the IPv4 and UDP headers: larger sends fail with EMSGSIZE.
constexpr unsigned kMaxUdpPayload = 65507;

struct SendOptions {
  std::string backend = kDefaultBackend;
  std::string proto = "udp";
  std::string local;  // empty: --config's, else NetConfig's 198.18.0.1/15
  std::string dst = kDefaultDst;
  uint16_t src_port = 0;  // 0: an ephemeral port (inet_autobind)
  std::vector<std::string> neigh;
  std::string mac;
  std::string gateway;
  std::string config;
  unsigned mtu = 0;  // 0: --config's, else NetConfig's 1500
  unsigned size = 64;
  unsigned size_max = 0;  // 0: every datagram --size bytes
  uint64_t count = 1;
  std::string input;
  std::string pcap;
  std::string tap;  // the MAC port is this TAP interface (both ways)
  ImpairmentConfig impair;  // on the TAP port, each direction
  bool trace = false;
  bool cosim = false;
  std::string trace_fst;  // --backend verilator: the RTL's waveform, FST
  double tready = 1.0;     // --backend verilator: chance the MAC takes a beat
  bool mem_jitter = false; // --backend verilator: realistic memory, random ARREADY
  bool card_memory = false;  // --backend csim: DeviceOptions::noncoherent
  uint64_t mem_seed = 1;   // the memory's random choices
  std::string rs_fec = "on";  // --backend xrt: cmac_0's RS-FEC, set as the link comes up
};

void add_send_options(CLI::App* cmd, SendOptions* o);
// --loss, --reorder, --duplicate, --corrupt and --seed: impairments of the
// TAP port (tap_opt), which they need.
void add_impairment_options(CLI::App* cmd, ImpairmentConfig* c, CLI::Option* tap_opt);
// --backend, --proto (one of `protos`) and --local, as send and recv take them.
void add_interface_options(CLI::App* cmd, std::string* backend, std::string* proto,
                           std::string* local, const std::string& backend_help,
                           std::vector<std::string> protos = {"udp"});

struct SendPlan {
  NetConfig cfg;
  sockaddr_in dst{};
};

// Applies --config first, then the flags on top. Throws UsageError.
SendPlan make_send_plan(const SendOptions& o);

}  // namespace cli
}  // namespace sendoff

#endif  // SENDOFF_CLI_SEND_OPTIONS_HPP
