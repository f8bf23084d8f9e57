// SPDX-License-Identifier: MIT
#include "uaccess.hpp"

#include <dlfcn.h>
#include <pthread.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#if defined(__x86_64__)
#define SENDOFF_UACCESS_EXTABLE 1
// copy_user_64.S. The labels are code addresses, declared as bytes only to be compared.
extern "C" {
__attribute__((visibility("hidden"))) size_t sendoff_copy_user(void* dst, const void* src,
                                                                 size_t n);
__attribute__((visibility("hidden"))) extern const char sendoff_uaccess_begin[];
__attribute__((visibility("hidden"))) extern const char sendoff_uaccess_end[];
__attribute__((visibility("hidden"))) extern const char sendoff_uaccess_fixup[];
}
#else
// Other machines have no copy routine with a fixup yet: every copy takes the
// process_vm_readv fallback.
#define SENDOFF_UACCESS_EXTABLE 0
#endif

namespace sendoff {

namespace {

// ---- TASK_SIZE_MAX --------------------------------------------------------

uintptr_t probe_task_size_max() {
  const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
#if defined(__x86_64__)
  // x86-64 user space ends one page below 2^47 with 4-level paging and below
  // 2^56 with 5-level paging (the kernel's task_size_max()). Which one the
  // kernel runs is asked of the kernel itself: it places a mapping above 2^47
  // for a hint above 2^47 only when it runs 5-level paging
  // (Documentation/arch/x86/x86_64/5level-paging.rst), and ignores the hint
  // otherwise. The la57 CPU flag would only say what the CPU could do.
  void* hint = reinterpret_cast<void*>(uintptr_t{1} << 48);
  void* p = mmap(hint, page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  bool five_level = p != MAP_FAILED && reinterpret_cast<uintptr_t>(p) >= (uintptr_t{1} << 47);
  if (p != MAP_FAILED) munmap(p, page);
  return (uintptr_t{1} << (five_level ? 56 : 47)) - page;
#else
  // No probe here: only a range that wraps is refused before the copy, and
  // process_vm_readv's EFAULT covers the rest.
  return ~uintptr_t{0} - page + 1;
#endif
}

std::atomic<uintptr_t> task_size{0};

// ---- libc's sigaction -----------------------------------------------------

using SigactionFn = int (*)(int, const struct sigaction*, struct sigaction*);

// The sigaction after ours in symbol lookup order: libc's, or a sanitizer
// runtime's in front of it. Inside the LD_PRELOAD library the plain name would
// be the interposer itself. Resolved once, outside any signal handler.
SigactionFn real_sigaction() {
  static std::atomic<SigactionFn> fn{nullptr};
  SigactionFn f = fn.load(std::memory_order_acquire);
  if (!f) {
    f = reinterpret_cast<SigactionFn>(dlsym(RTLD_NEXT, "sigaction"));
    if (!f) f = ::sigaction;
    fn.store(f, std::memory_order_release);
  }
  return f;
}

// ---- the program's handler, behind ours -----------------------------------

// One sigaction, readable from a signal handler while another thread changes
// it: a sequence lock over atomic fields. Linux's signal numbers are 1..64,
// so the mask fits one word (bit sig-1).
struct ChainedAction {
  std::atomic<unsigned> seq{0};
  std::atomic<uintptr_t> handler{0};  // sa_handler or sa_sigaction
  std::atomic<int> flags{0};
  std::atomic<uint64_t> mask{0};
};

struct Action {
  uintptr_t handler;
  int flags;
  uint64_t mask;
};

ChainedAction chained_segv, chained_bus;

ChainedAction& chained(int sig) { return sig == SIGBUS ? chained_bus : chained_segv; }

Action load(const ChainedAction& c) {
  for (;;) {
    unsigned s = c.seq.load(std::memory_order_acquire);
    // Acquire loads keep the second look at seq after them (no fence: TSan
    // does not model fences).
    Action a{c.handler.load(std::memory_order_acquire), c.flags.load(std::memory_order_acquire),
             c.mask.load(std::memory_order_acquire)};
    if (!(s & 1) && c.seq.load(std::memory_order_relaxed) == s) return a;
  }
}

// Writers hold this lock with every signal blocked, so a handler never
// interrupts a writer on its own thread, and a handler may take it too.
std::atomic_flag chain_lock = ATOMIC_FLAG_INIT;

class ChainLock {
 public:
  ChainLock() {
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &saved_);
    while (chain_lock.test_and_set(std::memory_order_acquire)) {
    }
  }
  ~ChainLock() {
    chain_lock.clear(std::memory_order_release);
    pthread_sigmask(SIG_SETMASK, &saved_, nullptr);
  }
  ChainLock(const ChainLock&) = delete;
  ChainLock& operator=(const ChainLock&) = delete;

 private:
  sigset_t saved_;
};

void store(ChainedAction& c, const Action& a) {
  unsigned s = c.seq.load(std::memory_order_relaxed);
  // seq_cst: the fields are stored after seq turned odd (writers are rare).
  c.seq.store(s + 1, std::memory_order_seq_cst);
  c.handler.store(a.handler, std::memory_order_seq_cst);
  c.flags.store(a.flags, std::memory_order_seq_cst);
  c.mask.store(a.mask, std::memory_order_seq_cst);
  c.seq.store(s + 2, std::memory_order_release);
}

Action from_sigaction(const struct sigaction& sa) {
  Action a{0, sa.sa_flags, 0};
  a.handler = sa.sa_flags & SA_SIGINFO ? reinterpret_cast<uintptr_t>(sa.sa_sigaction)
                                       : reinterpret_cast<uintptr_t>(sa.sa_handler);
  for (int s = 1; s <= 64; ++s)
    if (sigismember(&sa.sa_mask, s) == 1) a.mask |= uint64_t{1} << (s - 1);
  return a;
}

void add_mask(sigset_t* set, uint64_t mask) {
  for (int s = 1; s <= 64; ++s)
    if (mask >> (s - 1) & 1) sigaddset(set, s);
}

struct sigaction to_sigaction(const Action& a) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  if (a.flags & SA_SIGINFO)
    sa.sa_sigaction = reinterpret_cast<void (*)(int, siginfo_t*, void*)>(a.handler);
  else
    sa.sa_handler = reinterpret_cast<void (*)(int)>(a.handler);
  sa.sa_flags = a.flags;
  sigemptyset(&sa.sa_mask);
  add_mask(&sa.sa_mask, a.mask);
  return sa;
}

// True while our handler is the one installed (as far as we know: a program
// that calls the raw syscall, or libc's sigaction past the interposer,
// replaces it unseen).
std::atomic<bool> installed{false};

// ---- the handler ----------------------------------------------------------

// A fault that is not ours goes where it would have gone without us.
void chain(int sig, siginfo_t* info, ucontext_t* uc) {
  int saved_errno = errno;
  Action a = load(chained(sig));
  bool sent = info->si_code <= 0;  // kill(), tgkill(), sigqueue(): not a fault
  auto h = reinterpret_cast<void (*)(int)>(a.handler);
  if (h == SIG_IGN && sent) return;
  if (h == SIG_DFL || h == SIG_IGN) {
    // The default action, as the kernel takes it for a fault nobody handles
    // (force_sig_fault makes an ignored fault SIG_DFL, kernel/signal.c): put
    // SIG_DFL in place and let the fault happen again on return, or send the
    // signal again. From here copies take the fallback.
    installed.store(false, std::memory_order_relaxed);
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    real_sigaction()(sig, &dfl, nullptr);
    if (sent) raise(sig);
    errno = saved_errno;
    return;
  }
  // The mask the kernel would have set for that handler (signal_delivered()).
  // Ours runs with SA_ONSTACK, so the program's runs on the alternate stack
  // whenever there is one.
  sigset_t m = uc->uc_sigmask;
  add_mask(&m, a.mask);
  if (!(a.flags & SA_NODEFER)) sigaddset(&m, sig);
  pthread_sigmask(SIG_SETMASK, &m, nullptr);
  if (a.flags & SA_RESETHAND) {
    ChainLock l;
    store(chained(sig), Action{reinterpret_cast<uintptr_t>(SIG_DFL), a.flags, a.mask});
  }
  errno = saved_errno;
  if (a.flags & SA_SIGINFO)
    reinterpret_cast<void (*)(int, siginfo_t*, void*)>(a.handler)(sig, info, uc);
  else
    h(sig);
}

#if SENDOFF_UACCESS_EXTABLE
// The exception table: a fault in [begin, end) resumes at the fixup, which
// returns what rep movsb had left (RCX). Async-signal-safe.
void uaccess_fault(int sig, siginfo_t* info, void* ctx) {
  auto* uc = static_cast<ucontext_t*>(ctx);
  greg_t& rip = uc->uc_mcontext.gregs[REG_RIP];
  auto ip = static_cast<uintptr_t>(rip);
  if (info->si_code > 0 && ip >= reinterpret_cast<uintptr_t>(sendoff_uaccess_begin) &&
      ip < reinterpret_cast<uintptr_t>(sendoff_uaccess_end)) {
    rip = static_cast<greg_t>(reinterpret_cast<uintptr_t>(sendoff_uaccess_fixup));
    return;
  }
  chain(sig, info, uc);
}

bool is_ours(const struct sigaction& sa) {
  return (sa.sa_flags & SA_SIGINFO) && sa.sa_sigaction == uaccess_fault;
}
#endif

// ---- the fallback: a syscall per copy, the kernel's copy reports EFAULT -----

constexpr size_t kIovMax = 1024;  // process_vm_readv's segment limit a call

// getpid() is a syscall on every call in current glibc; cache it, and take
// it anew in the child of a fork.
pid_t cached_pid = [] {
  pthread_atfork(nullptr, nullptr, [] { cached_pid = getpid(); });
  return getpid();
}();

size_t fallback_read(void* to, const void* from, size_t n) {
  iovec local{to, n};
  iovec remote{const_cast<void*>(from), n};
  ssize_t r = process_vm_readv(cached_pid, &local, 1, &remote, 1, 0);
  return r < 0 ? n : n - static_cast<size_t>(r);
}

size_t fallback_write(void* to, const void* from, size_t n) {
  iovec local{const_cast<void*>(from), n};
  iovec remote{to, n};
  ssize_t r = process_vm_writev(cached_pid, &local, 1, &remote, 1, 0);
  return r < 0 ? n : n - static_cast<size_t>(r);
}

int fallback_read_iov(uint8_t* dst, const iovec* iov, size_t iovlen, size_t len) {
  size_t done = 0;
  for (size_t i = 0; i < iovlen && done < len;) {
    size_t n = iovlen - i < kIovMax ? iovlen - i : kIovMax;
    size_t want = 0;
    for (size_t k = 0; k < n; ++k) want += iov[i + k].iov_len;
    if (want > len - done) want = len - done;
    if (want) {
      iovec local{dst + done, want};
      ssize_t r = process_vm_readv(cached_pid, &local, 1, iov + i, n, 0);
      if (r != static_cast<ssize_t>(want)) return -EFAULT;
    }
    done += want;
    i += n;
  }
  return 0;
}

// raw_copy_{from,to}_user: no range check. Bytes not copied.
size_t raw_copy_from_user(void* to, const void* from, size_t n) {
#if SENDOFF_UACCESS_EXTABLE
  if (installed.load(std::memory_order_relaxed)) return sendoff_copy_user(to, from, n);
#endif
  return fallback_read(to, from, n);
}

size_t raw_copy_to_user(void* to, const void* from, size_t n) {
#if SENDOFF_UACCESS_EXTABLE
  if (installed.load(std::memory_order_relaxed)) return sendoff_copy_user(to, from, n);
#endif
  return fallback_write(to, from, n);
}

}  // namespace

