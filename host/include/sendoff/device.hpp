// SPDX-License-Identifier: MIT
// Device: what the sendoff NIC offers its driver, whatever implements it.
// Back ends: csim (HLS kernels as C++), verilator (the RTL), xrt (a card).
// The driver (host/driver/) speaks only through this: registers from
// nic_abi.hpp, device-visible memory, and a wait for the NIC to make progress.
#ifndef SENDOFF_DEVICE_HPP
#define SENDOFF_DEVICE_HPP

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "sendoff/frame_sink.hpp"
#include "sendoff/nic_abi.hpp"
#include "sendoff/read_fault.hpp"

namespace sendoff {

// A region of device-visible memory: the host writes through `host`, the NIC
// reads at `dev_addr`.
struct DmaBuffer {
  uint8_t* host = nullptr;
  uint64_t dev_addr = 0;
  size_t size = 0;
};

// What the driver asked of a device: the per-send cost on a card is counted
// in these (a doorbell is one register write, a sync one DMA transfer).
struct DeviceCounters {
  uint64_t doorbells = 0;       // ring_doorbell calls (REG_RING_HEAD writes or wake-ups)
  uint64_t dma_syncs = 0;       // sync_to_device calls: one DMA transfer each on a card
  uint64_t dma_sync_bytes = 0;  // bytes they covered
};

class Device {
 public:
  virtual ~Device() = default;
  virtual std::string name() const = 0;

  // AXI4-Lite control registers (byte offsets from nic_abi.hpp).
  virtual uint32_t reg_read(uint32_t off) = 0;
  virtual void reg_write(uint32_t off, uint32_t val) = 0;

  // Device-visible memory. Returns a buffer with size 0 when none is left.
  virtual DmaBuffer dma_alloc(size_t bytes) = 0;
  // Makes host writes to [off, off+len) of buf visible to the NIC.
  virtual void dma_sync_to_device(const DmaBuffer& buf, size_t off, size_t len) = 0;

  // The driver's entry points for dma_sync_to_device() and doorbell(), counted
  // (counters()).
  void sync_to_device(const DmaBuffer& buf, size_t off, size_t len) {
    syncs_.fetch_add(1, std::memory_order_relaxed);
    sync_bytes_.fetch_add(len, std::memory_order_relaxed);
    dma_sync_to_device(buf, off, len);
  }
  void ring_doorbell(uint32_t head) {
    doorbells_.fetch_add(1, std::memory_order_relaxed);
    doorbell(head);
  }
  DeviceCounters counters() const {
    DeviceCounters c;
    c.doorbells = doorbells_.load(std::memory_order_relaxed);
    c.dma_syncs = syncs_.load(std::memory_order_relaxed);
    c.dma_sync_bytes = sync_bytes_.load(std::memory_order_relaxed);
    return c;
  }

  // True when host writes to device memory reach the NIC without
  // dma_sync_to_device (host-coherent memory): the driver then skips it.
  virtual bool coherent() const { return false; }

  // True when the host can read the NIC's tail write-back block (nic_abi.hpp,
  // WB_BASE) straight from memory: the driver then never reads RING_TAIL on
  // the send path. False where the block is not host-visible without a sync,
  // or the back end needs register reads to make progress.
  virtual bool tail_writeback() const { return false; }

  // The doorbell: tells the NIC the producer index (REG_RING_HEAD) is now
  // head. A posted write: safe from several threads at once, the NIC keeps
  // the latest index (mod 2^32). Back ends whose NIC polls the ring may skip
  // the register write or the wake-up while it is polling.
  virtual void doorbell(uint32_t head) {
    // The plain doorbell: one register write, serialised so that the index
    // the NIC sees never goes back when two threads ring at once.
    std::lock_guard<std::mutex> g(doorbell_lock_);
    if (doorbell_rung_ && static_cast<int32_t>(head - doorbell_last_) <= 0) return;
    doorbell_rung_ = true;
    doorbell_last_ = head;
    reg_write(abi::REG_RING_HEAD, head);
  }

