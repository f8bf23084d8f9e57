/* SPDX-License-Identifier: MIT
 * fork() under the preload library: the parent sends "before fork", forks, and
 * sends "after fork" once the child is done. The child must not send through
 * the parent's stack: a send on the inherited socket fails with ENETDOWN,
 * close() of it works, and a new socket() is the kernel's (in the test's empty
 * namespace its sendto fails with ENETUNREACH), or with the argument "strict"
 * (SENDOFF_STRICT=1) socket() fails with ENETDOWN. With "nostack" (the stack
 * cannot start) the same holds in the parent: socket() is the kernel's, or
 * ENETDOWN under SENDOFF_STRICT=1. Exits 0 when all of it held. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static struct sockaddr_in peer(void) {
  struct sockaddr_in to = {0};
  to.sin_family = AF_INET;
  to.sin_port = htons(9000);
  inet_pton(AF_INET, "198.18.0.2", &to.sin_addr);
  return to;
}

static int fail(const char* who, const char* what) {
  fprintf(stderr, "fork_client (%s): %s: %s\n", who, what, strerror(errno));
  return 1;
}

/* A new socket where sendoff cannot take it: the kernel's, or ENETDOWN when strict. */
static int new_socket_is_refused_or_kernel(const char* who, int strict) {
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  if (strict) return s == -1 && errno == ENETDOWN ? 0 : fail(who, "socket() not ENETDOWN");
  if (s < 0) return fail(who, "socket()");
  struct sockaddr_in to = peer();
  if (sendto(s, "k", 1, 0, (struct sockaddr*)&to, sizeof to) != -1 || errno != ENETUNREACH)
    return fail(who, "a kernel socket's sendto in an empty namespace is not ENETUNREACH");
  return close(s) == 0 ? 0 : fail(who, "close of the kernel socket");
}

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "";
  const int strict = strstr(mode, "strict") != NULL;
  if (strncmp(mode, "nostack", 7) == 0) return new_socket_is_refused_or_kernel("nostack", strict);

  struct sockaddr_in to = peer();
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0 || connect(fd, (struct sockaddr*)&to, sizeof to) != 0) return fail("parent", "socket");
  if (send(fd, "before fork", 11, 0) != 11) return fail("parent", "send before fork");
  pid_t pid = fork();
  if (pid < 0) return fail("parent", "fork");
  if (pid == 0) {
    if (send(fd, "from the child", 14, 0) != -1 || errno != ENETDOWN)
      _exit(fail("child", "send on the inherited socket not ENETDOWN"));
    if (close(fd) != 0) _exit(fail("child", "close of the inherited socket"));
    _exit(new_socket_is_refused_or_kernel("child", strict));
  }
  int status = 0;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    fprintf(stderr, "fork_client: the child failed (status %d)\n", status);
    return 1;
  }
  if (send(fd, "after fork", 10, 0) != 10) return fail("parent", "send after fork");
  return close(fd) == 0 ? 0 : fail("parent", "close");
}