uintptr_t task_size_max() {
  uintptr_t t = task_size.load(std::memory_order_relaxed);
  if (!t) {
    t = probe_task_size_max();
    task_size.store(t, std::memory_order_relaxed);
  }
  return t;
}

bool uaccess_init() {
  task_size_max();
#if SENDOFF_UACCESS_EXTABLE
  SigactionFn real = real_sigaction();
  ChainLock l;
  const int sigs[] = {SIGSEGV, SIGBUS};
  struct sigaction old[2];
  bool replaced[2] = {false, false};
  struct sigaction ours;
  memset(&ours, 0, sizeof ours);
  ours.sa_sigaction = uaccess_fault;
  // SA_ONSTACK: a fault from a program's stack overflow still finds a stack.
  ours.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
  sigemptyset(&ours.sa_mask);
  bool ok = true;
  for (int i = 0; i < 2 && ok; ++i) {
    ok = real(sigs[i], nullptr, &old[i]) == 0;
    if (!ok || is_ours(old[i])) continue;
    // Whatever is there now (the program's handler, a sanitizer's, SIG_DFL)
    // is where faults outside the copy go.
    store(chained(sigs[i]), from_sigaction(old[i]));
    ok = real(sigs[i], &ours, nullptr) == 0;
    replaced[i] = ok;
  }
  if (!ok) {
    for (int i = 0; i < 2; ++i)
      if (replaced[i]) real(sigs[i], &old[i], nullptr);
  }
  installed.store(ok, std::memory_order_release);
  return ok;
#else
  return false;
#endif
}