  // How long a NIC that polls the ring keeps polling after its last work
  // before it sleeps until a doorbell (net.core.busy_poll's role). Back ends
  // that do not poll ignore it.
  virtual void set_busy_poll(uint32_t /*us*/) {}

  // Blocks until the NIC may have consumed descriptors, or timeout_us passes.
  virtual void wait_progress(uint32_t timeout_us) = 0;

  // The MAC's receive side: one frame as it came off the wire, FCS included,
  // into the NIC's RX stream. The MAC cannot be stalled: a frame the NIC has
  // no room for is its to drop and count. False when this back end has no
  // receive path (CAPS_RX clear).
  virtual bool mac_rx(const uint8_t* /*frame*/, size_t /*len*/) { return false; }
  // Blocks until the NIC may have completed received frames (its receive
  // interrupt), or timeout_us passes. Without one the poller looks again later.
  virtual void wait_rx(uint32_t timeout_us) {
    std::this_thread::sleep_for(std::chrono::microseconds(timeout_us));
  }
  // Why the device stopped being trustworthy (a co-simulation mismatch);
  // empty while it is healthy. The driver refuses new sends once it is set.
  virtual std::string fault() const { return {}; }

 private:
  std::atomic<uint64_t> doorbells_{0}, syncs_{0}, sync_bytes_{0};
  std::mutex doorbell_lock_;
  uint32_t doorbell_last_ = 0;
  bool doorbell_rung_ = false;
};

// The RTL once it is built (SENDOFF_RTL), else the HLS C model.
#ifdef SENDOFF_HAVE_VERILATOR
constexpr const char* kDefaultBackend = "verilator";
#else
constexpr const char* kDefaultBackend = "csim";
#endif

struct DeviceOptions {
  std::string backend = kDefaultBackend;
  FrameSink* sink = nullptr;  // where the MAC side delivers frames (not owned)
  // A port whose frames come back into the NIC's receive path (not owned;
  // its transmit side is part of `sink`). Needs a back end with CAPS_RX.
  class TapPort* tap = nullptr;
  // csim: device memory as on a card's DDR/HBM bank, not host-coherent: the NIC reads
  // only what dma_sync_to_device copied (coherent() and tail_writeback() false), so a
  // driver that rang the doorbell before syncing sends stale bytes. Off: the NIC reads
  // host memory (a HOST bank).
  bool noncoherent = false;
  // xrt: bring cmac_0's link up with RS-FEC (Clause 91) on, or off, before the NIC is
  // used; a link that does not come up fails the open with the reason.
  bool rs_fec = true;
  // Run csim in lockstep with `backend` (verilator) and compare every frame.
  bool cosim = false;
  // verilator (with or without cosim): write the RTL's waveform here as FST (GTKWave).
  std::string trace_fst;
  // Device memory whose reads fail (read_fault.hpp): SLVERR in the RTL's memory model, the
  // same descriptors rejected by csim. Empty: none.
  ReadFaultRange read_fault;
  // Device memory dma_alloc may hand out, in bytes (0: all of it): a smaller
  // value makes the driver's and the stack's allocations fail (ENOMEM), as on
  // a card whose memory other users took.
  size_t dma_limit = 0;
  // CAPS_* bits the driver does not see (REG_CAPS reads them clear), as on an
  // older NIC: tests of the paths a missing feature takes. 0: none.
  uint32_t caps_hidden = 0;
  // verilator: the realistic memory (AxiReadConfig realistic_memory) with random ARREADY,
  // every choice drawn from mem_seed; off: a fixed-latency memory, always ready.
  bool mem_jitter = false;
  uint64_t mem_seed = 1;
  // verilator: chance the MAC takes a beat in a cycle (tready), 0 < tready <= 1.
  double tready = 1.0;
};

// Creates a back end by name; on failure returns nullptr and sets *err to a
// one-line message for a human.
std::unique_ptr<Device> make_device(const DeviceOptions& opts, std::string* err);

}  // namespace sendoff

#endif  // SENDOFF_DEVICE_HPP
