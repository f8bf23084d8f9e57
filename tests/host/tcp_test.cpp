// SPDX-License-Identifier: MIT
// TCP's parts that need no wire: congestion control (Reno, CUBIC against RFC
// 9438's window curve, the registry against the kernel's TCP_CONGESTION
// answer), the RTT estimator and RTO (RFC 6298 figures), and the options as
// Linux writes them, checked byte for byte against a SYN the kernel sends on
// loopback in the test's namespace.
#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fcntl.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <vector>

#include "secure_seq.hpp"
#include "tcp.hpp"

namespace {

using namespace sendoff;

tcp_sock with(const tcp_congestion_ops* ca) {
  tcp_sock tp;
  tp.ca_ops = ca;
  if (ca->init) ca->init(&tp);
  return tp;
}

// A loss as tcp_enter_recovery takes it: ssthresh from the algorithm, cwnd down to it.
void loss(tcp_sock* tp) {
  tp->prior_cwnd = tp->snd_cwnd;
  tp->snd_ssthresh = tp->ca_ops->ssthresh(tp);
  tp->snd_cwnd = tp->snd_ssthresh;
  tp->snd_cwnd_cnt = 0;
}

// One round trip of ACKs, one per segment of the window, spread over `rtt_us`.
void round_trip(tcp_sock* tp, uint32_t rtt_us) {
  const uint32_t n = tp->snd_cwnd;
  for (uint32_t i = 0; i < n; ++i) {
    tp->tcp_mstamp += rtt_us / n;
    if (tp->ca_ops->pkts_acked) tp->ca_ops->pkts_acked(tp, 1, rtt_us);
    tp->ca_ops->cong_avoid(tp, 0, 1);
  }
}

TEST(TcpCong, TheRegistryAnswersAsTheKernelDoes) {
  ASSERT_NE(tcp_ca_find("cubic"), nullptr);
  ASSERT_NE(tcp_ca_find("reno"), nullptr);
  EXPECT_EQ(tcp_ca_find("nosuchcc"), nullptr);
  char names[64];
  tcp_get_available_congestion_control(names, sizeof names);
  EXPECT_STREQ(names, "cubic reno");
  tcp_sock tp;
  tcp_init_congestion_control(&tp);
  EXPECT_STREQ(tp.ca_ops->name, "cubic") << "Linux's default";
  EXPECT_EQ(tcp_set_congestion_control(&tp, "reno"), 0);
  EXPECT_STREQ(tp.ca_ops->name, "reno");
  EXPECT_EQ(tcp_set_congestion_control(&tp, "nosuchcc"), -ENOENT);
  EXPECT_STREQ(tp.ca_ops->name, "reno") << "a refused name leaves the choice";

  // The kernel: the same names are accepted, the unknown one refused with ENOENT.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  for (const char* name : {"cubic", "reno"})
    EXPECT_EQ(setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, name, strlen(name)), 0) << name;
  errno = 0;
  EXPECT_EQ(setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, "nosuchcc", 8), -1);
  EXPECT_EQ(errno, ENOENT);
  close(fd);
}

TEST(TcpCong, RenoDoublesPerRoundTripThenAddsOneAndHalvesOnLoss) {
  tcp_sock tp = with(&tcp_reno);
  EXPECT_EQ(tp.snd_cwnd, 10u);
  round_trip(&tp, 10000);
  EXPECT_EQ(tp.snd_cwnd, 20u) << "slow start: one segment per segment ACKed";
  tp.snd_ssthresh = 30;
  round_trip(&tp, 10000);
  EXPECT_EQ(tp.snd_cwnd, 30u) << "to ssthresh; the other 10 ACKs count toward the next +1";
  EXPECT_EQ(tp.snd_cwnd_cnt, 10u);
  round_trip(&tp, 10000);
  EXPECT_EQ(tp.snd_cwnd, 31u) << "congestion avoidance: one segment per window";
  EXPECT_EQ(tp.snd_cwnd_cnt, 10u);
  loss(&tp);
  EXPECT_EQ(tp.snd_cwnd, 15u);
  tp.snd_cwnd = 3;
  EXPECT_EQ(tcp_reno_ssthresh(&tp), 2u) << "never below 2";
  tp.snd_cwnd = 5;
  EXPECT_EQ(tcp_reno_undo_cwnd(&tp), 31u) << "undo restores the window before the loss";
  tp.is_cwnd_limited = false;
  const uint32_t before = tp.snd_cwnd;
  round_trip(&tp, 10000);
  EXPECT_EQ(tp.snd_cwnd, before) << "an application-limited flow does not grow";
}

