// SPDX-License-Identifier: MIT
// TCP's connection machinery without a real peer: the test plays the peer.
// It reads the segments sendoff's NIC sent (the test NIC's memory sink),
// checks them against RFC 793/7323/5681 and Linux's choices (option order,
// the SYN's window, Nagle, duplicate-ACK recovery), and answers with
// segments of its own through the receive path (stack_receive_frame).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <linux/sockios.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "sendoff/nic_abi.hpp"
#include "sendoff/sendoff.h"
#include "sendoff/stack.hpp"
#include "signal_in.hpp"
#include "tcp_peer.hpp"
#include "test_env.hpp"

namespace {

using namespace tcp_peer;

// A segment from the peer to us, through the receive path.
void inject(uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
            uint16_t win, const std::vector<uint8_t>& opts = {},
            const std::vector<uint8_t>& data = {}) {
  const Frame f = peer_frame(sport, dport, seq, ack, flags, win, opts, data);
  ASSERT_TRUE(sendoff::stack_receive_frame(f.data(), f.size(), false));
}

// The window scale our SYN or SYN-ACK offers: the shift that covers the
// largest receive buffer this machine allows (tcp_select_initial_window: max
// of tcp_rmem[2] and rmem_max).
uint8_t expected_wscale() {
  long rmem2 = 6291456, rmem_max = 212992, a, b;
  if (FILE* f = fopen("/proc/sys/net/ipv4/tcp_rmem", "r")) {
    if (fscanf(f, "%ld %ld %ld", &a, &b, &rmem2) != 3) rmem2 = 6291456;
    fclose(f);
  }
  if (FILE* f = fopen("/proc/sys/net/core/rmem_max", "r")) {
    if (fscanf(f, "%ld", &rmem_max) != 1) rmem_max = 212992;
    fclose(f);
  }
  int log2 = -1;
  for (unsigned long v = static_cast<unsigned long>(std::max(rmem2, rmem_max)); v; v >>= 1) ++log2;
  return static_cast<uint8_t>(std::min(std::max(log2 - 15, 0), 14));
}

// A connection the test is the peer of, established through the handshake.
class TcpConn : public ::testing::Test {
 protected:
  static constexpr uint32_t kPeerIsn = 1000000;
  void SetUp() override {
    test_env::drain_frames();
    fd_ = so_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    ASSERT_GE(fd_, 0) << strerror(errno);
  }
  void TearDown() override {
    // SO_LINGER 0: the connection ends with a RST at once and leaves nothing running.
    linger lg{1, 0};
    so_setsockopt(fd_, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    so_close(fd_);
    test_env::drain_frames();
  }
  std::vector<Seg> sent() { return segments(test_env::take_frames(), port_); }

  int connect_again() {
    const sockaddr_in to = test_env::peer(peer_port_);
    return so_connect(fd_, reinterpret_cast<const sockaddr*>(&to), sizeof to);
  }
  // A nonblocking connect: EINPROGRESS, our port, the SYN it sent.
  void start_connect() {
    ASSERT_EQ(connect_again(), -1);
    ASSERT_EQ(errno, EINPROGRESS);
    sockaddr_in me{};
    socklen_t len = sizeof me;
    ASSERT_EQ(so_getsockname(fd_, reinterpret_cast<sockaddr*>(&me), &len), 0);
    port_ = ntohs(me.sin_port);
    auto s = sent();
    ASSERT_EQ(s.size(), 1u);
    syn_ = s[0];
    isn_ = syn_.seq;
  }
  // The SYN checked, the SYN-ACK answered.
  // rtt_ms: how long the SYN-ACK takes, so srtt (and the tail loss probe's
  // timeout, 2 srtt and more) is at least that: 30 ms keeps the probe
  // (about 70 ms) out of tests whose steps take a few ms, or tens under a
  // sanitizer on a loaded machine.
  void establish(uint16_t win = 65535, bool with_opts = true, int rtt_ms = 30) {
    start_connect();
    if (HasFatalFailure()) return;
    if (rtt_ms) std::this_thread::sleep_for(std::chrono::milliseconds(rtt_ms));
    inject(peer_port_, port_, kPeerIsn, isn_ + 1, SYN | ACK, win,
           with_opts ? synack_opts(tsval_of(syn_)) : std::vector<uint8_t>{});
    ASSERT_EQ(connect_again(), 0) << strerror(errno);
    const auto s = sent();
    ASSERT_EQ(s.size(), 1u);
    EXPECT_EQ(s[0].flags, ACK);
    EXPECT_EQ(s[0].ack, kPeerIsn + 1);
    rcv_nxt_ = kPeerIsn + 1;
    snd_una_ = isn_ + 1;
  }
  // The peer ACKs up to `ack`.
  void ack(uint32_t ack_seq, uint16_t win = 65535) {
    inject(peer_port_, port_, rcv_nxt_, ack_seq, ACK, win, ts_opts(2, 0));
  }
  // A stream of `total` bytes (a pattern that differs between offsets 64 KiB
  // apart, so bytes from the wrong lap of a ring show), sent as the send
  // buffer takes it; every segment on the wire is checked against the bytes
  // at its sequence and ACKed. Once, well into the stream, the peer sends
  // three duplicate ACKs instead: the retransmission must carry the same bytes.
  void stream_and_check(size_t total) {
    std::vector<uint8_t> data(total);
    for (size_t i = 0; i < total; ++i) data[i] = static_cast<uint8_t>(i * 131 + (i >> 13));
    size_t queued = 0, acked = 0, max_sent = 0, bad = 0;
    bool dup_sent = false, retransmitted = false;
    for (int round = 0; round < 20000 && acked < total; ++round) {
      if (queued < total) {
        const ssize_t r = so_send(fd_, data.data() + queued, total - queued, 0);
        if (r > 0) queued += static_cast<size_t>(r);
        else ASSERT_EQ(errno, EAGAIN);
      }
      const auto segs = sent();
      for (const Seg& g : segs) {
        if (g.data.empty()) continue;
        EXPECT_TRUE(g.csum_ok);
        const size_t off = g.seq - (isn_ + 1);
        ASSERT_LE(off + g.data.size(), queued);
        if (off < max_sent && dup_sent) retransmitted = true;
        if (!std::equal(g.data.begin(), g.data.end(), data.begin() + static_cast<long>(off))) ++bad;
        max_sent = std::max(max_sent, off + g.data.size());
      }
      if (!dup_sent && max_sent > (size_t{80} << 10) && max_sent - acked >= 4 * 1448) {
        // snd_una's segment is "lost": three duplicate ACKs (its data went out already).
        for (int i = 0; i < 3; ++i) ack(isn_ + 1 + static_cast<uint32_t>(acked));
        dup_sent = true;
        continue;  // the retransmission is among the next segments
      }
      if (max_sent > acked) {
        ack(isn_ + 1 + static_cast<uint32_t>(max_sent));
        acked = max_sent;
      } else if (segs.empty()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    }
    EXPECT_EQ(acked, total);
    EXPECT_EQ(bad, 0u) << "segments whose bytes are not the stream's";
    EXPECT_TRUE(retransmitted);
  }
  int fd_ = -1;
  uint16_t port_ = 0, peer_port_ = 9300;
  uint32_t isn_ = 0, rcv_nxt_ = 0, snd_una_ = 0;
  Seg syn_;
};

TEST_F(TcpConn, TheSynCarriesLinuxsOptionsInLinuxsOrder) {
  peer_port_ = 9301;
  establish();
  EXPECT_EQ(syn_.flags, SYN);
  EXPECT_TRUE(syn_.csum_ok);
  EXPECT_TRUE(syn_.df);
  EXPECT_EQ(syn_.ack, 0u);
  // 64240: 65535 rounded down to the MSS, unscaled (RFC 7323 2.2).
  EXPECT_EQ(syn_.win, 64240);
  ASSERT_EQ(syn_.opts.size(), 20u);
  const std::vector<uint8_t> head = {2, 4, 0x05, 0xb4, 4, 2, 8, 10};
  EXPECT_EQ(std::vector<uint8_t>(syn_.opts.begin(), syn_.opts.begin() + 8), head);
  EXPECT_EQ(be32(&syn_.opts[12]), 0u);  // TSecr
  const std::vector<uint8_t> tail = {1, 3, 3, expected_wscale()};
  EXPECT_EQ(std::vector<uint8_t>(syn_.opts.begin() + 16, syn_.opts.end()), tail);
  EXPECT_GE(port_, 1024);
}

TEST_F(TcpConn, SegmentsAreMssSizedAndNagleHoldsASecondSmallOne) {
  peer_port_ = 9302;
  establish();
  std::vector<uint8_t> data(3000, 'a');
  ASSERT_EQ(so_send(fd_, data.data(), data.size(), 0), 3000);
  auto s = sent();
  ASSERT_EQ(s.size(), 3u);
  int outq = -1;  // not yet ACKed
  ASSERT_EQ(so_ioctl(fd_, SIOCOUTQ, reinterpret_cast<unsigned long>(&outq)), 0);
  EXPECT_EQ(outq, 3000);
  // 1460 less the 12 bytes of timestamps on every segment.
  EXPECT_EQ(s[0].data.size(), 1448u);
  EXPECT_EQ(s[1].data.size(), 1448u);
  EXPECT_EQ(s[2].data.size(), 104u);
  EXPECT_EQ(s[0].seq, isn_ + 1);
  EXPECT_EQ(s[2].flags, ACK | PSH);
  for (const Seg& g : s) EXPECT_TRUE(g.csum_ok);
  // A short segment is unacknowledged: the next short one waits (Nagle).
  ASSERT_EQ(so_send(fd_, data.data(), 10, 0), 10);
  EXPECT_TRUE(sent().empty());
  ack(isn_ + 1 + 3000);
  s = sent();
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].data.size(), 10u);
  // MSG_MORE: a short tail waits for the next send.
  ack(isn_ + 1 + 3010);
  ASSERT_EQ(so_send(fd_, data.data(), 100, MSG_MORE), 100);
  EXPECT_TRUE(sent().empty());
  ASSERT_EQ(so_send(fd_, data.data(), 100, 0), 100);
  s = sent();
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].data.size(), 200u);
  ack(isn_ + 1 + 3210);
  // TCP_NODELAY: small segments leave at once.
  const int one = 1;
  ASSERT_EQ(so_setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one), 0);
  ASSERT_EQ(so_send(fd_, data.data(), 5, 0), 5);
  s = sent();
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].data.size(), 5u);
}

