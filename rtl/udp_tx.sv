// SPDX-License-Identifier: MIT
// udp_tx: builds the UDP header, whose checksum covers the payload that follows it.
//
// The payload is stored into a buffer while an adder tree sums it (store and forward);
// a datagram's header leaves once its last beat is in and its sum is final, then its
// payload streams out of the buffer. The buffer is one ring holding at least two of the
// largest datagrams, so the next datagrams fill while one drains (a ping-pong generalised
// to any number of small datagrams). Latency cost: one datagram's fill time plus about
// 9 cycles (sum tree, header build); throughput is one beat per cycle in and out. Input
// bytes past tkeep must be zero (payload_read zeroes them): beats are summed as they are.
// Raw (non-UDP) jobs go through the same buffer and get no header. A datagram whose payload
// was read with an error (tuser on its last beat) is dropped whole: its beats are taken back
// from the buffer, which only reads out whole datagrams, and it gets no header.
module udp_tx
  import sendoff_pkg::*;
#(
  parameter int unsigned DataWidth   = 512,   // stream bits
  parameter int unsigned BufferBeats = 2048,  // payload buffer, beats, a power of two
  parameter int unsigned MetaDepth   = 128    // datagrams between input and output
) (
  input  logic                   clk,
  input  logic                   rst_n,

  // ---- datagrams in: header channel and payload stream (tlast per non-empty datagram)
  input  tx_job_t                s_hdr_job,
  input  lane_t                  s_hdr_off,
  input  logic                   s_hdr_valid,
  output logic                   s_hdr_ready,
  input  logic [DataWidth-1:0]   s_data_tdata,
  input  logic [DataWidth/8-1:0] s_data_tkeep,
  input  logic                   s_data_tlast,
  input  logic                   s_data_tuser,   // with tlast: payload read error, drop
  input  logic                   s_data_tvalid,
  output logic                   s_data_tready,

  // ---- datagrams out with their UDP header
  output dgram_t                 m_hdr,
  output logic                   m_hdr_valid,
  input  logic                   m_hdr_ready,
  output logic [DataWidth-1:0]   m_data_tdata,
  output logic [DataWidth/8-1:0] m_data_tkeep,
  output logic                   m_data_tlast,
  output logic                   m_data_tvalid,
  input  logic                   m_data_tready,

  // ---- each datagram, in order, as it leaves the queue: sent on, or dropped (read error)
  output logic                   dgram_done,
  output logic                   dgram_dropped
);

  localparam int unsigned Bytes  = DataWidth / 8;
  localparam int unsigned Words  = Bytes / 2;     // 16-bit checksum words per beat
  localparam int unsigned AddrW  = $clog2(BufferBeats);
  localparam int unsigned EntryW = DataWidth + Bytes + 1;

  if (DataWidth != 512 && DataWidth != 1024) begin : gen_bad_width
    $error("udp_tx: DataWidth must be 512 or 1024");
  end
  if ((BufferBeats & (BufferBeats - 1)) != 0 || BufferBeats * Bytes < 65536 + Bytes) begin
    : gen_bad_buffer
    $error("udp_tx: BufferBeats must be a power of two holding the largest datagram");
  end
  if (MetaDepth < 4 || (MetaDepth & (MetaDepth - 1)) != 0) begin : gen_bad_meta
    $error("udp_tx: MetaDepth must be a power of two >= 4");
  end

  // ------------------------------------------------------------------------- datagram queue
  // Queues with registered outputs (OutReg), and an empty datagram marked on the way in, so
  // that the pops below start at flip-flops.
  tx_job_t meta_job;
  lane_t   meta_off;
  logic    meta_empty;   // meta_job.len == 0
  logic    meta_valid, meta_pop;

  logic [$clog2(MetaDepth):0] meta_count;
  sync_fifo #(
    .Width  ($bits(tx_job_t) + $bits(lane_t) + 1),
    .Depth  (MetaDepth),
    .OutReg (1)
  ) u_meta (
    .clk     (clk),
    .rst_n   (rst_n),
    .s_data  ({s_hdr_job, s_hdr_off, s_hdr_job.len == 16'd0}),
    .s_valid (s_hdr_valid),
    .s_ready (s_hdr_ready),
    .m_data  ({meta_job, meta_off, meta_empty}),
    .m_valid (meta_valid),
    .m_ready (meta_pop),
    .count   (meta_count)
  );

  // ------------------------------------------------------------------------- fill side
  // Pointers carry a wrap bit. Beats up to commit_q are whole datagrams that may be read out;
  // those after it belong to a datagram still arriving, and go back on a read error.
  logic [AddrW:0]   wr_ptr_q, commit_q, rd_ptr_q;
  logic             wr, rd;
  logic [$clog2(MetaDepth):0] sum_count;
  logic             sum_room;

  // The sum FIFO holds one entry per datagram; keep room for those still in the tree (one
  // per stage: three adder stages and the accumulator).
  // Ready is a register, computed a cycle ahead with one entry of margin on each side (at
  // most one beat and one datagram go in per cycle): no path from the counters through the
  // compares to the writers.
  logic ready_q;
  assign sum_room      = (32'(sum_count) <= MetaDepth - 6);
  assign s_data_tready = ready_q;
  always_ff @(posedge clk) begin
    if (!rst_n) ready_q <= 1'b0;
    else ready_q <= ((wr_ptr_q - rd_ptr_q) < (AddrW+1)'(BufferBeats - 1)) && sum_room;
  end
  assign wr            = s_data_tvalid && s_data_tready;

  // Payload sum over little-endian 16-bit words: the one's-complement sum commutes with the
  // byte swap (RFC 1071, 2.B), so the words are taken as they lie and the folded sum is
  // swapped once per datagram, where the payload starts on an even lane: from an odd lane
  // (a payload at an odd byte address, ABI 3.1) the lane pairs are already the network
  // order's byte pairs, so the sum is taken as it is. Bytes past tkeep are zero (payload_read zeroes them), so the
  // beat is summed as it is. Three stages of balanced two-input adds (pairs, then fours,
  // then the rest), then the per-datagram accumulator: at most two adders per stage.
  localparam int unsigned S1N = Words / 2;
  localparam int unsigned S2N = Words / 8;

  logic [S1N*17-1:0] s1_q;
  logic [S2N*19-1:0] s2_q;
  logic [23:0]       s3_q;
  logic              v1_q, v2_q, v3_q, l1_q, l2_q, l3_q, e1_q, e2_q, e3_q;
  logic [31:0]       acc_q;
  logic              sum_push;
  logic [31:0]       sum_total;

  always_ff @(posedge clk) begin
    // Gated by valid: an idle cycle costs the model nothing.
    if (wr) begin
      for (int i = 0; i < S1N; i++)
        s1_q[i*17 +: 17] <= 17'(s_data_tdata[(2*i)*16 +: 16]) +
                            17'(s_data_tdata[(2*i+1)*16 +: 16]);
    end
    if (v1_q) begin
      for (int i = 0; i < S2N; i++)
        s2_q[i*19 +: 19] <= (19'(s1_q[(4*i)*17 +: 17]) + 19'(s1_q[(4*i+1)*17 +: 17])) +
                            (19'(s1_q[(4*i+2)*17 +: 17]) + 19'(s1_q[(4*i+3)*17 +: 17]));
    end
    if (v2_q) begin
      logic [23:0] t [S2N];
      for (int i = 0; i < S2N; i++) t[i] = 24'(s2_q[i*19 +: 19]);
      for (int w = S2N; w > 1; w = w / 2)
        for (int i = 0; i < w / 2; i++) t[i] = t[2*i] + t[2*i+1];
      s3_q <= t[0];
    end
  end

  assign sum_total = acc_q + 32'(s3_q);
  assign sum_push  = v3_q && l3_q;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      v1_q  <= 1'b0;
      v2_q  <= 1'b0;
      v3_q  <= 1'b0;
      l1_q  <= 1'b0;
      l2_q  <= 1'b0;
      l3_q  <= 1'b0;
      e1_q  <= 1'b0;
      e2_q  <= 1'b0;
      e3_q  <= 1'b0;
      acc_q <= '0;
    end else begin
      v1_q <= wr;
      l1_q <= wr && s_data_tlast;
      e1_q <= wr && s_data_tlast && s_data_tuser;
      v2_q <= v1_q;
      l2_q <= l1_q;
      e2_q <= e1_q;
      v3_q <= v2_q;
      l3_q <= l2_q;
      e3_q <= e2_q;
      if (v3_q) acc_q <= l3_q ? '0 : sum_total;
    end
  end

  logic [31:0] sum_out;
  logic        sum_err;   // the datagram had a read error: drop it
  logic        sum_valid, sum_pop;
  logic sum_ready;
  sync_fifo #(
    .Width  (33),
    .Depth  (MetaDepth),
    .OutReg (1)
  ) u_sum (
    .clk     (clk),
    .rst_n   (rst_n),
    .s_data  ({e3_q, sum_total}),
    .s_valid (sum_push),
    .s_ready (sum_ready),
    .m_data  ({sum_err, sum_out}),
    .m_valid (sum_valid),
    .m_ready (sum_pop),
    .count   (sum_count)
  );

  // ------------------------------------------------------------------------- buffer
  logic [EntryW-1:0] rd_entry;
  logic [1:0]        inflight_q;   // reads issued 1 and 2 cycles ago
  logic [2:0]        out_count;
  logic              out_valid;
  logic [EntryW-1:0] out_entry;

  sdp_ram #(
    .Width   (EntryW),
    .Depth   (BufferBeats),
    .Latency (2)
  ) u_buf (
    .clk   (clk),
    .we    (wr),
    .waddr (wr_ptr_q[AddrW-1:0]),
    .wdata ({s_data_tlast, s_data_tkeep, s_data_tdata}),
    .re    (rd),
    .raddr (rd_ptr_q[AddrW-1:0]),
    .rdata (rd_entry)
  );

  // Read ahead into a 4-entry FIFO so the output runs one beat per cycle.
  // Slots of the output FIFO not yet claimed by a read: a count (one down per read, one up
  // per beat out), not a sum of the FIFO count and the reads in flight. Kept as a thermometer
  // (bit i: more than i slots) that shifts, so that each bit is one LUT of the read and the
  // beat out (the latter from the next module's ready), with no adder behind them.
  logic [3:0] out_credit_q;
  logic       out_pop;
  assign out_pop = m_data_tvalid && m_data_tready;
  assign rd = (commit_q != rd_ptr_q) && out_credit_q[0];

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      wr_ptr_q   <= '0;
      commit_q   <= '0;
      rd_ptr_q   <= '0;
      inflight_q <= '0;
      out_credit_q <= 4'b1111;
    end else begin
      if (wr && s_data_tlast && s_data_tuser) begin
        wr_ptr_q <= commit_q;
      end else if (wr) begin
        wr_ptr_q <= wr_ptr_q + 1'b1;
        if (s_data_tlast) commit_q <= wr_ptr_q + 1'b1;
      end
      if (rd) rd_ptr_q <= rd_ptr_q + 1'b1;
      inflight_q <= {inflight_q[0], rd};
      if (rd && !out_pop)      out_credit_q <= {1'b0, out_credit_q[3:1]};
      else if (out_pop && !rd) out_credit_q <= {out_credit_q[2:0], 1'b1};
    end
  end

  logic out_ready;
  // Registered outputs: m_data_* leave from flip-flops, as the next module expects.
  sync_fifo #(
    .Width  (EntryW),
    .Depth  (4),
    .OutReg (1)
  ) u_out (
    .clk     (clk),
    .rst_n   (rst_n),
    .s_data  (rd_entry),
    .s_valid (inflight_q[1]),
    .s_ready (out_ready),
    .m_data  (out_entry),
    .m_valid (out_valid),
    .m_ready (m_data_tready),
    .count   (out_count)
  );

  assign {m_data_tlast, m_data_tkeep, m_data_tdata} = out_entry;
  assign m_data_tvalid = out_valid;

  // ------------------------------------------------------------------------- header side
  // A datagram's header is built once its payload sum is final (none needed when empty), in
  // four stages that advance together, at most two adders each:
  //   a: take the datagram and its payload sum; two halves of the pseudo-header sum;
  //   b: fold the payload sum to 16 bits and (even first lane) swap it to network order;
  //      add the halves;
  //   c: add the two and fold once;  o: fold the carry, complement, build the header.
  logic        a_valid_q, b_valid_q, c_valid_q, o_valid_q, en, drop;
  tx_job_t     a_job_q, b_job_q, c_job_q;
  lane_t       a_off_q, b_off_q, c_off_q;
  logic [31:0] a_psum_q;
  logic [17:0] a_h1_q, a_h2_q;   // pseudo-header and UDP header words, two halves
  logic [15:0] b_psum_q;
  logic [18:0] b_hsum_q;
  logic [16:0] c_sum_q;
  dgram_t      o_q;

  assign en       = !o_valid_q || m_hdr_ready;
  assign meta_pop = en && meta_valid && (meta_empty || sum_valid);
  assign sum_pop  = meta_pop && !meta_empty;
  assign drop     = sum_pop && sum_err;

  assign dgram_done    = meta_pop;
  assign dgram_dropped = drop;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      a_valid_q <= 1'b0;
      b_valid_q <= 1'b0;
      c_valid_q <= 1'b0;
      o_valid_q <= 1'b0;
    end else if (en) begin
      a_valid_q <= meta_pop && !drop;
      b_valid_q <= a_valid_q;
      c_valid_q <= b_valid_q;
      o_valid_q <= c_valid_q;
    end
  end

  logic [16:0] psum_half, c_sum_d;
  logic [15:0] psum16, c_fold, csum, udp_len;
  logic [19:0] total;
  always_comb begin
    // Halves of a 32-bit one's-complement sum; hi + lo <= 0x1FFFE, so one more add folds it.
    psum_half = 17'(a_psum_q[31:16]) + 17'(a_psum_q[15:0]);
    psum16    = psum_half[15:0] + 16'(psum_half[16]);
    total     = 20'(b_psum_q) + 20'(b_hsum_q);
    c_sum_d   = 17'(total[15:0]) + 17'(total[19:16]);
    // c_sum_q <= 0x1000E: with its carry set the low half is small, so this add cannot carry.
    c_fold    = c_sum_q[15:0] + 16'(c_sum_q[16]);
    csum      = ~c_fold;
    if (csum == 16'd0) csum = 16'hffff;   // RFC 768: a computed zero is sent as all ones
    udp_len   = c_job_q.len + 16'(UdpHlen);
  end

  always_ff @(posedge clk) begin
    if (en) begin
      if (meta_pop) begin
        a_job_q  <= meta_job;
        a_off_q  <= meta_off;
        a_psum_q <= meta_empty ? 32'd0 : sum_out;
        // UDP length twice (pseudo-header and header): 2 * (len + 8) + protocol.
        a_h1_q   <= (18'(meta_job.saddr[31:16]) + 18'(meta_job.saddr[15:0])) +
                    (18'(meta_job.daddr[31:16]) + 18'(meta_job.daddr[15:0]));
        a_h2_q   <= (18'({meta_job.len, 1'b0}) + 18'(2 * UdpHlen + 32'(IpprotoUdp))) +
                    (18'(meta_job.sport) + 18'(meta_job.dport));
      end
      b_job_q  <= a_job_q;
      b_off_q  <= a_off_q;
      b_psum_q <= a_off_q[0] ? psum16 : {psum16[7:0], psum16[15:8]};
      b_hsum_q <= 19'(a_h1_q) + 19'(a_h2_q);
      c_job_q  <= b_job_q;
      c_off_q  <= b_off_q;
      c_sum_q  <= c_sum_d;
      if (c_valid_q) begin
        o_q.job   <= c_job_q;
        o_q.off   <= c_off_q;
        o_q.l4hdr <= c_job_q.udp ? {be16(csum), be16(udp_len), be16(c_job_q.dport),
                                    be16(c_job_q.sport)} : 64'd0;
      end
    end
  end

  assign m_hdr       = o_q;
  assign m_hdr_valid = o_valid_q;

  // FIFO status not needed here (space is reserved ahead, or not watched).
  logic unused_fifo;
  assign unused_fifo = ^{meta_count, sum_ready, out_ready, out_count};

`ifndef SYNTHESIS
  // AXI4-Stream: a beat offered on m_data stays offered, unchanged, until taken.
  assert property (@(posedge clk) disable iff (!rst_n)
                   m_data_tvalid && !m_data_tready |=>
                   m_data_tvalid && $stable({m_data_tdata, m_data_tkeep, m_data_tlast}))
    else $error("m_data: beat changed before tready");
`endif
endmodule
