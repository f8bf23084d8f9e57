// SPDX-License-Identifier: MIT
// Simple dual-port RAM, one write and one read port on one clock, read data registered
// (Latency 1) or registered twice (Latency 2, the BRAM/URAM output register). Written so
// that synthesis infers block RAM; a read of the address being written returns old data.
module sdp_ram #(
  parameter int unsigned Width   = 32,   // bits per word
  parameter int unsigned Depth   = 256,  // words
  parameter int unsigned Latency = 1     // read latency in cycles: 1 or 2
) (
  input  logic                     clk,

  // ---- write port
  input  logic                     we,
  input  logic [$clog2(Depth)-1:0] waddr,
  input  logic [Width-1:0]         wdata,

  // ---- read port: data for the address given with re appears Latency cycles later
  input  logic                     re,
  input  logic [$clog2(Depth)-1:0] raddr,
  output logic [Width-1:0]         rdata
);

  if (Latency < 1 || Latency > 2) begin : gen_bad_latency
    $error("sdp_ram: Latency must be 1 or 2");
  end
  if (Depth < 2) begin : gen_bad_depth
    $error("sdp_ram: Depth must be >= 2");
  end

  logic [Width-1:0] mem_q [Depth];
  logic [Width-1:0] rd_q;

  always_ff @(posedge clk) begin
    if (we) mem_q[waddr] <= wdata;
  end

  always_ff @(posedge clk) begin
    if (re) rd_q <= mem_q[raddr];
  end

  if (Latency == 2) begin : gen_outreg
    logic [Width-1:0] out_q;
    always_ff @(posedge clk) begin
      out_q <= rd_q;
    end
    assign rdata = out_q;
  end else begin : gen_noreg
    assign rdata = rd_q;
  end

endmodule
