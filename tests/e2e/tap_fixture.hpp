// SPDX-License-Identifier: MIT
// The TAP tests' fixture: a namespace with a persistent TAP whose kernel
// side is 198.18.0.2/15 (02:00:00:00:00:02), the `sendoff` binary run inside
// it with its MAC port on the TAP, and kernel UDP sockets on the far side.
// Nothing but 198.18.0.0/15 is configured; the namespace goes with the test.
#ifndef SENDOFF_TESTS_E2E_TAP_FIXTURE_HPP
#define SENDOFF_TESTS_E2E_TAP_FIXTURE_HPP

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "netns.hpp"
#include "prereq.hpp"
#include "subprocess.hpp"
#include "temp_dir.hpp"

namespace sendoff {
namespace e2e {

// The number after `label` in a summary (its first occurrence), or -1.
inline long long field(const std::string& summary, const std::string& label) {
  const size_t at = summary.find(label);
  if (at == std::string::npos) return -1;
  return std::stoll(summary.substr(at + label.size()));
}

inline constexpr const char* kPrefix = "sendoff-tap-";
inline constexpr const char* kTap = "sndf0";

// A child process started in the background; its stdout goes to a file.
class Background {
 public:
  Background(const std::vector<std::string>& argv, const std::string& out_path) {
    pid_ = fork();
    if (pid_ == 0) {
      int fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
      }
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execvp(args[0], args.data());
      _exit(127);
    }
  }
  // Waits up to timeout for the exit status; kills the child after that.
  int wait(std::chrono::seconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    while (std::chrono::steady_clock::now() < end) {
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
  }
  ~Background() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

 private:
  pid_t pid_ = -1;
};

// The file's SHA-256 in hex, by coreutils' sha256sum (OpenSSL may be absent).
inline std::string sha256_of(const std::string& path) {
  auto r = sys::run_process({"sha256sum", path});
  return r.exit_code == 0 ? r.out.substr(0, 64) : "sha256sum failed: " + r.err;
}

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class Tap : public ::testing::Test {
 protected:
  void SetUp() override {
    SENDOFF_REQUIRE(test::missing_root("network namespaces and TAP interfaces"));
    SENDOFF_REQUIRE(access("/dev/net/tun", R_OK | W_OK) == 0 ? "" : "/dev/net/tun");
    ASSERT_TRUE(dir_.ok());
    sys::remove_stale_netns(kPrefix);
    std::string err;
    ns_ = sys::Netns::create(kPrefix + std::to_string(getpid()), &err);
    ASSERT_TRUE(ns_) << err;
    // The kernel's side: a persistent TAP with the peer's address and MAC, a
    // permanent neighbour entry for sendoff (so a test depends on ARP only
    // where it removes it), and no IPv6 (only the test's traffic on the port).
    ASSERT_TRUE(ns_->ip({"tuntap", "add", "mode", "tap", "name", kTap}, &err)) << err;
    auto r = sys::run_process({"ip", "netns", "exec", ns_->name(), "sysctl", "-qw",
                               std::string("net.ipv6.conf.") + kTap + ".disable_ipv6=1"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // A deep queue on the kernel's side: on a loaded machine the port's reader
    // may fall a burst behind, and a frame the kernel drops there is no
    // sendoff loss (the summary would show none).
    ASSERT_TRUE(ns_->ip({"link", "set", kTap, "address", "02:00:00:00:00:02", "txqueuelen",
                         "10000", "up"},
                        &err))
        << err;
    ASSERT_TRUE(ns_->ip({"addr", "add", "198.18.0.2/15", "dev", kTap}, &err)) << err;
    ASSERT_TRUE(ns_->ip({"neigh", "replace", "198.18.0.1", "lladdr", "02:00:00:00:00:01", "dev",
                         kTap, "nud", "permanent"},
                        &err))
        << err;
  }
  std::vector<std::string> in_ns(std::vector<std::string> argv) const {
    argv.insert(argv.begin(), {"ip", "netns", "exec", ns_->name(), SENDOFF_CLI_PATH});
    return argv;
  }
  // True once a process has attached to the TAP (its carrier comes up).
  bool tap_attached() const {
    auto r = sys::run_process({"ip", "-n", ns_->name(), "link", "show", kTap});
    return r.out.find("LOWER_UP") != std::string::npos;
  }
  // `sendoff send` through the TAP to the kernel's 198.18.0.2:9001, with more flags.
  sys::ProcessResult send_to_kernel(const std::vector<std::string>& more) const {
    std::vector<std::string> argv = {"send", "--backend", "csim", "--tap", kTap, "--local",
                                     "198.18.0.1/15", "--dst", "198.18.0.2:9001", "--neigh",
                                     "198.18.0.2=02:00:00:00:00:02"};
    argv.insert(argv.end(), more.begin(), more.end());
    return sys::run_process(in_ns(argv));
  }
  // A kernel UDP socket on 198.18.0.2:port; with rcvtimeo_s, receives wait that long at most.
  int kernel_udp(uint16_t port, int rcvtimeo_s = 0) const {
    std::string err;
    int fd = sys::socket_in_netns(ns_->name(), AF_INET, SOCK_DGRAM, 0, &err);
    EXPECT_GE(fd, 0) << err;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(0xC6120002);
    a.sin_port = htons(port);
    EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0) << strerror(errno);
    timeval tv{rcvtimeo_s, 0};
    if (rcvtimeo_s) {
      EXPECT_EQ(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), 0);
    }
    return fd;
  }

  // True once `sendoff recv` (output in log) has its socket bound on the
  // TAP's far side: datagrams sent earlier find no socket and are dropped.
  // --proto tcp says "listening on port" instead.
  bool wait_receiving(const std::string& log, const char* says = "receiving on port") const {
    // Up to 30 s: on a loaded machine (ctest -j2 beside Verilator builds) starting the
    // device can take seconds.
    for (int i = 0; i < 1500 && slurp(log).find(says) == std::string::npos; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return slurp(log).find(says) != std::string::npos && tap_attached();
  }
  // data in datagrams of dgram bytes (the last shorter) from a kernel socket
  // to sendoff's 198.18.0.1:9000, paced as a real sender would be: `burst`
  // datagrams, then 10 ms.
  void send_paced(const std::string& data, size_t dgram, size_t burst = 64) const {
    int fd = kernel_udp(0);
    const size_t n = (data.size() + dgram - 1) / dgram;
    for (size_t k = 0; k < n; ++k) {
      size_t len = std::min(dgram, data.size() - k * dgram);
      ASSERT_TRUE(to_sendoff(fd, data.data() + k * dgram, len)) << strerror(errno);
      if (k % burst == burst - 1) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    close(fd);
  }

  // One datagram from the kernel's socket to sendoff's 198.18.0.1:9000.
  static bool to_sendoff(int fd, const char* data, size_t len) {
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = htonl(0xC6120001);
    to.sin_port = htons(9000);
    return sendto(fd, data, len, 0, reinterpret_cast<sockaddr*>(&to), sizeof to) ==
           static_cast<ssize_t>(len);
  }

  test::TempDir dir_;
  std::unique_ptr<sys::Netns> ns_;
};

}  // namespace e2e
}  // namespace sendoff

#endif  // SENDOFF_TESTS_E2E_TAP_FIXTURE_HPP
