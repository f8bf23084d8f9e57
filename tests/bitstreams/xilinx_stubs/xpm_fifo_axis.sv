// SPDX-License-Identifier: MIT
// Port-shape stub of Xilinx's xpm_fifo_axis (UG974) for Verilator lint of bitstreams/cmac:
// the parameters and ports cmac_krnl uses, outputs tied off. Not a model.
/* verilator lint_off UNUSEDSIGNAL */
/* verilator lint_off UNUSEDPARAM */
module xpm_fifo_axis #(
  parameter int    CDC_SYNC_STAGES     = 2,
  parameter string CLOCKING_MODE       = "common_clock",
  parameter string ECC_MODE            = "no_ecc",
  parameter int    FIFO_DEPTH          = 2048,
  parameter string FIFO_MEMORY_TYPE    = "auto",
  parameter string PACKET_FIFO         = "false",
  parameter int    PROG_EMPTY_THRESH   = 10,
  parameter int    PROG_FULL_THRESH    = 10,
  parameter int    RD_DATA_COUNT_WIDTH = 1,
  parameter string RELATED_CLOCKS      = "0",
  parameter string SIM_ASSERT_CHK      = "0",
  parameter int    TDATA_WIDTH         = 32,
  parameter int    TDEST_WIDTH         = 1,
  parameter int    TID_WIDTH           = 1,
  parameter int    TUSER_WIDTH         = 1,
  parameter string USE_ADV_FEATURES    = "1000",
  parameter int    WR_DATA_COUNT_WIDTH = 1
) (
  input  logic                           s_aclk,
  input  logic                           m_aclk,
  input  logic                           s_aresetn,
  input  logic                           s_axis_tvalid,
  output logic                           s_axis_tready,
  input  logic [TDATA_WIDTH-1:0]         s_axis_tdata,
  input  logic [TDATA_WIDTH/8-1:0]       s_axis_tstrb,
  input  logic [TDATA_WIDTH/8-1:0]       s_axis_tkeep,
  input  logic                           s_axis_tlast,
  input  logic [TID_WIDTH-1:0]           s_axis_tid,
  input  logic [TDEST_WIDTH-1:0]         s_axis_tdest,
  input  logic [TUSER_WIDTH-1:0]         s_axis_tuser,
  output logic                           m_axis_tvalid,
  input  logic                           m_axis_tready,
  output logic [TDATA_WIDTH-1:0]         m_axis_tdata,
  output logic [TDATA_WIDTH/8-1:0]       m_axis_tstrb,
  output logic [TDATA_WIDTH/8-1:0]       m_axis_tkeep,
  output logic                           m_axis_tlast,
  output logic [TID_WIDTH-1:0]           m_axis_tid,
  output logic [TDEST_WIDTH-1:0]         m_axis_tdest,
  output logic [TUSER_WIDTH-1:0]         m_axis_tuser,
  output logic                           prog_full_axis,
  output logic [WR_DATA_COUNT_WIDTH-1:0] wr_data_count_axis,
  output logic                           almost_full_axis,
  output logic                           prog_empty_axis,
  output logic [RD_DATA_COUNT_WIDTH-1:0] rd_data_count_axis,
  output logic                           almost_empty_axis,
  input  logic                           injectsbiterr_axis,
  input  logic                           injectdbiterr_axis,
  output logic                           sbiterr_axis,
  output logic                           dbiterr_axis
);
  assign s_axis_tready      = 1'b0;
  assign m_axis_tvalid      = 1'b0;
  assign m_axis_tdata       = '0;
  assign m_axis_tstrb       = '0;
  assign m_axis_tkeep       = '0;
  assign m_axis_tlast       = 1'b0;
  assign m_axis_tid         = '0;
  assign m_axis_tdest       = '0;
  assign m_axis_tuser       = '0;
  assign prog_full_axis     = 1'b0;
  assign wr_data_count_axis = '0;
  assign almost_full_axis   = 1'b0;
  assign prog_empty_axis    = 1'b1;
  assign rd_data_count_axis = '0;
  assign almost_empty_axis  = 1'b1;
  assign sbiterr_axis       = 1'b0;
  assign dbiterr_axis       = 1'b0;
endmodule
