// SPDX-License-Identifier: MIT
// The socket calls a test makes, as a table: the kernel's (libc) and
// sendoff's (so_*), so one test body runs against both and Linux is the
// oracle for every errno.
#ifndef SENDOFF_TESTS_SOCKET_API_HPP
#define SENDOFF_TESTS_SOCKET_API_HPP

#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <string>

struct SocketApi {
  std::string name;
  bool is_kernel;
  int (*socket)(int, int, int);
  int (*bind)(int, const sockaddr*, socklen_t);
  int (*connect)(int, const sockaddr*, socklen_t);
  int (*getsockname)(int, sockaddr*, socklen_t*);
  int (*shutdown)(int, int);
  int (*close)(int);
  int (*setsockopt)(int, int, int, const void*, socklen_t);
  int (*getsockopt)(int, int, int, void*, socklen_t*);
  int (*fcntl)(int, int, long);
  ssize_t (*send)(int, const void*, size_t, int);
  ssize_t (*sendto)(int, const void*, size_t, int, const sockaddr*, socklen_t);
  ssize_t (*sendmsg)(int, const msghdr*, int);
  int (*sendmmsg)(int, mmsghdr*, unsigned, int);
  ssize_t (*recv)(int, void*, size_t, int);
  ssize_t (*recvfrom)(int, void*, size_t, int, sockaddr*, socklen_t*);
  ssize_t (*recvmsg)(int, msghdr*, int);
  int (*poll)(pollfd*, nfds_t, int);
  int (*recvmmsg)(int, mmsghdr*, unsigned, int, timespec*);
  int (*getpeername)(int, sockaddr*, socklen_t*);
  int (*dup)(int);
  int (*dup2)(int, int);
  int (*dup3)(int, int, int);
  int (*ioctl)(int, unsigned long, unsigned long);
  ssize_t (*writev)(int, const iovec*, int);
};

const SocketApi& kernel_api();
const SocketApi& sendoff_api();

#endif  // SENDOFF_TESTS_SOCKET_API_HPP
