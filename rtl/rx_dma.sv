// SPDX-License-Identifier: MIT
// rx_dma: frames from rx_parse into the host's receive ring, as hls/sendoff_rx's rx_dma and
// rx_dma_idle do (nic_abi.hpp's receive rules): each frame's beats to buffer (RX_TAIL mod
// RX_RING_SIZE), never past its end; for a kept frame its completion, four to a 64-byte
// line, the line written once full; with no frame waiting, the partial line (the rest as not
// done), then RX_TAIL to WB_BASE + WB_RX_TAIL_OFF. A last beat after the first that holds
// only FCS bytes is not stored: a 65..68-byte frame costs one beat of the write channel, and
// with RX_TAIL written only at idle a frame costs its beats plus a quarter of a line write,
// under line rate at every size (rtl/README.md).
//
// The MAC cannot be stalled, so a FIFO of FifoBeats beats takes the frames first, and a frame
// that does not fit whole is dropped whole (STAT_RX_DROP_NOBUF, as a frame with no buffer):
// its beats are taken back by rewinding the write pointer to the last committed frame. A frame
// leaves the FIFO only once its last beat is in (store and forward), with its verdict and beat
// count, so the drop decision is made before its first beat is written. AXI write
// backpressure only fills the FIFO. Writes keep their order on the one write ID: buffer
// beats, then the completion line, then RX_TAIL.
module rx_dma
  import sendoff_pkg::*;
