// SPDX-License-Identifier: MIT
// Whole-frame drop in front of the CMAC's RX FIFO: the CMAC cannot be stalled, so a frame
// that might not fit is dropped at its first beat, never cut short, and counted.
module cmac_rx_drop #(
  parameter int unsigned DataWidth     = 512,  // AXI4-Stream data bits (CMAC: 512)
  parameter int unsigned FifoDepth     = 512,  // beats the FIFO behind holds
  parameter int unsigned MaxFrameBeats = 152,  // beats of the longest frame (9600 B jumbo: 150)
  parameter int unsigned CountLag      = 8,    // beats written but not yet in fifo_wr_count
  localparam int unsigned KeepWidth    = DataWidth / 8,
  localparam int unsigned CountWidth   = $clog2(FifoDepth) + 1
) (
  input  logic                  clk,
  input  logic                  rst_n,

  // ---- from the CMAC (no tready: it cannot wait)
  input  logic [DataWidth-1:0]  s_axis_rx_tdata,
  input  logic [KeepWidth-1:0]  s_axis_rx_tkeep,
  input  logic                  s_axis_rx_tlast,
  input  logic                  s_axis_rx_tvalid,

  // ---- to the FIFO
  output logic [DataWidth-1:0]  m_axis_rx_tdata,
  output logic [KeepWidth-1:0]  m_axis_rx_tkeep,
  output logic                  m_axis_rx_tlast,
  output logic                  m_axis_rx_tvalid,
  input  logic                  m_axis_rx_tready,
  input  logic [CountWidth-1:0] fifo_wr_count,  // the FIFO's write-side fill level

  // ---- statistics
  output logic [31:0]           drop_count       // frames dropped, wraps
);

  if (MaxFrameBeats + CountLag + 1 > FifoDepth) begin : g_bad_depth
    $error("cmac_rx_drop: FifoDepth must hold MaxFrameBeats + CountLag + 1 beats");
  end

  // Room for a whole frame, counting the beats the count has not seen yet and the one in
  // the output register; a FIFO that refuses beats now (in reset) gets no new frame.
  localparam int unsigned Reserve = MaxFrameBeats + CountLag + 1;

  logic in_frame_q;  // a frame's first beat has passed, its last has not
  logic pass_q;      // the frame in progress goes to the FIFO
  logic room;
  logic pass;

  assign room = m_axis_rx_tready &&
                (CountWidth'(FifoDepth) - fifo_wr_count) >= CountWidth'(Reserve);
  assign pass = in_frame_q ? pass_q : room;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      in_frame_q       <= 1'b0;
      pass_q           <= 1'b0;
      drop_count       <= '0;
      m_axis_rx_tvalid <= 1'b0;
    end else begin
      if (s_axis_rx_tvalid) begin
        in_frame_q <= !s_axis_rx_tlast;
        if (!in_frame_q) begin
          pass_q <= room;
          if (!room) drop_count <= drop_count + 32'd1;
        end
      end
      m_axis_rx_tvalid <= s_axis_rx_tvalid && pass;
    end
  end

  // The reserve keeps tready high: a beat it refused would be lost.
  always_ff @(posedge clk) begin
    if (s_axis_rx_tvalid && pass) begin
      m_axis_rx_tdata <= s_axis_rx_tdata;
      m_axis_rx_tkeep <= s_axis_rx_tkeep;
      m_axis_rx_tlast <= s_axis_rx_tlast;
    end
  end

`ifdef SENDOFF_ASSERTIONS
  always_ff @(posedge clk) begin
    if (rst_n && m_axis_rx_tvalid) assert (m_axis_rx_tready) else $error("RX FIFO refused a beat");
  end
`endif

endmodule
