// SPDX-License-Identifier: MIT
#include "socket_api.hpp"

#include <fcntl.h>
#include <unistd.h>

#include "sendoff/sendoff.h"

const SocketApi& kernel_api() {
  static const SocketApi api{
      "kernel", true, ::socket, ::bind, ::connect, ::getsockname, ::shutdown, ::close,
      ::setsockopt, ::getsockopt, [](int fd, int cmd, int arg) { return ::fcntl(fd, cmd, arg); },
      ::send, ::sendto, ::sendmsg,
      [](int fd, mmsghdr* v, unsigned n, int f) { return ::sendmmsg(fd, v, n, f); },
      ::recv, ::recvfrom, ::recvmsg, ::poll,
      [](int fd, mmsghdr* v, unsigned n, int f, timespec* t) { return ::recvmmsg(fd, v, n, f, t); }};
  return api;
}

const SocketApi& sendoff_api() {
  static const SocketApi api{"sendoff", false, so_socket, so_bind, so_connect, so_getsockname,
                             so_shutdown, so_close, so_setsockopt, so_getsockopt, so_fcntl,
                             so_send, so_sendto, so_sendmsg, so_sendmmsg,
                             so_recv, so_recvfrom, so_recvmsg, so_poll, so_recvmmsg};
  return api;
}
