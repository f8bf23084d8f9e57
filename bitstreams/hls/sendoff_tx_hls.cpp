// SPDX-License-Identifier: MIT
#include "sendoff_tx_hls.hpp"

namespace sendoff {
namespace {

// desc_fetch ends a run without a marker, but the process after it must know
// where the run ends: the fetch process appends a route no descriptor makes
// (every descriptor is one segment or more).
constexpr uint32_t RUN_END_SEGS = 0;

struct FetchCounts {
  ap_uint<32> tail;
  ap_uint<32> drops;
  ap_uint<32> desc_errors;
};

struct SentCounts {
  ap_uint<64> frames;
  ap_uint<64> bytes;
};

// Word k of entry e is flow-table word e * FLOW_WORDS + k: bytes 4k..4k+3 of
// the entry, as FLOW_DATA + 4k carries them.
void load_flows(const ap_uint<512>* flows, ap_uint<32> table[FLOW_TABLE_WORDS]) {
load_flows:
  for (unsigned e = 0; e < abi::FLOW_TABLE_SIZE; ++e) {
#pragma HLS PIPELINE II=1
    const ap_uint<512> w = flows[e];
    for (unsigned k = 0; k < abi::FLOW_WORDS; ++k) {
#pragma HLS UNROLL
      table[e * abi::FLOW_WORDS + k] = w(32 * k + 31, 32 * k);
    }
  }
}

void fetch(const ap_uint<512>* mem, ap_uint<64> ring_base, ap_uint<32> ring_size,
           ap_uint<32> head, ap_uint<32> tail, const ap_uint<32> table[FLOW_TABLE_WORDS],
           ap_uint<32> ctrl, hls::stream<TxRoute>& routes, hls::stream<UdpTxMeta>& metas,
           hls::stream<axis_t>& payload, hls::stream<TcpTxMeta>& tcp_metas,
           hls::stream<axis_t>& tcp_payload, hls::stream<FetchCounts>& counts) {
  FetchCounts c = {tail, 0, 0};
  // tcp_tx_hls and tx_merge_hls are in this flavour's link: TSO (CAPS_TSO).
  desc_fetch(mem, ring_base, ring_size, head, &c.tail, table, ctrl, true, routes, metas,
             payload, tcp_metas, tcp_payload, &c.drops, &c.desc_errors, ReadFaultRange{});
  TxRoute end;
  end.tcp = false;
  end.segs = RUN_END_SEGS;
  routes.write(end);
  counts.write(c);
}

// The frames and frame bytes (without FCS) eth_tx sends for one descriptor:
// udp_tx adds the UDP header, ip_tx fragments as Linux does ((mtu - 20) & ~7
// transport bytes in every fragment but the last), eth_tx pads to ETH_ZLEN. A
// whole frame (TXD_L4_ETH) passes as it is, padded.
void count_frames(const UdpTxMeta& m, uint64_t* frames, uint64_t* bytes) {
  if (m.ip.l2) {
    *frames = 1;
    *bytes = m.len < abi::ETH_ZLEN ? abi::ETH_ZLEN : m.len;
    return;
  }
  constexpr uint32_t FRAME_HLEN = abi::ETH_HLEN + IPV4_HLEN;
  const uint32_t l4_len = m.raw ? m.len : m.len + UDP_HLEN;
  uint32_t n = 1, full = 0, last = l4_len;
  if (IPV4_HLEN + l4_len > m.ip.mtu) {
    full = (m.ip.mtu - IPV4_HLEN) & ~7u;
    n = (l4_len + full - 1) / full;
    last = l4_len - (n - 1) * full;
  }
  const uint32_t last_frame = FRAME_HLEN + last;
  *frames = n;
  *bytes = uint64_t{n - 1} * (FRAME_HLEN + full) +
           (last_frame < abi::ETH_ZLEN ? abi::ETH_ZLEN : last_frame);
}

// The same for a TCP descriptor: tcp_segs() segments, none fragmented (desc_fetch
// checked the first, the largest, against the MTU); all but the last carry mss bytes.
void count_tcp_frames(const TcpTxMeta& m, uint64_t* frames, uint64_t* bytes) {
  constexpr uint32_t FRAME_HLEN = abi::ETH_HLEN + IPV4_HLEN + TCP_HLEN;
  const uint32_t n = tcp_segs(m.len, m.mss);
  const uint32_t last = m.len - (n - 1) * m.mss;
  const uint32_t last_frame = FRAME_HLEN + m.opt_len + last;
  *frames = n;
  *bytes = uint64_t{n - 1} * (FRAME_HLEN + m.opt_len + m.mss) +
           (last_frame < abi::ETH_ZLEN ? abi::ETH_ZLEN : last_frame);
}

// Packs each descriptor's route and record onto the header channels, in ring
// order (desc_fetch writes a route before its record), and counts what it
// will send.
void send_metas(hls::stream<TxRoute>& routes, hls::stream<UdpTxMeta>& metas,
                hls::stream<TcpTxMeta>& tcp_metas,
                hls::stream<ap_axiu<ROUTE_BITS, 0, 0, 0>>& m_axis_route,
                hls::stream<ap_axiu<UDP_META_BITS, 0, 0, 0>>& m_axis_udp_meta,
                hls::stream<ap_axiu<TCP_META_BITS, 0, 0, 0>>& m_axis_tcp_meta,
                hls::stream<SentCounts>& counts) {
  uint64_t frames = 0, bytes = 0;
send_metas:
  for (;;) {
#pragma HLS PIPELINE II=1
#pragma HLS LOOP_TRIPCOUNT min=1 max=65
    const TxRoute r = routes.read();
    if (r.segs == RUN_END_SEGS) break;
    m_axis_route.write(meta_beat<ROUTE_BITS>(r));
    uint64_t f, b;
    if (r.tcp) {
      const TcpTxMeta m = tcp_metas.read();
      m_axis_tcp_meta.write(meta_beat<TCP_META_BITS>(m));
      count_tcp_frames(m, &f, &b);
    } else {
      const UdpTxMeta m = metas.read();
      m_axis_udp_meta.write(meta_beat<UDP_META_BITS>(m));
      count_frames(m, &f, &b);
    }
    frames += f;
    bytes += b;
  }
  SentCounts c;
  c.frames = frames;
  c.bytes = bytes;
  counts.write(c);
}

// One run: descriptors in, header records and payload beats out, both
// streams flowing while the ring is read.
void transmit(const ap_uint<512>* mem, ap_uint<64> ring_base, ap_uint<32> ring_size,
              ap_uint<32> head, ap_uint<32> tail, const ap_uint<32> table[FLOW_TABLE_WORDS],
              ap_uint<32> ctrl, hls::stream<ap_axiu<UDP_META_BITS, 0, 0, 0>>& m_axis_udp_meta,
              hls::stream<axis_t>& m_axis_payload,
              hls::stream<ap_axiu<ROUTE_BITS, 0, 0, 0>>& m_axis_route,
              hls::stream<ap_axiu<TCP_META_BITS, 0, 0, 0>>& m_axis_tcp_meta,
              hls::stream<axis_t>& m_axis_tcp_payload, hls::stream<FetchCounts>& fetched,
              hls::stream<SentCounts>& sent) {
#pragma HLS DATAFLOW
  hls::stream<TxRoute> routes("sendoff_tx_hls.routes");
  hls::stream<UdpTxMeta> metas("sendoff_tx_hls.metas");
  hls::stream<TcpTxMeta> tcp_metas("sendoff_tx_hls.tcp_metas");
#pragma HLS STREAM variable=routes depth=8
#pragma HLS STREAM variable=metas depth=8
#pragma HLS STREAM variable=tcp_metas depth=8
  fetch(mem, ring_base, ring_size, head, tail, table, ctrl, routes, metas, m_axis_payload,
        tcp_metas, m_axis_tcp_payload, fetched);
  send_metas(routes, metas, tcp_metas, m_axis_route, m_axis_udp_meta, m_axis_tcp_meta, sent);
}

void write_status(hls::stream<FetchCounts>& fetched, hls::stream<SentCounts>& sent,
                  ap_uint<32> seq, ap_uint<512>* status, ap_uint<32>* tail) {
  using namespace hls_kernel;
  const FetchCounts f = fetched.read();
  const SentCounts c = sent.read();
  ap_uint<512> s = 0;
  s(8 * STATUS_TAIL_OFF + 31, 8 * STATUS_TAIL_OFF) = f.tail;
  s(8 * STATUS_FRAMES_OFF + 63, 8 * STATUS_FRAMES_OFF) = c.frames;
  s(8 * STATUS_BYTES_OFF + 63, 8 * STATUS_BYTES_OFF) = c.bytes;
  s(8 * STATUS_DROPS_OFF + 31, 8 * STATUS_DROPS_OFF) = f.drops;
  s(8 * STATUS_DESC_ERRORS_OFF + 31, 8 * STATUS_DESC_ERRORS_OFF) = f.desc_errors;
  s(8 * STATUS_SEQ_OFF + 31, 8 * STATUS_SEQ_OFF) = seq;
  s(8 * STATUS_CAPS_OFF + 31, 8 * STATUS_CAPS_OFF) = STATUS_CAPS;
  status[0] = s;
  *tail = f.tail;
}

}  // namespace
}  // namespace sendoff

