// SPDX-License-Identifier: MIT
// AXI4 write master: a request (address, beats) and its data beats (with byte enables) in,
// INCR bursts out on AW/W, one response per request back from B. The user keeps each burst
// within the AXI limits (<= 256 beats, no 4 KiB crossing; an assertion checks it) and gives
// exactly len + 1 data beats per request, the last with s_data_last, in request order. AW
// and W leave from registers (sync_fifo OutReg slices), so the bus meets flip-flops only;
// bready is always high (the response is a pulse).
module axi_write_master #(
  parameter int unsigned DataWidth      = 512,  // W data bits, a power of two >= 32
  parameter int unsigned IdWidth        = 1,    // AWID/BID bits
  parameter int unsigned MaxOutstanding = 4     // bursts asked for and not yet answered
) (
  input  logic                   clk,
  input  logic                   rst_n,

  // ---- requests: one burst each
  input  logic [63:0]            s_req_addr,   // first byte; bytes below it in the beat unused
  input  logic [7:0]             s_req_len,    // beats - 1 (AWLEN)
  input  logic [IdWidth-1:0]     s_req_id,
  input  logic                   s_req_valid,
  output logic                   s_req_ready,

  // ---- data beats, in request order
  input  logic [DataWidth-1:0]   s_data,
  input  logic [DataWidth/8-1:0] s_data_strb,
  input  logic                   s_data_last,
  input  logic                   s_data_valid,
  output logic                   s_data_ready,

  // ---- responses, one per request in the order the bus answers (a pulse)
  output logic                   m_resp_valid,
  output logic [IdWidth-1:0]     m_resp_id,
  output logic                   m_resp_err,   // BRESP SLVERR or DECERR
  output logic                   idle,         // nothing asked for and not answered

  // ---- AXI4 write channels
  output logic [IdWidth-1:0]     m_axi_awid,
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
  input  logic [IdWidth-1:0]     m_axi_bid,
  input  logic [1:0]             m_axi_bresp,
  input  logic                   m_axi_bvalid,
  output logic                   m_axi_bready
);

  if (DataWidth < 32 || DataWidth > 1024 || (DataWidth & (DataWidth - 1)) != 0)
  begin : gen_bad_width
    $error("axi_write_master: DataWidth must be a power of two in 32..1024");
  end
  if (IdWidth < 1 || IdWidth > 16) begin : gen_bad_id
    $error("axi_write_master: IdWidth must be 1..16");
  end
  if (MaxOutstanding < 1 || MaxOutstanding > 256) begin : gen_bad_outstanding
    $error("axi_write_master: MaxOutstanding must be 1..256");
  end

  localparam int unsigned StrbW = DataWidth / 8;
  localparam int unsigned SizeW = $clog2(StrbW);  // AWSIZE: log2 bytes a beat
  localparam int unsigned CntW  = $clog2(MaxOutstanding + 1);
  localparam int unsigned AwW   = IdWidth + 64 + 8;
  localparam int unsigned WW    = DataWidth + StrbW + 1;

  // ------------------------------------------------------------------------- outstanding
  // A request counts from its acceptance to its response; at the limit no request is taken.
  // full_q is kept in step with cnt_q (no compare in front of s_req_ready).
  logic [CntW-1:0] cnt_q;
  logic            full_q, aw_ready, req_take, resp_take;

  assign req_take    = s_req_valid && s_req_ready;
  assign resp_take   = m_axi_bvalid;  // bready is always high
  assign s_req_ready = aw_ready && !full_q;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      cnt_q  <= '0;
      full_q <= 1'b0;
    end else if (req_take && !resp_take) begin
      cnt_q  <= cnt_q + CntW'(1);
      full_q <= cnt_q == CntW'(MaxOutstanding - 1);
    end else if (resp_take && !req_take) begin
      cnt_q  <= cnt_q - CntW'(1);
      full_q <= 1'b0;
    end
  end

  // ------------------------------------------------------------------------- AW slice
  logic [AwW-1:0] aw_out;
  logic [1:0]     aw_count;
  sync_fifo #(
    .Width  (AwW),
    .Depth  (2),
    .OutReg (1)
  ) u_aw (
    .clk     (clk),
    .rst_n   (rst_n),
    .s_data  ({s_req_id, s_req_addr, s_req_len}),
    .s_valid (s_req_valid && !full_q),
    .s_ready (aw_ready),
    .m_data  (aw_out),
    .m_valid (m_axi_awvalid),
    .m_ready (m_axi_awready),
    .count   (aw_count)
  );
  assign {m_axi_awid, m_axi_awaddr, m_axi_awlen} = aw_out;
  assign m_axi_awsize  = 3'(SizeW);
  assign m_axi_awburst = 2'b01;    // INCR
  assign m_axi_awcache = 4'b0011;  // normal, non-cacheable, bufferable (as the read masters)
  assign m_axi_awprot  = 3'b000;

  // ------------------------------------------------------------------------- W slice
  logic [WW-1:0] w_out;
  logic [1:0]    w_count;
  sync_fifo #(
    .Width  (WW),
    .Depth  (2),
    .OutReg (1)
  ) u_w (
    .clk     (clk),
    .rst_n   (rst_n),
    .s_data  ({s_data, s_data_strb, s_data_last}),
    .s_valid (s_data_valid),
    .s_ready (s_data_ready),
    .m_data  (w_out),
    .m_valid (m_axi_wvalid),
    .m_ready (m_axi_wready),
    .count   (w_count)
  );
  assign {m_axi_wdata, m_axi_wstrb, m_axi_wlast} = w_out;

  // ------------------------------------------------------------------------- B
  logic               resp_valid_q, resp_err_q;
  logic [IdWidth-1:0] resp_id_q;
  always_ff @(posedge clk) begin
    if (!rst_n) resp_valid_q <= 1'b0;
    else        resp_valid_q <= m_axi_bvalid;
  end
  always_ff @(posedge clk) begin
    resp_id_q  <= m_axi_bid;
    resp_err_q <= m_axi_bresp[1];
  end
  assign m_axi_bready = 1'b1;
  assign m_resp_valid = resp_valid_q;
  assign m_resp_id    = resp_id_q;
  assign m_resp_err   = resp_err_q;
  assign idle         = cnt_q == '0 && !resp_valid_q;

  logic unused;
  assign unused = ^{aw_count, w_count, m_axi_bresp[0]};

`ifndef SYNTHESIS
  // The burst stays within one 4 KiB page (AXI4 A3.4.1).
  logic [63:0] req_last;
  assign req_last = (s_req_addr & ~(64'(StrbW) - 64'd1)) + (64'(s_req_len) << SizeW) +
                    (64'(StrbW) - 64'd1);
  logic unused_sim;
  assign unused_sim = ^req_last[11:0];
  always_ff @(posedge clk) begin
    if (rst_n && s_req_valid) begin
      assert (s_req_addr[63:12] == req_last[63:12])
        else $error("axi_write_master: burst at %h crosses 4 KiB", s_req_addr);
    end
  end
`endif

endmodule
