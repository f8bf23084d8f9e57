// SPDX-License-Identifier: MIT
// The AXI4-Stream links between the HLS flavour's Vitis kernels, as the link
// configs (bitstreams/link/*_hls.cfg) join them with stream_connect:
//
//   sendoff_tx_hls -+-udp_meta, payload----> udp_tx_hls -ip_meta, l4_seg-+
//                   +-tcp_meta, tcp_payload-> tcp_tx_hls -ip_meta, l4_seg-+-> tx_merge_hls
//                   +-route------------------------------------------------+
//     tx_merge_hls --ip_meta, l4_seg--> ip_tx_hls --eth_meta, ip_pkt--> eth_tx_hls
//     --tx--> cmac_0.S_AXIS
//   cmac_0.M_AXIS --rx--> rx_parse_hls --rx_meta, rx_data--> rx_dma_hls
//
// Each hop is what it is inside hls/: a header channel, one record per packet,
// and a payload stream under the beat contract of hls_beat.hpp. Vitis joins
// kernels only through AXI4-Stream ports, so a record crosses as the tdata of
// one ap_axiu beat (tkeep all ones, tlast set), packed in the field order of
// meta_fields below; both ends use this one layout.
//
// Why the pipeline is several kernels: Vitis allows no m_axi port on a
// free-running (ap_ctrl_none) kernel, so the memory-facing part (descriptors,
// flow table, payload reads) is sendoff_tx_hls, started per batch
// (ap_ctrl_chain), and the stream stages run free as udp_tx_hls, tcp_tx_hls,
// tx_merge_hls, ip_tx_hls and eth_tx_hls. sendoff_tx_hls sends a route record
// per descriptor in ring order; tx_merge_hls follows them, so frames leave in
// ring order whichever transport stage built them.
#ifndef SENDOFF_BITSTREAMS_STREAM_LINKS_HPP
#define SENDOFF_BITSTREAMS_STREAM_LINKS_HPP

#include <stdint.h>

#include "sendoff/hls_beat.hpp"
#include "sendoff_rx/sendoff_rx.hpp"
#include "sendoff_tx/tx_merge.hpp"
#include "tcp_tx/tcp_tx.hpp"
#include "udp_tx/udp_tx.hpp"