TEST(TcpCong, CubicFollowsTheCubicCurveAfterALoss) {
  tcp_sock tp = with(&cubictcp);
  tp.tcp_mstamp = 5000000;
  tp.snd_cwnd = 100;
  tp.snd_ssthresh = 50;  // congestion avoidance
  loss(&tp);
  EXPECT_EQ(tp.snd_ssthresh, 70u) << "beta 0.7: 100 * 717 / 1024";
  EXPECT_EQ(tp.snd_cwnd, 70u);
  const uint32_t rtt = 100000;  // 100 ms
  // RFC 9438 (4.2): K = cbrt((W_max - cwnd) / C) = cbrt(30 / 0.4) s.
  const double c = 410.0 / 1024, k = std::cbrt(30 / c);
  const uint64_t epoch = tp.tcp_mstamp;
  double worst = 0;
  for (int r = 0; r < 80; ++r) {
    round_trip(&tp, rtt);
    // The window aims at W(t + RTT) each round trip: compare with W one RTT behind the target.
    const double t = (tp.tcp_mstamp - epoch) / 1e6;
    const double w = c * std::pow(t - k, 3) + 100;
    const double rel = std::fabs(tp.snd_cwnd - w) / w;
    worst = std::max(worst, rel);
    EXPECT_LT(rel, 0.05) << "t " << t << " s: cwnd " << tp.snd_cwnd << ", W(t) " << w;
  }
  EXPECT_GT(tp.snd_cwnd, 100u) << "past K the window probes above W_max";
  // A second loss below W_max: fast convergence lowers W_max to cwnd (1 + beta) / 2.
  tp.snd_cwnd = 90;
  loss(&tp);
  EXPECT_EQ(tp.snd_ssthresh, 63u);
  tcp_sock fresh = with(&cubictcp);
  fresh.snd_cwnd = 1;
  EXPECT_EQ(cubictcp.ssthresh(&fresh), 2u);
}

TEST(TcpCong, CubicIsNeverSlowerThanReno) {
  // At a short RTT and a small window the cubic curve is flat for long; the
  // Reno-friendly region (RFC 9438 4.3) must carry the window instead.
  tcp_sock tp = with(&cubictcp);
  tp.tcp_mstamp = 1000000;
  tp.snd_cwnd = 20;
  tp.snd_ssthresh = 10;
  loss(&tp);  // cwnd 14, W_max 20
  const uint32_t start = tp.snd_cwnd;
  // The cubic curve alone gives W(0.2 s) = 0.4 (0.2 - K)^3 + 20 = 15.3 (K = 2.47 s); Reno
  // with CUBIC's alpha = 3 (1 - 0.7) / (1 + 0.7) = 0.53 segments a round trip gives 14 + 107.
  // cwnd trails that estimate (a window is recomputed at most every 1/32 s while it stays).
  for (int r = 0; r < 200; ++r) round_trip(&tp, 1000);
  EXPECT_GE(tp.snd_cwnd, start + 80) << "the Reno estimate sets the pace";
  EXPECT_LE(tp.snd_cwnd, start + 107 + 2) << "and no faster";
}

