// SPDX-License-Identifier: MIT
// Small helpers shared by the RTL tests: beat packing and reference CRC/checksums written
// from their definitions (bit-serial CRC-32, RFC 1071 sum), independent of the RTL.
#ifndef SENDOFF_TESTS_RTL_TEST_UTIL_HPP
#define SENDOFF_TESTS_RTL_TEST_UTIL_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace rtltest {

// IEEE 802.3 CRC-32, bit by bit, LSB first.
inline uint32_t crc32_ref(const uint8_t* p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; ++i) {
    c ^= p[i];
    for (int b = 0; b < 8; ++b) c = (c >> 1) ^ ((c & 1u) ? 0xEDB88320u : 0u);
  }
  return ~c;
}

// One's complement sum of big-endian 16-bit words (odd tail padded with zero), folded.
inline uint32_t sum16(const uint8_t* p, size_t n, uint32_t acc = 0) {
  for (size_t i = 0; i + 1 < n; i += 2) acc += uint32_t(p[i]) << 8 | p[i + 1];
  if (n & 1) acc += uint32_t(p[n - 1]) << 8;
  while (acc >> 16) acc = (acc & 0xFFFF) + (acc >> 16);
  return acc;
}

// Bits written LSB first into 32-bit words, as Verilator lays out a packed vector.
class BitWriter {
 public:
  explicit BitWriter(size_t words) : w_(words, 0) {}
  // Appends the low `bits` bits of v above what is there.
  BitWriter& put(uint64_t v, unsigned bits) {
    for (unsigned i = 0; i < bits; ++i, ++pos_) {
      if ((v >> i) & 1u) w_[pos_ / 32] |= 1u << (pos_ % 32);
    }
    return *this;
  }
  BitWriter& put_bytes(const uint8_t* p, size_t n) {
    for (size_t i = 0; i < n; ++i) put(p[i], 8);
    return *this;
  }
  const std::vector<uint32_t>& words() const { return w_; }
  size_t bits() const { return pos_; }

 private:
  std::vector<uint32_t> w_;
  size_t pos_ = 0;
};

// Reads fields back LSB first from a packed vector's 32-bit words.
class BitReader {
 public:
  explicit BitReader(const uint32_t* w) : w_(w) {}
  uint64_t get(unsigned bits) {
    uint64_t v = 0;
    for (unsigned i = 0; i < bits; ++i, ++pos_) {
      v |= uint64_t((w_[pos_ / 32] >> (pos_ % 32)) & 1u) << i;
    }
    return v;
  }
  std::vector<uint8_t> get_bytes(size_t n) {
    std::vector<uint8_t> v(n);
    for (auto& b : v) b = uint8_t(get(8));
    return v;
  }

 private:
  const uint32_t* w_;
  size_t pos_ = 0;
};

// sendoff_pkg::tx_job_t, LSB first (the struct's last field first).
struct Job {
  uint16_t len = 0;
  bool udp = false, eth = false, df = false, frag = false;
  uint16_t fsz = 0, ip_id = 0;
  uint8_t ttl = 0, tos = 0, proto = 0;
  uint32_t saddr = 0, daddr = 0;
  uint16_t sport = 0, dport = 0;
  uint8_t dmac[6] = {}, smac[6] = {};
  bool more = false, tcp = false;  // tcp_tx's marks, not compared by ==
};
constexpr unsigned kJobBits = 268;

inline void put_job(BitWriter& w, const Job& j) {
  w.put_bytes(j.smac, 6).put_bytes(j.dmac, 6).put(j.dport, 16).put(j.sport, 16);
  w.put(j.daddr, 32).put(j.saddr, 32).put(j.proto, 8).put(j.tos, 8).put(j.ttl, 8);
  w.put(j.ip_id, 16).put(j.fsz, 14).put(j.frag, 1).put(j.df, 1).put(j.eth, 1).put(j.udp, 1);
  w.put(j.len, 16).put(j.more, 1).put(j.tcp, 1);
}

inline Job get_job(BitReader& r) {
  Job j;
  auto sm = r.get_bytes(6), dm = r.get_bytes(6);
  std::memcpy(j.smac, sm.data(), 6);
  std::memcpy(j.dmac, dm.data(), 6);
  j.dport = uint16_t(r.get(16));
  j.sport = uint16_t(r.get(16));
  j.daddr = uint32_t(r.get(32));
  j.saddr = uint32_t(r.get(32));
  j.proto = uint8_t(r.get(8));
  j.tos = uint8_t(r.get(8));
  j.ttl = uint8_t(r.get(8));
  j.ip_id = uint16_t(r.get(16));
  j.fsz = uint16_t(r.get(14));
  j.frag = r.get(1);
  j.df = r.get(1);
  j.eth = r.get(1);
  j.udp = r.get(1);
  j.len = uint16_t(r.get(16));
  j.more = r.get(1);
  j.tcp = r.get(1);
  return j;
}

inline bool operator==(const Job& a, const Job& b) {
  return a.len == b.len && a.udp == b.udp && a.eth == b.eth && a.df == b.df && a.frag == b.frag && a.fsz == b.fsz &&
         a.ip_id == b.ip_id && a.ttl == b.ttl && a.tos == b.tos && a.proto == b.proto &&
         a.saddr == b.saddr && a.daddr == b.daddr && a.sport == b.sport && a.dport == b.dport &&
         std::memcmp(a.dmac, b.dmac, 6) == 0 && std::memcmp(a.smac, b.smac, 6) == 0;
}

// A payload as 64-byte beats: bytes [off, off + n) of the stream, tkeep set on them only,
// lanes outside filled with `junk`.
struct StreamBeat {
  uint8_t data[64];
  uint64_t keep;
  bool last;
};

inline std::vector<StreamBeat> to_beats(const std::vector<uint8_t>& p, unsigned off, uint8_t junk) {
  std::vector<StreamBeat> beats;
  if (p.empty()) return beats;
  const size_t end = off + p.size();
  for (size_t base = 0; base < end; base += 64) {
    StreamBeat b{};
    for (unsigned l = 0; l < 64; ++l) {
      const size_t pos = base + l;
      const bool in = pos >= off && pos < end;
      b.data[l] = in ? p[pos - off] : junk;
      if (in) b.keep |= 1ull << l;
    }
    b.last = base + 64 >= end;
    beats.push_back(b);
  }
  return beats;
}

}  // namespace rtltest

#endif  // SENDOFF_TESTS_RTL_TEST_UTIL_HPP
