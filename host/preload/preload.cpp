// SPDX-License-Identifier: MIT
// LD_PRELOAD interposer: unmodified programs send through sendoff.
// socket(AF_INET, SOCK_DGRAM or SOCK_RAW, or SOCK_STREAM with protocol 0 or
// IPPROTO_TCP) makes a sendoff socket (or, when the stack cannot start or this
// is a fork() child, a kernel socket after one line on stderr;
// SENDOFF_STRICT=1 refuses with ENETDOWN instead); every other socket and
// every other fd goes to libc untouched. The stack opens on the first sendoff
// socket from SENDOFF_CONFIG / SENDOFF_BACKEND / SENDOFF_PCAP and drains to
// the NIC at exit, after TCP connections deliver what they hold. Reads (read,
// readv, recv*) take datagrams or stream bytes
// from sendoff's receive path, and poll/select see its sockets' readiness;
// where the NIC has no receive path a read fails with EOPNOTSUPP rather than
// wait for ever; epoll watches an eventfd that mirrors a socket's readiness.
// listen() and accept() on a sendoff socket are sendoff's (so_listen, so_accept4).
// dup, dup2, dup3, fcntl(F_DUPFD*) make more fds for the same socket;
// close_range closes sendoff's fds in its range (and passes over the
// stack's own files: close, dup2 and dup3 refuse those); ioctl, getpeername and
// sendfile reach the socket too, so no call on a sendoff fd lands on the
// placeholder eventfd and succeeds there.
// sigaction() and the signal() family go through so_sigaction, so a program
// that installs its own SIGSEGV/SIGBUS handler gets faults outside sendoff's
// copy routine while sendoff's fault handler stays first (uaccess.hpp).
#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <linux/close_range.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <atomic>
#include <mutex>
#include <vector>

#include "sendoff/sendoff.h"

