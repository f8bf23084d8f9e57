/* SPDX-License-Identifier: MIT
 * An unmodified UDP program: plain libc socket calls, nothing of sendoff.
 * Run under LD_PRELOAD=libsendoff_preload.so its datagrams go through
 * sendoff. Sends "datagram N" COUNT times with sendto(), then once each with
 * send(), write() and sendmsg() on a connected socket; exits 0 when every
 * call did what libc promises. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int fail(const char* what) {
  fprintf(stderr, "udp_client: %s: %s\n", what, strerror(errno));
  return 1;
}

int main(int argc, char** argv) {
  int count = argc > 1 ? atoi(argv[1]) : 10;
  struct sockaddr_in to = {0};
  to.sin_family = AF_INET;
  to.sin_port = htons(9000);
  inet_pton(AF_INET, "198.18.0.2", &to.sin_addr);

  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) return fail("socket");
  char buf[64];
  for (int i = 0; i < count; ++i) {
    int n = snprintf(buf, sizeof buf, "datagram %d", i);
    if (sendto(fd, buf, (size_t)n, 0, (struct sockaddr*)&to, sizeof to) != n) return fail("sendto");
  }
  if (connect(fd, (struct sockaddr*)&to, sizeof to) != 0) return fail("connect");
  if (send(fd, "via send", 8, 0) != 8) return fail("send");
  if (write(fd, "via write", 9) != 9) return fail("write");
  struct iovec iov[2] = {{"via ", 4}, {"sendmsg", 7}};
  struct msghdr m = {0};
  m.msg_iov = iov;
  m.msg_iovlen = 2;
  if (sendmsg(fd, &m, 0) != 11) return fail("sendmsg");
  if (fcntl(fd, F_SETFL, O_NONBLOCK) != 0 || !(fcntl(fd, F_GETFL) & O_NONBLOCK))
    return fail("fcntl O_NONBLOCK");
  /* Nothing came back: a non-blocking read finds the receive queue empty. */
  if (recv(fd, buf, sizeof buf, 0) != -1 || errno != EAGAIN) {
    fprintf(stderr, "udp_client: recv on an empty socket did not fail with EAGAIN\n");
    return 1;
  }
  if (close(fd) != 0) return fail("close");
  /* Other fds still reach libc. */
  int p[2];
  if (pipe(p) != 0 || write(p[1], "x", 1) != 1 || read(p[0], buf, 1) != 1) return fail("pipe");
  return 0;
}
