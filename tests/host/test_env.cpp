// SPDX-License-Identifier: MIT
#include "test_env.hpp"

#include <sched.h>

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>

#include "sendoff/memory_sink.hpp"
#include "sendoff/sendoff.h"
#include "sendoff/stack.hpp"

namespace test_env {

namespace {

// The MAC side of the test NIC: frames into a MemorySink, unless paused,
// when deliver() holds the NIC until the test resumes it.
class PausableMac : public sendoff::FrameSink {
 public:
  int deliver(const uint8_t* frame, size_t len) override {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait(l, [&] { return !paused_; });
    l.unlock();
    return frames_.deliver(frame, len);
  }
  void pause(bool p) {
    std::lock_guard<std::mutex> l(m_);
    paused_ = p;
    cv_.notify_all();
  }
  sendoff::MemorySink frames_;

 private:
  std::mutex m_;
  std::condition_variable cv_;
  bool paused_ = false;
};

PausableMac mac;

void run(const char* cmd) {
  if (system(cmd) != 0) {
    fprintf(stderr, "test_env: '%s' failed\n", cmd);
    exit(1);
  }
}

}  // namespace

// A private network namespace for this process: the kernel's side of the
// parity tests sends into a veth pair nobody else sees.
void enter_netns() {
  if (unshare(CLONE_NEWNET) != 0) {
    perror("test_env: unshare(CLONE_NEWNET) (run as root)");
    exit(1);
  }
  run("ip link set lo up && "
      "ip link add so0 address 02:00:00:00:00:01 type veth peer name so1 "
      "address 02:00:00:00:00:02 && "
      "ip addr add 198.18.0.1/16 dev so0 && ip link set so0 up && ip link set so1 up && "
      "ip neigh add 198.18.0.2 lladdr 02:00:00:00:00:02 dev so0 nud permanent");
}

static sendoff::NetConfig config(const char* peer_mac) {
  sendoff::NetConfig cfg;
  std::string err;
  if (!cfg.set_local("198.18.0.1/16", &err) || !cfg.set_mac("02:00:00:00:00:01", &err) ||
      !cfg.add_neigh(std::string("198.18.0.2=") + peer_mac, &err)) {
    fprintf(stderr, "test_env: %s\n", err.c_str());
    exit(1);
  }
  return cfg;
}

static bool open_stack_with(size_t dma_limit, uint32_t caps_hidden, bool noncoherent,
                            std::string* err) {
  sendoff::NetConfig cfg = config("02:00:00:00:00:02");
  sendoff::DeviceOptions opts;
  // SENDOFF_TEST_BACKEND runs the suites on another NIC (ctest runs NicRx on verilator too).
  const char* backend = std::getenv("SENDOFF_TEST_BACKEND");
  opts.backend = backend != nullptr ? backend : "csim";
  opts.sink = &mac;
  opts.dma_limit = dma_limit;
  opts.caps_hidden = caps_hidden;
  opts.noncoherent = noncoherent;
  return sendoff::stack_init(cfg, opts, err);
}

void open_stack() {
  std::string err;
  if (!open_stack_with(0, 0, false, &err)) {
    fprintf(stderr, "test_env: %s\n", err.c_str());
    exit(1);
  }
}

bool reopen_stack_with(size_t dma_limit, uint32_t caps_hidden, std::string* err,
                       bool noncoherent) {
  sendoff::stack_fini();
  return open_stack_with(dma_limit, caps_hidden, noncoherent, err);
}

sockaddr_in addr(uint32_t ip, uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(ip);
  a.sin_port = htons(port);
  return a;
}

std::vector<Frame> take_frames() {
  sendoff::stack_flush();
  return mac.frames_.take_all();
}

void drain_frames() { take_frames(); }

void pause_mac(bool paused) { mac.pause(paused); }

void reopen_stack() { open_stack(); }

void set_peer_mac(const uint8_t* m) {
  char buf[18] = "02:00:00:00:00:02";
  if (m) snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
  std::string err;
  if (!sendoff::stack_reconfigure(config(buf), &err)) {
    fprintf(stderr, "test_env: %s\n", err.c_str());
    exit(1);
  }
}

}  // namespace test_env
