// SPDX-License-Identifier: MIT
#include "send_options.hpp"

#include <arpa/inet.h>

#include "sendoff/nic_abi.hpp"
#include "usage_error.hpp"
#include "validators.hpp"

namespace sendoff {
namespace cli {

void add_interface_options(CLI::App* cmd, std::string* backend, std::string* proto,
                           std::string* local, const std::string& backend_help,
                           std::vector<std::string> protos) {
  cmd->add_option("--backend", *backend, backend_help)
      ->check(one_of({"csim", "verilator", "xrt"}))
      ->capture_default_str();
  cmd->add_option("--proto", *proto, "Transport protocol")
      ->check(one_of(std::move(protos)))
      ->capture_default_str();
  cmd->add_option("--local", *local, "Our address and prefix length")
      ->check(ipv4_cidr())
      ->default_str("198.18.0.1/15");
}

void add_impairment_options(CLI::App* cmd, ImpairmentConfig* c, CLI::Option* tap_opt) {
  const char* each = ", in each direction of the TAP port (tests)";
  cmd->add_option("--loss", c->loss, std::string("Chance a frame is lost") + each)
      ->check(chance())
      ->needs(tap_opt);
  cmd->add_option("--reorder", c->reorder,
                  std::string("Chance a frame is held back and sent after the next one (1 ms later at most)") + each)
      ->check(chance())
      ->needs(tap_opt);
  cmd->add_option("--duplicate", c->duplicate, std::string("Chance a frame is sent twice") + each)
      ->check(chance())
      ->needs(tap_opt);
  cmd->add_option("--corrupt", c->corrupt, std::string("Chance one bit of a frame flips") + each)
      ->check(chance())
      ->needs(tap_opt);
  cmd->add_option("--seed", c->seed, "Seed of the impairments' random choices")
      ->check(whole_number(0, UINT64_MAX))
      ->capture_default_str();
}

void add_send_options(CLI::App* cmd, SendOptions* o) {
  add_interface_options(cmd, &o->backend, &o->proto, &o->local, "Device back end", {"udp", "tcp"});
  cmd->add_option("--dst", o->dst, "Destination address and port")
      ->check(ipv4_endpoint())
      ->capture_default_str();
  cmd->add_option("--src-port", o->src_port, "Bind to this source port (default: ephemeral)")
      ->check(whole_number(1, 65535));
  cmd->add_option("--neigh", o->neigh,
                  "Static neighbour entry IP=MAC, repeatable (default: ARP on --tap, else the next "
                  "hop at " + std::string(kDefaultNeighMac) + " unless --neigh or --config)")
      ->check(neigh_entry())
      ->allow_extra_args(false);
  cmd->add_option("--mac", o->mac, "Our MAC address")
      ->check(mac_address())
      ->default_str("02:00:00:00:00:01");
  cmd->add_option("--gateway", o->gateway, "Default route's next hop")->check(ipv4_address());
  cmd->add_option("--config", o->config, "Config file (see netconf.hpp); flags override it")
      ->check(CLI::ExistingFile);
  cmd->add_option("--mtu", o->mtu, "IP MTU")
      ->check(whole_number(abi::MIN_MTU, abi::MAX_MTU))
      ->default_str("1500");
  cmd->add_option("--size", o->size, "Payload bytes per datagram (--proto tcp: per send() call)")
      ->check(whole_number(0, kMaxUdpPayload))
      ->capture_default_str();
  cmd->add_option("--size-max", o->size_max,
                  "Vary each datagram's payload over --size..SIZE_MAX bytes (a fixed sequence)")
      ->check(whole_number(1, kMaxUdpPayload));
  auto* count = cmd->add_option("--count", o->count, "Datagrams to send (--proto tcp: send() calls)")
                    ->check(whole_number(1, 1000000000000ull))
                    ->capture_default_str();
  cmd->add_option("--input", o->input,
                  "Send this file's bytes, --size bytes per datagram (the last one shorter)")
      ->check(CLI::ExistingFile)
      ->excludes(count);
  cmd->add_option("--pcap", o->pcap, "Write the NIC's frames to this pcap file")
      ->check(output_file());
  auto* tap = cmd->add_option("--tap", o->tap,
                  "Wire the NIC's MAC port to this TAP interface (an existing one, or created): "
                  "frames go to the kernel there, and the kernel's come back into the NIC's "
                  "receive path (--backend csim)");
  add_impairment_options(cmd, &o->impair, tap);
  cmd->add_flag("--trace", o->trace, "Print every layer each send passes, host and NIC");
  cmd->add_flag("--cosim", o->cosim,
                "With --backend verilator: run csim in lockstep and stop at the first frame "
                "or counter that differs");
  cmd->add_option("--trace-fst", o->trace_fst,
                  "With --backend verilator (and --cosim): write the RTL's waveform to this FST "
                  "file (GTKWave opens it)")
      ->check(output_file());
  cmd->add_option("--tready", o->tready,
                  "With --backend verilator: chance the MAC takes a beat in a cycle (0 < P <= 1)")
      ->check(probability());
  cmd->add_flag("--mem-jitter", o->mem_jitter,
                "With --backend verilator: realistic memory (read latency 32..160 cycles per "
                "burst, 64 bursts outstanding, R gaps) with random ARREADY");
  cmd->add_option("--mem-seed", o->mem_seed, "Seed of the memory's and the MAC's random choices")
      ->check(whole_number(0, UINT64_MAX));
  cmd->add_flag("--card-memory", o->card_memory,
                "With --backend csim: device memory as on a card's DDR/HBM, not host-coherent: "
                "the NIC reads only what the driver synced (one DMA sync per batch)");
  cmd->add_option("--rs-fec", o->rs_fec,
                  "With --backend xrt: RS-FEC (Clause 91) on cmac_0's link, which must match the "
                  "peer's; the link is brought up before sending, and a link that stays down "
                  "is refused")
      ->check(one_of({"on", "off"}))
      ->capture_default_str();
}

namespace {

[[noreturn]] void usage(const std::string& flag, const std::string& msg) {
  throw UsageError(flag + ": " + msg);
}

bool on_link(const NetConfig& cfg, uint32_t addr) {
  uint32_t mask = cfg.prefix_len == 0 ? 0 : ~0u << (32 - cfg.prefix_len);
  return ((addr ^ cfg.addr) & mask) == 0;
}

bool has_neigh(const NetConfig& cfg, uint32_t addr) {
  for (const auto& n : cfg.neigh)
    if (n.ip == addr) return true;
  return false;
}

}  // namespace

SendPlan make_send_plan(const SendOptions& o) {
  SendPlan plan;
  NetConfig& cfg = plan.cfg;
  std::string err;
  if (!o.config.empty() && !cfg.load_file(o.config, &err)) usage("--config", err);
  if (!o.local.empty() && !cfg.set_local(o.local, &err)) usage("--local", err);
  if (!o.mac.empty() && !cfg.set_mac(o.mac, &err)) usage("--mac", err);
  if (o.mtu != 0 && !cfg.set_mtu(o.mtu, &err)) usage("--mtu", err);
  if (!o.gateway.empty() && !cfg.set_gateway(o.gateway, &err)) usage("--gateway", err);
  for (const auto& n : o.neigh)
    if (!cfg.add_neigh(n, &err)) usage("--neigh", err);

  uint32_t daddr;
  uint16_t dport;
  if (!parse_endpoint(o.dst, &daddr, &dport)) usage("--dst", "'" + o.dst + "' is not IP:PORT");
  plan.dst.sin_family = AF_INET;
  plan.dst.sin_addr.s_addr = htonl(daddr);
  plan.dst.sin_port = htons(dport);

  // Without any neighbour configuration, make the default command work: the
  // next hop (the destination, or the gateway for an off-link one) gets the
  // fixed default MAC. On a TAP port a real peer answers ARP instead.
  // Explicit configuration is left exactly as given.
  if (o.neigh.empty() && o.config.empty() && o.tap.empty()) {
    uint32_t nexthop = on_link(cfg, daddr) || cfg.gateway == 0 ? daddr : cfg.gateway;
    if (!has_neigh(cfg, nexthop) &&
        !cfg.add_neigh(format_ipv4(nexthop) + "=" + kDefaultNeighMac, &err))
      usage("--dst", err);
  }
  return plan;
}

}  // namespace cli
}  // namespace sendoff
