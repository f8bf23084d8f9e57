// SPDX-License-Identifier: MIT
// Drives the Verilated sendoff_tx_top like a driver would: flow entries through the
// staging registers, descriptors into the ring in device memory, doorbell, wait for tail.
#ifndef SENDOFF_TESTS_RTL_TX_FIXTURE_HPP
#define SENDOFF_TESTS_RTL_TX_FIXTURE_HPP

#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>

#include "sendoff/nic_abi.hpp"
#include "sendoff/sim/tx_top_sim.hpp"

namespace rtltest {

namespace abi = sendoff::abi;

class TxFixture {
 public:
  explicit TxFixture(const sendoff::sim::TxTopSimConfig& cfg = {})
      : sim_(std::make_unique<sendoff::sim::TxTopSim>(cfg)) {
    sim_->reset();
    next_payload_ = cfg.mem_base + (1u << 20);
  }

  sendoff::sim::TxTopSim& sim() { return *sim_; }

  void set_flow(unsigned idx, const abi::FlowEntry& f) {
    uint32_t w[abi::FLOW_WORDS];
    std::memcpy(w, &f, sizeof w);
    for (unsigned i = 0; i < abi::FLOW_WORDS; ++i) {
      sim_->reg_write(abi::REG_FLOW_DATA + 4 * i, w[i]);
    }
    sim_->reg_write(abi::REG_FLOW_INDEX, idx);
    sim_->reg_write(abi::REG_FLOW_COMMIT, 1);
  }

  void setup_ring(uint32_t entries, uint32_t ctrl = abi::CTRL_ENABLE) {
    setup_ring_at(sim_->memory().base() + 4096, entries, ctrl);
  }

  void setup_ring_at(uint64_t base, uint32_t entries, uint32_t ctrl = abi::CTRL_ENABLE) {
    ring_size_ = entries == 0 ? 1 : entries;
    ring_ = base;
    sim_->reg_write(abi::REG_RING_BASE_LO, uint32_t(ring_));
    sim_->reg_write(abi::REG_RING_BASE_HI, uint32_t(ring_ >> 32));
    sim_->reg_write(abi::REG_RING_SIZE, entries);
    head_ = sim_->reg_read(abi::REG_RING_TAIL);
    sim_->reg_write(abi::REG_RING_HEAD, head_);
    sim_->reg_write(abi::REG_CTRL, ctrl);
  }

  // Copies bytes into device memory at a fresh address aligned to `align`.
  uint64_t put_payload(const std::vector<uint8_t>& p, uint64_t align = 64) {
    next_payload_ = (next_payload_ + align - 1) & ~(align - 1);
    if (next_payload_ + p.size() + 64 > sim_->memory().base() + sim_->memory().size()) {
      next_payload_ = sim_->memory().base() + (1u << 20);
    }
    const uint64_t a = next_payload_;
    if (!p.empty()) std::memcpy(sim_->memory().at(a, p.size()), p.data(), p.size());
    next_payload_ += p.size() + 64;
    return a;
  }

  // Writes the descriptor into the next ring slot; ring the doorbell separately. A full
  // ring is first made room in: doorbell, then wait for the tail to move.
  void post(const abi::TxDesc& d) { post_slot(&d); }
  // A TCP descriptor's two slots (a full ring may see the doorbell between them).
  void post_tcp(const abi::TxDesc& d, const abi::TxDescTcp& t) {
    post_slot(&d);
    post_slot(&t);
  }
  void post_slot(const void* rec) {
    if (head_ - sim_->reg_read(abi::REG_RING_TAIL) >= ring_size_) {
      doorbell();
      if (!sim_->run_until([&] { return head_ - sim_->reg_read(abi::REG_RING_TAIL) < ring_size_; },
                           10000000)) {
        throw std::runtime_error("ring stays full");
      }
    }
    const uint64_t slot = ring_ + uint64_t(head_ % ring_size_) * abi::TXD_BYTES;
    std::memcpy(sim_->memory().at(slot, abi::TXD_BYTES), rec, abi::TXD_BYTES);
    ++head_;
  }
  void doorbell() { sim_->reg_write(abi::REG_RING_HEAD, head_); }
  // After a CTRL_RESET moved RING_HEAD: post from there.
  void resync_head() { head_ = sim_->reg_read(abi::REG_RING_HEAD); }
  uint32_t head() const { return head_; }

  // Runs until RING_TAIL reaches the head and the output is between frames.
  bool wait_idle(uint64_t max_cycles = 2000000) {
    const uint64_t end = sim_->cycle() + max_cycles;
    while (sim_->cycle() < end) {
      sim_->step(64);
      if (sim_->reg_read(abi::REG_RING_TAIL) == head_ && !sim_->sink().in_frame() &&
          (sim_->reg_read(abi::REG_STATUS) & abi::STATUS_BUSY) == 0) {
        return true;
      }
    }
    return false;
  }

 private:
  std::unique_ptr<sendoff::sim::TxTopSim> sim_;
  uint64_t ring_ = 0;
  uint32_t ring_size_ = 1;
  uint32_t head_ = 0;
  uint64_t next_payload_ = 0;
};

inline abi::FlowEntry make_flow(uint16_t mtu, uint16_t sport = 5000, uint16_t dport = 9000) {
  abi::FlowEntry f{};
  f.saddr = 0xC6120001;  // 198.18.0.1
  f.daddr = 0xC6120002;  // 198.18.0.2
  f.sport = sport;
  f.dport = dport;
  f.mtu = mtu;
  f.protocol = abi::IPPROTO_UDP_NUM;
  f.flags = abi::FLOW_F_VALID;
  const uint8_t dmac[6] = {0x02, 0, 0, 0, 0, 0x02};
  const uint8_t smac[6] = {0x02, 0, 0, 0, 0, 0x01};
  std::memcpy(f.dmac, dmac, 6);
  std::memcpy(f.smac, smac, 6);
  return f;
}

}  // namespace rtltest

#endif  // SENDOFF_TESTS_RTL_TX_FIXTURE_HPP
