// SPDX-License-Identifier: MIT
// Both sides send in batches of kBatch calls with the clock read only around
// each batch; between batches sendoff's NIC is drained (stack_flush) with
// the clock stopped, so only the send calls count, never the csim NIC's own
// work. The kernel side needs no drain: veth hands each frame to the peer
// within the call, and that is part of what sendto(2) costs.
#include "host_path_bench.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <functional>
#include <memory>

#include "counting_sink.hpp"
#include "errno_text.hpp"
#include "netns.hpp"
#include "sendoff/sendoff.h"
#include "sendoff/stack.hpp"

namespace sendoff {
namespace cli {

namespace {

constexpr unsigned kBatch = 32;
constexpr uint16_t kPort = 9000;
constexpr const char* kNetnsPrefix = "sendoff-bench-";
const VethEnd kLocal{"veth0", "02:00:00:00:00:01", "198.18.0.1/15", 1500};
const VethEnd kPeer{"veth1", "02:00:00:00:00:02", "198.18.0.2/15", 1500};

sockaddr_in endpoint(const std::string& cidr, uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  inet_pton(AF_INET, cidr.substr(0, cidr.find('/')).c_str(), &a.sin_addr);
  a.sin_port = htons(port);
  return a;
}

// Times `calls` sends; returns mean ns per call, or a negative value with
// *err set. `send` returns what sendto returns; `drain` runs untimed.
double time_sends(uint64_t calls, const std::function<ssize_t()>& send,
                  const std::function<void()>& drain, std::string* err) {
  using Clock = std::chrono::steady_clock;
  // Warm caches, the branch predictor, the ring and the socket buffers.
  uint64_t warm = std::min<uint64_t>(calls, 2000);
  for (uint64_t i = 0; i < warm;) {
    for (unsigned j = 0; j < kBatch && i < warm; ++j, ++i) send();
    drain();
  }
  Clock::duration total{};
  uint64_t done = 0;
  bool stalled = false;
  while (done < calls) {
    unsigned n = static_cast<unsigned>(std::min<uint64_t>(kBatch, calls - done));
    unsigned ok = 0;
    int e = 0;
    Clock::time_point t0 = Clock::now();
    for (; ok < n; ++ok) {
      if (send() < 0) {
        e = errno;
        break;
      }
    }
    total += Clock::now() - t0;
    done += ok;
    if (e != 0 && e != EAGAIN) {
      *err = "sendto: " + errno_message(e);
      return -1;
    }
    // EAGAIN right after a drain: the ring or buffer cannot take even one.
    if (ok == 0 && stalled) {
      *err = "sendto: " + errno_message(e) + " even with the NIC drained";
      return -1;
    }
    stalled = ok == 0;
    drain();
  }
  return std::chrono::duration<double, std::nano>(total).count() / static_cast<double>(done);
}

bool bench_sendoff(const std::string& backend, const std::vector<unsigned>& payloads,
                   uint64_t calls, std::vector<HostPathResult>* out, std::string* err) {
  NetConfig cfg;
  if (!cfg.set_local(kLocal.cidr, err) || !cfg.set_mac(kLocal.mac, err) ||
      !cfg.add_neigh(kPeer.cidr.substr(0, kPeer.cidr.find('/')) + "=" + kPeer.mac, err))
    return false;
  CountingSink drop;  // no next sink: the MAC takes every frame at once
  DeviceOptions dev;
  dev.backend = backend;
  dev.sink = &drop;
  if (!stack_init(cfg, dev, err)) return false;
  struct Fini {
    ~Fini() { stack_fini(); }
  } fini;

  int fd = so_socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
  if (fd < 0 || so_fcntl(fd, F_SETFL, O_NONBLOCK) != 0) {
    *err = "sendoff socket: " + errno_message(errno);
    return false;
  }
  sockaddr_in dst = endpoint(kPeer.cidr, kPort);
  for (size_t i = 0; i < payloads.size(); ++i) {
    std::vector<uint8_t> buf(payloads[i], 0xA5);
    double ns = time_sends(
        calls,
        [&] {
          return so_sendto(fd, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&dst),
                           sizeof dst);
        },
        [] { stack_flush(); }, err);
    if (ns < 0) return false;
    (*out)[i].sendoff_ns = ns;
  }
  so_close(fd);
  return true;
}

bool bench_kernel(const std::vector<unsigned>& payloads, uint64_t calls,
                  std::vector<HostPathResult>* out, std::string* err) {
  if (geteuid() != 0) {
    *err = "the kernel baseline needs root (it creates a network namespace and a veth pair)";
    return false;
  }
  remove_stale_netns(kNetnsPrefix);
  std::unique_ptr<VethPair> veth = VethPair::create({kNetnsPrefix, kLocal, kPeer}, err);
  if (!veth) return false;

  // A bound receiver, so the peer does not answer with ICMP port unreachable;
  // once its buffer is full the peer drops, as any slow receiver would.
  int rx = socket_in_netns(veth->ns_b().name(), AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0, err);
  if (rx < 0) return false;
  sockaddr_in peer = endpoint(kPeer.cidr, kPort);
  if (bind(rx, reinterpret_cast<sockaddr*>(&peer), sizeof peer) != 0) {
    *err = "bind receiver: " + errno_message(errno);
    close(rx);
    return false;
  }
  int fd = socket_in_netns(veth->ns_a().name(), AF_INET,
                           SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, err);
  if (fd < 0) {
    close(rx);
    return false;
  }
  bool ok = true;
  for (size_t i = 0; ok && i < payloads.size(); ++i) {
    std::vector<uint8_t> buf(payloads[i], 0xA5);
    double ns = time_sends(
        calls,
        [&] {
          return sendto(fd, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&peer),
                        sizeof peer);
        },
        [] {}, err);
    if (ns < 0) ok = false;
    (*out)[i].kernel_ns = ns;
  }
  close(fd);
  close(rx);
  return ok;
}

}  // namespace

bool run_host_path_bench(const std::string& backend, const std::vector<unsigned>& payloads,
                         uint64_t calls, std::vector<HostPathResult>* out, std::string* err) {
  out->assign(payloads.size(), {});
  for (size_t i = 0; i < payloads.size(); ++i) {
    (*out)[i].payload = payloads[i];
    (*out)[i].calls = calls;
  }
  return bench_sendoff(backend, payloads, calls, out, err) &&
         bench_kernel(payloads, calls, out, err);
}

}  // namespace cli
}  // namespace sendoff
