// SPDX-License-Identifier: MIT
// Completion: advances RING_TAIL in ring order, past a descriptor once all of its frames
// have left the output port (or at once when it sent none: dropped or rejected), or once
// its datagram was dropped (payload read error). tx_merge reports every sent descriptor's
// fate in ring order, so a drop there is matched to its own descriptor, never to an older
// one whose frames are still on their way to the port. A TCP descriptor moves it by two.
module desc_complete #(
  parameter int unsigned Depth = 512  // descriptors between the checks and the output port
) (
  input  logic        clk,
  input  logic        rst_n,

  // ---- one record per descriptor, ring order: sent = wait for its last frame
  input  logic        s_cpl_sent,
  input  logic        s_cpl_two,     // two ring slots (TCP)
  input  logic        s_cpl_valid,
  output logic        s_cpl_ready,

  // ---- each sent descriptor's datagram left udp_tx, in order: sent on, or dropped there
  input  logic        dgram_done,
  input  logic        dgram_dropped,

  // ---- the last frame of a sent descriptor left the output port
  input  logic        frame_done,

  output logic [31:0] ring_tail,
  output logic        pending     // descriptors between the checks and the tail
);

  localparam int unsigned CntW = $clog2(Depth) + 1;

  logic            head_sent, head_two, head_valid, pop;
  logic            fate_dropped, fate_valid, fate_pop;
  logic [CntW-1:0] done_q;   // last frames seen whose record is not yet at the head
  logic [CntW-1:0] done_up_q, done_dn_q;   // done_q + 1 and done_q - 1, kept in step
  logic            done_nz_q; // done_q != 0, kept in step: no compare before pop
  logic            done_inc, done_dec;
  logic [31:0]     tail_q;

  logic [$clog2(Depth):0] fifo_count;
  // Both FIFOs with registered outputs: pop below starts at flip-flops.
  sync_fifo #(
    .Width  (2),
    .Depth  (Depth),
    .OutReg (1)
  ) u_fifo (
    .clk     (clk),
    .rst_n   (rst_n),
    .s_data  ({s_cpl_two, s_cpl_sent}),
    .s_valid (s_cpl_valid),
    .s_ready (s_cpl_ready),
    .m_data  ({head_two, head_sent}),
    .m_valid (head_valid),
    .m_ready (pop),
    .count   (fifo_count)
  );

  // Datagrams reported are never more than the sent records held, so Depth always has room.
  logic [$clog2(Depth):0] fate_count;
  logic                   fate_ready;
  sync_fifo #(
    .Width  (1),
    .Depth  (Depth),
    .OutReg (1)
  ) u_fate (
    .clk     (clk),
    .rst_n   (rst_n),
    .s_data  (dgram_dropped),
    .s_valid (dgram_done),
    .s_ready (fate_ready),
    .m_data  (fate_dropped),
    .m_valid (fate_valid),
    .m_ready (fate_pop),
    .count   (fate_count)
  );

  assign pop = head_valid &&
               (!head_sent || (fate_valid && (fate_dropped || done_nz_q || frame_done)));
  assign fate_pop = pop && head_sent;
  assign done_inc = frame_done;
  assign done_dec = fate_pop && !fate_dropped;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      done_q    <= '0;
      done_up_q <= CntW'(1);
      done_dn_q <= '1;
      done_nz_q <= 1'b0;
      tail_q    <= '0;
    end else begin
      // The count moves by choosing a precomputed neighbour: no adder after pop.
      if (done_inc && !done_dec) begin
        done_q    <= done_up_q;
        done_up_q <= done_up_q + 1'b1;
        done_dn_q <= done_q;
      end else if (done_dec && !done_inc) begin
        done_q    <= done_dn_q;
        done_up_q <= done_q;
        done_dn_q <= done_dn_q - 1'b1;
      end
      if (done_inc && !done_dec) done_nz_q <= 1'b1;
      else if (done_dec && !done_inc) done_nz_q <= (done_q != CntW'(1));
      if (pop) tail_q <= tail_q + (head_two ? 32'd2 : 32'd1);
    end
  end

  assign ring_tail = tail_q;
  assign pending   = head_valid;

  // FIFO status not needed here (space is reserved ahead, or not watched).
  logic unused_fifo;
  assign unused_fifo = ^{fifo_count, fate_count, fate_ready};

endmodule