#(
  parameter int unsigned     DataWidth   = 512,  // stream and AXI data bits, 512 or 1024
  parameter int unsigned     FifoBeats   = 512,  // receive FIFO, beats (a power of two)
  // Device memory window [0, DevMemBytes) the ring must lie in; 0 accepts any address.
  parameter longint unsigned DevMemBytes = 0
) (
  input  logic                   clk,
  input  logic                   rst_n,

  // ---- frames from rx_parse (no backpressure); s_meta with the last beat
  input  logic [DataWidth-1:0]   s_axis_tdata,
  input  logic                   s_axis_tlast,
  input  logic                   s_axis_tvalid,
  input  rx_meta_t               s_meta,

  // ---- registers
  input  logic                   rx_enable,
  input  logic [63:0]            buf_base,
  input  logic [63:0]            cpl_base,
  input  logic [63:0]            wb_base,
  input  logic [31:0]            ring_size,
  input  logic [31:0]            buf_size,
  input  logic [31:0]            head,
  output logic [31:0]            tail,

  // ---- statistics events, one cycle each
  output logic                   stat_frame,       // kept, stat_frame_len bytes
  output logic [15:0]            stat_frame_len,
  output logic                   stat_drop_fcs,
  output logic                   stat_drop_len,
  output logic                   stat_drop_nobuf,  // no buffer, RX off or ring unusable
  output logic                   stat_drop_fifo,   // the FIFO had no room for the whole frame
  output logic                   busy,             // a frame or a write not yet done

  // ---- AXI4 write master (one ID)
  output logic [63:0]            m_axi_awaddr,
  output logic [7:0]             m_axi_awlen,
  output logic [2:0]             m_axi_awsize,
  output logic [1:0]             m_axi_awburst,
  output logic [3:0]             m_axi_awcache,
  output logic [2:0]             m_axi_awprot,
  output logic                   m_axi_awvalid,
  input  logic                   m_axi_awready,
  output logic [DataWidth-1:0]   m_axi_wdata,
  output logic [DataWidth/8-1:0] m_axi_wstrb,
  output logic                   m_axi_wlast,
  output logic                   m_axi_wvalid,
  input  logic                   m_axi_wready,
  input  logic [1:0]             m_axi_bresp,
  input  logic                   m_axi_bvalid,
  output logic                   m_axi_bready
);

  if (DataWidth != 512 && DataWidth != 1024) begin : gen_bad_width
    $error("rx_dma: DataWidth must be 512 or 1024");
  end
  if (FifoBeats < 4 || (FifoBeats & (FifoBeats - 1)) != 0) begin : gen_bad_fifo
    $error("rx_dma: FifoBeats must be a power of two >= 4");
  end

  localparam int unsigned Bytes      = DataWidth / 8;
  localparam int unsigned LaneW      = $clog2(Bytes);
  localparam int unsigned AW         = $clog2(FifoBeats);
  localparam int unsigned CntW       = AW + 1;
  // Bursts of 2 KiB: buffers are >= 2 KiB aligned, so no burst crosses 4 KiB.
  localparam int unsigned BurstBeats = RxBufSizeMin / Bytes;
  localparam int unsigned MetaW      = $bits(rx_meta_t) + CntW;
  localparam logic [63:0] BeatMask   = ~(64'(Bytes) - 64'd1);

  function automatic logic pow2(logic [31:0] v);
    pow2 = v != '0 && (v & (v - 32'd1)) == '0;
  endfunction

  // ------------------------------------------------------------------------- register view
  // The ring's usability (nic_abi.hpp) and the shifts its power-of-two sizes give, a cycle
  // after a register write.
  logic        usable_q, wb_ok_q;
  logic [4:0]  ring_shift_q, buf_shift_q;
  always_ff @(posedge clk) begin
    logic [63:0] bufs, cpls;
    logic        in_window;
    ring_shift_q <= 5'($countones(ring_size - 32'd1));
    buf_shift_q  <= 5'($countones(buf_size - 32'd1));
    bufs = 64'(buf_size) << $countones(ring_size - 32'd1);
    cpls = 64'(ring_size) * 64'(RxcBytes);
    in_window = DevMemBytes == 0 ||
                (buf_base <= 64'(DevMemBytes) && bufs <= 64'(DevMemBytes) - buf_base &&
                 cpl_base <= 64'(DevMemBytes) && cpls <= 64'(DevMemBytes) - cpl_base);
    usable_q <= pow2(ring_size) && ring_size >= 32'(RxcPerLine) &&
                ring_size <= 32'(RxRingSizeMax) && pow2(buf_size) &&
                buf_size >= 32'(RxBufSizeMin) && buf_size <= 32'(RxBufSizeMax) &&
                (buf_base & (64'(buf_size) - 64'd1)) == '0 && cpl_base[5:0] == '0 && in_window;
    wb_ok_q  <= wb_base != '0 && wb_base[5:0] == '0 &&
                (DevMemBytes == 0 || wb_base <= 64'(DevMemBytes) - 64'(WbBytes));
  end

  // ------------------------------------------------------------------------- FIFO, write side
  logic [CntW-1:0] wr_q, commit_q, rd_q, fbeats_q;
  logic            dropping_q, fifo_full, no_room, ram_we, meta_push, drop_fifo_d, meta_s_ready;
  logic            fcs_only;

  // The last beat holds only FCS bytes when the beats before it hold the whole frame.
  assign fcs_only  = s_axis_tlast && fbeats_q != '0 &&
                     (32'(fbeats_q) << LaneW) >= 32'(s_meta.len);
  // No room: the RAM is full (for a beat it stores), or at a last beat the verdict queue is (a
  // frame's beats may have left the RAM for the output FIFO before its verdict is taken, so the
  // queue can fill first).
  assign fifo_full = (wr_q - rd_q) == CntW'(FifoBeats);
  assign no_room   = (fifo_full && !fcs_only) || (s_axis_tlast && !meta_s_ready);
  assign ram_we    = s_axis_tvalid && !dropping_q && !no_room && !fcs_only;
  assign meta_push = s_axis_tvalid && !dropping_q && !no_room && s_axis_tlast;
  // Dropped at its last beat: while dropping, or no room at the last beat itself.
  assign drop_fifo_d = s_axis_tvalid && s_axis_tlast && (dropping_q || no_room);

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      wr_q       <= '0;
      commit_q   <= '0;
      fbeats_q   <= '0;
      dropping_q <= 1'b0;
    end else if (s_axis_tvalid) begin
      if (dropping_q) begin
        if (s_axis_tlast) dropping_q <= 1'b0;
      end else if (no_room) begin
        wr_q       <= commit_q;  // take the frame's beats back
        fbeats_q   <= '0;
        dropping_q <= !s_axis_tlast;
      end else if (fcs_only) begin
        commit_q <= wr_q;
        fbeats_q <= '0;
      end else begin
        wr_q <= wr_q + CntW'(1);
        if (s_axis_tlast) begin
          commit_q <= wr_q + CntW'(1);
          fbeats_q <= '0;
        end else begin
          fbeats_q <= fbeats_q + CntW'(1);
        end
      end
    end
  end

  logic [DataWidth-1:0] ram_rdata;
  logic                 ram_re;
  sdp_ram #(
    .Width   (DataWidth),
    .Depth   (FifoBeats),
    .Latency (1)
  ) u_ram (
    .clk   (clk),
    .we    (ram_we),
    .waddr (wr_q[AW-1:0]),
    .wdata (s_axis_tdata),
    .re    (ram_re),
    .raddr (rd_q[AW-1:0]),
    .rdata (ram_rdata)
  );

  // A frame's verdict and beat count, pushed when its last beat is in.
  rx_meta_t        mh_meta;
  logic [CntW-1:0] mh_beats;
  logic            mh_valid, mh_ready;
  logic [AW:0]     meta_count;
  sync_fifo #(
    .Width  (MetaW),
    .Depth  (FifoBeats),
    .OutReg (1)
  ) u_meta (
    .clk     (clk),
    .rst_n   (rst_n),
    .s_data  ({s_meta, fcs_only ? fbeats_q : fbeats_q + CntW'(1)}),
    .s_valid (meta_push),
    .s_ready (meta_s_ready),
    .m_data  ({mh_meta, mh_beats}),
    .m_valid (mh_valid),
    .m_ready (mh_ready),
    .count   (meta_count)
  );

  // ------------------------------------------------------------------------- FIFO, read side
  // Committed beats into a 4-entry output FIFO, kept from overfilling by its count and the
  // read in flight.
  logic                 rd_pend_q, ob_valid, ob_ready;
  logic [DataWidth-1:0] ob_data;
  logic [2:0]           ob_count;
  assign ram_re = rd_q != commit_q && ({1'b0, ob_count} + {3'd0, rd_pend_q}) < 4'd3;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      rd_q      <= '0;
      rd_pend_q <= 1'b0;
    end else begin
      rd_pend_q <= ram_re;
      if (ram_re) rd_q <= rd_q + CntW'(1);
    end
  end

  logic ob_s_ready;
  sync_fifo #(
    .Width  (DataWidth),
    .Depth  (4),
    .OutReg (1)
  ) u_out (
    .clk     (clk),
    .rst_n   (rst_n),
    .s_data  (ram_rdata),
    .s_valid (rd_pend_q),
    .s_ready (ob_s_ready),
    .m_data  (ob_data),
    .m_valid (ob_valid),
    .m_ready (ob_ready),
    .count   (ob_count)
  );

  // ------------------------------------------------------------------------- decision
  // One frame a cycle: its fate against RX_TAIL/RX_HEAD and the registers as they are when it
  // leaves the FIFO, its completion into the line, and the writes it needs as a record.
  typedef enum logic [1:0] { PhBeats, PhLine, PhTail } phase_e;

  typedef struct packed {
    logic [CntW-1:0]  beats;      // the frame's beats in the FIFO (0: writes at idle only)
    logic [CntW-1:0]  wbeats;     // of them, written to its buffer
    logic [63:0]      buf_addr;
    logic             line;       // then the completion line
    logic [63:0]      line_addr;
    logic [511:0]     line_data;
    logic             wb;         // then RX_TAIL to the write-back block
    logic [31:0]      wb_tail;
  } job_t;

  // Entry `k` of a line: 16 bytes little-endian as nic_abi.hpp's RxCpl.
  function automatic logic [127:0] cpl_entry(logic [15:0] len, logic [7:0] l3, logic [7:0] l4,
                                             logic [15:0] flags, logic [31:0] index,
                                             logic [31:0] hash);
    cpl_entry = {hash, index, 16'd0, flags, l4, l3, len};
  endfunction

  // The GEN bit entry `index` has once done: set on even laps of the ring.
  function automatic logic gen_done(logic [31:0] index, logic [4:0] shift);
    gen_done = !index[shift];
  endfunction

  logic [31:0]  tail_q, line_written_q, wb_written_q;
  logic [511:0] line_q;
  job_t         job_q, job_d;
  logic         job_valid_q, job_done, job_load, idle_job;
  phase_e       phase_q;
  logic [CntW-1:0] bi_q;

  logic         st_frame_q, st_fcs_q, st_len_q, st_nobuf_q, st_fifo_q;
  logic [15:0]  st_len_val_q;

  assign job_load  = !job_valid_q || job_done;
  assign mh_ready  = job_load;
  // At idle (no frame waiting, nothing in flight), the line done so far goes out, then RX_TAIL.
  assign idle_job = !mh_valid && !job_valid_q && usable_q &&
                    (line_written_q != tail_q || (wb_ok_q && wb_written_q != tail_q));

  logic         room, keep, d_fcs, d_len, d_nobuf;
  logic [31:0]  tail_d, lw_d;
  logic [511:0] line_d;

  always_comb begin
    logic [31:0]     maxw;
    logic [511:0]    nl;
    logic [31:0]     first, nt, rmask, slot, lslot, pslot;
    nl      = line_q;
    nt      = '0;
    rmask   = ring_size - 32'd1;
    first   = (tail_q - 32'd1) & ~32'd3;
    slot    = tail_q & rmask;
    lslot   = {tail_q[31:2], 2'b00} & rmask;
    pslot   = first & rmask;
    room    = rx_enable && usable_q && tail_q != head;
    d_fcs   = !mh_meta.fcs_ok;
    d_len   = !d_fcs && (!mh_meta.len_ok || (room && 32'(mh_meta.len) > buf_size));
    d_nobuf = !d_fcs && !d_len && !room;
    keep    = !d_fcs && !d_len && !d_nobuf;
    maxw    = buf_size >> LaneW;  // beats that fit the buffer

    job_d          = '0;
    job_d.beats    = mh_beats;
    job_d.wbeats   = !room ? '0 : 32'(mh_beats) > maxw ? CntW'(maxw) : mh_beats;
    job_d.buf_addr = buf_base + (64'(slot) << buf_shift_q);
    tail_d         = tail_q;
    lw_d           = line_written_q;
    line_d         = line_q;

    if (mh_valid && keep) begin
      nl = line_q;
      nl[128 * 32'(tail_q[1:0]) +: 128] =
          cpl_entry(mh_meta.len, mh_meta.l3, mh_meta.l4,
                    mh_meta.flags | (gen_done(tail_q, ring_shift_q) ? RxcFGen : 16'd0),
                    tail_q, mh_meta.hash);
      tail_d = tail_q + 32'd1;
      line_d = nl;
      if (tail_q[1:0] == 2'd3) begin  // the line is full: it goes now
        job_d.line      = 1'b1;
        job_d.line_data = nl;
        job_d.line_addr = cpl_base + (64'(lslot) << 4);
        lw_d            = tail_d;
        line_d          = '0;
      end
    end else if (!mh_valid) begin
      // The partial line: entries from tail on written as not done.
      for (int k = 0; k < 4; k++) begin
        nt = first + 32'(k);
        if (32'(k) >= tail_q - first)
          nl[128*k +: 128] = cpl_entry(16'd0, 8'd0, 8'd0,
                                       gen_done(nt, ring_shift_q) ? 16'd0 : RxcFGen,
                                       32'd0, 32'd0);
      end
      job_d.beats     = '0;
      job_d.line      = line_written_q != tail_q;
      job_d.line_data = nl;
      job_d.line_addr = cpl_base + (64'(pslot) << 4);
      job_d.wb        = wb_ok_q && wb_written_q != tail_q;
      job_d.wb_tail   = tail_q;
      lw_d            = tail_q;
    end
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      job_valid_q    <= 1'b0;
      tail_q         <= '0;
      line_written_q <= '0;
      wb_written_q   <= '0;
      line_q         <= '0;
      st_frame_q     <= 1'b0;
      st_fcs_q       <= 1'b0;
      st_len_q       <= 1'b0;
      st_nobuf_q     <= 1'b0;
      st_fifo_q      <= 1'b0;
    end else begin
      st_frame_q <= 1'b0;
      st_fcs_q   <= 1'b0;
      st_len_q   <= 1'b0;
      st_nobuf_q <= 1'b0;
      st_fifo_q  <= drop_fifo_d;
      if (job_load) begin
        job_valid_q <= mh_valid || idle_job;
        if (mh_valid) begin
          tail_q         <= tail_d;
          line_q         <= line_d;
          line_written_q <= lw_d;
          st_frame_q     <= keep;
          st_fcs_q       <= d_fcs;
          st_len_q       <= d_len;
          st_nobuf_q     <= d_nobuf;
        end else if (idle_job) begin
          line_written_q <= lw_d;
          if (job_d.wb) wb_written_q <= tail_q;
        end
      end
    end
  end

  always_ff @(posedge clk) begin
    st_len_val_q <= mh_meta.len;
    if (job_load) job_q <= job_d;
  end

  // ------------------------------------------------------------------------- writes
  logic [63:0]          req_addr;
  logic [7:0]           req_len;
  logic                 req_valid, req_ready, data_valid, data_ready, data_last, fire;
  logic [DataWidth-1:0] data;
  logic [Bytes-1:0]     strb;

  always_comb begin
    logic [CntW-1:0] left;
    logic            writing, burst_start;
    logic [LaneW-1:0] lane;
    req_valid  = 1'b0;
    data_valid = 1'b0;
    req_addr   = '0;
    req_len    = '0;
    data       = ob_data;
    strb       = '1;
    data_last  = 1'b0;
    ob_ready   = 1'b0;
    fire       = 1'b0;
    job_done   = 1'b0;
    left        = job_q.wbeats - bi_q;
    writing     = bi_q < job_q.wbeats;
    burst_start = bi_q[$clog2(BurstBeats)-1:0] == '0;
    lane        = '0;
    if (job_valid_q) begin
      unique case (phase_q)
        PhBeats: begin
          if (writing) begin
            req_valid  = ob_valid && burst_start && data_ready;
            req_addr   = job_q.buf_addr + (64'(bi_q) << LaneW);
            req_len    = 8'((left > CntW'(BurstBeats) ? CntW'(BurstBeats) : left) - CntW'(1));
            data_valid = ob_valid && (!burst_start || req_ready);
            data_last  = left == CntW'(1) ||
                         bi_q[$clog2(BurstBeats)-1:0] == $clog2(BurstBeats)'(BurstBeats - 1);
            fire       = ob_valid && data_ready && (!burst_start || req_ready);
          end else begin
            fire = ob_valid;
          end
          ob_ready = fire;
          job_done = fire && bi_q + CntW'(1) == job_q.beats && !job_q.line && !job_q.wb;
        end
        PhLine: begin
          lane       = LaneW'(job_q.line_addr);
          req_addr   = job_q.line_addr & BeatMask;
          data       = DataWidth'(job_q.line_data) << (8 * 32'(lane));
          strb       = Bytes'({64{1'b1}}) << lane;
          data_last  = 1'b1;
          req_valid  = data_ready;
          data_valid = req_ready;
          fire       = req_ready && data_ready;
          job_done   = fire && !job_q.wb;
        end
        PhTail: begin
          lane       = LaneW'(wb_base + 64'(WbRxTailOff));
          req_addr   = (wb_base + 64'(WbRxTailOff)) & BeatMask;
          data       = DataWidth'(job_q.wb_tail) << (8 * 32'(lane));
          strb       = Bytes'(4'hf) << lane;
          data_last  = 1'b1;
          req_valid  = data_ready;
          data_valid = req_ready;
          fire       = req_ready && data_ready;
          job_done   = fire;
        end
        default: ;
      endcase
    end
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      phase_q <= PhBeats;
      bi_q    <= '0;
    end else if (job_load) begin
      phase_q <= job_d.beats != '0 ? PhBeats : job_d.line ? PhLine : PhTail;
      bi_q    <= '0;
    end else if (fire) begin
      unique case (phase_q)
        PhBeats: begin
          bi_q <= bi_q + CntW'(1);
          if (bi_q + CntW'(1) == job_q.beats) phase_q <= job_q.line ? PhLine : PhTail;
        end
        PhLine:  phase_q <= PhTail;
        default: ;
      endcase
    end
  end

  logic       resp_valid, resp_err, wr_idle;
  logic [0:0] resp_id, awid;
  axi_write_master #(
    .DataWidth      (DataWidth),
    .IdWidth        (1),
    .MaxOutstanding (128)  // a burst a frame at 64 B over ~80 cycles of B latency
  ) u_wr (
    .clk           (clk),
    .rst_n         (rst_n),
    .s_req_addr    (req_addr),
    .s_req_len     (req_len),
    .s_req_id      (1'b0),
    .s_req_valid   (req_valid),
    .s_req_ready   (req_ready),
    .s_data        (data),
    .s_data_strb   (strb),
    .s_data_last   (data_last),
    .s_data_valid  (data_valid),
    .s_data_ready  (data_ready),
    .m_resp_valid  (resp_valid),
    .m_resp_id     (resp_id),
    .m_resp_err    (resp_err),
    .idle          (wr_idle),
    .m_axi_awid    (awid),
    .m_axi_awaddr  (m_axi_awaddr),
    .m_axi_awlen   (m_axi_awlen),
    .m_axi_awsize  (m_axi_awsize),
    .m_axi_awburst (m_axi_awburst),
    .m_axi_awcache (m_axi_awcache),
    .m_axi_awprot  (m_axi_awprot),
    .m_axi_awvalid (m_axi_awvalid),
    .m_axi_awready (m_axi_awready),
    .m_axi_wdata   (m_axi_wdata),
    .m_axi_wstrb   (m_axi_wstrb),
    .m_axi_wlast   (m_axi_wlast),
    .m_axi_wvalid  (m_axi_wvalid),
    .m_axi_wready  (m_axi_wready),
    .m_axi_bid     (1'b0),
    .m_axi_bresp   (m_axi_bresp),
    .m_axi_bvalid  (m_axi_bvalid),
    .m_axi_bready  (m_axi_bready)
  );

  assign tail            = tail_q;
  assign stat_frame      = st_frame_q;
  assign stat_frame_len  = st_len_val_q;
  assign stat_drop_fcs   = st_fcs_q;
  assign stat_drop_len   = st_len_q;
  assign stat_drop_nobuf = st_nobuf_q;
  assign stat_drop_fifo  = st_fifo_q;
  assign busy            = job_valid_q || mh_valid || rd_q != wr_q || !wr_idle;

  logic unused;
  assign unused = ^{meta_count, ob_s_ready, resp_valid, resp_err, resp_id, awid};

`ifndef SYNTHESIS
  always_ff @(posedge clk) begin
    if (rst_n && rd_pend_q) assert (ob_s_ready) else $error("rx_dma: output FIFO overflow");
  end
`endif

endmodule
