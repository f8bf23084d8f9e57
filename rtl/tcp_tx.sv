// SPDX-License-Identifier: MIT
// tcp_tx: TCP segmentation offload (TSO), hls/tcp_tx's tcp_tx_step in RTL. A payload of up
// to 65535 bytes becomes MSS-sized segments, each a TCP header (options included) and its
// piece of the payload: sequence number seq + k * mss, ACK, window, options and flags
// repeated, PSH and FIN on the last segment only, CWR on the first only, IPv4 ID id + k, the
// checksum over pseudo-header, header and the segment's payload. A 0-byte payload is one
// header-only segment.
//
// Store and forward as udp_tx, for the same reason: a segment's checksum sits in front of the
// payload it covers. While a job's payload is stored, each segment's payload sum is kept
// (with an MSS >= 88 at most three segments touch one beat of <= 128 bytes: three masked
// sums a beat). Once the whole job is in (a read error, tuser on its last beat, drops it
// whole), its segments are stepped one a cycle through a checksum pipeline, and each
// segment's bytes are read back: output beat j of a segment is one rotation of two
// neighbouring buffer beats, with the header merged into beat 0. The buffer is split into
// even and odd beats (two RAMs), so both beats of the pair come in one cycle and a segment
// may start anywhere: no bubble between segments, one beat per cycle out. Bytes past tkeep
// on the input must be zero (payload_read zeroes them).
//
// Per segment out: a dgram_t for ip_tx as a raw L4 datagram (see "segment record" below) and
// the segment's L4 bytes from lane 0.
//
// Cost at 512 bits (yosys 0.23 synth_xilinx -family xcup, no timing): the 128 KiB buffer in
// 29 BRAM36, 13 more for the job and sum queues; about 13,100 LUT and 12,600 FF with the
// queues, most of the LUTs in the two-beat rotator and the three masks.
module tcp_tx
  import sendoff_pkg::*;
