// SPDX-License-Identifier: MIT
// The sendoff NIC ABI: TX descriptor, flow-table entry, completion and the
// AXI4-Lite register map. The one definition shared by host/, hls/ and (as a
// mirrored SystemVerilog package) rtl/; tests compare every offset.
//
// All multi-byte integer fields are little-endian in memory and hold
// host-order values (198.18.0.2 is 0xC6120002); the NIC puts them on the wire
// in network order. MAC addresses are 6 bytes in wire order.
#ifndef SENDOFF_NIC_ABI_HPP
#define SENDOFF_NIC_ABI_HPP

#include <stdint.h>

namespace sendoff {
namespace abi {

// ---------------------------------------------------------------- TX descriptor
// One 32-byte record in the descriptor ring (device memory). The host
// produces at RING_HEAD, the NIC consumes and advances RING_TAIL. A TCP
// descriptor (TXD_L4_TCP, on a NIC with CAPS_TSO) takes two consecutive
// slots: this record, then a TxDescTcp (below).
constexpr unsigned TXD_BYTES = 32;
constexpr unsigned TXD_ADDR_OFF = 0;    // u64 payload address in device memory (see CAPS_TX_UNALIGNED)
constexpr unsigned TXD_LEN_OFF = 8;     // u32 payload bytes (UDP payload, raw L4 bytes, TCP bytes, frame)
constexpr unsigned TXD_FLOW_OFF = 12;   // u16 flow-table index
constexpr unsigned TXD_FLAGS_OFF = 14;  // u16 TXD_F_* below
constexpr unsigned TXD_SEQ_OFF = 16;    // u32 TCP sequence number of the first payload byte
constexpr unsigned TXD_IPID_OFF = 20;   // u16 IPv4 ID of the first datagram/segment
constexpr unsigned TXD_TTL_OFF = 22;    // u8  IPv4 TTL
constexpr unsigned TXD_TOS_OFF = 23;    // u8  IPv4 TOS
constexpr unsigned TXD_MSS_OFF = 24;    // u16 TCP: payload bytes per segment (TSO), options excluded
constexpr unsigned TXD_RSVD_OFF = 26;   // u16 must be zero
constexpr unsigned TXD_COOKIE_OFF = 28; // u32 host's tag, opaque to the NIC

// TXD flags. L4 kind in bits 1:0.
constexpr uint16_t TXD_F_L4_MASK = 0x3;
constexpr uint16_t TXD_L4_RAW = 0;  // payload is the transport bytes, protocol from the flow
constexpr uint16_t TXD_L4_UDP = 1;  // NIC builds the UDP header and checksum
constexpr uint16_t TXD_L4_TCP = 2;  // NIC segments by MSS (TSO): needs CAPS_TSO, two slots
// The payload is a whole Ethernet frame from the destination MAC on, without
// FCS: sent as is, padded to ETH_ZLEN with zeros, FCS appended under
// CTRL_FCS_APPEND as for any frame. The flow table is not read (flow ignored),
// nor are DF/PSH/FIN, seq, ip_id, ttl, tos, mss. len ETH_HLEN..ETH_FRAME_MAX.
// For what the stack sends without IPv4 (ARP).
constexpr uint16_t TXD_L4_ETH = 3;
constexpr uint16_t TXD_F_DF = 1u << 2;   // set DF in the IPv4 header (never on fragments)
// Bits 3 and 4 were PSH and FIN before ABI 3.0; the TCP flags now live in
// TxDescTcp, and every bit not known here is a descriptor error.
constexpr uint16_t TXD_F_KNOWN = TXD_F_L4_MASK | TXD_F_DF;

struct TxDesc {
  uint64_t addr;
  uint32_t len;
  uint16_t flow;
  uint16_t flags;
  uint32_t seq;
  uint16_t ip_id;
  uint8_t ttl;
  uint8_t tos;
  uint16_t mss;
  uint16_t rsvd;
  uint32_t cookie;
};

// The second slot of a TCP descriptor: what changes per send and is not in
// the flow. Every segment gets this ACK, window and these options; the
// flags go on every segment except PSH and FIN (last segment only) and CWR
// (first only), as Linux's GSO does. Longer options (SACK blocks with
// timestamps) go as a TXD_L4_RAW segment that the host builds.
constexpr unsigned TXD_TCP_ACK_OFF = 0;      // u32 acknowledgment number
constexpr unsigned TXD_TCP_WINDOW_OFF = 4;   // u16 window field, already scaled
constexpr unsigned TXD_TCP_FLAGS_OFF = 6;    // u8  TCP header flags (FIN 0x01 .. CWR 0x80)
constexpr unsigned TXD_TCP_OPTLEN_OFF = 7;   // u8  option bytes: a multiple of 4, <= TXD_TCP_OPT_MAX
constexpr unsigned TXD_TCP_OPTS_OFF = 8;     // u8[24] options in wire order
constexpr unsigned TXD_TCP_OPT_MAX = 24;

struct TxDescTcp {
  uint32_t ack;
  uint16_t window;
  uint8_t tcp_flags;
  uint8_t opt_len;
  uint8_t opts[TXD_TCP_OPT_MAX];
};

// A TCP descriptor is a desc error (both slots consumed) unless: mss in
// TSO_MSS_MIN..MAX_MTU, opt_len a multiple of 4 up to TXD_TCP_OPT_MAX,
// len <= MAX_PAYLOAD, and 20 + 20 + opt_len + min(len, mss) within the flow's
// MTU (a segment is never fragmented). The NIC waits for both slots: with
// RING_HEAD one past the first slot it consumes nothing until the next write.
constexpr unsigned TSO_MSS_MIN = 88;  // Linux's TCP_MIN_MSS

// ---------------------------------------------------------------- flow table
// One 64-byte entry per flow, written by the host through FLOW_DATA words and
// FLOW_COMMIT (see the register map). The NIC reads it per descriptor.
constexpr unsigned FLOW_BYTES = 64;
constexpr unsigned FLOW_WORDS = FLOW_BYTES / 4;
constexpr unsigned FLOW_SADDR_OFF = 0;     // u32 IPv4 source
constexpr unsigned FLOW_DADDR_OFF = 4;     // u32 IPv4 destination
constexpr unsigned FLOW_SPORT_OFF = 8;     // u16 transport source port
constexpr unsigned FLOW_DPORT_OFF = 10;    // u16 transport destination port
constexpr unsigned FLOW_MTU_OFF = 12;      // u16 device MTU (IP packet bytes)
constexpr unsigned FLOW_PROTO_OFF = 14;    // u8  IP protocol number
constexpr unsigned FLOW_FLAGS_OFF = 15;    // u8  FLOW_F_*
constexpr unsigned FLOW_DMAC_OFF = 16;     // u8[6] neighbour (next hop) MAC
constexpr unsigned FLOW_SMAC_OFF = 22;     // u8[6] our MAC
constexpr unsigned FLOW_RSVD_OFF = 28;     // 36 bytes reserved (ACK and window moved to TxDescTcp in 3.0)

constexpr uint8_t FLOW_F_VALID = 1u << 0;

struct FlowEntry {
  uint32_t saddr;
  uint32_t daddr;
  uint16_t sport;
  uint16_t dport;
  uint16_t mtu;
  uint8_t protocol;
  uint8_t flags;
  uint8_t dmac[6];
  uint8_t smac[6];
  uint8_t rsvd[36];
};

constexpr unsigned FLOW_TABLE_SIZE = 256;  // entries

// ---------------------------------------------------------------- register map
// AXI4-Lite, 32-bit registers, byte offsets.
//
// Behaviour (hls/sendoff_tx and the csim device; the RTL matches):
//  - reset: every RW register and counter is 0. Read-only registers ignore
//    writes; FLOW_COMMIT and unmapped offsets read 0; CTRL keeps only the
//    CTRL_* bits.
//  - the NIC consumes descriptors tail..head-1 while CTRL_ENABLE is set and
//    the ring is usable: RING_SIZE a power of two <= RING_SIZE_MAX, RING_BASE
//    32-byte aligned, the whole ring inside device memory (64 MiB from
//    address 0 by default, SENDOFF_DEV_MEM_BYTES). Otherwise it waits for the
//    next register write. Head and tail are free-running; entry i sits at
//    RING_BASE + (i mod RING_SIZE) * TXD_BYTES.
//  - RING_TAIL passes a descriptor only once all its frames were handed to
//    the MAC (which may stall the NIC). Rejected descriptors count in
//    STAT_DROPS (flow index, FLOW_F_VALID or flow MTU) or STAT_DESC_ERRORS
//    (flags, length, address, reserved field, DF over the MTU; the address
//    also when it is not 64-byte aligned on a NIC without CAPS_TX_UNALIGNED); a TXD_L4_ETH
//    descriptor has no flow, so no drop, and is an error outside len
//    ETH_HLEN..ETH_FRAME_MAX; the rules are
//    listed in hls/sendoff_tx/sendoff_tx.hpp.
//  - FLOW_COMMIT to a FLOW_INDEX >= FLOW_TABLE_SIZE does nothing.
//  - reading a *_LO counter latches its *_HI half: read LO, then HI.
//  - STATUS_BUSY: a descriptor is in flight or one is waiting to be consumed,
//    or a write-back is due or in flight (so at idle the block holds RING_TAIL).
//  - receive (where CAPS_RX is set): while CTRL_RX_ENABLE is set and the
//    RX ring is usable (RX_RING_SIZE a power of two <= RX_RING_SIZE_MAX,
//    RX_BUF_SIZE a power of two in RX_BUF_SIZE_MIN..RX_BUF_SIZE_MAX,
//    RX_BUF_BASE RX_BUF_SIZE aligned, RX_CPL_BASE 64-byte aligned, both areas
//    inside device memory), the NIC writes each good frame from the MAC into
//    buffer (RX_TAIL mod RX_RING_SIZE) at RX_BUF_BASE + index * RX_BUF_SIZE,
//    FCS stripped (buffer bytes past the frame's length are undefined), then
//    its completion (RxCpl below) at RX_CPL_BASE + index * RXC_BYTES, then
//    advances RX_TAIL. Buffers RX_TAIL..RX_HEAD-1 are the
//    host's gifts; with none left a frame is dropped whole (STAT_RX_DROP_NOBUF),
//    as it is while receive is off or the ring unusable: the MAC is never
//    stalled. So is a frame that finds the NIC's receive FIFO (the RTL's, in
//    front of its memory writes) without room for all of it: also counted in
//    STAT_RX_DROP_NOBUF, the one "no room" counter. A bad FCS drops the frame
//    (STAT_RX_DROP_FCS); so does a runt (< ETH_ZLEN bytes without FCS) or a
//    frame longer than the buffer or ETH_FRAME_MAX (STAT_RX_DROP_LEN). IPv4
//    header and UDP/TCP checksums are checked, not enforced: the completion's
//    flags say what was verified.
//    Completions are written four to a 64-byte line; a line is written once
//    it is full, or with the entries done so far when no frame follows (the
//    others written as not done). Entry i is done when its RXC_F_GEN bit
//    equals 1 - (i / RX_RING_SIZE) % 2, so a zeroed ring reads "not done"
//    and the host needs no register read to poll. When no frame follows, after
//    the lines, RX_TAIL is also written to WB_BASE + WB_RX_TAIL_OFF if it
//    moved since its last write there (not after every line: the write
//    channel's time goes to frames while they come).
//  - write-back: while CTRL_ENABLE is set and WB_BASE is valid (non-zero,
//    WB_BYTES aligned, the WB_BYTES block inside device memory), each time
//    RING_TAIL advances the NIC writes it (u32 LE) to WB_BASE + WB_TAIL_OFF,
//    coalesced: at most one write in flight; when its response arrives, a new
//    write follows if the tail moved meanwhile. So the last value is always
//    written, and every value written is one RING_TAIL has held, in
//    increasing order mod 2^32. When CTRL_ENABLE goes 0 -> 1 with a valid
//    WB_BASE the NIC writes the current tail once, so the host starts from a
//    known value. A written tail covers only descriptors RING_TAIL already
//    passed (payload read, frames handed to the MAC). The NIC writes nothing
//    else of the block (the rest is reserved) and nothing while WB_BASE is
//    invalid. Writes answered with an error count in STAT_WB_ERRORS. The host
//    reads the word with an acquire load: it never needs RING_TAIL on the
//    send path.
//  - faults (ABI 2.2). Clearing CTRL_ENABLE stops the fetch of descriptors:
//    those the NIC already read finish whole (each frame leaves entire, or the
//    descriptor counts as a drop or error), RING_TAIL passes them, and
//    STATUS_BUSY falls once they are done; setting it again resumes at
//    RING_TAIL, so no descriptor is sent twice and none is cut short.
//    CTRL_RESET (write 1; reads 1 until done, then 0) is a TX ring reset: it
//    clears CTRL_ENABLE (the ENABLE bit of that write is ignored), lets the
//    descriptors already read finish as above, then discards those posted
//    and not read: STAT_TX_FLUSHED += RING_HEAD - RING_TAIL and RING_HEAD :=
//    RING_TAIL. None of a discarded descriptor's frames has left. RING_TAIL,
//    the counters, the flow table and the other registers are kept, so the
//    host learns from RING_TAIL which descriptors were sent. A CTRL write
//    while CTRL_RESET reads 1 is ignored. RING_BASE_LO/HI and RING_SIZE
//    writes take effect only while CTRL_ENABLE, CTRL_RESET and STATUS_BUSY
//    are all clear; otherwise they are ignored (the register reads back its
//    old value), so the ring never moves under descriptors in flight.
constexpr uint32_t REG_ID = 0x000;            // RO  "SNDF"
constexpr uint32_t REG_VERSION = 0x004;       // RO  ABI version
constexpr uint32_t REG_CTRL = 0x008;          // RW  CTRL_* bits
constexpr uint32_t REG_STATUS = 0x00C;        // RO  STATUS_* bits
constexpr uint32_t REG_RING_BASE_LO = 0x010;  // RW  descriptor ring address in device memory
constexpr uint32_t REG_RING_BASE_HI = 0x014;  // RW
constexpr uint32_t REG_RING_SIZE = 0x018;     // RW  entries, a power of two, <= RING_SIZE_MAX
constexpr uint32_t REG_RING_HEAD = 0x01C;     // RW  producer index (doorbell), mod 2^32
constexpr uint32_t REG_RING_TAIL = 0x020;     // RO  consumer index, mod 2^32
constexpr uint32_t REG_FLOW_INDEX = 0x024;    // RW  entry FLOW_COMMIT writes
constexpr uint32_t REG_FLOW_COMMIT = 0x028;   // WO  any write copies FLOW_DATA into the entry
constexpr uint32_t REG_WB_BASE_LO = 0x02C;    // RW  write-back block address in device memory
constexpr uint32_t REG_WB_BASE_HI = 0x030;    // RW
constexpr uint32_t REG_CAPS = 0x03C;          // RO  CAPS_* bits: what this NIC implements
constexpr uint32_t REG_FLOW_DATA = 0x040;     // RW  FLOW_WORDS words, the entry's bytes LE
constexpr uint32_t REG_RX_BUF_BASE_LO = 0x080;  // RW  receive buffers in device memory
constexpr uint32_t REG_RX_BUF_BASE_HI = 0x084;
constexpr uint32_t REG_RX_CPL_BASE_LO = 0x088;  // RW  completion ring in device memory
constexpr uint32_t REG_RX_CPL_BASE_HI = 0x08C;
constexpr uint32_t REG_RX_RING_SIZE = 0x090;    // RW  buffers (= completions), a power of two
constexpr uint32_t REG_RX_BUF_SIZE = 0x094;     // RW  bytes per buffer, a power of two
constexpr uint32_t REG_RX_HEAD = 0x098;         // RW  buffers given to the NIC, mod 2^32
constexpr uint32_t REG_RX_TAIL = 0x09C;         // RO  frames completed, mod 2^32
constexpr uint32_t REG_STAT_FRAMES_LO = 0x100;  // RO  frames sent
constexpr uint32_t REG_STAT_FRAMES_HI = 0x104;
constexpr uint32_t REG_STAT_BYTES_LO = 0x108;   // RO  frame bytes sent (no FCS)
constexpr uint32_t REG_STAT_BYTES_HI = 0x10C;
constexpr uint32_t REG_STAT_DROPS = 0x110;      // RO  frames dropped (invalid flow)
constexpr uint32_t REG_STAT_DESC_ERRORS = 0x114;  // RO descriptors rejected (bad flags/len)
constexpr uint32_t REG_STAT_WB_ERRORS = 0x118;  // RO  write-back writes answered BRESP != OKAY
constexpr uint32_t REG_STAT_TX_FLUSHED = 0x11C;  // RO  descriptors a CTRL_RESET discarded unread
constexpr uint32_t REG_STAT_RX_FRAMES_LO = 0x120;  // RO  frames received into buffers
constexpr uint32_t REG_STAT_RX_FRAMES_HI = 0x124;
constexpr uint32_t REG_STAT_RX_BYTES_LO = 0x128;   // RO  their bytes (no FCS)
constexpr uint32_t REG_STAT_RX_BYTES_HI = 0x12C;
constexpr uint32_t REG_STAT_RX_DROP_FCS = 0x130;   // RO  frames dropped: bad FCS
constexpr uint32_t REG_STAT_RX_DROP_NOBUF = 0x134; // RO  frames dropped: no buffer, RX off, FIFO full
constexpr uint32_t REG_STAT_RX_DROP_LEN = 0x138;   // RO  frames dropped: runt or too long
constexpr uint32_t REG_SPACE_BYTES = 0x200;

constexpr uint32_t ID_VALUE = 0x534E4446;  // "SNDF"
constexpr uint32_t VERSION_VALUE = 0x00030001;  // major.minor, 16 bits each
constexpr uint32_t CTRL_ENABLE = 1u << 0;      // process descriptors
constexpr uint32_t CTRL_FCS_APPEND = 1u << 1;  // append CRC-32 FCS (off: the MAC adds it)
constexpr uint32_t CTRL_RX_ENABLE = 1u << 2;   // receive frames into the RX ring
constexpr uint32_t CTRL_RESET = 1u << 3;       // TX ring reset, self-clearing (ABI 2.2)
constexpr uint32_t CAPS_RX = 1u << 0;          // the receive path is built
// Without CAPS_TSO a TXD_L4_TCP descriptor is a one-slot descriptor error.
constexpr uint32_t CAPS_TSO = 1u << 1;         // TCP descriptors are segmented (ABI 3.0)
// Without CAPS_TX_UNALIGNED a payload address that is not a multiple of 64 is a descriptor
// error; with it any byte address is taken, for every L4 kind.
constexpr uint32_t CAPS_TX_UNALIGNED = 1u << 2;  // TX payload addresses need no alignment (ABI 3.1)
constexpr uint32_t STATUS_BUSY = 1u << 0;
constexpr uint32_t RING_SIZE_MAX = 4096;

// ---------------------------------------------------------------- write-back block
// WB_BYTES at WB_BASE (WB_BYTES aligned), written by the NIC (behaviour above).
constexpr unsigned WB_BYTES = 64;     // block size and alignment
constexpr unsigned WB_TAIL_OFF = 0;  // u32 consumer index, the value RING_TAIL holds
constexpr unsigned WB_RX_TAIL_OFF = 4;  // u32 frames completed, the value RX_TAIL holds
// Bytes 8..63 are reserved; the NIC leaves them.

// ---------------------------------------------------------------- receive ring
constexpr uint32_t RX_RING_SIZE_MAX = 4096;
constexpr uint32_t RX_BUF_SIZE_MIN = 2048;   // holds a 1514-byte frame
constexpr uint32_t RX_BUF_SIZE_MAX = 16384;  // holds a 9014-byte jumbo frame
constexpr unsigned RXC_BYTES = 16;           // one completion
constexpr unsigned RXC_PER_LINE = 4;         // completions per 64-byte write
constexpr unsigned RXC_LEN_OFF = 0;     // u16 frame bytes in the buffer (no FCS)
constexpr unsigned RXC_L3_OFF = 2;      // u8  RXC_L3_*
constexpr unsigned RXC_L4_OFF = 3;      // u8  RXC_L4_*
constexpr unsigned RXC_FLAGS_OFF = 4;   // u16 RXC_F_*
constexpr unsigned RXC_RSVD_OFF = 6;    // u16 zero
constexpr unsigned RXC_INDEX_OFF = 8;   // u32 the entry's ring index (free-running)
constexpr unsigned RXC_HASH_OFF = 12;   // u32 flow hint, see rx_flow_hash
constexpr uint8_t RXC_L3_OTHER = 0;
constexpr uint8_t RXC_L3_IPV4 = 1;
constexpr uint8_t RXC_L3_ARP = 2;
constexpr uint8_t RXC_L3_IPV6 = 3;
constexpr uint8_t RXC_L4_NONE = 0;   // not IPv4, or an IPv4 header that failed its checks
constexpr uint8_t RXC_L4_UDP = 1;
constexpr uint8_t RXC_L4_TCP = 2;
constexpr uint8_t RXC_L4_ICMP = 3;
constexpr uint8_t RXC_L4_FRAG = 4;   // an IPv4 fragment: the L4 checksum spans fragments
constexpr uint8_t RXC_L4_OTHER = 5;
constexpr uint16_t RXC_F_IP_CSUM_OK = 1u << 0;   // IPv4 header checksum verified
constexpr uint16_t RXC_F_IP_CSUM_BAD = 1u << 1;  // ... and wrong (or a malformed header)
constexpr uint16_t RXC_F_L4_CSUM_OK = 1u << 2;   // UDP/TCP checksum verified (or UDP's 0)
constexpr uint16_t RXC_F_L4_CSUM_BAD = 1u << 3;  // ... and wrong
constexpr uint16_t RXC_F_GEN = 1u << 15;         // done marker, see the register map
constexpr uint32_t ETH_FRAME_MAX = 9014;         // longest frame taken, without FCS

struct RxCpl {
  uint16_t len;
  uint8_t l3;
  uint8_t l4;
  uint16_t flags;
  uint16_t rsvd;
  uint32_t index;
  uint32_t hash;
};

// The RXC_F_GEN value completion `index` carries once done: 1 on even laps of
// the ring, 0 on odd ones, so that a zeroed ring reads "not done".
inline uint16_t rxc_gen_done(uint32_t index, uint32_t ring_size) {
  return ((index / ring_size) % 2 == 0) ? RXC_F_GEN : 0;
}

// The flow hint of an IPv4 UDP/TCP frame (0 for others): cheap in logic,
// the same for both directions of a flow. Addresses and ports in host order.
inline uint32_t rx_flow_hash(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport,
                             uint8_t protocol) {
  return saddr ^ daddr ^ (static_cast<uint32_t>(sport ^ dport) * 0x10001u) ^ protocol;
}

// ---------------------------------------------------------------- limits
constexpr unsigned MAX_PAYLOAD = 65535;     // bytes one descriptor may carry
constexpr unsigned MIN_MTU = 68;            // RFC 791
constexpr unsigned MAX_MTU = 9000;          // jumbo; 9018-byte frames with FCS
constexpr unsigned ETH_HLEN = 14;
constexpr unsigned ETH_ZLEN = 60;           // minimum frame without FCS
constexpr unsigned ETH_FCS_LEN = 4;
constexpr uint16_t ETH_P_IP = 0x0800;
constexpr uint8_t IPPROTO_UDP_NUM = 17;
constexpr uint8_t IPPROTO_TCP_NUM = 6;

}  // namespace abi
}  // namespace sendoff

