// SPDX-License-Identifier: MIT
// The sending side of `sendoff bench --host-path`: an ordinary C program
// that sends UDP datagrams (or, in `stream` mode, a TCP stream) and times
// each call. Built twice from this file:
// plain (the kernel's sendto(), or sendoff's through LD_PRELOAD, the program
// unmodified) and with -DSENDOFF_API (sendoff's C API, so_sendto and
// so_sendmmsg). The bench runs it and reads its output:
//   tid <n>                       one line per sending thread
//   result ns_median=<x> ns_p99=<y> sustained_per_s=<z> sends=<n>
// Usage: host_path_sender sendto|sendmmsg|stream SIZE COUNT THREADS IP PORT
//
// stream (--proto tcp; one thread): connect, COUNT blocking send()s of SIZE
// bytes after a warm-up, shutdown(SHUT_WR), then read until the server's
// EOF, which it sends only after reading every byte: the stream was
// delivered. Output: "tid", "cycle_counter <why not, or available>" (the
// figures use the TSC either way), one "thread" line per thread of this process
// with its CPU time from the first timed send to that EOF, and
//   stream ns_median=<x> ns_p99=<y> ticks_median=<a> ticks_p99=<b>
//          tsc_per_ns=<c> sends=<n> bytes=<total> elapsed_ns=<e>
//
// Sockets are nonblocking: when the ring (or the kernel's send buffer) is
// full a call returns EAGAIN; the program then pauses (nanosleep, the one
// syscall the bench does not count against sends) and the timing of that
// call is dropped: a NIC at line rate would have kept up.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <linux/perf_event.h>
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
#define CONNECT so_connect
#define SEND so_send
#define RECV so_recv
#define SHUTDOWN so_shutdown
#else
#define SOCKET socket
#define SENDTO sendto
#define SENDMMSG sendmmsg
#define CLOSE close
#define CONNECT connect
#define SEND send
#define RECV recv
#define SHUTDOWN shutdown
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

// CPU time of every thread of this process, from the kernel's scheduler
// (schedstat: ns on a CPU) with the user/system split of stat (clock ticks).
enum { kMaxTasks = 64 };
struct task_cpu {
  long tid;
  char name[32];
  unsigned long long cpu_ns, utime, stime;
};

static int read_task(long tid, struct task_cpu* t) {
  char path[64], buf[1024];
  t->tid = tid;
  snprintf(path, sizeof path, "/proc/self/task/%ld/schedstat", tid);
  FILE* f = fopen(path, "r");
  if (!f) return -1;
  int ok = fscanf(f, "%llu", &t->cpu_ns) == 1;
  fclose(f);
  snprintf(path, sizeof path, "/proc/self/task/%ld/stat", tid);
  f = fopen(path, "r");
  if (!f) return -1;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  // The name may hold spaces and parentheses: it ends at the last ')'.
  char *open = strchr(buf, '('), *close = strrchr(buf, ')');
  if (!ok || !open || !close || close < open) return -1;
  snprintf(t->name, sizeof t->name, "%.*s", (int)(close - open - 1), open + 1);
  return sscanf(close + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &t->utime,
                &t->stime) == 2
             ? 0
             : -1;
}

static int read_tasks(struct task_cpu* t) {
  DIR* d = opendir("/proc/self/task");
  int n = 0;
  struct dirent* e;
  while (d && (e = readdir(d)) && n < kMaxTasks)
    if (e->d_name[0] != '.' && read_task(strtol(e->d_name, NULL, 10), &t[n]) == 0) ++n;
  if (d) closedir(d);
  return n;
}

// One blocking send() of every byte of buf; the calls it took in *calls.
static int send_all(int fd, const char* buf, size_t len, unsigned* calls) {
  size_t off = 0;
  while (off < len) {
    ssize_t r = SEND(fd, buf + off, len - off, MSG_NOSIGNAL);
    ++*calls;
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return -1;
    off += (size_t)r;
  }
  return 0;
}

