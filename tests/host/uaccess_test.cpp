// SPDX-License-Identifier: MIT
// copy_from_user through the fault handler (host/net/uaccess.hpp), the kernel
// as the reference: how much a copy that runs into a hole gets
// (process_vm_readv, the kernel's own copy), where user space ends (where
// mmap stops), what happens to a fault nobody handles (a process without
// sendoff's handler).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <vector>

#include "bad_memory.hpp"
#include "seccomp_kill.h"
#include "sendoff/sendoff.h"
#include "uaccess.hpp"

namespace {

// What the kernel copies from [p, p + n) before it meets a hole.
size_t kernel_copies(void* p, size_t n) {
  std::vector<uint8_t> tmp(n);
  iovec local{tmp.data(), n}, remote{p, n};
  ssize_t r = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
  return r < 0 ? 0 : static_cast<size_t>(r);
}

TEST(Uaccess, CopiesThroughTheFaultHandler) { EXPECT_TRUE(sendoff::uaccess_exception_table()); }

TEST(Uaccess, AShortCopyReturnsWhatWasNotCopied) {
  BadMemory mem;
  for (size_t i = 0; i < mem.page(); ++i) mem.writable()[i] = static_cast<uint8_t>(i * 7);
  for (size_t before : {size_t{1}, size_t{5}, size_t{64}, size_t{100}, mem.page() - 1}) {
    SCOPED_TRACE(before);
    uint8_t* src = mem.hole() - before;
    const size_t n = before + 200;
    std::vector<uint8_t> dst(n, 0xAA);
    size_t left = sendoff::copy_from_user(dst.data(), src, n);
    ASSERT_EQ(kernel_copies(src, n), before);
    EXPECT_EQ(left, n - before);
    EXPECT_EQ(memcmp(dst.data(), src, before), 0);
    // The rest is zeroed, as _copy_from_user leaves it.
    EXPECT_EQ(std::vector<uint8_t>(dst.begin() + static_cast<long>(before), dst.end()),
              std::vector<uint8_t>(n - before, 0));
  }
  std::vector<uint8_t> dst(10, 0xAA);
  EXPECT_EQ(sendoff::copy_from_user(dst.data(), nullptr, 10), 10u);
  EXPECT_EQ(sendoff::copy_from_user(dst.data(), mem.writable(), 10), 0u);
  EXPECT_EQ(memcmp(dst.data(), mem.writable(), 10), 0);
}

TEST(Uaccess, CopyToUserStopsWhereTheMemoryIsNotWritable) {
  BadMemory mem;
  uint8_t src[300];
  memset(src, 0x5A, sizeof src);
  EXPECT_EQ(sendoff::copy_to_user(mem.hole() - 100, src, 300), 200u);
  EXPECT_EQ(mem.hole()[-1], 0x5A);
  EXPECT_EQ(sendoff::copy_to_user(mem.read_only(), src, 10), 10u);
  EXPECT_EQ(sendoff::copy_to_user(mem.writable(), src, 10), 0u);
}

TEST(Uaccess, UserSpaceEndsWhereTheKernelStopsMapping) {
  const uintptr_t end = sendoff::task_size_max();
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  auto map_at = [&](uintptr_t a) {
    void* p = mmap(reinterpret_cast<void*>(a), page, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    int err = p == MAP_FAILED ? errno : 0;
    if (p != MAP_FAILED) munmap(p, page);
    return err;
  };
  // The last page below the end is user space (mapped here, or taken: EEXIST); the page at
  // the end is not.
  int last = map_at(end - page);
  EXPECT_TRUE(last == 0 || last == EEXIST) << strerror(last);
  EXPECT_EQ(map_at(end), ENOMEM);
  EXPECT_TRUE(sendoff::access_ok(reinterpret_cast<void*>(end - page), page));
  EXPECT_FALSE(sendoff::access_ok(reinterpret_cast<void*>(end - page), page + 1));
  EXPECT_FALSE(sendoff::access_ok(reinterpret_cast<void*>(end), 1));
  EXPECT_FALSE(sendoff::access_ok(reinterpret_cast<void*>(~uintptr_t{0}), 2));
}

// The program's own SIGSEGV handler, installed through so_sigaction.
std::atomic<int> program_faults{0};
std::atomic<uintptr_t> program_fault_addr{0};
std::atomic<int> program_fault_code{0};
size_t page_size = static_cast<size_t>(sysconf(_SC_PAGESIZE));

void program_handler(int, siginfo_t* info, void*) {
  program_faults.fetch_add(1);
  program_fault_addr = reinterpret_cast<uintptr_t>(info->si_addr);
  program_fault_code = info->si_code;
  // A fault on a page this test made inaccessible: make it readable and let
  // the load run again.
  if (info->si_code > 0) {
    uintptr_t page = program_fault_addr & ~(page_size - 1);
    mprotect(reinterpret_cast<void*>(page), page_size, PROT_READ);
  }
}

TEST(Uaccess, AProgramsHandlerGetsTheFaultsOutsideTheCopy) {
  struct sigaction act = {}, before = {}, reported = {}, kernel = {};
  act.sa_sigaction = program_handler;
  act.sa_flags = SA_SIGINFO;
  sigemptyset(&act.sa_mask);
  ASSERT_EQ(so_sigaction(SIGSEGV, &act, &before), 0);
  program_faults = 0;

  // Reported back as the current handler, while the kernel still runs ours.
  ASSERT_EQ(so_sigaction(SIGSEGV, nullptr, &reported), 0);
  EXPECT_EQ(reported.sa_sigaction, program_handler);
  EXPECT_TRUE(reported.sa_flags & SA_SIGINFO);
  ASSERT_EQ(sigaction(SIGSEGV, nullptr, &kernel), 0);
  EXPECT_NE(kernel.sa_sigaction, program_handler);

  // A fault in the program's own code reaches its handler, which may resume it.
  void* p = mmap(nullptr, page_size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(p, MAP_FAILED);
  EXPECT_EQ(*static_cast<volatile int*>(p), 0);
  EXPECT_EQ(program_faults, 1);
  EXPECT_EQ(program_fault_addr, reinterpret_cast<uintptr_t>(p));
  EXPECT_EQ(program_fault_code, SEGV_ACCERR);

  // A fault in the copy does not.
  BadMemory mem;
  char dst[16];
  EXPECT_EQ(sendoff::copy_from_user(dst, mem.hole(), sizeof dst), sizeof dst);
  EXPECT_EQ(program_faults, 1);

  // A SIGSEGV sent by kill() is not a fault, wherever the thread was.
  raise(SIGSEGV);
  EXPECT_EQ(program_faults, 2);
  EXPECT_EQ(program_fault_code, SI_TKILL);

  munmap(p, page_size);
  ASSERT_EQ(so_sigaction(SIGSEGV, &before, nullptr), 0);
}

// How a child ends that sets `handler` for SIGSEGV, through so_sigaction or
// (without sendoff in between) libc, then takes a fault or a kill().
int child_status(bool through_sendoff, sighandler_t handler, bool fault) {
  pid_t pid = fork();
  if (pid == 0) {
    struct sigaction act = {};
    act.sa_handler = handler;
    sigemptyset(&act.sa_mask);
    if (through_sendoff) {
      so_sigaction(SIGSEGV, &act, nullptr);
    } else {
      sigaction(SIGSEGV, &act, nullptr);
    }
    if (fault)
      (void)*static_cast<volatile int*>(nullptr);
    else
      raise(SIGSEGV);
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

TEST(Uaccess, AFaultNobodyHandlesEndsTheProcessAsWithoutSendoff) {
  for (sighandler_t h : {SIG_DFL, SIG_IGN}) {
    for (bool fault : {true, false}) {
      SCOPED_TRACE(std::string(h == SIG_DFL ? "SIG_DFL" : "SIG_IGN") +
                   (fault ? ", a fault" : ", a kill()"));
      int kernel = child_status(false, h, fault);
      int ours = child_status(true, h, fault);
      EXPECT_EQ(WIFSIGNALED(ours), WIFSIGNALED(kernel));
      if (WIFSIGNALED(kernel)) {
        EXPECT_EQ(WTERMSIG(kernel), SIGSEGV);
        EXPECT_EQ(WTERMSIG(ours), WTERMSIG(kernel));
      } else {
        EXPECT_EQ(ours, kernel);
      }
    }
  }
}

TEST(Uaccess, FallsBackToProcessVmReadvWhereTheHandlerCannotBeInstalled) {
  pid_t pid = fork();
  if (pid == 0) {
    // rt_sigaction fails (a sandbox that forbids it): no handler, copies by syscall.
    const int nrs[] = {SYS_rt_sigaction};
    if (seccomp_deny(nrs, 1, SECCOMP_RET_ERRNO | EPERM) != 0) _exit(10);
    if (sendoff::uaccess_init()) _exit(11);
    if (sendoff::uaccess_exception_table()) _exit(12);
    BadMemory mem;
    char dst[300];
    if (sendoff::copy_from_user(dst, mem.hole() - 100, 300) != 200) _exit(13);
    if (sendoff::copy_from_user(dst, nullptr, 10) != 10) _exit(14);
    if (sendoff::copy_from_user(dst, mem.writable(), 300) != 0) _exit(15);
    iovec iov[2] = {{mem.writable(), 10}, {mem.hole(), 10}};
    if (sendoff::copy_from_user_iov(reinterpret_cast<uint8_t*>(dst), iov, 2, 20) != -EFAULT)
      _exit(16);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