TEST_F(TcpConn, ThePeersWindowAndTheInitialCwndBoundWhatLeaves) {
  peer_port_ = 9303;
  establish(/*win=*/8);  // 8 << 7 = 1024 bytes: not one full segment
  std::vector<uint8_t> data(100000, 'b');
  ASSERT_EQ(so_send(fd_, data.data(), data.size(), 0), 100000);
  auto s = sent();
  size_t bytes = 0;
  for (const Seg& g : s) bytes += g.data.size();
  EXPECT_LE(bytes, 1024u);
  // A large window: ten segments (the initial cwnd, RFC 6928), no more.
  ack(isn_ + 1 + static_cast<uint32_t>(bytes), 65535);
  s = sent();
  EXPECT_EQ(s.size(), 10u);
}

TEST_F(TcpConn, AFullSendBufferIsEagainUntilAnAckMakesRoom) {
  peer_port_ = 9312;
  const int sndbuf = 4096;  // Linux doubles it: 8192
  ASSERT_EQ(so_setsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf), 0);
  establish();
  std::vector<uint8_t> data(20000, 'd');
  EXPECT_EQ(so_send(fd_, data.data(), data.size(), 0), 8192);
  EXPECT_EQ(so_send(fd_, data.data(), data.size(), 0), -1);
  EXPECT_EQ(errno, EAGAIN);
  pollfd p{fd_, POLLOUT, 0};
  EXPECT_EQ(so_poll(&p, 1, 0), 0);
  ack(isn_ + 1 + 1448 * 4);
  p.revents = 0;
  EXPECT_EQ(so_poll(&p, 1, 0), 1);
  EXPECT_EQ(so_send(fd_, data.data(), data.size(), 0), 1448 * 4);
}

TEST_F(TcpConn, ThreeDuplicateAcksRetransmitTheFirstSegment) {
  peer_port_ = 9304;
  // A 50 ms handshake: the tail loss probe waits over 100 ms, so only the
  // duplicate ACKs below make anything go again.
  establish(65535, true, 50);
  std::vector<uint8_t> data(10 * 1448, 'c');
  ASSERT_EQ(so_send(fd_, data.data(), data.size(), 0), static_cast<ssize_t>(data.size()));
  auto s = sent();
  ASSERT_EQ(s.size(), 10u);
  ack(isn_ + 1);  // a window update would not count; these are the same ACK
  ack(isn_ + 1);
  EXPECT_TRUE(sent().empty());
  ack(isn_ + 1);
  ack(isn_ + 1);
  s = sent();
  ASSERT_GE(s.size(), 1u);
  EXPECT_EQ(s[0].seq, isn_ + 1);
  EXPECT_EQ(s[0].data.size(), 1448u);
}

// The peer's SACK blocks drive recovery (RFC 6675): ACKs whose window grows
// each time are no duplicates by RFC 5681, but each SACKs more; once more
// than two segments above snd_una are SACKed, snd_una's segment is lost and
// goes again, and so does every other hole with enough SACKed above it.
TEST_F(TcpConn, SackBlocksStartRecoveryAndEachLostHoleGoesOnce) {
  peer_port_ = 9311;
  establish();
  std::vector<uint8_t> data(10 * 1448, 's');
  ASSERT_EQ(so_send(fd_, data.data(), data.size(), 0), static_cast<ssize_t>(data.size()));
  ASSERT_EQ(sent().size(), 10u);
  const uint32_t d = isn_ + 1;
  auto seg = [d](int i) { return d + 1448u * static_cast<uint32_t>(i); };
  // Segments 0 and 5 lost; 1..4 and 6..9 arrive, each ACK with a new window.
  auto sack_ack = [&](uint16_t win, std::vector<std::pair<uint32_t, uint32_t>> blocks) {
    std::vector<uint8_t> o = ts_opts(2, 0);
    o.insert(o.end(), {1, 1, 5, static_cast<uint8_t>(2 + 8 * blocks.size())});
    for (const auto& [a, b] : blocks) {
      uint8_t w[8];
      put32(w, a);
      put32(w + 4, b);
      o.insert(o.end(), w, w + 8);
    }
    inject(peer_port_, port_, rcv_nxt_, d, ACK, win, o);
  };
  sack_ack(1000, {{seg(1), seg(2)}});
  sack_ack(1001, {{seg(1), seg(3)}});
  EXPECT_TRUE(sent().empty()) << "two segments SACKed above: not yet lost";
  sack_ack(1002, {{seg(1), seg(4)}});
  auto s = sent();
  ASSERT_GE(s.size(), 1u);
  EXPECT_EQ(s[0].seq, seg(0));
  EXPECT_EQ(s[0].data.size(), 1448u);
  sack_ack(1003, {{seg(1), seg(5)}});
  EXPECT_TRUE(sent().empty()) << "nothing sent after segment 5 has arrived yet";
  // RACK (tcp_rack_detect_loss): segment 6 left with segment 5, later in
  // sequence, and is SACKed; in recovery with no reordering seen the window
  // is 0, so 5 is lost now, with one segment SACKed above it, where RFC
  // 6675's count alone would wait for three (RACK is Linux's default,
  // net.ipv4.tcp_recovery = 1).
  sack_ack(1004, {{seg(6), seg(7)}, {seg(1), seg(5)}});
  s = sent();
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].seq, seg(5));
  sack_ack(1005, {{seg(6), seg(8)}, {seg(1), seg(5)}});
  sack_ack(1006, {{seg(6), seg(9)}, {seg(1), seg(5)}});
  EXPECT_TRUE(sent().empty()) << "segment 5's retransmission is not lost: nothing sent after it arrived";
  // The retransmitted segment 0 arrives: the ACK jumps to the next hole,
  // which this recovery has sent again already: nothing goes twice.
  sack_ack(1007, {{seg(6), seg(10)}});
  inject(peer_port_, port_, rcv_nxt_, seg(5), ACK, 1007, ts_opts(2, 0));
  for (const Seg& g : sent()) EXPECT_NE(g.seq, seg(5)) << "segment 5 sent a third time";
  sendoff::TcpStats st;
  ASSERT_EQ(sendoff::stack_tcp_stats(fd_, &st), 0);
  EXPECT_EQ(st.fast_retrans, 1u);
  EXPECT_EQ(st.retrans, 2u);
}

