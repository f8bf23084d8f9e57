// SPDX-License-Identifier: MIT
// Both sides send in batches of kBatch calls with the clock read only around
// each batch; between batches sendoff's NIC is drained (stack_flush) with
// the clock stopped, so only the send calls count. While a batch is timed
// the csim NIC is held at its MAC (GateSink closed): on a card the NIC is
// other silicon, while csim would otherwise share this machine's two cores
// and the device lock with the calls being timed. The kernel side needs no
// drain: veth hands each frame to the peer within the call, and that is part
// of what sendto(2) costs.
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

#include "errno_text.hpp"
#include "gate_sink.hpp"
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

// Times `calls` sends in batches. `send` returns what sendto returns; `drain`
// runs between batches, untimed. Returns false with *err set on a failure.
bool time_sends(uint64_t calls, const std::function<ssize_t()>& send,
                const std::function<void()>& drain, SendTiming* out, std::string* err) {
  using Clock = std::chrono::steady_clock;
  // Warm caches, the branch predictor, the ring and the socket buffers.
  uint64_t warm = std::min<uint64_t>(calls, 2000);
  for (uint64_t i = 0; i < warm;) {
    for (unsigned j = 0; j < kBatch && i < warm; ++j, ++i) send();
    drain();
  }
  std::vector<double> batch_ns;  // ns per call of each batch
  batch_ns.reserve(calls / kBatch + 1);
  double total_ns = 0;
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
    double ns = std::chrono::duration<double, std::nano>(Clock::now() - t0).count();
    if (e != 0 && e != EAGAIN) {
      *err = "sendto: " + errno_message(e);
      return false;
    }
    // EAGAIN right after a drain: the ring or buffer cannot take even one.
    if (ok == 0 && stalled) {
      *err = "sendto: " + errno_message(e) + " even with the NIC drained";
      return false;
    }
    stalled = ok == 0;
    // A batch cut short by EAGAIN includes one failed call; it is rare (only
    // when the ring or send buffer is smaller than a batch) and cheap.
    if (ok > 0) {
      batch_ns.push_back(ns / ok);
      total_ns += ns;
      done += ok;
    }
    drain();
  }
  std::nth_element(batch_ns.begin(), batch_ns.begin() + static_cast<long>(batch_ns.size() / 2),
                   batch_ns.end());
  out->median_ns = batch_ns[batch_ns.size() / 2];
  out->mean_ns = total_ns / static_cast<double>(done);
  return true;
}

// hold_nic: keep the NIC at its MAC while batches run (see the file comment).
bool bench_sendoff(const std::string& backend, const std::vector<unsigned>& payloads,
                   uint64_t calls, bool hold_nic, std::vector<HostPathResult>* out,
                   std::string* err) {
  NetConfig cfg;
  if (!cfg.set_local(kLocal.cidr, err) || !cfg.set_mac(kLocal.mac, err) ||
      !cfg.add_neigh(kPeer.cidr.substr(0, kPeer.cidr.find('/')) + "=" + kPeer.mac, err))
    return false;
  GateSink gate(/*open=*/true);
  DeviceOptions dev;
  dev.backend = backend;
  dev.sink = &gate;
  if (!stack_init(cfg, dev, err)) return false;
  struct Fini {
    GateSink& gate;
    ~Fini() {
      gate.set_open(true);  // the NIC must be able to drain for fini
      stack_fini();
    }
  } fini{gate};

  int fd = so_socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
  if (fd < 0 || so_fcntl(fd, F_SETFL, O_NONBLOCK) != 0) {
    *err = "sendoff socket: " + errno_message(errno);
    return false;
  }
  auto drain = [&] {
    gate.set_open(true);
    stack_flush();
    if (hold_nic) gate.set_open(false);
  };
  sockaddr_in dst = endpoint(kPeer.cidr, kPort);
  bool ok = true;
  for (size_t i = 0; ok && i < payloads.size(); ++i) {
    std::vector<uint8_t> buf(payloads[i], 0xA5);
    if (hold_nic) gate.set_open(false);
    ok = time_sends(
        calls,
        [&] {
          return so_sendto(fd, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&dst),
                           sizeof dst);
        },
        drain, hold_nic ? &(*out)[i].sendoff : &(*out)[i].sendoff_nic_running, err);
    gate.set_open(true);
  }
  so_close(fd);
  return ok;
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
  int fd = socket_in_netns(veth->ns_a().name(), AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
                           0, err);
  if (fd < 0) {
    close(rx);
    return false;
  }
  bool ok = true;
  for (size_t i = 0; ok && i < payloads.size(); ++i) {
    std::vector<uint8_t> buf(payloads[i], 0xA5);
    ok = time_sends(
        calls,
        [&] {
          return sendto(fd, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&peer),
                        sizeof peer);
        },
        [] {}, &(*out)[i].kernel, err);
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
  return bench_sendoff(backend, payloads, calls, /*hold_nic=*/true, out, err) &&
         bench_sendoff(backend, payloads, calls, /*hold_nic=*/false, out, err) &&
         bench_kernel(payloads, calls, out, err);
}

}  // namespace cli
}  // namespace sendoff
