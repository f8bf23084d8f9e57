// SPDX-License-Identifier: MIT
// sendoff TX path: descriptor ring -> checks -> payload read -> udp_tx or tcp_tx (TSO) ->
// tx_merge (ring order) -> ip_tx -> eth_tx -> FCS -> MAC (AXI4-Stream), with AXI4-Lite
// control registers and the flow table.
//
// The descriptor ring and the payloads have one AXI4 read master each, so descriptor reads
// never take payload bandwidth; both may point at the same memory. One AXI4 write master
// (m_axi_wr) writes RING_TAIL back to the host's write-back block (tail_writeback).
module sendoff_tx_top
  import sendoff_pkg::*;
#(
  parameter int unsigned DataWidth      = 512,   // DATA_WIDTH: AXI4 read and stream bits
  parameter int unsigned AxilAddrWidth  = 12,    // control register address bits
  parameter int unsigned BufferBeats    = 2048,  // udp_tx payload buffer, beats
  parameter int unsigned MetaDepth      = 256,   // datagrams in udp_tx
  parameter int unsigned MaxOutstanding = 512,   // payload reorder buffer, beats
  parameter int unsigned DataIdWidth    = 7,     // payload ARID bits: 128 bursts in flight
  parameter int unsigned CplDepth       = 512,   // descriptors past the checks, in flight
  parameter int unsigned RxFifoBeats    = 512,   // receive FIFO, beats (32 KiB at 512 bits)
  // Device memory window [0, DevMemBytes) that rings and payloads must lie in, as the HLS
  // model's SENDOFF_DEV_MEM_BYTES; 0 accepts any 64-bit address.
  parameter longint unsigned DevMemBytes = 0
) (
  input  logic                     clk,
  input  logic                     rst_n,

  // ---- AXI4-Lite control
  input  logic [AxilAddrWidth-1:0] s_axil_awaddr,
  input  logic [2:0]               s_axil_awprot,
  input  logic                     s_axil_awvalid,
  output logic                     s_axil_awready,
  input  logic [31:0]              s_axil_wdata,
  input  logic [3:0]               s_axil_wstrb,
  input  logic                     s_axil_wvalid,
  output logic                     s_axil_wready,
  output logic [1:0]               s_axil_bresp,
  output logic                     s_axil_bvalid,
  input  logic                     s_axil_bready,
  input  logic [AxilAddrWidth-1:0] s_axil_araddr,
  input  logic [2:0]               s_axil_arprot,
  input  logic                     s_axil_arvalid,
  output logic                     s_axil_arready,
  output logic [31:0]              s_axil_rdata,
  output logic [1:0]               s_axil_rresp,
  output logic                     s_axil_rvalid,
  input  logic                     s_axil_rready,

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

  // ---- AXI4 write master: the tail write-back (one ID, so no AWID/BID)
  output logic [63:0]              m_axi_wr_awaddr,
  output logic [7:0]               m_axi_wr_awlen,
  output logic [2:0]               m_axi_wr_awsize,
  output logic [1:0]               m_axi_wr_awburst,
  output logic [3:0]               m_axi_wr_awcache,
  output logic [2:0]               m_axi_wr_awprot,
  output logic                     m_axi_wr_awvalid,
  input  logic                     m_axi_wr_awready,
  output logic [DataWidth-1:0]     m_axi_wr_wdata,
  output logic [DataWidth/8-1:0]   m_axi_wr_wstrb,
  output logic                     m_axi_wr_wlast,
  output logic                     m_axi_wr_wvalid,
  input  logic                     m_axi_wr_wready,
  input  logic [1:0]               m_axi_wr_bresp,
  input  logic                     m_axi_wr_bvalid,
  output logic                     m_axi_wr_bready,

  // ---- AXI4-Stream to the MAC: frame byte 0 in bits 7:0, tvalid held within a frame
  output logic [DataWidth-1:0]     m_axis_tx_tdata,
  output logic [DataWidth/8-1:0]   m_axis_tx_tkeep,
  output logic                     m_axis_tx_tlast,
  output logic                     m_axis_tx_tvalid,
  input  logic                     m_axis_tx_tready,

  // ---- AXI4-Stream from the MAC: FCS included, no tready (the MAC cannot be stalled)
  input  logic [DataWidth-1:0]     s_axis_rx_tdata,
  input  logic [DataWidth/8-1:0]   s_axis_rx_tkeep,
  input  logic                     s_axis_rx_tlast,
  input  logic                     s_axis_rx_tvalid,

  // ---- AXI4 write master: received frames, completions, RX_TAIL write-back (one ID)
  output logic [63:0]              m_axi_rx_awaddr,
  output logic [7:0]               m_axi_rx_awlen,
  output logic [2:0]               m_axi_rx_awsize,
  output logic [1:0]               m_axi_rx_awburst,
  output logic [3:0]               m_axi_rx_awcache,
  output logic [2:0]               m_axi_rx_awprot,
  output logic                     m_axi_rx_awvalid,
  input  logic                     m_axi_rx_awready,
  output logic [DataWidth-1:0]     m_axi_rx_wdata,
  output logic [DataWidth/8-1:0]   m_axi_rx_wstrb,
  output logic                     m_axi_rx_wlast,
  output logic                     m_axi_rx_wvalid,
  input  logic                     m_axi_rx_wready,
  input  logic [1:0]               m_axi_rx_bresp,
  input  logic                     m_axi_rx_bvalid,
  output logic                     m_axi_rx_bready
);

  localparam int unsigned Bytes = DataWidth / 8;

  // The stages are written for 512 bits (the CMAC width) and 1024 (toward 400GbE): headers
  // and the 60-byte minimum frame fit one beat. Both are simulated (sim/CMakeLists.txt).
  if (DataWidth != 512 && DataWidth != 1024) begin : gen_bad_width
    $error("sendoff_tx_top: DataWidth must be 512 or 1024");
  end

  // ------------------------------------------------------------------------- registers
  logic        ctrl_enable, ctrl_fcs_append;
  logic [63:0] ring_base;
  logic [31:0] ring_size, ring_head, ring_tail, fetch_idx;
  logic        cpl_pending, ring_usable, fetch_active, busy;
  logic [63:0] wb_base;
  logic        wb_error, wb_busy;
  logic        flow_we, flow_re;
  logic [7:0]  flow_waddr, flow_raddr;
  logic [FlowStoredBytes*8-1:0] flow_wdata, flow_ram_rdata, flow_rdata;
  logic        stat_frame, stat_drop, stat_desc_error, frame_done;
  logic        dgram_done, dgram_dropped, read_error;
  logic        desc_holding, release_hold, lone_wait;
  logic        udp_done, udp_dropped, tcp_done, tcp_dropped;
  logic [15:0] stat_frame_len;
  logic        ctrl_rx_enable;
  logic [63:0] rx_buf_base, rx_cpl_base;
  logic [31:0] rx_ring_size, rx_buf_size, rx_head, rx_tail;
  logic        rx_frame, rx_drop_fcs, rx_drop_len, rx_drop_nobuf, rx_drop_fifo, rx_busy;
  logic [15:0] rx_frame_len;

  // Busy: descriptors fetched and not completed, a fetch being worked out (it may still
  // issue after CTRL_ENABLE fell), or more to fetch from a usable ring, or a tail write-back
  // due or in flight. CTRL_RESET and ring writes wait for it to fall (sendoff_regs).
  // A TCP first slot alone (RING_HEAD one past it) waits in desc_check without making the
  // NIC busy, as in the C model, which consumes nothing then. With CTRL_ENABLE low it is
  // given back (desc_fetch steps back over it), so a CTRL_RESET or a new ring finds the NIC
  // with nothing read.
  assign lone_wait    = desc_holding && (fetch_idx == ring_tail + 32'd1);
  assign release_hold = lone_wait && !ctrl_enable && !fetch_active;
  assign busy = cpl_pending || ((ring_tail != fetch_idx) && !(lone_wait && ctrl_enable)) ||
                fetch_active || (ctrl_enable && ring_usable && ring_head != fetch_idx) ||
                wb_busy;

  sendoff_regs #(
    .AddrWidth (AxilAddrWidth)
  ) u_regs (
    .clk             (clk),
    .rst_n           (rst_n),
    .s_axil_awaddr   (s_axil_awaddr),
    .s_axil_awprot   (s_axil_awprot),
    .s_axil_awvalid  (s_axil_awvalid),
    .s_axil_awready  (s_axil_awready),
    .s_axil_wdata    (s_axil_wdata),
    .s_axil_wstrb    (s_axil_wstrb),
    .s_axil_wvalid   (s_axil_wvalid),
    .s_axil_wready   (s_axil_wready),
    .s_axil_bresp    (s_axil_bresp),
    .s_axil_bvalid   (s_axil_bvalid),
    .s_axil_bready   (s_axil_bready),
    .s_axil_araddr   (s_axil_araddr),
    .s_axil_arprot   (s_axil_arprot),
    .s_axil_arvalid  (s_axil_arvalid),
    .s_axil_arready  (s_axil_arready),
    .s_axil_rdata    (s_axil_rdata),
    .s_axil_rresp    (s_axil_rresp),
    .s_axil_rvalid   (s_axil_rvalid),
    .s_axil_rready   (s_axil_rready),
    .ctrl_enable     (ctrl_enable),
    .ctrl_fcs_append (ctrl_fcs_append),
    .ctrl_rx_enable  (ctrl_rx_enable),
    .ring_base       (ring_base),
    .ring_size       (ring_size),
    .ring_head       (ring_head),
    .ring_tail       (ring_tail),
    .wb_base         (wb_base),
    .busy            (busy),
    .rx_buf_base     (rx_buf_base),
    .rx_cpl_base     (rx_cpl_base),
    .rx_ring_size    (rx_ring_size),
    .rx_buf_size     (rx_buf_size),
    .rx_head         (rx_head),
    .rx_tail         (rx_tail),
    .flow_we         (flow_we),
    .flow_waddr      (flow_waddr),
    .flow_wdata      (flow_wdata),
    .stat_frame      (stat_frame),
    .stat_frame_len  (stat_frame_len),
    .stat_drop       (stat_drop),
    .stat_desc_error (stat_desc_error),
    .stat_read_error (read_error),
    .stat_wb_error   (wb_error),
    .stat_rx_frame      (rx_frame),
    .stat_rx_len        (rx_frame_len),
    .stat_rx_drop_fcs   (rx_drop_fcs),
    .stat_rx_drop_len   (rx_drop_len),
    .stat_rx_drop_nobuf (rx_drop_nobuf),
    .stat_rx_drop_fifo  (rx_drop_fifo)
  );

  // ------------------------------------------------------------------------- receive path
  logic [DataWidth-1:0] rxp_data;
  logic [Bytes-1:0]     rxp_keep;
  logic                 rxp_last, rxp_valid;
  rx_meta_t             rxp_meta;

  rx_parse #(
    .DataWidth (DataWidth)
  ) u_rx_parse (
    .clk           (clk),
    .rst_n         (rst_n),
    .s_axis_tdata  (s_axis_rx_tdata),
    .s_axis_tkeep  (s_axis_rx_tkeep),
    .s_axis_tlast  (s_axis_rx_tlast),
    .s_axis_tvalid (s_axis_rx_tvalid),
    .m_axis_tdata  (rxp_data),
    .m_axis_tkeep  (rxp_keep),
    .m_axis_tlast  (rxp_last),
    .m_axis_tvalid (rxp_valid),
    .m_meta        (rxp_meta)
  );

  rx_dma #(
    .DataWidth   (DataWidth),
    .FifoBeats   (RxFifoBeats),
    .DevMemBytes (DevMemBytes)
  ) u_rx_dma (
    .clk             (clk),
    .rst_n           (rst_n),
    .s_axis_tdata    (rxp_data),
    .s_axis_tlast    (rxp_last),
    .s_axis_tvalid   (rxp_valid),
    .s_meta          (rxp_meta),
    .rx_enable       (ctrl_rx_enable),
    .buf_base        (rx_buf_base),
    .cpl_base        (rx_cpl_base),
    .wb_base         (wb_base),
    .ring_size       (rx_ring_size),
    .buf_size        (rx_buf_size),
    .head            (rx_head),
    .tail            (rx_tail),
    .stat_frame      (rx_frame),
    .stat_frame_len  (rx_frame_len),
    .stat_drop_fcs   (rx_drop_fcs),
    .stat_drop_len   (rx_drop_len),
    .stat_drop_nobuf (rx_drop_nobuf),
    .stat_drop_fifo  (rx_drop_fifo),
    .busy            (rx_busy),
    .m_axi_awaddr    (m_axi_rx_awaddr),
    .m_axi_awlen     (m_axi_rx_awlen),
    .m_axi_awsize    (m_axi_rx_awsize),
    .m_axi_awburst   (m_axi_rx_awburst),
    .m_axi_awcache   (m_axi_rx_awcache),
    .m_axi_awprot    (m_axi_rx_awprot),
    .m_axi_awvalid   (m_axi_rx_awvalid),
    .m_axi_awready   (m_axi_rx_awready),
    .m_axi_wdata     (m_axi_rx_wdata),
    .m_axi_wstrb     (m_axi_rx_wstrb),
    .m_axi_wlast     (m_axi_rx_wlast),
    .m_axi_wvalid    (m_axi_rx_wvalid),
    .m_axi_wready    (m_axi_rx_wready),
    .m_axi_bresp     (m_axi_rx_bresp),
    .m_axi_bvalid    (m_axi_rx_bvalid),
    .m_axi_bready    (m_axi_rx_bready)
  );

  sdp_ram #(
    .Width   (FlowStoredBytes * 8),
    .Depth   (FlowTableSize),
    .Latency (1)
  ) u_flow_table (
    .clk   (clk),
    .we    (flow_we),
    .waddr (flow_waddr),
    .wdata (flow_wdata),
    .re    (flow_re),
    .raddr (flow_raddr),
    .rdata (flow_ram_rdata)
  );

  // Block RAM is not cleared by a reset: an entry not committed since the reset reads as not
  // FLOW_F_VALID (a drop), as in the C model, whatever the RAM held before.
  logic [FlowTableSize-1:0] flow_written_q;
  logic                     flow_rd_written_q;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      flow_written_q    <= '0;
      flow_rd_written_q <= 1'b0;
    end else begin
      // An address decode per entry (an equality, two LUT levels), run only on a write.
      if (flow_we)
        for (int i = 0; i < FlowTableSize; i++)
          if (flow_waddr == 8'(i)) flow_written_q[i] <= 1'b1;
      if (flow_re) flow_rd_written_q <= flow_written_q[flow_raddr];
    end
  end

  always_comb begin
    flow_rdata = flow_ram_rdata;
    flow_rdata[FlowFlagsOff*8] = flow_ram_rdata[FlowFlagsOff*8] && flow_rd_written_q;
  end

  // ------------------------------------------------------------------------- read slices
  // Read data meets a flip-flop before any logic: a register slice (rready a register) on
  // the descriptor channel; on the payload channel, which payload_read always accepts (its
  // buffer space is reserved when the burst is issued), a plain register stage.
  logic [DataWidth-1:0]   desc_rdata, data_rdata;
  logic [1:0]             desc_rresp, data_rresp;
  logic [DataIdWidth-1:0] data_rid;
  logic                   desc_rlast, desc_rvalid, desc_rready;
  logic                   data_rlast, data_rvalid, data_rready;
  logic [$clog2(2):0]     desc_slice_count;

  sync_fifo #(
    .Width (DataWidth + 3),
    .Depth (2)
  ) u_desc_r_slice (
    .clk     (clk),
    .rst_n   (rst_n),
    .s_data  ({m_axi_desc_rresp, m_axi_desc_rlast, m_axi_desc_rdata}),
    .s_valid (m_axi_desc_rvalid),
    .s_ready (m_axi_desc_rready),
    .m_data  ({desc_rresp, desc_rlast, desc_rdata}),
    .m_valid (desc_rvalid),
    .m_ready (desc_rready),
    .count   (desc_slice_count)
  );

  always_ff @(posedge clk) begin
    data_rvalid <= rst_n && m_axi_data_rvalid;
    data_rid    <= m_axi_data_rid;
    data_rresp  <= m_axi_data_rresp;
    data_rlast  <= m_axi_data_rlast;
    data_rdata  <= m_axi_data_rdata;
  end
  assign m_axi_data_rready = 1'b1;

  // ------------------------------------------------------------------------- descriptors
  logic [TxdBytes*8-1:0] fetch_data, desc_data;
  logic                  fetch_err, fetch_valid, fetch_ready;
  logic                  desc_err, desc_valid, desc_ready;

  desc_fetch #(
    .DataWidth   (DataWidth),
    .DevMemBytes (DevMemBytes)
  ) u_desc_fetch (
    .clk           (clk),
    .rst_n         (rst_n),
    .enable        (ctrl_enable),
    .ring_base     (ring_base),
    .ring_size     (ring_size),
    .ring_head     (ring_head),
    .fetch_idx     (fetch_idx),
    .unfetch       (release_hold),
    .ring_usable   (ring_usable),
    .active        (fetch_active),
    .m_axi_araddr  (m_axi_desc_araddr),
    .m_axi_arlen   (m_axi_desc_arlen),
    .m_axi_arsize  (m_axi_desc_arsize),
    .m_axi_arburst (m_axi_desc_arburst),
    .m_axi_arcache (m_axi_desc_arcache),
    .m_axi_arprot  (m_axi_desc_arprot),
    .m_axi_arvalid (m_axi_desc_arvalid),
    .m_axi_arready (m_axi_desc_arready),
    .m_axi_rdata   (desc_rdata),
    .m_axi_rresp   (desc_rresp),
    .m_axi_rlast   (desc_rlast),
    .m_axi_rvalid  (desc_rvalid),
    .m_axi_rready  (desc_rready),
    .m_desc_data   (fetch_data),
    .m_desc_err    (fetch_err),
    .m_desc_valid  (fetch_valid),
    .m_desc_ready  (fetch_ready)
  );

  // A 2-entry FIFO (registered ready) between the fetch and the checks, as between the other
  // stages: desc_check's stall no longer reaches desc_fetch's buffer accounting, nor does
  // desc_fetch's lane choice reach the checks made on the descriptor.
  logic [$clog2(2):0] desc_fifo_count;
  sync_fifo #(
    .Width (TxdBytes * 8 + 1),
    .Depth (2)
  ) u_desc_fifo (
    .clk     (clk),
    .rst_n   (rst_n),
    .s_data  ({fetch_err, fetch_data}),
    .s_valid (fetch_valid),
    .s_ready (fetch_ready),
    .m_data  ({desc_err, desc_data}),
    .m_valid (desc_valid),
    .m_ready (desc_ready),
    .count   (desc_fifo_count)
  );

  logic [63:0] chk_addr;
  tx_job_t     chk_job;
  tcp_ext_t    chk_ext;
  logic        chk_valid, chk_ready, cpl_sent, cpl_two, cpl_valid, cpl_ready;

  desc_check #(
    .DevMemBytes (DevMemBytes)
  ) u_desc_check (
    .clk             (clk),
    .rst_n           (rst_n),
    .s_desc_data     (desc_data),
    .s_desc_err      (desc_err),
    .s_desc_valid    (desc_valid),
    .s_desc_ready    (desc_ready),
    .holding         (desc_holding),
    .release_hold    (release_hold),
    .flow_re         (flow_re),
    .flow_raddr      (flow_raddr),
    .flow_rdata      (flow_rdata),
    .m_job_addr      (chk_addr),
    .m_job           (chk_job),
    .m_job_ext       (chk_ext),
    .m_job_valid     (chk_valid),
    .m_job_ready     (chk_ready),
    .m_cpl_sent      (cpl_sent),
    .m_cpl_two       (cpl_two),
    .m_cpl_valid     (cpl_valid),
    .m_cpl_ready     (cpl_ready),
    .stat_drop       (stat_drop),
    .stat_desc_error (stat_desc_error)
  );

  desc_complete #(
    .Depth (CplDepth)
  ) u_desc_complete (
    .clk           (clk),
    .rst_n         (rst_n),
    .s_cpl_sent    (cpl_sent),
    .s_cpl_two     (cpl_two),
    .s_cpl_valid   (cpl_valid),
    .s_cpl_ready   (cpl_ready),
    .dgram_done    (dgram_done),
    .dgram_dropped (dgram_dropped),
    .frame_done    (frame_done),
    .ring_tail     (ring_tail),
    .pending       (cpl_pending)
  );

  // ------------------------------------------------------------------------- tail write-back
  logic [63:0]          wbq_addr;
  logic                 wbq_valid, wbq_ready, wbd_valid, wbd_ready, wbr_valid, wbr_err;
  logic [DataWidth-1:0] wbd_data;
  logic [Bytes-1:0]     wbd_strb;
  logic [0:0]           wbr_id, wr_awid;
  logic                 wb_idle;

  tail_writeback #(
    .DataWidth   (DataWidth),
    .DevMemBytes (DevMemBytes)
  ) u_tail_wb (
    .clk          (clk),
    .rst_n        (rst_n),
    .ctrl_enable  (ctrl_enable),
    .wb_base      (wb_base),
    .ring_tail    (ring_tail),
    .m_req_addr   (wbq_addr),
    .m_req_valid  (wbq_valid),
    .m_req_ready  (wbq_ready),
    .m_data       (wbd_data),
    .m_data_strb  (wbd_strb),
    .m_data_valid (wbd_valid),
    .m_data_ready (wbd_ready),
    .s_resp_valid (wbr_valid),
    .s_resp_err   (wbr_err),
    .wb_error     (wb_error),
    .busy         (wb_busy)
  );

  axi_write_master #(
    .DataWidth      (DataWidth),
    .IdWidth        (1),
    .MaxOutstanding (1)
  ) u_wr (
    .clk           (clk),
    .rst_n         (rst_n),
    .s_req_addr    (wbq_addr),
    .s_req_len     (8'd0),
    .s_req_id      (1'b0),
    .s_req_valid   (wbq_valid),
    .s_req_ready   (wbq_ready),
    .s_data        (wbd_data),
    .s_data_strb   (wbd_strb),
    .s_data_last   (1'b1),
    .s_data_valid  (wbd_valid),
    .s_data_ready  (wbd_ready),
    .m_resp_valid  (wbr_valid),
    .m_resp_id     (wbr_id),
    .m_resp_err    (wbr_err),
    .idle          (wb_idle),
    .m_axi_awid    (wr_awid),
    .m_axi_awaddr  (m_axi_wr_awaddr),
    .m_axi_awlen   (m_axi_wr_awlen),
    .m_axi_awsize  (m_axi_wr_awsize),
    .m_axi_awburst (m_axi_wr_awburst),
    .m_axi_awcache (m_axi_wr_awcache),
    .m_axi_awprot  (m_axi_wr_awprot),
    .m_axi_awvalid (m_axi_wr_awvalid),
    .m_axi_awready (m_axi_wr_awready),
    .m_axi_wdata   (m_axi_wr_wdata),
    .m_axi_wstrb   (m_axi_wr_wstrb),
    .m_axi_wlast   (m_axi_wr_wlast),
    .m_axi_wvalid  (m_axi_wr_wvalid),
    .m_axi_wready  (m_axi_wr_wready),
    .m_axi_bid     (1'b0),
    .m_axi_bresp   (m_axi_wr_bresp),
    .m_axi_bvalid  (m_axi_wr_bvalid),
    .m_axi_bready  (m_axi_wr_bready)
  );

  logic [63:0] job_addr;
  tx_job_t     job;
  logic        job_valid, job_ready;

  // A sent job enters three queues at once: the job FIFO to payload_read, its route (UDP or
  // TCP) for tx_merge, and for TCP what tcp_tx needs beyond the job (the descriptor's second
  // slot, MSS and sequence number), which waits at payload_read's output for its job.
  logic               jf_ready, ext_ready, route_ready, chk_take;
  logic [$clog2(2):0] job_fifo_count;
  assign chk_ready = jf_ready && ext_ready && route_ready;
  assign chk_take  = chk_valid && chk_ready;

  sync_fifo #(
    .Width (64 + $bits(tx_job_t)),
    .Depth (2),
    .OutReg (1)
  ) u_job_fifo (
    .clk     (clk),
    .rst_n   (rst_n),
    .s_data  ({chk_addr, chk_job}),
    .s_valid (chk_valid && ext_ready && route_ready),
    .s_ready (jf_ready),
    .m_data  ({job_addr, job}),
    .m_valid (job_valid),
    .m_ready (job_ready),
    .count   (job_fifo_count)
  );

  // ------------------------------------------------------------------------- payload
  tx_job_t              pr_job;
  lane_t                pr_off;
  logic                 pr_hdr_valid, pr_hdr_ready;
  logic [DataWidth-1:0] pr_tdata;
  logic [Bytes-1:0]     pr_tkeep;
  logic                 pr_tlast, pr_tuser, pr_tvalid, pr_tready;

  payload_read #(
    .DataWidth      (DataWidth),
    .MaxBurstBeats  (4096 / Bytes),
    .MaxOutstanding (MaxOutstanding),
    .IdWidth        (DataIdWidth)
  ) u_payload_read (
    .clk           (clk),
    .rst_n         (rst_n),
    .s_job_addr    (job_addr),
    .s_job         (job),
    .s_job_valid   (job_valid),
    .s_job_ready   (job_ready),
    .m_axi_arid    (m_axi_data_arid),
    .m_axi_araddr  (m_axi_data_araddr),
    .m_axi_arlen   (m_axi_data_arlen),
    .m_axi_arsize  (m_axi_data_arsize),
    .m_axi_arburst (m_axi_data_arburst),
    .m_axi_arcache (m_axi_data_arcache),
    .m_axi_arprot  (m_axi_data_arprot),
    .m_axi_arvalid (m_axi_data_arvalid),
    .m_axi_arready (m_axi_data_arready),
    .m_axi_rid     (data_rid),
    .m_axi_rdata   (data_rdata),
    .m_axi_rresp   (data_rresp),
    .m_axi_rlast   (data_rlast),
    .m_axi_rvalid  (data_rvalid),
    .m_axi_rready  (data_rready),
    .m_hdr_job     (pr_job),
    .m_hdr_off     (pr_off),
    .m_hdr_valid   (pr_hdr_valid),
    .m_hdr_ready   (pr_hdr_ready),
    .m_data_tdata  (pr_tdata),
    .m_data_tkeep  (pr_tkeep),
    .m_data_tlast  (pr_tlast),
    .m_data_tuser  (pr_tuser),
    .m_data_tvalid (pr_tvalid),
    .m_data_tready (pr_tready)
  );

  // ------------------------------------------------------------------------- routing
  // Headers by the job's tcp bit; beats by the order of the headers with beats (tlast per
  // non-empty job), so that each job's payload follows its header to the same stage.
  tcp_ext_t             pr_ext;
  logic                 pr_ext_valid, pr_ext_pop;
  logic [$clog2(16):0]  ext_count;
  sync_fifo #(
    .Width  ($bits(tcp_ext_t)),
    .Depth  (16),
    .OutReg (1)
  ) u_ext_fifo (
    .clk     (clk),
    .rst_n   (rst_n),
    .s_data  (chk_ext),
    .s_valid (chk_take && chk_job.tcp),
    .s_ready (ext_ready),
    .m_data  (pr_ext),
    .m_valid (pr_ext_valid),
    .m_ready (pr_ext_pop),
    .count   (ext_count)
  );

  logic udp_in_hdr_valid, udp_in_hdr_ready, tcp_in_hdr_valid, tcp_in_hdr_ready;
  logic udp_in_tvalid, udp_in_tready, tcp_in_tvalid, tcp_in_tready;
  logic dr_tcp, dr_valid, dr_ready, dr_pop, pr_hdr_go;
  logic [$clog2(256):0] dr_count;
  tcp_job_t tcp_in_job;

  assign pr_hdr_go        = pr_hdr_valid && dr_ready && (!pr_job.tcp || pr_ext_valid);
  assign udp_in_hdr_valid = pr_hdr_go && !pr_job.tcp;
  assign tcp_in_hdr_valid = pr_hdr_go && pr_job.tcp;
  assign pr_hdr_ready     = pr_hdr_go && (pr_job.tcp ? tcp_in_hdr_ready : udp_in_hdr_ready);
  assign pr_ext_pop       = tcp_in_hdr_valid && tcp_in_hdr_ready;
  // tcp_job_t is tx_job_t followed by tcp_ext_t's fields, in the same order.
  assign tcp_in_job       = {pr_job, pr_ext};

  sync_fifo #(
    .Width  (1),
    .Depth  (256),
    .OutReg (1)
  ) u_data_route (
    .clk     (clk),
    .rst_n   (rst_n),
    .s_data  (pr_job.tcp),
    .s_valid (pr_hdr_valid && pr_hdr_ready && pr_job.len != 16'd0),
    .s_ready (dr_ready),
    .m_data  (dr_tcp),
    .m_valid (dr_valid),
    .m_ready (dr_pop),
    .count   (dr_count)
  );

  assign udp_in_tvalid = pr_tvalid && dr_valid && !dr_tcp;
  assign tcp_in_tvalid = pr_tvalid && dr_valid && dr_tcp;
  assign pr_tready     = dr_valid && (dr_tcp ? tcp_in_tready : udp_in_tready);
  assign dr_pop        = pr_tvalid && pr_tready && pr_tlast;

  // ------------------------------------------------------------------------- udp_tx
  dgram_t               udp_hdr, dg_hdr, mg_hdr;
  logic                 udp_hdr_valid, udp_hdr_ready, dg_hdr_valid, dg_hdr_ready;
  logic [DataWidth-1:0] udp_tdata;
  logic [Bytes-1:0]     udp_tkeep;
  logic                 udp_tlast, udp_tvalid, udp_tready;

  udp_tx #(
    .DataWidth   (DataWidth),
    .BufferBeats (BufferBeats),
    .MetaDepth   (MetaDepth)
  ) u_udp_tx (
    .clk           (clk),
    .rst_n         (rst_n),
    .s_hdr_job     (pr_job),
    .s_hdr_off     (pr_off),
    .s_hdr_valid   (udp_in_hdr_valid),
    .s_hdr_ready   (udp_in_hdr_ready),
    .s_data_tdata  (pr_tdata),
    .s_data_tkeep  (pr_tkeep),
    .s_data_tlast  (pr_tlast),
    .s_data_tuser  (pr_tuser),
    .s_data_tvalid (udp_in_tvalid),
    .s_data_tready (udp_in_tready),
    .m_hdr         (udp_hdr),
    .m_hdr_valid   (udp_hdr_valid),
    .m_hdr_ready   (udp_hdr_ready),
    .m_data_tdata  (udp_tdata),
    .m_data_tkeep  (udp_tkeep),
    .m_data_tlast  (udp_tlast),
    .m_data_tvalid (udp_tvalid),
    .m_data_tready (udp_tready),
    .dgram_done    (udp_done),
    .dgram_dropped (udp_dropped)
  );

  // ------------------------------------------------------------------------- tcp_tx
  dgram_t               tcp_hdr;
  logic                 tcp_hdr_valid, tcp_hdr_ready;
  logic [DataWidth-1:0] tcp_tdata;
  logic [Bytes-1:0]     tcp_tkeep;
  logic                 tcp_tlast, tcp_tvalid, tcp_tready;

  tcp_tx #(
    .DataWidth (DataWidth)
  ) u_tcp_tx (
    .clk           (clk),
    .rst_n         (rst_n),
    .s_hdr_job     (tcp_in_job),
    .s_hdr_off     (pr_off),
    .s_hdr_valid   (tcp_in_hdr_valid),
    .s_hdr_ready   (tcp_in_hdr_ready),
    .s_data_tdata  (pr_tdata),
    .s_data_tkeep  (pr_tkeep),
    .s_data_tlast  (pr_tlast),
    .s_data_tuser  (pr_tuser),
    .s_data_tvalid (tcp_in_tvalid),
    .s_data_tready (tcp_in_tready),
    .m_hdr         (tcp_hdr),
    .m_hdr_valid   (tcp_hdr_valid),
    .m_hdr_ready   (tcp_hdr_ready),
    .m_data_tdata  (tcp_tdata),
    .m_data_tkeep  (tcp_tkeep),
    .m_data_tlast  (tcp_tlast),
    .m_data_tvalid (tcp_tvalid),
    .m_data_tready (tcp_tready),
    .job_done      (tcp_done),
    .job_dropped   (tcp_dropped)
  );

  // ------------------------------------------------------------------------- tx_merge
  logic                 mg_hdr_valid, mg_hdr_ready, mg_tlast, mg_tvalid, mg_tready;
  logic [DataWidth-1:0] mg_tdata;
  logic [Bytes-1:0]     mg_tkeep;

  tx_merge #(
    .DataWidth (DataWidth),
    .Depth     (CplDepth)
  ) u_tx_merge (
    .clk             (clk),
    .rst_n           (rst_n),
    .s_route_tcp     (chk_job.tcp),
    .s_route_valid   (chk_valid && jf_ready && ext_ready),
    .s_route_ready   (route_ready),
    .udp_done        (udp_done),
    .udp_dropped     (udp_dropped),
    .tcp_done        (tcp_done),
    .tcp_dropped     (tcp_dropped),
    .s_udp_hdr       (udp_hdr),
    .s_udp_hdr_valid (udp_hdr_valid),
    .s_udp_hdr_ready (udp_hdr_ready),
    .s_udp_tdata     (udp_tdata),
    .s_udp_tkeep     (udp_tkeep),
    .s_udp_tlast     (udp_tlast),
    .s_udp_tvalid    (udp_tvalid),
    .s_udp_tready    (udp_tready),
    .s_tcp_hdr       (tcp_hdr),
    .s_tcp_hdr_valid (tcp_hdr_valid),
    .s_tcp_hdr_ready (tcp_hdr_ready),
    .s_tcp_tdata     (tcp_tdata),
    .s_tcp_tkeep     (tcp_tkeep),
    .s_tcp_tlast     (tcp_tlast),
    .s_tcp_tvalid    (tcp_tvalid),
    .s_tcp_tready    (tcp_tready),
    .m_hdr           (mg_hdr),
    .m_hdr_valid     (mg_hdr_valid),
    .m_hdr_ready     (mg_hdr_ready),
    .m_data_tdata    (mg_tdata),
    .m_data_tkeep    (mg_tkeep),
    .m_data_tlast    (mg_tlast),
    .m_data_tvalid   (mg_tvalid),
    .m_data_tready   (mg_tready),
    .dgram_done      (dgram_done),
    .dgram_dropped   (dgram_dropped)
  );
  // Every payload read error is one descriptor error, counted as its job is passed over.
  assign read_error = dgram_done && dgram_dropped;

  logic [$clog2(2):0] dgram_fifo_count;
  sync_fifo #(
    .Width ($bits(dgram_t)),
    .Depth (2),
    .OutReg (1)
  ) u_dgram_fifo (
    .clk     (clk),
    .rst_n   (rst_n),
    .s_data  (mg_hdr),
    .s_valid (mg_hdr_valid),
    .s_ready (mg_hdr_ready),
    .m_data  (dg_hdr),
    .m_valid (dg_hdr_valid),
    .m_ready (dg_hdr_ready),
    .count   (dgram_fifo_count)
  );

  // ------------------------------------------------------------------------- ip_tx
  frame_hdr_t           ip_hdr, fr_hdr;
  logic                 ip_hdr_valid, ip_hdr_ready, fr_hdr_valid, fr_hdr_ready;
  logic [DataWidth-1:0] ip_tdata, fr_tdata;
  logic [Bytes-1:0]     ip_tkeep, fr_tkeep;
  logic                 ip_tlast, ip_tvalid, ip_tready, fr_tlast, fr_tvalid, fr_tready;

  ip_tx #(
    .DataWidth (DataWidth)
  ) u_ip_tx (
    .clk           (clk),
    .rst_n         (rst_n),
    .s_hdr         (dg_hdr),
    .s_hdr_valid   (dg_hdr_valid),
    .s_hdr_ready   (dg_hdr_ready),
    .s_data_tdata  (mg_tdata),
    .s_data_tkeep  (mg_tkeep),
    .s_data_tlast  (mg_tlast),
    .s_data_tvalid (mg_tvalid),
    .s_data_tready (mg_tready),
    .m_hdr         (ip_hdr),
    .m_hdr_valid   (ip_hdr_valid),
    .m_hdr_ready   (ip_hdr_ready),
    .m_data_tdata  (ip_tdata),
    .m_data_tkeep  (ip_tkeep),
    .m_data_tlast  (ip_tlast),
    .m_data_tvalid (ip_tvalid),
    .m_data_tready (ip_tready)
  );

  logic [$clog2(8):0] frame_fifo_count;
  sync_fifo #(
    .Width ($bits(frame_hdr_t)),
    .Depth (8),
    .OutReg (1)
  ) u_frame_fifo (
    .clk     (clk),
    .rst_n   (rst_n),
    .s_data  (ip_hdr),
    .s_valid (ip_hdr_valid),
    .s_ready (ip_hdr_ready),
    .m_data  (fr_hdr),
    .m_valid (fr_hdr_valid),
    .m_ready (fr_hdr_ready),
    .count   (frame_fifo_count)
  );

  logic [$clog2(2):0] ip_data_fifo_count;
  sync_fifo #(
    .Width (DataWidth + Bytes + 1),
    .Depth (2)
  ) u_ip_data_fifo (
    .clk     (clk),
    .rst_n   (rst_n),
    .s_data  ({ip_tlast, ip_tkeep, ip_tdata}),
    .s_valid (ip_tvalid),
    .s_ready (ip_tready),
    .m_data  ({fr_tlast, fr_tkeep, fr_tdata}),
    .m_valid (fr_tvalid),
    .m_ready (fr_tready),
    .count   (ip_data_fifo_count)
  );

  // ------------------------------------------------------------------------- eth_tx, FCS
  logic [DataWidth-1:0] eth_tdata, fcs_in_tdata;
  logic [Bytes-1:0]     eth_tkeep, fcs_in_tkeep;
  logic [$clog2(Bytes):0] eth_tcount, fcs_in_tcount;
  logic                 eth_tlast, eth_tvalid, eth_tready;
  logic                 fcs_in_tlast, fcs_in_tvalid, fcs_in_tready;
  frame_info_t          eth_tuser, fcs_in_tuser, fcs_tuser, out_tuser;
  logic [DataWidth-1:0] fcs_tdata;
  logic [Bytes-1:0]     fcs_tkeep;
  logic                 fcs_tlast, fcs_tvalid, fcs_tready;

  eth_tx #(
    .DataWidth (DataWidth)
  ) u_eth_tx (
    .clk           (clk),
    .rst_n         (rst_n),
    .s_hdr         (fr_hdr),
    .s_hdr_valid   (fr_hdr_valid),
    .s_hdr_ready   (fr_hdr_ready),
    .s_data_tdata  (fr_tdata),
    .s_data_tkeep  (fr_tkeep),
    .s_data_tlast  (fr_tlast),
    .s_data_tvalid (fr_tvalid),
    .s_data_tready (fr_tready),
    .m_axis_tdata  (eth_tdata),
    .m_axis_tkeep  (eth_tkeep),
    .m_axis_tcount (eth_tcount),
    .m_axis_tlast  (eth_tlast),
    .m_axis_tuser  (eth_tuser),
    .m_axis_tvalid (eth_tvalid),
    .m_axis_tready (eth_tready)
  );

  logic [$clog2(2):0] eth_fifo_count;
  sync_fifo #(
    .Width (DataWidth + Bytes + $clog2(Bytes) + 2 + $bits(frame_info_t)),
    .Depth (2)
  ) u_eth_fifo (
    .clk     (clk),
    .rst_n   (rst_n),
    .s_data  ({eth_tuser, eth_tlast, eth_tcount, eth_tkeep, eth_tdata}),
    .s_valid (eth_tvalid),
    .s_ready (eth_tready),
    .m_data  ({fcs_in_tuser, fcs_in_tlast, fcs_in_tcount, fcs_in_tkeep, fcs_in_tdata}),
    .m_valid (fcs_in_tvalid),
    .m_ready (fcs_in_tready),
    .count   (eth_fifo_count)
  );

  eth_fcs #(
    .DataWidth (DataWidth),
    .UserWidth ($bits(frame_info_t))
  ) u_eth_fcs (
    .clk           (clk),
    .rst_n         (rst_n),
    .fcs_enable    (ctrl_fcs_append),
    .s_axis_tdata  (fcs_in_tdata),
    .s_axis_tkeep  (fcs_in_tkeep),
    .s_axis_tcount (fcs_in_tcount),
    .s_axis_tlast  (fcs_in_tlast),
    .s_axis_tuser  (fcs_in_tuser),
    .s_axis_tvalid (fcs_in_tvalid),
    .s_axis_tready (fcs_in_tready),
    .m_axis_tdata  (fcs_tdata),
    .m_axis_tkeep  (fcs_tkeep),
    .m_axis_tlast  (fcs_tlast),
    .m_axis_tuser  (fcs_tuser),
    .m_axis_tvalid (fcs_tvalid),
    .m_axis_tready (fcs_tready)
  );

  // Register slice to the MAC: its tready reaches only this slice's registers, not the
  // enables of eth_fcs' pipeline.
  logic [$clog2(2):0] mac_slice_count;
  sync_fifo #(
    .Width (DataWidth + Bytes + 1 + $bits(frame_info_t)),
    .Depth (2)
  ) u_mac_slice (
    .clk     (clk),
    .rst_n   (rst_n),
    .s_data  ({fcs_tuser, fcs_tlast, fcs_tkeep, fcs_tdata}),
    .s_valid (fcs_tvalid),
    .s_ready (fcs_tready),
    .m_data  ({out_tuser, m_axis_tx_tlast, m_axis_tx_tkeep, m_axis_tx_tdata}),
    .m_valid (m_axis_tx_tvalid),
    .m_ready (m_axis_tx_tready),
    .count   (mac_slice_count)
  );

  // ------------------------------------------------------------------------- accounting
  logic out_end;
  assign out_end        = m_axis_tx_tvalid && m_axis_tx_tready && m_axis_tx_tlast;
  assign stat_frame     = out_end;
  assign stat_frame_len = out_tuser.len;
  // Registered: the MAC slice's handshake reaches desc_complete's counter a cycle later.
  always_ff @(posedge clk) frame_done <= rst_n && out_end && out_tuser.desc_last;

  // FIFO status not needed here (space is reserved ahead, or not watched); payload_read's
  // rready is always high.
  logic unused_fifo;
  assign unused_fifo = ^{job_fifo_count, dgram_fifo_count, frame_fifo_count, desc_fifo_count,
                        ip_data_fifo_count, eth_fifo_count, mac_slice_count,
                        desc_slice_count, data_rready, wbr_id, wb_idle, wr_awid,
                        ext_count, dr_count,
                        rxp_keep, rx_busy};

`ifndef SYNTHESIS
  // AXI4-Stream: a beat offered on m_axis_tx stays offered, unchanged, until taken.
  assert property (@(posedge clk) disable iff (!rst_n)
                   m_axis_tx_tvalid && !m_axis_tx_tready |=>
                   m_axis_tx_tvalid && $stable({m_axis_tx_tdata, m_axis_tx_tkeep, m_axis_tx_tlast}))
    else $error("m_axis_tx: beat changed before tready");
`endif

`ifndef SYNTHESIS
  // CMAC rule: once a frame has started, tvalid stays high until its last beat.
  assert property (@(posedge clk) disable iff (!rst_n)
                   m_axis_tx_tvalid && m_axis_tx_tready && !m_axis_tx_tlast |=> m_axis_tx_tvalid)
    else $error("m_axis_tx: tvalid dropped inside a frame");
`endif
endmodule
