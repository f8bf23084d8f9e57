// SPDX-License-Identifier: MIT
#include "wire_frame.hpp"

namespace sendoff {
namespace e2e {

namespace {
uint16_t be16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
uint32_t be32(const uint8_t* p) { return static_cast<uint32_t>(be16(p)) << 16 | be16(p + 2); }
}  // namespace

bool parse_wire_frame(const std::vector<uint8_t>& fr, WireFrame* f, std::string* err) {
  *f = WireFrame{};
  if (fr.size() < 14 + 20) {
    *err = "frame of " + std::to_string(fr.size()) + " B is too short for Ethernet + IPv4";
    return false;
  }
  f->eth_dst.assign(fr.begin(), fr.begin() + 6);
  f->eth_src.assign(fr.begin() + 6, fr.begin() + 12);
  f->ethertype = be16(&fr[12]);
  const uint8_t* ip = &fr[14];
  f->version = ip[0] >> 4;
  f->ihl = ip[0] & 0xF;
  f->tos = ip[1];
  f->total_length = be16(ip + 2);
  f->id = be16(ip + 4);
  uint16_t fo = be16(ip + 6);
  f->flag_reserved = fo & 0x8000;
  f->df = fo & 0x4000;
  f->mf = fo & 0x2000;
  f->frag_offset = fo & 0x1FFF;
  f->ttl = ip[8];
  f->protocol = ip[9];
  f->checksum = be16(ip + 10);
  f->saddr = be32(ip + 12);
  f->daddr = be32(ip + 16);
  size_t hlen = f->ihl * 4u;
  if (f->ethertype != 0x0800 || f->version != 4 || hlen < 20 || f->total_length < hlen ||
      fr.size() < 14 + static_cast<size_t>(f->total_length)) {
    *err = "not a whole IPv4 frame";
    return false;
  }
  f->ip_header.assign(ip, ip + hlen);
  f->ip_payload.assign(ip + hlen, ip + f->total_length);
  f->trailer.assign(fr.begin() + 14 + f->total_length, fr.end());
  return true;
}

uint32_t ones_sum(const uint8_t* d, size_t len, uint32_t sum) {
  for (size_t i = 0; i + 1 < len; i += 2) sum += static_cast<uint32_t>(d[i] << 8 | d[i + 1]);
  if (len & 1) sum += static_cast<uint32_t>(d[len - 1] << 8);
  return sum;
}

uint16_t fold(uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<uint16_t>(sum);
}

bool ipv4_header_checksum_ok(const WireFrame& f) {
  return fold(ones_sum(f.ip_header.data(), f.ip_header.size())) == 0xFFFF;
}

bool udp_checksum_ok(uint32_t saddr, uint32_t daddr, const std::vector<uint8_t>& udp) {
  if (udp.size() < 8) return false;
  if (be16(&udp[6]) == 0) return true;  // sender chose no checksum
  uint32_t sum = (saddr >> 16) + (saddr & 0xFFFF) + (daddr >> 16) + (daddr & 0xFFFF) + 17 +
                 static_cast<uint32_t>(udp.size());
  return fold(ones_sum(udp.data(), udp.size(), sum)) == 0xFFFF;
}

}  // namespace e2e
}  // namespace sendoff
