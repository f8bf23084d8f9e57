// SPDX-License-Identifier: MIT
// The world the host tests run in: the test binary moves itself into a new
// network namespace (gone when the process exits, even on a crash) with a
// veth pair on 198.18.0.1/16 for the kernel's sockets, and opens sendoff's
// stack on the csim device with the same address, MAC and neighbour, its
// frames collected in memory.
#ifndef SENDOFF_TESTS_TEST_ENV_HPP
#define SENDOFF_TESTS_TEST_ENV_HPP

#include <netinet/in.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace test_env {

constexpr uint32_t kLocal = 0xC6120001;     // 198.18.0.1/16
constexpr uint32_t kPeer = 0xC6120002;      // 198.18.0.2, static neighbour
constexpr uint8_t kLocalMac[6] = {0x02, 0, 0, 0, 0, 0x01};
constexpr uint8_t kPeerMac[6] = {0x02, 0, 0, 0, 0, 0x02};

sockaddr_in addr(uint32_t ip, uint16_t port);
inline sockaddr_in peer(uint16_t port) { return addr(kPeer, port); }
inline sockaddr_in subnet_broadcast(uint16_t port) { return addr(0xC612FFFF, port); }
// Inside 198.18.0.0/15 but off our /16, and there is no gateway.
inline sockaddr_in unreachable(uint16_t port) { return addr(0xC6130009, port); }
inline sockaddr_in limited_broadcast(uint16_t port) { return addr(0xFFFFFFFF, port); }

// Moves this process into a new network namespace with the veth pair and the
// peer's permanent neighbour entry; exits with a message when it cannot (not root).
void enter_netns();
// Opens sendoff's stack (csim, or SENDOFF_TEST_BACKEND) with the same address,
// MAC and neighbour, frames into memory; exits with a message on failure.
void open_stack();

using Frame = std::vector<uint8_t>;
// Waits until the NIC sent everything posted, then takes its frames.
std::vector<Frame> take_frames();
// Drops whatever frames are queued.
void drain_frames();
// While paused, the MAC side accepts nothing: the NIC stalls and the TX
// ring fills, as under link-level backpressure.
void pause_mac(bool paused);
// Opens the stack again after a test closed it (sendoff_fini).
void reopen_stack();
// Closes the stack and opens it again on a device with at most dma_limit
// bytes of memory (0: all) and the CAPS_* bits caps_hidden cleared, and with
// noncoherent, memory as on a card's DDR (DeviceOptions::noncoherent). False,
// with *err, when the stack does not open (then nothing is open).
bool reopen_stack_with(size_t dma_limit, uint32_t caps_hidden, std::string* err,
                       bool noncoherent = false);
// Same configuration with the peer's MAC changed (or back: nullptr).
void set_peer_mac(const uint8_t* mac);

}  // namespace test_env

#endif  // SENDOFF_TESTS_TEST_ENV_HPP
