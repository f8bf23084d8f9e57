/* SPDX-License-Identifier: MIT
 * A seccomp filter that kills the whole process as soon as the calling thread,
 * or a thread it starts afterwards, makes one of the listed syscalls; every
 * other syscall is allowed. A test that survives it proves those syscalls were
 * not made. Or, with another action, makes them fail. C, for the unmodified
 * programs of tests/preload as well. */
#ifndef SENDOFF_TESTS_SECCOMP_KILL_H
#define SENDOFF_TESTS_SECCOMP_KILL_H

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define SECCOMP_KILL_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define SECCOMP_KILL_ARCH AUDIT_ARCH_AARCH64
#else
#error "seccomp_kill.h: name this machine's AUDIT_ARCH_*"
#endif

#define SECCOMP_KILL_MAX 8

static inline struct sock_filter seccomp_insn(unsigned short code, unsigned k,
                                              unsigned char jt, unsigned char jf) {
  struct sock_filter i;
  i.code = code;
  i.jt = jt;
  i.jf = jf;
  i.k = k;
  return i;
}

/* Takes `listed` (SECCOMP_RET_*) for each syscall in nrs[count], `others` for
 * the rest. 0, or -1 with errno set. */
static inline int seccomp_list(const int* nrs, unsigned count, unsigned listed, unsigned others) {
  struct sock_filter f[4 + SECCOMP_KILL_MAX + 2];
  unsigned n = 0, i;
  if (count > SECCOMP_KILL_MAX) {
    errno = EINVAL;
    return -1;
  }
  struct sock_fprog prog;
  f[n++] = seccomp_insn(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch), 0, 0);
  f[n++] = seccomp_insn(BPF_JMP | BPF_JEQ | BPF_K, SECCOMP_KILL_ARCH, 1, 0);
  f[n++] = seccomp_insn(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS, 0, 0);
  f[n++] = seccomp_insn(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr), 0, 0);
  /* Entry i jumps over the rest of the list and `others` to `listed`. */
  for (i = 0; i < count; ++i)
    f[n++] = seccomp_insn(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nrs[i],
                               (unsigned char)(count - i), 0);
  f[n++] = seccomp_insn(BPF_RET | BPF_K, others, 0, 0);
  f[n++] = seccomp_insn(BPF_RET | BPF_K, listed, 0, 0);
  prog.len = (unsigned short)n;
  prog.filter = f;
  /* Without CAP_SYS_ADMIN a filter needs no_new_privs. */
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return -1;
  return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

/* Takes `action` for each syscall in nrs[count], allows the rest. */
static inline int seccomp_deny(const int* nrs, unsigned count, unsigned action) {
  return seccomp_list(nrs, count, action, SECCOMP_RET_ALLOW);
}

static inline int seccomp_kill_on(const int* nrs, unsigned count) {
  return seccomp_deny(nrs, count, SECCOMP_RET_KILL_PROCESS);
}

/* What sendoff must not need to read or write a user buffer. */
static inline int seccomp_kill_on_process_vm_rw(void) {
  const int nrs[] = {SYS_process_vm_readv, SYS_process_vm_writev};
  return seccomp_kill_on(nrs, 2);
}

/* The opposite list: kills the process on any syscall of the calling thread
 * but the nrs[count] given. 0, or -1 with errno set. */
static inline int seccomp_allow_only(const int* nrs, unsigned count) {
  return seccomp_list(nrs, count, SECCOMP_RET_ALLOW, SECCOMP_RET_KILL_PROCESS);
}

#endif /* SENDOFF_TESTS_SECCOMP_KILL_H */
