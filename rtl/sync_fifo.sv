// SPDX-License-Identifier: MIT
// Synchronous first-word-fall-through FIFO with valid/ready on both sides. The input ready
// is a register (full flag), so a FIFO also cuts a combinational ready chain.
module sync_fifo #(
  parameter int unsigned Width  = 8,  // bits per entry
  parameter int unsigned Depth  = 2,  // entries, a power of two >= 2
  // 1: m_data, m_valid and s_ready leave from registers (the head in its own register, an
  // entry written into an empty FIFO goes straight there), so that the logic a user puts
  // between the FIFO's outputs and its handshakes starts at a flip-flop. Same behaviour
  // cycle for cycle as 0 (one cycle from s_valid to m_valid), one more Width of registers.
  parameter int unsigned OutReg = 0   // 0 or 1, see above
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
  if (OutReg > 1) begin : gen_bad_outreg
    $error("sync_fifo: OutReg must be 0 or 1");
  end

  localparam int unsigned AddrW = $clog2(Depth);

  logic [Width-1:0] mem_q [Depth];
  logic             push, pop;

  if (OutReg == 0) begin : gen_plain
    logic [AddrW:0] wr_q, rd_q;
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
  end else begin : gen_outreg
    // The head sits in head_q; mem_q holds the entries behind it (at most Depth - 1: an
    // empty head is refilled in the same cycle, so mem_q is never non-empty behind it).
    // Every flag is a register computed a cycle ahead from registered compares.
    logic [AddrW:0]   wr_q;
    logic [AddrW-1:0] rd_q;
    logic [Width-1:0] head_q;
    logic             head_valid_q, mem_ne_q, ready_q, almost_q;
    logic [AddrW:0]   rd_next_q;   // rd_q + 1, kept in step
    logic [AddrW:0]   cnt_q;       // entries held, head included
    logic [AddrW:0]   cnt_up_q, cnt_dn_q;   // cnt_q + 1 and cnt_q - 1, kept in step
    logic             up, dn;
    logic             take, load, direct, to_mem, mem_one, near_full;

    assign push    = s_valid && ready_q;
    assign pop     = head_valid_q && m_ready;
    assign take    = !head_valid_q || m_ready;     // the head register is free this cycle
    assign load    = take && mem_ne_q;             // refilled from memory
    assign direct  = take && !mem_ne_q && push;    // or straight from the input
    assign to_mem  = push && !direct;
    assign mem_one = (rd_next_q == wr_q);          // one entry in memory
    assign near_full = (cnt_q == (AddrW+1)'(Depth - 2));
    assign up      = push && !pop;
    assign dn      = pop && !push;

    assign count   = cnt_q;
    assign s_ready = ready_q;
    assign m_valid = head_valid_q;
    assign m_data  = head_q;

    always_ff @(posedge clk) begin
      if (!rst_n) begin
        wr_q         <= '0;
        rd_q         <= '0;
        rd_next_q    <= (AddrW+1)'(1);
        cnt_q        <= '0;
        cnt_up_q     <= (AddrW+1)'(1);
        cnt_dn_q     <= '1;
        head_valid_q <= 1'b0;
        mem_ne_q     <= 1'b0;
        ready_q      <= 1'b1;
        almost_q     <= 1'b0;
      end else begin
        if (to_mem) wr_q <= wr_q + 1'b1;
        if (load) begin
          rd_q      <= rd_next_q[AddrW-1:0];
          rd_next_q <= rd_next_q + 1'b1;
        end
        // The count moves by choosing a precomputed neighbour: no adder after push and pop.
        if (up) begin
          cnt_q    <= cnt_up_q;
          cnt_up_q <= cnt_up_q + 1'b1;
          cnt_dn_q <= cnt_q;
        end else if (dn) begin
          cnt_q    <= cnt_dn_q;
          cnt_up_q <= cnt_q;
          cnt_dn_q <= cnt_dn_q - 1'b1;
        end
        head_valid_q <= load || direct || (head_valid_q && !m_ready);
        mem_ne_q     <= to_mem || (mem_ne_q && !(load && mem_one));
        // Full and one-short-of-full, from the flags and one compare of cnt_q.
        if (!ready_q) begin
          ready_q  <= pop;
          almost_q <= pop;
        end else if (almost_q) begin
          ready_q  <= pop || !push;
          almost_q <= (push == pop);
        end else begin
          almost_q <= near_full && push && !pop;
        end
      end
    end

    always_ff @(posedge clk) begin
      if (to_mem) mem_q[wr_q[AddrW-1:0]] <= s_data;
    end

    always_ff @(posedge clk) begin
      if (load) head_q <= mem_q[rd_q];
      else if (direct) head_q <= s_data;
    end
  end

endmodule