// Whether this thread may count its CPU cycles (perf_event_open): a VM guest
// often may not, and the bench says so next to its TSC figures.
static const char* cycle_counter(void) {
  struct perf_event_attr a;
  memset(&a, 0, sizeof a);
  a.type = PERF_TYPE_HARDWARE;
  a.size = sizeof a;
  a.config = PERF_COUNT_HW_CPU_CYCLES;
  a.disabled = 1;
  a.exclude_hv = 1;
  int fd = (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
  if (fd < 0) return strerror(errno);
  close(fd);
  return "available";
}

static int stream_main(void) {
  enum { kStreamWarm = 64 };  // sends before timing: handshake, slow start
  printf("tid %ld\ncycle_counter %s\n", (long)syscall(SYS_gettid), cycle_counter());
  fflush(stdout);
  int fd = SOCKET(AF_INET, SOCK_STREAM, 0);
  if (fd < 0 || CONNECT(fd, (struct sockaddr*)&dst, sizeof dst) != 0) {
    fprintf(stderr, "connect: %s\n", strerror(errno));
    return 1;
  }
  char* buf = malloc(size);
  memset(buf, 0xA5, size);
  uint64_t* ticks_of = malloc(sizeof(uint64_t) * count);
  double* sorted = malloc(sizeof(double) * count);
  unsigned calls = 0;
  for (unsigned i = 0; i < kStreamWarm; ++i)
    if (send_all(fd, buf, size, &calls) != 0) {
      fprintf(stderr, "send: %s\n", strerror(errno));
      return 1;
    }
  static struct task_cpu before[kMaxTasks], after[kMaxTasks];
  int nb = read_tasks(before);
  uint64_t c0 = ticks(), n0 = now_ns();
  for (unsigned long long i = 0; i < count; ++i) {
    uint64_t t0 = ticks();
    int r = send_all(fd, buf, size, &calls);
    ticks_of[i] = ticks() - t0;
    if (r != 0) {
      fprintf(stderr, "send: %s\n", strerror(errno));
      return 1;
    }
  }
  // Delivered: the server closes only after reading every byte.
  if (SHUTDOWN(fd, SHUT_WR) != 0) {
    fprintf(stderr, "shutdown: %s\n", strerror(errno));
    return 1;
  }
  ssize_t r;
  while ((r = RECV(fd, buf, size, 0)) > 0 || (r < 0 && errno == EINTR)) {
  }
  if (r < 0) {
    fprintf(stderr, "recv: %s\n", strerror(errno));
    return 1;
  }
  uint64_t c1 = ticks(), n1 = now_ns();
  int na = read_tasks(after);
  double tsc_per_ns = (double)(c1 - c0) / (double)(n1 - n0 ? n1 - n0 : 1);
  for (int i = 0; i < na; ++i) {
    struct task_cpu b = {0};
    for (int j = 0; j < nb; ++j)
      if (before[j].tid == after[i].tid) b = before[j];
    printf("thread tid=%ld cpu_ns=%llu utime_ticks=%llu stime_ticks=%llu name=%s\n", after[i].tid,
           after[i].cpu_ns - b.cpu_ns, after[i].utime - b.utime, after[i].stime - b.stime,
           after[i].name);
  }
  for (unsigned long long i = 0; i < count; ++i) sorted[i] = (double)ticks_of[i];
  qsort(sorted, count, sizeof *sorted, cmp);
  double median = sorted[count / 2], p99 = sorted[(count * 99) / 100];
  CLOSE(fd);
#ifdef SENDOFF_API
  sendoff_fini();
#endif
  printf("stream ns_median=%.1f ns_p99=%.1f ticks_median=%.0f ticks_p99=%.0f tsc_per_ns=%.4f "
         "sends=%llu calls=%u bytes=%llu elapsed_ns=%llu clk_tck=%ld\n",
         median / tsc_per_ns, p99 / tsc_per_ns, median, p99, tsc_per_ns, count, calls,
         (unsigned long long)size * (count + kStreamWarm), (unsigned long long)(n1 - n0),
         sysconf(_SC_CLK_TCK));
  return 0;
}

int main(int argc, char** argv) {
  if (argc != 7) {
    fprintf(stderr, "usage: %s sendto|sendmmsg|stream SIZE COUNT THREADS IP PORT\n", argv[0]);
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
  if (strcmp(argv[1], "stream") == 0) {
    if (threads != 1 || size == 0 || count == 0) {
      fprintf(stderr, "stream: one thread, SIZE and COUNT above 0\n");
      return 2;
    }
    return stream_main();
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