#ifndef __SYNTHESIS__
#include <stddef.h>
static_assert(sizeof(sendoff::abi::TxDesc) == sendoff::abi::TXD_BYTES, "TxDesc size");
static_assert(offsetof(sendoff::abi::TxDesc, addr) == sendoff::abi::TXD_ADDR_OFF, "addr");
static_assert(offsetof(sendoff::abi::TxDesc, len) == sendoff::abi::TXD_LEN_OFF, "len");
static_assert(offsetof(sendoff::abi::TxDesc, flow) == sendoff::abi::TXD_FLOW_OFF, "flow");
static_assert(offsetof(sendoff::abi::TxDesc, flags) == sendoff::abi::TXD_FLAGS_OFF, "flags");
static_assert(offsetof(sendoff::abi::TxDesc, seq) == sendoff::abi::TXD_SEQ_OFF, "seq");
static_assert(offsetof(sendoff::abi::TxDesc, ip_id) == sendoff::abi::TXD_IPID_OFF, "ip_id");
static_assert(offsetof(sendoff::abi::TxDesc, ttl) == sendoff::abi::TXD_TTL_OFF, "ttl");
static_assert(offsetof(sendoff::abi::TxDesc, tos) == sendoff::abi::TXD_TOS_OFF, "tos");
static_assert(offsetof(sendoff::abi::TxDesc, mss) == sendoff::abi::TXD_MSS_OFF, "mss");
static_assert(offsetof(sendoff::abi::TxDesc, cookie) == sendoff::abi::TXD_COOKIE_OFF, "cookie");
static_assert(sizeof(sendoff::abi::FlowEntry) == sendoff::abi::FLOW_BYTES, "FlowEntry size");
static_assert(sizeof(sendoff::abi::RxCpl) == sendoff::abi::RXC_BYTES, "RxCpl size");
static_assert(offsetof(sendoff::abi::RxCpl, l3) == sendoff::abi::RXC_L3_OFF, "l3");
static_assert(offsetof(sendoff::abi::RxCpl, l4) == sendoff::abi::RXC_L4_OFF, "l4");
static_assert(offsetof(sendoff::abi::RxCpl, flags) == sendoff::abi::RXC_FLAGS_OFF, "flags");
static_assert(offsetof(sendoff::abi::RxCpl, rsvd) == sendoff::abi::RXC_RSVD_OFF, "rsvd");
static_assert(offsetof(sendoff::abi::RxCpl, index) == sendoff::abi::RXC_INDEX_OFF, "index");
static_assert(offsetof(sendoff::abi::RxCpl, hash) == sendoff::abi::RXC_HASH_OFF, "hash");
static_assert(sendoff::abi::RXC_BYTES * sendoff::abi::RXC_PER_LINE == 64, "a line of completions");
static_assert(offsetof(sendoff::abi::FlowEntry, daddr) == sendoff::abi::FLOW_DADDR_OFF, "daddr");
static_assert(offsetof(sendoff::abi::FlowEntry, sport) == sendoff::abi::FLOW_SPORT_OFF, "sport");
static_assert(offsetof(sendoff::abi::FlowEntry, dport) == sendoff::abi::FLOW_DPORT_OFF, "dport");
static_assert(offsetof(sendoff::abi::FlowEntry, mtu) == sendoff::abi::FLOW_MTU_OFF, "mtu");
static_assert(offsetof(sendoff::abi::FlowEntry, protocol) == sendoff::abi::FLOW_PROTO_OFF, "proto");
static_assert(offsetof(sendoff::abi::FlowEntry, flags) == sendoff::abi::FLOW_FLAGS_OFF, "flags");
static_assert(offsetof(sendoff::abi::FlowEntry, dmac) == sendoff::abi::FLOW_DMAC_OFF, "dmac");
static_assert(offsetof(sendoff::abi::FlowEntry, smac) == sendoff::abi::FLOW_SMAC_OFF, "smac");
static_assert(offsetof(sendoff::abi::FlowEntry, rsvd) == sendoff::abi::FLOW_RSVD_OFF, "rsvd");
static_assert(sizeof(sendoff::abi::TxDescTcp) == sendoff::abi::TXD_BYTES, "TxDescTcp size");
static_assert(offsetof(sendoff::abi::TxDescTcp, ack) == sendoff::abi::TXD_TCP_ACK_OFF, "ack");
static_assert(offsetof(sendoff::abi::TxDescTcp, window) == sendoff::abi::TXD_TCP_WINDOW_OFF, "window");
static_assert(offsetof(sendoff::abi::TxDescTcp, tcp_flags) == sendoff::abi::TXD_TCP_FLAGS_OFF, "tcp_flags");
static_assert(offsetof(sendoff::abi::TxDescTcp, opt_len) == sendoff::abi::TXD_TCP_OPTLEN_OFF, "opt_len");
static_assert(offsetof(sendoff::abi::TxDescTcp, opts) == sendoff::abi::TXD_TCP_OPTS_OFF, "opts");
#endif

#endif  // SENDOFF_NIC_ABI_HPP
