// SPDX-License-Identifier: MIT
// Vitis RTL-kernel wrapper of sendoff_tx_top: the port names v++ and package_xo expect
// (ap_clk, ap_rst_n, s_axi_control, m_axi_<bundle>, AXI4-Stream m_axis_tx) and nothing else.
// The control registers are nic_abi.hpp's register map, so the kernel is user-managed
// (ap_ctrl_none): the host reaches it through xrt::ip, never xrt::kernel runs.
module sendoff_tx_rtl #(
  parameter int unsigned DataWidth     = 512,  // AXI4 read data and AXI4-Stream bits (CMAC: 512)
  parameter int unsigned AxilAddrWidth = 12,   // control address bits: 4 KiB, kernel.xml's range
  parameter int unsigned DataIdWidth   = 7     // m_axi_data ARID/RID: payload bursts in flight
) (
  input  logic                     ap_clk,
  input  logic                     ap_rst_n,

  // ---- AXI4-Lite control (nic_abi.hpp register map)
  input  logic [AxilAddrWidth-1:0] s_axi_control_awaddr,
  input  logic                     s_axi_control_awvalid,
  output logic                     s_axi_control_awready,
  input  logic [31:0]              s_axi_control_wdata,
  input  logic [3:0]               s_axi_control_wstrb,
  input  logic                     s_axi_control_wvalid,
  output logic                     s_axi_control_wready,
  output logic [1:0]               s_axi_control_bresp,
  output logic                     s_axi_control_bvalid,
  input  logic                     s_axi_control_bready,
  input  logic [AxilAddrWidth-1:0] s_axi_control_araddr,
  input  logic                     s_axi_control_arvalid,
  output logic                     s_axi_control_arready,
  output logic [31:0]              s_axi_control_rdata,
  output logic [1:0]               s_axi_control_rresp,
  output logic                     s_axi_control_rvalid,
  input  logic                     s_axi_control_rready,

  // ---- AXI4 read master: descriptor ring
  output logic [63:0]              m_axi_desc_araddr,
  output logic [7:0]               m_axi_desc_arlen,
  output logic [2:0]               m_axi_desc_arsize,
  output logic [1:0]               m_axi_desc_arburst,
  output logic [3:0]               m_axi_desc_arcache,
  output logic [2:0]               m_axi_desc_arprot,
  output logic                     m_axi_desc_arvalid,
  input  logic                     m_axi_desc_arready,
  input  logic [DataWidth-1:0]     m_axi_desc_rdata,
  input  logic [1:0]               m_axi_desc_rresp,
  input  logic                     m_axi_desc_rlast,
  input  logic                     m_axi_desc_rvalid,
  output logic                     m_axi_desc_rready,

  // ---- AXI4 read master: payloads
  output logic [DataIdWidth-1:0]   m_axi_data_arid,
  output logic [63:0]              m_axi_data_araddr,
  output logic [7:0]               m_axi_data_arlen,
  output logic [2:0]               m_axi_data_arsize,
  output logic [1:0]               m_axi_data_arburst,
  output logic [3:0]               m_axi_data_arcache,
  output logic [2:0]               m_axi_data_arprot,
  output logic                     m_axi_data_arvalid,
  input  logic                     m_axi_data_arready,
  input  logic [DataIdWidth-1:0]   m_axi_data_rid,
  input  logic [DataWidth-1:0]     m_axi_data_rdata,
  input  logic [1:0]               m_axi_data_rresp,
  input  logic                     m_axi_data_rlast,
  input  logic                     m_axi_data_rvalid,
  output logic                     m_axi_data_rready,

  // ---- AXI4-Stream to the CMAC (cmac_0.S_AXIS)
  output logic [DataWidth-1:0]     m_axis_tx_tdata,
  output logic [DataWidth/8-1:0]   m_axis_tx_tkeep,
  output logic                     m_axis_tx_tlast,
  output logic                     m_axis_tx_tvalid,
  input  logic                     m_axis_tx_tready
);

  // On a card the masters carry platform addresses (DDR, HBM or host memory), so the
  // top accepts any 64-bit address (DevMemBytes 0) rather than the simulated window.
  sendoff_tx_top #(
    .DataWidth     (DataWidth),
    .AxilAddrWidth (AxilAddrWidth),
    .DataIdWidth   (DataIdWidth),
    .DevMemBytes   (64'd0)
  ) u_top (
    .clk                (ap_clk),
    .rst_n              (ap_rst_n),
    .s_axil_awaddr      (s_axi_control_awaddr),
    .s_axil_awprot      (3'b000),
    .s_axil_awvalid     (s_axi_control_awvalid),
    .s_axil_awready     (s_axi_control_awready),
    .s_axil_wdata       (s_axi_control_wdata),
    .s_axil_wstrb       (s_axi_control_wstrb),
    .s_axil_wvalid      (s_axi_control_wvalid),
    .s_axil_wready      (s_axi_control_wready),
    .s_axil_bresp       (s_axi_control_bresp),
    .s_axil_bvalid      (s_axi_control_bvalid),
    .s_axil_bready      (s_axi_control_bready),
    .s_axil_araddr      (s_axi_control_araddr),
    .s_axil_arprot      (3'b000),
    .s_axil_arvalid     (s_axi_control_arvalid),
    .s_axil_arready     (s_axi_control_arready),
    .s_axil_rdata       (s_axi_control_rdata),
    .s_axil_rresp       (s_axi_control_rresp),
    .s_axil_rvalid      (s_axi_control_rvalid),
    .s_axil_rready      (s_axi_control_rready),
    .m_axi_desc_araddr  (m_axi_desc_araddr),
    .m_axi_desc_arlen   (m_axi_desc_arlen),
    .m_axi_desc_arsize  (m_axi_desc_arsize),
    .m_axi_desc_arburst (m_axi_desc_arburst),
    .m_axi_desc_arcache (m_axi_desc_arcache),
    .m_axi_desc_arprot  (m_axi_desc_arprot),
    .m_axi_desc_arvalid (m_axi_desc_arvalid),
    .m_axi_desc_arready (m_axi_desc_arready),
    .m_axi_desc_rdata   (m_axi_desc_rdata),
    .m_axi_desc_rresp   (m_axi_desc_rresp),
    .m_axi_desc_rlast   (m_axi_desc_rlast),
    .m_axi_desc_rvalid  (m_axi_desc_rvalid),
    .m_axi_desc_rready  (m_axi_desc_rready),
    .m_axi_data_arid    (m_axi_data_arid),
    .m_axi_data_araddr  (m_axi_data_araddr),
    .m_axi_data_arlen   (m_axi_data_arlen),
    .m_axi_data_arsize  (m_axi_data_arsize),
    .m_axi_data_arburst (m_axi_data_arburst),
    .m_axi_data_arcache (m_axi_data_arcache),
    .m_axi_data_arprot  (m_axi_data_arprot),
    .m_axi_data_arvalid (m_axi_data_arvalid),
    .m_axi_data_arready (m_axi_data_arready),
    .m_axi_data_rid     (m_axi_data_rid),
    .m_axi_data_rdata   (m_axi_data_rdata),
    .m_axi_data_rresp   (m_axi_data_rresp),
    .m_axi_data_rlast   (m_axi_data_rlast),
    .m_axi_data_rvalid  (m_axi_data_rvalid),
    .m_axi_data_rready  (m_axi_data_rready),
    .m_axis_tx_tdata    (m_axis_tx_tdata),
    .m_axis_tx_tkeep    (m_axis_tx_tkeep),
    .m_axis_tx_tlast    (m_axis_tx_tlast),
    .m_axis_tx_tvalid   (m_axis_tx_tvalid),
    .m_axis_tx_tready   (m_axis_tx_tready)
  );

endmodule
