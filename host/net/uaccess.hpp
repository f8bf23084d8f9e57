// SPDX-License-Identifier: MIT
// copy_from_user for a user-space stack, the way the kernel does it: the copy
// runs in one known instruction range (copy_user_64.S), and a SIGSEGV/SIGBUS
// handler that finds a fault in that range resumes at a fixup that returns
// the bytes not copied -- an exception table with one entry. No syscall per
// copy. Faults anywhere else go on to the handler the program installed.
// Where the handler cannot be installed, copies fall back to
// process_vm_readv/writev, which also report EFAULT for unmapped memory.
#ifndef SENDOFF_NET_UACCESS_HPP
#define SENDOFF_NET_UACCESS_HPP

#include <signal.h>
#include <sys/uio.h>

#include <cstddef>
#include <cstdint>

namespace sendoff {

// Installs the fault handler on SIGSEGV and SIGBUS, chaining whatever handler
// is current, unless it is installed already. Called when the stack opens;
// safe to call again. Returns false when the handler could not be installed:
// copies then take the process_vm_readv fallback.
bool uaccess_init();
// True when copies run through the fault handler, false on the fallback.
bool uaccess_exception_table();
// TASK_SIZE_MAX of the running kernel: the end of user space.
uintptr_t task_size_max();

// Linux's access_ok(): the range lies within user space.
bool access_ok(const void* p, size_t len);
// As in Linux: the number of bytes NOT copied, 0 on success. A short
// copy_from_user zero-fills the rest of `to`. Callers make a short copy -EFAULT.
size_t copy_from_user(void* to, const void* from, size_t n);
size_t copy_to_user(void* to, const void* from, size_t n);
// copy_from_iter_full: gathers len bytes from the iovecs (checked by
// access_ok when they were imported) into dst. 0 or -EFAULT.
int copy_from_user_iov(uint8_t* dst, const iovec* iov, size_t iovlen, size_t len);

// fault_in_iov_iter_readable: reads one byte of every page the first len
// bytes of the iovecs touch, through the fault handler. Returns the bytes
// that are not readable (0: all are, for now).
size_t fault_in_iov_readable(const iovec* iov, size_t iovlen, size_t len);

// sigaction() for the program while our handler is installed: for SIGSEGV
// and SIGBUS it records `act` as the handler faults outside the copy range
// go to, and reports the program's previous one in `oldact`, as if ours were
// not there; other signals, or no handler of ours, go to libc's sigaction.
int uaccess_sigaction(int sig, const struct sigaction* act, struct sigaction* oldact);

}  // namespace sendoff

#endif  // SENDOFF_NET_UACCESS_HPP
