// SPDX-License-Identifier: MIT
// The sendoff NIC driver: what a Linux netdev driver is to net/ (kept apart
// from host/net/ as drivers/net/ is from net/). It owns the descriptor ring
// and the payload buffer in device memory and the NIC's flow table, and
// implements ndo_start_xmit, all through the Device interface (registers +
// DMA memory), so every back end (csim, verilator, xrt) runs this code.
//
// Device memory that is not host-coherent (a card's DDR/HBM) is synced per
// batch, not per frame: the thread that rings the doorbell first syncs the
// descriptors and the copied payloads the doorbell covers, in one DMA
// transfer each where they are contiguous.
//
// The TX ring takes several producers without a lock: a sender reserves its
// descriptor slot (two for a TCP descriptor) and its payload bytes together with one compare-and-swap
// on a packed (slot, payload offset) word, copies and writes the descriptor
// in its own slot, and publishes it by advancing the producer index over
// every slot that is complete, in order. Reclaim is done by whichever sender
// finds completed descriptors first (a try-lock that never waits).
//
// A payload the stack already keeps in device memory (a TCP send queue from
// the DmaPool, on a NIC with CAPS_TX_UNALIGNED) is posted by reference: the
// descriptor points at it, nothing is copied and no payload-ring space is
// taken; the NIC's completion (reclaim, or a reset that drops it) is reported
// through the skb's frag_done counter.
#ifndef SENDOFF_DRIVERS_NET_SENDOFF_NIC_HPP
#define SENDOFF_DRIVERS_NET_SENDOFF_NIC_HPP

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "sendoff/device.hpp"
#include "sendoff/nic_abi.hpp"

namespace sendoff {

struct sock;
struct sk_buff;
struct dst_entry;

// What a flow-table entry holds; built by the driver from the skb.
struct FlowKey {
  uint32_t saddr = 0, daddr = 0;
  uint16_t sport = 0, dport = 0;
  uint16_t mtu = 0;
  uint8_t protocol = 0;
  uint8_t dmac[6] = {};
  uint8_t smac[6] = {};
  bool operator==(const FlowKey& o) const;
};

// Device memory for buffers of the stack that descriptors point into by
// reference (TCP send queues): one region taken from the device on first
// use (Device has no dma_free), handed out in power-of-two blocks aligned to
// their size and taken back when their user is done. Any thread.
class DmaPool {
 public:
  static constexpr size_t kUnit = size_t{64} << 10;       // the smallest block
  static constexpr size_t kRegionBytes = size_t{16} << 20;  // tried first; halved down to 1 MiB
  explicit DmaPool(Device* dev) : dev_(dev) {}
  // A block of `bytes` (a power of two from kUnit, at most the region), its
  // offset in region() in *off; size 0 when the device or the pool has no room.
  DmaBuffer alloc(size_t bytes, size_t* off);
  void free(size_t off, size_t bytes);
  // For dma_sync_to_device: the region the blocks are parts of.
  const DmaBuffer& region() const { return region_; }
  Device* device() const { return dev_; }

 private:
  std::mutex mu_;
  Device* const dev_;
  bool tried_ = false;
  DmaBuffer region_;
  std::vector<bool> used_;  // per kUnit
};

class SendoffNic {
 public:
  static constexpr uint32_t kRingSize = 1024;         // descriptors, a power of two
  static constexpr uint32_t kPayloadBytes = 16u << 20;  // payload buffer, a power of two

  // Checks the NIC's ID and version, allocates the ring and payload buffer,
  // and enables it. Returns 0 or -errno with *err set.
  int open(Device* dev, const uint8_t mac[6], std::string* err);
  void close();