TEST(TcpCong, CubicTakesTheMinimumRttOutsideTheFirstSecondOfAnEpoch) {
  tcp_sock tp = with(&cubictcp);
  tp.tcp_mstamp = 10000000;
  cubictcp.pkts_acked(&tp, 1, 5000);
  cubictcp.pkts_acked(&tp, 1, 7000);
  cubictcp.pkts_acked(&tp, 1, -1);  // no sample
  // The window's growth depends on delay_min through t + RTT; a reset on loss clears it.
  cubictcp.set_state(&tp, TCP_CA_Loss);
  tp.snd_cwnd = 50;
  tp.snd_ssthresh = 10;
  round_trip(&tp, 5000);
  EXPECT_GT(tp.snd_cwnd, 50u);
}

TEST(TcpRtt, FirstSampleAndSteadyStateAsRfc6298) {
  tcp_sock tp;
  tp.snd_nxt = 1000;
  tcp_rtt_estimator(&tp, 100000);
  tcp_set_rto(&tp);
  EXPECT_EQ(tp.srtt_us, 8u * 100000) << "srtt = R (kept x8)";
  EXPECT_EQ(tp.rttvar_us, 200000u) << "4 x R/2";
  EXPECT_EQ(tp.rto_us, 300000u) << "SRTT + 4 RTTVAR = 100 + 200 ms";
  // Equal samples: the mean stays, the deviation decays (by a quarter a sample).
  tcp_rtt_estimator(&tp, 100000);
  EXPECT_EQ(tp.srtt_us, 800000u);
  EXPECT_EQ(tp.mdev_us, 150000u);
  // A larger sample: srtt moves by 1/8 of the error, mdev by 1/4 of |error| - mdev/4.
  tcp_rtt_estimator(&tp, 180000);
  EXPECT_EQ(tp.srtt_us, 880000u);
  EXPECT_EQ(tp.mdev_us, 150000u + (80000 - 150000 / 4));
  EXPECT_EQ(tp.rttvar_us, 200000u) << "rttvar is the window's largest mdev: still the first";
  tcp_rtt_estimator(&tp, 400000);  // error 290 ms: mdev 192.5 + (290 - 48.1) ms
  EXPECT_EQ(tp.mdev_us, 192500u + (290000 - 192500 / 4));
  EXPECT_EQ(tp.rttvar_us, tp.mdev_us) << "a larger mdev raises rttvar at once";
  tcp_set_rto(&tp);
  EXPECT_EQ(tp.rto_us, (tp.srtt_us >> 3) + tp.rttvar_us);
}

TEST(TcpRtt, ALanRttGivesTheMinimumRtoPlusTheRtt) {
  tcp_sock tp;
  tcp_rtt_estimator(&tp, 50);  // 50 µs
  tcp_set_rto(&tp);
  EXPECT_EQ(tp.rto_us, TCP_RTO_MIN_US + 50) << "rttvar is never below TCP_RTO_MIN";
  // Below-mean samples move mdev by only 1/32 of the gap (Linux's damping).
  tcp_sock tp2;
  tcp_rtt_estimator(&tp2, 100000);
  tcp_rtt_estimator(&tp2, 20000);
  EXPECT_EQ(tp2.mdev_us, 200000u + ((80000 - 200000 / 4) >> 3));
}

TEST(TcpRtt, RttvarDecaysOncePerWindowOfData) {
  tcp_sock tp;
  tp.snd_nxt = 100;
  tcp_rtt_estimator(&tp, 400000);  // rttvar 800 ms
  const uint32_t high = tp.rttvar_us;
  for (int i = 0; i < 5; ++i) tcp_rtt_estimator(&tp, 400000);
  EXPECT_EQ(tp.rttvar_us, high) << "snd_una has not passed rtt_seq: no decay";
  tp.snd_una = 101;
  tp.snd_nxt = 200;
  tcp_rtt_estimator(&tp, 400000);
  EXPECT_EQ(tp.rttvar_us, high) << "the first window's largest mdev was rttvar itself";
  EXPECT_EQ(tp.rtt_seq, 200u);
  // The next window's largest mdev is TCP_RTO_MIN (the samples' mdev decayed below it):
  // at its end rttvar falls by a quarter of the gap.
  tp.snd_una = 201;
  tp.snd_nxt = 300;
  tcp_rtt_estimator(&tp, 400000);
  EXPECT_EQ(tp.rttvar_us, high - (high - TCP_RTO_MIN_US) / 4);
  EXPECT_EQ(tp.rtt_seq, 300u);
}