bool uaccess_exception_table() { return installed.load(std::memory_order_acquire); }

int uaccess_sigaction(int sig, const struct sigaction* act, struct sigaction* oldact) {
  if (sig == SIGSEGV || sig == SIGBUS) {
    ChainLock l;
    if (installed.load(std::memory_order_relaxed)) {
      if (oldact) *oldact = to_sigaction(load(chained(sig)));
      if (act) store(chained(sig), from_sigaction(*act));
      return 0;
    }
    return real_sigaction()(sig, act, oldact) == 0 ? 0 : -errno;
  }
  return real_sigaction()(sig, act, oldact) == 0 ? 0 : -errno;
}

bool access_ok(const void* p, size_t len) {
  uintptr_t a = reinterpret_cast<uintptr_t>(p);
  uintptr_t limit = task_size_max();
  return len <= limit && a <= limit - len;
}

size_t copy_from_user(void* to, const void* from, size_t n) {
  size_t left = n;
  if (n && access_ok(from, n)) left = raw_copy_from_user(to, from, n);
  // As _copy_from_user: what was not copied is zeroed, never left stale.
  if (left) memset(static_cast<uint8_t*>(to) + (n - left), 0, left);
  return left;
}

size_t copy_to_user(void* to, const void* from, size_t n) {
  if (!n) return 0;
  if (!access_ok(to, n)) return n;
  return raw_copy_to_user(to, from, n);
}

