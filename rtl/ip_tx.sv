// SPDX-License-Identifier: MIT
// ip_tx: IPv4 header and fragmentation. A datagram whose 20 + L4 bytes exceed the MTU
// leaves as ((mtu - 20) & ~7)-byte fragments (the last one the rest), offsets in 8-byte
// units, MF on all but the last, DF clear, one ID, in order. One header per cycle.
//
// The payload is not cut here: the datagram's beats pass once each, as they came in, and a
// fragment's payload starts at whatever lane the split falls on (frame_hdr_t.off). eth_tx
// cuts the stream into frames by the headers' off and n: a beat holding the end of one
// fragment and the start of the next serves both, so fragmenting costs no extra beat.
// A whole frame (job.eth, never fragmented: desc_check clears frag) passes as one frame,
// marked eth so that eth_tx puts no header in front.
module ip_tx
  import sendoff_pkg::*;
#(
  parameter int unsigned DataWidth = 512  // stream bits
) (
  input  logic                   clk,
  input  logic                   rst_n,

  // ---- datagrams in
  input  dgram_t                 s_hdr,
  input  logic                   s_hdr_valid,
  output logic                   s_hdr_ready,
  input  logic [DataWidth-1:0]   s_data_tdata,
  input  logic [DataWidth/8-1:0] s_data_tkeep,
  input  logic                   s_data_tlast,
  input  logic                   s_data_tvalid,
  output logic                   s_data_tready,

  // ---- IP packets out: one header per frame and its payload (tlast per frame)
  output frame_hdr_t             m_hdr,
  output logic                   m_hdr_valid,
  input  logic                   m_hdr_ready,
  output logic [DataWidth-1:0]   m_data_tdata,
  output logic [DataWidth/8-1:0] m_data_tkeep,
  output logic                   m_data_tlast,
  output logic                   m_data_tvalid,
  input  logic                   m_data_tready
);

  localparam int unsigned Bytes = DataWidth / 8;

  if (DataWidth != 512 && DataWidth != 1024) begin : gen_bad_width
    $error("ip_tx: DataWidth must be 512 or 1024");
  end

  // ------------------------------------------------------------------------- input stage
  // s_hdr registered with the header words common to every fragment summed in two halves:
  // the seven-operand sum straight off the top's FIFO head was the design's longest path.
  logic        in_valid_q;
  dgram_t      in_q;
  logic [17:0] in_sum_a_q;   // 0x45/tos + ip_id + ttl/proto + 20 (total length's IpHlen)
  logic [17:0] in_sum_b_q;   // saddr and daddr, 16 bits at a time
  logic        take;         // s_hdr taken into the input stage
  logic        in_single_q;  // one fragment: the first is the last
  logic [17:0] in_rem2m1_q;  // L4 bytes - 2 * fsz - 1 (negative: at most two fragments)
  logic        cur_free;     // the current datagram's last fragment goes this cycle, or none

  // ------------------------------------------------------------------------- one fragment
  // The first fragment carries fsz L4 bytes, the UDP header among them: one fragment when
  // fsz - 8 >= len. Without the subtraction in front of the compare: with fsz = 8F and
  // len = 8L + r, fsz - 8 < len is F <= L, or F == L + 1 when r != 0, both read off one
  // difference L - F (sign, all ones).
  logic        single, fsz_short;
  logic [13:0] lf_diff;   // L - F, two's complement
  assign lf_diff   = 14'(s_hdr.job.len[15:3]) - 14'(s_hdr.job.fsz[13:3]);
  assign fsz_short = s_hdr.job.udp ? (!lf_diff[13] ||
                                      (lf_diff == '1 && s_hdr.job.len[2:0] != 3'd0))
                                   : (16'(s_hdr.job.fsz) < s_hdr.job.len);
  assign single    = !(s_hdr.job.frag && fsz_short);

  // ------------------------------------------------------------------------- header side
  logic        cur_valid_q;
  dgram_t      cur_q;
  logic [15:0] l4pos_q;      // L4 byte where the current fragment starts
  logic [16:0] rem_q;        // L4 bytes from there to the end
  logic [17:0] rem2m1_q;     // rem_q - 2 * fsz - 1: its sign says the next fragment is last
  logic [18:0] const_q;      // header words that are the same in every fragment, + 20
  logic        en_b, en_c, step, last, load;
  logic        last_q;       // the current fragment is the datagram's last (a step ahead)

  logic [16:0] flen;
  logic [15:0] pstart, n, tot_len, frag_word;
  lane_t       foff;

  always_comb begin
    last   = last_q;
    flen   = last ? rem_q : 17'(cur_q.job.fsz);
    pstart = (l4pos_q == 0 || !cur_q.job.udp) ? l4pos_q : l4pos_q - 16'(UdpHlen);
    n      = (l4pos_q == 0 && cur_q.job.udp) ? 16'(flen - 17'(UdpHlen)) : 16'(flen);
    foff   = lane_t'((16'(cur_q.off) + pstart) & 16'(Bytes - 1));
    tot_len   = 16'(flen) + 16'(IpHlen);
    frag_word = {1'b0, cur_q.job.df && !cur_q.job.frag, cur_q.job.frag && !last,
                 l4pos_q[15:3]};
  end

  assign step        = cur_valid_q && en_b;
  assign cur_free    = !cur_valid_q || (step && last);
  assign load        = in_valid_q && cur_free;
  assign s_hdr_ready = !in_valid_q || cur_free;
  assign take        = s_hdr_valid && s_hdr_ready;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      in_valid_q  <= 1'b0;
      cur_valid_q <= 1'b0;
    end else begin
      if (!in_valid_q || cur_free) in_valid_q <= take;
      if (cur_free) cur_valid_q <= in_valid_q;
    end
  end

  always_ff @(posedge clk) begin
    if (take) begin
      in_q       <= s_hdr;
      // Total length is the fragment's L4 bytes + 20: the 20 rides in the first half.
      in_sum_a_q <= 18'({8'h45, s_hdr.job.tos}) + 18'(s_hdr.job.ip_id) +
                    18'({s_hdr.job.ttl, s_hdr.job.proto}) + 18'(IpHlen);
      in_sum_b_q <= 18'(s_hdr.job.saddr[31:16]) + 18'(s_hdr.job.saddr[15:0]) +
                    18'(s_hdr.job.daddr[31:16]) + 18'(s_hdr.job.daddr[15:0]);
      in_single_q <= single;
      in_rem2m1_q <= 18'(s_hdr.job.len) - 18'({s_hdr.job.fsz, 1'b0}) +
                     (s_hdr.job.udp ? 18'(UdpHlen - 1) : 18'h3FFFF);
    end
  end

  logic [16:0] rem_load;
  assign rem_load = 17'(in_q.job.len) + (in_q.job.udp ? 17'(UdpHlen) : 17'd0);

  always_ff @(posedge clk) begin
    if (load) begin
      cur_q   <= in_q;
      const_q <= 19'(in_sum_a_q) + 19'(in_sum_b_q);
      l4pos_q <= '0;
      rem_q   <= rem_load;
      rem2m1_q <= in_rem2m1_q;
      last_q  <= in_single_q;
    end else if (step) begin
      l4pos_q <= l4pos_q + 16'(cur_q.job.fsz);
      rem_q   <= rem_q - 17'(cur_q.job.fsz);
      rem2m1_q <= rem2m1_q - 18'(cur_q.job.fsz);
      // rem - fsz <= fsz: a sign kept a step ahead, no compare on the step (it was the
      // design's longest path).
      last_q  <= rem2m1_q[17];
    end
  end

  // Stage b: one fragment's fields.
  typedef struct packed {
    tx_job_t     job;
    logic [15:0] tot_len;
    logic [15:0] frag_word;   // flags and fragment offset
    logic [63:0] l4hdr;
    logic        has_l4hdr;
    logic [15:0] n;
    lane_t       off;
    logic        last;
    logic [19:0] sum;         // header words so far, checksum field zero
  } frag_t;

  logic  b_valid_q, c_valid_q;
  frag_t b_q;

  assign en_c = !c_valid_q || m_hdr_ready;
  assign en_b = !b_valid_q || en_c;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      b_valid_q <= 1'b0;
      c_valid_q <= 1'b0;
    end else begin
      if (en_b) b_valid_q <= step;
      if (en_c) c_valid_q <= b_valid_q;
    end
  end

  always_ff @(posedge clk) begin
    if (step) begin
      b_q.job       <= cur_q.job;
      b_q.tot_len   <= tot_len;
      b_q.frag_word <= frag_word;
      b_q.l4hdr     <= cur_q.l4hdr;
      b_q.has_l4hdr <= cur_q.job.udp && (l4pos_q == 0);
      b_q.n         <= n;
      b_q.off       <= foff;
      b_q.last      <= last;
      b_q.sum       <= ({1'b0, const_q} + {4'd0, frag_word}) + {3'd0, flen};
    end
  end

  // Stage c: header checksum and bytes.
  logic [15:0] ipcsum;
  assign ipcsum = ~csum_fold({12'd0, b_q.sum});

  frame_hdr_t c_q;
  always_ff @(posedge clk) begin
    if (en_c && b_valid_q) begin
      c_q.dmac      <= b_q.job.dmac;
      c_q.smac      <= b_q.job.smac;
      c_q.iphdr     <= {be32(b_q.job.daddr), be32(b_q.job.saddr), be16(ipcsum),
                        b_q.job.proto, b_q.job.ttl, be16(b_q.frag_word), be16(b_q.job.ip_id),
                        be16(b_q.tot_len), b_q.job.tos, 8'h45};
      c_q.l4hdr     <= b_q.l4hdr;
      c_q.has_l4hdr <= b_q.has_l4hdr;
      c_q.eth       <= b_q.job.eth;
      c_q.n         <= b_q.n;
      c_q.off       <= b_q.off;
      // A TCP segment with more after it is not its descriptor's last frame.
      c_q.desc_last <= b_q.last && !b_q.job.more;
    end
  end

  assign m_hdr       = c_q;
  assign m_hdr_valid = c_valid_q;

  // ------------------------------------------------------------------------- payload side
  // The datagram's beats pass once each through an output register; eth_tx cuts them.
  logic out_valid_q, en_o, fire;
  assign en_o          = !out_valid_q || m_data_tready;
  assign fire          = s_data_tvalid && en_o;
  assign s_data_tready = en_o;

  logic [DataWidth-1:0] out_data_q;
  logic [Bytes-1:0]     out_keep_q;
  logic                 out_last_q;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      out_valid_q <= 1'b0;
    end else if (en_o) begin
      out_valid_q <= fire;
    end
  end

  always_ff @(posedge clk) begin
    if (fire) begin
      out_data_q <= s_data_tdata;
      out_keep_q <= s_data_tkeep;
      out_last_q <= s_data_tlast;
    end
  end

  assign m_data_tdata  = out_data_q;
  assign m_data_tkeep  = out_keep_q;
  assign m_data_tlast  = out_last_q;
  assign m_data_tvalid = out_valid_q;

`ifndef SYNTHESIS
  // AXI4-Stream: a beat offered on m_data stays offered, unchanged, until taken.
  assert property (@(posedge clk) disable iff (!rst_n)
                   m_data_tvalid && !m_data_tready |=>
                   m_data_tvalid && $stable({m_data_tdata, m_data_tkeep, m_data_tlast}))
    else $error("m_data: beat changed before tready");
`endif
endmodule