// A tail loss (RFC 8985 7, tcp_send_loss_probe): the last segments and
// every ACK for them are lost. Nothing else is in flight to draw duplicate
// ACKs; instead of waiting for the RTO, the probe timer (2 srtt + two
// jiffies) sends the last segment again. The peer's answer SACKs it, and
// RACK then counts the hole before it lost: recovery, not a timeout.
TEST_F(TcpConn, ATailLossIsProbedAndRecoveredWithoutATimeout) {
  peer_port_ = 9313;
  establish(65535, true, 30);
  using clock = std::chrono::steady_clock;
  std::vector<uint8_t> data(10 * 1448, 't');
  ASSERT_EQ(so_send(fd_, data.data(), data.size(), 0), static_cast<ssize_t>(data.size()));
  ASSERT_EQ(sent().size(), 10u);
  const auto t0 = clock::now();
  const uint32_t d = isn_ + 1;
  auto seg = [d](int i) { return d + 1448u * static_cast<uint32_t>(i); };
  ack(seg(6));  // 6..9 are lost
  std::vector<Seg> probe;
  for (int i = 0; i < 200 && probe.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    probe = sent();
  }
  const double waited = std::chrono::duration<double>(clock::now() - t0).count();
  ASSERT_EQ(probe.size(), 1u);
  EXPECT_EQ(probe[0].seq, seg(9)) << "the probe is the last segment";
  EXPECT_EQ(probe[0].data.size(), 1448u);
  EXPECT_GE(waited, 0.035) << "2 srtt at the least";
  EXPECT_LT(waited, 0.19) << "the probe comes before any RTO could";
  // The probe arrives and, an RTT later, the peer's SACK of it: 6..8 were
  // sent before it and have been out longer than its RTT: lost, sent again
  // at once. (An answer sooner than the lowest RTT would be taken for the
  // original's, as Linux does without timestamps: the handshake's 30 ms.)
  std::this_thread::sleep_for(std::chrono::milliseconds(40));
  std::vector<uint8_t> o = ts_opts(2, 0);
  o.insert(o.end(), {1, 1, 5, 10});
  uint8_t w[8];
  put32(w, seg(9));
  put32(w + 4, seg(10));
  o.insert(o.end(), w, w + 8);
  inject(peer_port_, port_, rcv_nxt_, seg(6), ACK, 65535, o);
  const auto s = sent();
  ASSERT_GE(s.size(), 1u);
  EXPECT_EQ(s[0].seq, seg(6));
  sendoff::TcpStats st;
  ASSERT_EQ(sendoff::stack_tcp_stats(fd_, &st), 0);
  EXPECT_EQ(st.loss_probes, 1u);
  EXPECT_EQ(st.rtos, 0u);
  EXPECT_EQ(st.fast_retrans, 1u) << "the probe's SACK started a recovery";
}

// A lost retransmission (RACK, RFC 8985 6.2): duplicate ACKs never count
// it again, since the data above it is SACKed already. Once data sent after
// the retransmission is SACKed, an RTT later, the retransmission counts as
// lost and goes a third time, without waiting for the RTO.
TEST_F(TcpConn, ALostRetransmissionGoesAgainWhenLaterDataIsSacked) {
  peer_port_ = 9314;
  establish(65535, true, 30);
  std::vector<uint8_t> data(30 * 1448, 'r');
  ASSERT_EQ(so_send(fd_, data.data(), data.size(), 0), static_cast<ssize_t>(data.size()));
  ASSERT_EQ(sent().size(), 10u) << "the initial cwnd";
  const uint32_t d = isn_ + 1;
  auto seg = [d](int i) { return d + 1448u * static_cast<uint32_t>(i); };
  auto sack_ack = [&](uint32_t from, uint32_t to) {
    std::vector<uint8_t> o = ts_opts(2, 0);
    o.insert(o.end(), {1, 1, 5, 10});
    uint8_t w[8];
    put32(w, from);
    put32(w + 4, to);
    o.insert(o.end(), w, w + 8);
    inject(peer_port_, port_, rcv_nxt_, d, ACK, 65535, o);
  };
  // Segment 0 is lost; 1..9 arrive one by one. The recovery sends 0 again
  // (and that copy is lost too), then new data as the window inflates
  // (limited transmit's new segments leave before the retransmission: not those).
  int resent0 = 0;
  uint32_t first_new = 0;
  for (int i = 2; i <= 10; ++i) {
    sack_ack(seg(1), seg(i));
    for (const Seg& g : sent()) {
      if (g.seq == seg(0)) ++resent0;
      if (resent0 && static_cast<int32_t>(g.seq - seg(10)) >= 0 && !first_new) first_new = g.seq;
    }
  }
  ASSERT_EQ(resent0, 1) << "the first retransmission";
  ASSERT_NE(first_new, 0u) << "no new data left after the retransmission";
  // The new segment's SACK, an RTT after it left.
  std::this_thread::sleep_for(std::chrono::milliseconds(25));
  std::vector<uint8_t> o = ts_opts(2, 0);
  o.insert(o.end(), {1, 1, 5, 18});
  uint8_t w[16];
  put32(w, first_new);
  put32(w + 4, first_new + 1448);
  put32(w + 8, seg(1));
  put32(w + 12, seg(10));
  o.insert(o.end(), w, w + 16);
  inject(peer_port_, port_, rcv_nxt_, d, ACK, 65535, o);
  bool again = false;
  for (const Seg& g : sent()) again = again || g.seq == seg(0);
  EXPECT_TRUE(again) << "the lost retransmission was not sent again";
  sendoff::TcpStats st;
  ASSERT_EQ(sendoff::stack_tcp_stats(fd_, &st), 0);
  EXPECT_EQ(st.rtos, 0u);
  EXPECT_EQ(st.fast_retrans, 1u);
}

// TCP_CORK (measured on 6.18: 100 corked bytes reached a veth peer 0.207 s
// later; getsockopt reads 1 after setting 7): short segments wait while it
// is set, full ones go, clearing it pushes the rest, and a corked tail with
// nothing in flight goes by itself when the probe timer fires.
TEST_F(TcpConn, TcpCorkHoldsShortSegmentsUntilClearedOrTheProbeTimer) {
  peer_port_ = 9312;
  establish();
  const int seven = 7;
  ASSERT_EQ(so_setsockopt(fd_, SOL_TCP, TCP_CORK, &seven, sizeof seven), 0);
  int v = 0;
  socklen_t vl = sizeof v;
  ASSERT_EQ(so_getsockopt(fd_, SOL_TCP, TCP_CORK, &v, &vl), 0);
  EXPECT_EQ(v, 1);
  std::vector<uint8_t> data(3000, 'k');
  ASSERT_EQ(so_send(fd_, data.data(), 1000, 0), 1000);
  EXPECT_TRUE(sent().empty()) << "a corked short segment left";
  ASSERT_EQ(so_send(fd_, data.data(), 2000, 0), 2000);
  auto s = sent();
  size_t full = 0;
  for (const Seg& g : s) full += g.data.size();
  EXPECT_EQ(full, 2u * 1448u) << "the full segments go, the short tail waits";
  ack(isn_ + 1 + 2 * 1448);
  EXPECT_TRUE(sent().empty());
  const int zero = 0;
  ASSERT_EQ(so_setsockopt(fd_, SOL_TCP, TCP_CORK, &zero, sizeof zero), 0);
  s = sent();
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].seq, isn_ + 1 + 2 * 1448);
  EXPECT_EQ(s[0].data.size(), 3000u - 2 * 1448u);
  ack(isn_ + 1 + 3000);
  // Corked again, a short write, nothing in flight: out at the probe timer.
  ASSERT_EQ(so_setsockopt(fd_, SOL_TCP, TCP_CORK, &seven, sizeof seven), 0);
  ASSERT_EQ(so_send(fd_, data.data(), 100, 0), 100);
  EXPECT_TRUE(sent().empty());
  std::vector<Seg> late;
  for (int i = 0; i < 300 && late.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    late = sent();
  }
  ASSERT_EQ(late.size(), 1u) << "the corked tail never left";
  EXPECT_EQ(late[0].data.size(), 100u);
}

