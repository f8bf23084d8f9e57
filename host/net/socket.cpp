// SPDX-License-Identifier: MIT
// The syscall layer, after net/socket.c: file descriptors, address copy-in,
// msghdr copy-in, and sock_sendmsg. Each sys_* returns a value or -errno.
#include "syscalls.hpp"

#include <fcntl.h>
#include <linux/sockios.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>

#include <cerrno>
#include <chrono>
#include <climits>
#include <cstring>

#include "net.hpp"
#include "rcu.hpp"
#include "uaccess.hpp"

namespace sendoff {

namespace {

constexpr int kSockTypeMask = 0xf;
constexpr int kSockMax = SOCK_PACKET + 1;
constexpr int kUioMaxIov = 1024;                     // UIO_MAXIOV
constexpr size_t kUioFastiov = 8;                    // UIO_FASTIOV
constexpr size_t kCtlStack = 128;                    // control bytes kept on the stack
constexpr size_t kMaxRwCount = INT_MAX & ~size_t{4095};  // MAX_RW_COUNT
constexpr size_t kOptmemMax = 131072;                // net.core.optmem_max
constexpr unsigned kMsgCmsgCompat = 0x80000000u;     // MSG_CMSG_COMPAT (kernel-only)
// Flags the kernel uses internally and strips from a user's sendmsg.
constexpr unsigned kMsgInternalSendmsgFlags = 0x08000000u /* MSG_SPLICE_PAGES */ |
                                              0x00020000u /* MSG_SENDPAGE_NOPOLICY */ |
                                              0x00100000u /* MSG_SENDPAGE_DECRYPTED */;

// A kernel fd reserved for each socket keeps sendoff's descriptor numbers
// apart from every other open file, as one fd table would. It is an eventfd,
// so that an epoll set can watch it: once a socket is watched, its counter
// is non-zero exactly while the socket is readable (sk_ep_sync).
int reserve_fd(bool cloexec) {
  return static_cast<int>(syscall(SYS_eventfd2, 0, EFD_NONBLOCK | (cloexec ? EFD_CLOEXEC : 0)));
}

// fcntl and close go straight to the kernel: under LD_PRELOAD the libc names
// are sendoff's own interposers.
long kernel_fcntl(int fd, int cmd, long arg) { return syscall(SYS_fcntl, fd, cmd, arg); }
long kernel_close(int fd) { return syscall(SYS_close, fd); }

// The fd table: which fds are sendoff sockets and which socket each is,
// read without a lock by sends and by the interposer on every fd operation,
// from any thread. Written under the stack lock; a socket taken out of it is
// released after an RCU grace period (a call in flight keeps it).
constexpr int kFdMax = 1 << 16;
std::atomic<socket*> fdt[kFdMax];

}  // namespace

bool sock_fd_is_ours(int fd) {
  return fd >= 0 && fd < kFdMax && fdt[fd].load(std::memory_order_relaxed) != nullptr;
}

// sockfd_lookup_light: under rcu_read_lock, no reference taken (fdget's
// light case): the socket stays alive until the caller's section ends.
socket* sockfd_lookup_light(net* n, int fd, int* err) {
  TraceScope ts(n->trace, "sockfd_lookup_light");
  socket* sock = fd >= 0 && fd < kFdMax ? fdt[fd].load(std::memory_order_acquire) : nullptr;
  if (sock) {
    if (ts.on()) ts.ret(0, "fd " + std::to_string(fd));
    return sock;
  }
  // Not ours: a file that exists but is no socket, or no file at all.
  *err = (fd >= 0 && kernel_fcntl(fd, F_GETFD, 0) != -1) ? -ENOTSOCK : -EBADF;
  ts.ret(*err);
  return nullptr;
}

void sock_fd_forget(int fd) {
  if (fd >= 0 && fd < kFdMax) fdt[fd].store(nullptr, std::memory_order_release);
}

std::vector<int> sock_open_fds() {
  std::vector<int> fds;
  for (int fd = 0; fd < kFdMax; ++fd)
    if (fdt[fd].load(std::memory_order_relaxed)) fds.push_back(fd);
  return fds;
}

static int move_addr_to_user(const sockaddr_storage* kaddr, int klen, void* uaddr,
                             socklen_t* ulen);

// move_addr_to_kernel: the address is copied into kernel memory first.
static int move_addr_to_kernel(const void* uaddr, int ulen, sockaddr_storage* kaddr) {
  if (ulen < 0 || ulen > static_cast<int>(sizeof(sockaddr_storage))) return -EINVAL;
  if (ulen == 0) return 0;
  if (copy_from_user(kaddr, uaddr, static_cast<size_t>(ulen))) return -EFAULT;
  return 0;
}

long sys_socket(net* n, int family, int type, int protocol) {
  int flags = type & ~kSockTypeMask;
  if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK)) return -EINVAL;
  type &= kSockTypeMask;
  if (family < 0 || family >= AF_MAX) return -EAFNOSUPPORT;
  if (type < 0 || type >= kSockMax) return -EINVAL;
  // sendoff registers one address family, as a kernel without the others.
  if (family != AF_INET) return -EAFNOSUPPORT;

  auto* sock = new socket;
  sock->type = type;
  int err = inet_create(n, sock, protocol);
  if (err) {
    delete sock;
    return err;
  }
  int fd = reserve_fd(flags & SOCK_CLOEXEC);
  if (fd < 0 || fd >= kFdMax) {
    err = fd < 0 ? -errno : -EMFILE;
    if (fd >= 0) kernel_close(fd);
    sock->ops->release(sock);
    sk_free(&sock->sk);
    return err;
  }
  sock->fd = fd;
  sock->sk.ep_fd = fd;
  if (flags & SOCK_NONBLOCK) sock->file_flags |= O_NONBLOCK;
  fdt[fd].store(sock, std::memory_order_release);
  return fd;
}

