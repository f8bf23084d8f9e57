// SPDX-License-Identifier: MIT
// The C-simulation header layer (hls/compat, or Xilinx's headers when
// HLS_INCLUDE_DIRS is set): the ap_int semantics the kernels rely on,
// checked against values worked out by hand.
#include <gtest/gtest.h>

#include <ap_axi_sdata.h>
#include <ap_int.h>
#include <hls_stream.h>

namespace {

TEST(Compat, ConstructionTruncatesAndExtends) {
  EXPECT_EQ(ap_uint<8>(300).to_uint(), 44u);   // 300 mod 256
  EXPECT_EQ(ap_uint<8>(-1).to_uint(), 255u);   // sign-extended, then truncated
  EXPECT_EQ(ap_int<8>(200).to_int(), -56);     // 200 - 256
  EXPECT_EQ(ap_int<4>(-8).to_int(), -8);
  const ap_uint<100> all(-1);
  EXPECT_EQ(all(99, 64).to_uint64(), 0xFFFFFFFFFull);  // 36 bits
  EXPECT_EQ(all(63, 0).to_uint64(), ~0ull);
  const ap_int<8> neg = -3;
  const ap_uint<16> widened = neg;  // a signed source sign-extends
  EXPECT_EQ(widened.to_uint(), 0xFFFDu);
  const ap_uint<12> narrowed = ap_uint<20>(0xABCDE);
  EXPECT_EQ(narrowed.to_uint(), 0xCDEu);
}

TEST(Compat, PartSelectAcrossWords) {
  ap_uint<512> x = 0;
  x(71, 56) = 0xABCD;  // straddles the 64-bit boundary
  EXPECT_EQ(x(63, 56).to_uint(), 0xCDu);
  EXPECT_EQ(x(71, 64).to_uint(), 0xABu);
  EXPECT_EQ(x.range(71, 56).to_uint(), 0xABCDu);
  x(511, 504) = 0x5A;
  EXPECT_EQ(x(511, 504).to_uint(), 0x5Au);
  EXPECT_TRUE(x[510]);
  EXPECT_FALSE(x[511]);
  x(71, 56) = 0x1FFFF;  // value wider than the range: only its low 16 bits land
  EXPECT_EQ(x(71, 56).to_uint(), 0xFFFFu);
  EXPECT_EQ(x(72, 72).to_uint(), 0u);
  EXPECT_EQ(x(55, 55).to_uint(), 0u);
  ap_uint<512> y = 0;
  y(15, 8) = x(511, 504);  // part select to part select
  EXPECT_EQ(y.to_uint64(), 0x5A00u);
  const ap_uint<8> r = x(511, 504);
  EXPECT_EQ(r.to_uint(), 0x5Au);
}

TEST(Compat, ReversedPartSelect) {
  ap_uint<8> v = 0x06;  // 0000 0110
  EXPECT_EQ(v(0, 7).to_uint(), 0x60u);  // hi < lo: bits in reverse order
  v(0, 3) = 0x1;  // bits 3..0 written reversed: value bit 0 lands in bit 3
  EXPECT_EQ(v.to_uint(), 0x08u);
}

TEST(Compat, BitSelect) {
  ap_uint<130> x = 0;
  x[129] = 1;
  x[64] = true;
  EXPECT_TRUE(x[129]);
  EXPECT_TRUE(x[64]);
  EXPECT_FALSE(x[63]);
  x[64] = 0;
  EXPECT_FALSE(x[64]);
  EXPECT_EQ(x(129, 128).to_uint(), 2u);
  ap_uint<4> y = 0;
  y[2] = x[129];
  EXPECT_EQ(y.to_uint(), 4u);
}

TEST(Compat, ShiftsKeepTheLeftWidth) {
  EXPECT_EQ((ap_uint<8>(0x81) << 1).to_uint(), 0x02u);  // bit 7 falls off
  EXPECT_EQ((ap_uint<8>(0x81) >> 1).to_uint(), 0x40u);
  EXPECT_EQ((ap_int<8>(-128) >> 7).to_int(), -1);  // arithmetic
  EXPECT_EQ((ap_uint<8>(0x80) << -1).to_uint(), 0x40u);  // negative amount: other way
  ap_uint<512> one = 1;
  const ap_uint<512> top = one << 511;
  EXPECT_TRUE(top[511]);
  EXPECT_EQ((top >> 511).to_uint64(), 1u);
  EXPECT_EQ((one << 512).to_uint64(), 0u);  // all bits shifted out
  ap_uint<1024> w = 0xFF;
  w <<= 1020;
  EXPECT_EQ(w(1023, 1020).to_uint(), 0xFu);
  EXPECT_EQ(w(1019, 0).to_uint64(), 0u);
  w >>= 1016;
  EXPECT_EQ(w.to_uint64(), 0xF0u);
  const ap_uint<64> n = 100;
  EXPECT_EQ((ap_uint<200>(3) << n)(101, 100).to_uint(), 3u);  // ap amount
}

TEST(Compat, ArithmeticWidthsAndWrap) {
  const ap_uint<8> a = 255, b = 1;
  EXPECT_EQ((a + b).length(), 9);
  EXPECT_EQ((a + b).to_uint(), 256u);
  EXPECT_EQ((b - a).to_int(), -254);  // subtraction is signed
  ap_uint<8> c = b - a;
  EXPECT_EQ(c.to_uint(), 2u);  // -254 mod 256
  c = 250;
  c += 10;
  EXPECT_EQ(c.to_uint(), 4u);
  ++c;
  EXPECT_EQ(c.to_uint(), 5u);
  ap_uint<128> x = ~0ull;
  x = x + 1;  // carry into the second word
  EXPECT_EQ(x(127, 64).to_uint64(), 1u);
  EXPECT_EQ(x(63, 0).to_uint64(), 0u);
  const ap_uint<64> m = ~0ull;
  const ap_uint<128> p = m * m;  // (2^64-1)^2 = 2^128 - 2^65 + 1
  EXPECT_EQ(p(127, 64).to_uint64(), 0xFFFFFFFFFFFFFFFEull);
  EXPECT_EQ(p(63, 0).to_uint64(), 1u);
  EXPECT_EQ((ap_int<8>(-4) * ap_int<8>(3)).to_int(), -12);
  EXPECT_EQ((-ap_uint<8>(5)).to_int(), -5);
}

TEST(Compat, BitwiseOperators) {
  EXPECT_EQ((ap_uint<4>(0xF) & ap_uint<8>(0xFF)).length(), 8);
  EXPECT_EQ((ap_uint<8>(0xF0) | ap_uint<8>(0x0F)).to_uint(), 0xFFu);
  EXPECT_EQ((ap_uint<8>(0xFF) ^ ap_uint<8>(0x0F)).to_uint(), 0xF0u);
  EXPECT_EQ((~ap_uint<4>(0)).to_uint(), 0xFu);
  ap_uint<512> x = 0;
  x = ~x;
  EXPECT_EQ(x(511, 448).to_uint64(), ~0ull);
  x &= ap_uint<512>(0xF0);
  EXPECT_EQ(x.to_uint64(), 0xF0u);
  EXPECT_EQ(x(511, 8).to_uint64(), 0u);
}

TEST(Compat, ComparisonsAreByValue) {
  EXPECT_TRUE(ap_int<8>(-1) < ap_uint<8>(0));
  EXPECT_TRUE(ap_uint<200>(5) == 5);
  EXPECT_TRUE(ap_uint<64>(~0ull) > 0);
  EXPECT_TRUE(ap_int<4>(-8) < -7);
  EXPECT_TRUE(ap_uint<8>(200) > ap_int<16>(-300));
  EXPECT_TRUE(ap_uint<300>(1) != ap_uint<300>(0));
  ap_uint<300> big = 1;
  big <<= 299;
  EXPECT_TRUE(big > ap_uint<64>(~0ull));
  EXPECT_TRUE(ap_uint<8>(7) == ap_uint<3>(7));
  EXPECT_TRUE(ap_uint<8>(0x5A)(7, 4) == 5);
}

TEST(Compat, Conversions) {
  const ap_uint<96> x = 0x1234567890ABCDEFull;
  EXPECT_EQ(x.to_uint64(), 0x1234567890ABCDEFull);
  EXPECT_EQ(x.to_uint(), 0x90ABCDEFu);
  const unsigned long long y = ap_uint<16>(0xBEEF);
  EXPECT_EQ(y, 0xBEEFu);
  const int z = ap_int<8>(-2);
  EXPECT_EQ(z, -2);
  EXPECT_TRUE(static_cast<bool>(ap_uint<1>(1)));
}

TEST(Compat, StreamIsAFifo) {
  hls::stream<int> s("fifo");
  EXPECT_TRUE(s.empty());
  EXPECT_FALSE(s.full());
  s.write(1);
  s << 2;
  EXPECT_EQ(s.size(), 2u);
  int v = 0;
  s >> v;
  EXPECT_EQ(v, 1);
  EXPECT_EQ(s.read(), 2);
  EXPECT_FALSE(s.read_nb(v));
  EXPECT_TRUE(s.empty());
}

TEST(CompatDeathTest, ReadingAnEmptyStreamAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  hls::stream<int> s("starved");
  EXPECT_DEATH(s.read(), "starved");
}

TEST(Compat, AxiStreamBeat) {
  ap_axiu<512, 0, 0, 0> beat;
  EXPECT_EQ(beat.data.length(), 512);
  EXPECT_EQ(beat.keep.length(), 64);
  EXPECT_EQ(beat.strb.length(), 64);
  EXPECT_EQ(beat.last.length(), 1);
  ap_axiu<64, 2, 3, 4> side;
  EXPECT_EQ(side.user.length(), 2);
  EXPECT_EQ(side.id.length(), 3);
  EXPECT_EQ(side.dest.length(), 4);
}

}  // namespace