// A TCP descriptor's two slots may straddle the ring's end (slot 1023, then
// slot 0): the driver publishes both together and the NIC reads the second
// after the wrap. One-slot UDP datagrams bring the ring to its last slot.
TEST_F(TcpConn, ATsoDescriptorStraddlingTheRingEndIsSegmentedWhole) {
  peer_port_ = 9313;
  establish();
  const int one = 1;
  ASSERT_EQ(so_setsockopt(fd_, SOL_TCP, TCP_NODELAY, &one, sizeof one), 0);
  const int udp = so_socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(udp, 0);
  const sockaddr_in to = test_env::peer(9399);
  sendoff::Device* dev = sendoff::stack_device();
  ASSERT_NE(dev, nullptr);
  constexpr uint32_t kRing = 1024;  // SendoffNic::kRingSize
  for (int i = 0; i < 2 * static_cast<int>(kRing); ++i) {
    sendoff::stack_flush();
    if (dev->reg_read(sendoff::abi::REG_RING_TAIL) % kRing == kRing - 1) break;
    ASSERT_EQ(so_sendto(udp, "x", 1, 0, reinterpret_cast<const sockaddr*>(&to), sizeof to), 1);
  }
  ASSERT_EQ(dev->reg_read(sendoff::abi::REG_RING_TAIL) % kRing, kRing - 1);
  so_close(udp);
  test_env::drain_frames();
  std::vector<uint8_t> data(5000);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 7 + 3);
  ASSERT_EQ(so_send(fd_, data.data(), data.size(), 0), static_cast<ssize_t>(data.size()));
  sendoff::stack_flush();
  const auto s = sent();
  ASSERT_EQ(s.size(), 4u);  // 1448 x 3 + 656
  std::vector<uint8_t> got;
  for (size_t k = 0; k < s.size(); ++k) {
    EXPECT_TRUE(s[k].csum_ok);
    EXPECT_EQ(s[k].seq, isn_ + 1 + static_cast<uint32_t>(got.size()));
    got.insert(got.end(), s[k].data.begin(), s[k].data.end());
  }
  EXPECT_EQ(got, data);
  EXPECT_EQ(s.back().flags & PSH, PSH);
  sendoff::TcpStats st;
  ASSERT_EQ(sendoff::stack_tcp_stats(fd_, &st), 0);
  EXPECT_EQ(st.data_descs, 1u);
  EXPECT_EQ(st.data_segs, 4u);
}

// Two SACK blocks and timestamps take 32 option bytes, more than a TSO
// descriptor carries: the packet is cut into segments here (software GSO),
// each within the MTU with its options, PSH on the last only.
TEST_F(TcpConn, OptionsTooLongForTsoAreSegmentedByTheHost) {
  peer_port_ = 9314;
  establish();
  const int one = 1;
  ASSERT_EQ(so_setsockopt(fd_, SOL_TCP, TCP_NODELAY, &one, sizeof one), 0);
  // Two segments from the peer beyond two holes: two SACK blocks to send.
  const std::vector<uint8_t> d(100, 'p');
  inject(peer_port_, port_, rcv_nxt_ + 100, isn_ + 1, ACK, 65535, ts_opts(2, 0), d);
  inject(peer_port_, port_, rcv_nxt_ + 300, isn_ + 1, ACK, 65535, ts_opts(2, 0), d);
  sent();  // the duplicate ACKs those drew
  std::vector<uint8_t> data(3000);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i);
  ASSERT_EQ(so_send(fd_, data.data(), data.size(), 0), static_cast<ssize_t>(data.size()));
  const auto s = sent();
  ASSERT_EQ(s.size(), 3u);
  std::vector<uint8_t> got;
  for (size_t k = 0; k < s.size(); ++k) {
    EXPECT_TRUE(s[k].csum_ok);
    EXPECT_EQ(s[k].opts.size(), 32u);
    EXPECT_LE(20 + 20 + s[k].opts.size() + s[k].data.size(), 1500u);
    EXPECT_EQ(s[k].seq, isn_ + 1 + static_cast<uint32_t>(got.size()));
    EXPECT_EQ((s[k].flags & PSH) != 0, k + 1 == s.size());
    got.insert(got.end(), s[k].data.begin(), s[k].data.end());
  }
  EXPECT_EQ(got, data);
}

TEST_F(TcpConn, AnUnackedSegmentIsRetransmittedByTheTimer) {
  peer_port_ = 9305;
  establish();
  ASSERT_EQ(so_send(fd_, "hello", 5, 0), 5);
  auto s = sent();
  ASSERT_EQ(s.size(), 1u);
  // The RTO is 200 ms at least (one sample of a fast handshake): well within 1.5 s.
  std::vector<Seg> again;
  for (int i = 0; i < 150 && again.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    again = sent();
  }
  ASSERT_FALSE(again.empty());
  EXPECT_EQ(again[0].seq, isn_ + 1);
  EXPECT_EQ(std::string(again[0].data.begin(), again[0].data.end()), "hello");
}

TEST_F(TcpConn, EachTimeoutWaitsTwiceAsLongAsTheLast) {
  peer_port_ = 9311;
  establish();
  using clock = std::chrono::steady_clock;
  ASSERT_EQ(so_send(fd_, "hello", 5, 0), 5);
  ASSERT_EQ(sent().size(), 1u);
  // The first to go again is the tail loss probe (with one segment out it
  // waits 2 srtt + TCP_RTO_MIN, at most the RTO's time); the RTO is armed
  // afresh behind it; each RTO after that waits twice as long as the last.
  // The times are when the stack's counters move (the timers firing): the
  // NIC model's own delay, long under a sanitizer, is not in them.
  const auto t0 = clock::now();
  std::vector<clock::time_point> at;  // the probe, then each RTO
  uint64_t seen = 0;
  for (int i = 0; i < 800 && at.size() < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    sendoff::TcpStats st;
    ASSERT_EQ(sendoff::stack_tcp_stats(fd_, &st), 0);
    const uint64_t now_seen = st.loss_probes + st.rtos;
    if (now_seen > seen) {
      ASSERT_EQ(st.loss_probes, 1u) << "the probe comes first, once";
      at.push_back(clock::now());
      seen = now_seen;
    }
  }
  ASSERT_EQ(at.size(), 3u);
  const double probe = std::chrono::duration<double>(at[0] - t0).count();
  const double first = std::chrono::duration<double>(at[1] - at[0]).count();
  const double second = std::chrono::duration<double>(at[2] - at[1]).count();
  EXPECT_GE(probe, 0.19);  // TCP_RTO_MIN
  EXPECT_GE(first, 0.19);
  EXPECT_GT(second, 1.6 * first);
  EXPECT_LT(second, 2.6 * first);
  // Each went out: the original and three copies.
  size_t copies = 0;
  for (int i = 0; i < 200 && copies < 3; ++i) {
    for (const Seg& g : sent())
      if (g.seq == isn_ + 1 && g.data.size() == 5) ++copies;
    if (copies < 3) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(copies, 3u);
}

TEST_F(TcpConn, DataInOrderOutOfOrderAndTheFin) {
  peer_port_ = 9306;
  establish();
  const std::vector<uint8_t> a(1000, 'x'), b(1000, 'y');
  // The second block first: queued, and a duplicate ACK with its SACK block at once.
  inject(peer_port_, port_, rcv_nxt_ + 1000, isn_ + 1, ACK, 65535, ts_opts(3, 0), b);
  auto s = sent();
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].ack, rcv_nxt_);
  char buf[4000];
  EXPECT_EQ(so_recv(fd_, buf, sizeof buf, 0), -1);
  EXPECT_EQ(errno, EAGAIN);
  // The hole filled: both blocks, ACKed at once.
  inject(peer_port_, port_, rcv_nxt_, isn_ + 1, ACK, 65535, ts_opts(4, 0), a);
  s = sent();
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].ack, rcv_nxt_ + 2000);
  int inq = -1;
  ASSERT_EQ(so_ioctl(fd_, SIOCINQ, reinterpret_cast<unsigned long>(&inq)), 0);
  EXPECT_EQ(inq, 2000);
  ASSERT_EQ(so_recv(fd_, buf, sizeof buf, 0), 2000);
  EXPECT_EQ(buf[0], 'x');
  EXPECT_EQ(buf[1999], 'y');
  // The FIN: ACKed, and recv gives 0.
  inject(peer_port_, port_, rcv_nxt_ + 2000, isn_ + 1, FIN | ACK, 65535, ts_opts(5, 0));
  s = sent();
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].ack, rcv_nxt_ + 2001);
  EXPECT_EQ(so_recv(fd_, buf, sizeof buf, 0), 0);
  // Our close then sends our FIN (LAST_ACK); the test's TearDown ends it.
}

