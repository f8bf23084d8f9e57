// SPDX-License-Identifier: MIT
// Memory for the EFAULT rows: a writable page, the unmapped page after it (so
// a buffer can start mapped and run into the hole), a read-only page, and a
// PROT_NONE guard page after that (mapped, never accessible).
#ifndef SENDOFF_TESTS_BAD_MEMORY_HPP
#define SENDOFF_TESTS_BAD_MEMORY_HPP

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

class BadMemory {
 public:
  BadMemory() : page_(static_cast<size_t>(sysconf(_SC_PAGESIZE))) {
    // Low in the address space: mmap hands out the highest free range that fits, so a
    // one-page hole up there would soon hold some allocator's page (ASan's do).
    void* p = mmap(kLowHint, 4 * page_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                   -1, 0);
    if (p == MAP_FAILED) abort();
    base_ = static_cast<uint8_t*>(p);
    munmap(hole(), page_);
    mprotect(read_only(), page_, PROT_READ);
    mprotect(guard(), page_, PROT_NONE);
  }
  ~BadMemory() {
    munmap(writable(), page_);
    munmap(read_only(), 2 * page_);
  }
  BadMemory(const BadMemory&) = delete;
  BadMemory& operator=(const BadMemory&) = delete;

  size_t page() const { return page_; }
  uint8_t* writable() const { return base_; }
  uint8_t* hole() const { return base_ + page_; }
  uint8_t* read_only() const { return base_ + 2 * page_; }
  uint8_t* guard() const { return base_ + 3 * page_; }
  // Fills the read-only page: f(page) runs while it is writable.
  template <typename F>
  void fill_read_only(F&& f) {
    mprotect(read_only(), page_, PROT_READ | PROT_WRITE);
    f(read_only());
    mprotect(read_only(), page_, PROT_READ);
  }

 private:
  static inline void* const kLowHint = reinterpret_cast<void*>(uintptr_t{0x10000000});
  size_t page_;
  uint8_t* base_;
};

#endif  // SENDOFF_TESTS_BAD_MEMORY_HPP