TEST(TcpTimer, BackoffDoublesUpToTheMaximum) {
  tcp_sock tp;
  tp.rto_us = 300000;
  tp.backoff = 3;
  EXPECT_EQ(inet_csk_rto_backoff(&tp), 2400000u);
  tp.backoff = 20;
  EXPECT_EQ(inet_csk_rto_backoff(&tp), TCP_RTO_MAX_US);
  tp.rto_us = 200000000;
  tp.backoff = 0;
  tcp_rtt_estimator(&tp, 200000000);
  tcp_set_rto(&tp);
  EXPECT_EQ(tp.rto_us, TCP_RTO_MAX_US);
}

TEST(TcpOptions, LayoutsAndSizes) {
  uint8_t b[40];
  tcp_out_options ts;
  ts.ts = true;
  ts.tsval = 0x01020304;
  ts.tsecr = 0x0a0b0c0d;
  ASSERT_EQ(tcp_options_write(b, ts), 12u);
  const uint8_t want_ts[] = {1, 1, 8, 10, 1, 2, 3, 4, 10, 11, 12, 13};
  EXPECT_EQ(0, memcmp(b, want_ts, 12));
  EXPECT_EQ(tcp_options_size(ts), 12u);
  tcp_out_options syn;
  syn.mss = 1460;
  syn.sack_ok = true;
  syn.ws = 7;
  ASSERT_EQ(tcp_options_write(b, syn), 12u) << "no timestamps: NOP NOP SACK-permitted";
  const uint8_t want_syn[] = {2, 4, 0x05, 0xb4, 1, 1, 4, 2, 1, 3, 3, 7};
  EXPECT_EQ(0, memcmp(b, want_syn, 12));
  tcp_out_options sack = ts;
  sack.num_sack_blocks = 4;
  for (unsigned i = 0; i < 4; ++i) sack.sack[i] = {1000 * i, 1000 * i + 500};
  EXPECT_EQ(tcp_options_size(sack), 40u) << "with timestamps three blocks fit";
  ASSERT_EQ(tcp_options_write(b, sack), 40u);
  EXPECT_EQ(b[12], 1);
  EXPECT_EQ(b[14], 5);
  EXPECT_EQ(b[15], 2 + 3 * 8);
  EXPECT_EQ(tcp_select_wscale(65535), 0);
  EXPECT_EQ(tcp_select_wscale(6291456), 7);
  EXPECT_EQ(tcp_select_wscale(0xffffffffu), 14);
  EXPECT_EQ(tcp_advertise_mss(1500), 1460);
  EXPECT_EQ(tcp_advertise_mss(65536), 65495);
}

uint32_t read_last_number(const char* path) {
  std::ifstream f(path);
  uint32_t v = 0, last = 0;
  while (f >> v) last = v;
  return last;
}

