// SPDX-License-Identifier: MIT
// eth_tx: puts the Ethernet, IPv4 and (first fragment) UDP headers in front of each frame's
// payload and pads the frame to 60 bytes. Output bytes past tkeep are zero (eth_fcs counts
// on it); input bytes past a frame's payload may be anything.
//
// The payload stream is a datagram's beats, each once (ip_tx does not cut it): a frame's
// payload starts at lane off, and a fragment after the first (fragment offset non-zero) with
// off != 0 starts in the beat its predecessor ended in. Frames are cut by the header's off
// and n alone; tkeep and tlast are not read.
//
// The headers are 34 or 42 bytes, or none for a whole frame (s_hdr.eth, TxdL4Eth: H = 0,
// only padding), so every payload byte moves by s = (H - off) mod Bytes lanes. Each output beat is one funnel shift of two input beats: the newest and the one
// before (held), lanes picked from each, then one rotation by s (stage A, registered); stage
// B merges the header into a frame's first beat and zeroes past its end. The held beat serves
// the next frame too, so a beat shared by two fragments costs no second input beat, and a
// payload starting past the header end (off > H, its first output beat needs two input
// beats) finds its first beat held already. Output beats per frame are ceil((H + n) / Bytes)
// (padding stays in the one beat), back to back, with headers decoded up to four frames
// ahead. Only a frame that is late and does not share its first beat (at 1024 bits, a
// datagram at lane 64) waits one cycle to load that beat.
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

  localparam int unsigned CntW = 17 - LaneW;   // beats of a frame (16-bit n, up to 42 + n)

  // What stage A needs of a frame.
  typedef struct packed {
    logic [LaneW-1:0] s;        // payload lanes move up by s
    logic             late;     // off > H: output beat j takes input beats j and j + 1
    logic             shared;   // its first input beat is its predecessor's last (held)
    logic             empty;    // no payload
    logic [CntW-1:0]  nout;     // output beats
    logic [CntW-1:0]  nin;      // input beats, ceil((off + n) / Bytes), a shared one included
  } aplan_t;

  // What stage B needs of a frame, decoded from its header a frame ahead.
  typedef struct packed {
    logic [DataWidth-1:0] hdr;        // header bytes, zero from lane H on
    logic                 udp;        // H = 42 (UDP header present), else 34
    logic                 eth;        // H = 0 (a whole frame)
    logic [LaneW-1:0]     tail;       // real (unpadded) bytes in the last beat, mod Bytes
    frame_info_t          info;
  } plan_t;

  aplan_t      adec, ap_head;
  plan_t       dec, next_q, cur_q;
  logic        next_valid, plan_ready;
  logic [$clog2(4):0] plan_count, ap_count;
  logic [6:0]  h;
  logic [15:0] flen;
  logic        short, frag_later;

  always_comb begin
    h     = s_hdr.eth ? 7'd0 : s_hdr.has_l4hdr ? 7'(FrameHdrUdp) : 7'(FrameHdrRaw);
    // h + n < 60 as a compare of n with a constant: no adder in front of it.
    short = s_hdr.eth       ? (s_hdr.n < 16'(EthZlen))
          : s_hdr.has_l4hdr ? (s_hdr.n < 16'(EthZlen - FrameHdrUdp))
                            : (s_hdr.n < 16'(EthZlen - FrameHdrRaw));
    flen  = short ? 16'(EthZlen) : 16'(h) + s_hdr.n;
    // The IPv4 fragment offset (bytes 6-7 of the header, 13 bits) is not zero.
    frag_later = |{s_hdr.iphdr[52:48], s_hdr.iphdr[63:56]};

    dec.hdr = '0;
    if (!s_hdr.eth) begin
      dec.hdr[0 +: 48]   = s_hdr.dmac;
      dec.hdr[48 +: 48]  = s_hdr.smac;
      dec.hdr[96 +: 16]  = be16(EthPIp);
      dec.hdr[112 +: 160] = s_hdr.iphdr;
      if (s_hdr.has_l4hdr) dec.hdr[272 +: 64] = s_hdr.l4hdr;
    end
    dec.udp            = s_hdr.has_l4hdr;
    dec.eth            = s_hdr.eth;
    dec.tail           = LaneW'(h + 7'(s_hdr.n));
    dec.info.desc_last = s_hdr.desc_last;
    dec.info.len       = flen;

    adec.s      = LaneW'(h - 7'(s_hdr.off));
    adec.empty  = (s_hdr.n == 0);
    adec.late   = (7'(s_hdr.off) > h) && !adec.empty;
    adec.shared = frag_later && (s_hdr.off != 0);
    // ceil((h + n) / Bytes): padding to 60 bytes stays inside the first beat.
    adec.nout   = CntW'((17'(s_hdr.n) + (s_hdr.eth       ? 17'(Bytes - 1)
                                       : s_hdr.has_l4hdr ? 17'(FrameHdrUdp + Bytes - 1)
                                                         : 17'(FrameHdrRaw + Bytes - 1)))
                        >> LaneW);
    // n + off + Bytes - 1 as one addition of {off != 0, off - 1}; a shared beat is taken off
    // when the plan is loaded, so the fragment offset is not in front of this adder.
    adec.nin    = CntW'((17'(s_hdr.n) + 17'({s_hdr.off != 0, LaneW'(s_hdr.off - 1'b1)}))
                        >> LaneW);
  end

  // ------------------------------------------------------------------------- stage A
  // A frame's plan is loaded into registers when its predecessor's last beat leaves stage A.
  logic                 ap_valid, ap_ready, ap_load, ap_push;
  logic                 a_pv_q;       // a frame is loaded
  logic [LaneW-1:0]     a_s_q;
  logic [DataWidth-1:0] a_hi_q;       // input bits that come from the newest beat
  logic                 a_pre_q;      // late, not shared: its first input beat is to be held
  logic                 a_useprev_q;  // the next output beat comes from the held beat alone
  logic                 a_in_nz_q;    // input beats left to take
  logic                 a_one_q;      // the next output beat is the frame's last
  logic                 a_first_q;    // the next output beat is the frame's first
  logic [CntW-1:0]      a_nout_q, a_nin_q;
  logic [DataWidth-1:0] held_q;       // the last input beat taken

  sync_fifo #(
    .Width  ($bits(aplan_t)),
    .Depth  (4),
    .OutReg (1)
  ) u_aplan_fifo (
    .clk     (clk),
    .rst_n   (rst_n),
    .s_data  (adec),
    .s_valid (ap_push),
    .s_ready (ap_ready),
    .m_data  (ap_head),
    .m_valid (ap_valid),
    .m_ready (ap_load),
    .count   (ap_count)
  );

  logic                 a_valid_q, a_last_q, a_firstb_q;
  logic [DataWidth-1:0] a_rot_q;
  logic                 a_free, a_need, a_fire, a_pre_fire, a_in, take;
  logic [DataWidth-1:0] mix;

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

  assign a_free     = !a_valid_q || take;
  // An output beat needs a new input beat unless the frame's input is all in, or this is a
  // frame's first beat made of the held beat alone (not late, shared).
  assign a_need     = a_in_nz_q && !a_useprev_q;
  assign a_pre_fire = a_pv_q && a_pre_q && s_data_tvalid;
  assign a_fire     = a_pv_q && !a_pre_q && a_free && (!a_need || s_data_tvalid);
  assign s_data_tready = a_pv_q && (a_pre_q || (a_free && a_need));
  assign a_in       = s_data_tvalid && s_data_tready;
  assign ap_load    = ap_valid && (!a_pv_q || (a_fire && a_one_q));

  always_comb begin
    mix = '0;
    // Work only when a beat is made: the model skips the wide funnel on idle cycles. Input
    // lanes below Bytes - s come from the newest beat, the others from the held one; with
    // nothing left to take, the newest beat's lanes land past the frame's end.
    if (a_fire) mix = a_useprev_q ? held_q : ((s_data_tdata & a_hi_q) | (held_q & ~a_hi_q));
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      a_pv_q    <= 1'b0;
      a_valid_q <= 1'b0;
    end else begin
      if (!a_pv_q || (a_fire && a_one_q)) a_pv_q <= ap_valid;
      if (a_free) a_valid_q <= a_fire;
    end
  end

  always_ff @(posedge clk) begin
    if (a_in) held_q <= s_data_tdata;
    if (a_fire) begin
      a_rot_q    <= rotl_lanes(mix, a_s_q);
      a_firstb_q <= a_first_q;
      a_last_q   <= a_one_q;
    end
    if (ap_load) begin
      a_s_q       <= ap_head.s;
      a_hi_q      <= BitsAll >> (32'(ap_head.s) * 8);
      a_pre_q     <= ap_head.late && !ap_head.shared;
      a_useprev_q <= !ap_head.late && ap_head.shared;
      a_in_nz_q   <= !ap_head.empty && (ap_head.nin != CntW'(ap_head.shared));
      a_one_q     <= (ap_head.nout == CntW'(1));
      a_first_q   <= 1'b1;
      a_nout_q    <= ap_head.nout;
      a_nin_q     <= ap_head.nin - CntW'(ap_head.shared);
    end else begin
      if (a_pre_fire) a_pre_q <= 1'b0;
      if (a_in) begin
        a_nin_q   <= a_nin_q - 1'b1;
        a_in_nz_q <= (a_nin_q != CntW'(1));
      end
      if (a_fire) begin
        a_nout_q    <= a_nout_q - 1'b1;
        a_one_q     <= (a_nout_q == CntW'(2));
        a_first_q   <= 1'b0;
        a_useprev_q <= 1'b0;
      end
    end
  end

  // ------------------------------------------------------------------------- stage B
  logic cur_valid_q;
  logic [DataWidth-1:0] cur_hdr_mask_q, cur_tail_q;
  logic [Bytes-1:0]     cur_last_keep_q;
  logic [LaneW:0]       cur_last_cnt_q;
  logic [LaneW-1:0]     next_tail;   // bytes in the last output beat, mod Bytes

  logic en, emit, done, cur_load;
  logic [DataWidth-1:0] out_data;

  assign en   = !m_axis_tvalid || m_axis_tready;
  assign take = en && cur_valid_q && a_valid_q;
  assign emit = take;
  assign done = take && a_last_q;

  always_comb begin
    out_data = '0;
    if (emit) begin
      out_data = a_firstb_q ? ((a_rot_q & ~cur_hdr_mask_q) | cur_q.hdr) : a_rot_q;
      // Zeros after the last real byte: the padding, and past tkeep for eth_fcs, whatever
      // the input had past the frame's payload.
      if (a_last_q) out_data = out_data & cur_tail_q;
    end
  end

  assign cur_load  = !cur_valid_q || done;
  assign next_tail = next_q.info.len[LaneW-1:0];
  // Headers run up to four frames ahead, so stage A has each frame's plan on time.
  assign s_hdr_ready = plan_ready && ap_ready;
  assign ap_push     = s_hdr_valid && s_hdr_ready;

  sync_fifo #(
    .Width ($bits(plan_t)),
    .Depth (4)
  ) u_plan_fifo (
    .clk     (clk),
    .rst_n   (rst_n),
    .s_data  (dec),
    .s_valid (s_hdr_valid && ap_ready),
    .s_ready (plan_ready),
    .m_data  (next_q),
    .m_valid (next_valid),
    .m_ready (cur_load && next_valid),
    .count   (plan_count)
  );

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      cur_valid_q <= 1'b0;
    end else if (cur_load) begin
      cur_valid_q <= next_valid;
    end
  end

  always_ff @(posedge clk) begin
    if (cur_load && next_valid) begin
      cur_q          <= next_q;
      cur_hdr_mask_q <= next_q.eth ? '0
                      : BitsAll >> (DataWidth - 8 * (next_q.udp ? FrameHdrUdp : FrameHdrRaw));
      cur_tail_q     <= (next_q.tail == 0) ? BitsAll : ~(BitsAll << (32'(next_q.tail) * 8));
      cur_last_keep_q <= (next_tail == 0) ? LanesAll : ~(LanesAll << next_tail);
      cur_last_cnt_q  <= (next_tail == 0) ? (LaneW+1)'(Bytes) : (LaneW+1)'(next_tail);
    end
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
      out_keep_q  <= a_last_q ? cur_last_keep_q : LanesAll;
      out_count_q <= a_last_q ? cur_last_cnt_q : (LaneW+1)'(Bytes);
      out_last_q <= a_last_q;
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
  assign unused_fifo = ^{ap_count, plan_count};
  logic unused;
  assign unused = ^{cur_q.udp, cur_q.eth, cur_q.tail,   // used from next_q, a frame ahead
                    s_data_tkeep, s_data_tlast};

`ifndef SYNTHESIS
  // AXI4-Stream: a beat offered on m_axis stays offered, unchanged, until taken.
  assert property (@(posedge clk) disable iff (!rst_n)
                   m_axis_tvalid && !m_axis_tready |=>
                   m_axis_tvalid && $stable({m_axis_tdata, m_axis_tkeep, m_axis_tlast}))
    else $error("m_axis: beat changed before tready");
`endif
endmodule
