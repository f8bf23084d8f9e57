// SPDX-License-Identifier: MIT
#include "sendoff_nic.hpp"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>

#include "net.hpp"
#include "skbuff.hpp"
#include "uaccess.hpp"

namespace sendoff {

using namespace abi;

namespace {

constexpr uint32_t kRingMask = SendoffNic::kRingSize - 1;
constexpr uint32_t kPayloadMask = SendoffNic::kPayloadBytes - 1;
static_assert((SendoffNic::kRingSize & kRingMask) == 0, "ring size must be a power of two");
static_assert((SendoffNic::kPayloadBytes & kPayloadMask) == 0,
              "payload buffer must be a power of two (its byte counter runs mod 2^32)");
// A descriptor the NIC rejects without reading anything: a copy that faulted
// after its slot was taken still fills the slot (the ring has no holes), and
// the NIC counts it in STAT_DESC_ERRORS instead of sending it.
constexpr uint16_t kPoisonRsvd = 0xEFAu;

uint32_t align64(size_t n) { return static_cast<uint32_t>((n + 63) & ~size_t{63}); }

void put16(uint8_t* p, uint16_t v) { memcpy(p, &v, 2); }
void put32(uint8_t* p, uint32_t v) { memcpy(p, &v, 4); }
void put64(uint8_t* p, uint64_t v) { memcpy(p, &v, 8); }

uint64_t pack(uint32_t slot, uint32_t pay) { return slot | uint64_t{pay} << 32; }

}  // namespace

// The NIC is done with a packet; the last charge on a socket that was
// already closed frees it.
void sock_wfree(sock* sk, uint32_t charge) {
  if (sk->wmem_alloc.fetch_sub(charge, std::memory_order_acq_rel) == charge) __sk_free(sk);
}

DmaBuffer DmaPool::alloc(size_t bytes, size_t* off) {
  std::lock_guard<std::mutex> g(mu_);
  if (!tried_) {
    tried_ = true;
    for (size_t want = kRegionBytes; want >= (size_t{1} << 20) && !region_.size; want /= 2)
      region_ = dev_->dma_alloc(want);
    used_.assign(region_.size / kUnit, false);
  }
  if (bytes < kUnit || (bytes & (bytes - 1)) || bytes > region_.size) return {};
  const size_t n = bytes / kUnit;
  for (size_t i = 0; i + n <= used_.size(); i += n) {
    bool free = true;
    for (size_t j = i; j < i + n && free; ++j) free = !used_[j];
    if (!free) continue;
    for (size_t j = i; j < i + n; ++j) used_[j] = true;
    *off = i * kUnit;
    return DmaBuffer{region_.host + *off, region_.dev_addr + *off, bytes};
  }
  return {};
}

void DmaPool::free(size_t off, size_t bytes) {
  std::lock_guard<std::mutex> g(mu_);
  for (size_t j = off / kUnit; j < (off + bytes) / kUnit && j < used_.size(); ++j) used_[j] = false;
}

bool FlowKey::operator==(const FlowKey& o) const {
  return saddr == o.saddr && daddr == o.daddr && sport == o.sport && dport == o.dport &&
         mtu == o.mtu && protocol == o.protocol && memcmp(dmac, o.dmac, 6) == 0 &&
         memcmp(smac, o.smac, 6) == 0;
}

int SendoffNic::open(Device* dev, const uint8_t mac[6], std::string* err) {
  dev_ = dev;
  memcpy(mac_, mac, 6);
  uint32_t id = dev->reg_read(REG_ID);
  uint32_t version = dev->reg_read(REG_VERSION);
  l2_frames_ = version >= 0x00020001;  // TXD_L4_ETH came with ABI 2.1
  tx_reset_ = version >= 0x00020002;   // CTRL_RESET came with ABI 2.2
  if (id != ID_VALUE || (version >> 16) != (VERSION_VALUE >> 16)) {
    char buf[160];
    snprintf(buf, sizeof buf, "%s: not a sendoff NIC (ID 0x%08x, version 0x%08x; want 0x%08x, 0x%08x)",
             dev->name().c_str(), id, version, ID_VALUE, VERSION_VALUE);
    *err = buf;
    return -ENODEV;
  }
  ring_ = dev->dma_alloc(size_t{kRingSize} * TXD_BYTES);
  payload_ = dev->dma_alloc(kPayloadBytes);
  if (!ring_.size || !payload_.size) {
    *err = dev->name() + ": not enough device memory for the TX ring and payload buffer";
    return -ENOMEM;
  }
  coherent_ = dev->coherent();
  wb_tail_ = nullptr;
  DmaBuffer wb;
  if (dev->tail_writeback()) {
    wb = dev->dma_alloc(WB_BYTES);
    if (!wb.size || wb.dev_addr % WB_BYTES) {
      *err = dev->name() + ": no 64-byte aligned device memory for the tail write-back block";
      return -ENOMEM;
    }
    memset(wb.host, 0, WB_BYTES);
  }
  const uint32_t caps = dev->reg_read(REG_CAPS);
  tso_ = (caps & CAPS_TSO) != 0;
  tx_unaligned_ = (caps & CAPS_TX_UNALIGNED) != 0;
  pool_ = std::make_shared<DmaPool>(dev);
  flows_.reset(new FlowState[FLOW_TABLE_SIZE]);
  dev->reg_write(REG_CTRL, 0);
  dev->reg_write(REG_RING_BASE_LO, static_cast<uint32_t>(ring_.dev_addr));
  dev->reg_write(REG_RING_BASE_HI, static_cast<uint32_t>(ring_.dev_addr >> 32));
  dev->reg_write(REG_RING_SIZE, kRingSize);
  // Ring writes are ignored while the NIC is busy (nic_abi.hpp): one that did
  // not take is a NIC still at work on another ring.
  if (dev->reg_read(REG_RING_SIZE) != kRingSize ||
      dev->reg_read(REG_RING_BASE_LO) != static_cast<uint32_t>(ring_.dev_addr) ||
      dev->reg_read(REG_RING_BASE_HI) != static_cast<uint32_t>(ring_.dev_addr >> 32)) {
    *err = dev->name() + ": the NIC is busy and keeps its TX ring; reset it first (CTRL_RESET)";
    return -EBUSY;
  }
  // The ring indices run free mod 2^32; start where the NIC stands.
  uint32_t start = dev->reg_read(REG_RING_TAIL);
  slots_.reset(new Slot[kRingSize]);
  ring_start(start);
  if (wb.size) {
    // The NIC writes its tail there on enable and whenever it moves.
    __atomic_store_n(reinterpret_cast<uint32_t*>(wb.host + WB_TAIL_OFF), start, __ATOMIC_RELEASE);
    dev->reg_write(REG_WB_BASE_LO, static_cast<uint32_t>(wb.dev_addr));
    dev->reg_write(REG_WB_BASE_HI, static_cast<uint32_t>(wb.dev_addr >> 32));
    wb_tail_ = reinterpret_cast<const uint32_t*>(wb.host + WB_TAIL_OFF);
  }
  dev->reg_write(REG_CTRL, CTRL_ENABLE);
  return 0;
}

// Empty ring from index start: no slot may look written for an index at or
// after start; every payload byte is free.
void SendoffNic::ring_start(uint32_t start) {
  for (uint32_t i = 0; i < kRingSize; ++i) {
    slots_[i].seq.store(start, std::memory_order_relaxed);
    slots_[i].owner = nullptr;
    slots_[i].frag_done = nullptr;
    slots_[i].second = false;
  }
  const uint32_t pay = pay_tail_.load(std::memory_order_relaxed);
  prod_.store(pack(start, pay));
  head_.store(start);
  rung_.store(start);
  clean_.store(start);
  dev_->reg_write(REG_RING_HEAD, start);
}

int SendoffNic::reset(std::string* err) {
  // An older NIC drops the bit and would not discard what it did not read.
  if (!tx_reset_) {
    *err = dev_->name() + ": this NIC has no TX ring reset (CTRL_RESET came with ABI 2.2)";
    return -EOPNOTSUPP;
  }
  if (down_.exchange(true, std::memory_order_acq_rel)) {
    *err = dev_->name() + ": a TX ring reset is already under way";
    return -EBUSY;
  }
  // Close the ring to new claims: from here reserve() finds no room (a claim
  // half a ring-index space ahead of clean_), and down_ makes that -ENETDOWN.
  // A sender that read down_ before it was set either claimed its slot before
  // this exchange, and publishes it (its copy is short), or fails its claim.
  const uint32_t claimed = static_cast<uint32_t>(prod_.exchange(
      pack(clean_.load(std::memory_order_acquire) + 0x80000000u, 0), std::memory_order_acq_rel));
  while (head_.load(std::memory_order_acquire) != claimed) std::this_thread::yield();
  const uint32_t ctrl = dev_->reg_read(REG_CTRL) & CTRL_FCS_APPEND;
  dev_->reg_write(REG_CTRL, CTRL_RESET | ctrl);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (dev_->reg_read(REG_CTRL) & CTRL_RESET) {
    if (std::chrono::steady_clock::now() >= deadline) {
      *err = dev_->name() + ": the NIC did not finish its TX ring reset (CTRL_RESET still set "
             "after 5 s); the ring stays down";
      return -EIO;
    }
    dev_->wait_progress(1000);
  }
  // What RING_TAIL passed left whole; the rest never left and never will.
  const uint32_t tail = dev_->reg_read(REG_RING_TAIL);
  while (reclaiming_.test_and_set(std::memory_order_acquire)) std::this_thread::yield();
  uint32_t c = clean_.load(std::memory_order_relaxed);
  uint32_t pay_tail = pay_tail_.load(std::memory_order_relaxed);
  const uint32_t head = head_.load(std::memory_order_acquire);
  uint64_t dropped = 0;
  for (; c != head; ++c) {
    Slot& s = slots_[c & kRingMask];
    if (static_cast<int32_t>(c - tail) >= 0 && !s.second) ++dropped;
    // The NIC reads nothing more: the bytes a reference pointed at are free
    // (before the charge goes: it may free the socket that holds them).
    if (s.frag_done) s.frag_done->fetch_add(1, std::memory_order_release);
    s.frag_done = nullptr;
    if (s.owner) sock_wfree(s.owner, s.charge);
    s.owner = nullptr;
    pay_tail = s.pay_end;
  }
  pay_tail_.store(pay_tail, std::memory_order_release);
  tx_dropped_.fetch_add(dropped, std::memory_order_relaxed);
  if (wb_tail_)
    __atomic_store_n(const_cast<uint32_t*>(wb_tail_), tail, __ATOMIC_RELEASE);
  ring_start(tail);
  reclaiming_.clear(std::memory_order_release);
  dev_->reg_write(REG_CTRL, CTRL_ENABLE | ctrl);
  down_.store(false, std::memory_order_release);
  return 0;
}

// Why the ring cannot take a packet: full for now (-EBUSY: wait), or full with
// a NIC that is not consuming (-ENETDOWN). A register read, on the slow path.
// No register read here: a nonblocking send's EAGAIN stays free of syscalls.
int SendoffNic::ring_full_errno() {
  return down_.load(std::memory_order_acquire) ? -ENETDOWN : -EBUSY;
}

bool SendoffNic::stopped() {
  return down_.load(std::memory_order_acquire) || !(dev_->reg_read(REG_CTRL) & CTRL_ENABLE);
}

void SendoffNic::close() {
  if (dev_) dev_->reg_write(REG_CTRL, 0);
  dev_ = nullptr;
}

// The NIC's consumer index: from the write-back block (a load from host
// memory), else a register read.
uint32_t SendoffNic::nic_tail() {
  if (wb_tail_) return __atomic_load_n(wb_tail_, __ATOMIC_ACQUIRE);
  return dev_->reg_read(REG_RING_TAIL);
}

void SendoffNic::reclaim() {
  if (reclaiming_.test_and_set(std::memory_order_acquire)) return;  // another thread is at it
  uint32_t c = clean_.load(std::memory_order_relaxed);
  const uint32_t t = nic_tail();
  if (c != t) {
    uint32_t pay_tail = pay_tail_.load(std::memory_order_relaxed);
    for (; c != t; ++c) {
      Slot& s = slots_[c & kRingMask];
      (void)s.seq.load(std::memory_order_acquire);  // pairs with the producer's publish
      // The zerocopy completion first: the charge may be the socket's last.
      if (s.frag_done) s.frag_done->fetch_add(1, std::memory_order_release);
      s.frag_done = nullptr;
      if (s.owner) sock_wfree(s.owner, s.charge);
      s.owner = nullptr;
      pay_tail = s.pay_end;
    }
    pay_tail_.store(pay_tail, std::memory_order_release);
    clean_.store(c, std::memory_order_release);
  }
  reclaiming_.clear(std::memory_order_release);
}

// Finds or writes the flow-table entry for key and takes a reference. An
// entry is reused only when no route holds it and no descriptor posted while
// one did is still in the ring, so the NIC never reads a replaced flow.
int SendoffNic::flow_get(const FlowKey& key) {
  std::lock_guard<std::mutex> g(flow_lock_);
  for (unsigned i = 0; i < FLOW_TABLE_SIZE; ++i)
    if (flows_[i].used && flows_[i].key == key) {
      ++flows_[i].refs;
      return static_cast<int>(i);
    }
  reclaim();
  const uint32_t clean = clean_.load(std::memory_order_acquire);
  int victim = -1;
  for (unsigned n = 0; n < FLOW_TABLE_SIZE; ++n) {
    unsigned i = (flow_clock_ + n) % FLOW_TABLE_SIZE;
    const FlowState& f = flows_[i];
    if (!f.used || (f.refs == 0 && static_cast<int32_t>(clean - f.released_at) >= 0)) {
      victim = static_cast<int>(i);
      break;
    }
  }
  if (victim < 0) return -ENOBUFS;
  flow_clock_ = (static_cast<unsigned>(victim) + 1) % FLOW_TABLE_SIZE;
  FlowState& f = flows_[victim];
  f.key = key;
  f.used = true;
  f.refs = 1;

  uint8_t e[FLOW_BYTES] = {};
  put32(e + FLOW_SADDR_OFF, key.saddr);
  put32(e + FLOW_DADDR_OFF, key.daddr);
  put16(e + FLOW_SPORT_OFF, key.sport);
  put16(e + FLOW_DPORT_OFF, key.dport);
  put16(e + FLOW_MTU_OFF, key.mtu);
  e[FLOW_PROTO_OFF] = key.protocol;
  e[FLOW_FLAGS_OFF] = FLOW_F_VALID;
  memcpy(e + FLOW_DMAC_OFF, key.dmac, 6);
  memcpy(e + FLOW_SMAC_OFF, key.smac, 6);
  for (unsigned w = 0; w < FLOW_WORDS; ++w) {
    uint32_t v;
    memcpy(&v, e + 4 * w, 4);
    dev_->reg_write(REG_FLOW_DATA + 4 * w, v);
  }
  dev_->reg_write(REG_FLOW_INDEX, static_cast<uint32_t>(victim));
  dev_->reg_write(REG_FLOW_COMMIT, 1);
  return victim;
}

void SendoffNic::flow_put(int flow) {
  if (flow < 0) return;
  std::lock_guard<std::mutex> g(flow_lock_);
  FlowState& f = flows_[flow];
  if (f.refs && --f.refs == 0)
    f.released_at = static_cast<uint32_t>(prod_.load(std::memory_order_acquire));
}

// The route's NIC flow, found once and kept in the dst entry (as a neighbour's
// cached hardware header is): the key is built here, from the skb, not in IP.
int SendoffNic::dst_flow(const sk_buff* skb) {
  dst_entry* dst = skb->dst;
  int flow = dst->nic_flow.load(std::memory_order_acquire);
  if (flow >= 0) return flow;
  FlowKey key;
  key.saddr = dst->rt.saddr;
  key.daddr = dst->rt.daddr;
  key.sport = skb->sport;
  key.dport = skb->dport;
  key.mtu = static_cast<uint16_t>(dst->rt.mtu);
  key.protocol = skb->protocol;
  memcpy(key.dmac, dst->rt.dmac, 6);
  memcpy(key.smac, mac_, 6);
  flow = flow_get(key);
  if (flow < 0) return flow;
  int none = -1;
  // Two threads may race to fill the same route: one keeps its reference.
  if (!dst->nic_flow.compare_exchange_strong(none, flow, std::memory_order_acq_rel)) {
    flow_put(flow);
    flow = none;
  }
  return flow;
}

// Makes descriptor idx visible to the NIC: the producer index moves over every
// slot that is written, in order, whoever wrote it; then one doorbell.
void SendoffNic::publish(uint32_t idx, bool more) {
  slots_[idx & kRingMask].seq.store(idx + 1, std::memory_order_seq_cst);
  uint32_t h = head_.load(std::memory_order_seq_cst);
  while (slots_[h & kRingMask].seq.load(std::memory_order_seq_cst) == h + 1) {
    if (head_.compare_exchange_strong(h, h + 1, std::memory_order_seq_cst)) ++h;
  }
  if (!more) xmit_flush();
}

// A TCP descriptor's two slots become visible together: the second is marked
// written first, so the producer index, which stops at the first unwritten
// slot, never passes the first without the second.
void SendoffNic::publish_pair(uint32_t idx, bool more) {
  slots_[(idx + 1) & kRingMask].seq.store(idx + 2, std::memory_order_seq_cst);
  publish(idx, more);
}

void SendoffNic::xmit_flush() {
  if (!coherent_) {
    // The NIC may read everything up to the doorbell's index at once: the whole batch
    // is synced before it rings, and no later doorbell overtakes an unsynced batch.
    std::lock_guard<std::mutex> g(flush_lock_);
    const uint32_t h = head_.load(std::memory_order_acquire);
    const uint32_t r = rung_.load(std::memory_order_relaxed);
    if (static_cast<int32_t>(h - r) <= 0) return;
    sync_batch(r, h);
    rung_.store(h, std::memory_order_release);
    dev_->ring_doorbell(h);
    return;
  }
  uint32_t h = head_.load(std::memory_order_acquire);
  uint32_t r = rung_.load(std::memory_order_relaxed);
  // Another thread rang for this head (or a later one) already.
  while (static_cast<int32_t>(h - r) > 0) {
    if (rung_.compare_exchange_weak(r, h, std::memory_order_acq_rel)) {
      dev_->ring_doorbell(h);
      return;
    }
  }
}

// Descriptors from..to-1 and the payloads copied for them, to the device: one
// transfer per contiguous run (two for the ring when the batch wraps; payloads
// are reserved in ring order, so they break only where the buffer wraps).
void SendoffNic::sync_batch(uint32_t from, uint32_t to) {
  const uint32_t first = from & kRingMask, n = to - from;
  const uint32_t upto = first + n <= kRingSize ? n : kRingSize - first;
  dev_->sync_to_device(ring_, size_t{first} * TXD_BYTES, size_t{upto} * TXD_BYTES);
  if (n > upto) dev_->sync_to_device(ring_, 0, size_t{n - upto} * TXD_BYTES);
  size_t run_off = 0, run_len = 0;
  for (uint32_t i = from; i != to; ++i) {
    const Slot& s = slots_[i & kRingMask];
    if (s.pay_len == 0) continue;
    if (run_len && s.pay_off == run_off + run_len) {
      run_len += s.pay_len;
      continue;
    }
    if (run_len) dev_->sync_to_device(payload_, run_off, run_len);
    run_off = s.pay_off;
    run_len = s.pay_len;
  }
  if (run_len) dev_->sync_to_device(payload_, run_off, run_len);
}

// Reserves a slot and `need` payload bytes (a multiple of 64; 0 for a payload
// by reference) in one step, so that both leave the ring in the same order.
// False when either is full even after a reclaim.
bool SendoffNic::reserve(uint32_t need, uint32_t nslots, uint32_t* idx_out, uint32_t* start_out,
                         uint32_t* end_out) {
  uint64_t cur = prod_.load(std::memory_order_acquire);
  uint32_t idx, start, pay_end;
  for (bool reclaimed = false;;) {
    idx = static_cast<uint32_t>(cur);
    const uint32_t ph = static_cast<uint32_t>(cur >> 32);
    const uint32_t off = ph & kPayloadMask;
    // A payload is contiguous in device memory: skip the buffer's tail end.
    const uint32_t skip = off + need > kPayloadBytes ? kPayloadBytes - off : 0;
    pay_end = ph + skip + need;
    start = (off + skip) & kPayloadMask;
    bool room = idx + nslots - clean_.load(std::memory_order_acquire) <= kRingSize &&
                pay_end - pay_tail_.load(std::memory_order_acquire) <= kPayloadBytes;
    if (!room) {
      if (reclaimed) return false;
      reclaim();
      reclaimed = true;
      cur = prod_.load(std::memory_order_acquire);
      continue;
    }
    if (prod_.compare_exchange_weak(cur, pack(idx + nslots, pay_end), std::memory_order_acq_rel,
                                    std::memory_order_acquire))
      break;
  }
  *idx_out = idx;
  *start_out = start;
  *end_out = pay_end;
  return true;
}

int SendoffNic::xmit_frame(const uint8_t* frame, size_t len) {
  if (!l2_frames_) return -EOPNOTSUPP;
  if (!dev_->fault().empty()) return -EIO;
  if (len < ETH_HLEN || len > ETH_FRAME_MAX) return -EINVAL;
  if (down_.load(std::memory_order_acquire)) return -ENETDOWN;
  uint32_t idx, start, pay_end;
  const uint32_t need = align64(len);
  if (!reserve(need, 1, &idx, &start, &pay_end)) return ring_full_errno();
  memcpy(payload_.host + start, frame, len);
  uint8_t* d = ring_.host + size_t{idx & kRingMask} * TXD_BYTES;
  memset(d, 0, TXD_BYTES);
  put64(d + TXD_ADDR_OFF, payload_.dev_addr + start);
  put32(d + TXD_LEN_OFF, static_cast<uint32_t>(len));
  put16(d + TXD_FLAGS_OFF, TXD_L4_ETH);
  put32(d + TXD_COOKIE_OFF, idx);
  Slot& s = slots_[idx & kRingMask];
  s.owner = nullptr;
  s.charge = 0;
  s.pay_end = pay_end;
  s.pay_off = start;
  s.pay_len = need;  // the span reserved: batches then join up
  s.frag_done = nullptr;
  s.second = false;
  publish(idx, false);
  return 0;
}

int SendoffNic::ndo_start_xmit(sk_buff* skb) {
  // A device that stopped being trustworthy (--cosim mismatch) takes no more work.
  if (!dev_->fault().empty()) return -EIO;
  if (down_.load(std::memory_order_acquire)) return -ENETDOWN;
  const bool tcp = skb->l4_kind == TXD_L4_TCP;
  if (tcp && !tso_) return -EOPNOTSUPP;
  const size_t len = skb->len;
  int flow = dst_flow(skb);
  if (flow < 0) return flow;
  // By reference: the stack's device memory, at any byte address, so only
  // on a NIC that takes that (CAPS_TX_UNALIGNED).
  const bool by_ref = skb->frag_done != nullptr;
  if (by_ref && !tx_unaligned_) return -EOPNOTSUPP;
  // fault_in_iov_iter_readable: a bad user pointer fails here, before a slot
  // is taken. (Only memory unmapped by another thread in the next few
  // nanoseconds still faults in the copy below.)
  if (!by_ref && fault_in_iov_readable(skb->iov, skb->iovlen, len)) return -EFAULT;

  const uint32_t nslots = tcp ? 2 : 1;
  uint32_t idx, start, pay_end;
  const uint32_t need = by_ref ? 0 : align64(len ? len : 1);  // payload bytes to reserve
  if (!reserve(need, nslots, &idx, &start, &pay_end))
    return ring_full_errno();
  uint8_t* d = ring_.host + size_t{idx & kRingMask} * TXD_BYTES;
  int err = 0;
  uint64_t addr = skb->frag_dma;
  if (!by_ref) {
    err = copy_from_user_iov(payload_.host + start, skb->iov, skb->iovlen, len);
    addr = payload_.dev_addr + start;
    tx_copy_bytes_.fetch_add(len, std::memory_order_relaxed);
  } else {
    tx_ref_bytes_.fetch_add(len, std::memory_order_relaxed);
  }
  memset(d, 0, TXD_BYTES);
  put64(d + TXD_ADDR_OFF, addr);
  put32(d + TXD_LEN_OFF, static_cast<uint32_t>(len));
  put16(d + TXD_FLOW_OFF, static_cast<uint16_t>(flow));
  put16(d + TXD_FLAGS_OFF, skb->tx_flags);
  put16(d + TXD_IPID_OFF, skb->ip_id);
  d[TXD_TTL_OFF] = skb->ttl;
  d[TXD_TOS_OFF] = skb->tos;
  if (err) put16(d + TXD_RSVD_OFF, kPoisonRsvd);
  put32(d + TXD_COOKIE_OFF, idx);
  if (tcp) {
    put32(d + TXD_SEQ_OFF, skb->tcp.seq);
    put16(d + TXD_MSS_OFF, skb->tcp.gso_size);
    // The second slot, which may be the ring's first after a wrap.
    uint8_t* t = ring_.host + size_t{(idx + 1) & kRingMask} * TXD_BYTES;
    memset(t, 0, TXD_BYTES);
    put32(t + TXD_TCP_ACK_OFF, skb->tcp.ack);
    put16(t + TXD_TCP_WINDOW_OFF, skb->tcp.window);
    t[TXD_TCP_FLAGS_OFF] = skb->tcp.flags;
    t[TXD_TCP_OPTLEN_OFF] = skb->tcp.opt_len;
    memcpy(t + TXD_TCP_OPTS_OFF, skb->tcp.opts, skb->tcp.opt_len);
    Slot& s2 = slots_[(idx + 1) & kRingMask];
    s2.owner = nullptr;
    s2.charge = 0;
    s2.pay_end = pay_end;
    s2.pay_len = 0;
    s2.frag_done = nullptr;
    s2.second = true;
  }
  Slot& s = slots_[idx & kRingMask];
  s.owner = err ? nullptr : skb->sk;
  s.charge = static_cast<uint32_t>(truesize(len));
  s.pay_end = pay_end;
  s.pay_off = start;
  s.pay_len = need;  // the span reserved
  s.frag_done = skb->frag_done;
  skb->frag_posted = by_ref;
  s.second = false;
  if (s.owner) s.owner->wmem_alloc.fetch_add(s.charge, std::memory_order_relaxed);
  if (tcp)
    publish_pair(idx, skb->xmit_more && !err);
  else
    publish(idx, skb->xmit_more && !err);
  return err;
}

}  // namespace sendoff
