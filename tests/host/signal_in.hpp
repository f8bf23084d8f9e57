// SPDX-License-Identifier: MIT
// A SIGUSR1 handler that a helper thread fires at the calling thread after a
// delay: for the rows where a handler runs while a call sleeps (EINTR, or a
// restart under SA_RESTART). Counts the handler's runs.
#ifndef SENDOFF_TESTS_HOST_SIGNAL_IN_HPP
#define SENDOFF_TESTS_HOST_SIGNAL_IN_HPP

#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace test_env {

inline std::atomic<int> usr1_runs{0};
inline void on_usr1(int) { usr1_runs.fetch_add(1); }

class SignalIn {
 public:
  SignalIn(int sa_flags, std::chrono::milliseconds after) {
    struct sigaction sa {};
    sa.sa_handler = on_usr1;
    sa.sa_flags = sa_flags;
    sigaction(SIGUSR1, &sa, &old_);
    const pthread_t me = pthread_self();
    t_ = std::thread([me, after] {
      std::this_thread::sleep_for(after);
      pthread_kill(me, SIGUSR1);
    });
  }
  ~SignalIn() {
    t_.join();
    sigaction(SIGUSR1, &old_, nullptr);
  }
  SignalIn(const SignalIn&) = delete;
  SignalIn& operator=(const SignalIn&) = delete;

 private:
  struct sigaction old_ {};
  std::thread t_;
};

}  // namespace test_env

#endif  // SENDOFF_TESTS_HOST_SIGNAL_IN_HPP
