// SPDX-License-Identifier: MIT
// The sending side of `sendoff bench --host-path`: an ordinary C program
// that sends UDP datagrams and times each call. Built twice from this file:
// plain (the kernel's sendto(), or sendoff's through LD_PRELOAD, the program
// unmodified) and with -DSENDOFF_API (sendoff's C API, so_sendto and
// so_sendmmsg). The bench runs it and reads its output:
//   tid <n>                       one line per sending thread
//   result ns_median=<x> ns_p99=<y> sustained_per_s=<z> sends=<n>
// Usage: host_path_sender sendto|sendmmsg SIZE COUNT THREADS IP PORT
//
// Sockets are nonblocking: when the ring (or the kernel's send buffer) is
// full a call returns EAGAIN; the program then pauses (nanosleep, the one
// syscall the bench does not count against sends) and the timing of that
// call is dropped: a NIC at line rate would have kept up.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#if defined(__x86_64__)
#include <x86intrin.h>
#endif

#ifdef SENDOFF_API
#include "sendoff/sendoff.h"
#define SOCKET so_socket
#define SENDTO so_sendto
#define SENDMMSG so_sendmmsg
#define CLOSE so_close
#else
#define SOCKET socket
#define SENDTO sendto
#define SENDMMSG sendmmsg
#define CLOSE close
#endif

enum { kBatch = 32, kWarm = 2000 };

static int mode_mmsg;
static size_t size;
static unsigned long long count;
static struct sockaddr_in dst;

struct worker {
  pthread_t th;
  double* ns;        // one sample per datagram (sendmmsg: per datagram of a batch)
  unsigned long long samples;
  int err;
};

static uint64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

// Cycle counter where there is one (cheaper to read than the clock), scaled
// to ns afterwards; the clock elsewhere.
static uint64_t ticks(void) {
#if defined(__x86_64__)
  return __rdtsc();
#else
  return now_ns();
#endif
}

static void pause_for_nic(void) {
  struct timespec t = {0, 50000};
  nanosleep(&t, NULL);
}

static void* run(void* arg) {
  struct worker* w = arg;
  printf("tid %ld\n", (long)syscall(SYS_gettid));
  fflush(stdout);
  int fd = SOCKET(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    w->err = errno;
    return NULL;
  }
  char* buf = malloc(size ? size : 1);
  memset(buf, 0xA5, size);
  struct iovec iov[kBatch];
  struct mmsghdr msgs[kBatch];
  memset(msgs, 0, sizeof msgs);
  for (int i = 0; i < kBatch; ++i) {
    iov[i].iov_base = buf;
    iov[i].iov_len = size;
    msgs[i].msg_hdr.msg_name = &dst;
    msgs[i].msg_hdr.msg_namelen = sizeof dst;
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
  unsigned long long sent = 0, total = count + kWarm;
  while (sent < total) {
    uint64_t t0 = ticks();
    long r;
    unsigned n = 1;
    if (mode_mmsg) {
      n = total - sent < kBatch ? (unsigned)(total - sent) : kBatch;
      r = SENDMMSG(fd, msgs, n, 0);
      if (r > 0) n = (unsigned)r;
    } else {
      r = SENDTO(fd, buf, size, 0, (struct sockaddr*)&dst, sizeof dst);
    }
    uint64_t t1 = ticks();
    if (r < 0) {
      if (errno != EAGAIN && errno != ENOBUFS) {
        w->err = errno;
        break;
      }
      pause_for_nic();
      continue;
    }
    for (unsigned i = 0; i < n; ++i, ++sent)
      if (sent >= kWarm) w->ns[w->samples++] = (double)(t1 - t0) / n;
  }
  CLOSE(fd);
  free(buf);
  return NULL;
}

static int cmp(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char** argv) {
  if (argc != 7) {
    fprintf(stderr, "usage: %s sendto|sendmmsg SIZE COUNT THREADS IP PORT\n", argv[0]);
    return 2;
  }
  mode_mmsg = strcmp(argv[1], "sendmmsg") == 0;
  size = strtoul(argv[2], NULL, 10);
  count = strtoull(argv[3], NULL, 10);
  int threads = atoi(argv[4]);
  dst.sin_family = AF_INET;
  dst.sin_port = htons((uint16_t)atoi(argv[6]));
  if (threads < 1 || threads > 64 || inet_pton(AF_INET, argv[5], &dst.sin_addr) != 1) {
    fprintf(stderr, "bad arguments\n");
    return 2;
  }
  struct worker* w = calloc((size_t)threads, sizeof *w);
  for (int i = 0; i < threads; ++i) w[i].ns = malloc(sizeof(double) * (count + kBatch));
  uint64_t c0 = ticks(), n0 = now_ns();
  for (int i = 0; i < threads; ++i) pthread_create(&w[i].th, NULL, run, &w[i]);
  for (int i = 0; i < threads; ++i) pthread_join(w[i].th, NULL);
  uint64_t c1 = ticks(), n1 = now_ns();
  double ns_per_tick = (double)(n1 - n0) / (double)(c1 - c0 ? c1 - c0 : 1);
  unsigned long long all = 0;
  for (int i = 0; i < threads; ++i) {
    if (w[i].err) {
      fprintf(stderr, "send: %s\n", strerror(w[i].err));
      return 1;
    }
    all += w[i].samples;
  }
  double* v = malloc(sizeof(double) * (all ? all : 1));
  unsigned long long k = 0;
  for (int i = 0; i < threads; ++i)
    for (unsigned long long j = 0; j < w[i].samples; ++j) v[k++] = w[i].ns[j] * ns_per_tick;
  if (!all) {
    fprintf(stderr, "no timed sends\n");
    return 1;
  }
  qsort(v, all, sizeof *v, cmp);
  double secs = (double)(n1 - n0) / 1e9;
#ifdef SENDOFF_API
  sendoff_fini();
#endif
  printf("result ns_median=%.1f ns_p99=%.1f sustained_per_s=%.0f sends=%llu\n", v[all / 2],
         v[(all * 99) / 100], (double)(all + (unsigned long long)threads * kWarm) / secs, all);
  return 0;
}
