// SPDX-License-Identifier: MIT
// desc_fetch: the first dataflow process of sendoff_tx. Reads descriptors
// from the ring, the flow entry from the flow table, checks both (see
// sendoff_tx.hpp) and streams the payload from device memory.
#include "sendoff_tx/sendoff_tx.hpp"

namespace sendoff {
namespace {

// Field of a little-endian record: `bytes` bytes at byte offset `off`.
template <int W>
uint64_t le_field(const ap_uint<W>& rec, unsigned off, unsigned bytes) {
  return rec(8 * (off + bytes) - 1, 8 * off).to_uint64();
}

uint32_t flow_byte(const uint32_t* words, unsigned off) {
  return (words[off / 4] >> (8 * (off % 4))) & 0xFFu;
}

// Six MAC bytes at `off`, wire byte k in bits 8k+7:8k.
uint64_t flow_mac(const uint32_t* words, unsigned off) {
  uint64_t mac = 0;
  for (unsigned k = 0; k < 6; ++k) {
#pragma HLS UNROLL
    mac |= static_cast<uint64_t>(flow_byte(words, off + k)) << (8 * k);
  }
  return mac;
}

// Flow words desc_fetch needs: everything up to the reserved bytes.
constexpr unsigned FLOW_READ_WORDS = abi::FLOW_RSVD_OFF / 4;

using slot_t = ap_uint<8 * abi::TXD_BYTES>;

// The ring slot at byte address a (32-byte aligned: one half of a memory word).
slot_t read_slot(const mem_word_t* mem, uint64_t a) {
  const mem_word_t w = mem[a / MEM_WORD_BYTES];
  if ((a % MEM_WORD_BYTES) == 0) return w(8 * abi::TXD_BYTES - 1, 0);
  return w(MEM_WORD_BITS - 1, 8 * abi::TXD_BYTES);
}

// The payload as one INCR burst of the words that cover [addr, addr + len)
// (sequential addresses in a pipelined loop; max_read_burst_length splits it),
// realigned so that payload byte 0 lands in lane 0: payload word w (bytes
// 64w .. 64w+63) is the tail of memory word w from the address's byte offset
// on, then the head of word w + 1. Iteration t reads word t (while there is
// one to read) and emits payload word t - 1, so an unaligned payload that
// spans one more memory word costs no extra iteration. A payload word is cut
// into pieces of min(word, beat) bits: up to 512 bits a word holds one or
// more beats, at 1024 a beat is two words. Each piece fills its place in the
// beat; a beat leaves with its last piece or the payload's.
void stream_payload(const mem_word_t* mem, uint64_t addr, uint32_t len,
                    hls::stream<axis_t>& payload_out) {
  constexpr unsigned PIECE_BITS = DATA_WIDTH < MEM_WORD_BITS ? DATA_WIDTH : MEM_WORD_BITS;
  constexpr unsigned PIECES_PER_WORD = MEM_WORD_BITS / PIECE_BITS;
  constexpr unsigned PIECES_PER_BEAT = DATA_WIDTH / PIECE_BITS;
  const uint64_t word0 = addr / MEM_WORD_BYTES;
  const unsigned shift = 8 * static_cast<unsigned>(addr % MEM_WORD_BYTES);
  const unsigned n_pieces = (len + PIECE_BITS / 8 - 1) / (PIECE_BITS / 8);
  const unsigned n_beats = beats_for(len);
  const unsigned n_words = (len + MEM_WORD_BYTES - 1) / MEM_WORD_BYTES;
  const unsigned n_reads =
      len == 0 ? 0 : static_cast<unsigned>((addr + len - 1) / MEM_WORD_BYTES - word0 + 1);
  data_t beat = 0;
  ap_uint<2 * MEM_WORD_BITS> pair = 0;  // memory words t - 1 (low half) and t (high half)
payload:
  for (unsigned t = 0; t < n_words + 1; ++t) {
#pragma HLS PIPELINE II=PIECES_PER_WORD
#pragma HLS LOOP_TRIPCOUNT min=1 max=1025
    pair(MEM_WORD_BITS - 1, 0) = pair(2 * MEM_WORD_BITS - 1, MEM_WORD_BITS);
    pair(2 * MEM_WORD_BITS - 1, MEM_WORD_BITS) = t < n_reads ? mem[word0 + t] : mem_word_t(0);
    if (t == 0) continue;
    const unsigned w = t - 1;
    const ap_uint<2 * MEM_WORD_BITS> shifted = pair >> shift;
    const mem_word_t mw = shifted(MEM_WORD_BITS - 1, 0);
  pieces_of_word:
    for (unsigned sub = 0; sub < PIECES_PER_WORD; ++sub) {
#pragma HLS UNROLL
      const unsigned p = w * PIECES_PER_WORD + sub;
      if (p < n_pieces) {
        const unsigned at = (p % PIECES_PER_BEAT) * PIECE_BITS;
        beat(at + PIECE_BITS - 1, at) = mw(sub * PIECE_BITS + PIECE_BITS - 1, sub * PIECE_BITS);
        const unsigned j = p / PIECES_PER_BEAT;
        if (p % PIECES_PER_BEAT == PIECES_PER_BEAT - 1 || p == n_pieces - 1) {
          const unsigned k = min_u(DATA_BYTES, len - j * DATA_BYTES);
          payload_out.write(make_beat(beat & byte_mask<DATA_WIDTH>(k), k, j == n_beats - 1));
          beat = 0;
        }
      }
    }
  }
}

}  // namespace

void desc_fetch(const mem_word_t* mem, ap_uint<64> ring_base, ap_uint<32> ring_size,
                ap_uint<32> head, ap_uint<32>* tail, const ap_uint<32>* flow_table,
                ap_uint<32> ctrl, bool tso, hls::stream<TxRoute>& route_out,
                hls::stream<UdpTxMeta>& udp_meta_out, hls::stream<axis_t>& udp_payload_out,
                hls::stream<TcpTxMeta>& tcp_meta_out, hls::stream<axis_t>& tcp_payload_out,
                ap_uint<32>* drops, ap_uint<32>* desc_errors, ReadFaultRange fault) {
  const uint32_t first = tail->to_uint();
  const uint64_t base = ring_base.to_uint64();
  const uint32_t size = ring_size.to_uint();
  const uint32_t ctl = ctrl.to_uint();
  const bool ring_ok = (ctl & abi::CTRL_ENABLE) != 0 && size != 0 && (size & (size - 1)) == 0 &&
                       size <= abi::RING_SIZE_MAX && (base % 32) == 0 &&
                       base <= DEV_MEM_BYTES &&
                       static_cast<uint64_t>(size) * abi::TXD_BYTES <= DEV_MEM_BYTES - base;
  const uint32_t n = ring_ok ? head.to_uint() - first : 0;
  uint32_t n_drops = 0, n_errors = 0;

  // i: the next slot; a TCP descriptor (with TSO) takes two.
  uint32_t i = 0;
descriptors:
  while (i < n) {
#pragma HLS LOOP_TRIPCOUNT min=1 max=64
    const uint64_t a = base + static_cast<uint64_t>((first + i) & (size - 1)) * abi::TXD_BYTES;
    // 0. A ring entry that read as an error has no contents to check. (Its second slot,
    // if it has one, is unknown too: the descriptor is one slot.)
    if (fault.overlaps(a, abi::TXD_BYTES)) {
      ++n_errors;
      ++i;
      continue;
    }
    const slot_t d = read_slot(mem, a);
    const uint64_t addr = le_field(d, abi::TXD_ADDR_OFF, 8);
    const uint32_t len = static_cast<uint32_t>(le_field(d, abi::TXD_LEN_OFF, 4));
    const uint32_t flow = static_cast<uint32_t>(le_field(d, abi::TXD_FLOW_OFF, 2));
    const uint32_t flags = static_cast<uint32_t>(le_field(d, abi::TXD_FLAGS_OFF, 2));
    const uint16_t ip_id = static_cast<uint16_t>(le_field(d, abi::TXD_IPID_OFF, 2));
    const uint8_t ttl = static_cast<uint8_t>(le_field(d, abi::TXD_TTL_OFF, 1));
    const uint8_t tos = static_cast<uint8_t>(le_field(d, abi::TXD_TOS_OFF, 1));
    const uint32_t rsvd = static_cast<uint32_t>(le_field(d, abi::TXD_RSVD_OFF, 2));
    const uint32_t l4 = flags & abi::TXD_F_L4_MASK;
    const bool tcp = tso && l4 == abi::TXD_L4_TCP;

    // A TCP descriptor waits for its second slot.
    if (tcp && i + 1 == n) break;
    slot_t d2 = 0;
    bool bad_tcp = false;
    if (tcp) {
      const uint64_t a2 =
          base + static_cast<uint64_t>((first + i + 1) & (size - 1)) * abi::TXD_BYTES;
      if (fault.overlaps(a2, abi::TXD_BYTES)) {
        bad_tcp = true;
      } else {
        d2 = read_slot(mem, a2);
      }
    }
    i += tcp ? 2 : 1;
    const uint32_t mss = static_cast<uint32_t>(le_field(d, abi::TXD_MSS_OFF, 2));
    const uint32_t opt_len = static_cast<uint32_t>(le_field(d2, abi::TXD_TCP_OPTLEN_OFF, 1));

    // 1. The descriptor alone.
    const bool udp = l4 == abi::TXD_L4_UDP;
    const bool l2 = l4 == abi::TXD_L4_ETH;
    const uint32_t max_len = tcp ? abi::MAX_PAYLOAD : udp ? UDP_MAX_PAYLOAD : RAW_MAX_PAYLOAD;
    const bool bad_len = l2 ? (len < abi::ETH_HLEN || len > abi::ETH_FRAME_MAX) : len > max_len;
    bad_tcp = bad_tcp || (tcp && (mss < abi::TSO_MSS_MIN || mss > abi::MAX_MTU ||
                                  opt_len % 4 != 0 || opt_len > abi::TXD_TCP_OPT_MAX));
    const bool bad_desc = (flags & ~static_cast<uint32_t>(abi::TXD_F_KNOWN)) != 0 ||
                          (l4 == abi::TXD_L4_TCP && !tso) || bad_tcp || rsvd != 0 ||
                          bad_len ||
                          addr > DEV_MEM_BYTES || len > DEV_MEM_BYTES - addr;
    if (bad_desc) {
      ++n_errors;
      continue;
    }

    IpTxMeta ip = {};
    ip.l2 = l2;
    ip.eth.l2 = l2;
    ip.eth.fcs = (ctl & abi::CTRL_FCS_APPEND) != 0;
    uint16_t sport = 0, dport = 0;
    // A whole frame has no flow: 2 and 3 are for the others.
    if (!l2) {
      // 2. The flow.
      if (flow >= abi::FLOW_TABLE_SIZE) {
        ++n_drops;
        continue;
      }
      uint32_t fw[FLOW_READ_WORDS];
      for (unsigned k = 0; k < FLOW_READ_WORDS; ++k) {
#pragma HLS PIPELINE II=1
        fw[k] = flow_table[flow * abi::FLOW_WORDS + k].to_uint();
      }
      const uint32_t mtu =
          flow_byte(fw, abi::FLOW_MTU_OFF) | (flow_byte(fw, abi::FLOW_MTU_OFF + 1) << 8);
      const uint32_t flow_flags = flow_byte(fw, abi::FLOW_FLAGS_OFF);
      if ((flow_flags & abi::FLOW_F_VALID) == 0 || mtu < abi::MIN_MTU || mtu > abi::MAX_MTU) {
        ++n_drops;
        continue;
      }

      // 3. DF against the MTU; a TCP segment always fits (TSO never fragments).
      const uint32_t l4_len = tcp ? TCP_HLEN + opt_len + min_u(len, mss)
                                  : len + (udp ? UDP_HLEN : 0);
      if ((tcp || (flags & abi::TXD_F_DF) != 0) && IPV4_HLEN + l4_len > mtu) {
        ++n_errors;
        continue;
      }

      sport = static_cast<uint16_t>(flow_byte(fw, abi::FLOW_SPORT_OFF) |
                                    (flow_byte(fw, abi::FLOW_SPORT_OFF + 1) << 8));
      dport = static_cast<uint16_t>(flow_byte(fw, abi::FLOW_DPORT_OFF) |
                                    (flow_byte(fw, abi::FLOW_DPORT_OFF + 1) << 8));
      ip.saddr = fw[abi::FLOW_SADDR_OFF / 4];
      ip.daddr = fw[abi::FLOW_DADDR_OFF / 4];
      ip.id = ip_id;
      ip.mtu = static_cast<uint16_t>(mtu);
      ip.ttl = ttl;
      ip.tos = tos;
      ip.protocol = static_cast<uint8_t>(flow_byte(fw, abi::FLOW_PROTO_OFF));
      ip.df = (flags & abi::TXD_F_DF) != 0;
      ip.eth.dmac = flow_mac(fw, abi::FLOW_DMAC_OFF);
      ip.eth.smac = flow_mac(fw, abi::FLOW_SMAC_OFF);
    }

    // 4. A payload read that would answer an error: nothing of it leaves.
    if (fault.overlaps(addr, len)) {
      ++n_errors;
      continue;
    }
    TxRoute r;
    r.tcp = tcp;
    r.segs = tcp ? tcp_segs(len, static_cast<uint16_t>(mss)) : 1;
    if (tso) route_out.write(r);  // without TSO every descriptor is udp_tx's: no merge
    if (tcp) {
      TcpTxMeta m = {};
      m.len = len;
      m.mss = static_cast<uint16_t>(mss);
      m.sport = sport;
      m.dport = dport;
      m.seq = static_cast<uint32_t>(le_field(d, abi::TXD_SEQ_OFF, 4));
      m.ack = static_cast<uint32_t>(le_field(d2, abi::TXD_TCP_ACK_OFF, 4));
      m.window = static_cast<uint16_t>(le_field(d2, abi::TXD_TCP_WINDOW_OFF, 2));
      m.flags = static_cast<uint8_t>(le_field(d2, abi::TXD_TCP_FLAGS_OFF, 1));
      m.opt_len = static_cast<uint8_t>(opt_len);
      m.opts = d2(8 * (abi::TXD_TCP_OPTS_OFF + abi::TXD_TCP_OPT_MAX) - 1, 8 * abi::TXD_TCP_OPTS_OFF);
      m.ip = ip;
      tcp_meta_out.write(m);
      stream_payload(mem, addr, len, tcp_payload_out);
    } else {
      UdpTxMeta m = {};
      m.raw = !udp;
      m.len = len;
      m.sport = sport;
      m.dport = dport;
      m.ip = ip;
      udp_meta_out.write(m);
      stream_payload(mem, addr, len, udp_payload_out);
    }
  }

  *tail = first + i;
  *drops = n_drops;
  *desc_errors = n_errors;
}

ap_uint<32> tail_writeback(ap_uint<512>* mem, ap_uint<64> wb_base, ap_uint<32> ctrl,
                           ap_uint<32> tail, bool write, ap_uint<32>* wb_errors,
                           ReadFaultRange fault) {
  const uint64_t base = wb_base.to_uint64();
  if (!write || (ctrl.to_uint() & abi::CTRL_ENABLE) == 0 || !wb_base_valid(base)) return 0;
  const uint64_t a = base + abi::WB_TAIL_OFF;
  if (fault.overlaps(a, 4)) {
    *wb_errors = *wb_errors + 1;
    return 0;
  }
  // One write of the tail's 4 bytes (WSTRB 0x0000000F of the block's word).
  const unsigned lo = 8 * (a % MEM_WORD_BYTES);
  mem[a / MEM_WORD_BYTES](lo + 31, lo) = tail;
  return 1;
}

}  // namespace sendoff
