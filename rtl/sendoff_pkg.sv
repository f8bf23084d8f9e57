// SPDX-License-Identifier: MIT
// sendoff NIC ABI mirrored from hls/include/sendoff/nic_abi.hpp, plus the records the TX
// pipeline passes between its stages. tests/rtl/pkg_abi_test.cpp compares every ABI value
// below with the C++ header through the Verilated model (hence the "verilator public" marks).

package sendoff_pkg;

  // The package mirrors the whole ABI; not every constant has a user in the RTL.
  /* verilator lint_off UNUSEDPARAM */

  // ------------------------------------------------------------------------- TX descriptor
  localparam int unsigned TxdBytes     /*verilator public*/ = 32;
  localparam int unsigned TxdAddrOff   /*verilator public*/ = 0;   // u64 payload address
  localparam int unsigned TxdLenOff    /*verilator public*/ = 8;   // u32 payload bytes
  localparam int unsigned TxdFlowOff   /*verilator public*/ = 12;  // u16 flow-table index
  localparam int unsigned TxdFlagsOff  /*verilator public*/ = 14;  // u16 TXD_F_*
  localparam int unsigned TxdSeqOff    /*verilator public*/ = 16;  // u32 TCP sequence
  localparam int unsigned TxdIpidOff   /*verilator public*/ = 20;  // u16 IPv4 ID
  localparam int unsigned TxdTtlOff    /*verilator public*/ = 22;  // u8  IPv4 TTL
  localparam int unsigned TxdTosOff    /*verilator public*/ = 23;  // u8  IPv4 TOS
  localparam int unsigned TxdMssOff    /*verilator public*/ = 24;  // u16 TCP MSS
  localparam int unsigned TxdRsvdOff   /*verilator public*/ = 26;  // u16 must be zero
  localparam int unsigned TxdCookieOff /*verilator public*/ = 28;  // u32 host tag

  localparam logic [15:0] TxdFL4Mask /*verilator public*/ = 16'h0003;
  localparam logic [1:0]  TxdL4Raw   /*verilator public*/ = 2'd0;
  localparam logic [1:0]  TxdL4Udp   /*verilator public*/ = 2'd1;
  localparam logic [1:0]  TxdL4Tcp   /*verilator public*/ = 2'd2;
  localparam logic [1:0]  TxdL4Eth   /*verilator public*/ = 2'd3;  // whole Ethernet frame
  localparam logic [15:0] TxdFDf     /*verilator public*/ = 16'h0004;
  // Bits 3 and 4 (PSH, FIN before ABI 3.0) are unknown now: TCP flags live in the second slot.
  localparam logic [15:0] TxdFKnown  /*verilator public*/ = TxdFL4Mask | TxdFDf;

  // Second slot of a TCP descriptor (TxDescTcp).
  localparam int unsigned TxdTcpAckOff    /*verilator public*/ = 0;   // u32
  localparam int unsigned TxdTcpWindowOff /*verilator public*/ = 4;   // u16
  localparam int unsigned TxdTcpFlagsOff  /*verilator public*/ = 6;   // u8
  localparam int unsigned TxdTcpOptlenOff /*verilator public*/ = 7;   // u8
  localparam int unsigned TxdTcpOptsOff   /*verilator public*/ = 8;   // u8[24]
  localparam int unsigned TxdTcpOptMax    /*verilator public*/ = 24;
  localparam int unsigned TsoMssMin       /*verilator public*/ = 88;

  // ------------------------------------------------------------------------- flow table
  localparam int unsigned FlowBytes     /*verilator public*/ = 64;
  localparam int unsigned FlowWords     /*verilator public*/ = FlowBytes / 4;
  localparam int unsigned FlowSaddrOff  /*verilator public*/ = 0;   // u32 IPv4 source
  localparam int unsigned FlowDaddrOff  /*verilator public*/ = 4;   // u32 IPv4 destination
  localparam int unsigned FlowSportOff  /*verilator public*/ = 8;   // u16
  localparam int unsigned FlowDportOff  /*verilator public*/ = 10;  // u16
  localparam int unsigned FlowMtuOff    /*verilator public*/ = 12;  // u16 IP packet bytes
  localparam int unsigned FlowProtoOff  /*verilator public*/ = 14;  // u8
  localparam int unsigned FlowFlagsOff  /*verilator public*/ = 15;  // u8 FLOW_F_*
  localparam int unsigned FlowDmacOff   /*verilator public*/ = 16;  // u8[6] wire order
  localparam int unsigned FlowSmacOff   /*verilator public*/ = 22;  // u8[6] wire order
  localparam int unsigned FlowRsvdOff   /*verilator public*/ = 28;  // reserved to the end

  localparam logic [7:0]  FlowFValid    /*verilator public*/ = 8'h01;
  localparam int unsigned FlowTableSize /*verilator public*/ = 256;

  // The table keeps bytes [0, FlowRsvdOff) of each entry: everything up to our MAC.
  // The reserved tail (IPv6 later) lives only in the FLOW_DATA staging registers.
  localparam int unsigned FlowStoredBytes = FlowRsvdOff;

  // ------------------------------------------------------------------------- register map
  localparam logic [11:0] RegId             /*verilator public*/ = 12'h000;
  localparam logic [11:0] RegVersion        /*verilator public*/ = 12'h004;
  localparam logic [11:0] RegCtrl           /*verilator public*/ = 12'h008;
  localparam logic [11:0] RegStatus         /*verilator public*/ = 12'h00C;
  localparam logic [11:0] RegRingBaseLo     /*verilator public*/ = 12'h010;
  localparam logic [11:0] RegRingBaseHi     /*verilator public*/ = 12'h014;
  localparam logic [11:0] RegRingSize       /*verilator public*/ = 12'h018;
  localparam logic [11:0] RegRingHead       /*verilator public*/ = 12'h01C;
  localparam logic [11:0] RegRingTail       /*verilator public*/ = 12'h020;
  localparam logic [11:0] RegFlowIndex      /*verilator public*/ = 12'h024;
  localparam logic [11:0] RegFlowCommit     /*verilator public*/ = 12'h028;
  localparam logic [11:0] RegWbBaseLo       /*verilator public*/ = 12'h02C;
  localparam logic [11:0] RegWbBaseHi       /*verilator public*/ = 12'h030;
  localparam logic [11:0] RegCaps           /*verilator public*/ = 12'h03C;
  localparam logic [11:0] RegFlowData       /*verilator public*/ = 12'h040;
  // The receive path's registers (nic_abi.hpp).
  localparam logic [11:0] RegRxBufBaseLo    /*verilator public*/ = 12'h080;
  localparam logic [11:0] RegRxBufBaseHi    /*verilator public*/ = 12'h084;
  localparam logic [11:0] RegRxCplBaseLo    /*verilator public*/ = 12'h088;
  localparam logic [11:0] RegRxCplBaseHi    /*verilator public*/ = 12'h08C;
  localparam logic [11:0] RegRxRingSize     /*verilator public*/ = 12'h090;
  localparam logic [11:0] RegRxBufSize      /*verilator public*/ = 12'h094;
  localparam logic [11:0] RegRxHead         /*verilator public*/ = 12'h098;
  localparam logic [11:0] RegRxTail         /*verilator public*/ = 12'h09C;
  localparam logic [11:0] RegStatFramesLo   /*verilator public*/ = 12'h100;
  localparam logic [11:0] RegStatFramesHi   /*verilator public*/ = 12'h104;
  localparam logic [11:0] RegStatBytesLo    /*verilator public*/ = 12'h108;
  localparam logic [11:0] RegStatBytesHi    /*verilator public*/ = 12'h10C;
  localparam logic [11:0] RegStatDrops      /*verilator public*/ = 12'h110;
  localparam logic [11:0] RegStatDescErrors /*verilator public*/ = 12'h114;
  localparam logic [11:0] RegStatWbErrors   /*verilator public*/ = 12'h118;
  localparam logic [11:0] RegStatTxFlushed  /*verilator public*/ = 12'h11C;
  localparam logic [11:0] RegStatRxFramesLo /*verilator public*/ = 12'h120;
  localparam logic [11:0] RegStatRxFramesHi /*verilator public*/ = 12'h124;
  localparam logic [11:0] RegStatRxBytesLo  /*verilator public*/ = 12'h128;
  localparam logic [11:0] RegStatRxBytesHi  /*verilator public*/ = 12'h12C;
  localparam logic [11:0] RegStatRxDropFcs  /*verilator public*/ = 12'h130;
  localparam logic [11:0] RegStatRxDropNobuf /*verilator public*/ = 12'h134;
  localparam logic [11:0] RegStatRxDropLen  /*verilator public*/ = 12'h138;
  localparam int unsigned RegSpaceBytes     /*verilator public*/ = 32'h200;

  localparam logic [31:0] IdValue       /*verilator public*/ = 32'h534E4446;  // "SNDF"
  localparam logic [31:0] VersionValue  /*verilator public*/ = 32'h00030001;
  localparam logic [31:0] CtrlEnable    /*verilator public*/ = 32'h1;
  localparam logic [31:0] CtrlFcsAppend /*verilator public*/ = 32'h2;
  localparam logic [31:0] CtrlRxEnable  /*verilator public*/ = 32'h4;
  localparam logic [31:0] CtrlReset     /*verilator public*/ = 32'h8;
  localparam logic [31:0] CapsRx        /*verilator public*/ = 32'h1;
  localparam logic [31:0] CapsTso       /*verilator public*/ = 32'h2;
  localparam logic [31:0] CapsTxUnaligned /*verilator public*/ = 32'h4;
  // What REG_CAPS reads (nic_abi.hpp's CAPS_*): the receive path and TSO (tcp_tx) are built.
  localparam logic [31:0] CapsValue     /*verilator public*/ = CapsRx | CapsTso;
  localparam logic [31:0] StatusBusy    /*verilator public*/ = 32'h1;
  localparam int unsigned RingSizeMax   /*verilator public*/ = 4096;

  // ------------------------------------------------------------------------- write-back block
  localparam int unsigned WbBytes   /*verilator public*/ = 64;  // size and alignment
  localparam int unsigned WbTailOff /*verilator public*/ = 0;   // u32 RING_TAIL's value
  localparam int unsigned WbRxTailOff /*verilator public*/ = 4; // u32 RX_TAIL's value

  // ------------------------------------------------------------------------- receive ring
  localparam int unsigned RxRingSizeMax /*verilator public*/ = 4096;
  localparam int unsigned RxBufSizeMin  /*verilator public*/ = 2048;
  localparam int unsigned RxBufSizeMax  /*verilator public*/ = 16384;
  localparam int unsigned RxcBytes      /*verilator public*/ = 16;  // one completion
  localparam int unsigned RxcPerLine    /*verilator public*/ = 4;   // per 64-byte write
  localparam int unsigned RxcLenOff     /*verilator public*/ = 0;   // u16 frame bytes (no FCS)
  localparam int unsigned RxcL3Off      /*verilator public*/ = 2;   // u8
  localparam int unsigned RxcL4Off      /*verilator public*/ = 3;   // u8
  localparam int unsigned RxcFlagsOff   /*verilator public*/ = 4;   // u16
  localparam int unsigned RxcRsvdOff    /*verilator public*/ = 6;   // u16 zero
  localparam int unsigned RxcIndexOff   /*verilator public*/ = 8;   // u32 ring index
  localparam int unsigned RxcHashOff    /*verilator public*/ = 12;  // u32 flow hint
  localparam logic [15:0] RxcFIpCsumOk  /*verilator public*/ = 16'h0001;
  localparam logic [15:0] RxcFIpCsumBad /*verilator public*/ = 16'h0002;
  localparam logic [15:0] RxcFL4CsumOk  /*verilator public*/ = 16'h0004;
  localparam logic [15:0] RxcFL4CsumBad /*verilator public*/ = 16'h0008;
  localparam logic [15:0] RxcFGen       /*verilator public*/ = 16'h8000;
  localparam logic [7:0]  RxcL3Other    /*verilator public*/ = 8'd0;
  localparam logic [7:0]  RxcL3Ipv4     /*verilator public*/ = 8'd1;
  localparam logic [7:0]  RxcL3Arp      /*verilator public*/ = 8'd2;
  localparam logic [7:0]  RxcL3Ipv6     /*verilator public*/ = 8'd3;
  localparam logic [7:0]  RxcL4None     /*verilator public*/ = 8'd0;
  localparam logic [7:0]  RxcL4Udp      /*verilator public*/ = 8'd1;
  localparam logic [7:0]  RxcL4Tcp      /*verilator public*/ = 8'd2;
  localparam logic [7:0]  RxcL4Icmp     /*verilator public*/ = 8'd3;
  localparam logic [7:0]  RxcL4Frag     /*verilator public*/ = 8'd4;
  localparam logic [7:0]  RxcL4Other    /*verilator public*/ = 8'd5;
  localparam int unsigned EthFrameMax   /*verilator public*/ = 9014;  // without FCS

  // ------------------------------------------------------------------------- limits
  localparam int unsigned MaxPayload /*verilator public*/ = 65535;
  localparam int unsigned MinMtu     /*verilator public*/ = 68;
  localparam int unsigned MaxMtu     /*verilator public*/ = 9000;
  localparam int unsigned EthHlen    /*verilator public*/ = 14;
  localparam int unsigned EthZlen    /*verilator public*/ = 60;
  localparam int unsigned EthFcsLen  /*verilator public*/ = 4;
  localparam logic [15:0] EthPIp     /*verilator public*/ = 16'h0800;
  localparam logic [7:0]  IpprotoUdp /*verilator public*/ = 8'd17;
  localparam logic [7:0]  IpprotoTcp /*verilator public*/ = 8'd6;
  localparam logic [7:0]  IpprotoIcmp = 8'd1;
  localparam logic [15:0] EthPArp    = 16'h0806;
  localparam logic [15:0] EthPIpv6   = 16'h86DD;
  // CRC register after a frame and its own FCS (crc32.hpp's CRC32_RESIDUE, complemented).
  localparam logic [31:0] Crc32ResidueReg = ~32'h2144DF1C;

  // Largest L4 byte counts a descriptor may ask for: the IPv4 total length is 16 bits.
  localparam int unsigned IpHlen     = 20;
  localparam int unsigned UdpHlen    = 8;
  localparam int unsigned MaxUdpLen  = 65535 - IpHlen - UdpHlen;  // 65507 payload bytes
  localparam int unsigned MaxRawLen  = 65535 - IpHlen;            // 65515 L4 bytes

  // Header bytes before the payload: Ethernet + IPv4, plus UDP on a UDP first fragment.
  localparam int unsigned FrameHdrRaw = EthHlen + IpHlen;            // 34
  localparam int unsigned FrameHdrUdp = EthHlen + IpHlen + UdpHlen;  // 42

  /* verilator lint_on UNUSEDPARAM */

  // ------------------------------------------------------------------------- records
  typedef struct packed {
    logic [31:0] cookie;
    logic [15:0] rsvd;
    logic [15:0] mss;
    logic [7:0]  tos;
    logic [7:0]  ttl;
    logic [15:0] ip_id;
    logic [31:0] seq;
    logic [15:0] flags;
    logic [15:0] flow;
    logic [31:0] len;
    logic [63:0] addr;
  } txd_t;

  typedef struct packed {
    logic [47:0] smac;   // wire order, byte 0 in bits 7:0
    logic [47:0] dmac;   // wire order, byte 0 in bits 7:0
    logic [7:0]  flags;
    logic [7:0]  proto;
    logic [15:0] mtu;
    logic [15:0] dport;
    logic [15:0] sport;
    logic [31:0] daddr;
    logic [31:0] saddr;
  } flow_t;

  // One descriptor that passed every check, with what the later stages need of its flow.
  // tcp and more lead the struct, so that the other fields keep their bit positions.
  typedef struct packed {
    logic        tcp;     // a TCP descriptor's job: payload_read's output goes to tcp_tx
    logic        more;    // a segment with more of its descriptor's segments after it (tcp_tx)
    logic [15:0] len;     // payload bytes (UDP payload, raw L4 bytes or a whole frame)
    logic        udp;     // build a UDP header; else the payload is the L4 bytes
    logic        eth;     // the payload is a whole Ethernet frame: no headers (TxdL4Eth)
    logic        df;      // DF on an unfragmented packet
    logic        frag;    // 20 + L4 bytes exceed the MTU
    logic [13:0] fsz;     // L4 bytes per fragment, (mtu - 20) & ~7
    logic [15:0] ip_id;
    logic [7:0]  ttl;
    logic [7:0]  tos;
    logic [7:0]  proto;
    logic [31:0] saddr;
    logic [31:0] daddr;
    logic [15:0] sport;
    logic [15:0] dport;
    logic [47:0] dmac;
    logic [47:0] smac;
  } tx_job_t;

  // Lane of the first payload byte in its first beat (beats up to 128 bytes wide).
  typedef logic [6:0] lane_t;

  // A datagram leaving udp_tx: the job, where its payload starts, and its L4 header.
  typedef struct packed {
    tx_job_t     job;
    lane_t       off;
    logic [63:0] l4hdr;   // UDP header in wire order (byte 0 in bits 7:0); valid when job.udp
  } dgram_t;

  // One frame leaving ip_tx for eth_tx.
  typedef struct packed {
    logic [47:0]  dmac;
    logic [47:0]  smac;
    logic [159:0] iphdr;      // IPv4 header in wire order
    logic [63:0]  l4hdr;      // UDP header in wire order
    logic         has_l4hdr;  // the frame carries l4hdr (UDP first fragment)
    logic         eth;        // the payload is the whole frame: no headers at all
    logic [15:0]  n;          // payload bytes in the frame after the headers
    lane_t        off;        // lane of the first payload byte in its first beat
    logic         desc_last;  // last frame of its descriptor
  } frame_hdr_t;

  // What rx_parse says about a frame, with its last beat (hls/sendoff_rx's RxMeta).
  typedef struct packed {
    logic [15:0] len;      // bytes without FCS, saturated at 65535
    logic        fcs_ok;
    logic        len_ok;   // EthZlen <= len <= EthFrameMax
    logic [7:0]  l3;       // RxcL3*
    logic [7:0]  l4;       // RxcL4*
    logic [15:0] flags;    // RxcF* without RxcFGen
    logic [31:0] hash;     // rx_flow_hash
  } rx_meta_t;

  // Side band travelling with the last beat of every frame to the output port.
  typedef struct packed {
    logic        desc_last;
    logic [15:0] len;      // frame bytes without FCS
  } frame_info_t;

  // TSO (tcp_tx)
  // One TCP descriptor for tcp_tx: the job (len = payload bytes, ip_id = the first segment's;
  // its udp, eth and frag are not used) and what hls/tcp_tx's TcpTxMeta adds to it.
  typedef struct packed {
    tx_job_t      job;
    logic [15:0]  mss;        // payload bytes per segment, TCP_MIN_MSS (88) .. MaxMtu
    logic [31:0]  seq;        // sequence number of the first payload byte
    logic [31:0]  ack;
    logic [15:0]  window;     // the header's field, already scaled
    logic [7:0]   tcp_flags;  // PSH and FIN go on the last segment only, CWR on the first
    logic [5:0]   opt_len;    // option bytes, a multiple of 4 up to 40
    logic [319:0] opts;       // option bytes in wire order (byte 0 in bits 7:0)
  } tcp_job_t;

  // What a TCP job adds to its tx_job_t: tcp_job_t's tail, from the descriptor's two slots.
  typedef struct packed {
    logic [15:0]  mss;
    logic [31:0]  seq;
    logic [31:0]  ack;
    logic [15:0]  window;
    logic [7:0]   tcp_flags;
    logic [5:0]   opt_len;
    logic [319:0] opts;
  } tcp_ext_t;

  // ------------------------------------------------------------------------- helpers
  // A 16-bit host-order value as two wire-order bytes in a byte vector (byte 0 in bits 7:0).
  function automatic logic [15:0] be16(logic [15:0] v);
    be16 = {v[7:0], v[15:8]};
  endfunction

  function automatic logic [31:0] be32(logic [31:0] v);
    be32 = {v[7:0], v[15:8], v[23:16], v[31:24]};
  endfunction

  function automatic txd_t txd_decode(logic [TxdBytes*8-1:0] raw);
    txd_t d;
    d.addr   = raw[TxdAddrOff*8   +: 64];
    d.len    = raw[TxdLenOff*8    +: 32];
    d.flow   = raw[TxdFlowOff*8   +: 16];
    d.flags  = raw[TxdFlagsOff*8  +: 16];
    d.seq    = raw[TxdSeqOff*8    +: 32];
    d.ip_id  = raw[TxdIpidOff*8   +: 16];
    d.ttl    = raw[TxdTtlOff*8    +: 8];
    d.tos    = raw[TxdTosOff*8    +: 8];
    d.mss    = raw[TxdMssOff*8    +: 16];
    d.rsvd   = raw[TxdRsvdOff*8   +: 16];
    d.cookie = raw[TxdCookieOff*8 +: 32];
    txd_decode = d;
  endfunction

  function automatic flow_t flow_decode(logic [FlowStoredBytes*8-1:0] raw);
    flow_t f;
    f.saddr  = raw[FlowSaddrOff*8  +: 32];
    f.daddr  = raw[FlowDaddrOff*8  +: 32];
    f.sport  = raw[FlowSportOff*8  +: 16];
    f.dport  = raw[FlowDportOff*8  +: 16];
    f.mtu    = raw[FlowMtuOff*8    +: 16];
    f.proto  = raw[FlowProtoOff*8  +: 8];
    f.flags  = raw[FlowFlagsOff*8  +: 8];
    f.dmac   = raw[FlowDmacOff*8   +: 48];
    f.smac   = raw[FlowSmacOff*8   +: 48];
    flow_decode = f;
  endfunction

  // One's complement fold of a 32-bit sum to 16 bits.
  function automatic logic [15:0] csum_fold(logic [31:0] s);
    logic [16:0] t;
    t = {1'b0, s[15:0]} + {1'b0, s[31:16]};
    csum_fold = t[15:0] + {15'd0, t[16]};
  endfunction

  // nic_abi.hpp's rx_flow_hash: the same for both directions of a flow.
  function automatic logic [31:0] rx_flow_hash(logic [31:0] saddr, logic [31:0] daddr,
                                               logic [15:0] sport, logic [15:0] dport,
                                               logic [7:0] proto);
    rx_flow_hash = saddr ^ daddr ^ {sport ^ dport, sport ^ dport} ^ {24'd0, proto};
  endfunction

  // One's complement add of two 32-bit partial sums (inet_csum.hpp's csum_add).
  function automatic logic [31:0] csum_add32(logic [31:0] a, logic [31:0] b);
    logic [32:0] s;
    s = {1'b0, a} + {1'b0, b};
    csum_add32 = s[31:0] + {31'd0, s[32]};
  endfunction

endpackage
