// SPDX-License-Identifier: MIT
// eth_fcs: appends the Ethernet FCS (CRC-32, reflected polynomial 0xEDB88320, initial and
// final value all ones) when enabled, a full beat per cycle.
//
// Input bytes past tkeep must be zero (eth_tx's output is so): every beat, the partial last
// one included, goes through one DataWidth-bit CRC step as it is: next = S * state ^ D * data, with D * data computed a
// stage ahead so the feedback path is only the 32x32 S. On the last beat the z = Bytes - m
// zero bytes are then taken back out: a zero byte is an invertible linear map of the
// state, so its inverse for z bytes is a constant 32x32 matrix, chosen by z / 8 in one
// stage and by z % 8 in the next.
// All matrices are computed at elaboration from the bit-serial definition. Latency: 6.
module eth_fcs #(
  parameter int unsigned DataWidth = 512,  // stream bits
  parameter int unsigned UserWidth = 1     // tuser bits, passed along with each beat
) (
  input  logic                   clk,
  input  logic                   rst_n,

  input  logic                   fcs_enable,   // sampled at each frame's first beat

  // ---- frames in (tkeep contiguous from lane 0)
  input  logic [DataWidth-1:0]   s_axis_tdata,
  input  logic [DataWidth/8-1:0] s_axis_tkeep,
  input  logic [$clog2(DataWidth/8):0] s_axis_tcount,  // bytes in the beat, popcount(tkeep)
  input  logic                   s_axis_tlast,
  input  logic [UserWidth-1:0]   s_axis_tuser,
  input  logic                   s_axis_tvalid,
  output logic                   s_axis_tready,

  // ---- frames out, with the FCS when enabled
  output logic [DataWidth-1:0]   m_axis_tdata,
  output logic [DataWidth/8-1:0] m_axis_tkeep,
  output logic                   m_axis_tlast,
  output logic [UserWidth-1:0]   m_axis_tuser,
  output logic                   m_axis_tvalid,
  input  logic                   m_axis_tready
);

  localparam int unsigned Bytes = DataWidth / 8;
  localparam int unsigned LaneW = $clog2(Bytes);

  if (DataWidth < 64 || DataWidth > 1024 || (DataWidth & (DataWidth - 1)) != 0)
  begin : gen_bad_width
    $error("eth_fcs: DataWidth must be a power of two in [64, 1024]");
  end

  // StepRows, HiRows, LoRows and mul32, shared with rx_parse.
  `include "crc32_rows.svh"

  // ------------------------------------------------------------------------- pipeline
  // Wide data last: at bit 0 of the struct, so the model reads it without shifting.
  typedef struct packed {
    logic [Bytes-1:0]     keep;
    logic                 last;
    logic                 first;
    logic                 fcs;     // append the FCS to this frame
    logic [LaneW-1:0]     z;       // zero bytes after the last real byte (from stage 2)
    logic [LaneW:0]       m;       // bytes in the beat
    logic                 spill;   // the FCS opens one more beat (from stage 5)
    logic [UserWidth-1:0] user;
    logic [DataWidth-1:0] data;
  } beat_t;

  logic        adv, pipe_en, extra_q;
  beat_t       b1_q, b2_q, b3_q, b4_q, b5_q;
  logic        v1_q, v2_q, v3_q, v4_q, v5_q;
  logic [31:0] g2_q, crc3_q, state_q, crc4_q, fcs5_q;
  logic        in_frame_q, fcs_frame_q;

  assign adv     = !m_axis_tvalid || m_axis_tready;
  assign pipe_en = adv && !extra_q;
  assign s_axis_tready = pipe_en;

  // Bytes past tkeep are zero on the input (eth_tx's output contract), so the CRC takes the
  // beat as it is and only the byte count is needed (s_axis_tcount, so that no adder tree
  // counts tkeep): z = zeros after the last real byte.
  beat_t       b_in;
  logic [31:0] crc3_d, crc4_d, fcs5_d;

  always_comb begin
    b_in.data  = s_axis_tdata;
    b_in.keep  = s_axis_tkeep;
    b_in.last  = s_axis_tlast;
    b_in.first = !in_frame_q;
    b_in.fcs   = in_frame_q ? fcs_frame_q : fcs_enable;
    b_in.z     = '0;
    b_in.m     = s_axis_tcount;
    b_in.spill = 1'b0;
    b_in.user  = s_axis_tuser;
  end

  // Stage 3: the CRC state over the frame so far, whole beats.
  always_comb begin
    logic [31:0] st;
    st = b2_q.first ? 32'hffffffff : state_q;
    for (int i = 0; i < 32; i++) crc3_d[i] = ^(StepRows[i*RowW + DataWidth +: 32] & st) ^ g2_q[i];
  end

  // Stages 4 and 5: take back the zero bytes after the last real byte.
  // Only a last beat's values are used: the model skips the products on the others.
  always_comb begin
    crc4_d = crc3_q;
    fcs5_d = crc4_q;
    if (b3_q.last) crc4_d = mul32(HiRows[32'(b3_q.z[LaneW-1:3]) * 1024 +: 1024], crc3_q);
    if (b4_q.last) fcs5_d = ~mul32(LoRows[32'(b4_q.z[2:0]) * 1024 +: 1024], crc4_q);
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      v1_q        <= 1'b0;
      v2_q        <= 1'b0;
      v3_q        <= 1'b0;
      v4_q        <= 1'b0;
      v5_q        <= 1'b0;
      in_frame_q  <= 1'b0;
      fcs_frame_q <= 1'b0;
    end else if (pipe_en) begin
      v1_q <= s_axis_tvalid;
      v2_q <= v1_q;
      v3_q <= v2_q;
      v4_q <= v3_q;
      v5_q <= v4_q;
      if (s_axis_tvalid) begin
        in_frame_q  <= !s_axis_tlast;
        fcs_frame_q <= b_in.fcs;
      end
    end
  end

  always_ff @(posedge clk) begin
    // Each stage loads only behind a valid beat, and the CRC only runs for frames that get
    // an FCS: idle cycles and FCS-to-MAC frames cost the model (and the enables) nothing.
    if (pipe_en) begin
      if (s_axis_tvalid) b1_q <= b_in;
      if (v1_q) begin
        b2_q   <= b1_q;
        b2_q.z <= LaneW'((LaneW+1)'(Bytes) - b1_q.m);
        if (b1_q.fcs)
          for (int i = 0; i < 32; i++) g2_q[i] <= ^(StepRows[i*RowW +: DataWidth] & b1_q.data);
      end
      if (v2_q) begin
        b3_q <= b2_q;
        if (b2_q.fcs) begin
          crc3_q  <= crc3_d;
          state_q <= crc3_d;
        end
      end
      if (v3_q) begin
        b4_q <= b3_q;
        if (b3_q.fcs) crc4_q <= crc4_d;
      end
      if (v4_q) begin
        b5_q       <= b4_q;
        b5_q.spill <= b4_q.last && b4_q.fcs && (32'(b4_q.m) + 4 > Bytes);
        if (b4_q.fcs) fcs5_q <= fcs5_d;
      end
    end
  end

  // ------------------------------------------------------------------------- output
  // The FCS goes in lanes m .. m+3 of the last beat; what does not fit opens one more beat.
  logic                 out_valid_q, out_last_q;
  logic [DataWidth-1:0] out_data_q, out_data_d, extra_data_q, extra_data_d;
  logic [Bytes-1:0]     out_keep_q, out_keep_d, extra_keep_q, extra_keep_d;
  logic [UserWidth-1:0] out_user_q;
  logic                 spill;

  always_comb begin
    logic [2*DataWidth-1:0] wide;
    logic [2*Bytes-1:0]     wkeep;
    wide  = {{DataWidth{1'b0}}, b5_q.data};
    wkeep = {{Bytes{1'b0}}, b5_q.keep};
    // Bytes past m are zero, so the FCS is OR'ed in: shifts, no per-lane select.
    if (b5_q.last && b5_q.fcs) begin
      wide  = wide | ((2*DataWidth)'(fcs5_q) << (32'(b5_q.m) * 8));
      wkeep = wkeep | ((2*Bytes)'(4'hf) << b5_q.m);
    end
    spill        = b5_q.spill;
    out_data_d   = wide[DataWidth-1:0];
    out_keep_d   = wkeep[Bytes-1:0];
    extra_data_d = wide[2*DataWidth-1:DataWidth];
    extra_keep_d = wkeep[2*Bytes-1:Bytes];
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      out_valid_q <= 1'b0;
      extra_q     <= 1'b0;
    end else if (adv) begin
      if (extra_q) begin
        out_valid_q <= 1'b1;
        extra_q     <= 1'b0;
      end else begin
        out_valid_q <= v5_q;
        extra_q     <= v5_q && spill;
      end
    end
  end

  always_ff @(posedge clk) begin
    if (adv) begin
      if (extra_q) begin
        out_data_q <= extra_data_q;
        out_keep_q <= extra_keep_q;
        out_last_q <= 1'b1;
      end else begin
        out_data_q   <= out_data_d;
        out_keep_q   <= out_keep_d;
        out_last_q   <= b5_q.last && !spill;
        out_user_q   <= b5_q.user;
        extra_data_q <= extra_data_d;
        extra_keep_q <= extra_keep_d;
      end
    end
  end

  assign m_axis_tdata  = out_data_q;
  assign m_axis_tkeep  = out_keep_q;
  assign m_axis_tlast  = out_last_q;
  assign m_axis_tuser  = out_user_q;
  assign m_axis_tvalid = out_valid_q;

  logic unused;
  assign unused = ^{b5_q.first, b5_q.z};


`ifndef SYNTHESIS
  // AXI4-Stream: a beat offered on m_axis stays offered, unchanged, until taken.
  assert property (@(posedge clk) disable iff (!rst_n)
                   m_axis_tvalid && !m_axis_tready |=>
                   m_axis_tvalid && $stable({m_axis_tdata, m_axis_tkeep, m_axis_tlast}))
    else $error("m_axis: beat changed before tready");
`endif
endmodule
