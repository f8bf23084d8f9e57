// SPDX-License-Identifier: MIT
// Port-shape stub of Xilinx's xpm_cdc_gray (UG974) for Verilator lint of bitstreams/cmac.
// Not a model: the output is tied off.
/* verilator lint_off UNUSEDSIGNAL */
/* verilator lint_off UNUSEDPARAM */
module xpm_cdc_gray #(
  parameter int DEST_SYNC_FF          = 4,
  parameter int INIT_SYNC_FF          = 0,
  parameter int REG_OUTPUT            = 0,
  parameter int SIM_ASSERT_CHK        = 0,
  parameter int SIM_LOSSLESS_GRAY_CHK = 0,
  parameter int WIDTH                 = 2
) (
  input  logic             src_clk,
  input  logic [WIDTH-1:0] src_in_bin,
  input  logic             dest_clk,
  output logic [WIDTH-1:0] dest_out_bin
);
  assign dest_out_bin = '0;
endmodule
