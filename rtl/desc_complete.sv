// SPDX-License-Identifier: MIT
// Completion: advances RING_TAIL in ring order, past a descriptor once all of its frames
// have left the output port (or at once when it sent none: dropped or rejected).
module desc_complete #(
  parameter int unsigned Depth = 512  // descriptors between the checks and the output port
) (
  input  logic        clk,
  input  logic        rst_n,

  // ---- one record per descriptor, ring order: sent = wait for its last frame
  input  logic        s_cpl_sent,
  input  logic        s_cpl_valid,
  output logic        s_cpl_ready,

  // ---- the last frame of a sent descriptor left the output port
  input  logic        frame_done,

  output logic [31:0] ring_tail,
  output logic        pending     // descriptors between the checks and the tail
);

  localparam int unsigned CntW = $clog2(Depth) + 1;

  logic            head_sent, head_valid, pop;
  logic [CntW-1:0] done_q;   // last frames seen whose record is not yet at the head
  logic [31:0]     tail_q;

  logic [$clog2(Depth):0] fifo_count;
  sync_fifo #(
    .Width(1),
    .Depth(Depth)
  ) u_fifo (
    .clk     (clk),
    .rst_n   (rst_n),
    .s_data  (s_cpl_sent),
    .s_valid (s_cpl_valid),
    .s_ready (s_cpl_ready),
    .m_data  (head_sent),
    .m_valid (head_valid),
    .m_ready (pop),
    .count   (fifo_count)
  );

  assign pop = head_valid && (!head_sent || done_q != 0 || frame_done);

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      done_q <= '0;
      tail_q <= '0;
    end else begin
      done_q <= done_q + CntW'(frame_done) - CntW'(pop && head_sent);
      if (pop) tail_q <= tail_q + 32'd1;
    end
  end

  assign ring_tail = tail_q;
  assign pending   = head_valid;

  // FIFO status not needed here (space is reserved ahead, or not watched).
  logic unused_fifo;
  assign unused_fifo = ^{fifo_count};

endmodule
