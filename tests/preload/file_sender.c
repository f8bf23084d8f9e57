/* SPDX-License-Identifier: MIT
 * An unmodified program that sends a file over UDP the way programs do it
 * with fds: a connected socket, write() on a dup() of it, writev() on a
 * dup2() copy, and epoll_wait() for EPOLLOUT on the copy before each
 * datagram. Each piece of the file first goes through a pipe (write or
 * writev, then read) and an AF_UNIX datagram socket pair (send, then recv
 * once the same epoll set says it is readable): files, pipes and AF_UNIX
 * sockets keep working beside the offloaded socket, and what they carry is
 * what leaves. Each datagram is a 4-byte sequence number (network order) and
 * up to 1024 bytes of the file, so the receiver can put the file back
 * together. Usage: file_sender FILE IPV4 PORT. Prints "sent N" and exits 0
 * when every call returned what Linux returns. */
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
  int pp[2], us[2];
  if (pipe(pp) != 0) return fail("pipe");
  if (socketpair(AF_UNIX, SOCK_DGRAM, 0, us) != 0) return fail("socketpair(AF_UNIX)");
  ev.events = EPOLLIN;
  ev.data.fd = us[1];
  if (epoll_ctl(ep, EPOLL_CTL_ADD, us[1], &ev) != 0) return fail("epoll_ctl on AF_UNIX");

  char piece[kChunk], data[kChunk];
  uint32_t seq = 0;
  size_t got;
  while ((got = fread(piece, 1, sizeof piece, f)) > 0) {
    /* Through the pipe, then the AF_UNIX pair. */
    struct iovec half[2] = {{piece, got / 2}, {piece + got / 2, got - got / 2}};
    if ((seq % 2 ? writev(pp[1], half, 2) : write(pp[1], piece, got)) != (ssize_t)got ||
        read(pp[0], data, got) != (ssize_t)got)
      return fail("pipe write/read");
    if (send(us[0], data, got, 0) != (ssize_t)got) return fail("send on AF_UNIX");
    /* Both ready: the AF_UNIX end to read, the sendoff copy to write. */
    struct epoll_event out[2];
    int ready = 0, n, readable = 0, writable = 0;
    while (ready < 2 && (n = epoll_wait(ep, out, 2, 5000)) > 0)
      for (int i = 0; i < n; ++i) {
        if (out[i].data.fd == us[1] && (out[i].events & EPOLLIN) && !readable) readable = ++ready;
        if (out[i].data.fd == 200 && (out[i].events & EPOLLOUT) && !writable) writable = ++ready;
      }
    if (!readable || !writable) return fail("epoll_wait for EPOLLIN and EPOLLOUT");
    memset(data, 0, sizeof data);
    if (recv(us[1], data, sizeof data, 0) != (ssize_t)got || memcmp(data, piece, got) != 0)
      return fail("recv on AF_UNIX");
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
  if (close(ep) != 0 || close(a) != 0 || close(200) != 0 || close(pp[0]) != 0 ||
      close(pp[1]) != 0 || close(us[0]) != 0 || close(us[1]) != 0)
    return fail("close");
  printf("sent %u\n", seq);
  return 0;
}
