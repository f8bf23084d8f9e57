/* SPDX-License-Identifier: MIT
 * An unmodified UDP receiver: plain libc calls, nothing of sendoff. Binds
 * port 9000 and takes COUNT datagrams, cycling through recvfrom(), recv(),
 * read() and recvmsg(); each must be "datagram N" in order, the first from
 * 198.18.0.2. Prints "received COUNT" and exits 0 when all came as sent. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
  printf("ready\n");
  fflush(stdout);
  for (int i = 0; i < count; ++i) {
    char buf[256], want[64];
    ssize_t n;
    struct sockaddr_in from = {0};
    socklen_t alen = sizeof from;
    switch (i % 4) {
      case 0: n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr*)&from, &alen); break;
      case 1: n = recv(fd, buf, sizeof buf, 0); break;
      case 2: n = read(fd, buf, sizeof buf); break;
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
  printf("received %d\n", count);
  close(fd);
  return 0;
}