namespace {

template <typename F>
F next(const char* name) {
  return reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
}

#define LIBC(name) static auto real = next<decltype(&::name)>(#name)

// Set once the stack is open; threads may race to open it (ensure_stack).
std::atomic<bool> stack_ready{false};
std::mutex stack_start;

// The exit closes the program's sockets: their TCP connections deliver what
// they hold first, while the peer keeps acknowledging.
constexpr int kExitLingerIdleMs = 5000;

void at_exit_fini() {
  sendoff_linger(kExitLingerIdleMs);
  sendoff_fini();
}

constexpr unsigned kMaxSendoffFd = 1u << 16;  // fds above are never sendoff's (socket.cpp)
constexpr unsigned kMaxStackFd = 1u << 20;    // nor the stack's own (fs.nr_open's default)
constexpr size_t kSendfileChunk = 65536;      // more than the largest datagram

// SENDOFF_STRICT=1: refuse (ENETDOWN) when sendoff's stack cannot take a new
// socket; by default such sockets, from then on, are the kernel's.
bool strict_mode() {
  const char* v = getenv("SENDOFF_STRICT");
  return v && *v && *v != '0';
}

std::atomic<bool> to_kernel{false};

int kernel_from_now(int fd) {
  if (!to_kernel.exchange(true)) {
    static const char msg[] =
        "sendoff: new sockets go to the kernel, not through sendoff (SENDOFF_STRICT=1 refuses "
        "them instead)\n";
    if (::write(2, msg, sizeof msg - 1) < 0) { /* nowhere to report */ }
  }
  return fd;
}

bool ensure_stack() {
  if (stack_ready.load(std::memory_order_acquire)) return true;
  std::lock_guard<std::mutex> g(stack_start);
  if (stack_ready.load(std::memory_order_relaxed)) return true;
  if (sendoff_init(nullptr, nullptr, nullptr) != 0) {
    fprintf(stderr, "sendoff: %s\n", sendoff_strerror());
    errno = ENETDOWN;
    return false;
  }
  atexit(at_exit_fini);
  stack_ready.store(true, std::memory_order_release);
  return true;
}

bool want_sendoff(int domain, int type, int protocol) {
  const int t = type & 0xf;
  if (domain != AF_INET) return false;
  return t == SOCK_DGRAM || t == SOCK_RAW ||
         (t == SOCK_STREAM && (protocol == 0 || protocol == IPPROTO_TCP));
}

int no_receive() {
  errno = EOPNOTSUPP;
  return -1;
}

bool is_fault_signal(int sig) { return sig == SIGSEGV || sig == SIGBUS; }

// Whether any fd below nfds in the three sets is ours.
bool any_ours(int nfds, const fd_set* r, const fd_set* w, const fd_set* e) {
  for (int fd = 0; fd < nfds; ++fd)
    if (((r && FD_ISSET(fd, r)) || (w && FD_ISSET(fd, w)) || (e && FD_ISSET(fd, e))) &&
        so_is_socket(fd))
      return true;
  return false;
}

// select() as core_sys_select sees it, on top of so_poll: the POLL* events
// that make an fd readable, writable or exceptional (fs/select.c's
// POLLIN_SET, POLLOUT_SET, POLLEX_SET). timeout_ms < 0: no limit.
int select_by_poll(int nfds, fd_set* r, fd_set* w, fd_set* e, int timeout_ms) {
  constexpr short kIn = POLLIN | POLLRDNORM | POLLRDBAND | POLLHUP | POLLERR;
  constexpr short kOut = POLLOUT | POLLWRNORM | POLLWRBAND | POLLERR;
  constexpr short kEx = POLLPRI;
  std::vector<pollfd> p;
  for (int fd = 0; fd < nfds; ++fd) {
    short ev = 0;
    if (r && FD_ISSET(fd, r)) ev |= POLLIN;
    if (w && FD_ISSET(fd, w)) ev |= POLLOUT;
    if (e && FD_ISSET(fd, e)) ev |= POLLPRI;
    if (ev) p.push_back({fd, ev, 0});
  }
  int got = so_poll(p.data(), p.size(), timeout_ms);
  if (got < 0) return -1;
  for (const pollfd& q : p)
    if (q.revents & POLLNVAL) {
      errno = EBADF;  // select() refuses an fd that is not open
      return -1;
    }
  if (r) FD_ZERO(r);
  if (w) FD_ZERO(w);
  if (e) FD_ZERO(e);
  int n = 0;
  for (const pollfd& q : p) {
    if (r && (q.events & POLLIN) && (q.revents & kIn)) FD_SET(q.fd, r), ++n;
    if (w && (q.events & POLLOUT) && (q.revents & kOut)) FD_SET(q.fd, w), ++n;
    if (e && (q.events & POLLPRI) && (q.revents & kEx)) FD_SET(q.fd, e), ++n;
  }
  return n;
}

// readv's vector as a msghdr; false (EINVAL, as import_iovec) for a
// negative count or one above IOV_MAX.
bool iov_msg(const iovec* iov, int cnt, msghdr* m) {
  if (cnt < 0 || cnt > IOV_MAX) {
    errno = EINVAL;
    return false;
  }
  m->msg_iov = const_cast<iovec*>(iov);
  m->msg_iovlen = static_cast<size_t>(cnt);
  return true;
}

// poll_select_set_timeout: a negative or non-normalised timeout is EINVAL.
bool timeout_invalid(const timespec* t) {
  return t && (t->tv_sec < 0 || t->tv_nsec < 0 || t->tv_nsec >= 1000000000);
}

int einval() {
  errno = EINVAL;
  return -1;
}

int ms_of(const timespec* t) {
  if (!t) return -1;
  long long ms = static_cast<long long>(t->tv_sec) * 1000 + (t->tv_nsec + 999999) / 1000000;
  return ms > INT_MAX ? INT_MAX : static_cast<int>(ms);
}

// A signal mask swapped in for the wait (ppoll, pselect) cannot be made
// atomic with so_poll's sleep: refused on sendoff sockets rather than risk
// a lost wake-up.
int no_sigmask(const char* call) {
  fprintf(stderr, "sendoff: %s with a signal mask on a sendoff socket is not supported\n", call);
  errno = EOPNOTSUPP;
  return -1;
}

// signal() for SIGSEGV/SIGBUS on top of so_sigaction, with the flags glibc's
// signal() (BSD semantics) or sysv_signal() would have used.
sighandler_t signal_with(int sig, sighandler_t handler, int flags, bool block_sig) {
  if (handler == SIG_ERR) {
    errno = EINVAL;
    return SIG_ERR;
  }
  struct sigaction act = {}, old = {};
  act.sa_handler = handler;
  act.sa_flags = flags;
  sigemptyset(&act.sa_mask);
  if (block_sig) sigaddset(&act.sa_mask, sig);
  if (so_sigaction(sig, &act, &old) != 0) return SIG_ERR;
  return old.sa_handler;
}

}  // namespace

