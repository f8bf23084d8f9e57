// SPDX-License-Identifier: MIT
// cmac_0's AXI4-Lite control space: addresses below KRNL_BASE go to the CMAC IP's own
// AXI4-Lite port unchanged (PG203's register map), the others are the wrapper's registers
// (host/xrt/include/sendoff/cmac_regs.hpp; tests/bitstreams compares names and offsets).
// One transaction per direction at a time: the host reads a register, then the next.
module cmac_axil_regs #(
  parameter int unsigned AddrWidth = 16  // the control space: 64 KiB, kernel.xml's range
) (
  input  logic                 clk,
  input  logic                 rst_n,

  // ---- from the host
  input  logic [AddrWidth-1:0] s_axil_awaddr,
  input  logic                 s_axil_awvalid,
  output logic                 s_axil_awready,
  input  logic [31:0]          s_axil_wdata,
  input  logic [3:0]           s_axil_wstrb,
  input  logic                 s_axil_wvalid,
  output logic                 s_axil_wready,
  output logic [1:0]           s_axil_bresp,
  output logic                 s_axil_bvalid,
  input  logic                 s_axil_bready,
  input  logic [AddrWidth-1:0] s_axil_araddr,
  input  logic                 s_axil_arvalid,
  output logic                 s_axil_arready,
  output logic [31:0]          s_axil_rdata,
  output logic [1:0]           s_axil_rresp,
  output logic                 s_axil_rvalid,
  input  logic                 s_axil_rready,

  // ---- to the CMAC IP (its s_axi: 32-bit addresses)
  output logic [31:0]          m_axil_awaddr,
  output logic                 m_axil_awvalid,
  input  logic                 m_axil_awready,
  output logic [31:0]          m_axil_wdata,
  output logic [3:0]           m_axil_wstrb,
  output logic                 m_axil_wvalid,
  input  logic                 m_axil_wready,
  input  logic [1:0]           m_axil_bresp,
  input  logic                 m_axil_bvalid,
  output logic                 m_axil_bready,
  output logic [31:0]          m_axil_araddr,
  output logic                 m_axil_arvalid,
  input  logic                 m_axil_arready,
  input  logic [31:0]          m_axil_rdata,
  input  logic [1:0]           m_axil_rresp,
  input  logic                 m_axil_rvalid,
  output logic                 m_axil_rready,

  // ---- the wrapper's register values (clk domain)
  input  logic [31:0]          krnl_config,
  input  logic [31:0]          rx_dropped,
  input  logic [31:0]          tx_underflow
);

  if (AddrWidth != 16) begin : g_bad_addr
    $error("cmac_axil_regs: the register map needs a 16-bit (64 KiB) space");
  end

  // Offsets and values: host/xrt/include/sendoff/cmac_regs.hpp.
  localparam logic [AddrWidth-1:0] KRNL_BASE         = 16'h8000;
  localparam logic [AddrWidth-1:0] KRNL_ID           = 16'h8000;
  localparam logic [AddrWidth-1:0] KRNL_CONFIG       = 16'h8004;
  localparam logic [AddrWidth-1:0] KRNL_RX_DROPPED   = 16'h8008;
  localparam logic [AddrWidth-1:0] KRNL_TX_UNDERFLOW = 16'h800C;
  localparam logic [31:0]          KRNL_ID_VALUE     = 32'h434D4143;  // "CMAC"
  localparam logic [1:0]           RESP_OKAY         = 2'b00;

  typedef enum logic [1:0] {IDLE, CMAC, RESP} state_e;
  state_e w_state_q, r_state_q;

  // A write is taken with its address and data together; the wrapper's registers are read
  // only, so a write there is acknowledged and ignored.
  logic write, read;
  assign write = w_state_q == IDLE && s_axil_awvalid && s_axil_wvalid;
  assign read  = r_state_q == IDLE && s_axil_arvalid;
  assign s_axil_awready = write;
  assign s_axil_wready  = write;
  assign s_axil_arready = read;
  assign m_axil_bready  = w_state_q == CMAC && !m_axil_awvalid && !m_axil_wvalid;
  assign m_axil_rready  = r_state_q == CMAC && !m_axil_arvalid;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      w_state_q      <= IDLE;
      m_axil_awvalid <= 1'b0;
      m_axil_wvalid  <= 1'b0;
      s_axil_bvalid  <= 1'b0;
      s_axil_bresp   <= RESP_OKAY;
    end else begin
      unique case (w_state_q)
        IDLE: if (write) begin
          if (s_axil_awaddr >= KRNL_BASE) begin
            s_axil_bvalid <= 1'b1;
            s_axil_bresp  <= RESP_OKAY;
            w_state_q     <= RESP;
          end else begin
            m_axil_awvalid <= 1'b1;
            m_axil_wvalid  <= 1'b1;
            w_state_q      <= CMAC;
          end
        end
        CMAC: begin
          if (m_axil_awready) m_axil_awvalid <= 1'b0;
          if (m_axil_wready) m_axil_wvalid <= 1'b0;
          if (m_axil_bready && m_axil_bvalid) begin
            s_axil_bvalid <= 1'b1;
            s_axil_bresp  <= m_axil_bresp;
            w_state_q     <= RESP;
          end
        end
        RESP: if (s_axil_bready) begin
          s_axil_bvalid <= 1'b0;
          w_state_q     <= IDLE;
        end
        default: w_state_q <= IDLE;
      endcase
    end
  end

  always_ff @(posedge clk) begin
    if (write) begin
      m_axil_awaddr <= {{(32 - AddrWidth){1'b0}}, s_axil_awaddr};
      m_axil_wdata  <= s_axil_wdata;
      m_axil_wstrb  <= s_axil_wstrb;
    end
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      r_state_q      <= IDLE;
      m_axil_arvalid <= 1'b0;
      s_axil_rvalid  <= 1'b0;
      s_axil_rresp   <= RESP_OKAY;
    end else begin
      unique case (r_state_q)
        IDLE: if (read) begin
          if (s_axil_araddr >= KRNL_BASE) begin
            s_axil_rvalid <= 1'b1;
            s_axil_rresp  <= RESP_OKAY;
            r_state_q     <= RESP;
          end else begin
            m_axil_arvalid <= 1'b1;
            r_state_q      <= CMAC;
          end
        end
        CMAC: begin
          if (m_axil_arready) m_axil_arvalid <= 1'b0;
          if (m_axil_rready && m_axil_rvalid) begin
            s_axil_rvalid <= 1'b1;
            s_axil_rresp  <= m_axil_rresp;
            r_state_q     <= RESP;
          end
        end
        RESP: if (s_axil_rready) begin
          s_axil_rvalid <= 1'b0;
          r_state_q     <= IDLE;
        end
        default: r_state_q <= IDLE;
      endcase
    end
  end

  always_ff @(posedge clk) begin
    if (read) m_axil_araddr <= {{(32 - AddrWidth){1'b0}}, s_axil_araddr};
    if (m_axil_rready && m_axil_rvalid) begin
      s_axil_rdata <= m_axil_rdata;
    end else if (read) begin
      // Word-aligned; an unmapped offset of the wrapper reads 0.
      unique case ({s_axil_araddr[AddrWidth-1:2], 2'b00})
        KRNL_ID:           s_axil_rdata <= KRNL_ID_VALUE;
        KRNL_CONFIG:       s_axil_rdata <= krnl_config;
        KRNL_RX_DROPPED:   s_axil_rdata <= rx_dropped;
        KRNL_TX_UNDERFLOW: s_axil_rdata <= tx_underflow;
        default:           s_axil_rdata <= 32'd0;
      endcase
    end
  end

endmodule
