// SPDX-License-Identifier: MIT
// AXI4-Lite control registers of the NIC (register map in sendoff_pkg / nic_abi.hpp), the
// flow-table staging words and the statistics counters.
module sendoff_regs
  import sendoff_pkg::*;
#(
  parameter int unsigned AddrWidth = 12  // AXI4-Lite address bits, covers RegSpaceBytes
) (
  input  logic                         clk,
  input  logic                         rst_n,

  // ---- AXI4-Lite slave
  input  logic [AddrWidth-1:0]         s_axil_awaddr,
  input  logic [2:0]                   s_axil_awprot,
  input  logic                         s_axil_awvalid,
  output logic                         s_axil_awready,
  input  logic [31:0]                  s_axil_wdata,
  input  logic [3:0]                   s_axil_wstrb,
  input  logic                         s_axil_wvalid,
  output logic                         s_axil_wready,
  output logic [1:0]                   s_axil_bresp,
  output logic                         s_axil_bvalid,
  input  logic                         s_axil_bready,
  input  logic [AddrWidth-1:0]         s_axil_araddr,
  input  logic [2:0]                   s_axil_arprot,
  input  logic                         s_axil_arvalid,
  output logic                         s_axil_arready,
  output logic [31:0]                  s_axil_rdata,
  output logic [1:0]                   s_axil_rresp,
  output logic                         s_axil_rvalid,
  input  logic                         s_axil_rready,

  // ---- control state for the pipeline
  output logic                         ctrl_enable,
  output logic                         ctrl_fcs_append,
  output logic                         ctrl_rx_enable,
  output logic [63:0]                  ring_base,
  output logic [31:0]                  ring_size,
  output logic [31:0]                  ring_head,
  input  logic [31:0]                  ring_tail,
  output logic [63:0]                  wb_base,
  input  logic                         busy,

  // ---- receive ring
  output logic [63:0]                  rx_buf_base,
  output logic [63:0]                  rx_cpl_base,
  output logic [31:0]                  rx_ring_size,
  output logic [31:0]                  rx_buf_size,
  output logic [31:0]                  rx_head,
  input  logic [31:0]                  rx_tail,

  // ---- flow-table write port (FLOW_COMMIT)
  output logic                         flow_we,
  output logic [7:0]                   flow_waddr,
  output logic [FlowStoredBytes*8-1:0] flow_wdata,

  // ---- statistics events, one per cycle each
  input  logic                         stat_frame,      // a frame left, stat_frame_len bytes
  input  logic [15:0]                  stat_frame_len,
  input  logic                         stat_drop,
  input  logic                         stat_desc_error,  // rejected by the checks
  input  logic                         stat_read_error,  // dropped by udp_tx: payload read error
  input  logic                         stat_wb_error,    // a tail write-back answered an error
  input  logic                         stat_rx_frame,    // a frame received, stat_rx_len bytes
  input  logic [15:0]                  stat_rx_len,
  input  logic                         stat_rx_drop_fcs,
  input  logic                         stat_rx_drop_len,
  input  logic                         stat_rx_drop_nobuf,
  input  logic                         stat_rx_drop_fifo  // counted as STAT_RX_DROP_NOBUF too
);

  if (AddrWidth < $clog2(RegSpaceBytes) || AddrWidth > 32) begin : gen_bad_addr
    $error("sendoff_regs: AddrWidth must cover the register space and be <= 32");
  end

  localparam int unsigned WordW = AddrWidth - 2;

  function automatic logic [31:0] apply_strb(logic [31:0] old, logic [31:0] wr,
                                             logic [3:0] strb);
    logic [31:0] r;
    for (int b = 0; b < 4; b++) r[b*8 +: 8] = strb[b] ? wr[b*8 +: 8] : old[b*8 +: 8];
    apply_strb = r;
  endfunction

  // Word index of a register byte offset. The shift is done at 32 bits: on the 12-bit
  // offset itself it takes the width of a wider WordW (a WIDTH error above 12 address bits).
  function automatic logic [WordW-1:0] widx(logic [11:0] off);
    widx = WordW'(32'(off) >> 2);
  endfunction

  // ------------------------------------------------------------------------- registers
  // ctrl_q[3] is CTRL_RESET: set by a CTRL write, cleared by the reset's last step.
  logic [3:0]  ctrl_q;
  logic [31:0] base_lo_q, base_hi_q, size_q, head_q, flow_index_q, wb_lo_q, wb_hi_q;
  logic [31:0] rx_buf_lo_q, rx_buf_hi_q, rx_cpl_lo_q, rx_cpl_hi_q, rx_ring_size_q;
  logic [31:0] rx_buf_size_q, rx_head_q;
  logic [31:0] flow_data_q [FlowWords];
  logic [63:0] frames_q, bytes_q;
  // Reading a counter's LO word latches its HI word, so LO then HI is one coherent value.
  logic [31:0] frames_hi_q, bytes_hi_q;
  logic [31:0] drops_q, errors_q, wb_errors_q, flushed_q;
  logic [63:0] rx_frames_q, rx_bytes_q;
  logic [31:0] rx_frames_hi_q, rx_bytes_hi_q;
  logic [31:0] rx_fcs_q, rx_nobuf_q, rx_len_q;

  // ------------------------------------------------------------------------- write channel
  logic                 aw_valid_q, w_valid_q, bvalid_q;
  logic [AddrWidth-1:0] aw_addr_q;
  logic [31:0]          w_data_q;
  logic [3:0]           w_strb_q;
  logic                 do_write;
  logic [WordW-1:0]     wword;

  assign s_axil_awready = !aw_valid_q;
  assign s_axil_wready  = !w_valid_q;
  assign s_axil_bvalid  = bvalid_q;
  assign s_axil_bresp   = 2'b00;
  assign do_write       = aw_valid_q && w_valid_q && (!bvalid_q || s_axil_bready);
  assign wword          = aw_addr_q[AddrWidth-1:2];

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      aw_valid_q <= 1'b0;
      w_valid_q  <= 1'b0;
      bvalid_q   <= 1'b0;
    end else begin
      if (s_axil_awvalid && s_axil_awready) aw_valid_q <= 1'b1;
      else if (do_write)                     aw_valid_q <= 1'b0;
      if (s_axil_wvalid && s_axil_wready)   w_valid_q <= 1'b1;
      else if (do_write)                     w_valid_q <= 1'b0;
      if (do_write)                          bvalid_q <= 1'b1;
      else if (s_axil_bready)                bvalid_q <= 1'b0;
    end
  end

  always_ff @(posedge clk) begin
    if (s_axil_awvalid && s_axil_awready) aw_addr_q <= s_axil_awaddr;
    if (s_axil_wvalid && s_axil_wready) begin
      w_data_q <= s_axil_wdata;
      w_strb_q <= s_axil_wstrb;
    end
  end

  logic [31:0] ctrl_wr;
  assign ctrl_wr = apply_strb({28'd0, ctrl_q}, w_data_q, w_strb_q);

  // The ring may move only while nothing can be reading it (nic_abi.hpp): writes to
  // RING_BASE and RING_SIZE are ignored otherwise. CTRL_RESET's last step (reset_done) comes
  // once what was fetched is done: the descriptors posted and not read are discarded.
  logic ring_cfg_ok, reset_done;
  assign ring_cfg_ok = !ctrl_q[0] && !ctrl_q[3] && !busy;
  assign reset_done  = ctrl_q[3] && !busy;

  logic flow_data_sel;
  assign flow_data_sel = do_write && (wword >= widx(RegFlowData)) &&
                         (wword < widx(RegFlowData) + WordW'(FlowWords));

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      ctrl_q       <= '0;
      base_lo_q    <= '0;
      base_hi_q    <= '0;
      size_q       <= '0;
      head_q       <= '0;
      flow_index_q <= '0;
      wb_lo_q      <= '0;
      wb_hi_q      <= '0;
      rx_buf_lo_q    <= '0;
      rx_buf_hi_q    <= '0;
      rx_cpl_lo_q    <= '0;
      rx_cpl_hi_q    <= '0;
      rx_ring_size_q <= '0;
      rx_buf_size_q  <= '0;
      rx_head_q      <= '0;
    end else begin
      if (do_write) begin
        // A CTRL write during a reset is ignored; one that sets CTRL_RESET clears CTRL_ENABLE.
        if (wword == widx(RegCtrl) && !ctrl_q[3])
          ctrl_q <= ctrl_wr[3] ? {1'b1, ctrl_wr[2:1], 1'b0} : {1'b0, ctrl_wr[2:0]};
        if (wword == widx(RegRxBufBaseLo))
          rx_buf_lo_q <= apply_strb(rx_buf_lo_q, w_data_q, w_strb_q);
        if (wword == widx(RegRxBufBaseHi))
          rx_buf_hi_q <= apply_strb(rx_buf_hi_q, w_data_q, w_strb_q);
        if (wword == widx(RegRxCplBaseLo))
          rx_cpl_lo_q <= apply_strb(rx_cpl_lo_q, w_data_q, w_strb_q);
        if (wword == widx(RegRxCplBaseHi))
          rx_cpl_hi_q <= apply_strb(rx_cpl_hi_q, w_data_q, w_strb_q);
        if (wword == widx(RegRxRingSize))
          rx_ring_size_q <= apply_strb(rx_ring_size_q, w_data_q, w_strb_q);
        if (wword == widx(RegRxBufSize))
          rx_buf_size_q <= apply_strb(rx_buf_size_q, w_data_q, w_strb_q);
        if (wword == widx(RegRxHead))     rx_head_q    <= apply_strb(rx_head_q, w_data_q, w_strb_q);
        if (wword == widx(RegRingBaseLo) && ring_cfg_ok)
          base_lo_q <= apply_strb(base_lo_q, w_data_q, w_strb_q);
        if (wword == widx(RegRingBaseHi) && ring_cfg_ok)
          base_hi_q <= apply_strb(base_hi_q, w_data_q, w_strb_q);
        if (wword == widx(RegRingSize) && ring_cfg_ok)
          size_q <= apply_strb(size_q, w_data_q, w_strb_q);
        if (wword == widx(RegRingHead))   head_q       <= apply_strb(head_q, w_data_q, w_strb_q);
        if (wword == widx(RegFlowIndex))  flow_index_q <= apply_strb(flow_index_q, w_data_q,
                                                                     w_strb_q);
        if (wword == widx(RegWbBaseLo))   wb_lo_q      <= apply_strb(wb_lo_q, w_data_q, w_strb_q);
        if (wword == widx(RegWbBaseHi))   wb_hi_q      <= apply_strb(wb_hi_q, w_data_q, w_strb_q);
      end
      // After the writes: a doorbell in the same cycle is one of the discarded descriptors.
      if (reset_done) begin
        ctrl_q[3] <= 1'b0;
        head_q    <= ring_tail;
      end
    end
  end

  // Staging words: RW registers, so 0 after reset like the others (nic_abi.hpp).
  logic [3:0] flow_word;
  assign flow_word = 4'(wword - widx(RegFlowData));
  always_ff @(posedge clk) begin
    if (!rst_n) begin
      for (int w = 0; w < FlowWords; w++) flow_data_q[w] <= '0;
    end else if (flow_data_sel) begin
      flow_data_q[flow_word] <= apply_strb(flow_data_q[flow_word], w_data_q, w_strb_q);
    end
  end

  // FLOW_COMMIT copies the staging words into the entry FLOW_INDEX names; an index outside
  // the table is ignored.
  logic                         commit_q;
  logic [7:0]                   commit_addr_q;
  logic [FlowStoredBytes*8-1:0] commit_data_q;
  always_ff @(posedge clk) begin
    if (!rst_n) begin
      commit_q <= 1'b0;
    end else begin
      commit_q <= do_write && (wword == widx(RegFlowCommit)) &&
                  (flow_index_q < FlowTableSize);
    end
  end
  logic [FlowBytes*8-1:0] flow_bytes;
  always_comb begin
    for (int w = 0; w < FlowWords; w++) flow_bytes[w*32 +: 32] = flow_data_q[w];
  end
  always_ff @(posedge clk) begin
    commit_addr_q <= flow_index_q[7:0];
    commit_data_q <= flow_bytes[FlowStoredBytes*8-1:0];
  end
  assign flow_we    = commit_q;
  assign flow_waddr = commit_addr_q;
  assign flow_wdata = commit_data_q;

  // ------------------------------------------------------------------------- statistics
  always_ff @(posedge clk) begin
    if (!rst_n) begin
      frames_q <= '0;
      bytes_q  <= '0;
      drops_q  <= '0;
      errors_q <= '0;
      wb_errors_q <= '0;
      flushed_q <= '0;
    end else begin
      if (reset_done)      flushed_q <= flushed_q + (head_q - ring_tail);
      if (stat_wb_error)   wb_errors_q <= wb_errors_q + 32'd1;
      if (stat_frame) begin
        frames_q <= frames_q + 64'd1;
        bytes_q  <= bytes_q + {48'd0, stat_frame_len};
      end
      if (stat_drop)       drops_q  <= drops_q + 32'd1;
      errors_q <= errors_q + 32'(stat_desc_error) + 32'(stat_read_error);
    end
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      rx_frames_q <= '0;
      rx_bytes_q  <= '0;
      rx_fcs_q    <= '0;
      rx_nobuf_q  <= '0;
      rx_len_q    <= '0;
    end else begin
      if (stat_rx_frame) begin
        rx_frames_q <= rx_frames_q + 64'd1;
        rx_bytes_q  <= rx_bytes_q + {48'd0, stat_rx_len};
      end
      if (stat_rx_drop_fcs) rx_fcs_q <= rx_fcs_q + 32'd1;
      if (stat_rx_drop_len) rx_len_q <= rx_len_q + 32'd1;
      rx_nobuf_q <= rx_nobuf_q + 32'(stat_rx_drop_nobuf) + 32'(stat_rx_drop_fifo);
    end
  end

  // ------------------------------------------------------------------------- read channel
  logic             rvalid_q;
  logic [31:0]      rdata_q, rdata_d;
  logic [WordW-1:0] rword;

  assign rword          = s_axil_araddr[AddrWidth-1:2];
  assign s_axil_arready = !rvalid_q || s_axil_rready;
  assign s_axil_rvalid  = rvalid_q;
  assign s_axil_rdata   = rdata_q;
  assign s_axil_rresp   = 2'b00;

  always_comb begin
    rdata_d = 32'd0;
    if (rword >= widx(RegFlowData) && rword < widx(RegFlowData) + WordW'(FlowWords)) begin
      rdata_d = flow_data_q[4'(rword - widx(RegFlowData))];
    end
    unique case (rword)
      widx(RegId):             rdata_d = IdValue;
      widx(RegVersion):        rdata_d = VersionValue;
      widx(RegCtrl):           rdata_d = {28'd0, ctrl_q};
      widx(RegStatus):         rdata_d = {31'd0, busy};
      widx(RegRingBaseLo):     rdata_d = base_lo_q;
      widx(RegRingBaseHi):     rdata_d = base_hi_q;
      widx(RegRingSize):       rdata_d = size_q;
      widx(RegRingHead):       rdata_d = head_q;
      widx(RegRingTail):       rdata_d = ring_tail;
      widx(RegFlowIndex):      rdata_d = flow_index_q;
      widx(RegWbBaseLo):       rdata_d = wb_lo_q;
      widx(RegWbBaseHi):       rdata_d = wb_hi_q;
      widx(RegStatFramesLo):   rdata_d = frames_q[31:0];
      widx(RegStatFramesHi):   rdata_d = frames_hi_q;
      widx(RegStatBytesLo):    rdata_d = bytes_q[31:0];
      widx(RegStatBytesHi):    rdata_d = bytes_hi_q;
      widx(RegStatDrops):      rdata_d = drops_q;
      widx(RegStatDescErrors): rdata_d = errors_q;
      widx(RegStatWbErrors):   rdata_d = wb_errors_q;
      widx(RegStatTxFlushed):  rdata_d = flushed_q;
      widx(RegCaps):           rdata_d = CapsValue;
      widx(RegRxBufBaseLo):    rdata_d = rx_buf_lo_q;
      widx(RegRxBufBaseHi):    rdata_d = rx_buf_hi_q;
      widx(RegRxCplBaseLo):    rdata_d = rx_cpl_lo_q;
      widx(RegRxCplBaseHi):    rdata_d = rx_cpl_hi_q;
      widx(RegRxRingSize):     rdata_d = rx_ring_size_q;
      widx(RegRxBufSize):      rdata_d = rx_buf_size_q;
      widx(RegRxHead):         rdata_d = rx_head_q;
      widx(RegRxTail):         rdata_d = rx_tail;
      widx(RegStatRxFramesLo): rdata_d = rx_frames_q[31:0];
      widx(RegStatRxFramesHi): rdata_d = rx_frames_hi_q;
      widx(RegStatRxBytesLo):  rdata_d = rx_bytes_q[31:0];
      widx(RegStatRxBytesHi):  rdata_d = rx_bytes_hi_q;
      widx(RegStatRxDropFcs):  rdata_d = rx_fcs_q;
      widx(RegStatRxDropNobuf): rdata_d = rx_nobuf_q;
      widx(RegStatRxDropLen):  rdata_d = rx_len_q;
      default: ;
    endcase
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      rvalid_q <= 1'b0;
    end else if (s_axil_arvalid && s_axil_arready) begin
      rvalid_q <= 1'b1;
    end else if (s_axil_rready) begin
      rvalid_q <= 1'b0;
    end
  end

  always_ff @(posedge clk) begin
    if (s_axil_arvalid && s_axil_arready) rdata_q <= rdata_d;
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      frames_hi_q    <= '0;
      bytes_hi_q     <= '0;
      rx_frames_hi_q <= '0;
      rx_bytes_hi_q  <= '0;
    end else if (s_axil_arvalid && s_axil_arready) begin
      if (rword == widx(RegStatFramesLo))   frames_hi_q    <= frames_q[63:32];
      if (rword == widx(RegStatBytesLo))    bytes_hi_q     <= bytes_q[63:32];
      if (rword == widx(RegStatRxFramesLo)) rx_frames_hi_q <= rx_frames_q[63:32];
      if (rword == widx(RegStatRxBytesLo))  rx_bytes_hi_q  <= rx_bytes_q[63:32];
    end
  end

  assign ctrl_enable     = ctrl_q[0];
  assign ctrl_fcs_append = ctrl_q[1];
  assign ctrl_rx_enable  = ctrl_q[2];
  assign rx_buf_base     = {rx_buf_hi_q, rx_buf_lo_q};
  assign rx_cpl_base     = {rx_cpl_hi_q, rx_cpl_lo_q};
  assign rx_ring_size    = rx_ring_size_q;
  assign rx_buf_size     = rx_buf_size_q;
  assign rx_head         = rx_head_q;
  assign ring_base       = {base_hi_q, base_lo_q};
  assign ring_size       = size_q;
  assign ring_head       = head_q;
  assign wb_base         = {wb_hi_q, wb_lo_q};

  logic unused;
  assign unused = ^{s_axil_awprot, s_axil_arprot, s_axil_araddr[1:0], aw_addr_q[1:0],
                    ctrl_wr[31:4], flow_bytes[FlowBytes*8-1:FlowStoredBytes*8]};

endmodule