long sys_bind(net* n, int fd, const sockaddr* umyaddr, int addrlen) {
  int err;
  socket* sock = sockfd_lookup_light(n, fd, &err);
  if (!sock) return err;
  sockaddr_storage address{};
  err = move_addr_to_kernel(umyaddr, addrlen, &address);
  if (err) return err;
  return sock->ops->bind(sock, reinterpret_cast<sockaddr*>(&address), addrlen);
}

long sys_connect(net* n, int fd, const sockaddr* uservaddr, int addrlen) {
  int err;
  socket* sock = sockfd_lookup_light(n, fd, &err);
  // __sys_connect looks up the file, copies the address, and only then asks for a socket:
  // an open file that is no socket fails its address (EFAULT, EINVAL) before ENOTSOCK.
  if (!sock && err != -ENOTSOCK) return err;
  sockaddr_storage address{};
  const int aerr = move_addr_to_kernel(uservaddr, addrlen, &address);
  if (aerr) return aerr;
  if (!sock) return err;
  return sock->ops->connect(sock, reinterpret_cast<sockaddr*>(&address), addrlen,
                            static_cast<int>(sock->file_flags));
}

// __sys_listen: the backlog at most net.core.somaxconn (a negative one too,
// as an unsigned comparison makes it).
long sys_listen(net* n, int fd, int backlog) {
  int err;
  socket* sock = sockfd_lookup_light(n, fd, &err);
  if (!sock) return err;
  const int somaxconn = n->sysctl.somaxconn;
  if (static_cast<unsigned>(backlog) > static_cast<unsigned>(somaxconn)) backlog = somaxconn;
  if (!sock->ops->listen) return -EOPNOTSUPP;
  return sock->ops->listen(sock, backlog);
}

// sock_release: the protocol lets the socket go (inet_release), then its
// route and its own reference; accept's calls it for a socket no fd names yet.
static void sock_release(socket* sock) {
  sock->ops->release(sock);
  sk_dst_reset(&sock->sk);
  sk_free(&sock->sk);
}

// __sys_accept4 / do_accept: the flags, the fd reserved before the wait (so
// EMFILE comes first), the protocol's accept, the peer's address (the new
// connection closes should that copy fail), then the fd is installed.
long sys_accept4(net* n, int fd, sockaddr* upeer_sockaddr, socklen_t* upeer_addrlen, int flags) {
  TraceScope ts(n->trace, "sys_accept4");
  if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK)) return ts.ret(-EINVAL);
  int err;
  socket* sock = sockfd_lookup_light(n, fd, &err);
  if (!sock) return ts.ret(err);
  const int newfd = reserve_fd(flags & SOCK_CLOEXEC);
  if (newfd < 0 || newfd >= kFdMax) {
    err = newfd < 0 ? -errno : -EMFILE;
    if (newfd >= 0) kernel_close(newfd);
    return ts.ret(err);
  }
  socket* newsock = nullptr;
  err = sock->ops->accept ? sock->ops->accept(sock, &newsock, static_cast<int>(sock->file_flags))
                          : -EOPNOTSUPP;
  if (err) {
    kernel_close(newfd);
    return ts.ret(err);
  }
  if (upeer_sockaddr) {
    sockaddr_storage address{};
    const int len = newsock->ops->getname(newsock, reinterpret_cast<sockaddr*>(&address), 2);
    err = len < 0 ? -ECONNABORTED : move_addr_to_user(&address, len, upeer_sockaddr, upeer_addrlen);
    if (err) {
      kernel_close(newfd);
      sock_release(newsock);
      return ts.ret(err);
    }
  }
  newsock->fd = newfd;
  newsock->sk.ep_fd = newfd;
  if (flags & SOCK_NONBLOCK) newsock->file_flags |= O_NONBLOCK;
  fdt[newfd].store(newsock, std::memory_order_release);
  return ts.ret(newfd);
}

