// SPDX-License-Identifier: MIT
// The host-path benchmark: ns per send() through sendoff (the call until the
// TX descriptor is posted) and through the kernel's own UDP sendto() to a
// veth peer, in the same run, same payloads, same batching.
#ifndef SENDOFF_CLI_HOST_PATH_BENCH_HPP
#define SENDOFF_CLI_HOST_PATH_BENCH_HPP

#include <cstdint>
#include <string>
#include <vector>

namespace sendoff {
namespace cli {

struct HostPathResult {
  unsigned payload = 0;      // bytes per send
  uint64_t calls = 0;        // timed calls per side
  double sendoff_ns = 0;     // mean ns per so_sendto()
  double kernel_ns = 0;      // mean ns per sendto(2)
};

// Fills one result per payload size. Needs root (a network namespace for the
// kernel's side). Returns false with *err set to one line on failure.
bool run_host_path_bench(const std::string& backend, const std::vector<unsigned>& payloads,
                         uint64_t calls, std::vector<HostPathResult>* out, std::string* err);

}  // namespace cli
}  // namespace sendoff

#endif  // SENDOFF_CLI_HOST_PATH_BENCH_HPP
