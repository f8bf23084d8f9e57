// SPDX-License-Identifier: MIT
// tx_merge: udp_tx's datagrams and tcp_tx's segments into ip_tx in ring order, as
// hls/sendoff_tx/tx_merge.hpp. A route entry per sent job (from desc_check, ring order) says
// which stage builds it; each stage reports its jobs' fates in its own order (sent on, or
// dropped for a payload read error). The head job's fate decides: a dropped job is passed
// over, a UDP one forwards one datagram, a TCP one its segments up to the one without
// job.more. Every sent job's fate leaves again in ring order, for desc_complete.
// Headers and payload beats are merged apart: a forwarded header with beats queues its
// source for the beat side, which follows it to tlast. One header and one beat a cycle.
module tx_merge
  import sendoff_pkg::*;
#(
  parameter int unsigned DataWidth = 512,  // stream bits
  parameter int unsigned Depth     = 512   // jobs between desc_check and the merge (fates)
) (
  input  logic                   clk,
  input  logic                   rst_n,

  // ---- one route entry per sent job, ring order: 1 = tcp_tx's
  input  logic                   s_route_tcp,
  input  logic                   s_route_valid,
  output logic                   s_route_ready,

  // ---- each stage's jobs as they are decided, in its order
  input  logic                   udp_done,
  input  logic                   udp_dropped,
  input  logic                   tcp_done,
  input  logic                   tcp_dropped,

  // ---- udp_tx's datagrams
  input  dgram_t                 s_udp_hdr,
  input  logic                   s_udp_hdr_valid,
  output logic                   s_udp_hdr_ready,
  input  logic [DataWidth-1:0]   s_udp_tdata,
  input  logic [DataWidth/8-1:0] s_udp_tkeep,
  input  logic                   s_udp_tlast,
  input  logic                   s_udp_tvalid,
  output logic                   s_udp_tready,

  // ---- tcp_tx's segments
  input  dgram_t                 s_tcp_hdr,
  input  logic                   s_tcp_hdr_valid,
  output logic                   s_tcp_hdr_ready,
  input  logic [DataWidth-1:0]   s_tcp_tdata,
  input  logic [DataWidth/8-1:0] s_tcp_tkeep,
  input  logic                   s_tcp_tlast,
  input  logic                   s_tcp_tvalid,
  output logic                   s_tcp_tready,

  // ---- to ip_tx
  output dgram_t                 m_hdr,
  output logic                   m_hdr_valid,
  input  logic                   m_hdr_ready,
  output logic [DataWidth-1:0]   m_data_tdata,
  output logic [DataWidth/8-1:0] m_data_tkeep,
  output logic                   m_data_tlast,
  output logic                   m_data_tvalid,
  input  logic                   m_data_tready,

  // ---- every sent job, ring order: its datagram or segments went on, or it was dropped
  output logic                   dgram_done,
  output logic                   dgram_dropped
);

  localparam int unsigned BeatDepth = 16;  // headers forwarded ahead of their beats

  // Route and fates: OutReg FIFOs, so the choice below starts at flip-flops. The fates never
  // outnumber the jobs with a completion record (Depth), so they always have room.
  logic r_tcp, r_valid, r_pop;
  logic u_drop, u_valid, u_pop, t_drop, t_valid, t_pop;
  logic [$clog2(Depth):0] r_count, u_count, t_count;
  logic u_ready, t_ready;

  sync_fifo #(.Width (1), .Depth (Depth), .OutReg (1)) u_route (
    .clk (clk), .rst_n (rst_n),
    .s_data (s_route_tcp), .s_valid (s_route_valid), .s_ready (s_route_ready),
    .m_data (r_tcp), .m_valid (r_valid), .m_ready (r_pop), .count (r_count)
  );
  sync_fifo #(.Width (1), .Depth (Depth), .OutReg (1)) u_udp_fate (
    .clk (clk), .rst_n (rst_n),
    .s_data (udp_dropped), .s_valid (udp_done), .s_ready (u_ready),
    .m_data (u_drop), .m_valid (u_valid), .m_ready (u_pop), .count (u_count)
  );
  sync_fifo #(.Width (1), .Depth (Depth), .OutReg (1)) u_tcp_fate (
    .clk (clk), .rst_n (rst_n),
    .s_data (tcp_dropped), .s_valid (tcp_done), .s_ready (t_ready),
    .m_data (t_drop), .m_valid (t_valid), .m_ready (t_pop), .count (t_count)
  );

  // ------------------------------------------------------------------------- headers
  logic   f_valid, f_drop, h_valid, h_fwd, h_beats, job_end, b_ready;
  dgram_t h;
  assign f_valid = r_tcp ? t_valid : u_valid;
  assign f_drop  = r_tcp ? t_drop : u_drop;
  assign h       = r_tcp ? s_tcp_hdr : s_udp_hdr;
  assign h_valid = r_tcp ? s_tcp_hdr_valid : s_udp_hdr_valid;
  assign h_beats = h.job.len != 16'd0;
  assign h_fwd   = r_valid && f_valid && !f_drop && h_valid && m_hdr_ready &&
                   (!h_beats || b_ready);
  // A TCP job ends with its segment without more; a UDP job is one datagram.
  assign job_end = (r_valid && f_valid && f_drop) || (h_fwd && !(r_tcp && h.job.more));
  assign r_pop   = job_end;
  assign u_pop   = job_end && !r_tcp;
  assign t_pop   = job_end && r_tcp;

  assign m_hdr           = h;
  assign m_hdr_valid     = r_valid && f_valid && !f_drop && h_valid && (!h_beats || b_ready);
  assign s_udp_hdr_ready = h_fwd && !r_tcp;
  assign s_tcp_hdr_ready = h_fwd && r_tcp;

  assign dgram_done    = job_end;
  assign dgram_dropped = f_drop;

  // ------------------------------------------------------------------------- beats
  logic b_tcp, b_valid, b_pop;
  logic [$clog2(BeatDepth):0] b_count;
  sync_fifo #(.Width (1), .Depth (BeatDepth), .OutReg (1)) u_beat_route (
    .clk (clk), .rst_n (rst_n),
    .s_data (r_tcp), .s_valid (h_fwd && h_beats), .s_ready (b_ready),
    .m_data (b_tcp), .m_valid (b_valid), .m_ready (b_pop), .count (b_count)
  );

  assign m_data_tdata  = b_tcp ? s_tcp_tdata : s_udp_tdata;
  assign m_data_tkeep  = b_tcp ? s_tcp_tkeep : s_udp_tkeep;
  assign m_data_tlast  = b_tcp ? s_tcp_tlast : s_udp_tlast;
  assign m_data_tvalid = b_valid && (b_tcp ? s_tcp_tvalid : s_udp_tvalid);
  assign s_udp_tready  = b_valid && !b_tcp && m_data_tready;
  assign s_tcp_tready  = b_valid && b_tcp && m_data_tready;
  assign b_pop         = m_data_tvalid && m_data_tready && m_data_tlast;

  // FIFO status not needed here (room is guaranteed, or watched through s_ready).
  logic unused;
  assign unused = ^{r_count, u_count, t_count, u_ready, t_ready, b_count};

endmodule
