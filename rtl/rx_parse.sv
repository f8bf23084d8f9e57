// SPDX-License-Identifier: MIT
// rx_parse: checks each frame from the MAC as it streams, bit for bit as hls/sendoff_rx's
// rx_parse_step: CRC-32 over the frame and its FCS, the length class, the EtherType, the IPv4
// header checksum (options too), the UDP/TCP checksum with its pseudo-header, the flow hash.
// The beats leave as they came, 5 cycles later, one per cycle; the verdict (rx_meta_t) leaves
// with each frame's last beat. The MAC cannot be stalled, so there is no tready.
// Input contract (the CMAC's): tkeep contiguous from lane 0, full on every beat but a frame's
// last, never zero on the last.
module rx_parse
  import sendoff_pkg::*;
#(
  parameter int unsigned DataWidth = 512  // stream bits, 512 or 1024
) (
  input  logic                   clk,
  input  logic                   rst_n,

  // ---- frames from the MAC, FCS included
  input  logic [DataWidth-1:0]   s_axis_tdata,
  input  logic [DataWidth/8-1:0] s_axis_tkeep,
  input  logic                   s_axis_tlast,
  input  logic                   s_axis_tvalid,

  // ---- the same beats; m_meta is valid with a frame's last beat
  output logic [DataWidth-1:0]   m_axis_tdata,
  output logic [DataWidth/8-1:0] m_axis_tkeep,
  output logic                   m_axis_tlast,
  output logic                   m_axis_tvalid,
  output rx_meta_t               m_meta
);

  if (DataWidth != 512 && DataWidth != 1024) begin : gen_bad_width
    $error("rx_parse: DataWidth must be 512 or 1024 (the fixed headers in the first beat)");
  end

  localparam int unsigned Bytes = DataWidth / 8;
  localparam int unsigned LaneW = $clog2(Bytes);

  // StepRows, HiRows, LoRows and mul32, shared with eth_fcs.
  `include "crc32_rows.svh"

  // The frame's header fields, all in its first beat; the L4 ports and checksum field may
  // lie in the second (IPv4 options), so they are updated beat by beat.
  typedef struct packed {
    logic [15:0] ethertype;
    logic [6:0]  ihl;       // IPv4 header bytes; 0: not IPv4 or a bad version/IHL
    logic [15:0] tot_len;
    logic [15:0] frag;
    logic [7:0]  proto;
    logic [31:0] saddr;
    logic [31:0] daddr;
    logic [15:0] sport;
    logic [15:0] dport;
    logic [15:0] check;     // the L4 checksum field as sent
  } hdr_t;

  function automatic logic [7:0] lane8(logic [DataWidth-1:0] d, int i);
    lane8 = d[8*i +: 8];
  endfunction

  function automatic hdr_t decode(logic [DataWidth-1:0] d);
    hdr_t h;
    logic [7:0] vihl;
    h.ethertype = {lane8(d, 12), lane8(d, 13)};
    vihl        = lane8(d, 14);
    h.ihl       = (h.ethertype == EthPIp && vihl[7:4] == 4'd4 && vihl[3:0] >= 4'd5) ?
                  {1'b0, vihl[3:0], 2'b00} : 7'd0;
    h.tot_len   = {lane8(d, 16), lane8(d, 17)};
    h.frag      = {lane8(d, 20), lane8(d, 21)};
    h.proto     = lane8(d, 23);
    h.saddr     = {lane8(d, 26), lane8(d, 27), lane8(d, 28), lane8(d, 29)};
    h.daddr     = {lane8(d, 30), lane8(d, 31), lane8(d, 32), lane8(d, 33)};
    h.sport     = '0;
    h.dport     = '0;
    h.check     = '0;
    decode = h;
  endfunction

  // Bits of the lanes holding frame bytes [lo, hi) of a beat whose lane 0 is byte `off`.
  function automatic logic [DataWidth-1:0] lane_range(logic [31:0] off, logic [31:0] lo,
                                                      logic [31:0] hi);
    logic [31:0] a, b;
    a = lo <= off ? 32'd0 : (lo - off > Bytes ? Bytes : lo - off);
    b = hi <= off ? 32'd0 : (hi - off > Bytes ? Bytes : hi - off);
    lane_range = ({DataWidth{1'b1}} << (8 * a)) & ~({DataWidth{1'b1}} << (8 * b));
  endfunction

  // Sum of the beat's big-endian 16-bit words (every range starts at an even frame offset).
  function automatic logic [31:0] be_word_sum(logic [DataWidth-1:0] d);
    logic [31:0] s;
    s = '0;
    for (int i = 0; i < Bytes / 2; i++) s += {16'd0, d[16*i +: 8], d[16*i+8 +: 8]};
    be_word_sum = s;
  endfunction

  // The 16-bit field at frame byte `at` (even: never split across beats), if this beat holds
  // its first byte; bytes past tkeep are zero in `d`.
  function automatic logic [15:0] field_at(logic [DataWidth-1:0] d, logic [Bytes-1:0] keep,
                                           logic [31:0] off, logic [31:0] at,
                                           logic [15:0] old);
    logic [15:0] t;
    logic [31:0] lane;
    lane = at - off;
    t = 16'(d >> (8 * lane));
    field_at = (at >= off && lane < Bytes && keep[LaneW'(lane)]) ? {t[7:0], t[15:8]} : old;
  endfunction

  // ------------------------------------------------------------------------- stage 0: input
  logic                 v0_q, last0_q, first0_q, in_frame_q;
  logic [DataWidth-1:0] d0_q;
  logic [Bytes-1:0]     k0_q;
  logic [31:0]          off0_q, next_off_q;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      v0_q       <= 1'b0;
      in_frame_q <= 1'b0;
      next_off_q <= '0;
    end else begin
      v0_q <= s_axis_tvalid;
      if (s_axis_tvalid) begin
        in_frame_q <= !s_axis_tlast;
        next_off_q <= s_axis_tlast ? 32'd0 : next_off_q + Bytes;
      end
    end
  end

  always_ff @(posedge clk) begin
    if (s_axis_tvalid) begin
      d0_q     <= s_axis_tdata;
      k0_q     <= s_axis_tkeep;
      last0_q  <= s_axis_tlast;
      first0_q <= !in_frame_q;
      off0_q   <= next_off_q;
    end
  end

  // ------------------------------------------------------------------------- stage 1: per beat
  // Masked sums of this beat's bytes, its CRC data term, the fields it holds.
  logic                 v1_q, last1_q, first1_q;
  logic [DataWidth-1:0] d1_q;
  logic [Bytes-1:0]     k1_q;
  logic [LaneW:0]       n1_q;
  logic [31:0]          off1_q, ipp1_q, l4p1_q, g1_q;
  hdr_t                 h1_q;

  hdr_t                 h1_d;
  logic [DataWidth-1:0] dm;
  logic [LaneW:0]       n0;
  logic [31:0]          ip_end, l4_end, check_at, ipp_d, l4p_d, g_d;

  always_comb begin
    hdr_t h;
    h        = first0_q ? decode(d0_q) : h1_q;
    n0       = ($clog2(Bytes)+1)'($countones(k0_q));
    dm       = d0_q & ({DataWidth{1'b1}} >> (8 * (32'(Bytes) - 32'(n0))));
    ip_end   = 32'(EthHlen) + 32'(h.ihl);
    l4_end   = h.ihl != '0 ? 32'(EthHlen) + 32'(h.tot_len) : 32'd0;
    check_at = ip_end + (h.proto == IpprotoTcp ? 32'd16 : 32'd6);
    ipp_d    = be_word_sum(dm & lane_range(off0_q, 32'(EthHlen), ip_end));
    l4p_d    = be_word_sum(dm & lane_range(off0_q, ip_end, l4_end));
    h.sport  = field_at(dm, k0_q, off0_q, ip_end, h.sport);
    h.dport  = field_at(dm, k0_q, off0_q, ip_end + 32'd2, h.dport);
    h.check  = field_at(dm, k0_q, off0_q, check_at, h.check);
    h1_d     = h;
    for (int i = 0; i < 32; i++) g_d[i] = ^(StepRows[i*RowW +: DataWidth] & dm);
  end

  always_ff @(posedge clk) begin
    if (!rst_n) v1_q <= 1'b0;
    else        v1_q <= v0_q;
  end

  always_ff @(posedge clk) begin
    if (v0_q) begin
      d1_q     <= d0_q;
      k1_q     <= k0_q;
      last1_q  <= last0_q;
      first1_q <= first0_q;
      n1_q     <= n0;
      off1_q   <= off0_q;
      ipp1_q   <= ipp_d;
      l4p1_q   <= l4p_d;
      g1_q     <= g_d;
      h1_q     <= h1_d;
    end
  end

  // ------------------------------------------------------------------------- stage 2: sums
  // The accumulators over the frame so far; the CRC takes the beat whole (bytes past tkeep
  // are zero in the data term) and stage 3/4 take those zero bytes back out.
  logic                 v2_q, last2_q;
  logic [DataWidth-1:0] d2_q;
  logic [Bytes-1:0]     k2_q;
  logic [LaneW-1:0]     z2_q;
  logic [31:0]          crc2_q, ip_sum2_q, l4_sum2_q, total2_q;
  hdr_t                 h2_q;

  logic [31:0] crc2_d;
  always_comb begin
    logic [31:0] st;
    st = first1_q ? 32'hffffffff : crc2_q;
    for (int i = 0; i < 32; i++) crc2_d[i] = ^(StepRows[i*RowW + DataWidth +: 32] & st) ^ g1_q[i];
  end

  always_ff @(posedge clk) begin
    if (!rst_n) v2_q <= 1'b0;
    else        v2_q <= v1_q;
  end

  always_ff @(posedge clk) begin
    if (v1_q) begin
      d2_q      <= d1_q;
      k2_q      <= k1_q;
      last2_q   <= last1_q;
      h2_q      <= h1_q;
      crc2_q    <= crc2_d;
      ip_sum2_q <= (first1_q ? 32'd0 : ip_sum2_q) + ipp1_q;
      l4_sum2_q <= (first1_q ? 32'd0 : l4_sum2_q) + l4p1_q;
      total2_q  <= off1_q + 32'(n1_q);
      z2_q      <= LaneW'((LaneW+1)'(Bytes) - n1_q);
    end
  end

  // ------------------------------------------------------------------------- stage 3
  // Zero bytes out in groups of 8; the checksums' folds; the pseudo-header.
  logic                 v3_q, last3_q, ip_ok3_q;
  logic [DataWidth-1:0] d3_q;
  logic [Bytes-1:0]     k3_q;
  logic [2:0]           z3_q;
  logic [31:0]          crc3_q, l4_sum3_q, total3_q, pseudo3_q;
  hdr_t                 h3_q;

  always_ff @(posedge clk) begin
    if (!rst_n) v3_q <= 1'b0;
    else        v3_q <= v2_q;
  end

  logic [15:0] l4_len2;
  assign l4_len2 = h2_q.tot_len - 16'(h2_q.ihl);

  always_ff @(posedge clk) begin
    if (v2_q) begin
      d3_q      <= d2_q;
      k3_q      <= k2_q;
      last3_q   <= last2_q;
      h3_q      <= h2_q;
      z3_q      <= z2_q[2:0];
      total3_q  <= total2_q;
      l4_sum3_q <= l4_sum2_q;
      ip_ok3_q  <= csum_fold(ip_sum2_q) == 16'hffff;
      pseudo3_q <= 32'(h2_q.saddr[31:16]) + 32'(h2_q.saddr[15:0]) + 32'(h2_q.daddr[31:16]) +
                   32'(h2_q.daddr[15:0]) + 32'(h2_q.proto) +
                   32'(l4_len2);
      crc3_q    <= last2_q ? mul32(HiRows[32'(z2_q[LaneW-1:3]) * 1024 +: 1024], crc2_q) : crc2_q;
    end
  end

  // ------------------------------------------------------------------------- stage 4: verdict
  rx_meta_t m_d;
  always_comb begin
    logic [31:0] len, ip_end4, l4_end4, crc;
    logic        hdr_ok, whole, none, good, frag;
    crc     = mul32(LoRows[32'(z3_q) * 1024 +: 1024], crc3_q);
    len     = total3_q >= 32'(EthFcsLen) ? total3_q - 32'(EthFcsLen) : 32'd0;
    ip_end4 = 32'(EthHlen) + 32'(h3_q.ihl);
    l4_end4 = h3_q.ihl != '0 ? 32'(EthHlen) + 32'(h3_q.tot_len) : 32'd0;
    m_d        = '0;
    m_d.len    = len > 32'hffff ? 16'hffff : len[15:0];
    m_d.fcs_ok = total3_q >= 32'(EthFcsLen) && crc == Crc32ResidueReg;
    m_d.len_ok = len >= 32'(EthZlen) && len <= 32'(EthFrameMax);
    unique case (h3_q.ethertype)
      EthPIp:   m_d.l3 = RxcL3Ipv4;
      EthPArp:  m_d.l3 = RxcL3Arp;
      EthPIpv6: m_d.l3 = RxcL3Ipv6;
      default:  m_d.l3 = RxcL3Other;
    endcase
    hdr_ok = h3_q.ihl != '0 && ip_end4 <= len && ip_ok3_q;
    frag   = h3_q.frag[13:0] != '0;
    whole  = l4_end4 <= len &&
             17'(h3_q.tot_len) >= 17'(h3_q.ihl) + (h3_q.proto == IpprotoTcp ? 17'd20 : 17'd8);
    none   = h3_q.proto == IpprotoUdp && h3_q.check == '0;
    good   = none || csum_fold(csum_add32(l4_sum3_q, pseudo3_q)) == 16'hffff;
    if (m_d.l3 == RxcL3Ipv4) begin
      m_d.flags = hdr_ok ? RxcFIpCsumOk : RxcFIpCsumBad;
      if (hdr_ok) begin
        m_d.l4 = frag                       ? RxcL4Frag :
                 h3_q.proto == IpprotoUdp   ? RxcL4Udp :
                 h3_q.proto == IpprotoTcp   ? RxcL4Tcp :
                 h3_q.proto == IpprotoIcmp  ? RxcL4Icmp : RxcL4Other;
        if ((m_d.l4 == RxcL4Udp || m_d.l4 == RxcL4Tcp) && whole) begin
          m_d.flags = m_d.flags | (good ? RxcFL4CsumOk : RxcFL4CsumBad);
          m_d.hash  = rx_flow_hash(h3_q.saddr, h3_q.daddr, h3_q.sport, h3_q.dport, h3_q.proto);
        end
      end
    end
  end

  logic                 out_valid_q, out_last_q;
  logic [DataWidth-1:0] out_data_q;
  logic [Bytes-1:0]     out_keep_q;
  rx_meta_t             out_meta_q;

  always_ff @(posedge clk) begin
    if (!rst_n) out_valid_q <= 1'b0;
    else        out_valid_q <= v3_q;
  end

  always_ff @(posedge clk) begin
    if (v3_q) begin
      out_data_q <= d3_q;
      out_keep_q <= k3_q;
      out_last_q <= last3_q;
      out_meta_q <= last3_q ? m_d : '0;
    end
  end

  assign m_axis_tdata  = out_data_q;
  assign m_axis_tkeep  = out_keep_q;
  assign m_axis_tlast  = out_last_q;
  assign m_axis_tvalid = out_valid_q;
  assign m_meta        = out_meta_q;

endmodule