  // ndo_start_xmit: copies skb's payload from the user's iovecs into device
  // memory (or, with skb->frag_done, points the descriptor at frag_dma: no
  // copy), posts a descriptor and charges the packet to skb->sk until the
  // NIC has sent it. 0, or -EBUSY when the ring or payload buffer is full
  // right now (NETDEV_TX_BUSY), -EFAULT when the user memory is not readable,
  // -ENOBUFS when the flow table has no free entry, -EIO when the device
  // stopped being trustworthy (--cosim mismatch), -ENETDOWN while a reset
  // runs or when the ring is full and the NIC's CTRL_ENABLE is clear (it was
  // stopped behind the driver's back: nothing will drain the ring).
  int ndo_start_xmit(sk_buff* skb);
  // A whole Ethernet frame (no FCS) the stack built itself (ARP): one
  // TXD_L4_ETH descriptor, doorbell rung. 0, -EBUSY (ring full now),
  // -EINVAL (length), -EOPNOTSUPP (a NIC before ABI 2.1), -EIO.
  int xmit_frame(const uint8_t* frame, size_t len);
  bool can_xmit_frames() const { return l2_frames_; }
  // NETIF_F_TSO: the NIC segments TXD_L4_TCP descriptors (CAPS_TSO). Without
  // it a TCP skb is -EOPNOTSUPP and the stack builds each segment itself.
  bool can_tso() const { return tso_; }
  // The NIC takes a payload at any byte address (CAPS_TX_UNALIGNED, ABI 3.1);
  // without it a descriptor's address must be a multiple of 64.
  bool can_tx_unaligned() const { return tx_unaligned_; }
  // Rings the doorbell for whatever was posted with xmit_more.
  void xmit_flush();
  // Frees what the NIC has finished (sock_wfree for each packet).
  void reclaim();
  // The TX ring reset (CTRL_RESET, nic_abi.hpp), as a driver's tx-timeout
  // handler does it: new sends get -ENETDOWN meanwhile; the NIC finishes
  // what it read and discards the rest; descriptors RING_TAIL passed are
  // freed as sent, the others as dropped (tx_dropped, never posted again);
  // the ring restarts at RING_TAIL, enabled. 0, or -errno with *err set:
  // -EIO when the NIC does not finish its reset in time (the ring stays
  // down), -EOPNOTSUPP on a NIC before ABI 2.2, -EBUSY during another reset.
  int reset(std::string* err);
  // Whether the NIC consumes nothing: a reset is under way or CTRL_ENABLE is
  // clear. A register read: for slow paths (ring or send buffer full).
  bool stopped();
  // Datagrams the driver dropped: posted, then discarded by a reset.
  uint64_t tx_dropped() const { return tx_dropped_.load(std::memory_order_relaxed); }
  // Payload bytes of posted descriptors: copied into the payload buffer, and
  // posted by reference (skb->frag_done: read where the stack keeps them).
  uint64_t tx_copy_bytes() const { return tx_copy_bytes_.load(std::memory_order_relaxed); }
  uint64_t tx_ref_bytes() const { return tx_ref_bytes_.load(std::memory_order_relaxed); }
  // The pool for payloads posted by reference (shared: a socket may give its
  // block back after the driver closed).
  const std::shared_ptr<DmaPool>& dma_pool() const { return pool_; }
  // Blocks until the NIC reports progress or timeout_us passes.
  void wait_progress(uint32_t timeout_us) { dev_->wait_progress(timeout_us); }
  bool idle() const {
    return clean_.load(std::memory_order_acquire) == head_.load(std::memory_order_acquire);
  }
  // The NIC flow of a route goes with it: dst_release gives it back.
  void flow_put(int flow);
  Device* device() const { return dev_; }

  // Bytes a packet of len payload bytes charges to the send buffer.
  static size_t truesize(size_t len) { return len + 256; }

 private:
  int flow_get(const FlowKey& key);
  bool reserve(uint32_t need, uint32_t nslots, uint32_t* idx, uint32_t* start, uint32_t* pay_end);
  int dst_flow(const sk_buff* skb);
  uint32_t nic_tail();
  void publish(uint32_t idx, bool more);
  void publish_pair(uint32_t idx, bool more);
  int ring_full_errno();
  void ring_start(uint32_t start);
  void sync_batch(uint32_t from, uint32_t to);

  struct alignas(64) Slot {
    std::atomic<uint32_t> seq{0};  // idx + 1 once descriptor idx is written
    sock* owner = nullptr;
    uint32_t charge = 0;
    uint32_t pay_end = 0;  // payload byte counter after this packet
    uint32_t pay_off = 0;  // where its copy sits in the payload buffer, and its length
    uint32_t pay_len = 0;  //   (0: nothing copied), for the batch's sync
    std::atomic<uint32_t>* frag_done = nullptr;  // a payload by reference: its completion
    bool second = false;   // the second slot of a TCP descriptor: no packet of its own
  };
  struct FlowState {
    FlowKey key;
    bool used = false;
    unsigned refs = 0;        // routes (dst entries) holding it
    uint32_t released_at = 0; // ring reserve index when the last holder let go
  };

  Device* dev_ = nullptr;
  bool coherent_ = false;
  bool l2_frames_ = false;  // the NIC takes TXD_L4_ETH descriptors
  bool tx_reset_ = false;   // the NIC has CTRL_RESET
  bool tso_ = false;        // the NIC has CAPS_TSO
  bool tx_unaligned_ = false;  // the NIC has CAPS_TX_UNALIGNED
  DmaBuffer ring_, payload_;
  // The NIC's tail write-back block; null where the device has none to read
  // in place (then RING_TAIL is read instead).
  const uint32_t* wb_tail_ = nullptr;
  uint8_t mac_[6] = {};
  std::unique_ptr<Slot[]> slots_;

  // Producers: (next slot to reserve) | (payload byte counter) << 32.
  alignas(64) std::atomic<uint64_t> prod_{0};
  alignas(64) std::atomic<uint32_t> head_{0};  // published: the NIC may take up to here
  std::atomic<uint32_t> rung_{0};              // the last doorbell value
  // Not coherent: a doorbell's batch is synced first, one batch at a time.
  std::mutex flush_lock_;
  // Reclaim: slots before clean_ are free, payload bytes before pay_tail_.
  alignas(64) std::atomic<uint32_t> clean_{0};
  std::atomic<uint32_t> pay_tail_{0};
  std::atomic_flag reclaiming_ = ATOMIC_FLAG_INIT;
  // A reset is under way: senders back off with -ENETDOWN.
  std::atomic<bool> down_{false};
  std::atomic<uint64_t> tx_dropped_{0};
  alignas(64) std::atomic<uint64_t> tx_copy_bytes_{0};
  std::atomic<uint64_t> tx_ref_bytes_{0};
  std::shared_ptr<DmaPool> pool_;

  std::mutex flow_lock_;  // the flow table: taken when a route first sends
  std::unique_ptr<FlowState[]> flows_;
  unsigned flow_clock_ = 0;
};

}  // namespace sendoff

#endif  // SENDOFF_DRIVERS_NET_SENDOFF_NIC_HPP
