// SPDX-License-Identifier: MIT
// Descriptor checks, in the order of the HLS model (hls/sendoff_tx/sendoff_tx.hpp): the
// descriptor alone (-> descriptor error), then its flow (-> drop), then DF against the MTU
// (-> descriptor error); a whole frame (TxdL4Eth) has no flow, so only the first apply.
// The rest become jobs for the data path. One descriptor per cycle.
// A TCP descriptor is two ring slots (nic_abi.hpp): its first slot is held until the second
// comes, and the pair is checked as one descriptor (MSS, options, the segment against the
// MTU); a second slot read with an error makes the pair one error of two slots. A first slot
// read with an error is one slot whatever it holds.
// Every descriptor also leaves a completion record (sent or not) in ring order, from which
// desc_complete advances RING_TAIL.
module desc_check
  import sendoff_pkg::*;
#(
  parameter longint unsigned DevMemBytes = 0  // payloads must lie in [0, this); 0: anywhere
) (
  input  logic                         clk,
  input  logic                         rst_n,

  // ---- descriptors in
  input  logic [TxdBytes*8-1:0]        s_desc_data,
  input  logic                         s_desc_err,   // read with an error: contents unknown
  input  logic                         s_desc_valid,
  output logic                         s_desc_ready,

  // ---- a TCP first slot waits for its second; release drops it (the fetch steps back)
  output logic                         holding,
  input  logic                         release_hold,

  // ---- flow-table read port (one cycle latency)
  output logic                         flow_re,
  output logic [7:0]                   flow_raddr,
  input  logic [FlowStoredBytes*8-1:0] flow_rdata,

  // ---- jobs out: payload address and the job
  output logic [63:0]                  m_job_addr,
  output tx_job_t                      m_job,
  output tcp_ext_t                     m_job_ext,    // with a TCP job (m_job.tcp)
  output logic                         m_job_valid,
  input  logic                         m_job_ready,

  // ---- completion records out: 1 = frames sent, wait for them; 0 = nothing sent
  output logic                         m_cpl_sent,
  output logic                         m_cpl_two,    // the descriptor took two ring slots
  output logic                         m_cpl_valid,
  input  logic                         m_cpl_ready,

  // ---- statistics events
  output logic                         stat_drop,
  output logic                         stat_desc_error
);

  // Stage 1 holds the descriptor while the flow entry is read; stage 2 holds the verdict.
  logic  s1_valid_q, s2_valid_q, s2_send_q, s2_drop_q, s2_err_q;
  txd_t  s1_desc_q;
  logic  s1_two_q, s2_two_q;
  logic [TxdBytes*8-1:0] s1_slot2_q;

  // The first slot of a TCP descriptor, held until its second slot arrives.
  logic                  hold_q, in_tcp0, take1;
  logic [TxdBytes*8-1:0] hold_data_q, d0_raw;
  logic  s1_idx_ok_q;
  // The checks on the descriptor alone are made on the way into stage 1, so that stage 2's
  // verdict starts from one register: s1_bad_q (the read error included), and for the
  // memory window, the address past it and the room left after it.
  logic  s1_bad_q, s1_above_q;
  logic [63:0] s1_room_q;
  txd_t  din;
  logic  din_udp, din_eth, din_bad, din_err;
  logic [15:0] din_seg;      // TCP: payload bytes of the first segment, min(len, mss)
  logic [7:0]  din_optlen;
  logic [17:0] s1_iplen_q;   // IPv4 packet bytes: 20 + payload + UDP header (if UDP)
                             // (TCP: the first segment's, 20 + 20 + options + min(len, mss))
  logic  en1, en2, s2_out_ok;

  // Stage 2 forks to two outputs (the job only when sending) and leaves once both took it,
  // in the same cycle or not: each output's valid stays up until its own ready (AXI), and
  // job_done_q/cpl_done_q remember the output that already took the descriptor.
  logic  job_done_q, cpl_done_q;
  assign s2_out_ok  = (cpl_done_q || m_cpl_ready) &&
                      (!s2_send_q || job_done_q || m_job_ready);
  assign en2        = !s2_valid_q || s2_out_ok;
  assign en1        = !s1_valid_q || en2;
  assign s_desc_ready = en1;

  // A first slot that reads as TCP (and without error) waits; with one held, the slot that
  // comes is its second and the pair moves on.
  assign in_tcp0 = !hold_q && !s_desc_err && (s_desc_data[TxdFlagsOff*8 +: 2] == TxdL4Tcp);
  assign take1   = en1 && s_desc_valid && !in_tcp0;
  assign d0_raw  = hold_q ? hold_data_q : s_desc_data;
  assign holding = hold_q;

  assign flow_re    = take1;
  assign flow_raddr = d0_raw[TxdFlowOff*8 +: 8];

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      s1_valid_q <= 1'b0;
      hold_q     <= 1'b0;
    end else begin
      if (en1) s1_valid_q <= take1;
      if (release_hold) hold_q <= 1'b0;
      else if (en1 && s_desc_valid) hold_q <= in_tcp0;
    end
  end

  always_ff @(posedge clk) begin
    if (en1 && s_desc_valid && in_tcp0) hold_data_q <= s_desc_data;
  end

  always_comb begin
    din        = txd_decode(d0_raw);
    din_udp    = (din.flags[1:0] == TxdL4Udp);
    din_eth    = (din.flags[1:0] == TxdL4Eth);
    din_optlen = s_desc_data[TxdTcpOptlenOff*8 +: 8];
    din_seg    = (din.len[15:0] < din.mss) ? din.len[15:0] : din.mss;
    // Held pair: slot 0 read cleanly, the error is the second slot's.
    din_err    = s_desc_err;
    din_bad = din_err ||
              ((din.flags & ~TxdFKnown) != 0) ||
              (din.rsvd != 0) ||
              (din_udp && din.len > MaxUdpLen) ||
              (din_eth && (din.len < EthHlen || din.len > EthFrameMax)) ||
              (!hold_q && !din_udp && !din_eth && din.len > MaxRawLen) ||
              (hold_q && (din.len > MaxPayload || din.mss < 16'(TsoMssMin) ||
                          din.mss > 16'(MaxMtu) || din_optlen[1:0] != 0 ||
                          din_optlen > 8'(TxdTcpOptMax)));
  end

  always_ff @(posedge clk) begin
    if (take1) begin
      s1_desc_q   <= din;
      s1_two_q    <= hold_q;
      s1_slot2_q  <= s_desc_data;
      s1_bad_q    <= din_bad;
      s1_above_q  <= (din.addr > DevMemBytes);
      s1_room_q   <= DevMemBytes - din.addr;
      s1_idx_ok_q <= (d0_raw[TxdFlowOff*8 +: 16] < 16'(FlowTableSize));
      // Added while the flow entry is read, so the MTU compare below starts from a register.
      if (hold_q)
        s1_iplen_q <= 18'(din_seg) + 18'(2 * IpHlen) + 18'(din_optlen[5:0]);
      else
        s1_iplen_q <= 18'(d0_raw[TxdLenOff*8 +: 16]) + 18'(IpHlen) +
                      ((d0_raw[TxdFlagsOff*8 +: 2] == TxdL4Udp) ? 18'(UdpHlen) : 18'd0);
    end
  end

  // ------------------------------------------------------------------------- verdict
  // x >= c for a constant c as plain logic, bit by bit from the top: LUTs straight from the
  // flow RAM, where a subtraction would put LUTs and a carry chain in front of the verdict.
  function automatic logic ge_const(logic [15:0] x, logic [15:0] c);
    logic gt, eq;
    gt = 1'b0;
    eq = 1'b1;
    for (int i = 15; i >= 0; i--) begin
      gt = gt || (eq && x[i] && !c[i]);
      eq = eq && (x[i] == c[i]);
    end
    ge_const = gt || eq;
  endfunction

  flow_t       f;
  txd_t        d;
  logic [1:0]  l4;
  logic        flow_ok, bad_desc, bad_df, is_udp, is_eth, outside;
  tx_job_t     job;
  tcp_ext_t    ext;

  always_comb begin
    d       = s1_desc_q;
    f       = flow_decode(flow_rdata);
    l4      = d.flags[1:0];
    is_udp  = (l4 == TxdL4Udp);
    is_eth  = (l4 == TxdL4Eth);
    outside = (DevMemBytes != 0) && (s1_above_q || (64'(d.len) > s1_room_q));
    bad_desc = s1_bad_q || outside;
    // A whole frame has no flow: it ignores the entry read for it, and DF.
    flow_ok = is_eth || (s1_idx_ok_q && ((f.flags & FlowFValid) != 0) &&
                         ge_const(f.mtu, 16'(MinMtu)) && !ge_const(f.mtu, 16'(MaxMtu + 1)));
    // A TCP segment is never fragmented: it must fit the MTU with or without DF.
    bad_df  = !is_eth && (s1_two_q || (d.flags & TxdFDf) != 0) && (s1_iplen_q > 18'(f.mtu));

    job.tcp   = s1_two_q;
    job.more  = 1'b0;
    job.len   = d.len[15:0];
    job.udp   = is_udp;
    job.eth   = is_eth;
    job.df    = !is_eth && (d.flags & TxdFDf) != 0;
    job.frag  = !is_eth && !s1_two_q && (s1_iplen_q > 18'(f.mtu));
    job.fsz   = 14'((f.mtu - 16'(IpHlen)) & ~16'd7);
    job.ip_id = d.ip_id;
    job.ttl   = d.ttl;
    job.tos   = d.tos;
    job.proto = is_udp ? IpprotoUdp : f.proto;
    job.saddr = f.saddr;
    job.daddr = f.daddr;
    job.sport = f.sport;
    job.dport = f.dport;
    job.dmac  = f.dmac;
    job.smac  = f.smac;

    ext.mss       = d.mss;
    ext.seq       = d.seq;
    ext.ack       = s1_slot2_q[TxdTcpAckOff*8 +: 32];
    ext.window    = s1_slot2_q[TxdTcpWindowOff*8 +: 16];
    ext.tcp_flags = s1_slot2_q[TxdTcpFlagsOff*8 +: 8];
    ext.opt_len   = s1_slot2_q[TxdTcpOptlenOff*8 +: 6];
    ext.opts      = 320'(s1_slot2_q[TxdTcpOptsOff*8 +: TxdTcpOptMax*8]);
  end

  tx_job_t     s2_job_q;
  tcp_ext_t    s2_ext_q;
  logic [63:0] s2_addr_q;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      s2_valid_q <= 1'b0;
      s2_send_q  <= 1'b0;
      s2_drop_q  <= 1'b0;
      s2_err_q   <= 1'b0;
      s2_two_q   <= 1'b0;
    end else if (en2) begin
      s2_two_q   <= s1_two_q;
      s2_valid_q <= s1_valid_q;
      s2_drop_q  <= s1_valid_q && !bad_desc && !flow_ok;
      s2_err_q   <= s1_valid_q && (bad_desc || (flow_ok && bad_df));
      s2_send_q  <= s1_valid_q && !bad_desc && flow_ok && !bad_df;
    end
  end

  always_ff @(posedge clk) begin
    if (en2) begin
      s2_job_q  <= job;
      s2_ext_q  <= ext;
      s2_addr_q <= d.addr;
    end
  end

  always_ff @(posedge clk) begin
    if (!rst_n || en2) begin
      job_done_q <= 1'b0;
      cpl_done_q <= 1'b0;
    end else begin
      if (m_job_valid && m_job_ready) job_done_q <= 1'b1;
      if (m_cpl_valid && m_cpl_ready) cpl_done_q <= 1'b1;
    end
  end

  // The flow RAM output is only read in the cycle after the read, so stage 1 must not stall
  // with data from an old read: en2 low holds stage 1, and flow_re is low then too, so the
  // RAM output register keeps the entry of the held descriptor.
  assign m_job       = s2_job_q;
  assign m_job_ext   = s2_ext_q;
  assign m_cpl_two   = s2_two_q;
  assign m_job_addr  = s2_addr_q;
  assign m_job_valid = s2_valid_q && s2_send_q && !job_done_q;
  assign m_cpl_sent  = s2_send_q;
  assign m_cpl_valid = s2_valid_q && !cpl_done_q;

  // Counted once, when the descriptor leaves stage 2.
  assign stat_drop       = s2_valid_q && s2_drop_q && s2_out_ok;
  assign stat_desc_error = s2_valid_q && s2_err_q && s2_out_ok;

  logic unused;
  assign unused = ^{d.cookie, d.flow[15:8], f.flags[7:1], d.len[31:16], d.rsvd,
                    d.flags[15:3], din_optlen[7:6], s1_slot2_q};

endmodule
