// SPDX-License-Identifier: MIT
#include "sendoff_rx.hpp"

#include <cerrno>
#include <cstring>

#include "sendoff/nic_abi.hpp"

namespace sendoff {

using namespace abi;

int SendoffRx::open(Device* dev, unsigned mtu, std::string* err) {
  dev_ = nullptr;
  off_reason_.clear();
  if (!(dev->reg_read(REG_CAPS) & CAPS_RX)) {
    off_reason_ = "CAPS_RX clear: this NIC transmits only";
    return 0;
  }
  if (!dev->coherent()) {
    off_reason_ = "the NIC's buffers are in card memory; the receive path needs host memory "
                  "(link its buffers to HOST[0])";
    return 0;
  }
  buf_size_ = mtu + ETH_HLEN <= RX_BUF_SIZE_MIN ? RX_BUF_SIZE_MIN : RX_BUF_SIZE_MAX;
  bufs_ = dev->dma_alloc(size_t{kRingSize} * buf_size_ + buf_size_);
  cpl_ = dev->dma_alloc(size_t{kRingSize} * RXC_BYTES);
  if (!bufs_.size || !cpl_.size || cpl_.dev_addr % 64) {
    *err = dev->name() + ": not enough device memory for the RX ring";
    return -ENOMEM;
  }
  // Buffers must sit RX_BUF_SIZE aligned: the allocation has one spare.
  const uint64_t base = (bufs_.dev_addr + buf_size_ - 1) & ~uint64_t{buf_size_ - 1};
  const uint32_t ctrl = dev->reg_read(REG_CTRL);
  dev->reg_write(REG_CTRL, ctrl & ~CTRL_RX_ENABLE);
  // The indices run free; start where the NIC stands, with every entry
  // "not done" for the index that will next land in it.
  next_ = dev->reg_read(REG_RX_TAIL);
  for (uint32_t k = 0; k < kRingSize; ++k) {
    const uint32_t index = next_ + k;
    RxCpl c{};
    c.flags = static_cast<uint16_t>(rxc_gen_done(index, kRingSize) ^ RXC_F_GEN);
    std::memcpy(cpl_.host + size_t{index % kRingSize} * RXC_BYTES, &c, sizeof c);
  }
  dev->sync_to_device(cpl_, 0, cpl_.size);
  dev->reg_write(REG_RX_BUF_BASE_LO, static_cast<uint32_t>(base));
  dev->reg_write(REG_RX_BUF_BASE_HI, static_cast<uint32_t>(base >> 32));
  dev->reg_write(REG_RX_CPL_BASE_LO, static_cast<uint32_t>(cpl_.dev_addr));
  dev->reg_write(REG_RX_CPL_BASE_HI, static_cast<uint32_t>(cpl_.dev_addr >> 32));
  dev->reg_write(REG_RX_RING_SIZE, kRingSize);
  dev->reg_write(REG_RX_BUF_SIZE, buf_size_);
  dev->reg_write(REG_RX_HEAD, next_ + kRingSize);  // every buffer is the NIC's
  dev->reg_write(REG_CTRL, ctrl | CTRL_RX_ENABLE);
  bufs_.host += base - bufs_.dev_addr;
  bufs_.dev_addr = base;
  dev_ = dev;
  return 0;
}

void SendoffRx::close() {
  if (dev_) dev_->reg_write(REG_CTRL, dev_->reg_read(REG_CTRL) & ~CTRL_RX_ENABLE);
  dev_ = nullptr;
}

int SendoffRx::poll(int budget, const Receive& rcv) {
  if (!dev_) return 0;
  int done = 0;
  while (done < budget) {
    const uint32_t index = next_;
    const uint8_t* e = cpl_.host + size_t{index % kRingSize} * RXC_BYTES;
    // The NIC writes an entry's last 8 bytes, then its first 8 with the
    // generation bit: an acquire load of those orders the reads after it.
    const uint64_t head = __atomic_load_n(reinterpret_cast<const uint64_t*>(e), __ATOMIC_ACQUIRE);
    RxCpl c;
    std::memcpy(&c, &head, 8);
    if ((c.flags & RXC_F_GEN) != rxc_gen_done(index, kRingSize)) break;
    std::memcpy(reinterpret_cast<uint8_t*>(&c) + 8, e + 8, 8);
    const uint8_t* frame = bufs_.host + size_t{index % kRingSize} * buf_size_;
    const size_t len = c.len <= buf_size_ ? c.len : buf_size_;
    rcv(frame, len, (c.flags & RXC_F_L4_CSUM_OK) != 0);
    ++next_;
    ++done;
  }
  // The buffers just emptied go back to the NIC in one write.
  if (done) dev_->reg_write(REG_RX_HEAD, next_ + kRingSize);
  return done;
}

}  // namespace sendoff
