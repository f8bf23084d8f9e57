// SPDX-License-Identifier: MIT
#include "sendoff_tx_hls.hpp"

extern "C" void sendoff_tx_hls(const ap_uint<512>* mem, const ap_uint<512>* flows,
                               ap_uint<512>* status, ap_uint<64> ring_base,
                               ap_uint<32> ring_size, ap_uint<32> head, ap_uint<32> tail,
                               ap_uint<32> ctrl, ap_uint<32> seq,
                               hls::stream<ap_axiu<SENDOFF_DATA_WIDTH, 0, 0, 0>>& m_axis_tx) {
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
#pragma HLS INTERFACE mode=axis port=m_axis_tx register_mode=both
#pragma HLS INTERFACE mode=s_axilite port=return bundle=control

  using namespace sendoff;
  // Xilinx's hls_stream.h pulls in <cxxabi.h>, whose global `namespace abi` makes a bare
  // `abi::` ambiguous behind the using-directive; a block-scope alias is found first.
  namespace abi = sendoff::abi;
  // Word k of entry e is flow-table word e * FLOW_WORDS + k: bytes 4k..4k+3 of
  // the entry, as FLOW_DATA + 4k carries them.
  ap_uint<32> table[FLOW_TABLE_WORDS];
#pragma HLS ARRAY_PARTITION variable=table type=cyclic factor=16
load_flows:
  for (unsigned e = 0; e < abi::FLOW_TABLE_SIZE; ++e) {
#pragma HLS PIPELINE II=1
    const ap_uint<512> w = flows[e];
    for (unsigned k = 0; k < abi::FLOW_WORDS; ++k) {
#pragma HLS UNROLL
      table[e * abi::FLOW_WORDS + k] = w(32 * k + 31, 32 * k);
    }
  }

  ap_uint<32> new_tail = tail;
  ap_uint<64> frames = 0, bytes = 0;
  ap_uint<32> drops = 0, desc_errors = 0;
  sendoff_tx(mem, ring_base, ring_size, head, &new_tail, table, ctrl, &frames, &bytes, &drops,
             &desc_errors, m_axis_tx);

  ap_uint<512> s = 0;
  s(8 * hls_kernel::STATUS_TAIL_OFF + 31, 8 * hls_kernel::STATUS_TAIL_OFF) = new_tail;
  s(8 * hls_kernel::STATUS_FRAMES_OFF + 63, 8 * hls_kernel::STATUS_FRAMES_OFF) = frames;
  s(8 * hls_kernel::STATUS_BYTES_OFF + 63, 8 * hls_kernel::STATUS_BYTES_OFF) = bytes;
  s(8 * hls_kernel::STATUS_DROPS_OFF + 31, 8 * hls_kernel::STATUS_DROPS_OFF) = drops;
  s(8 * hls_kernel::STATUS_DESC_ERRORS_OFF + 31, 8 * hls_kernel::STATUS_DESC_ERRORS_OFF) =
      desc_errors;
  s(8 * hls_kernel::STATUS_SEQ_OFF + 31, 8 * hls_kernel::STATUS_SEQ_OFF) = seq;
  status[0] = s;
}
