// SPDX-License-Identifier: MIT
// eth_tx: puts the Ethernet, IPv4 and (first fragment) UDP headers in front of each frame's
// payload and pads the frame to 60 bytes.
//
// The headers are 34 or 42 bytes and the payload may start at any lane, so every payload
// byte moves by s = (H - off) mod Bytes lanes: one byte rotator, with the rotated previous
// beat carried over for the low s lanes. The next frame's header is decoded while the
// current frame streams, so back-to-back frames leave no idle beat; the only extra cycle is
// a flush beat when a frame's tail spills past its last input beat, and that beat carries
// data. A payload starting past the header end (off > H, fragments only) needs two input
// beats before the first output beat.
module eth_tx
  import sendoff_pkg::*;
#(
  parameter int unsigned DataWidth = 512  // stream bits
) (
  input  logic                   clk,
  input  logic                   rst_n,

  // ---- frames in: header channel and payload stream (none when the payload is empty)
  input  frame_hdr_t             s_hdr,
  input  logic                   s_hdr_valid,
  output logic                   s_hdr_ready,
  input  logic [DataWidth-1:0]   s_data_tdata,
  input  logic [DataWidth/8-1:0] s_data_tkeep,
  input  logic                   s_data_tlast,
  input  logic                   s_data_tvalid,
  output logic                   s_data_tready,

  // ---- Ethernet frames out, without FCS
  output logic [DataWidth-1:0]   m_axis_tdata,
  output logic [DataWidth/8-1:0] m_axis_tkeep,
  output logic                   m_axis_tlast,
  output frame_info_t            m_axis_tuser,   // valid with tlast
  output logic                   m_axis_tvalid,
  input  logic                   m_axis_tready
);

  localparam int unsigned Bytes = DataWidth / 8;
  localparam int unsigned LaneW = $clog2(Bytes);

  // Headers and the 60-byte minimum frame must fit in the first beat.
  if (DataWidth != 512 && DataWidth != 1024) begin : gen_bad_width
    $error("eth_tx: DataWidth must be 512 or 1024");
  end

  function automatic logic [Bytes-1:0] lanes_below(logic [LaneW:0] k);
    logic [Bytes-1:0] m;
    for (int b = 0; b < Bytes; b++) m[b] = (b < int'(k));
    lanes_below = m;
  endfunction

  function automatic logic [DataWidth-1:0] bytes_of(logic [Bytes-1:0] m);
    logic [DataWidth-1:0] r;
    for (int b = 0; b < Bytes; b++) r[b*8 +: 8] = {8{m[b]}};
    bytes_of = r;
  endfunction

  // ------------------------------------------------------------------------- decode
  typedef struct packed {
    logic [DataWidth-1:0] hdr;        // header bytes, zero from lane H on
    logic [Bytes-1:0]     hdr_mask;   // lanes < H
    logic [Bytes-1:0]     hi_mask;    // lanes >= s: from the current rotated beat
    logic [Bytes-1:0]     spill_mask; // input lanes that land in the next output beat
    logic [LaneW-1:0]     s;
    logic                 late;       // off > H: the first input beat only fills the carry
    logic                 empty;      // no payload
    logic [Bytes-1:0]     last_keep;
    frame_info_t          info;
  } plan_t;

  plan_t            dec, next_q, cur_q;
  logic [6:0]       h;
  logic [15:0]      flen;
  logic [LaneW:0]   last_cnt;
  logic [LaneW-1:0] s;

  always_comb begin
    h    = s_hdr.has_l4hdr ? 7'(FrameHdrUdp) : 7'(FrameHdrRaw);
    flen = 16'(h) + s_hdr.n;
    if (flen < 16'(EthZlen)) flen = 16'(EthZlen);
    last_cnt = (LaneW+1)'(flen[LaneW-1:0]);
    if (flen[LaneW-1:0] == 0) last_cnt = (LaneW+1)'(Bytes);
    s = LaneW'(h - 7'(s_hdr.off));

    dec.hdr = '0;
    dec.hdr[0 +: 48]   = s_hdr.dmac;
    dec.hdr[48 +: 48]  = s_hdr.smac;
    dec.hdr[96 +: 16]  = be16(EthPIp);
    dec.hdr[112 +: 160] = s_hdr.iphdr;
    if (s_hdr.has_l4hdr) dec.hdr[272 +: 64] = s_hdr.l4hdr;
    dec.hdr_mask   = lanes_below((LaneW+1)'(h));
    dec.hi_mask    = ~lanes_below((LaneW+1)'(s));
    dec.spill_mask = (s == 0) ? '0 : ~lanes_below((LaneW+1)'(Bytes) - (LaneW+1)'(s));
    dec.s          = s;
    dec.late       = (7'(s_hdr.off) > h);
    dec.empty      = (s_hdr.n == 0);
    dec.last_keep  = lanes_below(last_cnt);
    dec.info.desc_last = s_hdr.desc_last;
    dec.info.len       = flen;
  end

  // ------------------------------------------------------------------------- frame state
  logic next_valid_q, cur_valid_q;
  logic first_q;     // the next output beat is the frame's first
  logic got_q;       // a late frame's first input beat is in the carry
  logic flush_q;     // all input taken, the carry holds the frame's tail
  logic [DataWidth-1:0] carry_q;

  logic en, take, emit, done, cur_load, next_load;
  logic [DataWidth-1:0] in_masked, rot, data, out_data;
  logic [2*DataWidth-1:0] dbl;
  logic spill;

  assign en   = !m_axis_tvalid || m_axis_tready;
  assign s_data_tready = en && cur_valid_q && !cur_q.empty && !flush_q;
  assign take = s_data_tvalid && s_data_tready;

  always_comb begin
    in_masked = s_data_tdata & bytes_of(s_data_tkeep);
    dbl       = {in_masked, in_masked};
    rot       = dbl[(Bytes - 32'(cur_q.s)) * 8 +: DataWidth];   // rotate up by s lanes
    spill     = |(s_data_tkeep & cur_q.spill_mask);

    if (flush_q || cur_q.empty) begin
      data = carry_q & ~bytes_of(cur_q.hi_mask);
      if (cur_q.empty) data = '0;
    end else begin
      data = (rot & bytes_of(cur_q.hi_mask)) | (carry_q & ~bytes_of(cur_q.hi_mask));
    end
    out_data = first_q ? ((data & ~bytes_of(cur_q.hdr_mask)) | cur_q.hdr) : data;

    emit = en && cur_valid_q &&
           (cur_q.empty || flush_q || (take && !(cur_q.late && !got_q)));
    done = en && cur_valid_q &&
           (cur_q.empty || flush_q || (take && s_data_tlast && !spill));
  end

  assign cur_load    = !cur_valid_q || done;
  assign next_load   = !next_valid_q || (cur_load && next_valid_q);
  assign s_hdr_ready = next_load;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      next_valid_q <= 1'b0;
      cur_valid_q  <= 1'b0;
      first_q      <= 1'b1;
      got_q        <= 1'b0;
      flush_q      <= 1'b0;
    end else begin
      if (next_load) next_valid_q <= s_hdr_valid;
      if (cur_load) begin
        cur_valid_q <= next_valid_q;
        first_q     <= 1'b1;
        got_q       <= 1'b0;
        flush_q     <= 1'b0;
      end else begin
        if (emit) first_q <= 1'b0;
        if (take) got_q <= 1'b1;
        if (take && s_data_tlast && spill) flush_q <= 1'b1;
      end
    end
  end

  always_ff @(posedge clk) begin
    if (next_load && s_hdr_valid) next_q <= dec;
    if (cur_load && next_valid_q) cur_q <= next_q;
    if (take) carry_q <= rot;
  end

  // ------------------------------------------------------------------------- output
  logic                 out_valid_q, out_last_q;
  logic [DataWidth-1:0] out_data_q;
  logic [Bytes-1:0]     out_keep_q;
  frame_info_t          out_info_q;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      out_valid_q <= 1'b0;
    end else if (en) begin
      out_valid_q <= emit;
    end
  end

  always_ff @(posedge clk) begin
    if (emit) begin
      out_data_q <= out_data;
      out_keep_q <= done ? cur_q.last_keep : '1;
      out_last_q <= done;
      out_info_q <= cur_q.info;
    end
  end

  assign m_axis_tdata  = out_data_q;
  assign m_axis_tkeep  = out_keep_q;
  assign m_axis_tlast  = out_last_q;
  assign m_axis_tuser  = out_info_q;
  assign m_axis_tvalid = out_valid_q;


`ifndef SYNTHESIS
  // AXI4-Stream: a beat offered on m_axis stays offered, unchanged, until taken.
  assert property (@(posedge clk) disable iff (!rst_n)
                   m_axis_tvalid && !m_axis_tready |=>
                   m_axis_tvalid && $stable({m_axis_tdata, m_axis_tkeep, m_axis_tlast}))
    else $error("m_axis: beat changed before tready");
`endif
endmodule
