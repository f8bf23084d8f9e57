// SPDX-License-Identifier: MIT
// LD_PRELOAD end to end: an unmodified C program (udp_client.c) sends through
// libsendoff_preload.so; the frames sendoff's NIC wrote to a pcap carry its
// datagrams, in order. The test runs in a private, empty network namespace,
// so a datagram that slipped past the interposer to the kernel has no route
// and fails the client rather than leaving the machine. fault_client.c: bad
// buffers and a program's own SIGSEGV handler under the interposer. PreloadTcp:
// python3 and tcp_client.c send a file over sendoff's TCP to a Linux server.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "pcap_file.hpp"

#ifndef SENDOFF_PRELOAD_LIB
#error "SENDOFF_PRELOAD_LIB must name libsendoff_preload.so"
#endif

namespace {

std::vector<std::string> udp_payloads_from_pcap(const std::string& path) {
  std::string err;
  std::vector<std::string> out;
  for (const auto& fr : sendoff::test::read_pcap_frames(path, &err)) {
    if (fr.size() < 42 || fr[23] != 17) continue;
    const size_t udp_len = fr[38] << 8 | fr[39];
    out.emplace_back(reinterpret_cast<const char*>(fr.data() + 42), udp_len - 8);
  }
  return out;
}

// Starts argv[0] with its arguments, under libsendoff_preload.so unless `preload` is
// false, its stack configured by conf (its frames also to pcap, when given): the pid, and
// in *out_fd (when asked) the read end of a pipe that is its standard output.
pid_t spawn(const std::vector<const char*>& argv, const std::string& conf,
            const std::string& pcap, bool preload = true, int* out_fd = nullptr) {
  int pipefd[2] = {-1, -1};
  if (out_fd && pipe(pipefd) != 0) {
    ADD_FAILURE() << "pipe";
    return -1;
  }
  pid_t pid = fork();
  if (pid == 0) {
    if (out_fd) {
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
    if (!pcap.empty()) setenv("SENDOFF_PCAP", pcap.c_str(), 1);
    std::vector<char*> args;
    for (const char* a : argv) args.push_back(const_cast<char*>(a));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  if (out_fd) {
    close(pipefd[1]);
    *out_fd = pipefd[0];
  }
  return pid;
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
  int out_fd = -1;
  const pid_t pid = spawn({program, arg, arg2}, conf, pcap, preload, out ? &out_fd : nullptr);
  if (out_fd >= 0) {
    char b[4096];
    for (ssize_t n; (n = read(out_fd, b, sizeof b)) > 0;) out->append(b, static_cast<size_t>(n));
    close(out_fd);
  }
  if (pid < 0 || waitpid(pid, &run.status, 0) != pid) ADD_FAILURE() << "waitpid";
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


// TCP under the preload library, to the kernel: this test process's own network namespace
// (it goes when the process exits) with a persistent TAP whose kernel side is
// 198.18.0.2/15; the program's stack puts its NIC's port on that TAP (its config's tap
// line) as 198.18.0.1. A socket that slipped past the interposer to the kernel would
// connect to its own address through loopback: the peer the server sees, 198.18.0.1,
// and the TAP's receive counter show the bytes crossed sendoff's NIC.
constexpr const char* kTap = "sndf0";
constexpr uint16_t kPort = 9100;

std::string sha256_of(const std::string& path) {
  std::string out;
  if (FILE* p = popen(("sha256sum " + path).c_str(), "r")) {
    char b[128];
    while (fgets(b, sizeof b, p)) out += b;
    pclose(p);
  }
  return out.substr(0, 64);
}

// Bytes the kernel received on the TAP (/proc/net/dev is this namespace's).
long long tap_rx_bytes() {
  std::ifstream f("/proc/self/net/dev");
  std::string line;
  while (std::getline(f, line)) {
    const size_t at = line.find(std::string(kTap) + ":");
    if (at != std::string::npos) return std::stoll(line.substr(at + strlen(kTap) + 1));
  }
  return -1;
}

class PreloadTcp : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(unshare(CLONE_NEWNET), 0) << "unshare(CLONE_NEWNET): needs root";
    ASSERT_TRUE(mkdtemp(dir_)) << "mkdtemp";
    ASSERT_EQ(std::system("ip tuntap add dev sndf0 mode tap"), 0);
    // Only the test's traffic on the port: no IPv6 there.
    std::ofstream("/proc/sys/net/ipv6/conf/sndf0/disable_ipv6") << "1\n";
    ASSERT_EQ(std::system("ip link set sndf0 address 02:00:00:00:00:02 txqueuelen 10000 up"), 0);
    ASSERT_EQ(std::system("ip addr add 198.18.0.2/15 dev sndf0"), 0);
    ASSERT_EQ(std::system("ip neigh replace 198.18.0.1 lladdr 02:00:00:00:00:01 dev sndf0 "
                          "nud permanent"),
              0);
    conf_ = path("sendoff.conf");
    std::ofstream(conf_) << "local 198.18.0.1/15\ntap " << kTap
                         << "\nneigh 198.18.0.2 02:00:00:00:00:02\n";
    // 4 MiB of a pattern that repeats nowhere within it.
    std::string data(4 << 20, '\0');
    for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>((i * 2654435761u) >> 13);
    file_ = path("in.bin");
    std::ofstream(file_, std::ios::binary) << data;
  }
  void TearDown() override {
    if (server_.joinable()) server_.join();
    if (listener_ >= 0) close(listener_);
    for (const char* f : {"sendoff.conf", "in.bin", "received.bin"}) unlink(path(f).c_str());
    rmdir(dir_);
  }
  std::string path(const char* name) const { return std::string(dir_) + "/" + name; }

  // The kernel's server on 198.18.0.2:kPort, with a small receive buffer (the client's
  // sends then fill sendoff's send queue while it reads nothing): accepts one connection,
  // reads nothing until go_, then everything to EOF into received.bin, answers
  // "sha256 <digest> bytes <count>" and closes; with reset_, resets it once go_ is set.
  void start_server() {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(listener_, 0);
    const int rcvbuf = 16384;
    ASSERT_EQ(setsockopt(listener_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf), 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(0xC6120002);
    a.sin_port = htons(kPort);
    ASSERT_EQ(bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0) << strerror(errno);
    ASSERT_EQ(listen(listener_, 1), 0);
    server_ = std::thread([this] {
      pollfd p{listener_, POLLIN, 0};
      if (poll(&p, 1, 60000) != 1) return;
      sockaddr_in from{};
      socklen_t fl = sizeof from;
      const int c = accept(listener_, reinterpret_cast<sockaddr*>(&from), &fl);
      if (c < 0) return;
      char peer[INET_ADDRSTRLEN];
      inet_ntop(AF_INET, &from.sin_addr, peer, sizeof peer);
      peer_ = peer;
      if (reset_) {
        // Not before the client has seen its connect complete (it says "local"):
        // a RST in between would be its SO_ERROR there, on Linux too.
        for (int i = 0; i < 6000 && !go_; ++i) usleep(10000);
        const linger now{1, 0};  // close sends a RST
        setsockopt(c, SOL_SOCKET, SO_LINGER, &now, sizeof now);
        close(c);
        return;
      }
      for (int i = 0; i < 6000 && !go_; ++i) usleep(10000);
      const timeval tv{60, 0};
      setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      std::ofstream out(path("received.bin"), std::ios::binary);
      char b[65536];
      ssize_t n;
      while ((n = recv(c, b, sizeof b, 0)) > 0) {
        out.write(b, n);
        received_ += n;
      }
      eof_ = n == 0;
      out.close();
      const std::string reply = "sha256 " + sha256_of(path("received.bin")) + " bytes " +
                                std::to_string(received_) + "\n";
      if (send(c, reply.data(), reply.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(reply.size()))
        eof_ = false;
      close(c);
    });
  }

  // Runs argv under the preload library (SENDOFF_STRICT: a socket sendoff cannot take
  // fails rather than going to the kernel), `on_line` seeing each line of its standard
  // output: the output and its exit code (-1: it did not end within two minutes).
  int run(const std::vector<const char*>& argv, std::string* out,
          const std::function<void(const std::string&)>& on_line = nullptr) {
    setenv("SENDOFF_STRICT", "1", 1);
    setenv("SENDOFF_BACKEND", "csim", 1);
    int fd = -1;
    const pid_t pid = spawn(argv, conf_, "", true, &fd);
    unsetenv("SENDOFF_STRICT");
    unsetenv("SENDOFF_BACKEND");
    if (pid < 0) return -1;
    std::string line;
    bool silent = false;  // two minutes without output
    for (char c;;) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 120000) != 1) silent = true;
      if (silent || read(fd, &c, 1) != 1) break;
      *out += c;
      if (c != '\n') {
        line += c;
      } else {
        if (on_line) on_line(line);
        line.clear();
      }
    }
    close(fd);
    if (silent) kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    if (silent) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  void expect_file_arrived(const std::string& out) {
    EXPECT_TRUE(eof_) << out;
    EXPECT_EQ(received_, 4 << 20) << out;
    const std::string digest = sha256_of(file_);
    EXPECT_EQ(sha256_of(path("received.bin")), digest);
    EXPECT_NE(out.find("reply sha256 " + digest + " bytes 4194304"), std::string::npos) << out;
    EXPECT_EQ(peer_, "198.18.0.1");
    EXPECT_NE(out.find("local 198.18.0.1\n"), std::string::npos) << out;
    EXPECT_GE(tap_rx_bytes(), 4 << 20);
  }

  char dir_[32] = "/tmp/sendoff-preload-XXXXXX";
  std::string conf_, file_;
  int listener_ = -1;
  std::thread server_;
  std::atomic<bool> go_{false};
  bool reset_ = false;  // the server resets the connection it accepts
  std::string peer_;
  long long received_ = 0;
  bool eof_ = false;
};

// python3's socket module sends a file over sendoff's TCP: create_connection (a
// nonblocking connect python awaits with poll), sendall, socket.sendfile, shutdown, the
// reply read to EOF. The kernel's SHA-256 of what it received is the file's.
TEST_F(PreloadTcp, Python3SendsAFileToALinuxServer) {
  setenv("ASAN_OPTIONS", "detect_leaks=0", 1);  // python's own allocations are not sendoff's
  go_ = true;
  start_server();
  std::string out;
  const std::string port = std::to_string(kPort);
  const int code =
      run({SENDOFF_PYTHON3, SENDOFF_PYTHON_TCP, file_.c_str(), "198.18.0.2", port.c_str()}, &out);
  unsetenv("ASAN_OPTIONS");
  server_.join();
  EXPECT_EQ(code, 0) << out;
  expect_file_arrived(out);
  EXPECT_NE(out.find("sha256 " + sha256_of(file_)), std::string::npos) << out;
}

// A program that exits as soon as its last send returns, its socket still open: the
// stack's exit closes the socket and lets the connection deliver what it holds and its FIN,
// as Linux keeps a connection after its process.
TEST_F(PreloadTcp, Python3ExitsRightAfterItsLastSendAndEveryByteArrives) {
  setenv("ASAN_OPTIONS", "detect_leaks=0", 1);
  go_ = true;
  start_server();
  std::string out;
  const std::string port = std::to_string(kPort);
  const int code = run(
      {SENDOFF_PYTHON3, SENDOFF_PYTHON_TCP, file_.c_str(), "198.18.0.2", port.c_str(), "exit"},
      &out);
  unsetenv("ASAN_OPTIONS");
  server_.join();
  EXPECT_EQ(code, 0) << out;
  EXPECT_TRUE(eof_) << out;
  EXPECT_EQ(received_, 4 << 20) << out;
  EXPECT_EQ(sha256_of(path("received.bin")), sha256_of(file_));
  EXPECT_EQ(peer_, "198.18.0.1");
}

// python3's socket module as a server: bind, listen and accept (poll on the listener,
// then accept4) on sendoff's TCP; a kernel client in the namespace sends the file and
// closes; the server's SHA-256 of what it read is the file's.
TEST_F(PreloadTcp, Python3AcceptsAConnectionAndReceivesAFileFromALinuxClient) {
  setenv("ASAN_OPTIONS", "detect_leaks=0", 1);
  std::atomic<bool> listening{false};
  std::thread client([&] {
    for (int i = 0; i < 6000 && !listening; ++i) usleep(10000);
    const int c = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(0xC6120001);
    a.sin_port = htons(kPort);
    if (c < 0 || connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      if (c >= 0) close(c);
      return;
    }
    std::ifstream in(file_, std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    size_t at = 0;
    while (at < data.size()) {
      const ssize_t n = send(c, data.data() + at, data.size() - at, MSG_NOSIGNAL);
      if (n <= 0) break;
      at += static_cast<size_t>(n);
    }
    close(c);
  });
  std::string out;
  const std::string port = std::to_string(kPort);
  const int code = run({SENDOFF_PYTHON3, SENDOFF_PYTHON_TCP_SERVER, "198.18.0.1", port.c_str()},
                       &out, [&](const std::string& line) {
                         if (line == "listening") listening = true;
                       });
  listening = true;  // the client's thread ends even when the server never said so
  client.join();
  unsetenv("ASAN_OPTIONS");
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("peer 198.18.0.2\n"), std::string::npos) << out;
  EXPECT_NE(out.find("bytes 4194304\n"), std::string::npos) << out;
  EXPECT_NE(out.find("sha256 " + sha256_of(file_)), std::string::npos) << out;
}

// A C client on a nonblocking socket: epoll for the connect, writev and write until the
// send queue is full, where poll and epoll must not report POLLOUT while the server reads
// nothing, then EPOLLOUT once it reads; EPOLLIN and read/readv for the reply.
TEST_F(PreloadTcp, ACClientWaitsForRoomWithEpollAndPoll) {
  start_server();
  std::string out;
  const std::string port = std::to_string(kPort);
  const int code = run({SENDOFF_TCP_CLIENT, file_.c_str(), "198.18.0.2", port.c_str()}, &out,
                       [this](const std::string& line) {
                         if (line.rfind("blocked ", 0) == 0) go_ = true;
                       });
  go_ = true;  // the server's thread ends even when the client never said so
  server_.join();
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("blocked "), std::string::npos) << out;
  expect_file_arrived(out);
}

// A reset from the server: the epoll waiter for EPOLLIN wakes, poll says POLLERR and
// POLLHUP, read fails with ECONNRESET.
TEST_F(PreloadTcp, AResetWakesEpollAndPollSaysErrAndHup) {
  reset_ = true;
  start_server();
  std::string out;
  const std::string port = std::to_string(kPort);
  const int code =
      run({SENDOFF_TCP_CLIENT, file_.c_str(), "198.18.0.2", port.c_str(), "reset"}, &out,
          [this](const std::string& line) {
            if (line.rfind("local ", 0) == 0) go_ = true;
          });
  go_ = true;  // the server's thread ends even when the client never said so
  server_.join();
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("reset seen"), std::string::npos) << out;
  EXPECT_EQ(peer_, "198.18.0.1");
}

}  // namespace
