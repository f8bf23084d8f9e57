// SPDX-License-Identifier: MIT
// copy_from_user for a user-space stack: reads the caller's memory through
// process_vm_readv, which reports EFAULT for unmapped addresses where a
// plain memcpy would crash, so bad pointers get Linux's errno.
#ifndef SENDOFF_NET_UACCESS_HPP
#define SENDOFF_NET_UACCESS_HPP

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>

namespace sendoff {

// Linux's access_ok(): the range lies within user space.
bool access_ok(const void* p, size_t len);
// 0 or -EFAULT.
int copy_from_user(void* dst, const void* src, size_t len);
int copy_to_user(void* dst, const void* src, size_t len);
// Gathers len bytes from the iovecs into dst. 0 or -EFAULT.
int copy_from_user_iov(uint8_t* dst, const iovec* iov, size_t iovlen, size_t len);

}  // namespace sendoff

#endif  // SENDOFF_NET_UACCESS_HPP
