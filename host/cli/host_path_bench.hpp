// SPDX-License-Identifier: MIT
// The host-path benchmark: ns per send() through sendoff (the call until the
// TX descriptor is posted and the doorbell written) and through the kernel's
// own UDP sendto() to a veth peer, in the same run, same payloads, same
// batching.
#ifndef SENDOFF_CLI_HOST_PATH_BENCH_HPP
#define SENDOFF_CLI_HOST_PATH_BENCH_HPP

#include <cstdint>
#include <string>
#include <vector>

namespace sendoff {
namespace cli {

// ns per call over the timed batches: the median of the batch means (robust
// against a preempted batch) and the plain mean.
struct SendTiming {
  double median_ns = 0;
  double mean_ns = 0;
};

struct HostPathResult {
  unsigned payload = 0;  // bytes per send
  uint64_t calls = 0;    // timed calls per column
  // sendoff with the NIC held at its MAC while a batch runs: the host path alone.
  SendTiming sendoff;
  // sendoff with the csim NIC free to run on the other core meanwhile: what a
  // simulation host sees, not what a card would cost.
  SendTiming sendoff_nic_running;
  SendTiming kernel;  // sendto(2) on a UDP socket to a veth peer
};

// Fills one result per payload size. Needs root (a network namespace for the
// kernel's side). Returns false with *err set to one line on failure.
bool run_host_path_bench(const std::string& backend, const std::vector<unsigned>& payloads,
                         uint64_t calls, std::vector<HostPathResult>* out, std::string* err);

}  // namespace cli
}  // namespace sendoff

#endif  // SENDOFF_CLI_HOST_PATH_BENCH_HPP