extern "C" {

int socket(int domain, int type, int protocol) {
  LIBC(socket);
  if (!want_sendoff(domain, type, protocol) || to_kernel.load(std::memory_order_relaxed))
    return real(domain, type, protocol);
  const bool strict = strict_mode();
  if (!ensure_stack()) return strict ? -1 : kernel_from_now(real(domain, type, protocol));
  const int fd = so_socket(domain, type, protocol);
  // The stack is gone (a fork() child, or after exit began): the kernel's socket unless strict.
  if (fd < 0 && errno == ENETDOWN && !strict) return kernel_from_now(real(domain, type, protocol));
  return fd;
}

int bind(int fd, const sockaddr* a, socklen_t l) {
  LIBC(bind);
  return so_is_socket(fd) ? so_bind(fd, a, l) : real(fd, a, l);
}

int connect(int fd, const sockaddr* a, socklen_t l) {
  LIBC(connect);
  return so_is_socket(fd) ? so_connect(fd, a, l) : real(fd, a, l);
}

int getsockname(int fd, sockaddr* a, socklen_t* l) {
  LIBC(getsockname);
  return so_is_socket(fd) ? so_getsockname(fd, a, l) : real(fd, a, l);
}

int getpeername(int fd, sockaddr* a, socklen_t* l) {
  LIBC(getpeername);
  return so_is_socket(fd) ? so_getpeername(fd, a, l) : real(fd, a, l);
}

// A copy of a sendoff fd names the same socket; a copy of another file over
// a sendoff fd takes that name from its socket first.
int dup(int fd) {
  LIBC(dup);
  return so_is_socket(fd) ? so_dup(fd) : real(fd);
}

// The stack's own files are not the program's: close says EBADF, close_range
// passes over them, and dup2/dup3 onto one fail with EBUSY, while the stack
// runs. A fork() child may close them (the stack stays with its parent).
int refuse_stack_fd(int err) {
  errno = err;
  return -1;
}

int dup2(int oldfd, int newfd) {
  LIBC(dup2);
  if (oldfd != newfd && so_is_stack_fd(newfd)) return refuse_stack_fd(EBUSY);
  if (so_is_socket(oldfd)) return so_dup2(oldfd, newfd);
  if (oldfd != newfd && so_is_socket(newfd) && fcntl(oldfd, F_GETFD) != -1) so_close(newfd);
  return real(oldfd, newfd);
}

int dup3(int oldfd, int newfd, int flags) {
  LIBC(dup3);
  if (oldfd != newfd && so_is_stack_fd(newfd)) return refuse_stack_fd(EBUSY);
  if (so_is_socket(oldfd)) return so_dup3(oldfd, newfd, flags);
  if (oldfd != newfd && !(flags & ~O_CLOEXEC) && so_is_socket(newfd) &&
      fcntl(oldfd, F_GETFD) != -1)
    so_close(newfd);
  return real(oldfd, newfd, flags);
}

int close_range(unsigned first, unsigned last, int flags) {
  LIBC(close_range);
  if (first > last || (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC))) {
    errno = EINVAL;
    return -1;
  }
  // Close-on-exec is the placeholder fd's own flag: the kernel sets it.
  if (!(flags & CLOSE_RANGE_CLOEXEC))
    for (unsigned fd = first; fd <= last && fd < kMaxSendoffFd; ++fd)
      if (so_is_socket(static_cast<int>(fd))) so_close(static_cast<int>(fd));
  // The ranges between the stack's own files.
  unsigned lo = first;
  for (unsigned fd = first; fd <= last && fd < kMaxStackFd; ++fd) {
    if (!so_is_stack_fd(static_cast<int>(fd))) continue;
    if (fd > lo && real(lo, fd - 1, flags) != 0) return -1;
    lo = fd + 1;
  }
  if (lo > last || lo < first) return 0;  // ends on one of them (or wrapped past ~0U)
  return real(lo, last, flags);
}

int ioctl(int fd, unsigned long request, ...) {
  LIBC(ioctl);
  va_list ap;
  va_start(ap, request);
  void* arg = va_arg(ap, void*);
  va_end(ap);
  if (so_is_socket(fd)) return so_ioctl(fd, request, reinterpret_cast<unsigned long>(arg));
  return real(fd, request, arg);
}

