// SPDX-License-Identifier: MIT
// The peer's answer to a frame sendoff sent: MACs, IPv4 addresses and (in
// the fragment that carries the UDP header) ports swapped. Swapping leaves
// the IPv4 and UDP checksums valid, so the NIC model's own frames become
// real received traffic.
#ifndef SENDOFF_TESTS_MIRROR_FRAME_HPP
#define SENDOFF_TESTS_MIRROR_FRAME_HPP

#include <cstdint>
#include <utility>
#include <vector>

namespace test_env {

inline std::vector<uint8_t> mirror(std::vector<uint8_t> f) {
  for (int i = 0; i < 6; ++i) std::swap(f[i], f[6 + i]);
  for (int i = 0; i < 4; ++i) std::swap(f[26 + i], f[30 + i]);
  if (((f[20] & 0x1F) | f[21]) == 0)
    for (int i = 0; i < 2; ++i) std::swap(f[34 + i], f[36 + i]);
  return f;
}

}  // namespace test_env

#endif  // SENDOFF_TESTS_MIRROR_FRAME_HPP
