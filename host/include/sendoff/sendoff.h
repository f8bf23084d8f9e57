/* SPDX-License-Identifier: MIT
 * sendoff's POSIX-shaped API, usable from C and C++. Each so_* call behaves
 * as its libc namesake on a Linux UDP, raw or TCP socket (README's table of
 * differences says where not): it returns what libc
 * returns, or -1 with errno set to what Linux sets for the same input.
 * Sockets live in one process-wide network stack opened by sendoff_init().
 */
#ifndef SENDOFF_SENDOFF_H
#define SENDOFF_SENDOFF_H

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Opens the process-wide stack. `config` is a config file path (NULL: the
 * SENDOFF_CONFIG environment variable, else built-in defaults); `backend`
 * names the device back end (NULL: the default); `pcap` names a pcap file
 * the NIC's frames go to (NULL: SENDOFF_PCAP, else frames are counted and
 * dropped). On a card (backend "xrt") SENDOFF_XRT_RS_FEC=on|off sets the
 * link's RS-FEC (default on). Returns 0, or -1 with errno set;
 * sendoff_strerror() then says why.
 */
int sendoff_init(const char* config, const char* backend, const char* pcap);
/* Waits until the NIC has sent everything posted, then closes the stack. */
int sendoff_fini(void);
/* What a process's exit does to its sockets, for a program about to call
 * sendoff_fini() at its exit (the LD_PRELOAD library does): closes every
 * sendoff socket, then waits while a TCP connection still has data or its FIN
 * unacknowledged (Linux keeps such connections after the process), until none
 * has or no ACK has come for idle_ms. Returns 0. */
int sendoff_linger(int idle_ms);
/* Waits until the NIC has sent everything posted so far. */
int sendoff_flush(void);
/* One line describing the last sendoff_init() failure. */
const char* sendoff_strerror(void);

int so_socket(int domain, int type, int protocol);
int so_bind(int fd, const struct sockaddr* addr, socklen_t addrlen);
int so_connect(int fd, const struct sockaddr* addr, socklen_t addrlen);
/* listen(2) on a TCP socket: EINVAL once connected, EOPNOTSUPP for UDP and
 * raw; an unbound socket gets an ephemeral port; the backlog is clamped to
 * net.core.somaxconn. */
int so_listen(int fd, int backlog);
/* accept(2) / accept4(2) (flags SOCK_NONBLOCK, SOCK_CLOEXEC, else EINVAL): a
 * new fd for the oldest completed connection and its peer's address; EINVAL
 * when not listening, EAGAIN when nonblocking (or SO_RCVTIMEO ran out) with
 * none waiting; otherwise waits, -1 with EINTR when a signal handler runs.
 * so_poll reports POLLIN on a listener while a connection waits. */
int so_accept(int fd, struct sockaddr* addr, socklen_t* addrlen);
int so_accept4(int fd, struct sockaddr* addr, socklen_t* addrlen, int flags);
int so_getsockname(int fd, struct sockaddr* addr, socklen_t* addrlen);
int so_shutdown(int fd, int how);
int so_close(int fd);
int so_setsockopt(int fd, int level, int optname, const void* optval, socklen_t optlen);
int so_getsockopt(int fd, int level, int optname, void* optval, socklen_t* optlen);
/* fcntl(2); F_DUPFD and F_DUPFD_CLOEXEC make another fd for the same socket,
 * sharing its flags, as dup() does. */
int so_fcntl(int fd, int cmd, long arg);
/* dup(2), dup2(2), dup3(2) of a sendoff socket: the new fd names the same
 * socket (it stays open until its last fd closes); a sendoff socket that
 * newfd named loses that name, as a closed fd would. */
int so_dup(int fd);
int so_dup2(int oldfd, int newfd);
int so_dup3(int oldfd, int newfd, int flags);
/* ioctl(2): FIONBIO, FIOASYNC (0 only: no SIGIO), FIOCLEX, FIONCLEX, FIONREAD
 * (SIOCINQ), SIOCOUTQ, the device ioctls (SIOCGIFINDEX, ...) as Linux answers
 * them; ENOTTY for the rest. */