static long getname(net* n, int fd, sockaddr* usockaddr, socklen_t* usockaddr_len, int peer) {
  int err;
  socket* sock = sockfd_lookup_light(n, fd, &err);
  if (!sock) return err;
  sockaddr_storage address{};
  int alen = sock->ops->getname(sock, reinterpret_cast<sockaddr*>(&address), peer);
  if (alen < 0) return alen;  // before the user's length is read: ENOTCONN first
  int len = 0;
  if (copy_from_user(&len, usockaddr_len, sizeof len)) return -EFAULT;
  if (len < 0) return -EINVAL;
  // move_addr_to_user: copies min(len, alen) and reports the full length.
  if (copy_to_user(usockaddr, &address, static_cast<size_t>(len < alen ? len : alen)))
    return -EFAULT;
  if (copy_to_user(usockaddr_len, &alen, sizeof alen)) return -EFAULT;
  return 0;
}

long sys_getsockname(net* n, int fd, sockaddr* usockaddr, socklen_t* usockaddr_len) {
  return getname(n, fd, usockaddr, usockaddr_len, 0);
}

long sys_getpeername(net* n, int fd, sockaddr* usockaddr, socklen_t* usockaddr_len) {
  return getname(n, fd, usockaddr, usockaddr_len, 1);
}

long sys_shutdown(net* n, int fd, int how) {
  int err;
  socket* sock = sockfd_lookup_light(n, fd, &err);
  if (!sock) return err;
  return sock->ops->shutdown(sock, how);
}

// close: the fd goes at once (a new call on it gets EBADF); the socket is
// released (sock_close → inet_release) once the calls in flight on it have
// returned, as the kernel's last fput does, and its memory goes when the
// NIC has sent its last packet (sk_wmem_alloc).
// epoll's writes go to sk.ep_fd. Before that fd stops naming the socket while
// other fds still do, they move to a private copy of the eventfd, so they
// never reach a number the program reuses. -errno when no copy can be made.
static int ep_fd_leave(socket* sock, int fd) {
  if (sock->f_count <= 1 || sock->sk.ep_fd != fd) return 0;
  const int own = static_cast<int>(kernel_fcntl(fd, F_DUPFD_CLOEXEC, 0));
  if (own < 0) return -errno;
  std::lock_guard<std::mutex> g(sock->sk.rq_lock);
  sock->sk.ep_fd = own;
  sock->ep_own = own;
  return 0;
}

// An fd stops naming its socket (close, or dup2/dup3 over it; the kernel fd
// is closed by the caller). The last one releases the socket.
static void fd_put(int fd, socket* sock, bool close_kernel_fd) {
  fdt[fd].store(nullptr, std::memory_order_release);
  if (ep_fd_leave(sock, fd) != 0) {
    std::lock_guard<std::mutex> g(sock->sk.rq_lock);
    sock->sk.ep_watched.store(false, std::memory_order_release);  // epoll goes quiet
  }
  if (--sock->f_count > 0) {
    if (close_kernel_fd) kernel_close(fd);
    return;
  }
  {
    // No write to the eventfd after its last fd closes.
    std::lock_guard<std::mutex> g(sock->sk.rq_lock);
    sock->sk.ep_watched.store(false, std::memory_order_release);
  }
  if (close_kernel_fd) kernel_close(fd);
  call_rcu([sock] {
    if (sock->ep_own >= 0) kernel_close(sock->ep_own);
    sock_release(sock);
  });
}

long sys_close(net* n, int fd) {
  socket* sock = fd >= 0 && fd < kFdMax ? fdt[fd].load(std::memory_order_acquire) : nullptr;
  if (!sock) return -EBADF;
  fd_put(fd, sock, true);
  (void)n;
  return 0;
}

