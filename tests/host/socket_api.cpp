// SPDX-License-Identifier: MIT
#include "socket_api.hpp"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sendoff/sendoff.h"

// The kernel's calls that take user pointers go in as raw syscalls: a sanitizer's
// interceptors would read or write the arguments themselves (addrlen, msghdr, arrays) and
// crash on the bad pointers whose EFAULT the tests and the fuzzer ask for.
template <typename R = long, typename... A>
R sys(long nr, A... a) {
  return static_cast<R>(syscall(nr, a...));
}

const SocketApi& kernel_api() {
  static const SocketApi api{
      "kernel", true, ::socket,
      [](int fd, const sockaddr* a, socklen_t l) { return sys<int>(SYS_bind, fd, a, l); },
      [](int fd, const sockaddr* a, socklen_t l) { return sys<int>(SYS_connect, fd, a, l); },
      [](int fd, sockaddr* a, socklen_t* l) { return sys<int>(SYS_getsockname, fd, a, l); },
      ::shutdown, ::close,
      [](int fd, int lv, int n, const void* v, socklen_t l) {
        return sys<int>(SYS_setsockopt, fd, lv, n, v, l);
      },
      [](int fd, int lv, int n, void* v, socklen_t* l) {
        return sys<int>(SYS_getsockopt, fd, lv, n, v, l);
      },
      [](int fd, int cmd, long arg) { return ::fcntl(fd, cmd, arg); },
      [](int fd, const void* b, size_t n, int f) {
        return sys<ssize_t>(SYS_sendto, fd, b, n, f, nullptr, 0);
      },
      [](int fd, const void* b, size_t n, int f, const sockaddr* a, socklen_t l) {
        return sys<ssize_t>(SYS_sendto, fd, b, n, f, a, l);
      },
      [](int fd, const msghdr* m, int f) { return sys<ssize_t>(SYS_sendmsg, fd, m, f); },
      [](int fd, mmsghdr* v, unsigned n, int f) { return sys<int>(SYS_sendmmsg, fd, v, n, f); },
      [](int fd, void* b, size_t n, int f) {
        return sys<ssize_t>(SYS_recvfrom, fd, b, n, f, nullptr, nullptr);
      },
      [](int fd, void* b, size_t n, int f, sockaddr* a, socklen_t* l) {
        return sys<ssize_t>(SYS_recvfrom, fd, b, n, f, a, l);
      },
      [](int fd, msghdr* m, int f) { return sys<ssize_t>(SYS_recvmsg, fd, m, f); },
      [](pollfd* fds, nfds_t n, int ms) {
        timespec t{ms / 1000, (ms % 1000) * 1000000L};
        return sys<int>(SYS_ppoll, fds, n, ms < 0 ? nullptr : &t, nullptr, 8);
      },
      [](int fd, mmsghdr* v, unsigned n, int f, timespec* t) {
        return sys<int>(SYS_recvmmsg, fd, v, n, f, t);
      },
      [](int fd, sockaddr* a, socklen_t* l) { return sys<int>(SYS_getpeername, fd, a, l); },
      ::dup, ::dup2, ::dup3,
      [](int fd, unsigned long req, unsigned long arg) { return sys<int>(SYS_ioctl, fd, req, arg); },
      [](int fd, const iovec* v, int n) { return sys<ssize_t>(SYS_writev, fd, v, n); }};
  return api;
}

const SocketApi& sendoff_api() {
  static const SocketApi api{"sendoff", false, so_socket, so_bind, so_connect, so_getsockname,
                             so_shutdown, so_close, so_setsockopt, so_getsockopt, so_fcntl,
                             so_send, so_sendto, so_sendmsg, so_sendmmsg,
                             so_recv, so_recvfrom, so_recvmsg, so_poll, so_recvmmsg,
                             so_getpeername, so_dup, so_dup2, so_dup3, so_ioctl, so_writev};
  return api;
}