// The flow table and the status word go through gmem before and after the
// run, so that within the run's dataflow region only the fetch touches it;
// the tail write-back (nic_abi.hpp) follows the status word, once per run.
extern "C" void sendoff_tx_hls(ap_uint<512>* mem, const ap_uint<512>* flows,
                               ap_uint<512>* status, ap_uint<64> ring_base,
                               ap_uint<32> ring_size, ap_uint<32> head, ap_uint<32> tail,
                               ap_uint<32> ctrl, ap_uint<32> seq, ap_uint<64> wb_base,
                               ap_uint<32> wb_force,
                               hls::stream<ap_axiu<sendoff::UDP_META_BITS, 0, 0, 0>>&
                                   m_axis_udp_meta,
                               hls::stream<ap_axiu<SENDOFF_DATA_WIDTH, 0, 0, 0>>& m_axis_payload,
                               hls::stream<ap_axiu<sendoff::ROUTE_BITS, 0, 0, 0>>& m_axis_route,
                               hls::stream<ap_axiu<sendoff::TCP_META_BITS, 0, 0, 0>>&
                                   m_axis_tcp_meta,
                               hls::stream<ap_axiu<SENDOFF_DATA_WIDTH, 0, 0, 0>>&
                                   m_axis_tcp_payload) {
#pragma HLS INTERFACE mode=m_axi port=mem offset=slave bundle=gmem depth=1048576 max_read_burst_length=64
#pragma HLS INTERFACE mode=m_axi port=flows offset=slave bundle=gmem depth=256
#pragma HLS INTERFACE mode=m_axi port=status offset=slave bundle=gmem depth=1
#pragma HLS INTERFACE mode=s_axilite port=mem bundle=control
#pragma HLS INTERFACE mode=s_axilite port=flows bundle=control
#pragma HLS INTERFACE mode=s_axilite port=status bundle=control
#pragma HLS INTERFACE mode=s_axilite port=ring_base bundle=control
#pragma HLS INTERFACE mode=s_axilite port=ring_size bundle=control
#pragma HLS INTERFACE mode=s_axilite port=head bundle=control
#pragma HLS INTERFACE mode=s_axilite port=tail bundle=control
#pragma HLS INTERFACE mode=s_axilite port=ctrl bundle=control
#pragma HLS INTERFACE mode=s_axilite port=seq bundle=control
#pragma HLS INTERFACE mode=s_axilite port=wb_base bundle=control
#pragma HLS INTERFACE mode=s_axilite port=wb_force bundle=control
#pragma HLS INTERFACE mode=axis port=m_axis_udp_meta register_mode=both
#pragma HLS INTERFACE mode=axis port=m_axis_payload register_mode=both
#pragma HLS INTERFACE mode=axis port=m_axis_route register_mode=both
#pragma HLS INTERFACE mode=axis port=m_axis_tcp_meta register_mode=both
#pragma HLS INTERFACE mode=axis port=m_axis_tcp_payload register_mode=both
#pragma HLS INTERFACE mode=s_axilite port=return bundle=control
#pragma HLS INTERFACE mode=ap_ctrl_chain port=return bundle=control

  using namespace sendoff;
  ap_uint<32> table[FLOW_TABLE_WORDS];
#pragma HLS ARRAY_PARTITION variable=table type=cyclic factor=16
  hls::stream<FetchCounts> fetched("sendoff_tx_hls.fetched");
  hls::stream<SentCounts> sent("sendoff_tx_hls.sent");
#pragma HLS STREAM variable=fetched depth=1
#pragma HLS STREAM variable=sent depth=1
  load_flows(flows, table);
  transmit(mem, ring_base, ring_size, head, tail, table, ctrl, m_axis_udp_meta, m_axis_payload,
           m_axis_route, m_axis_tcp_meta, m_axis_tcp_payload, fetched, sent);
  ap_uint<32> new_tail = tail, wb_errors = 0;
  write_status(fetched, sent, seq, status, &new_tail);
  // m_axi gives the kernel no BRESP: wb_errors stays 0 here (the RTL counts them).
  tail_writeback(mem, wb_base, ctrl, new_tail, wb_force != 0 || new_tail != tail, &wb_errors,
                 ReadFaultRange{});
}
