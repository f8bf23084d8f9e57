// SPDX-License-Identifier: MIT
#include "syscall_count.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace sendoff {
namespace bench {

namespace {

bool run_traced(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                const std::set<long>& ignore, bool trace, TracedRun* run, std::string* err) {
  *run = TracedRun{};
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) {
    *err = std::string("pipe: ") + strerror(errno);
    return false;
  }
  std::vector<std::string> envs;
  for (char** e = environ; *e; ++e) envs.emplace_back(*e);
  envs.insert(envs.end(), env.begin(), env.end());
  std::vector<char*> av, ev;
  for (const auto& a : argv) av.push_back(const_cast<char*>(a.c_str()));
  av.push_back(nullptr);
  for (const auto& e : envs) ev.push_back(const_cast<char*>(e.c_str()));
  ev.push_back(nullptr);

  pid_t child = fork();
  if (child < 0) {
    *err = std::string("fork: ") + strerror(errno);
    return false;
  }
  if (child == 0) {
    dup2(out[1], 1);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    if (trace) {
      ptrace(PTRACE_TRACEME, 0, nullptr, nullptr);
      raise(SIGSTOP);
    }
    execve(av[0], av.data(), ev.data());
    _exit(127);
  }
  close(out[1]);
  int st;
  if (!trace) {
    char buf[4096];
    ssize_t n;
    while ((n = read(out[0], buf, sizeof buf)) > 0) run->out.append(buf, static_cast<size_t>(n));
    close(out[0]);
    waitpid(child, &st, 0);
    run->exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return true;
  }
  if (waitpid(child, &st, 0) != child || !WIFSTOPPED(st)) {
    *err = "the traced program did not stop for its tracer";
    close(out[0]);
    return false;
  }
  ptrace(PTRACE_SETOPTIONS, child, nullptr,
         PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK |
             PTRACE_O_TRACEVFORK | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL);
  ptrace(PTRACE_SYSCALL, child, nullptr, nullptr);

  // Read the output as it comes, so a chatty program never blocks on the pipe.
  fcntl(out[0], F_SETFL, O_NONBLOCK);
  auto drain = [&] {
    char buf[4096];
    ssize_t n;
    while ((n = read(out[0], buf, sizeof buf)) > 0) run->out.append(buf, static_cast<size_t>(n));
  };
  for (;;) {
    pid_t pid = waitpid(-1, &st, __WALL);
    drain();
    if (pid < 0) break;  // no traced thread left
    if (WIFEXITED(st) || WIFSIGNALED(st)) {
      if (pid == child) run->exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      continue;
    }
    if (!WIFSTOPPED(st)) continue;
    int sig = WSTOPSIG(st);
    int deliver = 0;
    if (sig == (SIGTRAP | 0x80)) {
      __ptrace_syscall_info info{};
      long n = ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof info, &info);
      if (n > 0 && info.op == PTRACE_SYSCALL_INFO_ENTRY &&
          !ignore.count(static_cast<long>(info.entry.nr)))
        ++run->syscalls[pid];
    } else if (sig == SIGTRAP || sig == SIGSTOP) {
      // ptrace events (clone, exec) and a new thread's first stop.
    } else {
      deliver = sig;
    }
    ptrace(PTRACE_SYSCALL, pid, nullptr, reinterpret_cast<void*>(static_cast<long>(deliver)));
  }
  drain();
  close(out[0]);
  return true;
}

}  // namespace

bool run_counting_syscalls(const std::vector<std::string>& argv,
                           const std::vector<std::string>& env, const std::set<long>& ignore,
                           TracedRun* run, std::string* err) {
  return run_traced(argv, env, ignore, true, run, err);
}

bool run_with_env(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                  TracedRun* run, std::string* err) {
  return run_traced(argv, env, {}, false, run, err);
}

}  // namespace bench
}  // namespace sendoff
