// SPDX-License-Identifier: MIT
// The syscall entry points (net/socket.c); each returns a value or -errno.
#ifndef SENDOFF_NET_SYSCALLS_HPP
#define SENDOFF_NET_SYSCALLS_HPP

#include <sys/socket.h>

#include <cstddef>
#include <vector>

namespace sendoff {

struct net;
struct socket;
struct msghdr_k;

// Lock-free: is fd one of sendoff's sockets?
bool sock_fd_is_ours(int fd);
// Valid until the caller's RCU read-side section ends.
socket* sockfd_lookup_light(net* n, int fd, int* err);
// A fork() child's close: the fd leaves the table; the socket is the parent's.
void sock_fd_forget(int fd);
// The fds of every open sendoff socket (for teardown).
std::vector<int> sock_open_fds();
long sock_sendmsg(socket* sock, msghdr_k* msg, size_t len);

long sys_socket(net* n, int family, int type, int protocol);
long sys_bind(net* n, int fd, const sockaddr* umyaddr, int addrlen);
long sys_connect(net* n, int fd, const sockaddr* uservaddr, int addrlen);
long sys_listen(net* n, int fd, int backlog);
// accept4 (accept: flags 0): a new fd for the next connection, its peer's
// address into upeer_sockaddr when given.
long sys_accept4(net* n, int fd, sockaddr* upeer_sockaddr, socklen_t* upeer_addrlen, int flags);
long sys_getsockname(net* n, int fd, sockaddr* usockaddr, socklen_t* usockaddr_len);
long sys_getpeername(net* n, int fd, sockaddr* usockaddr, socklen_t* usockaddr_len);
long sys_shutdown(net* n, int fd, int how);
long sys_close(net* n, int fd);
long sys_setsockopt(net* n, int fd, int level, int optname, const void* optval, int optlen);
long sys_getsockopt(net* n, int fd, int level, int optname, void* optval, socklen_t* optlen);
long sys_fcntl(net* n, int fd, int cmd, long arg);
// dup and F_DUPFD / F_DUPFD_CLOEXEC (lowest free fd >= minfd), and dup3: a
// new fd for the same socket.
long sys_dupfd(net* n, int oldfd, int minfd, bool cloexec);
long sys_dup3(net* n, int oldfd, int newfd, int flags);
long sys_ioctl(net* n, int fd, unsigned long cmd, unsigned long arg);
long sys_sendto(net* n, int fd, const void* buff, size_t len, unsigned flags,
                const sockaddr* addr, int addr_len);
long sys_send(net* n, int fd, const void* buff, size_t len, unsigned flags);
long sys_sendmsg(net* n, int fd, const msghdr* msg, unsigned flags);
long sys_sendmmsg(net* n, int fd, mmsghdr* mmsg, unsigned vlen, unsigned flags);
long sock_recvmsg(socket* sock, msghdr_k* msg, size_t len, int flags);
long sys_recvfrom(net* n, int fd, void* ubuf, size_t size, unsigned flags, sockaddr* addr,
                  socklen_t* addr_len);
long sys_recv(net* n, int fd, void* ubuf, size_t size, unsigned flags);
long sys_recvmsg(net* n, int fd, msghdr* msg, unsigned flags);
long sys_recvmmsg(net* n, int fd, mmsghdr* mmsg, unsigned vlen, unsigned flags, timespec* timeout);

}  // namespace sendoff

#endif  // SENDOFF_NET_SYSCALLS_HPP
