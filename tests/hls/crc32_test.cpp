// SPDX-License-Identifier: MIT
// IEEE 802.3 CRC-32 against the standard check value and a real frame's FCS.
#include "sendoff/crc32.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "beats.hpp"
#include "sendoff/crc32_matrix.hpp"
#include "sendoff/hls_beat.hpp"

namespace {

using sendoff_test::Bytes;
using sendoff_test::hex;

TEST(Crc32, CheckValue) {
  const char* s = "123456789";  // the catalogued check input of CRC-32
  EXPECT_EQ(sendoff::crc32_ieee(reinterpret_cast<const uint8_t*>(s), std::strlen(s)),
            0xCBF43926u);
  EXPECT_EQ(sendoff::crc32_ieee(nullptr, 0), 0u);
}

// A 60-byte TCP SYN-ACK frame and its FCS as captured on the wire
// (networkengineering.stackexchange.com question 45352: FCS 5A 05 DE FA).
const char* kFrame =
    "08 00 20 0A 70 66 08 00 20 0A AC 96 08 00 45 00 00 28 A6 F5 00 00 1A 06 75 94 C0 5D 02 01"
    "84 E3 3D 05 00 15 0F 87 9C CB 7E 01 27 E3 EA 01 50 12 10 00 DF 3D 00 00 20 20 20 20 20 20";

TEST(Crc32, EthernetFrameFcs) {
  const Bytes f = hex(kFrame);
  ASSERT_EQ(f.size(), 60u);
  const uint32_t crc = sendoff::crc32_ieee(f.data(), f.size());
  // Transmitted least significant byte first.
  const Bytes fcs = {static_cast<uint8_t>(crc), static_cast<uint8_t>(crc >> 8),
                     static_cast<uint8_t>(crc >> 16), static_cast<uint8_t>(crc >> 24)};
  EXPECT_EQ(fcs, hex("5A 05 DE FA"));
  // A receiver running the CRC over frame and FCS ends on the residue.
  const Bytes all = sendoff_test::cat(f, fcs);
  EXPECT_EQ(sendoff::crc32_ieee(all.data(), all.size()), sendoff::CRC32_RESIDUE);
}

TEST(Crc32, ChainsLikeZlib) {
  const Bytes f = hex(kFrame);
  const uint32_t part = sendoff::crc32_ieee(f.data(), 17);
  EXPECT_EQ(sendoff::crc32_ieee(f.data() + 17, f.size() - 17, part),
            sendoff::crc32_ieee(f.data(), f.size()));
}

// The matrix updates against the byte-wise register, from a register that is
// not the preset (as mid-frame), for a whole beat and every shorter length.
TEST(Crc32, MatrixUpdatesEqualByteSteps) {
  const Bytes b = sendoff_test::pattern(sendoff::DATA_BYTES, 3);
  sendoff::data_t d = 0;
  for (size_t i = 0; i < b.size(); ++i) d(8 * i + 7, 8 * i) = b[i];
  const uint32_t start = 0x9E3779B9u;
  uint32_t want = start;
  for (unsigned n = 0; n < sendoff::DATA_BYTES; ++n) {
    EXPECT_EQ(sendoff::crc32_part_beat<sendoff::DATA_WIDTH>(start, d, n), want) << n << " bytes";
    want = sendoff::crc32_byte(want, b[n]);
  }
  EXPECT_EQ(sendoff::crc32_full_beat<sendoff::DATA_WIDTH>(start, d), want);
  // Bytes past n do not leak into a partial update.
  EXPECT_EQ(sendoff::crc32_part_beat<sendoff::DATA_WIDTH>(start, d, 5),
            sendoff::crc32_part_beat<sendoff::DATA_WIDTH>(start, d & ((sendoff::data_t(1) << 40) - 1), 5));
}

// Frame CRCs chained beat by beat equal zlib's over the whole frame.
TEST(Crc32, BeatsChainToTheFrameCrc) {
  constexpr size_t B = sendoff::DATA_BYTES;
  for (size_t len : {B, 3 * B, 3 * B + 1, 3 * B + B - 1}) {
    const Bytes f = sendoff_test::pattern(len, static_cast<unsigned>(len));
    uint32_t r = sendoff::CRC32_INIT;
    for (size_t off = 0; off < len; off += B) {
      sendoff::data_t d = 0;
      const size_t n = len - off < B ? len - off : B;
      for (size_t i = 0; i < n; ++i) d(8 * i + 7, 8 * i) = f[off + i];
      r = n == B ? sendoff::crc32_full_beat<sendoff::DATA_WIDTH>(r, d)
                 : sendoff::crc32_part_beat<sendoff::DATA_WIDTH>(r, d, static_cast<unsigned>(n));
    }
    EXPECT_EQ(~r, sendoff::crc32_ieee(f.data(), f.size())) << len;
  }
}

}  // namespace