// A kernel fd the kernel just made a copy of oldfd's placeholder joins the table.
static long fd_install_dup(socket* sock, int newfd) {
  if (newfd >= kFdMax) {
    kernel_close(newfd);
    return -EMFILE;
  }
  ++sock->f_count;
  fdt[newfd].store(sock, std::memory_order_release);
  return newfd;
}

long sys_dupfd(net* n, int oldfd, int minfd, bool cloexec) {
  int err;
  socket* sock = sockfd_lookup_light(n, oldfd, &err);
  if (!sock) return err;
  const long r = kernel_fcntl(oldfd, cloexec ? F_DUPFD_CLOEXEC : F_DUPFD, minfd);
  if (r < 0) return -errno;
  return fd_install_dup(sock, static_cast<int>(r));
}

long sys_dup3(net* n, int oldfd, int newfd, int flags) {
  // ksys_dup3 checks its arguments before it looks at oldfd.
  if (flags & ~O_CLOEXEC) return -EINVAL;
  if (oldfd == newfd) return -EINVAL;
  int err;
  socket* sock = sockfd_lookup_light(n, oldfd, &err);
  if (!sock) return err;
  socket* old = newfd >= 0 && newfd < kFdMax ? fdt[newfd].load(std::memory_order_acquire) : nullptr;
  // Before the kernel closes newfd's placeholder.
  if (old && old != sock) {
    if (int e = ep_fd_leave(old, newfd)) return e;
  }
  if (syscall(SYS_dup3, oldfd, newfd, flags) < 0) return -errno;
  if (old == sock) return newfd;  // already a name of this socket
  if (old) fd_put(newfd, old, false);
  return fd_install_dup(sock, newfd);
}

