// SPDX-License-Identifier: MIT
#include "sendoff_nic.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "sock.hpp"
#include "uaccess.hpp"

namespace sendoff {

using namespace abi;

namespace {

size_t align64(size_t n) { return (n + 63) & ~size_t{63}; }

void put16(uint8_t* p, uint16_t v) { memcpy(p, &v, 2); }
void put32(uint8_t* p, uint32_t v) { memcpy(p, &v, 4); }
void put64(uint8_t* p, uint64_t v) { memcpy(p, &v, 8); }

// Bytes of the payload ring a packet takes at offset head: its 64-byte
// aligned size, plus the tail end it skips when it does not fit before the
// end of the buffer (a packet's payload is contiguous in device memory).
size_t payload_need(size_t head, size_t len, size_t size) {
  size_t n = align64(len ? len : 1);
  return head + n > size ? (size - head) + n : n;
}

}  // namespace

int SendoffNic::open(Device* dev, std::string* err) {
  dev_ = dev;
  uint32_t id = dev->reg_read(REG_ID);
  uint32_t version = dev->reg_read(REG_VERSION);
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
  slots_.assign(kRingSize, Slot{});
  flows_.assign(FLOW_TABLE_SIZE, FlowState{});
  flow_index_.clear();
  dev->reg_write(REG_CTRL, 0);
  dev->reg_write(REG_RING_BASE_LO, static_cast<uint32_t>(ring_.dev_addr));
  dev->reg_write(REG_RING_BASE_HI, static_cast<uint32_t>(ring_.dev_addr >> 32));
  dev->reg_write(REG_RING_SIZE, kRingSize);
  // The ring indices run free mod 2^32; start where the NIC stands.
  head_ = tail_ = dev->reg_read(REG_RING_TAIL);
  dev->reg_write(REG_RING_HEAD, head_);
  dev->reg_write(REG_CTRL, CTRL_ENABLE);
  return 0;
}

void SendoffNic::close() {
  if (dev_) dev_->reg_write(REG_CTRL, 0);
  dev_ = nullptr;
}

bool SendoffNic::has_space(size_t len) const {
  if (head_ - tail_ >= kRingSize) return false;
  return payload_need(pay_head_, len, payload_.size) <= payload_.size - pay_used_;
}

void SendoffNic::reclaim() {
  uint32_t tail = dev_->reg_read(REG_RING_TAIL);
  while (tail_ != tail) {
    Slot& s = slots_[tail_ % kRingSize];
    if (s.owner) s.owner->wmem_alloc -= s.charge;
    pay_used_ -= (s.payload_end >= pay_tail_ ? s.payload_end - pay_tail_
                                              : payload_.size - pay_tail_ + s.payload_end);
    pay_tail_ = s.payload_end;
    s = Slot{};
    ++tail_;
  }
}

void SendoffNic::forget_owner(sock* owner) {
  for (uint32_t i = tail_; i != head_; ++i)
    if (slots_[i % kRingSize].owner == owner) slots_[i % kRingSize].owner = nullptr;
}

// Finds or writes the flow-table entry for key. An entry is reused only when
// no descriptor in flight refers to it, so the NIC never reads a half-written
// or replaced flow.
int SendoffNic::flow_get(const FlowKey& key) {
  auto it = flow_index_.find(key);
  if (it != flow_index_.end()) return it->second;
  int victim = -1;
  for (unsigned n = 0; n < FLOW_TABLE_SIZE; ++n) {
    int i = (flow_clock_ + n) % FLOW_TABLE_SIZE;
    const FlowState& f = flows_[i];
    bool in_flight = f.used && (f.last_use - tail_) < (head_ - tail_);
    if (!f.used || !in_flight) {
      victim = i;
      break;
    }
  }
  if (victim < 0) return -ENOBUFS;
  flow_clock_ = (victim + 1) % FLOW_TABLE_SIZE;
  FlowState& f = flows_[victim];
  if (f.used) flow_index_.erase(f.key);
  f.key = key;
  f.used = true;
  flow_index_[key] = victim;

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

int SendoffNic::xmit(const FlowKey& key, const TxParams& p, const iovec* iov, size_t iovlen,
                     size_t len, sock* owner) {
  // A device that stopped being trustworthy (--cosim mismatch) takes no more work.
  if (!dev_->fault().empty()) return -EIO;
  size_t need = payload_need(pay_head_, len, payload_.size);
  size_t start = pay_head_ + align64(len ? len : 1) > payload_.size ? 0 : pay_head_;
  int err = copy_from_user_iov(payload_.host + start, iov, iovlen, len);
  if (err) return err;
  int flow = flow_get(key);
  if (flow < 0) return flow;
  dev_->dma_sync_to_device(payload_, start, len);

  uint32_t idx = head_ % kRingSize;
  uint8_t* d = ring_.host + size_t{idx} * TXD_BYTES;
  memset(d, 0, TXD_BYTES);
  put64(d + TXD_ADDR_OFF, payload_.dev_addr + start);
  put32(d + TXD_LEN_OFF, static_cast<uint32_t>(len));
  put16(d + TXD_FLOW_OFF, static_cast<uint16_t>(flow));
  put16(d + TXD_FLAGS_OFF, p.flags);
  put16(d + TXD_IPID_OFF, p.ip_id);
  d[TXD_TTL_OFF] = p.ttl;
  d[TXD_TOS_OFF] = p.tos;
  put32(d + TXD_COOKIE_OFF, head_);
  dev_->dma_sync_to_device(ring_, size_t{idx} * TXD_BYTES, TXD_BYTES);

  Slot& s = slots_[idx];
  s.owner = owner;
  s.charge = truesize(len);
  s.flow = flow;
  pay_head_ = start + align64(len ? len : 1);
  if (pay_head_ == payload_.size) pay_head_ = 0;
  s.payload_end = pay_head_;
  pay_used_ += need;
  if (owner) owner->wmem_alloc += s.charge;
  flows_[flow].last_use = head_;
  ++head_;
  // One doorbell per packet: the host API has no xmit_more hint yet.
  dev_->reg_write(REG_RING_HEAD, head_);
  return 0;
}

}  // namespace sendoff
