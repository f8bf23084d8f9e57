// SPDX-License-Identifier: MIT
// Device memory for the simulated NIC: one flat byte array at [base, base + size).
#ifndef SENDOFF_SIM_MEMORY_HPP
#define SENDOFF_SIM_MEMORY_HPP

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>

namespace sendoff::sim {

class Memory {
 public:
  // calloc: the pages of a large memory are zeroed by the OS only when first touched.
  Memory(uint64_t base, size_t size)
      : base_(base), size_(size), bytes_(static_cast<uint8_t*>(std::calloc(size, 1)), &std::free) {
    if (!bytes_) throw std::bad_alloc();
  }

  uint64_t base() const { return base_; }
  size_t size() const { return size_; }
  bool contains(uint64_t addr, size_t len) const {
    return addr >= base_ && addr - base_ <= size_ && len <= size_ - (addr - base_);
  }
  // Host view of [addr, addr + len); nullptr when outside the memory.
  uint8_t* at(uint64_t addr, size_t len) {
    return contains(addr, len) ? bytes_.get() + (addr - base_) : nullptr;
  }
  const uint8_t* at(uint64_t addr, size_t len) const {
    return contains(addr, len) ? bytes_.get() + (addr - base_) : nullptr;
  }

 private:
  uint64_t base_;
  size_t size_;
  std::unique_ptr<uint8_t, decltype(&std::free)> bytes_;
};

}  // namespace sendoff::sim

#endif  // SENDOFF_SIM_MEMORY_HPP
