// SPDX-License-Identifier: MIT
#include "send_command.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <memory>

#include "counting_sink.hpp"
#include "errno_text.hpp"
#include "payload_source.hpp"
#include "progress.hpp"
#include "sendoff/pcap_sink.hpp"
#include "sendoff/sendoff.h"
#include "sendoff/stack.hpp"
#include "sendoff/tap_port.hpp"
#include "sendoff/tee_sink.hpp"
#include "tcp_send.hpp"
#include "trace_sink.hpp"
#include "usage_error.hpp"

namespace sendoff {
namespace cli {

namespace {

// Closes the stack on every way out, so the device drains and the pcap is
// complete even after a failed send.
struct StackGuard {
  ~StackGuard() {
    stack_set_trace(nullptr);
    stack_fini();
  }
};

struct Totals {
  uint64_t datagrams = 0;
  uint64_t payload_bytes = 0;
  uint64_t send_errors = 0;
};

void print_summary(const Totals& t, const CountingSink& frames, const NicCounters& nic,
                   double elapsed_s, const std::string& pcap) {
  uint64_t errors = t.send_errors + nic.drops + nic.desc_errors;
  printf("datagrams      %llu\n", static_cast<unsigned long long>(t.datagrams));
  printf("payload bytes  %llu\n", static_cast<unsigned long long>(t.payload_bytes));
  printf("frames         %llu\n", static_cast<unsigned long long>(frames.frames()));
  printf("frame bytes    %llu\n", static_cast<unsigned long long>(frames.bytes()));
  if (errors == 0)
    printf("errors         0\n");
  else
    printf("errors         %llu (send %llu, NIC drops %u, NIC descriptor errors %u)\n",
           static_cast<unsigned long long>(errors), static_cast<unsigned long long>(t.send_errors),
           nic.drops, nic.desc_errors);
  printf("elapsed        %.6f s\n", elapsed_s);
  printf("pcap           %s\n",
         pcap.empty() ? "(none: frames counted, then dropped)" : pcap.c_str());
  // What the sends cost the device layer: a register write each, a DMA transfer each.
  printf("doorbells      %llu\n", static_cast<unsigned long long>(nic.doorbells));
  printf("dma syncs      %llu (%llu bytes)\n", static_cast<unsigned long long>(nic.dma_syncs),
         static_cast<unsigned long long>(nic.dma_sync_bytes));
}

// What to do about the send errors a configuration causes.
const char* send_error_hint(int err) {
  switch (err) {
    case EHOSTUNREACH:
      return "; no neighbour entry for the next hop (and no answer to ARP): add --neigh IP=MAC";
    case ENETUNREACH:
      return "; the destination is off-link: add --gateway IP or widen --local";
    case EIO:
      return "; the NIC stopped: see the co-simulation report above";
    case EMSGSIZE:
      return "; lower --size";
    default:
      return "";
  }
}

void print_nic_trace(TraceSink* trace) {
  for (const auto& line : trace->take_lines()) printf("%s\n", format_trace_line(line).c_str());
}

}  // namespace

int run_send(const SendOptions& o) {
  if (!o.input.empty() && o.size == 0)
    throw UsageError("--size: 0 is not valid with --input; expected 1.." +
                     std::to_string(kMaxUdpPayload));
  if (o.size_max && o.size_max < o.size)
    throw UsageError("--size-max: " + std::to_string(o.size_max) + " is below --size " +
                     std::to_string(o.size));
  const bool tcp = o.proto == "tcp";
  if (tcp && o.tap.empty())
    throw UsageError("--proto: tcp needs --tap IF (a peer there must answer the handshake)");
  if (tcp && o.size_max)
    throw UsageError("--size-max: only with --proto udp");
  SendPlan plan = make_send_plan(o);

  std::string err;
  std::unique_ptr<PayloadSource> payload =
      o.input.empty() ? PayloadSource::pattern(o.size, o.count, o.size_max)
                      : PayloadSource::file(o.input, o.size, &err, o.size_max);
  if (!payload) {
    fprintf(stderr, "sendoff: --input: %s\n", err.c_str());
    return kExitFailure;
  }

  // Frames flow device → [trace] → counting → [pcap].
  std::unique_ptr<PcapSink> pcap;
  if (!o.pcap.empty()) {
    pcap = PcapSink::open(o.pcap, &err);
    if (!pcap) {
      fprintf(stderr, "sendoff: --pcap: %s\n", err.c_str());
      return kExitFailure;
    }
  }
  std::unique_ptr<TapPort> tap;
  if (!o.tap.empty()) {
    tap = TapPort::open(o.tap, &err);
    if (!tap) {
      fprintf(stderr, "sendoff: --tap: %s\n", err.c_str());
      return kExitFailure;
    }
    tap->set_impairments(o.impair);
  }
  TeeSink tee(tap.get(), pcap.get());
  CountingSink counting(&tee);
  std::unique_ptr<TraceSink> trace;
  if (o.trace) trace = std::make_unique<TraceSink>(&counting);

  DeviceOptions dev;
  dev.backend = o.backend;
  dev.cosim = o.cosim;
  dev.trace_fst = o.trace_fst;
  dev.tready = o.tready;
  dev.mem_jitter = o.mem_jitter;
  dev.mem_seed = o.mem_seed;
  dev.sink = trace ? static_cast<FrameSink*>(trace.get()) : &counting;
  dev.tap = tap.get();
  dev.rs_fec = o.rs_fec == "on";
  dev.noncoherent = o.card_memory;
  if (!stack_init(plan.cfg, dev, &err)) {
    fprintf(stderr, "sendoff: %s\n", err.c_str());
    return kExitFailure;
  }
  StackGuard guard;
  if (o.trace)
    stack_set_trace([](const char* layer, long result, const std::string& detail) {
      printf("%s\n", format_trace_line({layer, result, detail}).c_str());
    });

  auto fail = [](const char* call) {
    fprintf(stderr, "sendoff: %s: %s\n", call, errno_message(errno).c_str());
    return kExitFailure;
  };
  // On a TAP port the next hop is resolved first, so that a file is never
  // cut by the queue of datagrams waiting for ARP.
  if (tap) {
    std::string detail;
    const int e = -stack_resolve_neighbour(ntohl(plan.dst.sin_addr.s_addr), &detail);
    if (e) {
      fprintf(stderr, "sendoff: %s: %s%s\n", format_ipv4(ntohl(plan.dst.sin_addr.s_addr)).c_str(),
              detail.empty() ? errno_message(e).c_str() : detail.c_str(), send_error_hint(e));
      return kExitFailure;
    }
  }
  if (tcp) return run_send_tcp(o, plan.dst, payload.get(), counting);
  int fd = so_socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
  if (fd < 0) return fail("socket");
  if (o.src_port != 0) {
    sockaddr_in src{};
    src.sin_family = AF_INET;
    src.sin_addr.s_addr = htonl(INADDR_ANY);
    src.sin_port = htons(o.src_port);
    if (so_bind(fd, reinterpret_cast<const sockaddr*>(&src), sizeof src) != 0) return fail("bind");
  }

  Totals totals;
  int rc = kExitOk;
  Progress progress(payload->total_datagrams(), !o.trace);
  std::vector<uint8_t> buf;
  auto start = std::chrono::steady_clock::now();
  while (payload->next(&buf, &err)) {
    if (o.trace)
      printf("send %llu: %zu B to %s:%u\n", static_cast<unsigned long long>(totals.datagrams + 1),
             buf.size(), format_ipv4(ntohl(plan.dst.sin_addr.s_addr)).c_str(),
             ntohs(plan.dst.sin_port));
    ssize_t n = so_sendto(fd, buf.data(), buf.size(), 0,
                          reinterpret_cast<const sockaddr*>(&plan.dst), sizeof plan.dst);
    if (n < 0) {
      int e = errno;
      progress.finish();
      fflush(stdout);  // the --trace lines of this send come first
      fprintf(stderr, "sendoff: datagram %llu (%zu B): sendto: %s%s\n",
              static_cast<unsigned long long>(totals.datagrams + 1), buf.size(),
              errno_message(e).c_str(), send_error_hint(e));
      ++totals.send_errors;
      rc = kExitFailure;
      break;
    }
    ++totals.datagrams;
    totals.payload_bytes += static_cast<uint64_t>(n);
    if (trace) {
      // Drain the NIC now, so the frames printed are this send's.
      stack_flush();
      print_nic_trace(trace.get());
    }
    progress.update(totals.datagrams, totals.payload_bytes);
  }
  if (!err.empty()) {
    progress.finish();
    fprintf(stderr, "sendoff: --input: %s\n", err.c_str());
    rc = kExitFailure;
  }
  stack_flush();
  const std::string fault = stack_device_fault();
  if (!fault.empty()) {
    progress.finish();
    fprintf(stderr, "sendoff: %s\n", fault.c_str());
    rc = kExitFailure;
  }
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  progress.finish();
  if (trace) print_nic_trace(trace.get());
  NicCounters nic = stack_counters();
  const NeighCounters arp = stack_neigh_counters();
  so_close(fd);
  if (arp.failed_drops) {
    fprintf(stderr,
            "sendoff: %llu datagrams dropped: the next hop did not answer ARP (add --neigh "
            "IP=MAC, or check the peer)\n",
            static_cast<unsigned long long>(arp.failed_drops));
    rc = kExitFailure;
  }
  print_summary(totals, counting, nic, elapsed, o.pcap);
  if (arp.arp)
    printf("arp            requests %llu, replies %llu, failed %llu, unresolved drops %llu\n",
           static_cast<unsigned long long>(arp.requests), static_cast<unsigned long long>(arp.replies),
           static_cast<unsigned long long>(arp.res_failed),
           static_cast<unsigned long long>(arp.unres_discards + arp.failed_drops));
  if (tap && tap->impaired()) {
    // The port's held-back frame (reordering) leaves before the counts are read.
    tap->stop_rx();
    printf("impairments    tx: %s; rx: %s\n", format_impairments(tap->tx_impairments()).c_str(),
           format_impairments(tap->rx_impairments()).c_str());
  }
  return rc;
}

}  // namespace cli
}  // namespace sendoff
