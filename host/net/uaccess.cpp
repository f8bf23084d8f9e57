// SPDX-License-Identifier: MIT
#include "uaccess.hpp"

#include <pthread.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sendoff {

namespace {
// x86-64 TASK_SIZE_MAX with 4-level paging: the top of user space.
constexpr uintptr_t kTaskSizeMax = (uintptr_t{1} << 47) - 4096;
constexpr size_t kIovMax = 1024;  // process_vm_readv's segment limit a call

// getpid() is a syscall on every call in current glibc; cache it, and take
// it anew in the child of a fork.
pid_t cached_pid = [] {
  pthread_atfork(nullptr, nullptr, [] { cached_pid = getpid(); });
  return getpid();
}();

// The calling thread's stack. Memory from the current frame up to its top
// is mapped and readable for as long as this call runs, so a user buffer
// inside it (a sockaddr or msghdr on the caller's stack, the common case)
// can be copied without the process_vm_readv syscall.
struct StackRange {
  uintptr_t base = 0, top = 0;
};

StackRange thread_stack() {
  thread_local StackRange r = [] {
    StackRange s;
    pthread_attr_t a;
    void* base = nullptr;
    size_t size = 0;
    if (pthread_getattr_np(pthread_self(), &a) != 0) return s;
    pthread_attr_getstack(&a, &base, &size);
    pthread_attr_destroy(&a);
    s.base = reinterpret_cast<uintptr_t>(base);
    s.top = s.base + size;
    return s;
  }();
  return r;
}

bool on_live_stack(const void* p, size_t len) {
  uintptr_t a = reinterpret_cast<uintptr_t>(p);
  uintptr_t low = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  StackRange s = thread_stack();
  // Not when running on another stack (a signal's sigaltstack).
  if (low < s.base || low >= s.top) return false;
  return a >= low && a < s.top && len <= s.top - a;
}
}  // namespace

bool access_ok(const void* p, size_t len) {
  uintptr_t a = reinterpret_cast<uintptr_t>(p);
  return len <= kTaskSizeMax && a <= kTaskSizeMax - len;
}

int copy_from_user(void* dst, const void* src, size_t len) {
  if (len == 0) return 0;
  if (on_live_stack(src, len)) {
    memcpy(dst, src, len);
    return 0;
  }
  iovec local{dst, len};
  iovec remote{const_cast<void*>(src), len};
  ssize_t r = process_vm_readv(cached_pid, &local, 1, &remote, 1, 0);
  return r == static_cast<ssize_t>(len) ? 0 : -EFAULT;
}

int copy_to_user(void* dst, const void* src, size_t len) {
  if (len == 0) return 0;
  iovec local{const_cast<void*>(src), len};
  iovec remote{dst, len};
  ssize_t r = process_vm_writev(cached_pid, &local, 1, &remote, 1, 0);
  return r == static_cast<ssize_t>(len) ? 0 : -EFAULT;
}

int copy_from_user_iov(uint8_t* dst, const iovec* iov, size_t iovlen, size_t len) {
  size_t done = 0;
  for (size_t i = 0; i < iovlen && done < len;) {
    size_t n = iovlen - i < kIovMax ? iovlen - i : kIovMax;
    size_t want = 0;
    for (size_t k = 0; k < n; ++k) want += iov[i + k].iov_len;
    if (want > len - done) want = len - done;
    if (want) {
      iovec local{dst + done, want};
      ssize_t r = process_vm_readv(cached_pid, &local, 1, iov + i, n, 0);
      if (r != static_cast<ssize_t>(want)) return -EFAULT;
    }
    done += want;
    i += n;
  }
  return 0;
}

}  // namespace sendoff
