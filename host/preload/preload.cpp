// SPDX-License-Identifier: MIT
// LD_PRELOAD interposer: unmodified programs send through sendoff.
// socket(AF_INET, SOCK_DGRAM or SOCK_RAW) makes a sendoff socket; every other
// socket and every other fd goes to libc untouched. The stack opens on the
// first sendoff socket from SENDOFF_CONFIG / SENDOFF_BACKEND / SENDOFF_PCAP
// and drains to the NIC at exit. sendoff has no receive path: reading from
// one of its sockets fails with EOPNOTSUPP rather than returning nothing.
// sigaction() and the signal() family go through so_sigaction, so a program
// that installs its own SIGSEGV/SIGBUS handler gets faults outside sendoff's
// copy routine while sendoff's fault handler stays first (uaccess.hpp).
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>

#include "sendoff/sendoff.h"

namespace {

template <typename F>
F next(const char* name) {
  return reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
}

#define LIBC(name) static auto real = next<decltype(&::name)>(#name)

bool stack_ready = false;

void at_exit_fini() { sendoff_fini(); }

bool want_sendoff(int domain, int type) {
  int t = type & 0xf;
  return domain == AF_INET && (t == SOCK_DGRAM || t == SOCK_RAW);
}

int no_receive() {
  errno = EOPNOTSUPP;
  return -1;
}

bool is_fault_signal(int sig) { return sig == SIGSEGV || sig == SIGBUS; }

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
  if (!want_sendoff(domain, type)) return real(domain, type, protocol);
  if (!stack_ready) {
    if (sendoff_init(nullptr, nullptr, nullptr) != 0) {
      fprintf(stderr, "sendoff: %s\n", sendoff_strerror());
      errno = ENETDOWN;
      return -1;
    }
    stack_ready = true;
    atexit(at_exit_fini);
  }
  return so_socket(domain, type, protocol);
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

int shutdown(int fd, int how) {
  LIBC(shutdown);
  return so_is_socket(fd) ? so_shutdown(fd, how) : real(fd, how);
}

int close(int fd) {
  LIBC(close);
  return so_is_socket(fd) ? so_close(fd) : real(fd);
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
  if (so_is_socket(fd)) return so_fcntl(fd, cmd, static_cast<int>(arg));
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
