// SPDX-License-Identifier: MIT
// signal_pending and sock_intr_errno for a thread that sleeps on the NIC.
// That sleep is a condition variable, deaf to signals, so a handler could not
// end it as it ends a task's sleep in the kernel. sleep_signals holds the
// caller's signals off while it sleeps and lets them in at each wake-up.
#ifndef SENDOFF_NET_SIGNAL_HPP
#define SENDOFF_NET_SIGNAL_HPP

#include <signal.h>

#include <cerrno>

namespace sendoff {

// Linux's ERESTARTSYS (include/linux/errno.h): never seen by the caller.
constexpr int ERESTARTSYS = 512;

class sleep_signals {
 public:
  sleep_signals();   // blocks every signal, keeping the caller's mask
  ~sleep_signals();  // the caller's mask again: what is pending is taken then
  sleep_signals(const sleep_signals&) = delete;
  sleep_signals& operator=(const sleep_signals&) = delete;

  // Takes the signals that came while blocked (the caller's mask would have
  // let them in). 0 when no handler ran (none came, or ones whose default
  // action is to be ignored, to stop or to end the process); -ERESTARTSYS
  // when every handler that ran has SA_RESTART; -EINTR otherwise.
  int signal_pending();

 private:
  sigset_t saved_;
};

// sock_intr_errno, resolved as the signal code resolves -ERESTARTSYS: a call
// with a timeout (SO_SNDTIMEO, SO_RCVTIMEO) ends with EINTR; one without
// restarts (0: go on waiting) when the handler has SA_RESTART.
inline int sock_intr_errno(int pending, bool timed) {
  if (pending == -EINTR || (pending == -ERESTARTSYS && timed)) return -EINTR;
  return 0;
}

}  // namespace sendoff

#endif  // SENDOFF_NET_SIGNAL_HPP