// sock_ioctl with do_vfs_ioctl's file-level commands in front: FIONBIO is
// the file's O_NONBLOCK, FIOCLEX/FIONCLEX the fd's close-on-exec; the
// protocol answers FIONREAD (SIOCINQ: the first datagram's length) and
// SIOCOUTQ (bytes not yet sent); the device ioctls (SIOCGIFINDEX and the
// rest of 0x89xx), which Linux answers without looking at the socket, go to
// a kernel socket; anything else is ENOTTY, as for a UDP socket.
long sys_ioctl(net* n, int fd, unsigned long cmd, unsigned long arg) {
  int err;
  socket* sock = sockfd_lookup_light(n, fd, &err);
  if (!sock) return err;
  void* uarg = reinterpret_cast<void*>(arg);
  switch (cmd) {
    case FIONBIO: {
      int on = 0;
      if (copy_from_user(&on, uarg, sizeof on)) return -EFAULT;
      sock->file_flags = on ? sock->file_flags | O_NONBLOCK : sock->file_flags & ~O_NONBLOCK;
      return 0;
    }
    case FIOASYNC: {
      // SIGIO is not delivered: refuse to turn it on rather than never signal.
      int on = 0;
      if (copy_from_user(&on, uarg, sizeof on)) return -EFAULT;
      return on ? -EOPNOTSUPP : 0;
    }
    case FIOCLEX:
    case FIONCLEX:
      return syscall(SYS_ioctl, fd, cmd, 0) < 0 ? -errno : 0;
    case SIOCINQ:
    case SIOCOUTQ:
      if (sock->sk.prot->ioctl) {
        int v = 0;
        err = sock->sk.prot->ioctl(&sock->sk, static_cast<int>(cmd), &v);
        if (err) return err;
        return copy_to_user(uarg, &v, sizeof v) ? -EFAULT : 0;
      }
      if (cmd == SIOCOUTQ) {
        const int v = static_cast<int>(sk_wmem_alloc_get(&sock->sk));
        return copy_to_user(uarg, &v, sizeof v) ? -EFAULT : 0;
      } else {
        int v = 0;
        {
          std::lock_guard<std::mutex> g(sock->sk.rq_lock);
          if (!sock->sk.receive_queue.empty())
            v = static_cast<int>(sock->sk.receive_queue.front()->len);
        }
        return copy_to_user(uarg, &v, sizeof v) ? -EFAULT : 0;
      }
    default:
      break;
  }
  if ((cmd & ~0xffUL) == 0x8900) {
    const long k = syscall(SYS_socket, AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (k < 0) return -errno;
    const long r = syscall(SYS_ioctl, k, cmd, arg);
    const int e = errno;
    kernel_close(static_cast<int>(k));
    return r < 0 ? -e : r;
  }
  return -ENOTTY;
}

long sys_setsockopt(net* n, int fd, int level, int optname, const void* optval, int optlen) {
  int err;
  socket* sock = sockfd_lookup_light(n, fd, &err);
  if (!sock) return err;
  if (optlen < 0) return -EINVAL;
  if (level == SOL_SOCKET)
    return sock_setsockopt(sock, level, optname, optval, static_cast<unsigned>(optlen));
  return sock->ops->setsockopt(sock, level, optname, optval, static_cast<unsigned>(optlen));
}

long sys_getsockopt(net* n, int fd, int level, int optname, void* optval, socklen_t* optlen) {
  int err;
  socket* sock = sockfd_lookup_light(n, fd, &err);
  if (!sock) return err;
  // Linux's handlers read the length themselves, after the level: one that no handler of
  // the socket takes is do_ip_getsockopt's EOPNOTSUPP whatever optlen points at.
  const int own_level = sock->type == SOCK_RAW      ? SOL_RAW
                        : sock->type == SOCK_STREAM ? IPPROTO_TCP  // SOL_TCP
                                                    : IPPROTO_UDP;  // SOL_UDP
  if (level != SOL_SOCKET && level != SOL_IP && level != own_level) return -EOPNOTSUPP;
  int len = 0;
  if (copy_from_user(&len, optlen, sizeof len)) return -EFAULT;
  if (len < 0) return -EINVAL;
  unsigned ulen = static_cast<unsigned>(len);
  if (level == SOL_SOCKET)
    err = sock_getsockopt(sock, level, optname, optval, &ulen);
  else
    err = sock->ops->getsockopt(sock, level, optname, optval, &ulen);
  if (err) return err;
  len = static_cast<int>(ulen);
  if (copy_to_user(optlen, &len, sizeof len)) return -EFAULT;
  return 0;
}

long sys_fcntl(net* n, int fd, int cmd, long arg) {
  int err;
  socket* sock = sockfd_lookup_light(n, fd, &err);
  if (!sock) return err;
  switch (cmd) {
    case F_GETFL:
      return O_RDWR | static_cast<int>(sock->file_flags);
    case F_SETFL: {
      // setfl: a socket has no direct I/O (EINVAL), and sendoff sends no SIGIO (O_ASYNC,
      // as FIOASYNC: README); O_APPEND and O_NOATIME are kept and read back, as Linux
      // keeps them (found by fuzz_syscalls: F_SETFL(-1) succeeded here).
      const unsigned a = static_cast<unsigned>(arg);
      if (a & O_DIRECT) return -EINVAL;
      if (a & O_ASYNC) return -EOPNOTSUPP;
      constexpr unsigned kSetflMask = O_APPEND | O_NONBLOCK | O_NOATIME;
      sock->file_flags = (sock->file_flags & ~kSetflMask) | (a & kSetflMask);
      return 0;
    }
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
      if (arg < 0 || arg > INT_MAX) return -EINVAL;
      return sys_dupfd(n, fd, static_cast<int>(arg), cmd == F_DUPFD_CLOEXEC);
    default: {
      long r = kernel_fcntl(fd, cmd, arg);
      return r < 0 ? -errno : r;
    }
  }
}

// __sock_sendmsg: the LSM hook, then the protocol family's sendmsg.
static long sock_sendmsg_nosec(socket* sock, msghdr_k* msg, size_t len) {
  TraceScope ts(sock->sk.sk_net->trace, "sock_sendmsg_nosec");
  return ts.ret(sock->ops->sendmsg(sock, msg, len));
}

long sock_sendmsg(socket* sock, msghdr_k* msg, size_t len) {
  TraceScope ts(sock->sk.sk_net->trace, "sock_sendmsg");
  int err = security_socket_sendmsg(sock, msg, len);
  if (err) return ts.ret(err);
  return ts.ret(sock_sendmsg_nosec(sock, msg, len));
}

long sys_sendto(net* n, int fd, const void* buff, size_t len, unsigned flags, const sockaddr* addr,
                int addr_len) {
  TraceScope ts(n->trace, "sys_sendto");
  // import_ubuf: only the range is checked here; the bytes are read later.
  if (len > kMaxRwCount) len = kMaxRwCount;
  if (!access_ok(buff, len)) return ts.ret(-EFAULT);
  int err;
  socket* sock = sockfd_lookup_light(n, fd, &err);
  if (!sock) return ts.ret(err);
  iovec iov{const_cast<void*>(buff), len};
  sockaddr_storage address{};
  msghdr_k msg;
  msg.iov = &iov;
  msg.iovlen = 1;
  if (addr) {
    err = move_addr_to_kernel(addr, addr_len, &address);
    if (err) return ts.ret(err, "bad address");
    msg.name = &address;
    msg.namelen = addr_len;
  }
  flags &= ~kMsgInternalSendmsgFlags;
  if (sock->file_flags & O_NONBLOCK) flags |= MSG_DONTWAIT;
  msg.flags = flags;
  return ts.ret(sock_sendmsg(sock, &msg, len));
}

long sys_send(net* n, int fd, const void* buff, size_t len, unsigned flags) {
  TraceScope ts(n->trace, "sys_send");
  return ts.ret(sys_sendto(n, fd, buff, len, flags, nullptr, 0));
}

// import_iovec: the user's iovec array copied in and checked, each length
// clamped so the total stays within MAX_RW_COUNT. UIO_FASTIOV entries live
// in the caller's stack array; only longer arrays are allocated. 0 or -errno.
static int import_iovec(const msghdr& m, iovec* iovstack, std::vector<iovec>* iovheap,
                        iovec** out, size_t* total) {
  if (m.msg_iovlen > kUioMaxIov) return -EMSGSIZE;
  iovec* iov = iovstack;
  if (m.msg_iovlen > kUioFastiov) {
    iovheap->resize(m.msg_iovlen);
    iov = iovheap->data();
  }
  if (m.msg_iovlen && copy_from_user(iov, m.msg_iov, m.msg_iovlen * sizeof(iovec)))
    return -EFAULT;
  *total = 0;
  for (size_t i = 0; i < m.msg_iovlen; ++i) {
    iovec& v = iov[i];
    if (static_cast<ssize_t>(v.iov_len) < 0) return -EINVAL;
    if (!access_ok(v.iov_base, v.iov_len)) return -EFAULT;
    if (v.iov_len > kMaxRwCount - *total) v.iov_len = kMaxRwCount - *total;
    *total += v.iov_len;
  }
  *out = iov;
  return 0;
}

// copy_msghdr_from_user + import_iovec + ____sys_sendmsg.
// UIO_FASTIOV iovecs and a small control buffer live on the stack, as in
// the kernel; only longer ones are allocated.
static long sendmsg_one(socket* sock, const msghdr* umsg, unsigned flags, bool more) {
  msghdr m;
  if (copy_from_user(&m, umsg, sizeof m)) return -EFAULT;
  sockaddr_storage address{};
  msghdr_k msg;
  int namelen = static_cast<int>(m.msg_namelen);
  if (!m.msg_name) namelen = 0;
  if (namelen < 0) return -EINVAL;
  if (namelen > static_cast<int>(sizeof(sockaddr_storage)))
    namelen = static_cast<int>(sizeof(sockaddr_storage));
  if (m.msg_name && namelen) {
    int err = move_addr_to_kernel(m.msg_name, namelen, &address);
    if (err) return err;
    msg.name = &address;
    msg.namelen = namelen;
  }
  iovec iovstack[kUioFastiov];
  std::vector<iovec> iovheap;
  iovec* iov;
  size_t total;
  int err = import_iovec(m, iovstack, &iovheap, &iov, &total);
  if (err) return err;
  msg.iov = iov;
  msg.iovlen = m.msg_iovlen;

  if (m.msg_controllen > INT_MAX) return -ENOBUFS;
  alignas(cmsghdr) uint8_t ctlstack[kCtlStack];
  std::vector<uint8_t> ctlheap;
  if (m.msg_controllen) {
    if (m.msg_controllen > kOptmemMax) return -ENOBUFS;
    uint8_t* ctl = ctlstack;
    if (m.msg_controllen > kCtlStack) {
      ctlheap.resize(m.msg_controllen);
      ctl = ctlheap.data();
    }
    if (copy_from_user(ctl, m.msg_control, m.msg_controllen)) return -EFAULT;
    msg.control = ctl;
    msg.controllen = m.msg_controllen;
  }
  flags &= ~kMsgInternalSendmsgFlags;
  if (sock->file_flags & O_NONBLOCK) flags |= MSG_DONTWAIT;
  msg.flags = flags;
  msg.more = more;
  return sock_sendmsg(sock, &msg, total);
}

long sys_sendmsg(net* n, int fd, const msghdr* umsg, unsigned flags) {
  TraceScope ts(n->trace, "sys_sendmsg");
  if (flags & kMsgCmsgCompat) return ts.ret(-EINVAL, "MSG_CMSG_COMPAT");
  int err;
  socket* sock = sockfd_lookup_light(n, fd, &err);
  if (!sock) return ts.ret(err);
  return ts.ret(sendmsg_one(sock, umsg, flags, false));
}

long sys_sendmmsg(net* n, int fd, mmsghdr* mmsg, unsigned vlen, unsigned flags) {
  TraceScope ts(n->trace, "sys_sendmmsg");
  if (flags & kMsgCmsgCompat) return ts.ret(-EINVAL, "MSG_CMSG_COMPAT");
  int err;
  socket* sock = sockfd_lookup_light(n, fd, &err);
  if (!sock) return ts.ret(err);
  if (vlen > kUioMaxIov) vlen = kUioMaxIov;
  unsigned datagrams = 0;
  long r = 0;
  while (datagrams < vlen) {
    // Every datagram but the last is posted without a doorbell (xmit_more).
    r = sendmsg_one(sock, &mmsg[datagrams].msg_hdr, flags, datagrams + 1 < vlen);
    if (r < 0) break;
    unsigned sent = static_cast<unsigned>(r);
    if (copy_to_user(&mmsg[datagrams].msg_len, &sent, sizeof sent)) {
      r = -EFAULT;
      break;
    }
    ++datagrams;
    // __sys_sendmmsg stops after a datagram that left data in its iterator: MSG_PROBE
    // copies nothing, so a probe of a non-empty datagram ends the batch (found by
    // fuzz_syscalls).
    if ((flags & kMsgProbe) && sent > 0) break;
  }
  // One doorbell for the batch, also when it stopped early.
  n->nic.xmit_flush();
  // An error is reported only when no datagram went out.
  return ts.ret(datagrams ? static_cast<long>(datagrams) : r);
}

// move_addr_to_user: at most the user's length is copied; the full length
// is reported back.
static int move_addr_to_user(const sockaddr_storage* kaddr, int klen, void* uaddr,
                             socklen_t* ulen) {
  int len;
  if (copy_from_user(&len, ulen, sizeof len)) return -EFAULT;
  if (len > klen) len = klen;
  if (len < 0) return -EINVAL;
  if (len && copy_to_user(uaddr, kaddr, static_cast<size_t>(len))) return -EFAULT;
  if (copy_to_user(ulen, &klen, sizeof klen)) return -EFAULT;
  return 0;
}

long sock_recvmsg(socket* sock, msghdr_k* msg, size_t len, int flags) {
  TraceScope ts(sock->sk.sk_net->trace, "sock_recvmsg");
  return ts.ret(sock->ops->recvmsg(sock, msg, len, flags));
}

long sys_recvfrom(net* n, int fd, void* ubuf, size_t size, unsigned flags, sockaddr* addr,
                  socklen_t* addr_len) {
  TraceScope ts(n->trace, "sys_recvfrom");
  // import_ubuf comes first: a bad buffer is EFAULT even on a bad fd.
  if (size > kMaxRwCount) size = kMaxRwCount;
  if (!access_ok(ubuf, size)) return ts.ret(-EFAULT);
  int err;
  socket* sock = sockfd_lookup_light(n, fd, &err);
  if (!sock) return ts.ret(err);
  iovec iov{ubuf, size};
  sockaddr_storage address{};
  msghdr_k msg;
  msg.iov = &iov;
  msg.iovlen = 1;
  msg.name = addr ? &address : nullptr;
  if (sock->file_flags & O_NONBLOCK) flags |= MSG_DONTWAIT;
  long r = sock_recvmsg(sock, &msg, size, static_cast<int>(flags));
  if (r >= 0 && addr) {
    int err2 = move_addr_to_user(&address, msg.namelen, addr, addr_len);
    if (err2 < 0) r = err2;
  }
  return ts.ret(r);
}

long sys_recv(net* n, int fd, void* ubuf, size_t size, unsigned flags) {
  return sys_recvfrom(n, fd, ubuf, size, flags, nullptr, nullptr);
}

// ___sys_recvmsg: msghdr and iovecs in, then the datagram, the address,
// msg_flags and msg_controllen (what put_cmsg wrote) out.
static long recvmsg_one(socket* sock, msghdr* umsg, unsigned flags) {
  msghdr m;
  if (copy_from_user(&m, umsg, sizeof m)) return -EFAULT;
  if (m.msg_name && static_cast<int>(m.msg_namelen) < 0) return -EINVAL;
  iovec iovstack[kUioFastiov];
  std::vector<iovec> iovheap;
  iovec* iov;
  size_t total;
  int err = import_iovec(m, iovstack, &iovheap, &iov, &total);
  if (err) return err;
  sockaddr_storage address{};
  msghdr_k msg;
  msg.iov = iov;
  msg.iovlen = m.msg_iovlen;
  msg.name = m.msg_name ? &address : nullptr;
  msg.ucontrol = m.msg_control;
  msg.ucontrollen = m.msg_control ? m.msg_controllen : 0;
  if (sock->file_flags & O_NONBLOCK) flags |= MSG_DONTWAIT;
  long r = sock_recvmsg(sock, &msg, total, static_cast<int>(flags));
  if (r < 0) return r;
  if (m.msg_name) {
    err = move_addr_to_user(&address, msg.namelen, m.msg_name, &umsg->msg_namelen);
    if (err < 0) return err;
  }
  int out_flags = static_cast<int>(msg.flags);
  size_t controllen = m.msg_control ? m.msg_controllen - msg.ucontrollen : 0;
  if (copy_to_user(&umsg->msg_flags, &out_flags, sizeof out_flags) ||
      copy_to_user(&umsg->msg_controllen, &controllen, sizeof controllen))
    return -EFAULT;
  return r;
}

long sys_recvmsg(net* n, int fd, msghdr* umsg, unsigned flags) {
  TraceScope ts(n->trace, "sys_recvmsg");
  if (flags & kMsgCmsgCompat) return ts.ret(-EINVAL, "MSG_CMSG_COMPAT");
  int err;
  socket* sock = sockfd_lookup_light(n, fd, &err);
  if (!sock) return ts.ret(err);
  return ts.ret(recvmsg_one(sock, umsg, flags));
}

// __sys_recvmmsg / do_recvmmsg: datagrams into the vector until it is full,
// an error, or the timeout (checked after each datagram, as Linux does: it
// does not bound a wait). MSG_WAITFORONE makes the rest MSG_DONTWAIT. An
// error after some datagrams is not reported (Linux keeps it in sk_err for
// the next call; this stack has no sk_err yet).
long sys_recvmmsg(net* n, int fd, mmsghdr* mmsg, unsigned vlen, unsigned flags, timespec* utimeout) {
  TraceScope ts(n->trace, "sys_recvmmsg");
  if (flags & kMsgCmsgCompat) return ts.ret(-EINVAL, "MSG_CMSG_COMPAT");
  using clock = std::chrono::steady_clock;
  timespec timeout{};
  clock::time_point end{};
  if (utimeout) {
    if (copy_from_user(&timeout, utimeout, sizeof timeout)) return ts.ret(-EFAULT);
    // poll_select_set_timeout: a negative or non-normalised value is EINVAL.
    if (timeout.tv_sec < 0 || timeout.tv_nsec < 0 || timeout.tv_nsec >= 1000000000)
      return ts.ret(-EINVAL);
    end = clock::now() + std::chrono::seconds(timeout.tv_sec) +
          std::chrono::nanoseconds(timeout.tv_nsec);
  }
  if (vlen > kUioMaxIov) vlen = kUioMaxIov;
  int err;
  socket* sock = sockfd_lookup_light(n, fd, &err);
  if (!sock) return ts.ret(err);
  long datagrams = 0, r = 0;
  while (static_cast<unsigned>(datagrams) < vlen) {
    r = recvmsg_one(sock, &mmsg[datagrams].msg_hdr, flags & ~static_cast<unsigned>(MSG_WAITFORONE));
    if (r < 0) break;
    const unsigned len = static_cast<unsigned>(r);
    if (copy_to_user(&mmsg[datagrams].msg_len, &len, sizeof len)) {
      r = -EFAULT;
      break;
    }
    ++datagrams;
    r = 0;
    if (flags & MSG_WAITFORONE) flags |= MSG_DONTWAIT;
    if (utimeout) {
      const auto left = end - clock::now();
      if (left <= clock::duration::zero()) {
        timeout = {0, 0};
        break;
      }
      timeout = to_timespec(left);
    }
  }
  if (r < 0 && datagrams == 0) return ts.ret(r);
  // The time left goes back to the caller.
  if (utimeout && datagrams > 0 && copy_to_user(utimeout, &timeout, sizeof timeout))
    return ts.ret(-EFAULT);
  return ts.ret(datagrams);
}

}  // namespace sendoff