// sendfile to a UDP socket sends what it reads as one datagram (Linux's
// splice with MSG_MORE corks it): EMSGSIZE above the largest, EDESTADDRREQ
// unconnected; to a TCP socket, what the send takes of it (the file keeps
// the rest). A socket is no source (EINVAL).
ssize_t sendfile(int out_fd, int in_fd, off_t* offset, size_t count) {
  LIBC(sendfile);
  const bool ours = so_is_socket(out_fd);
  if (!ours && !so_is_socket(in_fd)) return real(out_fd, in_fd, offset, count);
  if (so_is_socket(in_fd)) {
    errno = EINVAL;
    return -1;
  }
  if (count == 0) return 0;
  std::vector<char> buf(count < kSendfileChunk ? count : kSendfileChunk);
  static auto real_read = next<decltype(&::read)>("read");
  const ssize_t got = offset ? pread(in_fd, buf.data(), buf.size(), *offset)
                             : real_read(in_fd, buf.data(), buf.size());
  if (got <= 0) return got;
  const ssize_t sent = so_send(out_fd, buf.data(), static_cast<size_t>(got), 0);
  if (sent < 0) {
    const int e = errno;
    if (!offset) lseek(in_fd, -got, SEEK_CUR);  // nothing was taken from the file
    errno = e;
    return -1;
  }
  if (offset)
    *offset += sent;
  else if (sent < got)
    lseek(in_fd, sent - got, SEEK_CUR);  // a short stream send: the rest stays in the file
  return sent;
}

ssize_t sendfile64(int out_fd, int in_fd, off64_t* offset, size_t count) {
  return sendfile(out_fd, in_fd, reinterpret_cast<off_t*>(offset), count);
}

int shutdown(int fd, int how) {
  LIBC(shutdown);
  return so_is_socket(fd) ? so_shutdown(fd, how) : real(fd, how);
}

int close(int fd) {
  LIBC(close);
  if (so_is_socket(fd)) return so_close(fd);
  return so_is_stack_fd(fd) ? refuse_stack_fd(EBADF) : real(fd);
}

int setsockopt(int fd, int level, int name, const void* v, socklen_t l) {
  LIBC(setsockopt);
  return so_is_socket(fd) ? so_setsockopt(fd, level, name, v, l) : real(fd, level, name, v, l);
}

int getsockopt(int fd, int level, int name, void* v, socklen_t* l) {
  LIBC(getsockopt);
  return so_is_socket(fd) ? so_getsockopt(fd, level, name, v, l) : real(fd, level, name, v, l);
}

static int fcntl_common(const char* sym, int fd, int cmd, va_list ap) {
  long arg = va_arg(ap, long);
  if (so_is_socket(fd)) return so_fcntl(fd, cmd, arg);
  static auto real = next<int (*)(int, int, ...)>(sym);
  return real(fd, cmd, arg);
}

int fcntl(int fd, int cmd, ...) {
  va_list ap;
  va_start(ap, cmd);
  int r = fcntl_common("fcntl", fd, cmd, ap);
  va_end(ap);
  return r;
}

int fcntl64(int fd, int cmd, ...) {
  va_list ap;
  va_start(ap, cmd);
  int r = fcntl_common("fcntl64", fd, cmd, ap);
  va_end(ap);
  return r;
}

ssize_t send(int fd, const void* b, size_t n, int f) {
  LIBC(send);
  return so_is_socket(fd) ? so_send(fd, b, n, f) : real(fd, b, n, f);
}

ssize_t sendto(int fd, const void* b, size_t n, int f, const sockaddr* a, socklen_t l) {
  LIBC(sendto);
  return so_is_socket(fd) ? so_sendto(fd, b, n, f, a, l) : real(fd, b, n, f, a, l);
}

ssize_t sendmsg(int fd, const msghdr* m, int f) {
  LIBC(sendmsg);
  return so_is_socket(fd) ? so_sendmsg(fd, m, f) : real(fd, m, f);
}

int sendmmsg(int fd, mmsghdr* v, unsigned int n, int f) {
  LIBC(sendmmsg);
  return so_is_socket(fd) ? so_sendmmsg(fd, v, n, f) : real(fd, v, n, f);
}

// write() on a socket is send() with no flags (sock_write_iter).
ssize_t write(int fd, const void* b, size_t n) {
  LIBC(write);
  return so_is_socket(fd) ? so_send(fd, b, n, 0) : real(fd, b, n);
}