int so_ioctl(int fd, unsigned long request, unsigned long arg);
int so_getpeername(int fd, struct sockaddr* addr, socklen_t* addrlen);
ssize_t so_send(int fd, const void* buf, size_t len, int flags);
ssize_t so_sendto(int fd, const void* buf, size_t len, int flags,
                  const struct sockaddr* dest_addr, socklen_t addrlen);
ssize_t so_sendmsg(int fd, const struct msghdr* msg, int flags);
/* writev(2) on a socket: the vector checked as import_iovec does (EINVAL for a
 * negative count or one above 1024, EFAULT), a vector of no bytes returns 0 and
 * sends nothing (vfs_writev), the rest is sendmsg with no flags
 * (sock_write_iter). Another fd's writev is the kernel's. */
ssize_t so_writev(int fd, const struct iovec* iov, int iovcnt);
int so_sendmmsg(int fd, struct mmsghdr* msgvec, unsigned int vlen, int flags);
ssize_t so_recv(int fd, void* buf, size_t len, int flags);
ssize_t so_recvfrom(int fd, void* buf, size_t len, int flags, struct sockaddr* src_addr,
                    socklen_t* addrlen);
ssize_t so_recvmsg(int fd, struct msghdr* msg, int flags);
int so_recvmmsg(int fd, struct mmsghdr* msgvec, unsigned int vlen, int flags,
                struct timespec* timeout);
/* poll(2) over sendoff sockets and any other fds: POLLIN with a datagram
 * queued (POLLRDHUP after SHUT_RD), POLLOUT while under half of SO_SNDBUF is
 * in flight, POLLHUP when shut down both ways, POLLNVAL for a closed fd; -1
 * with EINTR when a signal handler runs, EFAULT, EINVAL as Linux. */
int so_poll(struct pollfd* fds, nfds_t nfds, int timeout);
/* Readies a sendoff socket for epoll sets that ask for `events` (the
 * LD_PRELOAD interposer calls it from epoll_ctl with the set's events). Its
 * fd is an eventfd, which an epoll set sees as EPOLLIN while its counter is
 * above 0 and EPOLLOUT while it is below 2^64-2. A datagram socket's fd is
 * from then on readable exactly while the socket is, each datagram's arrival
 * a new event for EPOLLET, and always writable. A SOCK_STREAM socket's fd
 * follows so_poll's answer within a poll-thread pass (about 2 ms), and at
 * once after a call on it returns: EPOLLIN for POLLIN, POLLRDHUP, POLLHUP or
 * POLLERR, EPOLLOUT for POLLOUT (room for a third of the send buffer, as
 * sk_stream_is_writeable), POLLHUP or POLLERR. An eventfd cannot be neither:
 * then it shows EPOLLIN, or EPOLLOUT if `events` has EPOLLIN without
 * EPOLLOUT, so a set that asks for one of the two waits as on Linux (one
 * that asks for both may wake early, and its call then fails with EAGAIN).
 * 0, or -1 with EBADF / ENOTSOCK. */
int so_epoll_watch_events(int fd, unsigned events);
/* so_epoll_watch_events(fd, EPOLLIN | EPOLLOUT). */
int so_epoll_watch(int fd);
/* 1 when fd is a sendoff socket, else 0 (for the LD_PRELOAD interposer). */
int so_is_socket(int fd);
/* 1 when fd is a file the open stack uses itself (its pcap, TAP or device
 * files), else 0; 0 in a fork() child. The LD_PRELOAD interposer keeps a
 * program's close, close_range, dup2 and dup3 off these. */
int so_is_stack_fd(int fd);
/* 1 when the open stack's NIC has a receive path (so_recv* can get frames), else 0. */
int sendoff_can_receive(void);
/* sigaction() that keeps sendoff's SIGSEGV/SIGBUS handler installed. sendoff
 * reads user buffers as the kernel does, in a copy routine whose faults its
 * handler turns into EFAULT; faults anywhere else go to the program's handler.
 * For SIGSEGV and SIGBUS this records `act` as that handler and reports the
 * previous one in `oldact`, as if sendoff's were not there. The LD_PRELOAD
 * library routes sigaction() and signal() here; a program on this API that
 * installs such a handler after sendoff_init() should call this instead. */
int so_sigaction(int sig, const struct sigaction* act, struct sigaction* oldact);

#ifdef __cplusplus
}
#endif

#endif /* SENDOFF_SENDOFF_H */
