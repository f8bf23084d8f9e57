// SPDX-License-Identifier: MIT
// ARP against the kernel through the TAP port: the kernel resolves sendoff,
// sendoff resolves the kernel, and a neighbour that never answers is
// reported, and its queue kept, as Linux does (the same program, run on the
// kernel's socket and under the preload library, gives the same results).
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "tap_fixture.hpp"

namespace sendoff {
namespace e2e {
namespace {

class Arp : public Tap {
 protected:
  void SetUp() override {
    Tap::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    std::string err;
    // The fixture's permanent entry goes: the kernel has to ask.
    ASSERT_TRUE(ns_->ip({"neigh", "del", "198.18.0.1", "dev", kTap}, &err)) << err;
    // The kernel's ICMP errors to itself travel over loopback.
    ASSERT_TRUE(ns_->ip({"link", "set", "lo", "up"}, &err)) << err;
  }
  // The kernel's neighbour entry for sendoff's 198.18.0.1, as `ip neigh` prints it.
  std::string kernel_neigh() const {
    return sys::run_process({"ip", "-n", ns_->name(), "neigh", "show", "198.18.0.1", "dev", kTap})
        .out;
  }
  std::string preload() const {
    const std::string first = SENDOFF_PRELOAD_FIRST;
    return first.empty() ? SENDOFF_PRELOAD_LIB : first + ":" + SENDOFF_PRELOAD_LIB;
  }
};

// The kernel sends to sendoff's address: it asks who has 198.18.0.1, sendoff
// answers, and the datagrams follow and arrive.
TEST_F(Arp, TheKernelResolvesSendoff) {
  const std::string out = dir_.file("out.bin"), log = dir_.file("recv.log");
  Background recv(in_ns({"recv", "--tap", kTap, "--local", "198.18.0.1/15", "--bind", "9000",
                         "--output", out, "--count", "4", "--timeout", "10"}),
                  log);
  ASSERT_TRUE(wait_receiving(log)) << slurp(log);
  int fd = kernel_udp(0);
  for (const char* d : {"one", "two", "three"}) ASSERT_TRUE(to_sendoff(fd, d, strlen(d)));
  // Read while sendoff is attached: the kernel flushes the entry when the
  // TAP's carrier goes.
  std::string entry = kernel_neigh();
  for (int i = 0; i < 250 && entry.find("REACHABLE") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    entry = kernel_neigh();
  }
  EXPECT_NE(entry.find("lladdr 02:00:00:00:00:01"), std::string::npos) << entry;
  EXPECT_NE(entry.find("REACHABLE"), std::string::npos) << entry;
  ASSERT_TRUE(to_sendoff(fd, "four", 4));
  close(fd);
  ASSERT_EQ(recv.wait(std::chrono::seconds(30)), 0) << slurp(log);
  EXPECT_EQ(slurp(out), "onetwothreefour");
}

// `sendoff send --tap` with no --neigh: sendoff asks once, before the first
// datagram, the kernel answers, and a file in over 1,000 datagrams of
// 1..4,000 bytes (fragmented ones too) reaches the kernel's socket
// byte-identical.
TEST_F(Arp, SendoffResolvesTheKernel) {
  std::string input(2200000, '\0');
  for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<char>((i * 2654435761u) >> 11);
  const std::string in_path = dir_.file("in.bin");
  std::ofstream(in_path, std::ios::binary) << input;
  int fd = kernel_udp(9001, 3);
  const int big = 32 << 20;
  ASSERT_EQ(setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big), 0) << strerror(errno);
  auto r = sys::run_process(in_ns({"send", "--backend", "csim", "--tap", kTap, "--local",
                                   "198.18.0.1/15", "--dst", "198.18.0.2:9001", "--input",
                                   in_path, "--size", "1", "--size-max", "4000"}));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const long long sent = field(r.out, "datagrams");
  EXPECT_GE(sent, 1000) << r.out;
  std::string got, buf(65536, '\0');
  long long n = 0;
  for (ssize_t len; n < sent && (len = recv(fd, buf.data(), buf.size(), 0)) > 0; ++n)
    got.append(buf.data(), static_cast<size_t>(len));
  close(fd);
  EXPECT_EQ(n, sent);
  EXPECT_TRUE(got == input) << "received " << got.size() << " B of " << input.size();
  EXPECT_NE(r.out.find("arp            requests 1, replies 0, failed 0, unresolved drops 0"),
            std::string::npos)
      << r.out;
}

// With --trace the resolution shows: one request, the reply's update (from
// the poll thread: in either order), and the ARP frame leaving the NIC.
TEST_F(Arp, TraceShowsTheResolution) {
  int fd = kernel_udp(9001, 3);
  auto r = sys::run_process(in_ns({"send", "--backend", "csim", "--tap", kTap, "--local",
                                   "198.18.0.1/15", "--dst", "198.18.0.2:9001", "--count", "2",
                                   "--trace"}));
  close(fd);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const size_t ask = r.out.find("who-has 198.18.0.2");
  ASSERT_NE(ask, std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("who-has", ask + 1), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("198.18.0.2 REACHABLE"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ff:ff:ff:ff:ff:ff 0x0806 60 B"), std::string::npos) << r.out;
}

// A peer that never answers: one line saying so, before anything is sent.
TEST_F(Arp, SendRefusesWhenTheNextHopDoesNotAnswer) {
  auto r = sys::run_process(in_ns({"send", "--backend", "csim", "--tap", kTap, "--local",
                                   "198.18.0.1/15", "--dst", "198.18.0.9:9001", "--count", "5"}));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("sendoff: 198.18.0.9: 198.18.0.9 did not answer 3 ARP requests"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.out.find("datagrams"), std::string::npos) << r.out;
}

// A neighbour that never answers, on a connected socket: the first send
// succeeds (queued), resolution fails after mcast_solicit probes a second
// apart, and the host-unreachable is a soft error: without IP_RECVERR no call
// hears of it; with it the next send fails with EHOSTUNREACH once and the
// error queue holds the packet. The same program on the kernel's socket and
// on sendoff's, through the same TAP, prints the same.
TEST_F(Arp, AFailedNeighbourIsReportedAsLinuxReportsIt) {
  const std::string conf = dir_.file("sendoff.conf");
  std::ofstream(conf) << "local 198.18.0.1/15\ntap " << kTap << "\n";
  for (const char* mode : {"", "recverr"}) {
    SCOPED_TRACE(mode);
    std::vector<std::string> client = {SENDOFF_CONNECTED_CLIENT, "198.18.0.9", "9", "4000"};
    if (*mode) client.push_back(mode);
    std::vector<std::string> kernel = {"ip", "netns", "exec", ns_->name()};
    kernel.insert(kernel.end(), client.begin(), client.end());
    sys::ProcessResult k;
    {
      // The kernel's link needs a carrier (a reader on the TAP) for its ICMP
      // error to be made: a sendoff that answers only for 198.18.0.1.
      const std::string log = dir_.file(std::string("peer") + mode + ".log");
      Background peer(in_ns({"recv", "--tap", kTap, "--local", "198.18.0.1/15", "--bind",
                             "9000", "--timeout", "60"}),
                      log);
      ASSERT_TRUE(wait_receiving(log)) << slurp(log);
      k = sys::run_process(kernel);
    }
    ASSERT_EQ(k.exit_code, 0) << k.out << k.err;
    std::vector<std::string> ours = {"ip", "netns", "exec", ns_->name(), "env",
                                     "LD_PRELOAD=" + preload(), "SENDOFF_CONFIG=" + conf,
                                     "SENDOFF_BACKEND=csim"};
    ours.insert(ours.end(), client.begin(), client.end());
    auto s = sys::run_process(ours);
    ASSERT_EQ(s.exit_code, 0) << s.out << s.err;
    EXPECT_EQ(s.out, k.out) << "kernel:\n" << k.out << "sendoff:\n" << s.out << s.err;
    if (*mode) {
      EXPECT_NE(k.out.find("send 2: EHOSTUNREACH"), std::string::npos) << k.out;
      EXPECT_NE(k.out.find("errqueue: 'probe' to 198.18.0.9:9"), std::string::npos) << k.out;
    } else {
      EXPECT_EQ(k.out.find("EHOSTUNREACH"), std::string::npos) << k.out;
    }
  }
}

// While a neighbour is unresolved its datagrams wait in a queue of
// unres_qlen_bytes (each counted at Linux's skb truesize), the oldest dropped
// first. The peer answers only a later probe; as many datagrams arrive from
// a burst sent through sendoff as from the same burst sent by the kernel.
TEST_F(Arp, TheUnresolvedQueueHoldsWhatLinuxsHolds) {
  constexpr int kCount = 150;
  constexpr size_t kSize = 1000;
  const std::string count = std::to_string(kCount), size = std::to_string(kSize);
  auto ignore_arp = [](const std::string& ns, const std::string& dev, const char* v) {
    return sys::run_process({"ip", "netns", "exec", ns, "sysctl", "-qw",
                             "net.ipv4.conf." + dev + ".arp_ignore=" + v})
               .exit_code == 0;
  };
  // Datagrams of kSize on fd until its receive timeout passes without one.
  auto drain = [](int fd) {
    std::string buf(65536, '\0');
    long long n = 0;
    while (recv(fd, buf.data(), buf.size(), 0) == static_cast<ssize_t>(kSize)) ++n;
    return n;
  };
  // The kernel's own figure: a veth pair to a second namespace whose end
  // ignores ARP for 1.5 s (198.19.0.1 -> 198.19.0.2). (A TAP cannot show it:
  // attaching a reader flushes the kernel's INCOMPLETE entry.)
  long long kernel_got = 0;
  {
    std::string e;
    auto peer = sys::Netns::create(kPrefix + std::to_string(getpid()) + "-b", &e);
    ASSERT_TRUE(peer) << e;
    ASSERT_TRUE(ns_->ip({"link", "add", "sndfa", "type", "veth", "peer", "name", "sndfb", "netns",
                         peer->name()},
                        &e))
        << e;
    ASSERT_TRUE(ns_->ip({"addr", "add", "198.19.0.1/24", "dev", "sndfa"}, &e)) << e;
    ASSERT_TRUE(ns_->ip({"link", "set", "sndfa", "up"}, &e)) << e;
    ASSERT_TRUE(peer->ip({"addr", "add", "198.19.0.2/24", "dev", "sndfb"}, &e)) << e;
    ASSERT_TRUE(peer->ip({"link", "set", "sndfb", "up"}, &e)) << e;
    ASSERT_TRUE(ignore_arp(peer->name(), "sndfb", "8"));
    int rx = sys::socket_in_netns(peer->name(), AF_INET, SOCK_DGRAM, 0, &e);
    ASSERT_GE(rx, 0) << e;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(0xC6130002);
    a.sin_port = htons(9002);
    ASSERT_EQ(bind(rx, reinterpret_cast<sockaddr*>(&a), sizeof a), 0) << strerror(errno);
    timeval tv{2, 0};
    setsockopt(rx, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::thread answer([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      ignore_arp(peer->name(), "sndfb", "0");
    });
    auto k = sys::run_process(
        {"ip", "netns", "exec", ns_->name(), SENDOFF_UDP_BURST, "198.19.0.2", "9002", size, count});
    answer.join();
    ASSERT_EQ(k.exit_code, 0) << k.out << k.err;
    kernel_got = drain(rx);
    close(rx);
  }
  // The same program under the preload library, to the kernel on the TAP,
  // which ignores ARP for the same 1.5 s; sendoff's exit waits for the queue.
  ASSERT_TRUE(ignore_arp(ns_->name(), kTap, "8"));
  int fd = kernel_udp(9001, 2);
  const std::string conf = dir_.file("sendoff.conf");
  std::ofstream(conf) << "local 198.18.0.1/15\ntap " << kTap << "\n";
  std::thread answer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    ignore_arp(ns_->name(), kTap, "0");
  });
  auto r = sys::run_process({"ip", "netns", "exec", ns_->name(), "env", "LD_PRELOAD=" + preload(),
                             "SENDOFF_CONFIG=" + conf, "SENDOFF_BACKEND=csim", SENDOFF_UDP_BURST,
                             "198.18.0.2", "9001", size, count});
  answer.join();
  const long long got = drain(fd);
  close(fd);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_GT(kernel_got, 0);
  EXPECT_LT(kernel_got, kCount);
  EXPECT_EQ(got, kernel_got) << r.out << r.err;
}

}  // namespace
}  // namespace e2e
}  // namespace sendoff
