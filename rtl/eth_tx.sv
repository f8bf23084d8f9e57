// SPDX-License-Identifier: MIT
// eth_tx: puts the Ethernet, IPv4 and (first fragment) UDP headers in front of each frame's
// payload and pads the frame to 60 bytes. Output bytes past tkeep are zero (eth_fcs counts
// on it); input bytes past tkeep may be anything.
//
// The headers are 34 or 42 bytes and the payload may start at any lane, so every payload
// byte moves by s = (H - off) mod Bytes lanes: one byte rotator (stage A, registered), then
// a merge (stage B) with the rotated previous beat carried over for the low s lanes. The next frame's header is decoded while the
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
  output logic [$clog2(DataWidth/8):0] m_axis_tcount,  // bytes in the beat, popcount(tkeep)
  output logic                   m_axis_tlast,
  output frame_info_t            m_axis_tuser,   // valid with tlast
  output logic                   m_axis_tvalid,
  input  logic                   m_axis_tready
);

  localparam int unsigned Bytes = DataWidth / 8;
  localparam int unsigned LaneW = $clog2(Bytes);

  if (DataWidth != 512 && DataWidth != 1024) begin : gen_bad_width
    $error("eth_tx: DataWidth must be 512 or 1024");
  end

  // Masks are wide shifts of all-ones, not per-byte loops: one expression in synthesis, a
  // few word operations in the Verilated model.
  localparam logic [Bytes-1:0]     LanesAll = '1;
  localparam logic [DataWidth-1:0] BitsAll  = '1;

  // What the merge stage needs of a frame, decoded from its header a frame ahead.
  typedef struct packed {
    logic [DataWidth-1:0] hdr;        // header bytes, zero from lane H on
    logic                 udp;        // H = 42 (UDP header present), else 34
    logic [LaneW-1:0]     s;          // payload lanes move up by s
    logic                 late;       // off > H: the first input beat only fills the carry
    logic                 empty;      // no payload
    logic [LaneW-1:0]     tail;       // real (unpadded) bytes in the last beat, mod Bytes
    frame_info_t          info;
  } plan_t;

  plan_t       dec, next_q, cur_q;
  logic        next_valid, plan_ready;
  logic [$clog2(4):0] plan_count;
  logic [6:0]  h;
  logic [15:0] flen;
  logic        short;

  always_comb begin
    h     = s_hdr.has_l4hdr ? 7'(FrameHdrUdp) : 7'(FrameHdrRaw);
    // h + n < 60 as a compare of n with a constant: no adder in front of it.
    short = s_hdr.has_l4hdr ? (s_hdr.n < 16'(EthZlen - FrameHdrUdp))
                            : (s_hdr.n < 16'(EthZlen - FrameHdrRaw));
    flen  = short ? 16'(EthZlen) : 16'(h) + s_hdr.n;

    dec.hdr = '0;
    dec.hdr[0 +: 48]   = s_hdr.dmac;
    dec.hdr[48 +: 48]  = s_hdr.smac;
    dec.hdr[96 +: 16]  = be16(EthPIp);
    dec.hdr[112 +: 160] = s_hdr.iphdr;
    if (s_hdr.has_l4hdr) dec.hdr[272 +: 64] = s_hdr.l4hdr;
    dec.udp            = s_hdr.has_l4hdr;
    dec.s              = LaneW'(h - 7'(s_hdr.off));
    dec.late           = (7'(s_hdr.off) > h);
    dec.empty          = (s_hdr.n == 0);
    dec.tail           = LaneW'(h + 7'(s_hdr.n));
    dec.info.desc_last = s_hdr.desc_last;
    dec.info.len       = flen;
  end

  // ------------------------------------------------------------------------- stage A
  // Rotates each payload beat by its frame's s into a register, so the merge stage below
  // starts from a flip-flop. The rotation of each non-empty frame waits in a small FIFO from
  // the header's acceptance to the frame's first beat.
  logic [LaneW-1:0] rs_head;
  logic             rs_valid, rs_ready, rs_pop, rs_push;
  logic [$clog2(4):0] rs_count;

  sync_fifo #(
    .Width (LaneW),
    .Depth (4)
  ) u_rot_fifo (
    .clk     (clk),
    .rst_n   (rst_n),
    .s_data  (dec.s),
    .s_valid (rs_push),
    .s_ready (rs_ready),
    .m_data  (rs_head),
    .m_valid (rs_valid),
    .m_ready (rs_pop),
    .count   (rs_count)
  );

  logic                 a_s_valid_q, a_valid_q, a_last_q, a_spill_q;
  logic [LaneW-1:0]     a_s_q;
  logic [DataWidth-1:0] a_rot_q;
  logic                 a_in, a_free, take;

  // Rotation up by s lanes as radix-4 steps (s[1:0], then s[3:2], ...): each step is a 4:1
  // mux per bit, one LUT6, so the rotator is ceil(LaneW / 2) levels, not a 64:1 mux tree.
  function automatic logic [DataWidth-1:0] rotl_lanes(logic [DataWidth-1:0] d,
                                                      logic [LaneW-1:0] sh);
    logic [DataWidth-1:0] r;
    r = d;
    for (int st = 0; st < LaneW; st += 2) begin
      logic [1:0] dig;
      dig = 2'(sh >> st);
      if (st + 1 >= LaneW) dig[1] = 1'b0;
      case (dig)
        2'd1: r = (r << (8 * (1 << st))) | (r >> (DataWidth - 8 * (1 << st)));
        2'd2: r = (r << (8 * (2 << st))) | (r >> (DataWidth - 8 * (2 << st)));
        2'd3: r = (r << (8 * (3 << st))) | (r >> (DataWidth - 8 * (3 << st)));
        default: ;
      endcase
    end
    rotl_lanes = r;
  endfunction

  assign a_free        = !a_valid_q || take;
  assign s_data_tready = a_s_valid_q && a_free;
  assign a_in          = s_data_tvalid && s_data_tready;
  // The next frame's rotation is loaded when the current frame's last beat goes in.
  assign rs_pop        = rs_valid && (!a_s_valid_q || (a_in && s_data_tlast));

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      a_s_valid_q <= 1'b0;
      a_valid_q   <= 1'b0;
    end else begin
      if (!a_s_valid_q || (a_in && s_data_tlast)) a_s_valid_q <= rs_valid;
      if (a_free) a_valid_q <= a_in;
    end
  end

  // Bytes past tkeep are not masked: payload_read zeroes them after a datagram's end, and
  // what ip_tx leaves in a fragment's first or last beat lands under the header or past the
  // frame's end, where tkeep drops it.
  always_ff @(posedge clk) begin
    if (rs_pop) a_s_q <= rs_head;
    if (a_in) begin
      a_rot_q   <= rotl_lanes(s_data_tdata, a_s_q);
      a_last_q  <= s_data_tlast;
      // Input lanes >= Bytes - s land in the next output beat.
      a_spill_q <= |(s_data_tkeep & ~(LanesAll >> a_s_q));
    end
  end

  // ------------------------------------------------------------------------- stage B
  logic cur_valid_q;
  logic first_q;     // the next output beat is the frame's first
  logic got_q;       // a late frame's first input beat is in the carry
  logic flush_q;     // all input taken, the carry holds the frame's tail
  logic [DataWidth-1:0] carry_q, cur_hi_q, cur_hdr_mask_q, cur_tail_q;
  logic [Bytes-1:0]     cur_last_keep_q;
  logic [LaneW:0]       cur_last_cnt_q;
  logic [LaneW-1:0]     next_tail;   // bytes in the last output beat, mod Bytes

  logic en, emit, done, last_beat, cur_load, next_load;
  logic [DataWidth-1:0] data, out_data;

  assign en   = !m_axis_tvalid || m_axis_tready;
  assign take = en && cur_valid_q && !cur_q.empty && !flush_q && a_valid_q;

  assign emit = en && cur_valid_q &&
                (cur_q.empty || flush_q || (take && !(cur_q.late && !got_q)));
  // A beat that leaves now is the frame's last: from registers only, for the data path.
  assign last_beat = cur_q.empty || flush_q || (a_last_q && !a_spill_q);
  assign done = en && cur_valid_q && (cur_q.empty || flush_q || take) && last_beat;

  always_comb begin
    data = '0;
    // Work only when a beat leaves: the model skips the wide merge on idle cycles.
    if (emit) begin
      if (flush_q) data = carry_q & ~cur_hi_q;
      else if (!cur_q.empty) data = (a_rot_q & cur_hi_q) | (carry_q & ~cur_hi_q);
    end
    out_data = first_q ? ((data & ~cur_hdr_mask_q) | cur_q.hdr) : data;
    // Zeros after the last real byte: the padding, and past tkeep for eth_fcs, whatever the
    // input had past its tkeep.
    if (last_beat) out_data = out_data & cur_tail_q;

  end

  assign cur_load    = !cur_valid_q || done;
  assign next_tail   = next_q.info.len[LaneW-1:0];
  assign next_load   = cur_load && next_valid;
  // Headers run up to four frames ahead, so stage A has each frame's rotation on time.
  assign s_hdr_ready = plan_ready && rs_ready;
  assign rs_push     = s_hdr_valid && s_hdr_ready && !dec.empty;

  sync_fifo #(
    .Width ($bits(plan_t)),
    .Depth (4)
  ) u_plan_fifo (
    .clk     (clk),
    .rst_n   (rst_n),
    .s_data  (dec),
    .s_valid (s_hdr_valid && rs_ready),
    .s_ready (plan_ready),
    .m_data  (next_q),
    .m_valid (next_valid),
    .m_ready (next_load),
    .count   (plan_count)
  );

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      cur_valid_q  <= 1'b0;
      first_q      <= 1'b1;
      got_q        <= 1'b0;
      flush_q      <= 1'b0;
    end else begin
      if (cur_load) begin
        cur_valid_q <= next_valid;
        first_q     <= 1'b1;
        got_q       <= 1'b0;
        flush_q     <= 1'b0;
      end else begin
        if (emit) first_q <= 1'b0;
        if (take) got_q <= 1'b1;
        if (take && a_last_q && a_spill_q) flush_q <= 1'b1;
      end
    end
  end

  always_ff @(posedge clk) begin
    if (cur_load && next_valid) begin
      cur_q          <= next_q;
      cur_hi_q       <= BitsAll << (32'(next_q.s) * 8);
      cur_hdr_mask_q <= BitsAll >> (DataWidth - 8 * (next_q.udp ? FrameHdrUdp : FrameHdrRaw));
      cur_tail_q     <= (next_q.tail == 0) ? BitsAll : ~(BitsAll << (32'(next_q.tail) * 8));
      cur_last_keep_q <= (next_tail == 0) ? LanesAll : ~(LanesAll << next_tail);
      cur_last_cnt_q  <= (next_tail == 0) ? (LaneW+1)'(Bytes) : (LaneW+1)'(next_tail);
    end
    if (take) carry_q <= a_rot_q;
  end

  // ------------------------------------------------------------------------- output
  logic                 out_valid_q, out_last_q;
  logic [DataWidth-1:0] out_data_q;
  logic [Bytes-1:0]     out_keep_q;
  logic [LaneW:0]       out_count_q;
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
      out_keep_q  <= last_beat ? cur_last_keep_q : LanesAll;
      out_count_q <= last_beat ? cur_last_cnt_q : (LaneW+1)'(Bytes);
      out_last_q <= last_beat;
      out_info_q <= cur_q.info;
    end
  end

  assign m_axis_tdata  = out_data_q;
  assign m_axis_tkeep  = out_keep_q;
  assign m_axis_tcount = out_count_q;
  assign m_axis_tlast  = out_last_q;
  assign m_axis_tuser  = out_info_q;
  assign m_axis_tvalid = out_valid_q;

  // FIFO status not needed here (space is reserved ahead, or not watched).
  logic unused_fifo;
  assign unused_fifo = ^{rs_count, plan_count};
  logic unused;
  assign unused = ^{cur_q.s, cur_q.udp, cur_q.tail};   // used from next_q, a frame ahead

`ifndef SYNTHESIS
  // AXI4-Stream: a beat offered on m_axis stays offered, unchanged, until taken.
  assert property (@(posedge clk) disable iff (!rst_n)
                   m_axis_tvalid && !m_axis_tready |=>
                   m_axis_tvalid && $stable({m_axis_tdata, m_axis_tkeep, m_axis_tlast}))
    else $error("m_axis: beat changed before tready");
`endif
endmodule
