// SPDX-License-Identifier: MIT
// LD_PRELOAD end to end: an unmodified C program (udp_client.c) sends through
// libsendoff_preload.so; the frames sendoff's NIC wrote to a pcap carry its
// datagrams, in order. The test runs in a private, empty network namespace,
// so a datagram that slipped past the interposer to the kernel has no route
// and fails the client rather than leaving the machine. fault_client.c: bad
// buffers and a program's own SIGSEGV handler under the interposer.
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#ifndef SENDOFF_PRELOAD_LIB
#error "SENDOFF_PRELOAD_LIB must name libsendoff_preload.so"
#endif

namespace {

std::vector<std::string> udp_payloads_from_pcap(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::vector<uint8_t> b((std::istreambuf_iterator<char>(f)), {});
  std::vector<std::string> out;
  size_t off = 24;  // pcap file header
  while (off + 16 <= b.size()) {
    uint32_t caplen = b[off + 8] | b[off + 9] << 8 | b[off + 10] << 16 | b[off + 11] << 24;
    const uint8_t* fr = b.data() + off + 16;
    off += 16 + caplen;
    if (caplen < 42 || fr[23] != 17) continue;
    size_t udp_len = fr[38] << 8 | fr[39];
    out.emplace_back(reinterpret_cast<const char*>(fr + 42), udp_len - 8);
  }
  return out;
}

// Runs an unmodified program under libsendoff_preload.so in a private, empty
// network namespace, its frames written to a pcap: its wait status and the
// UDP payloads of those frames.
struct PreloadRun {
  int status = -1;
  std::vector<std::string> payloads;
};

// broken_config: a configuration the stack refuses, so it cannot start. arg2: a second
// argument; out: the program's standard output; preload false: the same run without the
// library (the kernel's answers).
PreloadRun run_under_preload(const char* program, const char* arg, bool broken_config = false,
                             const char* arg2 = nullptr, std::string* out = nullptr,
                             bool preload = true) {
  PreloadRun run;
  if (unshare(CLONE_NEWNET) != 0) {
    ADD_FAILURE() << "unshare(CLONE_NEWNET): needs root";
    return run;
  }
  char dir[] = "/tmp/sendoff-preload-XXXXXX";
  if (!mkdtemp(dir)) {
    ADD_FAILURE() << "mkdtemp";
    return run;
  }
  const std::string conf = std::string(dir) + "/sendoff.conf";
  const std::string pcap = std::string(dir) + "/out.pcap";
  std::ofstream(conf) << (broken_config ? "no such directive\n"
                                        : "local 198.18.0.1/15\nneigh 198.18.0.2 02:00:00:00:00:02\n");

  int pipefd[2] = {-1, -1};
  if (out && pipe(pipefd) != 0) {
    ADD_FAILURE() << "pipe";
    return run;
  }
  pid_t pid = fork();
  if (pid == 0) {
    if (out) {
      dup2(pipefd[1], 1);
      close(pipefd[0]);
      close(pipefd[1]);
    }
    // In a sanitizer build the sanitizer's runtime must load first (tests/preload/CMakeLists).
    const std::string first = SENDOFF_PRELOAD_FIRST;
    const std::string libs =
        first.empty() ? SENDOFF_PRELOAD_LIB : first + ":" + SENDOFF_PRELOAD_LIB;
    if (preload) setenv("LD_PRELOAD", libs.c_str(), 1);
    setenv("SENDOFF_CONFIG", conf.c_str(), 1);
    setenv("SENDOFF_PCAP", pcap.c_str(), 1);
    execl(program, program, arg, arg2, static_cast<char*>(nullptr));
    _exit(127);
  }
  if (out) {
    close(pipefd[1]);
    char b[4096];
    for (ssize_t n; (n = read(pipefd[0], b, sizeof b)) > 0;) out->append(b, static_cast<size_t>(n));
    close(pipefd[0]);
  }
  if (waitpid(pid, &run.status, 0) != pid) ADD_FAILURE() << "waitpid";
  run.payloads = udp_payloads_from_pcap(pcap);
  unlink(conf.c_str());
  unlink(pcap.c_str());
  rmdir(dir);
  return run;
}

TEST(Preload, AnUnmodifiedProgramSendsThroughSendoff) {
  PreloadRun run = run_under_preload(SENDOFF_UDP_CLIENT, "25");
  ASSERT_TRUE(WIFEXITED(run.status)) << run.status;
  ASSERT_EQ(WEXITSTATUS(run.status), 0);
  std::vector<std::string> want;
  for (int i = 0; i < 25; ++i) want.push_back("datagram " + std::to_string(i));
  want.insert(want.end(), {"via send", "via write", "via sendmsg"});
  EXPECT_EQ(run.payloads, want);
}

TEST(Preload, BadBuffersAreEfaultWithoutASyscallAndTheProgramKeepsItsSigsegvHandler) {
  // fault_client.c checks each row itself; a process_vm_readv ends it with SIGSYS.
  PreloadRun run = run_under_preload(SENDOFF_FAULT_CLIENT, nullptr);
  ASSERT_TRUE(WIFEXITED(run.status)) << "killed by signal "
                                     << (WIFSIGNALED(run.status) ? WTERMSIG(run.status) : 0);
  ASSERT_EQ(WEXITSTATUS(run.status), 0);
  EXPECT_EQ(run.payloads, std::vector<std::string>{"after the faults"});
}

// Copies of a socket's fd (dup, dup2, dup3, F_DUPFD), sendfile, ioctl, getpeername and
// close_range under the interposer: every datagram leaves through sendoff, none is lost
// on the placeholder fd.
TEST(Preload, CopiesOfASocketsFdSendThroughTheSameSocket) {
  PreloadRun run = run_under_preload(SENDOFF_FD_CLIENT, nullptr);
  ASSERT_TRUE(WIFEXITED(run.status)) << run.status;
  ASSERT_EQ(WEXITSTATUS(run.status), 0);
  EXPECT_EQ(run.payloads, (std::vector<std::string>{"via dup write", "via dup2 writev",
                                                     "via F_DUPFD", "via sendfile",
                                                     "after close", "below the range",
                                                     "after closing all"}));
}

// fork(): the child never sends through the parent's stack (ENETDOWN on the inherited
// socket; a new socket is the kernel's, or ENETDOWN with SENDOFF_STRICT=1); the parent
// goes on sending.
TEST(Preload, AForkedChildNeverSendsThroughTheParentsStack) {
  for (const char* mode : {"fork", "fork-strict"}) {
    SCOPED_TRACE(mode);
    if (std::string(mode) == "fork-strict") setenv("SENDOFF_STRICT", "1", 1);
    PreloadRun run = run_under_preload(SENDOFF_FORK_CLIENT, mode);
    unsetenv("SENDOFF_STRICT");
    ASSERT_TRUE(WIFEXITED(run.status)) << run.status;
    EXPECT_EQ(WEXITSTATUS(run.status), 0);
    EXPECT_EQ(run.payloads, (std::vector<std::string>{"before fork", "after fork"}));
  }
}

// A stack that cannot start: the program's sockets are the kernel's, or refused with
// SENDOFF_STRICT=1.
TEST(Preload, WhenTheStackCannotStartSocketsAreTheKernelsUnlessStrict) {
  for (const char* mode : {"nostack", "nostack-strict"}) {
    SCOPED_TRACE(mode);
    if (std::string(mode) == "nostack-strict") setenv("SENDOFF_STRICT", "1", 1);
    PreloadRun run = run_under_preload(SENDOFF_FORK_CLIENT, mode, true);
    unsetenv("SENDOFF_STRICT");
    ASSERT_TRUE(WIFEXITED(run.status)) << run.status;
    EXPECT_EQ(WEXITSTATUS(run.status), 0);
    EXPECT_TRUE(run.payloads.empty());
  }
}

// python3's socket module: writes on a dup of a connected socket leave through sendoff,
// and socket options read back as the kernel's.
TEST(Preload, Python3SocketsPlainAndUnderThePreloadLibrary) {
  // In a sanitizer build the runtime goes into python3 too: python's own allocations at
  // exit are not sendoff's leaks.
  setenv("ASAN_OPTIONS", "detect_leaks=0", 1);
  std::string plain, preloaded;
  PreloadRun k = run_under_preload(SENDOFF_PYTHON3, SENDOFF_PYTHON_SOCKETS, false, "opts", &plain,
                                   false);
  ASSERT_TRUE(WIFEXITED(k.status) && WEXITSTATUS(k.status) == 0) << k.status;
  PreloadRun p = run_under_preload(SENDOFF_PYTHON3, SENDOFF_PYTHON_SOCKETS, false, "opts",
                                   &preloaded);
  ASSERT_TRUE(WIFEXITED(p.status) && WEXITSTATUS(p.status) == 0) << p.status;
  EXPECT_NE(plain.find("SO_KEEPALIVE"), std::string::npos) << plain;
  EXPECT_EQ(preloaded, plain);
  PreloadRun send = run_under_preload(SENDOFF_PYTHON3, SENDOFF_PYTHON_SOCKETS, false, "send");
  ASSERT_TRUE(WIFEXITED(send.status)) << send.status;
  EXPECT_EQ(WEXITSTATUS(send.status), 0);
  EXPECT_EQ(send.payloads,
            (std::vector<std::string>{"python write", "python writev", "python send"}));
  unsetenv("ASAN_OPTIONS");
}

}  // namespace