#(
  parameter int unsigned DataWidth   = 512,   // stream bits
  // Payload buffer, beats, a power of two: 128 KiB holds the largest payload and the next
  // one's first half (the drain frees beats segment by segment as it goes).
  parameter int unsigned BufferBeats = 131072 / (DataWidth / 8),
  parameter int unsigned MetaDepth   = 128,   // jobs between input and output
  parameter int unsigned SumDepth    = 1024   // beats holding a segment end, stored and not stepped
) (
  input  logic                   clk,
  input  logic                   rst_n,

  // ---- jobs in: header channel and payload stream (tlast per non-empty job)
  input  tcp_job_t               s_hdr_job,
  input  lane_t                  s_hdr_off,      // lane of the first payload byte
  input  logic                   s_hdr_valid,
  output logic                   s_hdr_ready,
  input  logic [DataWidth-1:0]   s_data_tdata,
  input  logic [DataWidth/8-1:0] s_data_tkeep,
  input  logic                   s_data_tlast,
  input  logic                   s_data_tuser,   // with tlast: payload read error, drop
  input  logic                   s_data_tvalid,
  output logic                   s_data_tready,

  // ---- segments out: one record each, then its L4 bytes (tlast per segment)
  output dgram_t                 m_hdr,
  output logic                   m_hdr_valid,
  input  logic                   m_hdr_ready,
  output logic [DataWidth-1:0]   m_data_tdata,
  output logic [DataWidth/8-1:0] m_data_tkeep,
  output logic                   m_data_tlast,
  output logic                   m_data_tvalid,
  input  logic                   m_data_tready,

  // ---- each job, in order, as its segmenting starts: sent on, or dropped (read error)
  output logic                   job_done,
  output logic                   job_dropped
);

  localparam int unsigned Bytes  = DataWidth / 8;
  localparam int unsigned LaneW  = $clog2(Bytes);
  localparam int unsigned Words  = Bytes / 2;
  localparam int unsigned AddrW  = $clog2(BufferBeats);
  localparam int unsigned PtrW   = AddrW + 1;          // beat pointers with a wrap bit
  localparam int unsigned BAddrW = PtrW + LaneW;       // byte addresses in the ring, wrap bit
  localparam int unsigned TcpHlen = 20;                // TCP header without options
  localparam int unsigned HdrW   = 8 * (TcpHlen + 40); // TCP header with the longest options
  // TCP flags (RFC 9293, RFC 3168) that depend on the segment's place.
  localparam logic [7:0] TcphdrFin = 8'h01;
  localparam logic [7:0] TcphdrPsh = 8'h08;
  localparam logic [7:0] TcphdrCwr = 8'h80;
  localparam int unsigned OutDepth = 8;

  if (DataWidth != 512 && DataWidth != 1024) begin : gen_bad_width
    $error("tcp_tx: DataWidth must be 512 or 1024");
  end
  if ((BufferBeats & (BufferBeats - 1)) != 0 || BufferBeats * Bytes < 65536 + 4 * Bytes) begin
    : gen_bad_buffer
    $error("tcp_tx: BufferBeats must be a power of two holding the largest payload");
  end
  if (MetaDepth < 4 || (MetaDepth & (MetaDepth - 1)) != 0) begin : gen_bad_meta
    $error("tcp_tx: MetaDepth must be a power of two >= 4");
  end
  if (SumDepth < 16 || (SumDepth & (SumDepth - 1)) != 0) begin : gen_bad_sum
    $error("tcp_tx: SumDepth must be a power of two >= 16");
  end

  // ------------------------------------------------------------------------- job queues
  // The fill side needs each non-empty job's MSS, lane and length as its beats arrive; the
  // stepper needs the whole job once it is stored.
  logic     meta_ready, fmeta_ready;
  tcp_job_t meta_job;
  lane_t    meta_off;
  logic     meta_empty, meta_valid, meta_pop;
  logic [$clog2(MetaDepth):0] meta_count, fmeta_count;

  assign s_hdr_ready = meta_ready && fmeta_ready;

  sync_fifo #(
    .Width  ($bits(tcp_job_t) + $bits(lane_t) + 1),
    .Depth  (MetaDepth),
    .OutReg (1)
  ) u_meta (
    .clk     (clk),
    .rst_n   (rst_n),
    .s_data  ({s_hdr_job, s_hdr_off, s_hdr_job.job.len == 16'd0}),
    .s_valid (s_hdr_valid && fmeta_ready),
    .s_ready (meta_ready),
    .m_data  ({meta_job, meta_off, meta_empty}),
    .m_valid (meta_valid),
    .m_ready (meta_pop),
    .count   (meta_count)
  );

  logic [15:0] f_mss, f_len;
  lane_t       f_off;
  logic        f_valid, f_pop;
  sync_fifo #(
    .Width  (16 + 16 + $bits(lane_t)),
    .Depth  (MetaDepth),
    .OutReg (1)
  ) u_fmeta (
    .clk     (clk),
    .rst_n   (rst_n),
    .s_data  ({s_hdr_job.mss, s_hdr_job.job.len, s_hdr_off}),
    .s_valid (s_hdr_valid && meta_ready && s_hdr_job.job.len != 16'd0),
    .s_ready (fmeta_ready),
    .m_data  ({f_mss, f_len, f_off}),
    .m_valid (f_valid),
    .m_ready (f_pop),
    .count   (fmeta_count)
  );

  // ------------------------------------------------------------------------- fill side
  // Pointers carry a wrap bit. Beats before commit_q are whole jobs; a job's beats go back on
  // a read error. free_q: the first beat the drain may still read.
  logic [PtrW-1:0] wr_ptr_q, commit_q, free_q;
  logic            wr, ready_q, sum_room;
  logic [$clog2(SumDepth):0] sum_count;

  assign wr            = s_data_tvalid && s_data_tready;
  assign s_data_tready = ready_q && f_valid;
  assign f_pop         = wr && s_data_tlast;
  // Ready is a register with margin (one beat a cycle, the sum pipeline's entries in flight).
  assign sum_room      = 32'(sum_count) <= SumDepth - 8;
  always_ff @(posedge clk) begin
    if (!rst_n) ready_q <= 1'b0;
    else ready_q <= ((wr_ptr_q - free_q) < PtrW'(BufferBeats - 3)) && sum_room;
  end

  // Segment ends within the beat, in job positions (payload byte 0 at position f_off): the
  // next end nb, the one after, and the job's end e. Three pieces of the beat: up to the
  // first end, up to the second, the rest.
  logic        fresh_q;   // the next beat is its job's first
  logic [17:0] nb_q, pb_q, nb, pb, pend, e, c1, c2, c2n;
  logic        done1, done2, done3;
  logic [LaneW:0] l1, l2;
  always_comb begin
    nb    = fresh_q ? 18'(f_off) + 18'(f_mss) : nb_q;
    pb    = fresh_q ? 18'd0 : pb_q;
    pend  = pb + 18'(Bytes);
    e     = 18'(f_off) + 18'(f_len);
    c2n   = nb + 18'(f_mss);
    c1    = (nb < e) ? nb : e;
    c2    = (c2n < e) ? c2n : e;
    done1 = c1 <= pend;
    done2 = done1 && c1 != e && c2 <= pend;
    done3 = done2 && c2 != e && e <= pend;
    l1    = done1 ? (LaneW+1)'(c1 - pb) : (LaneW+1)'(Bytes);
    l2    = done2 ? (LaneW+1)'(c2 - pb) : (LaneW+1)'(Bytes);
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      wr_ptr_q <= '0;
      commit_q <= '0;
      fresh_q  <= 1'b1;
    end else if (wr) begin
      fresh_q <= s_data_tlast;
      nb_q    <= done2 ? c2n + 18'(f_mss) : done1 ? c2n : nb;
      pb_q    <= pend;
      if (s_data_tlast && s_data_tuser) begin
        wr_ptr_q <= commit_q;
      end else begin
        wr_ptr_q <= wr_ptr_q + 1'b1;
        if (s_data_tlast) commit_q <= wr_ptr_q + 1'b1;
      end
    end
  end

  // The job is stored (or dropped): its first beat and the verdict, for the stepper.
  logic            done_err, done_valid, done_pop, done_ready;
  logic [PtrW-1:0] done_base;
  logic [$clog2(MetaDepth):0] done_count;
  // Each entry's job is still in u_meta (they pop together): never full.
  sync_fifo #(
    .Width  (1 + PtrW),
    .Depth  (MetaDepth),
    .OutReg (1)
  ) u_done (
    .clk     (clk),
    .rst_n   (rst_n),
    .s_data  ({s_data_tuser, commit_q}),
    .s_valid (f_pop),
    .s_ready (done_ready),
    .m_data  ({done_err, done_base}),
    .m_valid (done_valid),
    .m_ready (done_pop),
    .count   (done_count)
  );

  // Three masked beat sums over little-endian 16-bit words (the byte swap, where a segment
  // starts on an even byte, comes once per segment in the stepper; RFC 1071 2.B). Stage 0
  // registers the beat and where its pieces end (the compares above stay apart from the
  // masks), stage 1 adds pairs, stage 2 groups of eight words, stage 3 the rest.
  localparam int unsigned S1N = Words / 2;
  localparam int unsigned S2N = Words / 8;
  logic [DataWidth-1:0] f0_data_q;
  logic [LaneW:0]       f0_l1_q, f0_l2_q;
  always_ff @(posedge clk) begin
    if (wr) begin
      f0_data_q <= s_data_tdata;
      f0_l1_q   <= l1;
      f0_l2_q   <= l2;
    end
  end

  logic [DataWidth-1:0] m1, m2;
  logic [DataWidth-1:0] piece [3];
  always_comb begin
    m1 = ~({DataWidth{1'b1}} << {f0_l1_q, 3'b000});
    m2 = ~({DataWidth{1'b1}} << {f0_l2_q, 3'b000});
    piece[0] = f0_data_q & m1;
    piece[1] = f0_data_q & ~m1 & m2;
    piece[2] = f0_data_q & ~m2;
  end

  logic [S1N*17-1:0] s1_q [3];
  logic [S2N*19-1:0] s2_q [3];
  logic [23:0]       s3_q [3];
  // Per stage: valid, the three "a segment ends here", last beat.
  logic [4:0] f0_q, f1_q, f2_q, f3_q;

  always_ff @(posedge clk) begin
    for (int p = 0; p < 3; p++) begin
      if (f0_q[0]) begin
        for (int i = 0; i < S1N; i++)
          s1_q[p][i*17 +: 17] <= 17'(piece[p][(2*i)*16 +: 16]) +
                                 17'(piece[p][(2*i+1)*16 +: 16]);
      end
      if (f1_q[0]) begin
        for (int i = 0; i < S2N; i++)
          s2_q[p][i*19 +: 19] <= (19'(s1_q[p][(4*i)*17 +: 17]) + 19'(s1_q[p][(4*i+1)*17 +: 17])) +
                                 (19'(s1_q[p][(4*i+2)*17 +: 17]) + 19'(s1_q[p][(4*i+3)*17 +: 17]));
      end
      if (f2_q[0]) begin
        logic [23:0] t;
        t = '0;
        for (int i = 0; i < S2N; i++) t = t + 24'(s2_q[p][i*19 +: 19]);
        s3_q[p] <= t;
      end
    end
  end

  logic [31:0] acc_q, o0;
  logic        sum_push;
  assign o0       = acc_q + 32'(s3_q[0]);
  assign sum_push = f3_q[0] && f3_q[1];

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      f0_q  <= '0;
      f1_q  <= '0;
      f2_q  <= '0;
      f3_q  <= '0;
      acc_q <= '0;
    end else begin
      f0_q <= {s_data_tlast, done3, done2, done1, wr};
      f1_q <= f0_q;
      f2_q <= f1_q;
      f3_q <= f2_q;
      if (f3_q[0]) begin
        if (f3_q[4] || (f3_q[1] && f3_q[2] && f3_q[3])) acc_q <= '0;
        else if (f3_q[2])                             acc_q <= 32'(s3_q[2]);
        else if (f3_q[1])                             acc_q <= 32'(s3_q[1]);
        else                                          acc_q <= o0;
      end
    end
  end

  // One entry per beat in which segments end: their sums (1..3), and the job's last (a job
  // with a read error is known from u_done: its entries are taken and thrown away).
  logic        sum_jlast, sum_valid, sum_pop, sum_ready;
  logic [1:0]  sum_n;
  logic [31:0] sum_s [3];
  sync_fifo #(
    .Width  (1 + 2 + 3 * 32),
    .Depth  (SumDepth),
    .OutReg (1)
  ) u_sum (
    .clk     (clk),
    .rst_n   (rst_n),
    .s_data  ({f3_q[4], 2'(f3_q[1]) + 2'(f3_q[2]) + 2'(f3_q[3]),
               32'(s3_q[2]), 32'(s3_q[1]), o0}),
    .s_valid (sum_push),
    .s_ready (sum_ready),
    .m_data  ({sum_jlast, sum_n, sum_s[2], sum_s[1], sum_s[0]}),
    .m_valid (sum_valid),
    .m_ready (sum_pop),
    .count   (sum_count)
  );

  // ------------------------------------------------------------------------- buffer
  // Even beats in one RAM, odd beats in the other: beats q and q + 1 read in one cycle.
  logic [DataWidth-1:0] rd_even, rd_odd;
  logic                 g_issue;
  logic [PtrW-1:0]      g_q;
  logic [AddrW-2:0]     g_addr_even;

  sdp_ram #(
    .Width   (DataWidth),
    .Depth   (BufferBeats / 2),
    .Latency (2)
  ) u_buf_even (
    .clk   (clk),
    .we    (wr && !wr_ptr_q[0]),
    .waddr (wr_ptr_q[AddrW-1:1]),
    .wdata (s_data_tdata),
    .re    (g_issue),
    .raddr (g_addr_even),
    .rdata (rd_even)
  );

  sdp_ram #(
    .Width   (DataWidth),
    .Depth   (BufferBeats / 2),
    .Latency (2)
  ) u_buf_odd (
    .clk   (clk),
    .we    (wr && wr_ptr_q[0]),
    .waddr (wr_ptr_q[AddrW-1:1]),
    .wdata (s_data_tdata),
    .re    (g_issue),
    .raddr (g_q[AddrW-1:1]),
    .rdata (rd_odd)
  );

  // ------------------------------------------------------------------------- stepper
  // in: a stored job, its constant header words summed; cur: one segment a cycle;
  // a, b, c: the checksum; o: the segment's record and header, into two queues.
  logic        in_valid_q, in_drop_q, in_empty_q, in_take;
  tcp_job_t    in_job_q;
  logic [5:0]  in_hlen_q;
  logic [BAddrW-1:0] in_addr_q;
  logic [20:0] in_osum_q, in_hsum_q;

  logic        cur_valid_q, cur_drop_q, cur_empty_q, cur_first_q, cur_free, load;
  tcp_job_t    cur_job_q;
  logic [5:0]  cur_hlen_q;
  logic [21:0] cur_const_q;
  logic [15:0] cur_rem_q, cur_seg, cur_id_q;
  logic [31:0] cur_seq_q, cur_sum;
  logic [BAddrW-1:0] cur_addr_q;
  logic        cur_last, step, drop_pop;
  logic [1:0]  sum_idx_q;
  logic [7:0]  cur_flags;

  logic        en, o_valid_q, seg_ready, hdr_ready;

  assign in_take  = meta_valid && (meta_empty || done_valid) && (!in_valid_q || load);
  assign meta_pop = in_take;
  assign done_pop = in_take && !meta_empty;
  assign job_done    = in_take;
  assign job_dropped = in_take && !meta_empty && done_err;

  logic [20:0] osum;
  logic [319:0] opts_masked;
  always_comb begin
    opts_masked = meta_job.opts & ~({320{1'b1}} << {meta_job.opt_len, 3'b000});
    osum = '0;
    for (int i = 0; i < 20; i++)
      osum = osum + 21'({opts_masked[16*i +: 8], opts_masked[16*i+8 +: 8]});
  end

  always_ff @(posedge clk) begin
    if (!rst_n) in_valid_q <= 1'b0;
    else if (!in_valid_q || load) in_valid_q <= in_take;
  end

  always_ff @(posedge clk) begin
    if (in_take) begin
      in_job_q      <= meta_job;
      in_job_q.opts <= opts_masked;
      in_hlen_q     <= 6'(TcpHlen) + meta_job.opt_len;
      in_drop_q     <= !meta_empty && done_err;
      in_empty_q    <= meta_empty;
      // Byte address of output byte 0 of segment 0: the payload's first byte, less the header.
      in_addr_q     <= {done_base, LaneW'(0)} + BAddrW'(meta_off) -
                       (BAddrW'(TcpHlen) + BAddrW'(meta_job.opt_len));
      in_osum_q     <= osum;
      // Pseudo-header (but its length) and the header words common to every segment.
      in_hsum_q     <= 21'(meta_job.job.saddr[31:16]) + 21'(meta_job.job.saddr[15:0]) +
                       21'(meta_job.job.daddr[31:16]) + 21'(meta_job.job.daddr[15:0]) +
                       21'(IpprotoTcp) + 21'(meta_job.job.sport) + 21'(meta_job.job.dport) +
                       21'(meta_job.ack[31:16]) + 21'(meta_job.ack[15:0]) +
                       21'(meta_job.window);
    end
  end

  assign cur_last  = cur_rem_q <= cur_job_q.mss;
  assign cur_seg   = cur_last ? cur_rem_q : cur_job_q.mss;
  assign cur_sum   = cur_empty_q ? 32'd0 : sum_s[sum_idx_q];
  assign step      = cur_valid_q && !cur_drop_q && en && (cur_empty_q || sum_valid);
  assign drop_pop  = cur_valid_q && cur_drop_q && sum_valid;
  assign cur_free  = !cur_valid_q || (step && cur_last) || (drop_pop && sum_jlast);
  assign load      = in_valid_q && cur_free;
  assign sum_pop   = drop_pop || (step && !cur_empty_q && sum_idx_q == sum_n - 2'd1);
  always_comb begin
    cur_flags = cur_job_q.tcp_flags;
    if (!cur_last)    cur_flags = cur_flags & ~(TcphdrPsh | TcphdrFin);
    if (!cur_first_q) cur_flags = cur_flags & ~TcphdrCwr;
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      cur_valid_q <= 1'b0;
      sum_idx_q   <= '0;
    end else begin
      if (cur_free) cur_valid_q <= in_valid_q;
      if (sum_pop) sum_idx_q <= '0;
      else if (step && !cur_empty_q) sum_idx_q <= sum_idx_q + 1'b1;
    end
  end

  always_ff @(posedge clk) begin
    if (load) begin
      cur_job_q   <= in_job_q;
      cur_hlen_q  <= in_hlen_q;
      cur_drop_q  <= in_drop_q;
      cur_empty_q <= in_empty_q;
      cur_first_q <= 1'b1;
      cur_const_q <= 22'(in_osum_q) + 22'(in_hsum_q);
      cur_rem_q   <= in_job_q.job.len;
      cur_seq_q   <= in_job_q.seq;
      cur_id_q    <= in_job_q.job.ip_id;
      cur_addr_q  <= in_addr_q;
    end else if (step) begin
      cur_first_q <= 1'b0;
      cur_rem_q   <= cur_rem_q - cur_job_q.mss;
      cur_seq_q   <= cur_seq_q + 32'(cur_job_q.mss);
      cur_id_q    <= cur_id_q + 16'd1;
      cur_addr_q  <= cur_addr_q + BAddrW'(cur_job_q.mss);
    end
  end

  // Stage a: one segment's fields.
  logic        a_valid_q, b_valid_q, c_valid_q;
  tcp_job_t    a_job_q, b_job_q, c_job_q;
  logic [5:0]  a_hlen_q, b_hlen_q, c_hlen_q;
  logic [7:0]  a_flags_q, b_flags_q, c_flags_q;
  logic [15:0] a_l4len_q, b_l4len_q, c_l4len_q, a_id_q, b_id_q, c_id_q;
  logic [31:0] a_seq_q, b_seq_q, c_seq_q, a_psum_q;
  logic [21:0] a_const_q;
  logic        a_swap_q, a_buf_q, b_buf_q, c_buf_q;
  logic [BAddrW-1:0] a_addr_q, b_addr_q, c_addr_q;
  logic [15:0] b_p16_q;
  logic [22:0] b_hsum_q;
  logic [16:0] c_sum_q;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      a_valid_q <= 1'b0;
      b_valid_q <= 1'b0;
      c_valid_q <= 1'b0;
      o_valid_q <= 1'b0;
    end else if (en) begin
      a_valid_q <= step;
      b_valid_q <= a_valid_q;
      c_valid_q <= b_valid_q;
      o_valid_q <= c_valid_q;
    end
  end

  logic [16:0] p_half;
  logic [15:0] p16;
  logic [23:0] total;
  logic [15:0] c_fold, csum;
  always_comb begin
    p_half = 17'(a_psum_q[31:16]) + 17'(a_psum_q[15:0]);
    p16    = p_half[15:0] + 16'(p_half[16]);
    total  = 24'(b_p16_q) + 24'(b_hsum_q);
    // c_sum_q <= 0x100FE: with its carry set the low half is small, so this add cannot carry.
    c_fold = c_sum_q[15:0] + 16'(c_sum_q[16]);
    csum   = ~c_fold;
  end

  always_ff @(posedge clk) begin
    if (en) begin
      if (step) begin
        a_job_q   <= cur_job_q;
        // The descriptor's last frame is its last segment (ip_tx's desc_last).
        a_job_q.job.more <= !cur_last;
        a_hlen_q  <= cur_hlen_q;
        a_flags_q <= cur_flags;
        a_l4len_q <= 16'(cur_hlen_q) + cur_seg;
        a_id_q    <= cur_id_q;
        a_seq_q   <= cur_seq_q;
        a_psum_q  <= cur_sum;
        a_const_q <= cur_const_q;
        // Buffer sums pair bytes from even addresses, low byte first; a segment starting on
        // an even byte (the header length is even) wants them the other way round.
        a_swap_q  <= !cur_addr_q[0];
        a_buf_q   <= !cur_empty_q;
        a_addr_q  <= cur_addr_q;
      end
      b_job_q   <= a_job_q;
      b_hlen_q  <= a_hlen_q;
      b_flags_q <= a_flags_q;
      b_l4len_q <= a_l4len_q;
      b_id_q    <= a_id_q;
      b_seq_q   <= a_seq_q;
      b_buf_q   <= a_buf_q;
      b_addr_q  <= a_addr_q;
      b_p16_q   <= a_swap_q ? {p16[7:0], p16[15:8]} : p16;
      b_hsum_q  <= (23'(a_const_q) + 23'(a_l4len_q)) +
                   (23'(a_seq_q[31:16]) + 23'(a_seq_q[15:0])) +
                   23'({a_hlen_q[5:2], 4'b0000, a_flags_q});
      c_job_q   <= b_job_q;
      c_hlen_q  <= b_hlen_q;
      c_flags_q <= b_flags_q;
      c_l4len_q <= b_l4len_q;
      c_id_q    <= b_id_q;
      c_seq_q   <= b_seq_q;
      c_buf_q   <= b_buf_q;
      c_addr_q  <= b_addr_q;
      c_sum_q   <= 17'(total[15:0]) + 17'(total[23:16]);
    end
  end

  // Segment record. ip_tx treats a dgram_t without udp as a raw L4 datagram: no L4 header of
  // its own (has_l4hdr = udp && first fragment), len L4 bytes on its stream; off is the lane
  // of the datagram's first stream byte (ip_tx adds it to each fragment's start), 0 here.
  // With frag = 0 it is one IPv4 packet (DF as the job says) with protocol 6.
  typedef struct packed {
    logic [BAddrW-1:0] addr;     // byte address of output byte 0 (may precede the payload)
    logic [7:0]        nb_m1;    // beats of the segment - 1
    logic [LaneW:0]    last_n;   // bytes in its last beat, 1..Bytes
    logic [5:0]        hlen;
    logic              use_buf;  // not an empty job: moves the free pointer
    logic [HdrW-1:0]   hdr;      // TCP header and options, wire order, zero past hlen
  } seg_t;

  seg_t   o_seg_q, g_seg;
  dgram_t o_dg_q;
  logic   g_valid, g_pop;
  logic [$clog2(16):0] seg_count, hdr_count;
  logic [15:0] l4m1;
  assign l4m1 = c_l4len_q - 16'd1;

  always_ff @(posedge clk) begin
    if (en && c_valid_q) begin
      o_seg_q.addr    <= c_addr_q;
      o_seg_q.nb_m1   <= 8'(l4m1 >> LaneW);
      o_seg_q.last_n  <= (LaneW+1)'(l4m1[LaneW-1:0]) + 1'b1;
      o_seg_q.hlen    <= c_hlen_q;
      o_seg_q.use_buf <= c_buf_q;
      o_seg_q.hdr     <= {c_job_q.opts, 16'h0000, be16(csum), be16(c_job_q.window), c_flags_q,
                          c_hlen_q[5:2], 4'b0000, be32(c_job_q.ack), be32(c_seq_q),
                          be16(c_job_q.job.dport), be16(c_job_q.job.sport)};
      o_dg_q.job       <= c_job_q.job;
      o_dg_q.job.len   <= c_l4len_q;
      o_dg_q.job.udp   <= 1'b0;
      o_dg_q.job.eth   <= 1'b0;
      o_dg_q.job.frag  <= 1'b0;
      o_dg_q.job.ip_id <= c_id_q;
      o_dg_q.job.proto <= IpprotoTcp;
      o_dg_q.off       <= '0;
      o_dg_q.l4hdr     <= '0;
    end
  end

  assign en = !o_valid_q || (seg_ready && hdr_ready);

  sync_fifo #(
    .Width  ($bits(seg_t)),
    .Depth  (16),
    .OutReg (1)
  ) u_seg (
    .clk     (clk),
    .rst_n   (rst_n),
    .s_data  (o_seg_q),
    .s_valid (o_valid_q && hdr_ready),
    .s_ready (seg_ready),
    .m_data  (g_seg),
    .m_valid (g_valid),
    .m_ready (g_pop),
    .count   (seg_count)
  );

  sync_fifo #(
    .Width  ($bits(dgram_t)),
    .Depth  (16),
    .OutReg (1)
  ) u_hdr (
    .clk     (clk),
    .rst_n   (rst_n),
    .s_data  (o_dg_q),
    .s_valid (o_valid_q && seg_ready),
    .s_ready (hdr_ready),
    .m_data  (m_hdr),
    .m_valid (m_hdr_valid),
    .m_ready (m_hdr_ready),
    .count   (hdr_count)
  );

  // ------------------------------------------------------------------------- beats out
  // Beat j of a segment: bytes [addr + j * Bytes, + Bytes) of the ring, a rotation of beats
  // q and q + 1; beat 0 takes the header in its first hlen lanes. A read past the payload
  // (or before it, under the header) gets bytes that are masked off.
  typedef struct packed {
    logic            odd;     // beat q is odd: it comes from the odd RAM
    logic [LaneW-1:0] rot;
    logic            first;
    logic [5:0]      hlen;
    logic [HdrW-1:0] hdr;
    logic [LaneW:0]  n;       // bytes kept
    logic            last;
  } gbeat_t;

  logic [7:0]  g_j_q;
  logic [3:0]  credit_q;   // output FIFO slots not claimed by a beat in flight
  logic        g_last, out_pop, out_ready;
  gbeat_t      g_b, g1_q, g2_q, g3_q;
  logic        gv1_q, gv2_q, gv3_q;
  logic [DataWidth-1:0] g3_data_q;
  logic [$clog2(OutDepth):0] out_count;

  assign g_q         = g_seg.addr[BAddrW-1:LaneW] + PtrW'(g_j_q);
  assign g_addr_even = g_q[AddrW-1:1] + (AddrW-1)'(g_q[0]);
  assign g_last      = g_j_q == g_seg.nb_m1;
  assign g_issue     = g_valid && credit_q != 4'd0;
  assign g_pop       = g_issue && g_last;
  assign out_pop     = m_data_tvalid && m_data_tready;

  always_comb begin
    g_b.odd   = g_q[0];
    g_b.rot   = g_seg.addr[LaneW-1:0];
    g_b.first = g_j_q == 8'd0;
    g_b.hlen  = g_seg.hlen;
    g_b.hdr   = g_seg.hdr;
    g_b.n     = g_last ? g_seg.last_n : (LaneW+1)'(Bytes);
    g_b.last  = g_last;
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      g_j_q    <= '0;
      credit_q <= 4'(OutDepth);
      free_q   <= '0;
      gv1_q    <= 1'b0;
      gv2_q    <= 1'b0;
      gv3_q    <= 1'b0;
    end else begin
      if (g_issue) g_j_q <= g_last ? 8'd0 : g_j_q + 8'd1;
      // Beats before a segment's first are not read again.
      if (g_issue && g_j_q == 8'd0 && g_seg.use_buf) free_q <= g_q;
      if (g_issue && !out_pop)      credit_q <= credit_q - 4'd1;
      else if (out_pop && !g_issue) credit_q <= credit_q + 4'd1;
      gv1_q <= g_issue;
      gv2_q <= gv1_q;
      gv3_q <= gv2_q;
    end
  end

  always_ff @(posedge clk) begin
    if (g_issue) g1_q <= g_b;
    g2_q <= g1_q;
    if (gv2_q) begin
      g3_q      <= g2_q;
      g3_data_q <= DataWidth'({g2_q.odd ? rd_even : rd_odd, g2_q.odd ? rd_odd : rd_even} >>
                              {g2_q.rot, 3'b000});
    end
  end

  logic [DataWidth-1:0] hmask, kmask, o_data;
  logic [Bytes-1:0]     o_keep;
  always_comb begin
    hmask  = g3_q.first ? ~({DataWidth{1'b1}} << {g3_q.hlen, 3'b000}) : '0;
    kmask  = ~({DataWidth{1'b1}} << {g3_q.n, 3'b000});
    o_data = ((g3_data_q & ~hmask) | (hmask & DataWidth'(g3_q.hdr))) & kmask;
    o_keep = ~({Bytes{1'b1}} << g3_q.n);
  end

  // Registered outputs: m_data_* leave from flip-flops, as the next module expects.
  sync_fifo #(
    .Width  (DataWidth + Bytes + 1),
    .Depth  (OutDepth),
    .OutReg (1)
  ) u_out (
    .clk     (clk),
    .rst_n   (rst_n),
    .s_data  ({g3_q.last, o_keep, o_data}),
    .s_valid (gv3_q),
    .s_ready (out_ready),
    .m_data  ({m_data_tlast, m_data_tkeep, m_data_tdata}),
    .m_valid (m_data_tvalid),
    .m_ready (m_data_tready),
    .count   (out_count)
  );

  // FIFO status not needed here (space is reserved ahead, or not watched), nor input tkeep
  // (lengths say where bytes are; bytes past them are zero), nor fields ip_tx ignores.
  logic unused;
  assign unused = ^{meta_count, fmeta_count, done_count, done_ready, sum_ready, seg_count,
                    hdr_count, out_ready, out_count, s_data_tkeep, c_job_q.mss, c_job_q.seq,
                    c_job_q.tcp_flags, c_job_q.opt_len, g3_q.odd, g3_q.rot};

`ifndef SYNTHESIS
  // AXI4-Stream: a beat offered on m_data stays offered, unchanged, until taken.
  assert property (@(posedge clk) disable iff (!rst_n)
                   m_data_tvalid && !m_data_tready |=>
                   m_data_tvalid && $stable({m_data_tdata, m_data_tkeep, m_data_tlast}))
    else $error("m_data: beat changed before tready");
`endif
endmodule
