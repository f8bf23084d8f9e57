// SPDX-License-Identifier: MIT
// Payload read: for each job, reads its payload with AXI4 INCR bursts (split at 4 KiB
// boundaries) and streams it out beat by beat, bytes outside the payload zeroed. The job
// itself leaves on the header channel when its reads are issued; zero-length jobs read
// nothing. Each burst has an ID of its own and space in a reorder buffer, so the memory may
// answer bursts out of order; the stream still carries them in job order. A job any of whose
// beats came back with an error response has tuser set on its last beat.
module payload_read
  import sendoff_pkg::*;
#(
  parameter int unsigned DataWidth      = 512,  // AXI4 read data and stream bits
  parameter int unsigned MaxBurstBeats  = 64,   // longest read burst
  parameter int unsigned MaxOutstanding = 256,  // reorder buffer beats: a power of two >= 3 bursts
  parameter int unsigned IdWidth        = 7     // ARID bits: 2**IdWidth bursts in flight
) (
  input  logic                   clk,
  input  logic                   rst_n,

  // ---- jobs in
  input  logic [63:0]            s_job_addr,
  input  tx_job_t                s_job,
  input  logic                   s_job_valid,
  output logic                   s_job_ready,

  // ---- AXI4 read master (payload)
  output logic [IdWidth-1:0]     m_axi_arid,
  output logic [63:0]            m_axi_araddr,
  output logic [7:0]             m_axi_arlen,
  output logic [2:0]             m_axi_arsize,
  output logic [1:0]             m_axi_arburst,
  output logic [3:0]             m_axi_arcache,
  output logic [2:0]             m_axi_arprot,
  output logic                   m_axi_arvalid,
  input  logic                   m_axi_arready,
  input  logic [IdWidth-1:0]     m_axi_rid,
  input  logic [DataWidth-1:0]   m_axi_rdata,
  input  logic [1:0]             m_axi_rresp,
  input  logic                   m_axi_rlast,
  input  logic                   m_axi_rvalid,
  output logic                   m_axi_rready,

  // ---- header channel: the job and the lane of its first payload byte
  output tx_job_t                m_hdr_job,
  output lane_t                  m_hdr_off,
  output logic                   m_hdr_valid,
  input  logic                   m_hdr_ready,

  // ---- payload stream, tlast on each job's last beat; tuser with tlast: a read error
  output logic [DataWidth-1:0]   m_data_tdata,
  output logic [DataWidth/8-1:0] m_data_tkeep,
  output logic                   m_data_tlast,
  output logic                   m_data_tuser,
  output logic                   m_data_tvalid,
  input  logic                   m_data_tready
);

  localparam int unsigned Bytes  = DataWidth / 8;
  localparam int unsigned LaneW  = $clog2(Bytes);
  localparam int unsigned BeatW  = 11;                     // beats of one job, <= 1025
  localparam int unsigned BurstW = $clog2(MaxBurstBeats) + 1;
  localparam int unsigned OutW   = $clog2(MaxOutstanding) + 1;
  localparam int unsigned PtrW   = $clog2(MaxOutstanding);
  localparam int unsigned Tags   = 1 << IdWidth;
  localparam int unsigned OutDepth = 8;                    // output FIFO, beats

  if (DataWidth != 512 && DataWidth != 1024) begin : gen_bad_width
    $error("payload_read: DataWidth must be 512 or 1024");
  end
  if (MaxBurstBeats < 1 || MaxBurstBeats > 256 || MaxBurstBeats * Bytes > 4096)
  begin : gen_bad_burst
    $error("payload_read: MaxBurstBeats must be in [1, 256] and span <= 4 KiB");
  end
  if (MaxOutstanding < 3 * MaxBurstBeats || (MaxOutstanding & (MaxOutstanding - 1)) != 0)
  begin : gen_bad_outstanding
    $error("payload_read: MaxOutstanding must be a power of two >= 3 * MaxBurstBeats");
  end
  if (IdWidth < 1 || IdWidth > 8) begin : gen_bad_id
    $error("payload_read: IdWidth must be in [1, 8]");
  end

  // ------------------------------------------------------------------------- read requests
  logic [63:0]       cur_addr_q;
  logic [BeatW-1:0]  beats_left_q;
  logic              cur_first_q;        // next burst is the job's first
  lane_t             cur_off_q;
  logic [LaneW:0]    cur_last_cnt_q;     // bytes of the job's last beat, 1..Bytes
  logic              ar_valid_q;
  logic [63:0]       ar_addr_q;
  logic [7:0]        ar_len_q;
  logic [OutW-1:0]   outstanding_q;  // buffer beats reserved by bursts and not read out
  logic [IdWidth-1:0] ar_tag_next;
  logic [PtrW-1:0]   alloc_q, alloc_now; // buffer beat of the next burst's first
  logic [IdWidth:0]  inflight_q;     // tags issued and not retired
  logic              rd_issue, rd_v_q;
  logic [PtrW-1:0]   rd_ptr_q;
  logic [DataWidth-1:0] buf_rdata;
  logic [$clog2(OutDepth):0] out_count;
  logic [IdWidth-1:0] rt_q, rt_p1_q; // the oldest burst's tag (the head), and the next
  logic              retire;         // the head's last beat is read out

  logic [BeatW-1:0]  burst;
  logic [BeatW-1:0]  to_4k_q;       // beats from cur_addr_q to the next 4 KiB boundary
  logic [BeatW-1:0]  lim_q;         // min(MaxBurstBeats, to_4k_q): a burst's size unless last
  logic              credit_ok_q;   // room for three more bursts of any size in flight
  logic [OutW-1:0]   issued_q;      // beats of the burst issued last cycle
  logic              ar_free, issue, last_burst, take;
  logic              hdr_ready, trk_ready;

  typedef struct packed {
    logic [BurstW-1:0] beats_m1;   // beats - 1: the read side compares, never subtracts
    logic              first;      // the burst starts a job
    logic              last;       // the burst ends a job
    lane_t             off;
    logic [LaneW:0]    last_cnt;
  } burst_t;
  burst_t               trk_in;
  // Tag tables are arrays written at one index a cycle (not loops over every tag): one
  // statement for the simulator, a decoder for synthesis.
  logic [$bits(burst_t)-1:0] info_q [Tags];   // each tag's burst, written at issue

  // Burst sizes come from registers: lim_q is the size of the next burst unless the job's
  // remaining beats are fewer. After a burst of lim_q beats the job goes on from a 4 KiB
  // boundary or MaxBurstBeats further, and the next limit is worked out from registers
  // alone, so a burst can issue every cycle with no adder in front of the compares.
  // "The job's remaining beats fit this burst" (its last) is a register too, so that the job
  // handshake (s_job_ready, and behind it the head load of the FIFO in front) starts at
  // flip-flops: set from the job as it is taken, and worked out again from beats_left_q and
  // lim_q in the cycle after a burst that left beats to read, a cycle in which nothing issues
  // (a job's first burst still issues the cycle after it is taken).
  logic             fits_q;     // the job's remaining beats fit this burst: its last
  logic             fits_v_q;   // fits_q is up to date
  logic             busy_q;     // beats_left_q != 0
  logic [BeatW-1:0] to_4k_next, lim_next;
  assign burst      = fits_q ? beats_left_q : lim_q;
  assign to_4k_next = (lim_q == to_4k_q) ? BeatW'(4096 / Bytes) : to_4k_q - lim_q;
  assign lim_next   = (to_4k_next < BeatW'(MaxBurstBeats)) ? to_4k_next : BeatW'(MaxBurstBeats);

  assign ar_free    = !ar_valid_q || m_axi_arready;
  assign issue      = busy_q && fits_v_q && ar_free && trk_ready && credit_ok_q;
  assign last_burst = issue && fits_q;
  assign take       = s_job_valid && s_job_ready;
  assign s_job_ready = hdr_ready && (!busy_q || last_burst);

  // Job geometry: payload lanes [off, off + len) of beats [0, beats).
  lane_t            job_off;
  logic [16:0]      job_end;
  logic [BeatW-1:0] job_beats;
  assign job_off   = lane_t'(s_job_addr[LaneW-1:0]);
  assign job_end   = 17'(job_off) + 17'(s_job.len);
  assign job_beats = (s_job.len == 0) ? '0 : BeatW'((job_end + 17'(Bytes - 1)) >> LaneW);
  logic [BeatW-1:0] job_to_4k;
  assign job_to_4k = BeatW'((13'h1000 - {1'b0, s_job_addr[11:LaneW], {LaneW{1'b0}}}) >> LaneW);
  // The job fits its first burst when it ends in its 4 KiB page and within MaxBurstBeats
  // beats. Equalities after the adder, not a magnitude compare: no second carry chain.
  localparam int unsigned BurstBytes = MaxBurstBeats * Bytes;
  logic [16:0] job_page_end;   // page offset of the job's end
  logic        job_fits;
  assign job_page_end = 17'(s_job_addr[11:0]) + 17'(s_job.len);
  assign job_fits = ((job_page_end >> 12) == 0 || job_page_end == 17'h1000) &&
                    (BurstBytes == 4096 || job_end <= 17'(BurstBytes));

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      beats_left_q  <= '0;
      busy_q        <= 1'b0;
      fits_q        <= 1'b0;
      fits_v_q      <= 1'b0;
      ar_valid_q    <= 1'b0;
      outstanding_q <= '0;
      issued_q      <= '0;
      credit_ok_q   <= 1'b0;
    end else begin
      if (take) begin
        beats_left_q <= job_beats;
        busy_q       <= s_job.len != 0;
        fits_q       <= job_fits;
        fits_v_q     <= 1'b1;
      end else if (issue) begin
        beats_left_q <= fits_q ? '0 : beats_left_q - lim_q; // else the burst was lim_q beats
        busy_q       <= !fits_q;
        fits_v_q     <= 1'b0;
      end else begin
        fits_q       <= beats_left_q <= lim_q;
        fits_v_q     <= 1'b1;
      end
      if (issue)        ar_valid_q <= 1'b1;
      else if (ar_free) ar_valid_q <= 1'b0;
      // Counted a cycle after the issue (issued_q), and checked with a margin of the bursts
      // not in the count yet: the one issued last cycle, this cycle's and the next.
      issued_q      <= issue ? OutW'(burst) : '0;
      outstanding_q <= outstanding_q + issued_q - (rd_issue ? OutW'(1) : '0);
      credit_ok_q   <= 32'(outstanding_q) + 3 * MaxBurstBeats <= MaxOutstanding;
    end
  end

  always_ff @(posedge clk) begin
    if (take) begin
      cur_addr_q     <= {s_job_addr[63:LaneW], {LaneW{1'b0}}};
      cur_first_q    <= 1'b1;
      cur_off_q      <= job_off;
      cur_last_cnt_q <= (LaneW+1)'(((job_end - 17'd1) & 17'(Bytes - 1)) + 17'd1);
      to_4k_q        <= job_to_4k;
      lim_q          <= (job_to_4k < BeatW'(MaxBurstBeats)) ? job_to_4k : BeatW'(MaxBurstBeats);
    end else if (issue) begin
      cur_addr_q     <= cur_addr_q + (64'(lim_q) << LaneW);
      cur_first_q    <= 1'b0;
      to_4k_q        <= to_4k_next;
      lim_q          <= lim_next;
    end
    if (issue) begin
      ar_addr_q <= cur_addr_q;
      ar_len_q  <= 8'(burst - 1'b1);
    end
    if (iw_v_q) info_q[iw_tag_q] <= trk_in;
  end

  // A burst's tag entries (its info and buffer pointer) are written the cycle after its
  // issue, from registers: its first R beat reaches the pointer table two cycles later at
  // the earliest (AR handshake, then R), and the read side looks at it later still.
  logic              iw_v_q, iw_first_q, iw_last_q;
  logic [IdWidth-1:0] iw_tag_q;
  logic [PtrW-1:0]   iw_ptr_q;
  logic [BeatW-1:0]  iw_burst_q;
  lane_t             iw_off_q;
  logic [LaneW:0]    iw_last_cnt_q;
  assign alloc_now = alloc_q + (iw_v_q ? PtrW'(iw_burst_q) : '0);
  always_ff @(posedge clk) begin
    if (!rst_n) iw_v_q <= 1'b0;
    else        iw_v_q <= issue;
    if (issue) begin
      iw_tag_q      <= ar_tag_next;
      iw_ptr_q      <= alloc_now;
      iw_burst_q    <= burst;
      iw_first_q    <= cur_first_q;
      iw_last_q     <= fits_q;
      iw_off_q      <= cur_off_q;
      iw_last_cnt_q <= cur_last_cnt_q;
    end
  end

  // Tags are handed out and retired in order; the buffer's space likewise. The free-tag
  // check is a register with a margin of the one tag the next cycle may take.
  always_ff @(posedge clk) begin
    if (!rst_n) begin
      ar_tag_next <= '0;
      alloc_q     <= '0;
      inflight_q  <= '0;
      trk_ready   <= 1'b0;
    end else begin
      trk_ready <= inflight_q <= (IdWidth+1)'(Tags - 2);
      if (issue) ar_tag_next <= ar_tag_next + 1'b1;
      alloc_q <= alloc_now;
      inflight_q <= inflight_q + (IdWidth+1)'(issue) - (IdWidth+1)'(retire);
    end
  end

  assign trk_in.beats_m1 = BurstW'(iw_burst_q - 1'b1);
  assign trk_in.first    = iw_first_q;
  assign trk_in.last     = iw_last_q;
  assign trk_in.off      = iw_off_q;
  assign trk_in.last_cnt = iw_last_cnt_q;

  logic [$clog2(2):0] hdr_count;
  sync_fifo #(
    .Width($bits(tx_job_t) + $bits(lane_t)),
    .Depth(2)
  ) u_hdr (
    .clk     (clk),
    .rst_n   (rst_n),
    .s_data  ({s_job, job_off}),
    .s_valid (take),
    .s_ready (hdr_ready),
    .m_data  ({m_hdr_job, m_hdr_off}),
    .m_valid (m_hdr_valid),
    .m_ready (m_hdr_ready),
    .count   (hdr_count)
  );

  assign m_axi_arid    = iw_tag_q;   // the tag of the burst on AR, held with it
  assign m_axi_araddr  = ar_addr_q;
  assign m_axi_arlen   = ar_len_q;
  assign m_axi_arsize  = 3'(LaneW);
  assign m_axi_arburst = 2'b01;
  assign m_axi_arcache = 4'b0011;
  assign m_axi_arprot  = 3'b000;
  assign m_axi_arvalid = ar_valid_q;

  // ------------------------------------------------------------------------- reorder buffer
  // Each burst is given the next tag as its ARID and the next beats of the buffer, so the
  // memory may answer bursts of different IDs in any order (AXI4 keeps order only within an
  // ID): a slow burst no longer holds the faster ones behind it. R beats are written where
  // their burst's space is, as they come (RREADY is always high: the space was reserved at
  // issue); bursts leave the buffer in issue order once all their beats are in.
  //
  // R beats take three stages: S1 the inputs, reading the tag's write pointer; S2 choosing
  // it or, for a beat following one of the same tag, the pointer after that beat (S1's
  // table read cannot see the write of the beat just ahead), and writing the buffer; S3
  // marking the tag's burst done on its last beat, once the beat is in the buffer.
  logic [PtrW-1:0]      wptr_q [Tags];    // next buffer beat of each tag
  logic [Tags-1:0]      done_q, err_q;    // tag's beats all in; one had an error response
  logic [PtrW-1:0]      rd_tab;
  assign rd_tab = wptr_q[m_axi_rid];

  logic                 s2_v_q, s2_same_q, s2_last_q, s2_err_q;
  logic [IdWidth-1:0]   s2_rid_q;
  logic [PtrW-1:0]      s2_ptr_q;
  logic [DataWidth-1:0] s2_data_q;
  logic                 s3_v_q, s3_last_q, s3_err_q;
  logic [IdWidth-1:0]   s3_rid_q;
  logic [PtrW-1:0]      s3_ptr_p1_q, s2_ptr, s2_ptr_p1;

  assign s2_ptr    = s2_same_q ? s3_ptr_p1_q : s2_ptr_q;
  assign s2_ptr_p1 = s2_ptr + 1'b1;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      s2_v_q <= 1'b0;
      s3_v_q <= 1'b0;
    end else begin
      s2_v_q <= m_axi_rvalid;
      s3_v_q <= s2_v_q;
    end
    s2_same_q   <= s2_v_q && (m_axi_rid == s2_rid_q);
    s2_rid_q    <= m_axi_rid;
    s2_ptr_q    <= rd_tab;
    s2_last_q   <= m_axi_rlast;
    s2_err_q    <= m_axi_rresp[1];   // SLVERR or DECERR
    s2_data_q   <= m_axi_rdata;
    s3_rid_q    <= s2_rid_q;
    s3_ptr_p1_q <= s2_ptr_p1;
    s3_last_q   <= s2_last_q;
    s3_err_q    <= s2_err_q;
  end

  // Tag state: the pointer set when the tag's burst is issued and moved by its beats (a tag
  // being issued has no beats on their way, so the two never meet); done and error set by
  // the beats, cleared when the burst leaves.
  // One-hot tags for the done and error bits: decoders, as whole-vector operations.
  logic [Tags-1:0] s3_tag, rt_tag;
  assign s3_tag = s3_v_q ? (Tags'(1) << s3_rid_q) : '0;
  assign rt_tag = retire ? (Tags'(1) << rt_q) : '0;
  always_ff @(posedge clk) begin
    if (iw_v_q) wptr_q[iw_tag_q] <= iw_ptr_q;
    if (s2_v_q) wptr_q[s2_rid_q] <= s2_ptr_p1;
    if (!rst_n) begin
      done_q <= '0;
      err_q  <= '0;
    end else begin
      done_q <= (done_q | (s3_last_q ? s3_tag : '0)) & ~rt_tag;
      err_q  <= (err_q | (s3_err_q ? s3_tag : '0)) & ~rt_tag;
    end
  end

  sdp_ram #(
    .Width   (DataWidth),
    .Depth   (MaxOutstanding),
    .Latency (1)
  ) u_buf (
    .clk   (clk),
    .we    (s2_v_q),
    .waddr (s2_ptr),
    .wdata (s2_data_q),
    .re    (rd_issue),
    .raddr (rd_ptr_q),
    .rdata (buf_rdata)
  );

  // ------------------------------------------------------------------------- read out
  // The head's state comes from registers loaded a cycle ahead: on the cycle its burst
  // leaves, the next tag's. A done bit seen a cycle late only delays the read.
  burst_t            head_q;
  logic              hd_q, he_q;         // the head's burst is done; had an error
  logic [BurstW-1:0] o_beat_q;           // beats of the head already read
  logic              job_err_q;          // an earlier burst of the head's job had an error
  logic              room_q;             // the output FIFO has room for the reads in flight
  logic              burst_end, r_first, r_last;
  logic [Bytes-1:0]  keep;

  assign rd_issue  = hd_q && room_q;
  assign burst_end = (o_beat_q == head_q.beats_m1);
  assign retire    = rd_issue && burst_end;
  assign r_first   = head_q.first && (o_beat_q == 0);
  assign r_last    = head_q.last && burst_end;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      rt_q      <= '0;
      rt_p1_q   <= IdWidth'(1);
      hd_q      <= 1'b0;
      he_q      <= 1'b0;
      o_beat_q  <= '0;
      rd_ptr_q  <= '0;
      job_err_q <= 1'b0;
      room_q    <= 1'b0;
      rd_v_q    <= 1'b0;
    end else begin
      if (retire) begin
        rt_q    <= rt_p1_q;
        rt_p1_q <= rt_p1_q + 1'b1;
        hd_q    <= done_q[rt_p1_q];
        he_q    <= err_q[rt_p1_q];
      end else begin
        hd_q    <= done_q[rt_q];
        he_q    <= err_q[rt_q];
      end
      if (rd_issue) begin
        o_beat_q  <= burst_end ? '0 : o_beat_q + 1'b1;
        rd_ptr_q  <= rd_ptr_q + 1'b1;
      end
      if (retire) job_err_q <= !head_q.last && (job_err_q || he_q);
      // A register from a register: out_count misses the beat arriving and the read issued
      // before it, and room_q is a cycle old, so up to three beats land beyond the count.
      room_q <= 32'(out_count) <= OutDepth - 5;
      rd_v_q <= rd_issue;
    end
    head_q <= burst_t'(retire ? info_q[rt_p1_q] : info_q[rt_q]);
  end

  // Lanes [lo, hi) of the beat, as shifts of all-ones: the same mask on keep and data,
  // worked out as the read is issued and applied to the buffer's data a cycle later.
  localparam logic [Bytes-1:0]     LanesAll = '1;
  localparam logic [DataWidth-1:0] BitsAll  = '1;
  logic [LaneW:0]       lo, hi;
  logic [DataWidth-1:0] mask_q;
  logic [Bytes-1:0]     keep_q;
  logic                 last_q, user_q;
  always_comb begin
    lo   = r_first ? (LaneW+1)'(head_q.off) : '0;
    hi   = r_last ? head_q.last_cnt : (LaneW+1)'(Bytes);
    keep = (LanesAll << lo) & ~(LanesAll << hi);
  end
  always_ff @(posedge clk) begin
    if (rd_issue) begin
      mask_q <= (BitsAll << (32'(lo) * 8)) & ~(BitsAll << (32'(hi) * 8));
      keep_q <= keep;
      last_q <= r_last;
      user_q <= r_last && (job_err_q || he_q);
    end
  end

  logic out_ready;
  sync_fifo #(
    .Width  (DataWidth + Bytes + 2),
    .Depth  (OutDepth),
    .OutReg (1)
  ) u_out (
    .clk     (clk),
    .rst_n   (rst_n),
    .s_data  ({buf_rdata & mask_q, keep_q, last_q, user_q}),
    .s_valid (rd_v_q),
    .s_ready (out_ready),
    .m_data  ({m_data_tdata, m_data_tkeep, m_data_tlast, m_data_tuser}),
    .m_valid (m_data_tvalid),
    .m_ready (m_data_tready),
    .count   (out_count)
  );

  assign m_axi_rready = 1'b1;

  logic unused;
  assign unused = ^{m_axi_rresp[0], out_ready, hdr_count};

endmodule
