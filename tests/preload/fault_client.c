/* SPDX-License-Identifier: MIT
 * An unmodified program with its own SIGSEGV handler and a seccomp filter
 * that kills it on process_vm_readv/writev, nothing of sendoff. Under
 * LD_PRELOAD=libsendoff_preload.so: bad buffers get EFAULT from sendoff's
 * fault handler (no syscall per copy), while faults in the program's own code
 * still reach its handler, installed before or after the first socket, and
 * sigaction()/signal() report the program's handler as the current one.
 * Exits 0 when all of that holds; otherwise says what did not. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "seccomp_kill.h"

static volatile sig_atomic_t faults_first, faults_second;
static long page;

/* Makes the faulting page readable, so the load that faulted runs again. */
static void resume(void* addr) {
  mprotect((void*)((unsigned long)addr & ~(unsigned long)(page - 1)), (size_t)page, PROT_READ);
}

static void first_handler(int sig, siginfo_t* info, void* ctx) {
  (void)sig;
  (void)ctx;
  ++faults_first;
  resume(info->si_addr);
}

static unsigned char* fault_page;

static void second_handler(int sig) {
  (void)sig;
  ++faults_second;
  resume(fault_page);
}

static int failed(const char* what) {
  fprintf(stderr, "fault_client: %s\n", what);
  return 1;
}

/* Reads a page made inaccessible: the program's handler resumes it. */
static int touch_inaccessible(void) {
  fault_page = mmap(NULL, (size_t)page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (fault_page == MAP_FAILED) return -1;
  int v = *(volatile unsigned char*)fault_page;
  munmap(fault_page, (size_t)page);
  return v;
}

static int expect_efault(ssize_t r, const char* what) {
  if (r == -1 && errno == EFAULT) return 0;
  fprintf(stderr, "fault_client: %s: got %zd (%s), not EFAULT\n", what, r, strerror(errno));
  return 1;
}

/* The EFAULT rows: NULL, an unmapped page, a buffer running into it, a bad iovec entry. */
static int efault_rows(int fd, const struct sockaddr_in* to) {
  const struct sockaddr* sa = (const struct sockaddr*)to;
  /* Low in the address space: mmap hands out the highest free range that fits,
   * so a one-page hole up there would soon hold some allocator's page. */
  unsigned char* good = mmap((void*)0x10000000, 2 * (size_t)page, PROT_READ | PROT_WRITE,
                             MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (good == MAP_FAILED) return failed("mmap");
  unsigned char* hole = good + page;
  munmap(hole, (size_t)page);
  int bad = 0;
  bad |= expect_efault(sendto(fd, NULL, 10, 0, sa, sizeof *to), "NULL buffer");
  bad |= expect_efault(sendto(fd, hole, 10, 0, sa, sizeof *to), "unmapped page");
  bad |= expect_efault(sendto(fd, hole - 5, 10, 0, sa, sizeof *to), "buffer into a hole");
  struct iovec iov[3] = {{good, 8}, {hole, 8}, {good, 8}};
  struct msghdr m = {0};
  m.msg_name = (void*)to;
  m.msg_namelen = sizeof *to;
  m.msg_iov = iov;
  m.msg_iovlen = 3;
  bad |= expect_efault(sendmsg(fd, &m, 0), "bad iovec entry");
  munmap(good, (size_t)page);
  return bad;
}

int main(void) {
  page = sysconf(_SC_PAGESIZE);
  if (seccomp_kill_on_process_vm_rw() != 0) return failed("seccomp");

  struct sigaction act, old;
  memset(&act, 0, sizeof act);
  act.sa_sigaction = first_handler;
  act.sa_flags = SA_SIGINFO;
  sigemptyset(&act.sa_mask);
  if (sigaction(SIGSEGV, &act, NULL) != 0) return failed("sigaction");

  struct sockaddr_in to = {0};
  to.sin_family = AF_INET;
  to.sin_port = htons(9000);
  inet_pton(AF_INET, "198.18.0.2", &to.sin_addr);
  int fd = socket(AF_INET, SOCK_DGRAM, 0); /* sendoff opens here, its handler in front */
  if (fd < 0) return failed("socket");

  if (sigaction(SIGSEGV, NULL, &old) != 0 || !(old.sa_flags & SA_SIGINFO) ||
      old.sa_sigaction != first_handler)
    return failed("sigaction(SIGSEGV, NULL, &old) does not report the program's handler");
  if (efault_rows(fd, &to)) return 1;
  if (faults_first != 0) return failed("a fault in sendoff's copy reached the program");
  if (touch_inaccessible() != 0 || faults_first != 1)
    return failed("the program's handler did not get its own fault");

  /* A handler installed after the first socket, through signal(). */
  if (signal(SIGSEGV, second_handler) != (void (*)(int))first_handler)
    return failed("signal() does not return the program's previous handler");
  if (sigaction(SIGSEGV, NULL, &old) != 0 || old.sa_handler != second_handler)
    return failed("sigaction() does not report the handler signal() installed");
  if (efault_rows(fd, &to)) return 1;
  if (touch_inaccessible() != 0 || faults_second != 1 || faults_first != 1)
    return failed("the handler installed by signal() did not get the program's fault");

  if (sendto(fd, "after the faults", 16, 0, (struct sockaddr*)&to, sizeof to) != 16)
    return failed("sendto");
  return close(fd) == 0 ? 0 : failed("close");
}