TEST_F(TcpConn, ShutdownWriteSendsAFinAndLaterSendsAreEpipe) {
  peer_port_ = 9307;
  establish();
  ASSERT_EQ(so_shutdown(fd_, SHUT_WR), 0);
  auto s = sent();
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].flags, FIN | ACK);
  EXPECT_EQ(s[0].seq, isn_ + 1);
  EXPECT_EQ(so_send(fd_, "x", 1, MSG_NOSIGNAL), -1);
  EXPECT_EQ(errno, EPIPE);
}

TEST_F(TcpConn, ARstAtRcvNxtResetsTheConnection) {
  peer_port_ = 9308;
  establish();
  inject(peer_port_, port_, rcv_nxt_, 0, RST, 0);
  char b;
  EXPECT_EQ(so_recv(fd_, &b, 1, 0), -1);
  EXPECT_EQ(errno, ECONNRESET);
  EXPECT_EQ(so_send(fd_, "x", 1, MSG_NOSIGNAL), -1);
  EXPECT_EQ(errno, EPIPE);
}

TEST_F(TcpConn, ARstOutsideTheWindowIsIgnored) {
  peer_port_ = 9309;
  establish();
  inject(peer_port_, port_, rcv_nxt_ + 100000000, 0, RST, 0);
  char b;
  EXPECT_EQ(so_recv(fd_, &b, 1, 0), -1);
  EXPECT_EQ(errno, EAGAIN);
}

TEST_F(TcpConn, ARstToTheSynIsConnectionRefused) {
  peer_port_ = 9310;
  start_connect();
  sockaddr_in them{};
  socklen_t len = sizeof them;
  EXPECT_EQ(so_getpeername(fd_, reinterpret_cast<sockaddr*>(&them), &len), -1);
  EXPECT_EQ(errno, ENOTCONN);  // inet_getname: no peer while in SYN_SENT
  EXPECT_EQ(connect_again(), -1);
  EXPECT_EQ(errno, EALREADY);
  inject(peer_port_, port_, 0, isn_ + 1, RST | ACK, 0);
  EXPECT_EQ(connect_again(), -1);
  EXPECT_EQ(errno, ECONNREFUSED);
}

// A listener the test connects to as the peer: the SYN it sends is Linux's
// (MSS 1460, SACK-permitted, timestamps, window scale 7).
class TcpListen : public ::testing::Test {
 protected:
  static constexpr uint32_t kPeerIsn = 3000000;
  void SetUp() override {
    test_env::drain_frames();
    lfd_ = so_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    ASSERT_GE(lfd_, 0) << strerror(errno);
  }
  void TearDown() override {
    linger lg{1, 0};
    for (int fd : accepted_) {
      so_setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
      so_close(fd);
    }
    so_close(lfd_);
    test_env::drain_frames();
  }
  void listen_on(uint16_t port, uint16_t peer_port) {
    port_ = port;
    peer_port_ = peer_port;
    const sockaddr_in me = test_env::addr(INADDR_ANY, port);
    ASSERT_EQ(so_bind(lfd_, reinterpret_cast<const sockaddr*>(&me), sizeof me), 0) << strerror(errno);
    ASSERT_EQ(so_listen(lfd_, 8), 0) << strerror(errno);
  }
  std::vector<Seg> sent() { return segments(test_env::take_frames(), port_); }
  static std::vector<uint8_t> linux_syn_opts() {
    std::vector<uint8_t> o = {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 0, 0, 0, 0, 0, 1, 3, 3, 7};
    put32(&o[8], kPeerTsval);
    return o;
  }
  // The peer's SYN; our SYN-ACK, the one segment it brings.
  Seg syn(const std::vector<uint8_t>& opts = linux_syn_opts()) {
    inject(peer_port_, port_, kPeerIsn, 0, SYN, 64240, opts);
    auto s = sent();
    EXPECT_EQ(s.size(), 1u);
    return s.empty() ? Seg{} : s[0];
  }
  // The SYN, our SYN-ACK, and the third ACK (with `data`, if any).
  void handshake(const std::vector<uint8_t>& data = {}) {
    synack_ = syn();
    inject(peer_port_, port_, kPeerIsn + 1, synack_.seq + 1, ACK, 502,
           ts_opts(kPeerTsval + 1, tsval_of(synack_)), data);
  }
  int accept_one(int flags = SOCK_NONBLOCK) {
    sockaddr_in from{};
    socklen_t len = sizeof from;
    const int fd = so_accept4(lfd_, reinterpret_cast<sockaddr*>(&from), &len, flags);
    if (fd >= 0) {
      accepted_.push_back(fd);
      EXPECT_EQ(len, sizeof from);
      EXPECT_EQ(ntohl(from.sin_addr.s_addr), test_env::kPeer);
      EXPECT_EQ(ntohs(from.sin_port), peer_port_);
    }
    return fd;
  }
  static constexpr uint32_t kPeerTsval = 777;
  int lfd_ = -1;
  uint16_t port_ = 0, peer_port_ = 0;
  Seg synack_;
  std::vector<int> accepted_;
};

TEST_F(TcpListen, ASynGetsASynAckWithTheOfferedOptionsInLinuxsOrder) {
  listen_on(9400, 9500);
  const Seg s = syn();
  EXPECT_EQ(s.flags, SYN | ACK);
  EXPECT_EQ(s.dport, peer_port_);
  EXPECT_EQ(s.ack, kPeerIsn + 1);
  EXPECT_TRUE(s.csum_ok);
  EXPECT_TRUE(s.df);
  EXPECT_TRUE(s.data.empty());
  EXPECT_EQ(s.win, 64240);  // 65535 rounded down to the MSS, unscaled
  // tcp_synack_options written by tcp_options_write: MSS, SACK-permitted in
  // the timestamps' first NOPs, timestamps echoing the SYN's, NOP, window scale.
  ASSERT_EQ(s.opts.size(), 20u);
  const std::vector<uint8_t> head = {2, 4, 0x05, 0xb4, 4, 2, 8, 10};
  EXPECT_EQ(std::vector<uint8_t>(s.opts.begin(), s.opts.begin() + 8), head);
  EXPECT_EQ(be32(&s.opts[12]), kPeerTsval);
  const std::vector<uint8_t> tail = {1, 3, 3, expected_wscale()};
  EXPECT_EQ(std::vector<uint8_t>(s.opts.begin() + 16, s.opts.end()), tail);
  // Nothing to accept before the third ACK.
  EXPECT_EQ(so_accept(lfd_, nullptr, nullptr), -1);
  EXPECT_EQ(errno, EAGAIN);
}

TEST_F(TcpListen, ASynAckCarriesOnlyTheOptionsTheSynOffered) {
  listen_on(9401, 9501);
  // MSS alone: the SYN-ACK has the MSS alone.
  Seg s = syn({2, 4, 0x05, 0x00});
  EXPECT_EQ(s.flags, SYN | ACK);
  EXPECT_EQ(s.opts, (std::vector<uint8_t>{2, 4, 0x05, 0xb4}));
  // Another peer port: SACK-permitted and window scale without timestamps
  // (NOP, NOP, SACK-permitted; NOP, window scale).
  peer_port_ = 9502;
  s = syn({2, 4, 0x05, 0xb4, 1, 1, 4, 2, 1, 3, 3, 2});
  EXPECT_EQ(s.opts,
            (std::vector<uint8_t>{2, 4, 0x05, 0xb4, 1, 1, 4, 2, 1, 3, 3, expected_wscale()}));
}

