// SPDX-License-Identifier: MIT
// Descriptor fetch: reads TX descriptors from the ring between the fetch index and
// RING_HEAD with AXI4 INCR bursts, and hands them out one per cycle in ring order. A
// descriptor whose beat came back with an error response (SLVERR/DECERR) leaves marked: its
// contents are unknown, so desc_check rejects it.
module desc_fetch
  import sendoff_pkg::*;
#(
  parameter int unsigned DataWidth     = 512,  // AXI4 read data bits
  parameter int unsigned FifoBeats     = 128,  // descriptor buffer, in data beats
  parameter int unsigned MaxBurstBeats = 16,   // longest read burst, in data beats
  parameter longint unsigned DevMemBytes = 0   // the ring must lie in [0, this); 0: anywhere
) (
  input  logic                   clk,
  input  logic                   rst_n,

  // ---- ring state from the registers
  input  logic                   enable,
  input  logic [63:0]            ring_base,
  input  logic [31:0]            ring_size,
  input  logic [31:0]            ring_head,
  output logic [31:0]            fetch_idx,   // next ring index to read
  // Step back over the last slot handed out (a TCP first slot given back while idle and
  // disabled, desc_check's release_hold), so that it is read again.
  input  logic                   unfetch,
  output logic                   ring_usable, // the ring registers describe a ring to read
  output logic                   active,      // a fetch is being worked out (not idle)

  // ---- AXI4 read master (descriptor ring)
  output logic [63:0]            m_axi_araddr,
  output logic [7:0]             m_axi_arlen,
  output logic [2:0]             m_axi_arsize,
  output logic [1:0]             m_axi_arburst,
  output logic [3:0]             m_axi_arcache,
  output logic [2:0]             m_axi_arprot,
  output logic                   m_axi_arvalid,
  input  logic                   m_axi_arready,
  input  logic [DataWidth-1:0]   m_axi_rdata,
  input  logic [1:0]             m_axi_rresp,
  input  logic                   m_axi_rlast,
  input  logic                   m_axi_rvalid,
  output logic                   m_axi_rready,

  // ---- descriptors out, ring order
  output logic [TxdBytes*8-1:0]  m_desc_data,
  output logic                   m_desc_err,   // its ring entry was read with an error
  output logic                   m_desc_valid,
  input  logic                   m_desc_ready
);

  localparam int unsigned Bytes = DataWidth / 8;
  localparam int unsigned Dpb   = Bytes / TxdBytes;  // descriptors per beat
  localparam int unsigned LaneW = (Dpb > 1) ? $clog2(Dpb) : 1;
  localparam int unsigned CntW  = $clog2(FifoBeats) + 1;
  localparam int unsigned MaxDescs = MaxBurstBeats * Dpb;
  localparam int unsigned NW    = $clog2(MaxDescs) + 1;

  if (DataWidth < 256 || DataWidth > 1024 || (DataWidth & (DataWidth - 1)) != 0)
  begin : gen_bad_width
    $error("desc_fetch: DataWidth must be 256, 512 or 1024");
  end
  if (FifoBeats < 2 || (FifoBeats & (FifoBeats - 1)) != 0) begin : gen_bad_fifo
    $error("desc_fetch: FifoBeats must be a power of two >= 2");
  end
  if (MaxBurstBeats < 1 || MaxBurstBeats > FifoBeats || MaxBurstBeats * Bytes > 4096)
  begin : gen_bad_burst
    $error("desc_fetch: MaxBurstBeats must be in [1, FifoBeats] and span <= 4 KiB");
  end

  // ------------------------------------------------------------------------- request side
  // The burst size is worked out over three registered steps (space, room and candidates,
  // pick), so that no step has more than a couple of adders or compares in a row.
  typedef enum logic [2:0] {StIdle, StCalc, StRoom, StPick, StIssue} st_e;
  st_e st_q;

  logic [31:0] fetch_q;
  logic [31:0] avail_q, to_wrap_q;
  logic [63:0] addr_q;
  logic [7:0]  to_4k_q;        // descriptors left in the 4 KiB page, 1..128
  logic        ar_valid_q;
  logic [63:0] ar_addr_q;
  logic [7:0]  ar_len_q;

  logic ring_ok, ring_ok_d;
  // A ring is usable when its size is a power of two <= RING_SIZE_MAX, its base 32-byte
  // aligned and (with a memory window) it lies inside device memory; else nothing is read.
  // Registered: a cycle after a register write, out of the paths that start a fetch.
  always_ff @(posedge clk) begin
    if (!rst_n) ring_ok <= 1'b0;
    else ring_ok <= ring_ok_d;
  end
  assign ring_ok_d = (ring_size != 0) && ((ring_size & (ring_size - 1)) == 0) &&
                   (ring_size <= RingSizeMax) && (ring_base[4:0] == 0) &&
                   ((DevMemBytes == 0) ||
                    ((ring_base <= DevMemBytes) &&
                     ({27'd0, ring_size, 5'd0} <= DevMemBytes - ring_base)));

  // Tracking of each burst in flight: first lane and descriptor count.
  typedef struct packed {
    logic [LaneW-1:0] slot;
    logic [NW-1:0]    n;
  } burst_t;
  burst_t trk_in, trk_out;
  logic   trk_push, trk_ready, trk_valid, trk_pop;

  // Burst size from the registered candidates and the free buffer space. Space measured in
  // StCalc only grows until StIssue (beats leave the buffer, none arrive unasked).
  logic [LaneW-1:0] slot;
  logic [CntW:0]    free_d, free_q;
  logic [CntW:0]    used_q;   // beats asked for and not yet handed out: in flight + buffered
  logic             beat_pop;
  logic [31:0]      cand_q, room_q, pick_d, n_pick;
  logic [NW:0]      beats, beats_d;
  always_comb begin
    // First descriptor lane of the beat; a shift, not [..:5], so that 256 bits (one lane,
    // no lane bits) elaborates too.
    slot    = LaneW'(addr_q[$clog2(Bytes)-1:0] >> 5);
    free_d  = (CntW+1)'(FifoBeats) - used_q;
    if (free_d > (CntW+1)'(MaxBurstBeats)) free_d = (CntW+1)'(MaxBurstBeats);
    pick_d  = (room_q < cand_q) ? room_q : cand_q;
    beats_d = (NW+1)'((32'(slot) + pick_d + Dpb - 1) / Dpb);
  end

  always_ff @(posedge clk) begin
    unique case (st_q)
      StCalc: begin
        // From the registered address: no adder chain from the ring registers.
        to_4k_q <= 8'(({1'b0, 12'hfff} - {1'b0, addr_q[11:0]} + 13'd1) >> 5);
        free_q  <= free_d;
        cand_q <= (to_wrap_q < avail_q) ? to_wrap_q : avail_q;
      end
      StRoom: begin
        room_q <= 32'(free_q) * Dpb - 32'(slot);
        if (32'(to_4k_q) < cand_q) cand_q <= 32'(to_4k_q);
      end
      StPick: begin
        n_pick <= pick_d;
        beats  <= beats_d;
      end
      default: ;
    endcase
  end

  logic issue;
  assign issue = (st_q == StIssue) && trk_ready;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      st_q          <= StIdle;
      fetch_q       <= '0;
      ar_valid_q    <= 1'b0;
      used_q        <= '0;
    end else begin
      if (m_axi_arvalid && m_axi_arready) ar_valid_q <= 1'b0;
      if (unfetch && st_q == StIdle) fetch_q <= fetch_q - 32'd1;
      unique case (st_q)
        StIdle:  if (enable && ring_ok && fetch_q != ring_head && !ar_valid_q) st_q <= StCalc;
        StCalc:  st_q <= StRoom;
        // No space in the buffer yet: look again from the start.
        StRoom:  st_q <= (free_q != 0) ? StPick : StIdle;
        StPick:  st_q <= StIssue;
        StIssue: if (issue) begin
          ar_valid_q <= 1'b1;
          fetch_q    <= fetch_q + n_pick;
          st_q       <= StIdle;
        end
        default: st_q <= StIdle;
      endcase
      used_q        <= used_q + (issue ? (CntW+1)'(beats) : '0) - (CntW+1)'(beat_pop);
    end
  end

  logic [31:0] idx;
  logic [63:0] addr_d;
  assign idx    = fetch_q & (ring_size - 1);
  assign addr_d = {ring_base[63:5], 5'd0} + {27'd0, idx, 5'd0};

  always_ff @(posedge clk) begin
    if (st_q == StIdle) begin
      addr_q    <= addr_d;
      avail_q   <= ring_head - fetch_q;
      to_wrap_q <= ring_size - idx;
    end
    if (issue) begin
      ar_addr_q <= {addr_q[63:$clog2(Bytes)], {$clog2(Bytes){1'b0}}};
      ar_len_q  <= 8'(beats) - 8'd1;
    end
  end

  assign trk_in.slot = slot;
  assign trk_in.n    = NW'(n_pick);
  assign trk_push    = issue;

  logic [$clog2(4):0] trk_count;
  // Registered outputs (OutReg) on both queues: the response side's lane logic and the
  // pops start at flip-flops.
  sync_fifo #(
    .Width  ($bits(burst_t)),
    .Depth  (4),
    .OutReg (1)
  ) u_trk (
    .clk     (clk),
    .rst_n   (rst_n),
    .s_data  (trk_in),
    .s_valid (trk_push),
    .s_ready (trk_ready),
    .m_data  (trk_out),
    .m_valid (trk_valid),
    .m_ready (trk_pop),
    .count   (trk_count)
  );

  assign fetch_idx     = fetch_q;
  assign ring_usable   = ring_ok;
  assign active        = st_q != StIdle;
  assign m_axi_araddr  = ar_addr_q;
  assign m_axi_arlen   = ar_len_q;
  assign m_axi_arsize  = 3'($clog2(Bytes));
  assign m_axi_arburst = 2'b01;
  assign m_axi_arcache = 4'b0011;
  assign m_axi_arprot  = 3'b000;
  assign m_axi_arvalid = ar_valid_q;

  // ------------------------------------------------------------------------- response side
  // Each beat goes into the buffer with the range of descriptor lanes it carries.
  typedef struct packed {
    logic [DataWidth-1:0] data;
    logic                 err;
    logic [LaneW-1:0]     lo;
    logic [LaneW-1:0]     hi;
  } beat_t;

  logic          r_first_q;   // next beat is the first of its burst
  logic [NW-1:0] r_rem_q;     // descriptors of the burst still to come
  logic [NW-1:0] r_rem;
  logic [LaneW:0] r_cnt;
  beat_t         beat_in, beat_out;
  logic          beat_valid;

  // Space was reserved at issue time, so a beat is always accepted.
  assign m_axi_rready = 1'b1;

  always_comb begin
    r_rem      = r_first_q ? trk_out.n : r_rem_q;
    beat_in.data = m_axi_rdata;
    beat_in.err  = m_axi_rresp[1];   // SLVERR or DECERR
    beat_in.lo = r_first_q ? trk_out.slot : '0;
    r_cnt      = (LaneW+1)'(Dpb) - {1'b0, beat_in.lo};
    if (NW'(r_cnt) > r_rem) r_cnt = (LaneW+1)'(r_rem);
    beat_in.hi = LaneW'({1'b0, beat_in.lo} + r_cnt - 1'b1);
  end

  assign trk_pop = m_axi_rvalid && m_axi_rlast;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      r_first_q <= 1'b1;
      r_rem_q   <= '0;
    end else if (m_axi_rvalid) begin
      r_first_q <= m_axi_rlast;
      r_rem_q   <= r_rem - NW'(r_cnt);
    end
  end

  logic [CntW-1:0] beat_count;
  logic beats_ready;
  sync_fifo #(
    .Width  ($bits(beat_t)),
    .Depth  (FifoBeats),
    .OutReg (1)
  ) u_beats (
    .clk     (clk),
    .rst_n   (rst_n),
    .s_data  (beat_in),
    .s_valid (m_axi_rvalid),
    .s_ready (beats_ready),
    .m_data  (beat_out),
    .m_valid (beat_valid),
    .m_ready (beat_pop),
    .count   (beat_count)
  );

  // One descriptor per cycle out of the head beat.
  logic             started_q;
  logic [LaneW-1:0] ptr_q, lane;
  assign lane         = started_q ? ptr_q : beat_out.lo;
  assign m_desc_data  = beat_out.data[lane*TxdBytes*8 +: TxdBytes*8];
  assign m_desc_err   = beat_out.err;
  assign m_desc_valid = beat_valid;
  assign beat_pop     = beat_valid && m_desc_ready && (lane == beat_out.hi);

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      started_q <= 1'b0;
      ptr_q     <= '0;
    end else if (m_desc_valid && m_desc_ready) begin
      started_q <= !beat_pop;
      ptr_q     <= lane + 1'b1;
    end
  end

  logic unused;
  assign unused = ^{m_axi_rresp[0], addr_q[4:0], trk_valid};

  // FIFO status not needed here (space is reserved ahead, or not watched).
  logic unused_fifo;
  assign unused_fifo = ^{trk_count, beats_ready, beat_count};

endmodule
