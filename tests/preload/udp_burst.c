/* SPDX-License-Identifier: MIT
 * An unmodified UDP program that sends a burst: COUNT datagrams of SIZE
 * bytes to IP:PORT with sendto(), as fast as it can; prints "sent N". */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: udp_burst IP PORT SIZE COUNT\n");
    return 2;
  }
  struct sockaddr_in to = {0};
  to.sin_family = AF_INET;
  to.sin_port = htons((unsigned short)atoi(argv[2]));
  if (inet_pton(AF_INET, argv[1], &to.sin_addr) != 1) return 2;
  size_t size = (size_t)atol(argv[3]);
  long count = atol(argv[4]), sent = 0;
  char* buf = calloc(size ? size : 1, 1);
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (!buf || fd < 0) return 1;
  for (long i = 0; i < count; ++i)
    if (sendto(fd, buf, size, 0, (struct sockaddr*)&to, sizeof to) == (ssize_t)size) ++sent;
  printf("sent %ld\n", sent);
  close(fd);
  free(buf);
  return sent == count ? 0 : 1;
}
