// SPDX-License-Identifier: MIT
#include "signal.hpp"

#include <pthread.h>

#include <cerrno>

namespace sendoff {

sleep_signals::sleep_signals() {
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &saved_);
}

sleep_signals::~sleep_signals() { pthread_sigmask(SIG_SETMASK, &saved_, nullptr); }

int sleep_signals::signal_pending() {
  sigset_t pending;
  if (sigpending(&pending) != 0) return 0;
  bool came = false, handler = false, restart = true;
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sigismember(&pending, sig) != 1 || sigismember(&saved_, sig) == 1) continue;
    came = true;
    struct sigaction sa {};
    if (sigaction(sig, nullptr, &sa) != 0) continue;
    // sa_handler and sa_sigaction share their storage: one test covers both.
    if (sa.sa_handler == SIG_DFL || sa.sa_handler == SIG_IGN) continue;
    handler = true;
    if (!(sa.sa_flags & SA_RESTART)) restart = false;
  }
  if (!came) return 0;
  // Delivered here, on the way out of the mask change; then blocked again.
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &saved_, nullptr);
  pthread_sigmask(SIG_BLOCK, &all, nullptr);
  if (!handler) return 0;
  return restart ? -ERESTARTSYS : -EINTR;
}

}  // namespace sendoff
