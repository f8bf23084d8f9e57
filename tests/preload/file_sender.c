/* SPDX-License-Identifier: MIT
 * An unmodified program that sends a file over UDP the way programs do it
 * with fds: a connected socket, write() on a dup() of it, writev() on a
 * dup2() copy, and epoll_wait() for EPOLLOUT on the copy before each
 * datagram. Each datagram is a 4-byte sequence number (network order) and up
 * to 1024 bytes of the file, so the receiver can put the file back together.
 * Usage: file_sender FILE IPV4 PORT. Prints "sent N" and exits 0 when every
 * call returned what Linux returns. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

enum { kChunk = 1024 };

static int fail(const char* what) {
  fprintf(stderr, "file_sender: %s: %s\n", what, strerror(errno));
  return 1;
}

int main(int argc, char** argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: file_sender FILE IPV4 PORT\n");
    return 2;
  }
  FILE* f = fopen(argv[1], "rb");
  if (!f) return fail("open the file");
  struct sockaddr_in to = {0};
  to.sin_family = AF_INET;
  to.sin_port = htons((uint16_t)atoi(argv[3]));
  if (inet_pton(AF_INET, argv[2], &to.sin_addr) != 1) return fail("address");
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) return fail("socket");
  if (connect(fd, (struct sockaddr*)&to, sizeof to) != 0) return fail("connect");
  int a = dup(fd);
  if (a < 0) return fail("dup");
  if (dup2(fd, 200) != 200) return fail("dup2");
  if (close(fd) != 0) return fail("close the original");
  int ep = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event ev = {0};
  ev.events = EPOLLOUT;
  ev.data.fd = 200;
  if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, 200, &ev) != 0) return fail("epoll_ctl");

  char data[kChunk];
  uint32_t seq = 0;
  size_t got;
  while ((got = fread(data, 1, sizeof data, f)) > 0) {
    struct epoll_event out;
    if (epoll_wait(ep, &out, 1, 5000) != 1 || !(out.events & EPOLLOUT) || out.data.fd != 200)
      return fail("epoll_wait for EPOLLOUT");
    const uint32_t hdr = htonl(seq);
    ssize_t sent;
    if (seq % 2 == 0) {
      char buf[4 + kChunk];
      memcpy(buf, &hdr, 4);
      memcpy(buf + 4, data, got);
      sent = write(a, buf, 4 + got);
    } else {
      struct iovec iov[2] = {{(void*)&hdr, 4}, {data, got}};
      sent = writev(200, iov, 2);
    }
    if (sent != (ssize_t)(4 + got)) return fail(seq % 2 ? "writev on the dup2 copy" : "write on the dup");
    ++seq;
  }
  fclose(f);
  if (close(ep) != 0 || close(a) != 0 || close(200) != 0) return fail("close");
  printf("sent %u\n", seq);
  return 0;
}