TEST_F(TcpListen, TheThirdAckMakesAcceptReturnTheConnectionWithThePeersAddress) {
  listen_on(9402, 9503);
  pollfd p{lfd_, POLLIN, 0};
  synack_ = syn();
  EXPECT_EQ(so_poll(&p, 1, 0), 0);
  // An ACK of anything but the SYN-ACK does not complete the handshake.
  inject(peer_port_, port_, kPeerIsn + 1, synack_.seq + 7, ACK, 502);
  EXPECT_EQ(so_poll(&p, 1, 0), 0);
  inject(peer_port_, port_, kPeerIsn + 1, synack_.seq + 1, ACK, 502,
         ts_opts(kPeerTsval + 1, tsval_of(synack_)));
  EXPECT_TRUE(sent().empty());  // the third ACK is not answered
  EXPECT_EQ(so_poll(&p, 1, 0), 1);
  EXPECT_EQ(p.revents, POLLIN);
  const int fd = accept_one(SOCK_NONBLOCK | SOCK_CLOEXEC);
  ASSERT_GE(fd, 0) << strerror(errno);
  EXPECT_NE(fd, lfd_);
  EXPECT_TRUE(so_fcntl(fd, F_GETFL, 0) & O_NONBLOCK);
  EXPECT_TRUE(so_fcntl(fd, F_GETFD, 0) & FD_CLOEXEC);
  sockaddr_in me{}, them{};
  socklen_t len = sizeof me;
  ASSERT_EQ(so_getsockname(fd, reinterpret_cast<sockaddr*>(&me), &len), 0);
  EXPECT_EQ(ntohl(me.sin_addr.s_addr), test_env::kLocal);
  EXPECT_EQ(ntohs(me.sin_port), port_);
  len = sizeof them;
  ASSERT_EQ(so_getpeername(fd, reinterpret_cast<sockaddr*>(&them), &len), 0);
  EXPECT_EQ(ntohl(them.sin_addr.s_addr), test_env::kPeer);
  EXPECT_EQ(ntohs(them.sin_port), peer_port_);
  // A connected socket does not listen (inet_listen: SS_CONNECTED).
  EXPECT_EQ(so_listen(fd, 1), -1);
  EXPECT_EQ(errno, EINVAL);
  // The queue is empty again.
  p.revents = 0;
  EXPECT_EQ(so_poll(&p, 1, 0), 0);
  EXPECT_EQ(so_accept(lfd_, nullptr, nullptr), -1);
  EXPECT_EQ(errno, EAGAIN);
  // The connection sends with the SYN's options: timestamps echo the peer's.
  ASSERT_EQ(so_send(fd, "hi", 2, 0), 2);
  const auto s = sent();
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].seq, synack_.seq + 1);
  EXPECT_EQ(s[0].ack, kPeerIsn + 1);
  EXPECT_EQ(s[0].dport, peer_port_);
  EXPECT_EQ(be32(&s[0].opts[8]), kPeerTsval + 1);
}

TEST_F(TcpListen, DataOnTheThirdAckThenMoreAndTheFinReachTheAcceptedSocket) {
  listen_on(9403, 9504);
  const std::vector<uint8_t> a = {'h', 'e', 'l', 'l', 'o'}, b(1000, 'z');
  handshake(a);
  auto s = sent();
  ASSERT_LE(s.size(), 1u);  // the data's ACK may wait for the delayed-ACK timer
  const int fd = accept_one();
  ASSERT_GE(fd, 0) << strerror(errno);
  inject(peer_port_, port_, kPeerIsn + 1 + 5, synack_.seq + 1, ACK | PSH, 502,
         ts_opts(kPeerTsval + 2, 0), b);
  inject(peer_port_, port_, kPeerIsn + 1 + 1005, synack_.seq + 1, FIN | ACK, 502,
         ts_opts(kPeerTsval + 3, 0));
  s = sent();
  ASSERT_FALSE(s.empty());
  EXPECT_EQ(s.back().ack, kPeerIsn + 1 + 1005 + 1);  // the FIN's ACK
  char buf[2000];
  ASSERT_EQ(so_recv(fd, buf, sizeof buf, MSG_WAITALL), 1005);
  EXPECT_EQ(std::string(buf, 5), "hello");
  EXPECT_EQ(buf[5], 'z');
  EXPECT_EQ(buf[1004], 'z');
  EXPECT_EQ(so_recv(fd, buf, sizeof buf, 0), 0);
}

TEST_F(TcpListen, AFullAcceptQueueDropsTheNextSynUntilAcceptMakesRoom) {
  port_ = 9407;
  peer_port_ = 9508;
  const sockaddr_in me = test_env::addr(INADDR_ANY, port_);
  ASSERT_EQ(so_bind(lfd_, reinterpret_cast<const sockaddr*>(&me), sizeof me), 0);
  // Backlog 0: the queue holds one connection (sk_acceptq_is_full: more than the backlog).
  ASSERT_EQ(so_listen(lfd_, 0), 0);
  handshake();
  ASSERT_TRUE(sent().empty());
  // Another peer's SYN finds the queue full: dropped, no SYN-ACK (no syncookies).
  peer_port_ = 9509;
  inject(peer_port_, port_, kPeerIsn, 0, SYN, 64240, linux_syn_opts());
  EXPECT_TRUE(sent().empty());
  peer_port_ = 9508;
  ASSERT_GE(accept_one(), 0) << strerror(errno);
  // Its SYN again, now that there is room.
  peer_port_ = 9509;
  const Seg s = syn();
  EXPECT_EQ(s.flags, SYN | ACK);
  EXPECT_EQ(s.dport, 9509);
}

TEST_F(TcpListen, ABlockingAcceptWaitsForTheHandshake) {
  listen_on(9404, 9505);
  synack_ = syn();
  ASSERT_EQ(so_fcntl(lfd_, F_SETFL, 0), 0);  // blocking
  std::thread peer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    inject(peer_port_, port_, kPeerIsn + 1, synack_.seq + 1, ACK, 502,
           ts_opts(kPeerTsval + 1, tsval_of(synack_)));
  });
  const auto t0 = std::chrono::steady_clock::now();
  const int fd = accept_one(0);
  const double waited =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  peer.join();
  ASSERT_GE(fd, 0) << strerror(errno);
  EXPECT_GE(waited, 0.09);
  EXPECT_FALSE(so_fcntl(fd, F_GETFL, 0) & O_NONBLOCK);
}

TEST_F(TcpListen, AnUnansweredSynAckIsSentAgainByTheTimer) {
  listen_on(9405, 9506);
  synack_ = syn();
  std::vector<Seg> again;
  // TCP_TIMEOUT_INIT: 1 s.
  for (int i = 0; i < 200 && again.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    again = sent();
  }
  ASSERT_FALSE(again.empty());
  EXPECT_EQ(again[0].flags, SYN | ACK);
  EXPECT_EQ(again[0].seq, synack_.seq);
  EXPECT_EQ(again[0].ack, kPeerIsn + 1);
  // A retransmitted SYN gets it at once too (inet_rtx_syn_ack).
  inject(peer_port_, port_, kPeerIsn, 0, SYN, 64240, linux_syn_opts());
  const auto s = sent();
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].flags, SYN | ACK);
  EXPECT_EQ(s[0].seq, synack_.seq);
}

TEST_F(TcpListen, ClosingTheListenerResetsConnectionsNobodyAccepted) {
  listen_on(9406, 9507);
  handshake();
  ASSERT_TRUE(sent().empty());
  so_close(lfd_);
  lfd_ = -1;
  const auto s = sent();
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].flags, RST | ACK);
  EXPECT_EQ(s[0].seq, synack_.seq + 1);
  // The port is free again.
  lfd_ = so_socket(AF_INET, SOCK_STREAM, 0);
  const sockaddr_in me = test_env::addr(INADDR_ANY, port_);
  EXPECT_EQ(so_bind(lfd_, reinterpret_cast<const sockaddr*>(&me), sizeof me), 0) << strerror(errno);
}

