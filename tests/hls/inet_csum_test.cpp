// SPDX-License-Identifier: MIT
// RFC 1071 internet checksum against published vectors.
#include "sendoff/inet_csum.hpp"

#include <gtest/gtest.h>

#include "beats.hpp"
#include "sendoff/hls_beat.hpp"

namespace {

using sendoff_test::Bytes;
using sendoff_test::hex;

TEST(InetCsum, Rfc1071WorkedExample) {
  // RFC 1071 section 3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2 (with the
  // carries folded back), so the checksum is its complement 220d.
  const Bytes b = hex("00 01 f2 03 f4 f5 f6 f7");
  EXPECT_EQ(sendoff::csum_fold(sendoff::csum_partial(b.data(), b.size(), 0)), 0xddf2);
  EXPECT_EQ(sendoff::inet_csum(b.data(), b.size()), 0x220d);
}

TEST(InetCsum, PublishedIpv4Header) {
  // The classic example header (192.168.0.1 -> 192.168.0.199, UDP, DF):
  // checksum field b861.
  Bytes h = hex("4500 0073 0000 4000 4011 0000 c0a8 0001 c0a8 00c7");
  EXPECT_EQ(sendoff::inet_csum(h.data(), h.size()), 0xb861);
  h[10] = 0xb8;
  h[11] = 0x61;
  EXPECT_EQ(sendoff::inet_csum(h.data(), h.size()), 0);  // a receiver's check
}

TEST(InetCsum, OddLengthPadsWithZero) {
  const Bytes b = hex("01");
  EXPECT_EQ(sendoff::inet_csum(b.data(), b.size()), 0xFEFF);  // ~0x0100
  const Bytes c = hex("00 01 f2");
  EXPECT_EQ(sendoff::inet_csum(c.data(), c.size()), static_cast<uint16_t>(~(0x0001 + 0xf200)));
}

TEST(InetCsum, EndAroundCarry) {
  EXPECT_EQ(sendoff::csum_add(0xFFFFFFFFu, 1), 1u);
  EXPECT_EQ(sendoff::csum_fold(0x1FFFEu), 0xFFFF);  // 0xFFFE + 1
  EXPECT_EQ(sendoff::csum_fold(0xFFFFFFFFu), 0xFFFF);
  // 0xFFFF is one's complement "negative zero": adding it changes nothing.
  EXPECT_EQ(sendoff::csum_fold(sendoff::csum_add(0x1234, 0xFFFF)), 0x1234);
}

TEST(InetCsum, PseudoHeaderMatchesItsBytes) {
  // 198.18.0.1 -> 198.18.0.2, protocol 17, UDP length 21, as RFC 768 lays
  // out the pseudo-header.
  const Bytes ph = hex("c6120001 c6120002 00 11 0015");
  EXPECT_EQ(sendoff::csum_fold(sendoff::csum_pseudo_ipv4(0xC6120001, 0xC6120002, 17, 21)),
            sendoff::csum_fold(sendoff::csum_partial(ph.data(), ph.size(), 0)));
}

TEST(InetCsum, BeatSumEqualsByteSum) {
  const Bytes b = sendoff_test::pattern(sendoff::DATA_BYTES, 7);
  sendoff::data_t d = 0;
  for (size_t i = 0; i < b.size(); ++i) d(8 * i + 7, 8 * i) = b[i];
  EXPECT_EQ(sendoff::csum_fold(sendoff::csum_add(0, sendoff::csum_beat(d))),
            sendoff::csum_fold(sendoff::csum_partial(b.data(), b.size(), 0)));
}

}  // namespace