// The kernel's SYN on loopback, its options byte for byte: ours, built from the same
// MTU and sysctls (and its own timestamp), must be identical.
TEST(TcpOptions, OurSynOptionsAreTheKernels) {
  const int ls = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(ls, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(ls, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(listen(ls, 1), 0);
  socklen_t al = sizeof a;
  ASSERT_EQ(getsockname(ls, reinterpret_cast<sockaddr*>(&a), &al), 0);
  const int ps = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_IP));
  ASSERT_GE(ps, 0) << "AF_PACKET needs root";
  sockaddr_ll ll{};
  ll.sll_family = AF_PACKET;
  ll.sll_protocol = htons(ETH_P_IP);
  ll.sll_ifindex = static_cast<int>(if_nametoindex("lo"));
  ASSERT_EQ(bind(ps, reinterpret_cast<sockaddr*>(&ll), sizeof ll), 0);
  timeval tv{2, 0};
  setsockopt(ps, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  const int cs = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  ASSERT_GE(cs, 0);
  connect(cs, reinterpret_cast<sockaddr*>(&a), sizeof a);
  std::vector<uint8_t> syn;
  uint8_t f[2048];
  for (int i = 0; i < 50 && syn.empty(); ++i) {
    const ssize_t n = recv(ps, f, sizeof f, 0);
    ASSERT_GT(n, 0) << "no SYN seen on lo";
    const uint8_t* ip = f + 14;
    const size_t ihl = (ip[0] & 15u) * 4;
    const uint8_t* th = ip + ihl;
    if (ip[9] != IPPROTO_TCP || memcmp(th + 2, &a.sin_port, 2) != 0 || th[13] != 0x02) continue;
    syn.assign(th + 20, th + (th[12] >> 4) * 4);
  }
  close(cs);
  close(ps);
  close(ls);
  ASSERT_EQ(syn.size(), 20u);
  tcp_out_options o;
  o.mss = tcp_advertise_mss(65536);  // lo's MTU
  o.sack_ok = true;
  o.ts = true;
  o.tsval = uint32_t(syn[8]) << 24 | uint32_t(syn[9]) << 16 | uint32_t(syn[10]) << 8 | syn[11];
  o.tsecr = 0;
  o.ws = tcp_select_wscale(std::max(read_last_number("/proc/sys/net/ipv4/tcp_rmem"),
                                    read_last_number("/proc/sys/net/core/rmem_max")));
  uint8_t ours[40];
  ASSERT_EQ(tcp_options_write(ours, o), 20u);
  EXPECT_EQ(std::vector<uint8_t>(ours, ours + 20), syn);
}

TEST(SecureSeq, SiphashMatchesThePapersVectors) {
  // SipHash-2-4 with key 00 01 .. 0f (the reference implementation's vectors).
  siphash_key_t key{{0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull}};
  uint8_t msg[15];
  for (int i = 0; i < 15; ++i) msg[i] = static_cast<uint8_t>(i);
  EXPECT_EQ(siphash(msg, 0, key), 0x726fdb47dd0e0e31ull);
  EXPECT_EQ(siphash(msg, 15, key), 0xa129ca6149be45e5ull);
}

TEST(SecureSeq, TheIsnRunsAtOneTickPer64NsAndDependsOnTheFourTuple) {
  const uint32_t a = 0xC6120001, b = 0xC6120002;
  const uint64_t t = 1000000000000ull;
  const uint32_t isn = secure_tcp_seq_at(a, b, 40000, 9000, t);
  EXPECT_EQ(secure_tcp_seq_at(a, b, 40000, 9000, t + 1000000) - isn, 1000000u / 64)
      << "1 ms later: 15,625 ticks";
  EXPECT_EQ(secure_tcp_seq_at(a, b, 40000, 9000, t), isn) << "the same tuple, the same time";
  EXPECT_NE(secure_tcp_seq_at(a, b, 40001, 9000, t), isn);
  EXPECT_NE(secure_tcp_seq_at(b, a, 9000, 40000, t), isn);
  EXPECT_NE(secure_tcp_ts_off(a, b), secure_tcp_ts_off(b, a));
  // The real clock moves it forward (in the 32-bit sequence space).
  const uint32_t now = secure_tcp_seq(a, b, 40000, 9000);
  const uint32_t later = secure_tcp_seq(a, b, 40000, 9000);
  EXPECT_LT(later - now, 1u << 30);
}

}  // namespace
