// SPDX-License-Identifier: MIT
// Port-shape stub of the CMAC UltraScale+ IP as bitstreams/cmac/package_cmac.tcl generates
// it (module cmac_usplus_0: CAUI-4, AXI4-Stream user interface, AXI4-Lite control and
// statistics, GT and shared logic in the core), for Verilator lint of cmac_krnl. The ports
// are those of PG203's port tables that cmac_krnl connects; outputs tied off. Not a model.
/* verilator lint_off UNUSEDSIGNAL */
module cmac_usplus_0 (
  // ---- GT (four 25G lanes), reference clock, resets
  input  logic [3:0]   gt_rxp_in,
  input  logic [3:0]   gt_rxn_in,
  output logic [3:0]   gt_txp_out,
  output logic [3:0]   gt_txn_out,
  input  logic         gt_ref_clk_p,
  input  logic         gt_ref_clk_n,
  input  logic         init_clk,
  input  logic         sys_reset,
  input  logic [11:0]  gt_loopback_in,
  input  logic         gtwiz_reset_tx_datapath,
  input  logic         gtwiz_reset_rx_datapath,
  output logic         gt_txusrclk2,
  output logic         gt_rxusrclk2,
  output logic         usr_tx_reset,
  output logic         usr_rx_reset,
  input  logic         core_tx_reset,
  input  logic         core_rx_reset,
  input  logic         core_drp_reset,

  // ---- DRP (unused: tied off)
  input  logic         drp_clk,
  input  logic [9:0]   drp_addr,
  input  logic [15:0]  drp_di,
  input  logic         drp_en,
  input  logic         drp_we,
  output logic [15:0]  drp_do,
  output logic         drp_rdy,

  // ---- AXI4-Lite control and statistics
  input  logic         s_axi_aclk,
  input  logic         s_axi_sreset,
  input  logic         pm_tick,
  input  logic [31:0]  s_axi_awaddr,
  input  logic         s_axi_awvalid,
  output logic         s_axi_awready,
  input  logic [31:0]  s_axi_wdata,
  input  logic [3:0]   s_axi_wstrb,
  input  logic         s_axi_wvalid,
  output logic         s_axi_wready,
  output logic [1:0]   s_axi_bresp,
  output logic         s_axi_bvalid,
  input  logic         s_axi_bready,
  input  logic [31:0]  s_axi_araddr,
  input  logic         s_axi_arvalid,
  output logic         s_axi_arready,
  output logic [31:0]  s_axi_rdata,
  output logic [1:0]   s_axi_rresp,
  output logic         s_axi_rvalid,
  input  logic         s_axi_rready,

  // ---- TX AXI4-Stream, gt_txusrclk2
  output logic         tx_axis_tready,
  input  logic         tx_axis_tvalid,
  input  logic [511:0] tx_axis_tdata,
  input  logic [63:0]  tx_axis_tkeep,
  input  logic         tx_axis_tlast,
  input  logic         tx_axis_tuser,
  input  logic [55:0]  tx_preamblein,
  output logic         tx_ovfout,
  output logic         tx_unfout,

  // ---- RX AXI4-Stream, rx_clk
  input  logic         rx_clk,
  output logic         rx_axis_tvalid,
  output logic [511:0] rx_axis_tdata,
  output logic [63:0]  rx_axis_tkeep,
  output logic         rx_axis_tlast,
  output logic         rx_axis_tuser,
  output logic [55:0]  rx_preambleout,

  // ---- status (also in STAT_RX_STATUS_REG)
  output logic         stat_rx_aligned,
  output logic         stat_rx_status
);
  assign gt_txp_out      = '0;
  assign gt_txn_out      = '1;
  assign gt_txusrclk2    = 1'b0;
  assign gt_rxusrclk2    = 1'b0;
  assign usr_tx_reset    = 1'b1;
  assign usr_rx_reset    = 1'b1;
  assign drp_do          = '0;
  assign drp_rdy         = 1'b0;
  assign s_axi_awready   = 1'b0;
  assign s_axi_wready    = 1'b0;
  assign s_axi_bresp     = '0;
  assign s_axi_bvalid    = 1'b0;
  assign s_axi_arready   = 1'b0;
  assign s_axi_rdata     = '0;
  assign s_axi_rresp     = '0;
  assign s_axi_rvalid    = 1'b0;
  assign tx_axis_tready  = 1'b0;
  assign tx_ovfout       = 1'b0;
  assign tx_unfout       = 1'b0;
  assign rx_axis_tvalid  = 1'b0;
  assign rx_axis_tdata   = '0;
  assign rx_axis_tkeep   = '0;
  assign rx_axis_tlast   = 1'b0;
  assign rx_axis_tuser   = 1'b0;
  assign rx_preambleout  = '0;
  assign stat_rx_aligned = 1'b0;
  assign stat_rx_status  = 1'b0;
endmodule