// Receives go through sendoff's stack where its NIC has a receive path;
// where it has none no frame could ever arrive, so the call fails at once
// rather than wait for ever.
// read() on a socket is recv() with no flags (sock_read_iter).
ssize_t read(int fd, void* b, size_t n) {
  LIBC(read);
  if (!so_is_socket(fd)) return real(fd, b, n);
  if (n == 0) return 0;  // sock_read_iter: an empty read takes nothing and waits for nothing
  return sendoff_can_receive() ? so_recv(fd, b, n, 0) : no_receive();
}

ssize_t recv(int fd, void* b, size_t n, int f) {
  LIBC(recv);
  if (!so_is_socket(fd)) return real(fd, b, n, f);
  return sendoff_can_receive() ? so_recv(fd, b, n, f) : no_receive();
}

ssize_t recvfrom(int fd, void* b, size_t n, int f, sockaddr* a, socklen_t* l) {
  LIBC(recvfrom);
  if (!so_is_socket(fd)) return real(fd, b, n, f, a, l);
  return sendoff_can_receive() ? so_recvfrom(fd, b, n, f, a, l) : no_receive();
}

ssize_t recvmsg(int fd, msghdr* m, int f) {
  LIBC(recvmsg);
  if (!so_is_socket(fd)) return real(fd, m, f);
  return sendoff_can_receive() ? so_recvmsg(fd, m, f) : no_receive();
}

// readv() on a socket is recvmsg() with no flags (sock_read_iter); writev() is
// so_writev.
ssize_t readv(int fd, const iovec* iov, int cnt) {
  LIBC(readv);
  if (!so_is_socket(fd)) return real(fd, iov, cnt);
  msghdr m{};
  if (!iov_msg(iov, cnt, &m)) return -1;
  // As read() of nothing, a vector of no bytes returns 0 at once. The vector
  // is the program's memory: read through the kernel, so a bad one is EFAULT.
  std::vector<iovec> copy(static_cast<size_t>(cnt));
  if (cnt) {
    const iovec local{copy.data(), copy.size() * sizeof(iovec)};
    const iovec remote{const_cast<iovec*>(iov), copy.size() * sizeof(iovec)};
    if (process_vm_readv(getpid(), &local, 1, &remote, 1, 0) !=
        static_cast<ssize_t>(local.iov_len)) {
      errno = EFAULT;
      return -1;
    }
  }
  size_t total = 0;
  for (const iovec& v : copy) total += v.iov_len;
  if (total == 0) return 0;
  m.msg_iov = copy.data();
  if (!sendoff_can_receive()) return no_receive();
  return so_recvmsg(fd, &m, 0);
}

ssize_t writev(int fd, const iovec* iov, int cnt) {
  LIBC(writev);
  return so_is_socket(fd) ? so_writev(fd, iov, cnt) : real(fd, iov, cnt);
}

// Readiness: once the program has sendoff sockets, poll goes through
// so_poll (which hands sets without one of ours to the kernel whole).
int poll(pollfd* fds, nfds_t n, int timeout) {
  LIBC(poll);
  return stack_ready.load(std::memory_order_acquire) ? so_poll(fds, n, timeout) : real(fds, n, timeout);
}

int __poll(pollfd* fds, nfds_t n, int timeout) { return poll(fds, n, timeout); }

int ppoll(pollfd* fds, nfds_t n, const timespec* t, const sigset_t* mask) {
  LIBC(ppoll);
  if (!stack_ready) return real(fds, n, t, mask);
  if (mask) {
    for (nfds_t i = 0; i < n; ++i)
      if (so_is_socket(fds[i].fd)) return no_sigmask("ppoll");
    return real(fds, n, t, mask);
  }
  if (timeout_invalid(t)) return einval();
  return so_poll(fds, n, ms_of(t));
}

