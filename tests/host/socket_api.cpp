// SPDX-License-Identifier: MIT
#include "socket_api.hpp"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sendoff/sendoff.h"

const SocketApi& kernel_api() {
  static const SocketApi api{
      "kernel", true, ::socket, ::bind, ::connect, ::getsockname, ::shutdown, ::close,
      ::setsockopt, ::getsockopt, [](int fd, int cmd, long arg) { return ::fcntl(fd, cmd, arg); },
      ::send, ::sendto, ::sendmsg,
      [](int fd, mmsghdr* v, unsigned n, int f) { return ::sendmmsg(fd, v, n, f); },
      ::recv, ::recvfrom, ::recvmsg,
      // poll and recvmmsg as raw syscalls: a sanitizer's interceptors would read the
      // arrays themselves and crash on the bad pointers whose EFAULT the tests ask for.
      [](pollfd* fds, nfds_t n, int ms) {
        timespec t{ms / 1000, (ms % 1000) * 1000000L};
        return static_cast<int>(syscall(SYS_ppoll, fds, n, ms < 0 ? nullptr : &t, nullptr, 8));
      },
      [](int fd, mmsghdr* v, unsigned n, int f, timespec* t) {
        return static_cast<int>(syscall(SYS_recvmmsg, fd, v, n, f, t));
      },
      ::getpeername, ::dup, ::dup2, ::dup3,
      [](int fd, unsigned long req, unsigned long arg) { return ::ioctl(fd, req, arg); }};
  return api;
}

const SocketApi& sendoff_api() {
  static const SocketApi api{"sendoff", false, so_socket, so_bind, so_connect, so_getsockname,
                             so_shutdown, so_close, so_setsockopt, so_getsockopt, so_fcntl,
                             so_send, so_sendto, so_sendmsg, so_sendmmsg,
                             so_recv, so_recvfrom, so_recvmsg, so_poll, so_recvmmsg,
                             so_getpeername, so_dup, so_dup2, so_dup3, so_ioctl};
  return api;
}