// listen and accept rows checked against the kernel.
TEST(TcpListenRows, ListenAndAcceptErrnosAsLinux) {
  for (bool kernel : {true, false}) {
    SCOPED_TRACE(kernel ? "kernel" : "sendoff");
    auto socket_ = [&](int type) { return kernel ? socket(AF_INET, type, 0) : so_socket(AF_INET, type, 0); };
    auto listen_ = [&](int fd, int backlog) { return kernel ? listen(fd, backlog) : so_listen(fd, backlog); };
    auto accept4_ = [&](int fd, int flags) {
      return kernel ? accept4(fd, nullptr, nullptr, flags) : so_accept4(fd, nullptr, nullptr, flags);
    };
    auto name = [&](int fd) {
      sockaddr_in a{};
      socklen_t len = sizeof a;
      EXPECT_EQ(kernel ? getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len)
                       : so_getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len),
                0);
      return a;
    };
    auto close_ = [&](int fd) { return kernel ? close(fd) : so_close(fd); };
    auto setopt = [&](int fd, int level, int opt, const void* v, socklen_t len) {
      return kernel ? setsockopt(fd, level, opt, v, len) : so_setsockopt(fd, level, opt, v, len);
    };
    // Accept on a socket that does not listen: EINVAL; a bad flag first: EINVAL too.
    const int a = socket_(SOCK_STREAM);
    ASSERT_GE(a, 0);
    EXPECT_EQ(accept4_(a, 0), -1);
    EXPECT_EQ(errno, EINVAL);
    // Listen on an unbound socket picks an ephemeral port.
    ASSERT_EQ(listen_(a, -1), 0);
    const uint16_t port = ntohs(name(a).sin_port);
    EXPECT_GE(port, 1024);
    EXPECT_EQ(accept4_(a, O_APPEND), -1);
    EXPECT_EQ(errno, EINVAL);
    // A second listen changes only the backlog.
    EXPECT_EQ(listen_(a, 5), 0);
    EXPECT_EQ(ntohs(name(a).sin_port), port);
    // Blocking and empty: SO_RCVTIMEO bounds the wait (EAGAIN).
    const timeval tv{0, 50000};
    ASSERT_EQ(setopt(a, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), 0);
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(accept4_(a, SOCK_NONBLOCK), -1);  // SOCK_NONBLOCK is the new fd's, not the wait's
    EXPECT_EQ(errno, EAGAIN);
    EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(45));
    close_(a);
    // Nonblocking and empty: EAGAIN at once.
    const int nb = socket_(SOCK_STREAM | SOCK_NONBLOCK);
    ASSERT_EQ(listen_(nb, 1), 0);
    EXPECT_EQ(accept4_(nb, 0), -1);
    EXPECT_EQ(errno, EAGAIN);
    pollfd p{nb, POLLIN | POLLOUT, 0};
    EXPECT_EQ(kernel ? poll(&p, 1, 0) : so_poll(&p, 1, 0), 0);
    int acceptconn = -1;
    socklen_t optlen = sizeof acceptconn;
    EXPECT_EQ(kernel ? getsockopt(nb, SOL_SOCKET, SO_ACCEPTCONN, &acceptconn, &optlen)
                     : so_getsockopt(nb, SOL_SOCKET, SO_ACCEPTCONN, &acceptconn, &optlen),
              0);
    EXPECT_EQ(acceptconn, 1);
    // A listener has no stream: recv is ENOTCONN, send EPIPE.
    char byte;
    EXPECT_EQ(kernel ? recv(nb, &byte, 1, 0) : so_recv(nb, &byte, 1, 0), -1);
    EXPECT_EQ(errno, ENOTCONN);
    EXPECT_EQ(kernel ? send(nb, "x", 1, MSG_NOSIGNAL) : so_send(nb, "x", 1, MSG_NOSIGNAL), -1);
    EXPECT_EQ(errno, EPIPE);
    int q = -1;
    EXPECT_EQ(kernel ? ioctl(nb, SIOCINQ, &q)
                     : so_ioctl(nb, SIOCINQ, reinterpret_cast<unsigned long>(&q)),
              -1);
    EXPECT_EQ(errno, EINVAL);
    // shutdown: SHUT_WR leaves a listener be; SHUT_RD ends the listening.
    EXPECT_EQ(kernel ? shutdown(nb, SHUT_WR) : so_shutdown(nb, SHUT_WR), 0);
    EXPECT_EQ(accept4_(nb, 0), -1);
    EXPECT_EQ(errno, EAGAIN);
    EXPECT_EQ(kernel ? shutdown(nb, SHUT_RD) : so_shutdown(nb, SHUT_RD), 0);
    EXPECT_EQ(accept4_(nb, 0), -1);
    EXPECT_EQ(errno, EINVAL);
    close_(nb);
    // Two sockets on one port with SO_REUSEADDR: one may listen, not both.
    const int one = 1;
    const int b = socket_(SOCK_STREAM), c = socket_(SOCK_STREAM);
    ASSERT_EQ(setopt(b, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one), 0);
    ASSERT_EQ(setopt(c, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one), 0);
    sockaddr_in any = test_env::addr(INADDR_ANY, 0);
    ASSERT_EQ(kernel ? bind(b, reinterpret_cast<sockaddr*>(&any), sizeof any)
                     : so_bind(b, reinterpret_cast<sockaddr*>(&any), sizeof any),
              0);
    any.sin_port = name(b).sin_port;
    ASSERT_EQ(kernel ? bind(c, reinterpret_cast<sockaddr*>(&any), sizeof any)
                     : so_bind(c, reinterpret_cast<sockaddr*>(&any), sizeof any),
              0);
    EXPECT_EQ(listen_(b, 1), 0);
    EXPECT_EQ(listen_(c, 1), -1);
    EXPECT_EQ(errno, EADDRINUSE);
    close_(b);
    close_(c);
    // UDP: no listen, no accept.
    const int u = socket_(SOCK_DGRAM);
    EXPECT_EQ(listen_(u, 1), -1);
    EXPECT_EQ(errno, EOPNOTSUPP);
    EXPECT_EQ(accept4_(u, 0), -1);
    EXPECT_EQ(errno, EOPNOTSUPP);
    close_(u);
  }
}

TEST(TcpListenRows, ASignalHandlerEndsABlockedAcceptWithEintr) {
  for (bool kernel : {true, false}) {
    SCOPED_TRACE(kernel ? "kernel" : "sendoff");
    const int fd = kernel ? socket(AF_INET, SOCK_STREAM, 0) : so_socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(kernel ? listen(fd, 1) : so_listen(fd, 1), 0);
    const int runs = test_env::usr1_runs.load();
    {
      test_env::SignalIn sig(0, std::chrono::milliseconds(50));
      EXPECT_EQ(kernel ? accept(fd, nullptr, nullptr) : so_accept(fd, nullptr, nullptr), -1);
      EXPECT_EQ(errno, EINTR);
    }
    EXPECT_EQ(test_env::usr1_runs.load(), runs + 1);
    EXPECT_EQ(kernel ? close(fd) : so_close(fd), 0);
  }
}