namespace sendoff {

// tdata widths of the header channels: the packed record (static_asserts
// below) rounded up to a power of two.
constexpr int UDP_META_BITS = 512;
constexpr int TCP_META_BITS = 1024;
constexpr int ROUTE_BITS = 64;
constexpr int IP_META_BITS = 512;
constexpr int ETH_META_BITS = 128;
constexpr int RX_META_BITS = 128;

// A record's fields in their packed order (from bit 0 up), each with its width.
template <class F>
constexpr void meta_fields(EthTxMeta& m, F& f) {
  f(m.ip_len, 16);
  f(m.dmac, 48);
  f(m.smac, 48);
  f(m.fcs, 1);
  f(m.l2, 1);
}
template <class F>
constexpr void meta_fields(IpTxMeta& m, F& f) {
  f(m.l4_len, 32);
  f(m.saddr, 32);
  f(m.daddr, 32);
  f(m.id, 16);
  f(m.mtu, 16);
  f(m.ttl, 8);
  f(m.tos, 8);
  f(m.protocol, 8);
  f(m.df, 1);
  f(m.l2, 1);
  meta_fields(m.eth, f);
}
template <class F>
constexpr void meta_fields(UdpTxMeta& m, F& f) {
  f(m.raw, 1);
  f(m.len, 32);
  f(m.sport, 16);
  f(m.dport, 16);
  meta_fields(m.ip, f);
}

template <class F>
constexpr void meta_fields(TcpTxMeta& m, F& f) {
  f(m.len, 32);
  f(m.mss, 16);
  f(m.sport, 16);
  f(m.dport, 16);
  f(m.seq, 32);
  f(m.ack, 32);
  f(m.window, 16);
  f(m.flags, 8);
  f(m.opt_len, 8);
  f(m.opts, 8 * TCP_OPT_MAX);
  meta_fields(m.ip, f);
}
template <class F>
constexpr void meta_fields(TxRoute& m, F& f) {
  f(m.tcp, 1);
  f(m.segs, 32);
}

template <class F>
constexpr void meta_fields(RxMeta& m, F& f) {
  f(m.len, 16);
  f(m.fcs_ok, 1);
  f(m.len_ok, 1);
  f(m.l3, 8);
  f(m.l4, 8);
  f(m.flags, 16);
  f(m.hash, 32);
}

struct MetaBitCount {
  unsigned bits = 0;
  template <class T>
  constexpr void operator()(T&, unsigned n) {
    bits += n;
  }
};

template <class T>
constexpr unsigned meta_packed_bits() {
  T m{};
  MetaBitCount c;
  meta_fields(m, c);
  return c.bits;
}
static_assert(meta_packed_bits<UdpTxMeta>() <= UDP_META_BITS, "UdpTxMeta outgrew its channel");
// TcpTxMeta holds an ap_uint (its options), which Xilinx's ap_int.h cannot build in a constant
// expression: tests/bitstreams checks that it fits TCP_META_BITS.
static_assert(meta_packed_bits<TxRoute>() <= ROUTE_BITS, "TxRoute outgrew its channel");
static_assert(meta_packed_bits<IpTxMeta>() <= IP_META_BITS, "IpTxMeta outgrew its channel");
static_assert(meta_packed_bits<EthTxMeta>() <= ETH_META_BITS, "EthTxMeta outgrew its channel");
static_assert(meta_packed_bits<RxMeta>() <= RX_META_BITS, "RxMeta outgrew its channel");

template <int W>
struct MetaPacker {
  ap_uint<W> word = 0;
  unsigned at = 0;
  template <class T>
  void operator()(T& field, unsigned n) {
    word(at + n - 1, at) = static_cast<uint64_t>(field);
    at += n;
  }
  // A field wider than 64 bits (TcpTxMeta's options).
  template <int N>
  void operator()(ap_uint<N>& field, unsigned n) {
    word(at + n - 1, at) = field;
    at += n;
  }
};

template <int W>
struct MetaUnpacker {
  ap_uint<W> word;
  unsigned at = 0;
  template <class T>
  void operator()(T& field, unsigned n) {
    field = static_cast<T>(word(at + n - 1, at).to_uint64());
    at += n;
  }
  template <int N>
  void operator()(ap_uint<N>& field, unsigned n) {
    field = word(at + n - 1, at);
    at += n;
  }
};

template <int W, class T>
ap_axiu<W, 0, 0, 0> meta_beat(T m) {
  MetaPacker<W> p;
  meta_fields(m, p);
  ap_axiu<W, 0, 0, 0> b;
  b.data = p.word;
  b.keep = low_bits<W / 8>(W / 8);
  b.strb = b.keep;
  b.last = 1;
  return b;
}

template <class T, int W>
T meta_of(const ap_axiu<W, 0, 0, 0>& b) {
  MetaUnpacker<W> u;
  u.word = b.data;
  T m{};
  meta_fields(m, u);
  return m;
}

// Dataflow processes of the free-running kernels: each call moves at most one
// record, non-blocking, between a header channel and the stage's own stream.
template <class T, int W>
void meta_from_axis(hls::stream<ap_axiu<W, 0, 0, 0>>& in, hls::stream<T>& out) {
#pragma HLS INLINE off
#pragma HLS PIPELINE II=1 style=flp
  if (!in.empty() && !out.full()) out.write(meta_of<T>(in.read()));
}

template <int W, class T>
void meta_to_axis(hls::stream<T>& in, hls::stream<ap_axiu<W, 0, 0, 0>>& out) {
#pragma HLS INLINE off
#pragma HLS PIPELINE II=1 style=flp
  if (!in.empty() && !out.full()) out.write(meta_beat<W>(in.read()));
}

}  // namespace sendoff

