// SPDX-License-Identifier: MIT
// The host-path benchmark: what one send costs the host, through sendoff's C
// API (so_sendto), through the preload library from an unmodified C program,
// through so_sendmmsg in batches of 32 (per datagram), and through the
// kernel's own sendto() to a veth peer, in one run, same payloads. Each path
// runs host_path_sender (host/bench/host_path_sender.c) with the NIC running
// concurrently in that process; syscalls per send are counted with ptrace
// in separate, shorter runs.
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
};

struct HostPathOptions {
  std::string backend = "csim";
  std::vector<unsigned> sizes = {64, 1400};
  uint64_t count = 200000;  // timed sends per thread, path and size
  unsigned threads = 1;     // sending threads, each with its own socket
};

// Needs root (a network namespace for the kernel's side). Returns false with
// *err set to one line on failure.
bool run_host_path_bench(const HostPathOptions& o, std::vector<HostPathRow>* rows,
                         std::string* err);

// CSV: path,size_bytes,threads,ns_median,ns_p99,syscalls_per_send
bool write_host_path_csv(const std::string& file, const std::vector<HostPathRow>& rows);

}  // namespace bench
}  // namespace sendoff

#endif  // SENDOFF_BENCH_HOST_PATH_BENCH_HPP