// Rows checked against the kernel: an unconnected TCP socket.
TEST(TcpSocket, SendOnAnUnconnectedSocketIsEpipeWithSigpipeUnlessMsgNosignal) {
  for (bool kernel : {true, false}) {
    SCOPED_TRACE(kernel ? "kernel" : "sendoff");
    const int fd = kernel ? socket(AF_INET, SOCK_STREAM, 0) : so_socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, &old);
    auto send_ = [&](int flags) {
      return kernel ? send(fd, "x", 1, flags) : so_send(fd, "x", 1, flags);
    };
    EXPECT_EQ(send_(MSG_NOSIGNAL), -1);
    EXPECT_EQ(errno, EPIPE);
    sigset_t pending;
    sigpending(&pending);
    EXPECT_FALSE(sigismember(&pending, SIGPIPE));
    EXPECT_EQ(send_(0), -1);
    EXPECT_EQ(errno, EPIPE);
    sigpending(&pending);
    EXPECT_TRUE(sigismember(&pending, SIGPIPE));
    const timespec zero{0, 0};
    sigtimedwait(&set, nullptr, &zero);
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    char b;
    EXPECT_EQ(kernel ? recv(fd, &b, 1, 0) : so_recv(fd, &b, 1, 0), -1);
    EXPECT_EQ(errno, ENOTCONN);
    pollfd p{fd, POLLIN | POLLOUT, 0};
    EXPECT_EQ(kernel ? poll(&p, 1, 0) : so_poll(&p, 1, 0), 1);
    EXPECT_EQ(p.revents, POLLOUT | POLLHUP);
    int v = -1;
    socklen_t len = sizeof v;
    EXPECT_EQ(kernel ? getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, &len)
                     : so_getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, &len),
              0);
    EXPECT_EQ(v, 0);
    const int zero_cnt = 0;
    EXPECT_EQ(kernel ? setsockopt(fd, IPPROTO_TCP, TCP_SYNCNT, &zero_cnt, sizeof zero_cnt)
                     : so_setsockopt(fd, IPPROTO_TCP, TCP_SYNCNT, &zero_cnt, sizeof zero_cnt),
              -1);
    EXPECT_EQ(errno, EINVAL);
    // TCP_CONGESTION reads back a name (the kernel's default may be one sendoff
    // lacks, such as bbr: sendoff's is CUBIC, README).
    char name[16] = {};
    len = sizeof name;
    EXPECT_EQ(kernel ? getsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, name, &len)
                     : so_getsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, name, &len),
              0);
    if (!kernel) {
      EXPECT_STREQ(name, "cubic");
    }
    EXPECT_EQ(kernel ? close(fd) : so_close(fd), 0);
  }
}

// ---- The send queue in device memory (a NIC with CAPS_TX_UNALIGNED): TSO
// descriptors point into it, the driver copies nothing.

bool nic_takes_unaligned_payloads() {
  sendoff::Device* dev = sendoff::stack_device();
  return dev && (dev->reg_read(sendoff::abi::REG_CAPS) & sendoff::abi::CAPS_TX_UNALIGNED);
}

TEST_F(TcpConn, ADeviceSendQueueIsPostedByReferenceThroughWrapsAndRetransmissions) {
  if (!nic_takes_unaligned_payloads()) GTEST_SKIP() << "the NIC lacks CAPS_TX_UNALIGNED";
  peer_port_ = 9330;
  const int sndbuf = 16384;  // doubled: 32 KiB, in a 64 KiB device queue that wraps often
  ASSERT_EQ(so_setsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf), 0);
  establish();
  const auto before = sendoff::stack_counters();
  stream_and_check(300000);
  if (HasFatalFailure()) return;
  const auto after = sendoff::stack_counters();
  sendoff::TcpStats st;
  ASSERT_EQ(sendoff::stack_tcp_stats(fd_, &st), 0);
  EXPECT_TRUE(st.sendq_on_dev);
  EXPECT_EQ(st.sendq_copy_bytes, 300000u);
  EXPECT_EQ(st.nic_copy_bytes, 0u);
  EXPECT_GT(st.nic_ref_bytes, 300000u);  // the retransmission too
  // The driver copied no payload byte for the whole stream (the peer's ACKs
  // draw no segment from us).
  EXPECT_EQ(after.tx_copy_bytes - before.tx_copy_bytes, 0u);
  EXPECT_EQ(after.tx_ref_bytes - before.tx_ref_bytes, st.nic_ref_bytes);
}

// The peer ACKs data whose descriptor the NIC has not finished (its MAC is
// stalled): the queue is empty, yet those bytes stay until the NIC is done,
// so a send may fill only the rest of the queue, and the stalled segments
// still leave with their own bytes.
TEST_F(TcpConn, DeviceQueueBytesANicDescriptorStillReadsAreNotOverwritten) {
  if (!nic_takes_unaligned_payloads()) GTEST_SKIP() << "the NIC lacks CAPS_TX_UNALIGNED";
  peer_port_ = 9331;
  const int sndbuf = 32768;  // doubled: 64 KiB, the device queue's size too
  ASSERT_EQ(so_setsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf), 0);
  establish();
  const int one = 1;
  ASSERT_EQ(so_setsockopt(fd_, SOL_TCP, TCP_NODELAY, &one, sizeof one), 0);
  constexpr size_t kA = 10 * 1448;  // the initial cwnd: one descriptor
  std::vector<uint8_t> a(kA), b(60000);
  for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<uint8_t>(i * 7 + 1);
  for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<uint8_t>(i * 13 + 5);
  test_env::pause_mac(true);
  ASSERT_EQ(so_send(fd_, a.data(), a.size(), 0), static_cast<ssize_t>(kA));
  ack(isn_ + 1 + kA);
  int outq = -1;
  ASSERT_EQ(so_ioctl(fd_, SIOCOUTQ, reinterpret_cast<unsigned long>(&outq)), 0);
  EXPECT_EQ(outq, 0);
  const ssize_t took = so_send(fd_, b.data(), b.size(), 0);
  test_env::pause_mac(false);
  EXPECT_EQ(took, static_cast<ssize_t>(65536 - kA));
  ASSERT_GT(took, 0);
  size_t bad = 0, a_seen = 0, high = 0;
  for (const Seg& g : sent()) {
    if (g.data.empty()) continue;
    const size_t off = g.seq - (isn_ + 1);
    for (size_t k = 0; k < g.data.size(); ++k) {
      const size_t i = off + k;
      const uint8_t want = i < kA ? a[i] : b[i - kA];
      if (g.data[k] != want) ++bad;
    }
    if (off < kA) a_seen += g.data.size();
    high = std::max(high, off + g.data.size());
  }
  EXPECT_EQ(a_seen, kA);
  EXPECT_EQ(bad, 0u);
  // Once the NIC is done and the peer ACKs, the whole queue takes data again.
  ack(isn_ + 1 + static_cast<uint32_t>(high));
  sent();
  ack(isn_ + 1 + static_cast<uint32_t>(kA + static_cast<size_t>(took)));
  sent();
  EXPECT_EQ(so_send(fd_, b.data(), b.size(), 0), static_cast<ssize_t>(b.size()));
}

// The host-memory send queue and the driver's copy stay for a NIC that
// needs aligned payloads and when device memory runs out.
class TcpSendqFallback : public TcpConn {
 protected:
  void TearDown() override {
    TcpConn::TearDown();
    std::string err;
    ASSERT_TRUE(test_env::reopen_stack_with(0, 0, &err)) << err;
  }
  void expect_host_queue(size_t total) {
    const auto before = sendoff::stack_counters();
    stream_and_check(total);
    if (HasFatalFailure()) return;
    sendoff::TcpStats st;
    ASSERT_EQ(sendoff::stack_tcp_stats(fd_, &st), 0);
    EXPECT_FALSE(st.sendq_on_dev);
    EXPECT_EQ(st.nic_ref_bytes, 0u);
    EXPECT_GT(st.nic_copy_bytes, total);  // every transmission copied, the retransmission too
    EXPECT_GE(sendoff::stack_counters().tx_copy_bytes - before.tx_copy_bytes, st.nic_copy_bytes);
  }
};

TEST_F(TcpSendqFallback, ANicWithoutUnalignedPayloadsGetsCopies) {
  so_close(fd_);
  std::string err;
  ASSERT_TRUE(test_env::reopen_stack_with(0, sendoff::abi::CAPS_TX_UNALIGNED, &err)) << err;
  fd_ = so_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  ASSERT_GE(fd_, 0);
  peer_port_ = 9332;
  establish();
  expect_host_queue(150000);
}

TEST_F(TcpSendqFallback, NoDeviceMemoryLeftForASendQueueGetsCopies) {
  so_close(fd_);
  fd_ = -1;
  // The least device memory the stack opens with (256 KiB steps): then
  // less than the send-queue pool's smallest region (1 MiB) is left.
  std::string err;
  bool open = false;
  for (size_t limit = size_t{16} << 20; limit <= size_t{64} << 20 && !open; limit += 256 << 10)
    open = test_env::reopen_stack_with(limit, 0, &err);
  ASSERT_TRUE(open) << err;
  fd_ = so_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  ASSERT_GE(fd_, 0);
  peer_port_ = 9333;
  establish();
  expect_host_queue(150000);
}

}  // namespace
