// SPDX-License-Identifier: MIT
// Frame sinks: MemorySink ordering and blocking, PcapSink's file format
// (checked by hand against the pcap layout, and by tshark).
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "device_flow.hpp"
#include "sendoff/device.hpp"
#include "sendoff/memory_sink.hpp"
#include "sendoff/nic_abi.hpp"
#include "sendoff/pcap_sink.hpp"
#include "prereq.hpp"

namespace {

using Bytes = std::vector<uint8_t>;
namespace abi = sendoff::abi;

uint32_t le32(const Bytes& b, size_t off) {
  return b[off] | (b[off + 1] << 8) | (b[off + 2] << 16) | (static_cast<uint32_t>(b[off + 3]) << 24);
}

std::string temp_path(const char* name) {
  return "/tmp/sendoff_" + std::to_string(::getpid()) + "_" + name;
}

TEST(MemorySink, KeepsOrderAndBlocksWhenFull) {
  sendoff::MemorySink sink(2);
  const uint8_t a[] = {1}, b[] = {2, 2}, c[] = {3, 3, 3};
  EXPECT_EQ(sink.deliver(a, 1), 0);
  EXPECT_EQ(sink.deliver(b, 2), 0);
  std::thread producer([&] { EXPECT_EQ(sink.deliver(c, 3), 0); });
  ASSERT_TRUE(sink.wait_blocked(1, 5000000));
  EXPECT_EQ(sink.size(), 2u);
  Bytes f;
  ASSERT_TRUE(sink.pop(&f));
  EXPECT_EQ(f, Bytes({1}));
  producer.join();
  EXPECT_EQ(sink.delivered(), 3u);
  const auto rest = sink.take_all();
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0], Bytes({2, 2}));
  EXPECT_EQ(rest[1], Bytes({3, 3, 3}));
  EXPECT_FALSE(sink.pop(&f));
}

TEST(MemorySink, CloseReleasesABlockedProducer) {
  sendoff::MemorySink sink(1);
  const uint8_t a[] = {1};
  EXPECT_EQ(sink.deliver(a, 1), 0);
  int rc = 0;
  std::thread producer([&] { rc = sink.deliver(a, 1); });
  ASSERT_TRUE(sink.wait_blocked(1, 5000000));
  sink.close();
  producer.join();
  EXPECT_EQ(rc, -EPIPE);
  EXPECT_EQ(sink.size(), 1u);
}

Bytes read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(PcapSink, FileLayout) {
  const std::string path = temp_path("layout.pcap");
  std::string err;
  {
    auto sink = sendoff::PcapSink::open(path, &err);
    ASSERT_NE(sink, nullptr) << err;
    Bytes f1(60, 0xAB), f2(1514, 0xCD);
    EXPECT_EQ(sink->deliver(f1.data(), f1.size()), 0);
    EXPECT_EQ(sink->deliver(f2.data(), f2.size()), 0);
    EXPECT_EQ(sink->frames(), 2u);
  }
  const Bytes b = read_file(path);
  std::remove(path.c_str());
  ASSERT_EQ(b.size(), 24u + 16 + 60 + 16 + 1514);
  EXPECT_EQ(le32(b, 0), 0xa1b2c3d4u);  // microsecond pcap, little-endian host
  EXPECT_EQ(b[4] | (b[5] << 8), 2);
  EXPECT_EQ(b[6] | (b[7] << 8), 4);
  EXPECT_EQ(le32(b, 16), sendoff::PcapSink::kSnapLen);
  EXPECT_EQ(le32(b, 20), 1u);  // LINKTYPE_ETHERNET
  EXPECT_GT(le32(b, 24), 1600000000u);  // a plausible time of day
  EXPECT_LT(le32(b, 28), 1000000u);     // microseconds
  EXPECT_EQ(le32(b, 32), 60u);
  EXPECT_EQ(le32(b, 36), 60u);
  EXPECT_EQ(b[40], 0xAB);
  EXPECT_EQ(le32(b, 24 + 16 + 60 + 8), 1514u);
  EXPECT_EQ(b.back(), 0xCD);
}

