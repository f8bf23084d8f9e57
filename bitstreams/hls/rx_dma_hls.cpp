// SPDX-License-Identifier: MIT
#include "rx_dma_hls.hpp"

namespace sendoff {
namespace {

using namespace hls_kernel;

template <int N, int W>
void put(ap_uint<W>& w, unsigned off, ap_uint<N> v) {
  w(8 * off + N - 1, 8 * off) = v;
}

void load_state(const ap_uint<512>* state, RxState* st) {
  const ap_uint<512> w = state[0];
  st->tail = w(8 * RX_STATE_TAIL_OFF + 31, 8 * RX_STATE_TAIL_OFF);
  st->line_written = w(8 * RX_STATE_LINE_WRITTEN_OFF + 31, 8 * RX_STATE_LINE_WRITTEN_OFF);
  st->frames = w(8 * RX_STATE_FRAMES_OFF + 63, 8 * RX_STATE_FRAMES_OFF);
  st->bytes = w(8 * RX_STATE_BYTES_OFF + 63, 8 * RX_STATE_BYTES_OFF);
  st->drop_fcs = w(8 * RX_STATE_DROP_FCS_OFF + 31, 8 * RX_STATE_DROP_FCS_OFF);
  st->drop_nobuf = w(8 * RX_STATE_DROP_NOBUF_OFF + 31, 8 * RX_STATE_DROP_NOBUF_OFF);
  st->drop_len = w(8 * RX_STATE_DROP_LEN_OFF + 31, 8 * RX_STATE_DROP_LEN_OFF);
  st->line = state[1];
}

void store_state(const RxState& st, ap_uint<32> seq, ap_uint<512>* state) {
  ap_uint<512> w = 0;
  put<32>(w, RX_STATE_TAIL_OFF, st.tail);
  put<32>(w, RX_STATE_LINE_WRITTEN_OFF, st.line_written);
  put<64>(w, RX_STATE_FRAMES_OFF, st.frames);
  put<64>(w, RX_STATE_BYTES_OFF, st.bytes);
  put<32>(w, RX_STATE_DROP_FCS_OFF, st.drop_fcs);
  put<32>(w, RX_STATE_DROP_NOBUF_OFF, st.drop_nobuf);
  put<32>(w, RX_STATE_DROP_LEN_OFF, st.drop_len);
  put<32>(w, RX_STATE_SEQ_OFF, seq);
  state[0] = w;
  state[1] = st.line;
}

}  // namespace
}  // namespace sendoff

extern "C" void rx_dma_hls(ap_uint<512>* mem, ap_uint<512>* state, ap_uint<64> buf_base,
                           ap_uint<64> cpl_base, ap_uint<64> wb_base, ap_uint<32> ring_size,
                           ap_uint<32> buf_size, ap_uint<32> head, ap_uint<32> ctrl,
                           ap_uint<32> budget, ap_uint<32> seq,
                           hls::stream<ap_axiu<sendoff::RX_META_BITS, 0, 0, 0>>& s_axis_rx_meta,
                           hls::stream<ap_axiu<SENDOFF_DATA_WIDTH, 0, 0, 0>>& s_axis_rx_data) {
#pragma HLS INTERFACE mode=m_axi port=mem offset=slave bundle=gmem depth=1048576 max_write_burst_length=64
#pragma HLS INTERFACE mode=m_axi port=state offset=slave bundle=gmem depth=2
#pragma HLS INTERFACE mode=s_axilite port=mem bundle=control
#pragma HLS INTERFACE mode=s_axilite port=state bundle=control
#pragma HLS INTERFACE mode=s_axilite port=buf_base bundle=control
#pragma HLS INTERFACE mode=s_axilite port=cpl_base bundle=control
#pragma HLS INTERFACE mode=s_axilite port=wb_base bundle=control
#pragma HLS INTERFACE mode=s_axilite port=ring_size bundle=control
#pragma HLS INTERFACE mode=s_axilite port=buf_size bundle=control
#pragma HLS INTERFACE mode=s_axilite port=head bundle=control
#pragma HLS INTERFACE mode=s_axilite port=ctrl bundle=control
#pragma HLS INTERFACE mode=s_axilite port=budget bundle=control
#pragma HLS INTERFACE mode=s_axilite port=seq bundle=control
#pragma HLS INTERFACE mode=axis port=s_axis_rx_meta register_mode=both
#pragma HLS INTERFACE mode=axis port=s_axis_rx_data register_mode=both
#pragma HLS INTERFACE mode=s_axilite port=return bundle=control
#pragma HLS INTERFACE mode=ap_ctrl_chain port=return bundle=control

  using namespace sendoff;
  RxRegs r;
  r.buf_base = buf_base;
  r.cpl_base = cpl_base;
  r.wb_base = wb_base;
  r.ring_size = ring_size;
  r.buf_size = buf_size;
  r.head = head;
  r.ctrl = ctrl;
  RxState st;
  load_state(state, &st);
  hls::stream<RxMeta> rx_meta("rx_dma_hls.rx_meta");
#pragma HLS STREAM variable=rx_meta depth=1
frames:
  for (ap_uint<32> n = 0; n < budget && !s_axis_rx_meta.empty(); ++n) {
#pragma HLS LOOP_TRIPCOUNT min=0 max=64
    rx_meta.write(meta_of<RxMeta>(s_axis_rx_meta.read()));
    rx_dma(mem, r, &st, s_axis_rx_data, rx_meta);
  }
  rx_dma_idle(mem, r, &st);
  store_state(st, seq, state);
}