int copy_from_user_iov(uint8_t* dst, const iovec* iov, size_t iovlen, size_t len) {
#if SENDOFF_UACCESS_EXTABLE
  if (installed.load(std::memory_order_relaxed)) {
    size_t done = 0;
    for (size_t i = 0; i < iovlen && done < len; ++i) {
      size_t n = iov[i].iov_len < len - done ? iov[i].iov_len : len - done;
      if (n && sendoff_copy_user(dst + done, iov[i].iov_base, n)) return -EFAULT;
      done += n;
    }
    return 0;
  }
#endif
  return fallback_read_iov(dst, iov, iovlen, len);
}

size_t fault_in_iov_readable(const iovec* iov, size_t iovlen, size_t len) {
  constexpr uintptr_t kPage = 4096;
  size_t left = len;
  for (size_t i = 0; i < iovlen && left; ++i) {
    size_t n = iov[i].iov_len < left ? iov[i].iov_len : left;
    if (!n) continue;
    auto p = reinterpret_cast<uintptr_t>(iov[i].iov_base);
    const uintptr_t end = p + n;
    for (uintptr_t a = p; a < end; a = (a & ~(kPage - 1)) + kPage) {
      uint8_t b;
      if (copy_from_user(&b, reinterpret_cast<const void*>(a), 1)) return left - (a - p);
    }
    left -= n;
  }
  return 0;
}

}  // namespace sendoff
