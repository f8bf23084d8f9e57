/* SPDX-License-Identifier: MIT
 * An unmodified UDP receiver: plain libc calls, nothing of sendoff. Binds
 * port 9000 and takes COUNT datagrams, cycling through recvfrom(), recv(),
 * read() and recvmsg(); each must be "datagram N" in order, the first from
 * 198.18.0.2; readv() too. Before each it waits for the socket to be
 * readable, with poll(), select() and epoll_wait() in turn; an idle socket
 * must be readable to none of them (epoll watches the placeholder fd).
 * Prints "received COUNT" and exits 0 when all came as sent. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>

static int fail(const char* what) {
  fprintf(stderr, "udp_server: %s: %s\n", what, strerror(errno));
  return 1;
}

int main(int argc, char** argv) {
  int count = argc > 1 ? atoi(argv[1]) : 10;
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) return fail("socket");
  struct sockaddr_in me = {0};
  me.sin_family = AF_INET;
  me.sin_port = htons(9000);
  if (bind(fd, (struct sockaddr*)&me, sizeof me) != 0) return fail("bind");
  struct timeval tv = {10, 0};
  if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0) return fail("setsockopt");
  int ep = epoll_create1(0);
  struct epoll_event ev = {0};
  ev.events = EPOLLIN;
  if (ep < 0) return fail("epoll_create1");
  if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0) return fail("epoll_ctl");
  struct epoll_event got;
  if (epoll_wait(ep, &got, 1, 0) != 0) {
    fprintf(stderr, "udp_server: epoll says an idle socket is readable\n");
    return 1;
  }
  /* Nothing sent yet: not readable (the placeholder fd behind the socket
   * would say it is), writable. */
  struct pollfd idle = {fd, POLLIN | POLLOUT, 0};
  if (poll(&idle, 1, 0) != 1 || idle.revents != POLLOUT) {
    fprintf(stderr, "udp_server: an idle socket polls as %#x, not POLLOUT\n", idle.revents);
    return 1;
  }
  fd_set r0;
  FD_ZERO(&r0);
  FD_SET(fd, &r0);
  struct timeval zero = {0, 0};
  if (select(fd + 1, &r0, NULL, NULL, &zero) != 0) {
    fprintf(stderr, "udp_server: select says an idle socket is readable\n");
    return 1;
  }
  /* A bad timeout is EINVAL, as the kernel says for its own sockets. */
  struct timeval neg = {-1, 0};
  struct timespec bad_ns = {0, 2000000000L}, neg_ts = {-1, 0};
  struct pollfd pin = {fd, POLLIN, 0};
  fd_set rb;
  FD_ZERO(&rb);
  FD_SET(fd, &rb);
  if (select(fd + 1, &rb, NULL, NULL, &neg) != -1 || errno != EINVAL) return fail("select -1 s");
  if (ppoll(&pin, 1, &bad_ns, NULL) != -1 || errno != EINVAL) return fail("ppoll 2e9 ns");
  FD_SET(fd, &rb);
  if (pselect(fd + 1, &rb, NULL, NULL, &neg_ts, NULL) != -1 || errno != EINVAL)
    return fail("pselect -1 s");
  /* Linux's sock_read_iter: reading nothing returns 0 at once, takes nothing. */
  char none[1];
  if (read(fd, none, 0) != 0) return fail("read of 0 bytes");
  struct iovec empty = {none, 0};
  if (readv(fd, &empty, 1) != 0) return fail("readv of 0 bytes");
  printf("ready\n");
  fflush(stdout);
  for (int i = 0; i < count; ++i) {
    char buf[256], want[64];
    ssize_t n;
    struct sockaddr_in from = {0};
    socklen_t alen = sizeof from;
    if (i % 3 == 0) {
      struct pollfd p = {fd, POLLIN, 0};
      if (poll(&p, 1, 10000) != 1 || p.revents != POLLIN) return fail("poll");
    } else if (i % 3 == 1) {
      if (epoll_wait(ep, &got, 1, 10000) != 1 || got.events != EPOLLIN) return fail("epoll_wait");
    } else {
      fd_set r;
      FD_ZERO(&r);
      FD_SET(fd, &r);
      struct timeval t = {10, 0};
      if (select(fd + 1, &r, NULL, NULL, &t) != 1 || !FD_ISSET(fd, &r)) return fail("select");
    }
    switch (i % 5) {
      case 0: n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr*)&from, &alen); break;
      case 1: n = recv(fd, buf, sizeof buf, 0); break;
      case 2: n = read(fd, buf, sizeof buf); break;
      case 3: {
        struct iovec iov[2] = {{buf, 4}, {buf + 4, sizeof buf - 4}};
        n = readv(fd, iov, 2);
        break;
      }
      default: {
        struct iovec iov = {buf, sizeof buf};
        struct msghdr m = {0};
        m.msg_iov = &iov;
        m.msg_iovlen = 1;
        n = recvmsg(fd, &m, 0);
      }
    }
    if (n < 0) return fail("receive");
    snprintf(want, sizeof want, "datagram %d", i);
    if ((size_t)n != strlen(want) || memcmp(buf, want, (size_t)n) != 0) {
      fprintf(stderr, "udp_server: datagram %d: got %zd bytes '%.*s'\n", i, n, (int)n, buf);
      return 1;
    }
    if (i == 0 && (alen != sizeof from || from.sin_addr.s_addr != htonl(0xC6120002))) {
      fprintf(stderr, "udp_server: the first datagram's source is not 198.18.0.2\n");
      return 1;
    }
  }
  /* All taken: readable no more (the eventfd's counter went back to 0). */
  if (epoll_wait(ep, &got, 1, 0) != 0) {
    fprintf(stderr, "udp_server: epoll says the emptied socket is readable\n");
    return 1;
  }
  close(ep);
  printf("received %d\n", count);
  close(fd);
  return 0;
}
