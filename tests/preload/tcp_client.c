/* SPDX-License-Identifier: MIT
 * An unmodified TCP client (run under the preload library by
 * preload_test.cpp): usage tcp_client FILE ADDR PORT [reset]. A nonblocking connect
 * awaited with epoll (EPOLLOUT on a dup of the fd, then SO_ERROR; the dup is
 * closed after it, the set keeps watching); TCP_NODELAY set and read
 * back; the file written with writev and write until EAGAIN, at which point
 * the socket must be neither writable for poll nor for epoll ("blocked N" on
 * stdout tells the test's server to start reading), then each EAGAIN awaited
 * with EPOLLOUT; shutdown(SHUT_WR); the server's reply read with read and
 * readv, each awaited with EPOLLIN, to EOF and printed ("reply ..."), after
 * which poll reports POLLIN and POLLHUP. With "reset" (the server resets the
 * connection at once): EPOLLIN wakes, poll reports POLLERR and POLLHUP, read
 * fails with ECONNRESET. Exits 0 when every call did what Linux does, else
 * prints what failed and exits 1.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define CHECK(cond)                                                                   \
  do {                                                                                \
    if (!(cond)) {                                                                    \
      printf("failed: %s (line %d, errno %s)\n", #cond, __LINE__, strerror(errno)); \
      exit(1);                                                                        \
    }                                                                                 \
  } while (0)

/* One epoll_wait for the events `ev` was registered with: the events seen, 0 on timeout. */
static unsigned wait_for(int ep, int timeout_ms) {
  struct epoll_event got;
  int n = epoll_wait(ep, &got, 1, timeout_ms);
  CHECK(n >= 0);
  return n ? got.events : 0;
}

static char* slurp(const char* path, size_t* len) {
  int f = open(path, O_RDONLY);
  CHECK(f >= 0);
  struct stat st;
  CHECK(fstat(f, &st) == 0);
  char* b = malloc((size_t)st.st_size);
  CHECK(b != NULL);
  size_t got = 0;
  while (got < (size_t)st.st_size) {
    ssize_t r = read(f, b + got, (size_t)st.st_size - got);
    CHECK(r > 0);
    got += (size_t)r;
  }
  close(f);
  *len = got;
  return b;
}

int main(int argc, char** argv) {
  if (argc != 4 && argc != 5) return 2;
  size_t len;
  char* data = slurp(argv[1], &len);
  struct sockaddr_in peer = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[3]))};
  CHECK(inet_pton(AF_INET, argv[2], &peer.sin_addr) == 1);

  int fd = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  CHECK(fd >= 0);
  /* A small send buffer, so that the file fills it. */
  int sndbuf = 65536, one = 1, v = 0;
  socklen_t vl = sizeof v;
  CHECK(setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf) == 0);
  CHECK(setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0);
  CHECK(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, &vl) == 0 && v == 1);
  CHECK(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == 0);
  CHECK(fcntl(fd, F_GETFL) & O_NONBLOCK);

  /* The set watches a dup of the fd, closed once connected: it goes on
   * watching the socket, whose file the fd keeps open, as on Linux. */
  int ep = epoll_create1(0), d = dup(fd);
  CHECK(ep >= 0 && d >= 0);
  struct epoll_event ev = {.events = EPOLLOUT, .data.fd = fd};
  CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, d, &ev) == 0);
  CHECK(connect(fd, (struct sockaddr*)&peer, sizeof peer) == -1 && errno == EINPROGRESS);
  CHECK(wait_for(ep, 10000) & EPOLLOUT);
  CHECK(close(d) == 0);
  CHECK(getsockopt(fd, SOL_SOCKET, SO_ERROR, &v, &vl) == 0 && v == 0);
  struct sockaddr_in a;
  socklen_t al = sizeof a;
  CHECK(getpeername(fd, (struct sockaddr*)&a, &al) == 0);
  CHECK(a.sin_addr.s_addr == peer.sin_addr.s_addr && a.sin_port == peer.sin_port);
  al = sizeof a;
  CHECK(getsockname(fd, (struct sockaddr*)&a, &al) == 0);
  char local[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &a.sin_addr, local, sizeof local);
  printf("local %s\n", local);
  fflush(stdout); /* the test waits for this line before a reset */

  /* A second set for the receives. */
  int ep_in = epoll_create1(0);
  CHECK(ep_in >= 0);
  ev.events = EPOLLIN;

  if (argc == 5 && strcmp(argv[4], "reset") == 0) {
    CHECK(epoll_ctl(ep_in, EPOLL_CTL_ADD, fd, &ev) == 0);
    CHECK(wait_for(ep_in, 30000) & EPOLLIN);
    struct pollfd p = {fd, POLLIN | POLLOUT, 0};
    CHECK(poll(&p, 1, 0) == 1);
    CHECK((p.revents & (POLLERR | POLLHUP)) == (POLLERR | POLLHUP));
    char b[16];
    CHECK(read(fd, b, sizeof b) == -1 && errno == ECONNRESET);
    printf("reset seen\n");
    free(data);
    return 0;
  }

  size_t sent = 0;
  int blocked = 0, waits = 0;
  while (sent < len) {
    const size_t left = len - sent;
    ssize_t w;
    if (sent / 1000 % 2) {
      w = write(fd, data + sent, left < 3000 ? left : 3000);
    } else {
      /* Two pieces of a vector. */
      const size_t k = left < 7000 ? left : 7000;
      struct iovec iov[2] = {{data + sent, k / 3}, {data + sent + k / 3, k - k / 3}};
      w = writev(fd, iov, 2);
    }
    if (w > 0) {
      sent += (size_t)w;
      continue;
    }
    CHECK(w == -1 && errno == EAGAIN);
    if (!blocked) {
      /* The server reads nothing yet: no room comes, and neither poll nor
       * epoll may say there is. */
      struct pollfd p = {fd, POLLOUT, 0};
      CHECK(poll(&p, 1, 0) == 0);
      CHECK(wait_for(ep, 200) == 0);
      blocked = 1;
      printf("blocked %zu\n", sent);
      fflush(stdout);
    }
    CHECK(wait_for(ep, 30000) & EPOLLOUT);
    ++waits;
  }
  CHECK(shutdown(fd, SHUT_WR) == 0);
  printf("sent %zu after %d waits\n", sent, waits);

  CHECK(close(ep) == 0);
  CHECK(epoll_ctl(ep_in, EPOLL_CTL_ADD, fd, &ev) == 0);
  char reply[256];
  size_t got = 0;
  for (;;) {
    char* at = reply + got;
    const size_t room = sizeof reply - 1 - got;
    ssize_t r;
    if (got % 2) {
      struct iovec iov[2] = {{at, room / 2}, {at + room / 2, room - room / 2}};
      r = readv(fd, iov, 2);
    } else {
      r = read(fd, at, room);
    }
    if (r == 0) break;
    if (r > 0) {
      got += (size_t)r;
      CHECK(got < sizeof reply - 1);
      continue;
    }
    CHECK(errno == EAGAIN);
    CHECK(wait_for(ep_in, 30000) & EPOLLIN);
  }
  reply[got] = '\0';
  printf("reply %s", reply);
  /* Both ways shut: readable (EOF) and hung up. */
  struct pollfd p = {fd, POLLIN, 0};
  CHECK(poll(&p, 1, 0) == 1);
  CHECK((p.revents & (POLLIN | POLLHUP)) == (POLLIN | POLLHUP));
  CHECK(close(fd) == 0);
  close(ep_in);
  free(data);
  return 0;
}
