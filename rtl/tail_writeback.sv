// SPDX-License-Identifier: MIT
// Tail write-back: writes RING_TAIL's value to the host's write-back block (nic_abi.hpp) through
// an axi_write_master, coalesced: one write in flight at most; when its response is back, the
// next write follows if the tail moved meanwhile, so the last value always lands and every
// value written is one RING_TAIL held, in order. CTRL_ENABLE's 0 -> 1 edge with a valid block
// address writes the current tail once. Nothing is written while disabled or while WB_BASE is
// not valid (0, not 64-byte aligned, or the block outside device memory); the tail seen then
// counts as written, so only later advances write.
module tail_writeback
  import sendoff_pkg::*;
#(
  parameter int unsigned DataWidth = 512,  // write data bits (512 or 1024)
  // Device memory window [0, DevMemBytes) the block must lie in; 0 accepts any address.
  parameter longint unsigned DevMemBytes = 0
) (
  input  logic                   clk,
  input  logic                   rst_n,

  input  logic                   ctrl_enable,
  input  logic [63:0]            wb_base,
  input  logic [31:0]            ring_tail,

  // ---- to the write master: one single-beat request and its beat per write
  output logic [63:0]            m_req_addr,
  output logic                   m_req_valid,
  input  logic                   m_req_ready,
  output logic [DataWidth-1:0]   m_data,
  output logic [DataWidth/8-1:0] m_data_strb,
  output logic                   m_data_valid,
  input  logic                   m_data_ready,
  input  logic                   s_resp_valid,
  input  logic                   s_resp_err,

  output logic                   wb_error,  // a write answered with an error (a pulse)
  output logic                   busy       // a write is due or in flight
);

  if (DataWidth != 512 && DataWidth != 1024) begin : gen_bad_width
    $error("tail_writeback: DataWidth must be 512 or 1024");
  end
  if (WbTailOff != 0) begin : gen_bad_off
    $error("tail_writeback: written for WbTailOff 0");
  end

  localparam int unsigned Bytes = DataWidth / 8;
  localparam int unsigned LaneW = $clog2(Bytes);  // 6 or 7

  // ------------------------------------------------------------------------- the block address
  // Checked into a register: nothing in front of the write decision but flip-flops.
  logic en_q, force_q;
  logic base_ok_d;
  if (DevMemBytes == 0) begin : gen_any
    assign base_ok_d = wb_base != '0 && wb_base[5:0] == '0;
  end else begin : gen_window
    assign base_ok_d = wb_base != '0 && wb_base[5:0] == '0 &&
                       wb_base <= 64'(DevMemBytes - longint'(WbBytes));
  end

  logic ok_q;  // enabled and the base valid
  always_ff @(posedge clk) begin
    if (!rst_n) begin
      en_q      <= 1'b0;
      ok_q      <= 1'b0;
    end else begin
      en_q      <= ctrl_enable;
      ok_q      <= ctrl_enable && base_ok_d;
    end
  end

  // ------------------------------------------------------------------------- one write at a time
  typedef enum logic [1:0] {
    Idle,     // nothing in flight
    Issue,    // request and beat offered to the write master
    Wait      // both taken, the response not yet back
  } state_e;
  state_e      state_q;
  logic [31:0] written_q;   // the last value written (or passed while not writing)
  logic        req_done_q, data_done_q;
  logic [31:0] val_q;
  logic [63:0] addr_q;
  logic        moved;

  assign moved = ring_tail != written_q;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      state_q     <= Idle;
      written_q   <= '0;
      force_q     <= 1'b0;
      req_done_q  <= 1'b0;
      data_done_q <= 1'b0;
    end else begin
      // The enable edge (seen with the base valid) asks for one write; disabling cancels it.
      if (ctrl_enable && !en_q && base_ok_d) force_q <= 1'b1;
      else if (!ctrl_enable)                force_q <= 1'b0;
      unique case (state_q)
        Idle: begin
          if (ok_q && (moved || force_q)) begin
            state_q   <= Issue;
            written_q <= ring_tail;
            force_q   <= 1'b0;
          end else if (!ok_q) begin
            written_q <= ring_tail;
          end
        end
        Issue: begin
          if (m_req_ready) req_done_q <= 1'b1;
          if (m_data_ready) data_done_q <= 1'b1;
          if ((m_req_ready || req_done_q) && (m_data_ready || data_done_q)) begin
            state_q     <= Wait;
            req_done_q  <= 1'b0;
            data_done_q <= 1'b0;
          end
        end
        Wait: if (s_resp_valid) state_q <= Idle;
        default: state_q <= Idle;
      endcase
    end
  end

  always_ff @(posedge clk) begin
    if (state_q == Idle) begin
      val_q  <= ring_tail;
      addr_q <= wb_base;
    end
  end

  logic wb_error_q;
  always_ff @(posedge clk) begin
    if (!rst_n) wb_error_q <= 1'b0;
    else        wb_error_q <= state_q == Wait && s_resp_valid && s_resp_err;
  end

  // The beat: the tail in bytes 0-3 of the block, which is at lane addr % Bytes of the beat
  // (0 at 512 bits, 0 or 64 at 1024: the block is 64-byte aligned).
  logic [LaneW-1:0] lane;
  if (DataWidth == 512) begin : gen_lane512
    assign lane = '0;
  end else begin : gen_lane1024
    assign lane = {addr_q[6], 6'd0};
  end
  assign m_req_addr   = {addr_q[63:LaneW], LaneW'(0)};
  assign m_req_valid  = state_q == Issue && !req_done_q;
  assign m_data       = DataWidth'(val_q) << {lane, 3'b000};
  assign m_data_strb  = Bytes'(4'hF) << lane;
  assign m_data_valid = state_q == Issue && !data_done_q;
  assign wb_error     = wb_error_q;
  assign busy         = state_q != Idle || force_q || (ok_q && moved);

  logic unused;
  assign unused = ^addr_q[5:0];

endmodule
