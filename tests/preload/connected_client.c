/* SPDX-License-Identifier: MIT
 * An unmodified UDP program that reports what its sends return: connects to
 * IP:PORT, sends, waits WAIT_MS, sends twice more, and prints each result as
 * "send N: OK" or "send N: <errno name>"; with "recverr" it sets IP_RECVERR
 * first and prints its error queue at the end. Run against the kernel and
 * under the preload library, the two outputs must be the same (a neighbour
 * that never answers ARP: a soft error, reported only with IP_RECVERR). */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char* errno_name(int e) {
  switch (e) {
    case EHOSTUNREACH: return "EHOSTUNREACH";
    case ENETUNREACH: return "ENETUNREACH";
    case ECONNREFUSED: return "ECONNREFUSED";
    case EAGAIN: return "EAGAIN";
    default: return strerror(e);
  }
}

static void report(int fd, int k) {
  ssize_t r = send(fd, "probe", 5, 0);
  if (r == 5)
    printf("send %d: OK\n", k);
  else
    printf("send %d: %s\n", k, errno_name(errno));
  fflush(stdout);
}

/* Each queued error: payload, where it went, the error, and whether the
 * reporter is this host (its own ICMP, as for a failed neighbour). */
static void drain_errors(int fd) {
  struct sockaddr_in self = {0};
  socklen_t slen = sizeof self;
  getsockname(fd, (struct sockaddr*)&self, &slen);
  for (;;) {
    char data[64], ctl[256], addr[INET_ADDRSTRLEN], off[INET_ADDRSTRLEN];
    struct sockaddr_in to = {0};
    struct iovec iov = {data, sizeof data - 1};
    struct msghdr m = {0};
    m.msg_name = &to;
    m.msg_namelen = sizeof to;
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = ctl;
    m.msg_controllen = sizeof ctl;
    ssize_t r = recvmsg(fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT);
    if (r < 0) {
      printf("errqueue: %s\n", errno_name(errno));
      return;
    }
    data[r] = 0;
    inet_ntop(AF_INET, &to.sin_addr, addr, sizeof addr);
    printf("errqueue: '%s' to %s:%d flags 0x%x", data, addr, ntohs(to.sin_port), m.msg_flags);
    for (struct cmsghdr* c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
      if (c->cmsg_level != SOL_IP || c->cmsg_type != IP_RECVERR) continue;
      struct sock_extended_err* ee = (struct sock_extended_err*)CMSG_DATA(c);
      struct sockaddr_in* o = (struct sockaddr_in*)SO_EE_OFFENDER(ee);
      inet_ntop(AF_INET, &o->sin_addr, off, sizeof off);
      printf(" errno %s origin %d type %d code %d info %u offender %s", errno_name((int)ee->ee_errno),
             ee->ee_origin, ee->ee_type, ee->ee_code, ee->ee_info,
             o->sin_addr.s_addr == self.sin_addr.s_addr ? "self" : off);
    }
    printf("\n");
  }
}

int main(int argc, char** argv) {
  if (argc != 4 && argc != 5) {
    fprintf(stderr, "usage: connected_client IP PORT WAIT_MS [recverr]\n");
    return 2;
  }
  const int recverr = argc == 5 && strcmp(argv[4], "recverr") == 0;
  struct sockaddr_in to = {0};
  to.sin_family = AF_INET;
  to.sin_port = htons((unsigned short)atoi(argv[2]));
  if (inet_pton(AF_INET, argv[1], &to.sin_addr) != 1) return 2;
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  int one = 1;
  if (recverr && setsockopt(fd, SOL_IP, IP_RECVERR, &one, sizeof one) != 0) {
    perror("connected_client: IP_RECVERR");
    return 1;
  }
  if (fd < 0 || connect(fd, (struct sockaddr*)&to, sizeof to) != 0) {
    perror("connected_client: socket/connect");
    return 1;
  }
  report(fd, 1);
  long ms = atol(argv[3]);
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
  report(fd, 2);
  report(fd, 3);
  if (recverr) drain_errors(fd);
  int err = 0;
  socklen_t len = sizeof err;
  getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
  printf("SO_ERROR: %s\n", err ? errno_name(err) : "0");
  close(fd);
  return 0;
}
