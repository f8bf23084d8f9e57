// SPDX-License-Identifier: MIT
// Random frames as a MAC delivers them (FCS included) for the receive-path tests: good and
// broken in every way rx_parse tells apart, with checksums and FCS computed here from their
// definitions (rtl_test_util.hpp), and the C model's verdict on one (rx_parse_step).
#ifndef SENDOFF_TESTS_RTL_RX_FRAMES_HPP
#define SENDOFF_TESTS_RTL_RX_FRAMES_HPP

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "rtl_test_util.hpp"
#include "sendoff_rx/sendoff_rx.hpp"

namespace rxtest {

using Frame = std::vector<uint8_t>;

enum class Kind {
  kUdp, kTcp, kBadFcs, kBadIpCsum, kBadL4Csum, kUdpNoCsum, kIpOptions, kFragment, kArp, kIpv6,
  kRunt, kJumbo, kTooLong, kOtherProto, kTruncatedIp, kBadVersion, kCount
};

inline void be16_at(Frame& f, size_t at, uint16_t v) {
  f[at] = uint8_t(v >> 8);
  f[at + 1] = uint8_t(v);
}

inline void append_fcs(Frame& f) {
  const uint32_t c = rtltest::crc32_ref(f.data(), f.size());
  for (int i = 0; i < 4; ++i) f.push_back(uint8_t(c >> (8 * i)));
}

// An IPv4 frame with `l4_bytes` bytes after the IP header (proto's header included), its IP
// and L4 checksums right; no FCS.
inline Frame ipv4_frame(std::mt19937_64& rng, uint8_t proto, unsigned ihl, size_t l4_bytes,
                        uint16_t frag = 0) {
  const size_t ip_len = ihl * 4 + l4_bytes;
  Frame f(14 + ip_len);
  for (auto& b : f) b = uint8_t(rng());
  be16_at(f, 12, 0x0800);
  uint8_t* ip = f.data() + 14;
  ip[0] = uint8_t(0x40 | ihl);
  be16_at(f, 16, uint16_t(ip_len));
  be16_at(f, 20, frag);
  ip[9] = proto;
  be16_at(f, 24, 0);
  be16_at(f, 24, uint16_t(~rtltest::sum16(ip, ihl * 4)));
  uint8_t* l4 = ip + ihl * 4;
  const size_t check_at = proto == 6 ? 16 : 6;
  if ((proto == 17 && l4_bytes >= 8) || (proto == 6 && l4_bytes >= 20)) {
    if (proto == 17) be16_at(f, 14 + ihl * 4 + 4, uint16_t(l4_bytes));
    be16_at(f, 14 + ihl * 4 + check_at, 0);
    const uint8_t pseudo[12] = {ip[12], ip[13], ip[14], ip[15], ip[16], ip[17], ip[18], ip[19],
                                0, proto, uint8_t(l4_bytes >> 8), uint8_t(l4_bytes)};
    uint16_t c = uint16_t(~rtltest::sum16(l4, l4_bytes, rtltest::sum16(pseudo, 12)));
    if (proto == 17 && c == 0) c = 0xFFFF;
    be16_at(f, 14 + ihl * 4 + check_at, c);
  }
  if (f.size() < 60) f.resize(60, 0);  // the sender's MAC pads
  return f;
}

// A random frame of the given kind, FCS appended (a wrong one for kBadFcs).
inline Frame make_rx_frame(std::mt19937_64& rng, Kind k) {
  auto pick = [&](size_t lo, size_t hi) { return lo + size_t(rng() % (hi - lo + 1)); };
  Frame f;
  switch (k) {
    case Kind::kUdp:
    case Kind::kBadFcs:
      f = ipv4_frame(rng, 17, 5, pick(8, 1480));
      break;
    case Kind::kTcp:
      f = ipv4_frame(rng, 6, 5, pick(20, 1480));
      break;
    case Kind::kBadIpCsum:
      f = ipv4_frame(rng, 17, 5, pick(8, 600));
      f[24] ^= uint8_t(1u << (rng() % 8));
      break;
    case Kind::kBadL4Csum: {
      const bool tcp = rng() % 2;
      f = ipv4_frame(rng, tcp ? 6 : 17, 5, pick(tcp ? 20 : 8, 1480));
      f[14 + 20 + (tcp ? 20 : 8) - 1 + 0] ^= 0x10;  // in the L4 header or first payload byte
      if (f[34 + (tcp ? 16 : 6)] == 0 && f[35 + (tcp ? 16 : 6)] == 0) f[34 + (tcp ? 16 : 6)] = 1;
      break;
    }
    case Kind::kUdpNoCsum:
      f = ipv4_frame(rng, 17, 5, pick(8, 1480));
      be16_at(f, 40, 0);
      if (rng() % 2) f[50 % f.size()] ^= 0xFF;  // no checksum: payload damage goes unseen
      break;
    case Kind::kIpOptions: {
      const bool tcp = rng() % 2;
      f = ipv4_frame(rng, tcp ? 6 : 17, unsigned(pick(6, 15)), pick(tcp ? 20 : 8, 1400));
      break;
    }
    case Kind::kFragment:
      f = ipv4_frame(rng, 17, 5, pick(8, 1480), uint16_t(rng() % 2 ? 0x2000 : 0x00B9));
      break;
    case Kind::kArp:
      f.assign(60, 0);
      for (auto& b : f) b = uint8_t(rng());
      be16_at(f, 12, 0x0806);
      break;
    case Kind::kIpv6:
      f.assign(pick(62, 1514), 0);
      for (auto& b : f) b = uint8_t(rng());
      be16_at(f, 12, 0x86DD);
      break;
    case Kind::kRunt:
      f.assign(pick(1, 59), 0);
      for (auto& b : f) b = uint8_t(rng());
      if (f.size() > 14) be16_at(f, 12, 0x0800);
      if (rng() % 2) {  // sometimes not even an FCS's worth
        return f.size() > 4 ? Frame(f.begin(), f.begin() + long(pick(1, 4))) : f;
      }
      break;
    case Kind::kJumbo:
      f = ipv4_frame(rng, rng() % 2 ? 6 : 17, 5, pick(8980 - 20, 9000 - 20));
      break;
    case Kind::kTooLong:
      f.assign(pick(9015, 9100), 0);
      for (auto& b : f) b = uint8_t(rng());
      be16_at(f, 12, 0x0800);
      break;
    case Kind::kOtherProto:
      f = ipv4_frame(rng, uint8_t(rng() % 2 ? 1 : 47), 5, pick(8, 200));
      break;
    case Kind::kTruncatedIp:
      f = ipv4_frame(rng, 17, 5, pick(8, 400));
      be16_at(f, 16, uint16_t(f.size() - 14 + pick(1, 100)));  // longer than the frame
      be16_at(f, 24, 0);
      be16_at(f, 24, uint16_t(~rtltest::sum16(f.data() + 14, 20)));
      break;
    case Kind::kBadVersion:
      f = ipv4_frame(rng, 17, 5, pick(8, 200));
      f[14] = uint8_t(rng() % 2 ? 0x65 : 0x44);
      break;
    case Kind::kCount:
      break;
  }
  append_fcs(f);
  if (k == Kind::kBadFcs) f[rng() % f.size()] ^= uint8_t(1u << (rng() % 8));
  return f;
}

inline Kind random_kind(std::mt19937_64& rng) {
  return Kind(rng() % unsigned(Kind::kCount));
}

// The C model's verdict on one frame: rx_parse_step, a beat per call.
inline sendoff::RxMeta model_meta(const Frame& f) {
  using namespace sendoff;
  hls::stream<axis_t> mac("mac"), data("data");
  hls::stream<RxMeta> meta("meta");
  RxParseState st;
  for (size_t off = 0; off < f.size(); off += DATA_BYTES) {
    const size_t n = std::min<size_t>(DATA_BYTES, f.size() - off);
    axis_t b;
    b.data = 0;
    for (size_t i = 0; i < n; ++i) b.data(8 * i + 7, 8 * i) = f[off + i];
    keep_t keep = ~keep_t(0);
    keep >>= unsigned(DATA_BYTES - n);
    b.keep = keep;
    b.strb = keep;
    b.last = off + n == f.size();
    mac.write(b);
    rx_parse_step<hls_fifo>(st, mac, data, meta);
    data.read();
  }
  return meta.read();
}

}  // namespace rxtest

#endif  // SENDOFF_TESTS_RTL_RX_FRAMES_HPP
