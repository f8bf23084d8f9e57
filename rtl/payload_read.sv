// SPDX-License-Identifier: MIT
// Payload read: for each job, reads its payload with AXI4 INCR bursts (split at 4 KiB
// boundaries) and streams it out beat by beat, bytes outside the payload zeroed. The job
// itself leaves on the header channel when its reads are issued; zero-length jobs read
// nothing. Reads stay in order (one ID), so the data comes back in job order. A job any of
// whose beats came back with an error response has tuser set on its last beat.
module payload_read
  import sendoff_pkg::*;
#(
  parameter int unsigned DataWidth      = 512,  // AXI4 read data and stream bits
  parameter int unsigned MaxBurstBeats  = 64,   // longest read burst
  parameter int unsigned MaxOutstanding = 256,  // beats requested, not received (>= 3 bursts)
  parameter int unsigned TrackDepth     = 256   // bursts in flight, a power of two
) (
  input  logic                   clk,
  input  logic                   rst_n,

  // ---- jobs in
  input  logic [63:0]            s_job_addr,
  input  tx_job_t                s_job,
  input  logic                   s_job_valid,
  output logic                   s_job_ready,

  // ---- AXI4 read master (payload)
  output logic [63:0]            m_axi_araddr,
  output logic [7:0]             m_axi_arlen,
  output logic [2:0]             m_axi_arsize,
  output logic [1:0]             m_axi_arburst,
  output logic [3:0]             m_axi_arcache,
  output logic [2:0]             m_axi_arprot,
  output logic                   m_axi_arvalid,
  input  logic                   m_axi_arready,
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

  if (DataWidth != 512 && DataWidth != 1024) begin : gen_bad_width
    $error("payload_read: DataWidth must be 512 or 1024");
  end
  if (MaxBurstBeats < 1 || MaxBurstBeats > 256 || MaxBurstBeats * Bytes > 4096)
  begin : gen_bad_burst
    $error("payload_read: MaxBurstBeats must be in [1, 256] and span <= 4 KiB");
  end
  if (MaxOutstanding < 3 * MaxBurstBeats) begin : gen_bad_outstanding
    $error("payload_read: MaxOutstanding must be >= 3 * MaxBurstBeats (the credit margin)");
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
  logic [OutW-1:0]   outstanding_q;

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
  burst_t trk_in, trk_out;
  logic   trk_valid, trk_pop;

  // Burst sizes come from registers: lim_q is the size of the next burst unless the job's
  // remaining beats are fewer. After a burst of lim_q beats the job goes on from a 4 KiB
  // boundary or MaxBurstBeats further, and the next limit is worked out from registers
  // alone, so a burst can issue every cycle with no adder in front of the compares.
  logic             fits;   // the job's remaining beats fit this burst: its last
  logic [BeatW-1:0] to_4k_next, lim_next;
  assign fits       = (beats_left_q <= lim_q);
  assign burst      = fits ? beats_left_q : lim_q;
  assign to_4k_next = (lim_q == to_4k_q) ? BeatW'(4096 / Bytes) : to_4k_q - lim_q;
  assign lim_next   = (to_4k_next < BeatW'(MaxBurstBeats)) ? to_4k_next : BeatW'(MaxBurstBeats);

  assign ar_free    = !ar_valid_q || m_axi_arready;
  assign issue      = (beats_left_q != 0) && ar_free && trk_ready && credit_ok_q;
  assign last_burst = issue && fits;
  assign take       = s_job_valid && hdr_ready && ((beats_left_q == 0) || last_burst);
  assign s_job_ready = hdr_ready && ((beats_left_q == 0) || last_burst);

  // Job geometry: payload lanes [off, off + len) of beats [0, beats).
  lane_t            job_off;
  logic [16:0]      job_end;
  logic [BeatW-1:0] job_beats;
  assign job_off   = lane_t'(s_job_addr[LaneW-1:0]);
  assign job_end   = 17'(job_off) + 17'(s_job.len);
  assign job_beats = (s_job.len == 0) ? '0 : BeatW'((job_end + 17'(Bytes - 1)) >> LaneW);
  logic [BeatW-1:0] job_to_4k;
  assign job_to_4k = BeatW'((13'h1000 - {1'b0, s_job_addr[11:LaneW], {LaneW{1'b0}}}) >> LaneW);

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      beats_left_q  <= '0;
      ar_valid_q    <= 1'b0;
      outstanding_q <= '0;
      issued_q      <= '0;
      credit_ok_q   <= 1'b0;
    end else begin
      if (take) begin
        beats_left_q <= job_beats;
      end else if (issue) begin
        beats_left_q <= fits ? '0 : beats_left_q - lim_q;   // else the burst was lim_q beats
      end
      if (issue)        ar_valid_q <= 1'b1;
      else if (ar_free) ar_valid_q <= 1'b0;
      // Counted a cycle after the issue (issued_q), and checked with a margin of the bursts
      // not in the count yet: the one issued last cycle, this cycle's and the next.
      issued_q      <= issue ? OutW'(burst) : '0;
      outstanding_q <= outstanding_q + issued_q -
                       ((m_axi_rvalid && m_axi_rready) ? OutW'(1) : '0);
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
  end

  assign trk_in.beats_m1 = BurstW'(burst - 1'b1);
  assign trk_in.first    = cur_first_q;
  assign trk_in.last     = fits;
  assign trk_in.off      = cur_off_q;
  assign trk_in.last_cnt = cur_last_cnt_q;

  logic [$clog2(TrackDepth):0] trk_count;
  sync_fifo #(
    .Width($bits(burst_t)),
    .Depth(TrackDepth)
  ) u_trk (
    .clk     (clk),
    .rst_n   (rst_n),
    .s_data  (trk_in),
    .s_valid (issue),
    .s_ready (trk_ready),
    .m_data  (trk_out),
    .m_valid (trk_valid),
    .m_ready (trk_pop),
    .count   (trk_count)
  );

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

  assign m_axi_araddr  = ar_addr_q;
  assign m_axi_arlen   = ar_len_q;
  assign m_axi_arsize  = 3'(LaneW);
  assign m_axi_arburst = 2'b01;
  assign m_axi_arcache = 4'b0011;
  assign m_axi_arprot  = 3'b000;
  assign m_axi_arvalid = ar_valid_q;

  // ------------------------------------------------------------------------- read data
  logic [BurstW-1:0] r_beat_q;   // beats of the current burst already passed
  logic              r_err_q;    // an earlier beat of the current job had an error
  logic              r_first, r_last;
  logic [Bytes-1:0]  keep;

  assign r_first = trk_out.first && (r_beat_q == 0);
  assign r_last  = trk_out.last && (r_beat_q == trk_out.beats_m1);

  // Lanes [lo, hi) of the beat, as shifts of all-ones: the same mask on keep and data.
  localparam logic [Bytes-1:0]     LanesAll = '1;
  localparam logic [DataWidth-1:0] BitsAll  = '1;
  logic [LaneW:0] lo, hi;
  always_comb begin
    lo   = r_first ? (LaneW+1)'(trk_out.off) : '0;
    hi   = r_last ? trk_out.last_cnt : (LaneW+1)'(Bytes);
    keep = (LanesAll << lo) & ~(LanesAll << hi);
    m_data_tdata = m_axi_rdata & (BitsAll << (32'(lo) * 8)) & ~(BitsAll << (32'(hi) * 8));
  end

  assign m_data_tkeep  = keep;
  assign m_data_tlast  = r_last;
  assign m_data_tuser  = r_last && (r_err_q || m_axi_rresp[1]);   // SLVERR or DECERR
  assign m_data_tvalid = m_axi_rvalid;
  assign m_axi_rready  = m_data_tready;
  assign trk_pop       = m_axi_rvalid && m_axi_rready && m_axi_rlast;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      r_beat_q <= '0;
      r_err_q  <= 1'b0;
    end else if (m_axi_rvalid && m_axi_rready) begin
      r_beat_q <= m_axi_rlast ? '0 : r_beat_q + 1'b1;
      r_err_q  <= !r_last && (r_err_q || m_axi_rresp[1]);
    end
  end

  logic unused;
  assign unused = ^{m_axi_rresp[0], trk_valid};

  // FIFO status not needed here (space is reserved ahead, or not watched).
  logic unused_fifo;
  assign unused_fifo = ^{trk_count, hdr_count};

endmodule