TEST(PcapSink, OpenFailureSaysWhy) {
  std::string err;
  EXPECT_EQ(sendoff::PcapSink::open("/nonexistent-dir/x.pcap", &err), nullptr);
  EXPECT_NE(err.find("/nonexistent-dir/x.pcap"), std::string::npos) << err;
}

std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  ::pclose(p);
  return out;
}

// The csim device's frames, written by PcapSink, as tshark dissects them:
// no malformed packet, good IPv4 and UDP checksums, fragments reassembled.
TEST(PcapSink, TsharkAcceptsDeviceFrames) {
  SENDOFF_REQUIRE(sendoff::test::missing_program("tshark"));
  const std::string path = temp_path("device.pcap");
  std::string err;
  auto sink = sendoff::PcapSink::open(path, &err);
  ASSERT_NE(sink, nullptr) << err;
  {
    sendoff::DeviceOptions o;
    o.sink = sink.get();
    auto dev = sendoff::make_device(o, &err);
    ASSERT_NE(dev, nullptr) << err;
    abi::FlowEntry f = sendoff_test::udp_flow(40000);
    const uint8_t dmac[6] = {0x02, 0, 0, 0, 0, 0x02}, smac[6] = {0x02, 0, 0, 0, 0, 0x01};
    std::memcpy(f.dmac, dmac, 6);
    std::memcpy(f.smac, smac, 6);
    sendoff_test::commit_flow(*dev, 0, f);

    sendoff::DmaBuffer ring = dev->dma_alloc(4 * abi::TXD_BYTES);
    const uint32_t lens[4] = {0, 13, 1472, 9000};
    for (uint32_t i = 0; i < 4; ++i) {
      sendoff::DmaBuffer p = dev->dma_alloc(lens[i] + 1);
      for (uint32_t k = 0; k < lens[i]; ++k) p.host[k] = static_cast<uint8_t>('a' + k % 26);
      dev->dma_sync_to_device(p, 0, lens[i]);
      abi::TxDesc d;
      std::memset(&d, 0, sizeof d);
      d.addr = p.dev_addr;
      d.len = lens[i];
      d.flags = abi::TXD_L4_UDP;
      d.ip_id = static_cast<uint16_t>(0x100 + i);
      d.ttl = 64;
      std::memcpy(ring.host + i * abi::TXD_BYTES, &d, abi::TXD_BYTES);
    }
    dev->dma_sync_to_device(ring, 0, 4 * abi::TXD_BYTES);
    dev->reg_write(abi::REG_RING_BASE_LO, static_cast<uint32_t>(ring.dev_addr));
    dev->reg_write(abi::REG_RING_SIZE, 4);
    dev->reg_write(abi::REG_CTRL, abi::CTRL_ENABLE);
    dev->reg_write(abi::REG_RING_HEAD, 4);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (dev->reg_read(abi::REG_RING_TAIL) != 4 && std::chrono::steady_clock::now() < deadline)
      dev->wait_progress(100000);
    ASSERT_EQ(dev->reg_read(abi::REG_RING_TAIL), 4u);
  }
  EXPECT_EQ(sink->frames(), 1u + 1 + 1 + 7);
  const std::string tshark = std::string("tshark") +
                             " -n -r " + path +
                             " -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE"
                             " -d udp.port==9000,data";
  // One line per reassembled datagram: IP checksum status, UDP checksum
  // status, UDP length.
  const std::string fields =
      run(tshark + " -Y udp -T fields -e ip.checksum.status -e udp.checksum.status -e udp.length 2>/dev/null");
  EXPECT_EQ(fields, "1\t1\t8\n1\t1\t21\n1\t1\t1480\n1\t1\t9008\n");
  const std::string bad = run(tshark + " -Y '_ws.malformed || _ws.expert.severity >= \"Error\"' 2>/dev/null");
  EXPECT_EQ(bad, "");
  std::remove(path.c_str());
}

}  // namespace