// The free-running kernels: ap_ctrl_none, AXI4-Stream only, one beat per
// stream and clock. Each keeps its stage's state in statics.
extern "C" void udp_tx_hls(hls::stream<ap_axiu<sendoff::UDP_META_BITS, 0, 0, 0>>& s_axis_udp_meta,
                           hls::stream<ap_axiu<SENDOFF_DATA_WIDTH, 0, 0, 0>>& s_axis_payload,
                           hls::stream<ap_axiu<sendoff::IP_META_BITS, 0, 0, 0>>& m_axis_ip_meta,
                           hls::stream<ap_axiu<SENDOFF_DATA_WIDTH, 0, 0, 0>>& m_axis_l4_seg);
extern "C" void tcp_tx_hls(hls::stream<ap_axiu<sendoff::TCP_META_BITS, 0, 0, 0>>& s_axis_tcp_meta,
                           hls::stream<ap_axiu<SENDOFF_DATA_WIDTH, 0, 0, 0>>& s_axis_payload,
                           hls::stream<ap_axiu<sendoff::IP_META_BITS, 0, 0, 0>>& m_axis_ip_meta,
                           hls::stream<ap_axiu<SENDOFF_DATA_WIDTH, 0, 0, 0>>& m_axis_l4_seg);
extern "C" void tx_merge_hls(
    hls::stream<ap_axiu<sendoff::ROUTE_BITS, 0, 0, 0>>& s_axis_route,
    hls::stream<ap_axiu<sendoff::IP_META_BITS, 0, 0, 0>>& s_axis_udp_ip_meta,
    hls::stream<ap_axiu<SENDOFF_DATA_WIDTH, 0, 0, 0>>& s_axis_udp_l4_seg,
    hls::stream<ap_axiu<sendoff::IP_META_BITS, 0, 0, 0>>& s_axis_tcp_ip_meta,
    hls::stream<ap_axiu<SENDOFF_DATA_WIDTH, 0, 0, 0>>& s_axis_tcp_l4_seg,
    hls::stream<ap_axiu<sendoff::IP_META_BITS, 0, 0, 0>>& m_axis_ip_meta,
    hls::stream<ap_axiu<SENDOFF_DATA_WIDTH, 0, 0, 0>>& m_axis_l4_seg);
extern "C" void ip_tx_hls(hls::stream<ap_axiu<sendoff::IP_META_BITS, 0, 0, 0>>& s_axis_ip_meta,
                          hls::stream<ap_axiu<SENDOFF_DATA_WIDTH, 0, 0, 0>>& s_axis_l4_seg,
                          hls::stream<ap_axiu<sendoff::ETH_META_BITS, 0, 0, 0>>& m_axis_eth_meta,
                          hls::stream<ap_axiu<SENDOFF_DATA_WIDTH, 0, 0, 0>>& m_axis_ip_pkt);
extern "C" void eth_tx_hls(hls::stream<ap_axiu<sendoff::ETH_META_BITS, 0, 0, 0>>& s_axis_eth_meta,
                           hls::stream<ap_axiu<SENDOFF_DATA_WIDTH, 0, 0, 0>>& s_axis_ip_pkt,
                           hls::stream<ap_axiu<SENDOFF_DATA_WIDTH, 0, 0, 0>>& m_axis_tx);
extern "C" void rx_parse_hls(hls::stream<ap_axiu<SENDOFF_DATA_WIDTH, 0, 0, 0>>& s_axis_rx,
                             hls::stream<ap_axiu<SENDOFF_DATA_WIDTH, 0, 0, 0>>& m_axis_rx_data,
                             hls::stream<ap_axiu<sendoff::RX_META_BITS, 0, 0, 0>>& m_axis_rx_meta);

#endif  // SENDOFF_BITSTREAMS_STREAM_LINKS_HPP
