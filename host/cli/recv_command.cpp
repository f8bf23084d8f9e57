// SPDX-License-Identifier: MIT
#include "recv_command.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/time.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "errno_text.hpp"
#include "send_options.hpp"
#include "sendoff/sendoff.h"
#include "sendoff/stack.hpp"
#include "sendoff/tap_port.hpp"
#include "trace_sink.hpp"
#include "usage_error.hpp"
#include "validators.hpp"

namespace sendoff {
namespace cli {

void add_recv_options(CLI::App* cmd, RecvOptions* o) {
  add_interface_options(cmd, &o->backend, &o->proto, &o->local,
                        "Device back end (one with a receive path)", {"udp", "tcp"});
  cmd->add_option("--mac", o->mac, "Our MAC address")
      ->check(mac_address())
      ->default_str("02:00:00:00:00:01");
  cmd->add_option("--config", o->config, "Config file (see netconf.hpp); flags override it")
      ->check(CLI::ExistingFile);
  cmd->add_option("--mtu", o->mtu, "IP MTU")->check(whole_number(abi::MIN_MTU, abi::MAX_MTU));
  cmd->add_option("--bind", o->bind_port,
                  "Port to receive on (udp) or to listen on for one connection (tcp)")
      ->check(whole_number(1, 65535))
      ->required();
  auto* tap = cmd->add_option("--tap", o->tap, "The NIC's MAC port: this TAP interface")->required();
  add_impairment_options(cmd, &o->impair, tap);
  cmd->add_option("--output", o->output,
                  "Write the datagrams' bytes (tcp: the connection's) to this file, in order")
      ->check(output_file());
  cmd->add_option("--count", o->count, "Stop after this many datagrams")
      ->check(whole_number(1, 1000000000000ull));
  cmd->add_option("--timeout", o->timeout,
                  "Stop after this many seconds without a datagram (tcp: fail after this "
                  "long without a connection or data)")
      ->check(CLI::Range(0.001, 86400.0))
      ->capture_default_str();
  cmd->add_flag("--trace", o->trace, "Print every layer each received frame passes");
}

namespace {

timeval seconds_tv(double s) {
  const auto whole = static_cast<time_t>(s);
  return {whole, static_cast<suseconds_t>((s - static_cast<double>(whole)) * 1e6)};
}

// --proto tcp: listen on the port, accept one connection, write its bytes
// to `out` until the peer's FIN, close. 0 or kExitFailure (said why).
int recv_tcp(const RecvOptions& o, FILE* out, uint64_t* bytes, double* elapsed,
             std::string* peer) {
  const timeval tv = seconds_tv(o.timeout);
  const int one = 1;
  sockaddr_in me{};
  me.sin_family = AF_INET;
  me.sin_port = htons(o.bind_port);
  const int lfd = so_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  // SO_RCVTIMEO bounds accept's wait, and the connection inherits it.
  if (lfd < 0 || so_setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      so_bind(lfd, reinterpret_cast<sockaddr*>(&me), sizeof me) != 0 ||
      so_setsockopt(lfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0 || so_listen(lfd, 1) != 0) {
    fprintf(stderr, "sendoff: listen: %s\n", errno_message(errno).c_str());
    if (lfd >= 0) so_close(lfd);
    return kExitFailure;
  }
  printf("listening on port %u\n", static_cast<unsigned>(o.bind_port));
  fflush(stdout);
  sockaddr_in from{};
  socklen_t from_len = sizeof from;
  const int fd = so_accept(lfd, reinterpret_cast<sockaddr*>(&from), &from_len);
  const int accept_errno = errno;
  so_close(lfd);  // one connection: nobody else is let in
  if (fd < 0) {
    fprintf(stderr, "sendoff: accept: %s\n",
            accept_errno == EAGAIN ? "no connection within --timeout"
                                   : errno_message(accept_errno).c_str());
    return kExitFailure;
  }
  char addr[INET_ADDRSTRLEN] = "?";
  inet_ntop(AF_INET, &from.sin_addr, addr, sizeof addr);
  *peer = std::string(addr) + ":" + std::to_string(ntohs(from.sin_port));
  std::vector<uint8_t> buf(1 << 16);
  int rc = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (;;) {
    const ssize_t n = so_recv(fd, buf.data(), buf.size(), 0);
    if (n == 0) break;  // the peer's FIN: everything came
    if (n < 0) {
      fprintf(stderr, "sendoff: recv: %s\n",
              errno == EAGAIN ? "no data within --timeout" : errno_message(errno).c_str());
      rc = kExitFailure;
      break;
    }
    *bytes += static_cast<uint64_t>(n);
    if (out && fwrite(buf.data(), 1, static_cast<size_t>(n), out) != static_cast<size_t>(n)) {
      fprintf(stderr, "sendoff: --output: %s\n", errno_message(errno).c_str());
      rc = kExitFailure;
      break;
    }
  }
  *elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  so_close(fd);
  return rc;
}

}  // namespace

int run_recv(const RecvOptions& o) {
  NetConfig cfg;
  std::string err;
  if (!o.config.empty() && !cfg.load_file(o.config, &err)) throw UsageError("--config: " + err);
  if (!o.local.empty() && !cfg.set_local(o.local, &err)) throw UsageError("--local: " + err);
  if (!o.mac.empty() && !cfg.set_mac(o.mac, &err)) throw UsageError("--mac: " + err);
  if (o.mtu && !cfg.set_mtu(o.mtu, &err)) throw UsageError("--mtu: " + err);
  if (o.proto == "tcp" && o.count)
    throw UsageError("--count counts datagrams: with --proto tcp the connection's end (FIN) stops");

  std::unique_ptr<TapPort> tap = TapPort::open(o.tap, &err);
  if (!tap) {
    fprintf(stderr, "sendoff: --tap: %s\n", err.c_str());
    return kExitFailure;
  }
  tap->set_impairments(o.impair);
  FILE* out = nullptr;
  if (!o.output.empty() && !(out = fopen(o.output.c_str(), "wb"))) {
    fprintf(stderr, "sendoff: --output: %s: %s\n", o.output.c_str(), errno_message(errno).c_str());
    return kExitFailure;
  }
  DeviceOptions dev;
  dev.backend = o.backend;
  dev.sink = tap.get();
  dev.tap = tap.get();
  if (!stack_init(cfg, dev, &err)) {
    fprintf(stderr, "sendoff: %s\n", err.c_str());
    if (out) fclose(out);
    return kExitFailure;
  }
  if (o.trace)
    stack_set_trace([](const char* layer, long result, const std::string& detail) {
      printf("%s\n", format_trace_line({layer, result, detail}).c_str());
    });

  if (o.proto == "tcp") {
    uint64_t bytes = 0;
    double elapsed = 0;
    std::string peer;
    int rc = recv_tcp(o, out, &bytes, &elapsed, &peer);
    if (out && fclose(out) != 0 && rc == 0) {
      fprintf(stderr, "sendoff: --output: %s\n", errno_message(errno).c_str());
      rc = kExitFailure;
    }
    stack_set_trace(nullptr);
    stack_fini();
    if (rc == 0)
      printf("received %llu bytes from %s in %.6f s\n", static_cast<unsigned long long>(bytes),
             peer.c_str(), elapsed);
    return rc;
  }
  int rc = 0;
  uint64_t datagrams = 0, bytes = 0;
  int fd = so_socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
  sockaddr_in me{};
  me.sin_family = AF_INET;
  me.sin_port = htons(o.bind_port);
  const timeval tv = seconds_tv(o.timeout);
  int big = 8 << 20;  // capped by rmem_max, as in Linux
  if (fd < 0 || so_bind(fd, reinterpret_cast<sockaddr*>(&me), sizeof me) != 0 ||
      so_setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0 ||
      so_setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big) != 0) {
    fprintf(stderr, "sendoff: socket: %s\n", errno_message(errno).c_str());
    rc = kExitFailure;
  } else {
    // From here datagrams to the port are queued (before it, the stack had
    // no socket for them and dropped them, as Linux does): say so at once.
    printf("receiving on port %u\n", static_cast<unsigned>(o.bind_port));
    fflush(stdout);
  }
  std::vector<uint8_t> buf(65536);
  const auto t0 = std::chrono::steady_clock::now();
  while (rc == 0 && (o.count == 0 || datagrams < o.count)) {
    ssize_t n = so_recv(fd, buf.data(), buf.size(), 0);
    if (n < 0) {
      if (errno == EAGAIN) break;  // --timeout without a datagram
      fprintf(stderr, "sendoff: recv: %s\n", errno_message(errno).c_str());
      rc = kExitFailure;
      break;
    }
    ++datagrams;
    bytes += static_cast<uint64_t>(n);
    if (out && fwrite(buf.data(), 1, static_cast<size_t>(n), out) != static_cast<size_t>(n)) {
      fprintf(stderr, "sendoff: --output: %s\n", errno_message(errno).c_str());
      rc = kExitFailure;
    }
  }
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (out && fclose(out) != 0 && rc == 0) {
    fprintf(stderr, "sendoff: --output: %s\n", errno_message(errno).c_str());
    rc = kExitFailure;
  }
  const RxCounters rx = stack_rx_counters();
  const NicCounters nic = stack_counters();
  if (fd >= 0) so_close(fd);
  stack_set_trace(nullptr);
  stack_fini();
  printf("datagrams         %llu\n", static_cast<unsigned long long>(datagrams));
  printf("bytes             %llu\n", static_cast<unsigned long long>(bytes));
  printf("checksum failures %llu (NIC FCS %u, IP header %llu, UDP %llu)\n",
         static_cast<unsigned long long>(nic.rx_drop_fcs + rx.ip_in_csum_errors + rx.udp_in_csum_errors),
         nic.rx_drop_fcs, static_cast<unsigned long long>(rx.ip_in_csum_errors),
         static_cast<unsigned long long>(rx.udp_in_csum_errors));
  printf("dropped           NIC no buffer %u, NIC length %u, receive buffer %llu, no port %llu, "
         "reassembly %llu\n",
         nic.rx_drop_nobuf, nic.rx_drop_len, static_cast<unsigned long long>(rx.udp_rcvbuf_errors),
         static_cast<unsigned long long>(rx.udp_no_ports),
         static_cast<unsigned long long>(rx.ip_reasm_fails));
  printf("elapsed           %.6f s\n", elapsed);
  printf("tap               %s (%llu frames in, %llu out)\n", tap->ifname().c_str(),
         static_cast<unsigned long long>(tap->rx_frames()),
         static_cast<unsigned long long>(tap->tx_frames()));
  if (tap->impaired())
    printf("impairments       rx: %s; tx: %s\n", format_impairments(tap->rx_impairments()).c_str(),
           format_impairments(tap->tx_impairments()).c_str());
  return rc;
}

}  // namespace cli
}  // namespace sendoff
