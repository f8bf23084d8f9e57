// SPDX-License-Identifier: MIT
// pcap file format: a 24-byte file header (magic a1b2c3d4 = microsecond
// timestamps, version 2.4, snap length, link type), then per frame a 16-byte
// record header (seconds, microseconds, captured and original length) and
// the frame. Written in host byte order; readers detect it from the magic.
#include "sendoff/pcap_sink.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>

namespace sendoff {
namespace {

void put_u32(uint8_t* p, uint32_t v) { std::memcpy(p, &v, 4); }
void put_u16(uint8_t* p, uint16_t v) { std::memcpy(p, &v, 2); }

}  // namespace

std::unique_ptr<PcapSink> PcapSink::open(const std::string& path, std::string* err) {
  std::FILE* f = std::fopen(path.c_str(), "wbe");
  if (f == nullptr) {
    if (err != nullptr) *err = "cannot create pcap file '" + path + "': " + std::strerror(errno);
    return nullptr;
  }
  uint8_t hdr[24];
  put_u32(hdr, 0xa1b2c3d4u);
  put_u16(hdr + 4, 2);
  put_u16(hdr + 6, 4);
  put_u32(hdr + 8, 0);   // timestamps in UTC
  put_u32(hdr + 12, 0);  // accuracy
  put_u32(hdr + 16, kSnapLen);
  put_u32(hdr + 20, kLinkTypeEthernet);
  if (std::fwrite(hdr, sizeof hdr, 1, f) != 1 || std::fflush(f) != 0) {
    if (err != nullptr) *err = "cannot write pcap file '" + path + "': " + std::strerror(errno);
    std::fclose(f);
    return nullptr;
  }
  return std::unique_ptr<PcapSink>(new PcapSink(f));
}

PcapSink::PcapSink(std::FILE* f) : f_(f) {}

PcapSink::~PcapSink() { std::fclose(f_); }

int PcapSink::deliver(const uint8_t* frame, size_t len) {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(now).count();
  const uint32_t caplen = len > kSnapLen ? kSnapLen : static_cast<uint32_t>(len);
  uint8_t rec[16];
  put_u32(rec, static_cast<uint32_t>(us / 1000000));
  put_u32(rec + 4, static_cast<uint32_t>(us % 1000000));
  put_u32(rec + 8, caplen);
  put_u32(rec + 12, static_cast<uint32_t>(len));
  std::lock_guard<std::mutex> lk(mu_);
  if (std::fwrite(rec, sizeof rec, 1, f_) != 1 ||
      (caplen > 0 && std::fwrite(frame, caplen, 1, f_) != 1) || std::fflush(f_) != 0) {
    return errno != 0 ? -errno : -EIO;
  }
  ++frames_;
  return 0;
}

uint64_t PcapSink::frames() const {
  std::lock_guard<std::mutex> lk(mu_);
  return frames_;
}

}  // namespace sendoff
