/* SPDX-License-Identifier: MIT
 * An unmodified UDP program that sends through copies of its socket's fd:
 * write() on a dup(), writev() on a dup2() to fd 100, send() on an
 * fcntl(F_DUPFD_CLOEXEC) copy, sendfile() from a file, send() on a dup3()
 * after the original fd closed; ioctl(FIONBIO) and getpeername() on a copy;
 * close_range() over some copies, after which a send on one is EBADF; then a daemon's
 * clean-up (close and close_range over every fd), which leaves sendoff's own files
 * alone, and a new socket's send. Exits 0
 * when every call did what Linux does. Under the preload library each
 * datagram leaves through sendoff (the test reads them from its pcap). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

static int fail(const char* what) {
  fprintf(stderr, "fd_client: %s: %s\n", what, strerror(errno));
  return 1;
}

int main(void) {
  struct sockaddr_in to = {0};
  to.sin_family = AF_INET;
  to.sin_port = htons(9000);
  inet_pton(AF_INET, "198.18.0.2", &to.sin_addr);
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) return fail("socket");
  if (connect(fd, (struct sockaddr*)&to, sizeof to) != 0) return fail("connect");

  int a = dup(fd);
  if (a < 0 || write(a, "via dup write", 13) != 13) return fail("dup + write");
  if (dup2(fd, 100) != 100) return fail("dup2");
  struct iovec iov[2] = {{"via dup2 ", 9}, {"writev", 6}};
  if (writev(100, iov, 2) != 15) return fail("writev on the dup2 copy");
  int c = fcntl(fd, F_DUPFD_CLOEXEC, 50);
  if (c < 50 || !(fcntl(c, F_GETFD) & FD_CLOEXEC)) return fail("F_DUPFD_CLOEXEC");
  if (send(c, "via F_DUPFD", 11, 0) != 11) return fail("send on the F_DUPFD copy");

  char path[] = "/tmp/sendoff-fd-client-XXXXXX";
  int file = mkstemp(path);
  if (file < 0 || write(file, "via sendfile", 12) != 12) return fail("temp file");
  unlink(path);
  off_t off = 0;
  if (sendfile(a, file, &off, 100) != 12 || off != 12) return fail("sendfile");
  close(file);

  struct sockaddr_in peer = {0};
  socklen_t plen = sizeof peer;
  if (getpeername(a, (struct sockaddr*)&peer, &plen) != 0 || peer.sin_port != htons(9000))
    return fail("getpeername");
  int on = 1;
  if (ioctl(a, FIONBIO, &on) != 0 || !(fcntl(fd, F_GETFL) & O_NONBLOCK))
    return fail("FIONBIO seen through the other fd");

  if (close(fd) != 0) return fail("close the original");
  int d = dup3(a, 120, O_CLOEXEC);
  if (d != 120 || send(d, "after close", 11, 0) != 11) return fail("dup3 + send after close");

  /* close_range over the copies at 50 and above: each is closed, so a send is EBADF;
   * the copy below the range still sends. (The range leaves fds below 50 alone: sendoff's
   * own files, the pcap among them, are open in this process too.) */
  if (close_range(50, 200, 0) != 0) return fail("close_range");
  if (send(d, "x", 1, 0) != -1 || errno != EBADF || send(100, "x", 1, 0) != -1 ||
      errno != EBADF) {
    fprintf(stderr, "fd_client: send after close_range did not fail with EBADF\n");
    return 1;
  }
  if (send(a, "below the range", 15, 0) != 15) return fail("send below the range");
  if (close(a) != 0) return fail("close");

  /* A daemon's clean-up: every fd above stderr closed, one by one, then with close_range.
   * sendoff's own files (the pcap the test reads among them) are not the program's: close
   * says EBADF on them and close_range passes over them, so a new socket still sends. */
  for (int i = 3; i < 1024; ++i) close(i);
  if (close_range(3, ~0U, 0) != 0) return fail("close_range over every fd");
  int e = socket(AF_INET, SOCK_DGRAM, 0);
  if (e < 0 || sendto(e, "after closing all", 17, 0, (struct sockaddr*)&to, sizeof to) != 17)
    return fail("send after closing every fd");
  /* What is still open besides e is the stack's: close and dup2 onto it are refused. */
  int own = -1;
  for (int i = 3; i < 1024 && own < 0; ++i)
    if (i != e && fcntl(i, F_GETFD) != -1) own = i;
  if (own < 0) {
    fprintf(stderr, "fd_client: no file of the stack's is open after the clean-up\n");
    return 1;
  }
  if (close(own) != -1 || errno != EBADF) return fail("close of the stack's file not EBADF");
  if (dup2(e, own) != -1 || errno != EBUSY) return fail("dup2 onto the stack's file not EBUSY");
  return close(e) == 0 ? 0 : fail("close");
}