int select(int nfds, fd_set* r, fd_set* w, fd_set* e, timeval* tv) {
  LIBC(select);
  if (!stack_ready || nfds < 0 || nfds > FD_SETSIZE || !any_ours(nfds, r, w, e))
    return real(nfds, r, w, e, tv);
  int ms = -1;
  if (tv) {
    // select's timeval is normalised first (tv_usec may exceed a second).
    const timespec ts{static_cast<time_t>(tv->tv_sec + tv->tv_usec / 1000000),
                      static_cast<long>(tv->tv_usec % 1000000) * 1000};
    if (timeout_invalid(&ts)) return einval();
    long long v = static_cast<long long>(tv->tv_sec) * 1000 + (tv->tv_usec + 999) / 1000;
    ms = v > INT_MAX ? INT_MAX : static_cast<int>(v);
  }
  const timespec t0 = [] {
    timespec t{};
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t;
  }();
  int got = select_by_poll(nfds, r, w, e, ms);
  if (tv) {
    // Linux writes the time left back (poll_select_finish).
    timespec t1{};
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long long used_us = (t1.tv_sec - t0.tv_sec) * 1000000LL + (t1.tv_nsec - t0.tv_nsec) / 1000;
    long long left = static_cast<long long>(tv->tv_sec) * 1000000 + tv->tv_usec - used_us;
    if (left < 0) left = 0;
    tv->tv_sec = static_cast<time_t>(left / 1000000);
    tv->tv_usec = static_cast<suseconds_t>(left % 1000000);
  }
  return got;
}

int pselect(int nfds, fd_set* r, fd_set* w, fd_set* e, const timespec* t, const sigset_t* mask) {
  LIBC(pselect);
  if (!stack_ready || nfds < 0 || nfds > FD_SETSIZE || !any_ours(nfds, r, w, e))
    return real(nfds, r, w, e, t, mask);
  if (mask) return no_sigmask("pselect");
  if (timeout_invalid(t)) return einval();
  return select_by_poll(nfds, r, w, e, ms_of(t));
}

// epoll watches the socket's placeholder, an eventfd that the stack keeps
// in line with the socket once so_epoll_watch_events has readied it for the
// events the set asks for (sendoff.h says how; no EPOLLERR/EPOLLHUP/
// EPOLLRDHUP bits: README's table of differences).
int epoll_ctl(int epfd, int op, int fd, epoll_event* ev) {
  LIBC(epoll_ctl);
  if (so_is_socket(fd) && op != EPOLL_CTL_DEL && ev &&
      so_epoll_watch_events(fd, ev->events) != 0)
    return -1;
  return real(epfd, op, fd, ev);
}

int listen(int fd, int backlog) {
  LIBC(listen);
  return so_is_socket(fd) ? so_listen(fd, backlog) : real(fd, backlog);
}

// A connection accepted on a sendoff listener is a sendoff socket too.
int accept(int fd, sockaddr* a, socklen_t* l) {
  LIBC(accept);
  return so_is_socket(fd) ? so_accept(fd, a, l) : real(fd, a, l);
}

int accept4(int fd, sockaddr* a, socklen_t* l, int flags) {
  LIBC(accept4);
  return so_is_socket(fd) ? so_accept4(fd, a, l, flags) : real(fd, a, l, flags);
}

int recvmmsg(int fd, mmsghdr* v, unsigned int n, int f, timespec* t) {
  LIBC(recvmmsg);
  if (!so_is_socket(fd)) return real(fd, v, n, f, t);
  return sendoff_can_receive() ? so_recvmmsg(fd, v, n, f, t) : no_receive();
}

int sigaction(int sig, const struct sigaction* act, struct sigaction* oldact) {
  return so_sigaction(sig, act, oldact);
}

sighandler_t signal(int sig, sighandler_t handler) {
  LIBC(signal);
  if (!is_fault_signal(sig)) return real(sig, handler);
  return signal_with(sig, handler, SA_RESTART, true);
}

sighandler_t bsd_signal(int sig, sighandler_t handler) {
  LIBC(bsd_signal);
  if (!is_fault_signal(sig)) return real(sig, handler);
  return signal_with(sig, handler, SA_RESTART, true);
}

// What <signal.h> calls signal() in strict ISO C mode.
sighandler_t __sysv_signal(int sig, sighandler_t handler) {
  LIBC(__sysv_signal);
  if (!is_fault_signal(sig)) return real(sig, handler);
  return signal_with(sig, handler, SA_RESETHAND | SA_NODEFER, false);
}

sighandler_t sysv_signal(int sig, sighandler_t handler) {
  LIBC(sysv_signal);
  if (!is_fault_signal(sig)) return real(sig, handler);
  return signal_with(sig, handler, SA_RESETHAND | SA_NODEFER, false);
}

}  // extern "C"
