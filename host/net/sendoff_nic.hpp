// SPDX-License-Identifier: MIT
// The sendoff NIC driver: the part of the host that a Linux netdev driver
// would be. It owns the descriptor ring and the payload buffer in device
// memory, keeps the NIC's flow table, posts descriptors and reclaims them,
// all through the Device interface (registers + DMA memory), so every back
// end (csim, verilator, xrt) runs the same driver code.
#ifndef SENDOFF_NET_SENDOFF_NIC_HPP
#define SENDOFF_NET_SENDOFF_NIC_HPP

#include <sys/uio.h>

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "sendoff/device.hpp"
#include "sendoff/nic_abi.hpp"

namespace sendoff {

struct sock;

// What a flow-table entry holds; the key of the driver's flow cache.
struct FlowKey {
  uint32_t saddr = 0, daddr = 0;
  uint16_t sport = 0, dport = 0;
  uint16_t mtu = 0;
  uint8_t protocol = 0;
  uint8_t dmac[6] = {};
  uint8_t smac[6] = {};
  auto tie() const {
    return std::tie(saddr, daddr, sport, dport, mtu, protocol, dmac[0], dmac[1], dmac[2], dmac[3],
                    dmac[4], dmac[5], smac[0], smac[1], smac[2], smac[3], smac[4], smac[5]);
  }
  bool operator<(const FlowKey& o) const { return tie() < o.tie(); }
};

// Per-packet fields of the descriptor.
struct TxParams {
  uint16_t flags = 0;  // abi::TXD_L4_* | TXD_F_*
  uint16_t ip_id = 0;
  uint8_t ttl = 64;
  uint8_t tos = 0;
};

class SendoffNic {
 public:
  static constexpr uint32_t kRingSize = 1024;            // descriptors
  static constexpr size_t kPayloadBytes = 16u << 20;     // payload buffer

  // Checks the NIC's ID and version, allocates the ring and payload buffer,
  // and enables it. Returns 0 or -errno with *err set.
  int open(Device* dev, std::string* err);
  void close();

  // Room for one more packet of len payload bytes right now?
  bool has_space(size_t len) const;
  // Copies len bytes from the user's iovecs into device memory and posts a
  // descriptor; charges the packet to owner->wmem_alloc until the NIC has
  // sent it. -EFAULT when the user memory is not readable (nothing posted),
  // -ENOBUFS when the flow table has no free entry.
  int xmit(const FlowKey& flow, const TxParams& p, const iovec* iov, size_t iovlen, size_t len,
           sock* owner);
  // Reads RING_TAIL and frees what the NIC has finished.
  void reclaim();
  // Blocks until the NIC reports progress or timeout_us passes.
  void wait_progress(uint32_t timeout_us) { dev_->wait_progress(timeout_us); }
  bool idle() const { return tail_ == head_; }
  // A socket is going away: its in-flight packets are charged to nobody.
  void forget_owner(sock* owner);
  Device* device() const { return dev_; }

  // Bytes a packet of len payload bytes charges to the send buffer.
  static size_t truesize(size_t len) { return len + 256; }

 private:
  int flow_get(const FlowKey& key);

  struct Slot {
    sock* owner = nullptr;
    size_t charge = 0;
    size_t payload_end = 0;  // payload ring offset after this packet
    int flow = -1;
  };
  struct FlowState {
    FlowKey key;
    bool used = false;
    uint32_t last_use = 0;  // ring index of the last descriptor that used it
  };

  Device* dev_ = nullptr;
  DmaBuffer ring_, payload_;
  uint32_t head_ = 0, tail_ = 0;    // producer/consumer indices mod 2^32
  size_t pay_head_ = 0, pay_tail_ = 0, pay_used_ = 0;
  std::vector<Slot> slots_;
  std::vector<FlowState> flows_;
  std::map<FlowKey, int> flow_index_;
  int flow_clock_ = 0;
};

}  // namespace sendoff

#endif  // SENDOFF_NET_SENDOFF_NIC_HPP
