// SPDX-License-Identifier: MIT
// Synchronous first-word-fall-through FIFO with valid/ready on both sides. The input ready
// is a register (full flag), so a FIFO also cuts a combinational ready chain.
module sync_fifo #(
  parameter int unsigned Width = 8,  // bits per entry
  parameter int unsigned Depth = 2   // entries, a power of two >= 2
) (
  input  logic             clk,
  input  logic             rst_n,

  // ---- write side
  input  logic [Width-1:0] s_data,
  input  logic             s_valid,
  output logic             s_ready,

  // ---- read side
  output logic [Width-1:0] m_data,
  output logic             m_valid,
  input  logic             m_ready,

  output logic [$clog2(Depth):0] count
);

  if (Depth < 2 || (Depth & (Depth - 1)) != 0) begin : gen_bad_depth
    $error("sync_fifo: Depth must be a power of two >= 2");
  end
  if (Width < 1) begin : gen_bad_width
    $error("sync_fifo: Width must be >= 1");
  end

  localparam int unsigned AddrW = $clog2(Depth);

  logic [Width-1:0] mem_q [Depth];
  logic [AddrW:0]   wr_q, rd_q;
  logic             push, pop;

  assign count   = wr_q - rd_q;
  // Full: the pointers differ only in their wrap bit. An equality, not the subtraction
  // above, so that ready is two LUT levels from the pointer registers.
  assign s_ready = ((wr_q ^ rd_q) != {1'b1, {AddrW{1'b0}}});
  assign m_valid = (wr_q != rd_q);
  assign m_data  = mem_q[rd_q[AddrW-1:0]];
  assign push    = s_valid && s_ready;
  assign pop     = m_valid && m_ready;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      wr_q <= '0;
      rd_q <= '0;
    end else begin
      if (push) wr_q <= wr_q + 1'b1;
      if (pop)  rd_q <= rd_q + 1'b1;
    end
  end

  always_ff @(posedge clk) begin
    if (push) mem_q[wr_q[AddrW-1:0]] <= s_data;
  end

endmodule
