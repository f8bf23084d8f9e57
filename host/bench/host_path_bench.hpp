// SPDX-License-Identifier: MIT
// The host-path benchmark: what one send costs the host, through sendoff's C
// API (so_sendto), through the preload library from an unmodified C program,
// through so_sendmmsg in batches of 32 (per datagram), and through the
// kernel's own sendto() to a veth peer, in one run, same payloads. Each path
// runs host_path_sender (host/bench/host_path_sender.c) with the NIC running
// concurrently in that process; syscalls per send are counted with ptrace
// in separate, shorter runs.
//
// With proto "tcp" the paths are a TCP stream instead: `sendoff` (so_send on
// a SOCK_STREAM socket, its NIC port a TAP in a namespace made for the run)
// and `kernel` (send() across a veth pair), each to a kernel server that
// reads and discards; every send is timed, and the CPU time of each thread of
// the sending process is taken over the whole stream, to its delivery.
#ifndef SENDOFF_BENCH_HOST_PATH_BENCH_HPP
#define SENDOFF_BENCH_HOST_PATH_BENCH_HPP

#include <cstdint>
#include <string>
#include <vector>

namespace sendoff {
namespace bench {

struct HostPathRow {
  std::string path;  // sendoff, preload, sendmmsg, kernel
  unsigned size_bytes = 0;
  unsigned threads = 1;
  double ns_median = 0, ns_p99 = 0;  // per send (sendmmsg: per datagram)
  double syscalls_per_send = 0;      // counted over the sending threads
  double sustained_per_s = 0;        // sends a second over the whole run, pauses included

  // TCP stream only.
  struct ThreadCpu {
    std::string name;           // the thread's comm
    std::string role;           // sender, stack, or nic (the simulated NIC and its TAP port)
    double cpu_ns_per_send = 0;
    double user_share = 0;      // of its CPU time, the part in user mode (0..1)
  };
  uint64_t sends = 0;            // timed sends
  uint64_t bytes_sent = 0;       // warm-up included
  uint64_t bytes_delivered = 0;  // what the server read
  double cycles_median = 0, cycles_p99 = 0;  // TSC cycles per send call
  double sender_cpu_ns_per_send = 0;         // the sending thread
  double stack_cpu_ns_per_send = 0;          // the process's other host threads (NAPI)
  // The simulated NIC and its TAP port: a NIC's work, not the host's, once
  // the NIC is hardware (its TAP writes carry the peer's softirq receive).
  double nic_cpu_ns_per_send = 0;
  double tsc_per_ns = 0;                     // TSC cycles per ns, measured over the stream
  double goodput_mbps = 0;
  std::string cycle_counter;  // perf_event_open's CPU cycles: "available" or why not
  std::vector<ThreadCpu> thread_cpu;
  double host_cpu_ns_per_send() const { return sender_cpu_ns_per_send + stack_cpu_ns_per_send; }
};

struct HostPathOptions {
  std::string backend = "csim";
  std::string proto = "udp";  // udp: datagrams; tcp: one stream a path and size
  std::vector<unsigned> sizes = {64, 1400};
  uint64_t count = 200000;  // timed sends per thread, path and size
  unsigned threads = 1;     // sending threads, each with its own socket (udp)
};

// Needs root (a network namespace for the kernel's side). Returns false with
// *err set to one line on failure.
bool run_host_path_bench(const HostPathOptions& o, std::vector<HostPathRow>* rows,
                         std::string* err);

// CSV: path,size_bytes,threads,ns_median,ns_p99,syscalls_per_send; for tcp
// also sends,bytes_sent,bytes_delivered,cycles_median,cycles_p99,sender_cpu_ns_per_send,
// stack_cpu_ns_per_send,nic_cpu_ns_per_send,host_cpu_cycles_per_send,
// host_cpu_ns_per_byte,cycles_source,goodput_mbps,sender_cpu_cycles_per_send
// (README: "The send fast path").
bool write_host_path_csv(const std::string& file, const std::vector<HostPathRow>& rows,
                         const std::string& proto = "udp");

}  // namespace bench
}  // namespace sendoff

#endif  // SENDOFF_BENCH_HOST_PATH_BENCH_HPP
