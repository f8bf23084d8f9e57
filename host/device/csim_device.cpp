// SPDX-License-Identifier: MIT
// csim device: registers, device memory and a NIC worker thread.
//
// Device memory has two sides, as on a card: the host writes bytes through
// DmaBuffer::host, and dma_sync_to_device() copies them into the 512-bit
// words the HLS top reads through its m_axi port (device byte address a is
// byte a % 64 of word a / 64). Allocation is a bump allocator that never
// frees; address 0 .. kFirstAddr-1 is never handed out, so 0 is no buffer.
//
// Host writes reach the NIC's side as posted writes do on PCIe: in order,
// queued by dma_sync_to_device() and FLOW_COMMIT, and applied by the worker
// before it next runs the kernel. So the host never waits for a kernel run
// to finish just to write memory or a flow.
//
// The worker runs sendoff_tx one descriptor at a time (head = tail + 1),
// delivers the frames to the sink in order (deliver() may block: MAC
// backpressure stalls the NIC), and only then advances RING_TAIL and wakes
// wait_progress(). When a run consumed nothing (ring not usable) it waits for
// the next register write.
//
// Memory is host-coherent for what the NIC fetches: before each run the
// worker copies the descriptor and its payload from the host's side (the
// driver then needs no dma_sync_to_device per send). With `noncoherent` it
// is not, as a card's DDR is not: the NIC sees only what was synced. The doorbell is a
// posted write: an atomic store the worker polls for a while after its last
// work (bounded spinning), then it sleeps, and only then does a doorbell pay
// for a wake-up (event-index style: the host wakes the NIC only when the
// NIC said it stopped polling).
//
// Tail write-back: the kernel writes the tail into its side of memory; once
// the run's frames are delivered and RING_TAIL is updated, the worker copies
// the written word to the host's side as one 32-bit release store (the host
// reads it with an acquire load while the worker runs). CTRL_ENABLE's 0 -> 1
// edge with a valid WB base makes the worker run the kernel once with
// wb_force, descriptors or not.
//
// Receive: mac_rx() queues a frame from the wire (the MAC cannot be
// stalled: the queue is the MAC's FIFO, and what the NIC has no buffer for
// it drops and counts). The worker runs each through sendoff_rx_frame, then
// sendoff_rx_idle when the queue is empty, and copies what the NIC wrote to
// the host's side: the frame's buffer, then its completion line, each entry
// with the word holding its generation bit stored last with release order,
// so the driver's acquire load of that word sees the frame. Then it wakes
// wait_rx(), the receive interrupt.
#include "csim_device.hpp"

#include <pthread.h>
#include <sys/mman.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <new>
#include <thread>
#include <vector>

#include "sendoff/host_registers.hpp"
#include "sendoff/nic_abi.hpp"
#include "sendoff/posted_doorbell.hpp"
#include "sendoff_rx/sendoff_rx.hpp"
#include "sendoff_tx/sendoff_tx.hpp"

namespace sendoff {
namespace {

constexpr uint64_t kFirstAddr = 4096;
using beat_t = ap_axiu<SENDOFF_DATA_WIDTH, 0, 0, 0>;

class CsimDevice final : public Device {
 public:
  CsimDevice(FrameSink* sink, ReadFaultRange fault, bool tso, bool noncoherent);
  ~CsimDevice() override;
  CsimDevice(const CsimDevice&) = delete;
  CsimDevice& operator=(const CsimDevice&) = delete;

  std::string name() const override { return "csim"; }
  uint32_t reg_read(uint32_t off) override;
  void reg_write(uint32_t off, uint32_t val) override;
  DmaBuffer dma_alloc(size_t bytes) override;
  void dma_sync_to_device(const DmaBuffer& buf, size_t off, size_t len) override;
  bool coherent() const override { return !noncoherent_; }
  bool tail_writeback() const override { return !noncoherent_; }
  void set_busy_poll(uint32_t us) override { db_.set_busy_poll(us); }
  void doorbell(uint32_t head) override;
  void wait_progress(uint32_t timeout_us) override;
  bool mac_rx(const uint8_t* frame, size_t len) override;
  void wait_rx(uint32_t timeout_us) override;

 private:
  // The receive path's registers (HostRegisters keeps the transmit ones).
  bool rx_reg_read(uint32_t off, uint32_t* val);  // mu_ held
  bool rx_reg_write(uint32_t off, uint32_t val);  // mu_ held
  void rx_run();                                  // worker thread, mu_ not held
  void copy_to_host(uint64_t addr, uint64_t len); // worker thread: NIC side → host side
  void publish_cpl_lines(uint32_t from, uint32_t to, const RxRegs& r);  // worker thread
  bool work_pending() const;  // mu_ held
  void worker_main();
  void flow_commit();  // mu_ held

  // A host write not yet applied to the NIC's side.
  struct Posted {
    bool flow;            // a FLOW_COMMIT, else a memory sync
    uint64_t addr, len;   // memory sync: device byte range
    uint32_t index;       // flow commit: entry and its words
    uint32_t words[abi::FLOW_WORDS];
    // Card memory: the bytes as they were at the sync (a DMA transfer copies then,
    // not when the NIC next looks); empty: read the host's side when applied.
    std::vector<uint8_t> bytes;
  };
  void apply_posted(const std::vector<Posted>& ops);  // worker thread
  void copy_to_nic(uint64_t addr, uint64_t len);      // worker thread: host side → NIC side
  // worker thread: the descriptor at tail (both slots of a TCP one when head allows) and
  // its payload; returns the slots it takes.
  uint32_t fetch_coherent(uint64_t base, uint32_t size, uint32_t tail, uint32_t head);
  // worker thread, card memory: the slots the descriptor at tail takes, as the NIC's side
  // holds it (what was synced).
  uint32_t desc_slots(uint64_t base, uint32_t size, uint32_t tail, uint32_t head) const;
  bool take_doorbell();  // mu_ held: applies a posted doorbell; true if it moved HEAD
  void publish_wb(uint64_t wb_base, unsigned off);     // worker thread: one u32 of the block

  FrameSink* const sink_;
  const ReadFaultRange fault_;
  const bool tso_;
  const bool noncoherent_;

  // Device memory and flow table: the NIC's side, touched by the worker only.
  uint8_t* host_mem_ = nullptr;     // the host's side (mmap, zero until written)
  mem_word_t* dev_mem_ = nullptr;   // the NIC's side (mmap, huge pages when possible)
  std::vector<ap_uint<32>> flow_table_;

  std::mutex alloc_mu_;
  uint64_t alloc_next_ = kFirstAddr;

  // Registers and worker state.
  mutable std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable progress_cv_;
  HostRegisters regs_;
  std::vector<Posted> posted_;  // host writes in order, for the worker
  uint64_t writes_ = 0;            // register writes so far
  uint64_t stuck_at_ = ~0ull;      // writes_ when a run last consumed nothing
  bool in_flight_ = false;         // a descriptor is being processed
  bool wb_force_ = false;          // the enable edge's write-back is due
  uint64_t progress_ = 0;          // completed runs
  bool stop_ = false;
  std::atomic<bool> stopping_{false};
  PostedDoorbell db_;                  // take() under mu_
  std::atomic<uint32_t> tail_pub_{0};  // RING_TAIL for reads without mu_
  // Receive: registers and NIC state under mu_ (the worker works on copies),
  // the MAC's FIFO under rx_mu_.
  RxRegs rx_regs_;
  RxState rx_state_;
  uint32_t rx_frames_hi_latch_ = 0, rx_bytes_hi_latch_ = 0;
  std::mutex rx_mu_;
  std::condition_variable rx_cv_;
  std::deque<std::vector<uint8_t>> rx_fifo_;
  std::atomic<bool> rx_pending_{false};
  uint64_t rx_done_ = 0;  // worker passes over the FIFO, under rx_mu_
  std::thread worker_;
};


void* map_anonymous(size_t bytes) {
  void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  return p;
}

CsimDevice::CsimDevice(FrameSink* sink, ReadFaultRange fault, bool tso, bool noncoherent)
    : sink_(sink), fault_(fault), tso_(tso), noncoherent_(noncoherent),
      flow_table_(FLOW_TABLE_WORDS) {
  host_mem_ = static_cast<uint8_t*>(map_anonymous(DEV_MEM_BYTES));
  void* words = ::mmap(nullptr, DEV_MEM_WORDS * sizeof(mem_word_t), PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (words == MAP_FAILED) {
    ::munmap(host_mem_, DEV_MEM_BYTES);
    throw std::bad_alloc();
  }
  // Constructing 64 MiB of words touches every page: 2 MiB pages make that
  // a few milliseconds instead of a few hundred. Only a hint.
  ::madvise(words, DEV_MEM_WORDS * sizeof(mem_word_t), MADV_HUGEPAGE);
  dev_mem_ = static_cast<mem_word_t*>(words);
  std::uninitialized_default_construct_n(dev_mem_, DEV_MEM_WORDS);
  worker_ = std::thread([this] { worker_main(); });
}

CsimDevice::~CsimDevice() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    stop_ = true;
    stopping_ = true;
    work_cv_.notify_all();
    progress_cv_.notify_all();
  }
  {
    std::lock_guard<std::mutex> g(rx_mu_);
    rx_cv_.notify_all();
  }
  // A deliver() blocked in the sink must return first (drain or close it).
  worker_.join();
  std::destroy_n(dev_mem_, DEV_MEM_WORDS);
  ::munmap(dev_mem_, DEV_MEM_WORDS * sizeof(mem_word_t));
  ::munmap(host_mem_, DEV_MEM_BYTES);
}

bool CsimDevice::work_pending() const {
  return (regs_.ctrl & abi::CTRL_ENABLE) != 0 && regs_.head != regs_.tail &&
         stuck_at_ != writes_;
}

uint32_t CsimDevice::reg_read(uint32_t off) {
  // The consumer index alone needs no lock (the driver reads it to reclaim).
  if (off == abi::REG_RING_TAIL) return tail_pub_.load(std::memory_order_acquire);
  std::lock_guard<std::mutex> lk(mu_);
  take_doorbell();
  uint32_t v;
  if (rx_reg_read(off, &v)) return v;
  return regs_.read(off, in_flight_ || work_pending() || wb_force_);
}

bool CsimDevice::rx_reg_read(uint32_t off, uint32_t* val) {
  switch (off) {
    case abi::REG_CAPS:
      *val = abi::CAPS_RX | abi::CAPS_TX_UNALIGNED | (tso_ ? abi::CAPS_TSO : 0);
      return true;
    case abi::REG_CTRL: *val = regs_.ctrl | (rx_regs_.ctrl & abi::CTRL_RX_ENABLE); return true;
    case abi::REG_RX_BUF_BASE_LO: *val = static_cast<uint32_t>(rx_regs_.buf_base); return true;
    case abi::REG_RX_BUF_BASE_HI: *val = static_cast<uint32_t>(rx_regs_.buf_base >> 32); return true;
    case abi::REG_RX_CPL_BASE_LO: *val = static_cast<uint32_t>(rx_regs_.cpl_base); return true;
    case abi::REG_RX_CPL_BASE_HI: *val = static_cast<uint32_t>(rx_regs_.cpl_base >> 32); return true;
    case abi::REG_RX_RING_SIZE: *val = rx_regs_.ring_size; return true;
    case abi::REG_RX_BUF_SIZE: *val = rx_regs_.buf_size; return true;
    case abi::REG_RX_HEAD: *val = rx_regs_.head; return true;
    case abi::REG_RX_TAIL: *val = rx_state_.tail; return true;
    case abi::REG_STAT_RX_FRAMES_LO:
      rx_frames_hi_latch_ = static_cast<uint32_t>(rx_state_.frames >> 32);
      *val = static_cast<uint32_t>(rx_state_.frames);
      return true;
    case abi::REG_STAT_RX_FRAMES_HI: *val = rx_frames_hi_latch_; return true;
    case abi::REG_STAT_RX_BYTES_LO:
      rx_bytes_hi_latch_ = static_cast<uint32_t>(rx_state_.bytes >> 32);
      *val = static_cast<uint32_t>(rx_state_.bytes);
      return true;
    case abi::REG_STAT_RX_BYTES_HI: *val = rx_bytes_hi_latch_; return true;
    case abi::REG_STAT_RX_DROP_FCS: *val = rx_state_.drop_fcs; return true;
    case abi::REG_STAT_RX_DROP_NOBUF: *val = rx_state_.drop_nobuf; return true;
    case abi::REG_STAT_RX_DROP_LEN: *val = rx_state_.drop_len; return true;
    default: return false;
  }
}

bool CsimDevice::rx_reg_write(uint32_t off, uint32_t val) {
  auto lo = [val](uint64_t* r) { *r = (*r & ~uint64_t{0xFFFFFFFF}) | val; };
  auto hi = [val](uint64_t* r) { *r = (*r & 0xFFFFFFFF) | (uint64_t{val} << 32); };
  switch (off) {
    case abi::REG_CTRL: rx_regs_.ctrl = val & abi::CTRL_RX_ENABLE; return false;  // and the TX bits
    case abi::REG_RX_BUF_BASE_LO: lo(&rx_regs_.buf_base); return true;
    case abi::REG_RX_BUF_BASE_HI: hi(&rx_regs_.buf_base); return true;
    case abi::REG_RX_CPL_BASE_LO: lo(&rx_regs_.cpl_base); return true;
    case abi::REG_RX_CPL_BASE_HI: hi(&rx_regs_.cpl_base); return true;
    case abi::REG_RX_RING_SIZE: rx_regs_.ring_size = val; return true;
    case abi::REG_RX_BUF_SIZE: rx_regs_.buf_size = val; return true;
    case abi::REG_RX_HEAD: rx_regs_.head = val; return true;
    default: return false;
  }
}

bool CsimDevice::take_doorbell() {
  uint32_t head;
  if (!db_.take(&head)) return false;
  regs_.head = head;
  ++writes_;
  return true;
}

void CsimDevice::doorbell(uint32_t head) {
  if (db_.ring(head)) {
    std::lock_guard<std::mutex> lk(mu_);
    work_cv_.notify_all();
  }
}

void CsimDevice::reg_write(uint32_t off, uint32_t val) {
  std::lock_guard<std::mutex> lk(mu_);
  take_doorbell();  // an earlier posted doorbell lands first
  ++writes_;
  if (off == abi::REG_RING_HEAD) db_.set(val);
  // A CTRL write during a TX ring reset is ignored whole, the RX bit too (as in the RTL).
  if (off == abi::REG_CTRL && (regs_.ctrl & abi::CTRL_RESET) != 0) return;
  if (rx_reg_write(off, val)) return;
  const bool was_enabled = (regs_.ctrl & abi::CTRL_ENABLE) != 0;
  HostRegisters::Write w = regs_.write(off, val, in_flight_ || work_pending() || wb_force_);
  // A run in progress finishes first (the worker ends the reset after it).
  if (!in_flight_) regs_.finish_reset();
  if (!was_enabled && (regs_.ctrl & abi::CTRL_ENABLE) != 0 && wb_base_valid(regs_.wb_base))
    wb_force_ = true;
  if (w == HostRegisters::Write::flow_data) return;
  if (w == HostRegisters::Write::flow_commit) flow_commit();
  work_cv_.notify_all();
}

void CsimDevice::flow_commit() {
  Posted p{};
  p.flow = true;
  p.index = regs_.flow_index;
  std::memcpy(p.words, regs_.flow_data, sizeof p.words);
  posted_.push_back(p);
}

void CsimDevice::apply_posted(const std::vector<Posted>& ops) {
  for (const Posted& p : ops) {
    if (p.flow) {
      for (unsigned k = 0; k < abi::FLOW_WORDS; ++k)
        flow_table_[p.index * abi::FLOW_WORDS + k] = p.words[k];
      continue;
    }
    uint64_t a = p.addr;
    const uint64_t end = a + p.len;
    // The byte for device address a.
    auto src = [&](uint64_t a) {
      return p.bytes.empty() ? host_mem_ + a : p.bytes.data() + (a - p.addr);
    };
    while (a < end) {
      mem_word_t& w = dev_mem_[a / MEM_WORD_BYTES];
      if (a % 8 == 0 && end - a >= 8) {
        uint64_t v;
        std::memcpy(&v, src(a), 8);  // little-endian host
        w(8 * (a % MEM_WORD_BYTES) + 63, 8 * (a % MEM_WORD_BYTES)) = v;
        a += 8;
      } else {
        w(8 * (a % MEM_WORD_BYTES) + 7, 8 * (a % MEM_WORD_BYTES)) = *src(a);
        a += 1;
      }
    }
  }
}

void CsimDevice::publish_wb(uint64_t wb_base, unsigned off) {
  const uint64_t a = wb_base + off;
  const unsigned lo = 8 * (a % MEM_WORD_BYTES);
  const uint32_t v = dev_mem_[a / MEM_WORD_BYTES](lo + 31, lo).to_uint();
  __atomic_store_n(reinterpret_cast<uint32_t*>(host_mem_ + a), v, __ATOMIC_RELEASE);
}

DmaBuffer CsimDevice::dma_alloc(size_t bytes) {
  DmaBuffer b;
  if (bytes == 0) return b;
  const uint64_t rounded = (static_cast<uint64_t>(bytes) + MEM_WORD_BYTES - 1) & ~uint64_t{MEM_WORD_BYTES - 1};
  std::lock_guard<std::mutex> lk(alloc_mu_);
  if (rounded > DEV_MEM_BYTES - alloc_next_) return b;
  b.host = host_mem_ + alloc_next_;
  b.dev_addr = alloc_next_;
  b.size = bytes;
  alloc_next_ += rounded;
  return b;
}

void CsimDevice::dma_sync_to_device(const DmaBuffer& buf, size_t off, size_t len) {
  // Only buffers of this device, only within them.
  if (buf.host == nullptr || buf.host != host_mem_ + buf.dev_addr || buf.dev_addr >= DEV_MEM_BYTES ||
      off > buf.size || len > buf.size - off || buf.size > DEV_MEM_BYTES - buf.dev_addr)
    return;
  if (len == 0) return;
  Posted p{};
  p.addr = buf.dev_addr + off;
  p.len = len;
  if (noncoherent_) p.bytes.assign(host_mem_ + p.addr, host_mem_ + p.addr + len);
  std::lock_guard<std::mutex> lk(mu_);
  posted_.push_back(std::move(p));
}

void CsimDevice::wait_progress(uint32_t timeout_us) {
  std::unique_lock<std::mutex> lk(mu_);
  // A posted doorbell the worker has not taken yet is work too: without taking it here a
  // caller that rang and waits would find the NIC "idle" and spin (found by fuzz_csim_device).
  take_doorbell();
  if (!in_flight_ && !work_pending() && !wb_force_) return;  // nothing will change on its own
  const uint64_t seen = progress_;
  progress_cv_.wait_for(lk, std::chrono::microseconds(timeout_us),
                        [&] { return progress_ != seen || stop_; });
}

bool CsimDevice::mac_rx(const uint8_t* frame, size_t len) {
  {
    std::lock_guard<std::mutex> g(rx_mu_);
    rx_fifo_.emplace_back(frame, frame + len);
  }
  rx_pending_.store(true, std::memory_order_release);
  std::lock_guard<std::mutex> lk(mu_);
  work_cv_.notify_all();
  return true;
}

void CsimDevice::wait_rx(uint32_t timeout_us) {
  std::unique_lock<std::mutex> g(rx_mu_);
  const uint64_t seen = rx_done_;
  rx_cv_.wait_for(g, std::chrono::microseconds(timeout_us),
                  [&] { return rx_done_ != seen || stopping_; });
}

void CsimDevice::copy_to_host(uint64_t addr, uint64_t len) {
  if (addr >= DEV_MEM_BYTES) return;
  if (len > DEV_MEM_BYTES - addr) len = DEV_MEM_BYTES - addr;
  uint64_t a = addr;
  const uint64_t end = addr + len;
  while (a < end) {
    const mem_word_t& w = dev_mem_[a / MEM_WORD_BYTES];
    const unsigned k = a % MEM_WORD_BYTES;
    if (k % 8 == 0 && end - a >= 8) {
      const uint64_t v = w(8 * k + 63, 8 * k).to_uint64();
      std::memcpy(host_mem_ + a, &v, 8);  // little-endian host
      a += 8;
    } else {
      host_mem_[a] = static_cast<uint8_t>(w(8 * k + 7, 8 * k).to_uint());
      a += 1;
    }
  }
}

// The completion lines holding entries from..to-1 (those the NIC wrote):
// each entry's second half first, then its first half (the generation bit)
// with one release store.
void CsimDevice::publish_cpl_lines(uint32_t from, uint32_t to, const RxRegs& r) {
  if (from == to) return;
  const uint32_t first_line = from / abi::RXC_PER_LINE, last_line = (to - 1) / abi::RXC_PER_LINE;
  for (uint32_t line = first_line;; ++line) {
    for (uint32_t k = 0; k < abi::RXC_PER_LINE; ++k) {
      const uint32_t index = line * abi::RXC_PER_LINE + k;
      const uint64_t a = r.cpl_base + uint64_t{index & (r.ring_size - 1)} * abi::RXC_BYTES;
      if (a + abi::RXC_BYTES > DEV_MEM_BYTES) continue;
      copy_to_host(a + 8, 8);
      const unsigned lo = 8 * (a % MEM_WORD_BYTES);  // entries are 16-byte aligned
      const uint64_t first = dev_mem_[a / MEM_WORD_BYTES](lo + 63, lo).to_uint64();
      __atomic_store_n(reinterpret_cast<uint64_t*>(host_mem_ + a), first, __ATOMIC_RELEASE);
    }
    if (line == last_line) break;
  }
}

void CsimDevice::rx_run() {
  // A pass takes at most kPass frames, so that completions reach the host
  // (and its buffers come back) while a long burst is still arriving.
  constexpr size_t kPass = 32;
  std::deque<std::vector<uint8_t>> frames;
  bool more;
  {
    std::lock_guard<std::mutex> g(rx_mu_);
    while (!rx_fifo_.empty() && frames.size() < kPass) {
      frames.push_back(std::move(rx_fifo_.front()));
      rx_fifo_.pop_front();
    }
    more = !rx_fifo_.empty();
    rx_pending_.store(more, std::memory_order_release);
  }
  RxRegs r;
  RxState st;
  {
    std::lock_guard<std::mutex> lk(mu_);
    r = rx_regs_;
    r.wb_base = regs_.wb_base;
    st = rx_state_;
  }
  const uint32_t tail0 = st.tail;
  const uint32_t wb0 = st.wb_written;
  for (const auto& f : frames) {
    const uint32_t before = st.tail;
    if (sendoff_rx_frame(dev_mem_, r, &st, f.data(), f.size())) {
      const uint64_t buf = r.buf_base + uint64_t{before & (r.ring_size - 1)} * r.buf_size;
      copy_to_host(buf, f.size() >= abi::ETH_FCS_LEN ? f.size() - abi::ETH_FCS_LEN : 0);
    }
  }
  // No frame follows right now: the partial line goes out too.
  if (!more) sendoff_rx_idle(dev_mem_, r, &st);
  publish_cpl_lines(tail0, st.line_written, r);
  if (st.wb_written != wb0) publish_wb(r.wb_base, abi::WB_RX_TAIL_OFF);
  {
    std::lock_guard<std::mutex> lk(mu_);
    rx_state_ = st;
  }
  std::lock_guard<std::mutex> g(rx_mu_);
  ++rx_done_;
  rx_cv_.notify_all();
}

void CsimDevice::copy_to_nic(uint64_t addr, uint64_t len) {
  if (addr >= DEV_MEM_BYTES) return;
  if (len > DEV_MEM_BYTES - addr) len = DEV_MEM_BYTES - addr;
  Posted p{};
  p.addr = addr;
  p.len = len;
  apply_posted({p});
}

// The descriptor at tail and the payload it names, as the NIC is about to
// read them (a bad address is the model's to reject: only what lies inside
// device memory is copied).
uint32_t CsimDevice::fetch_coherent(uint64_t base, uint32_t size, uint32_t tail,
                                    uint32_t head) {
  if (size == 0 || (size & (size - 1)) != 0) return 1;
  auto slot = [&](uint32_t i) { return base + uint64_t{i & (size - 1)} * abi::TXD_BYTES; };
  const uint64_t at = slot(tail);
  if (at >= DEV_MEM_BYTES || DEV_MEM_BYTES - at < abi::TXD_BYTES) return 1;
  copy_to_nic(at, abi::TXD_BYTES);
  uint64_t addr;
  uint32_t len;
  uint16_t flags;
  std::memcpy(&addr, host_mem_ + at + abi::TXD_ADDR_OFF, 8);
  std::memcpy(&len, host_mem_ + at + abi::TXD_LEN_OFF, 4);
  std::memcpy(&flags, host_mem_ + at + abi::TXD_FLAGS_OFF, 2);
  if (len <= abi::MAX_PAYLOAD) copy_to_nic(addr, len);
  if (!tso_ || (flags & abi::TXD_F_L4_MASK) != abi::TXD_L4_TCP) return 1;
  // A TCP descriptor's second slot, once posted (else the run waits in front of it).
  if (head - tail < 2) return 1;
  copy_to_nic(slot(tail + 1), abi::TXD_BYTES);
  return 2;
}

uint32_t CsimDevice::desc_slots(uint64_t base, uint32_t size, uint32_t tail,
                                uint32_t head) const {
  if (!tso_ || head - tail < 2 || size == 0 || (size & (size - 1)) != 0) return 1;
  const uint64_t at = base + uint64_t{tail & (size - 1)} * abi::TXD_BYTES + abi::TXD_FLAGS_OFF;
  if (at >= DEV_MEM_BYTES - 1) return 1;
  const unsigned lo = 8 * (at % MEM_WORD_BYTES);  // the flags never straddle a word
  const uint32_t flags = dev_mem_[at / MEM_WORD_BYTES](lo + 15, lo).to_uint();
  return (flags & abi::TXD_F_L4_MASK) == abi::TXD_L4_TCP ? 2 : 1;
}

void CsimDevice::worker_main() {
  // Named so that top(1) and the host-path bench tell the NIC's CPU from the sender's.
  pthread_setname_np(pthread_self(), "sendoff-nic");
  std::unique_lock<std::mutex> lk(mu_);
  for (;;) {
    take_doorbell();
    if (stop_) return;
    if (rx_pending_.load(std::memory_order_acquire)) {
      // Posted host writes land first (the completion ring's first state).
      std::vector<Posted> posted;
      posted.swap(posted_);
      lk.unlock();
      apply_posted(posted);
      rx_run();
      lk.lock();
      continue;
    }
    if (!work_pending() && !wb_force_) {
      // Poll for a doorbell without the lock for a while, then sleep.
      const uint64_t seen = db_.taken();
      lk.unlock();
      db_.poll(seen, stopping_);
      lk.lock();
      // A doorbell ended the poll: go on without passing through "asleep",
      // where a ringing host would have to take mu_ (a futex) to wake us.
      if (db_.pending()) continue;
      db_.set_sleeping(true);
      work_cv_.wait(lk, [this] {
        return stop_ || db_.pending() || work_pending() || wb_force_ ||
               rx_pending_.load(std::memory_order_acquire);
      });
      db_.set_sleeping(false);
      continue;
    }
    const uint64_t base = regs_.ring_base;
    const uint32_t size = regs_.ring_size;
    const uint32_t tail = regs_.tail;
    const uint32_t ctrl = regs_.ctrl;
    const uint64_t writes = writes_;
    const uint64_t wb_base = regs_.wb_base;
    // No descriptor to run (head = tail) when only the enable edge's write-back is due.
    const uint32_t posted_head = regs_.head;
    const bool run = work_pending();
    const bool wb_force = wb_force_;
    wb_force_ = false;
    in_flight_ = true;
    std::vector<Posted> posted;
    posted.swap(posted_);
    lk.unlock();

    hls::stream<beat_t> out("m_axis_tx");
    ap_uint<32> new_tail = tail;
    ap_uint<64> frames = 0, bytes = 0;
    ap_uint<32> drops = 0, desc_errors = 0, wb_writes = 0, wb_errors = 0;
    apply_posted(posted);
    // One descriptor a run (one or two slots); none when only the write-back is due (the
    // slot may be the host's still).
    const uint32_t slots = !run ? 0
                           : noncoherent_ ? desc_slots(base, size, tail, posted_head)
                                          : fetch_coherent(base, size, tail, posted_head);
    const uint32_t head = tail + slots;
    sendoff_tx_model(dev_mem_, base, size, head, &new_tail, flow_table_.data(), ctrl, &frames,
                     &bytes, &drops, &desc_errors, out, wb_base, wb_force, &wb_writes,
                     &wb_errors, fault_, tso_);

    // The MAC side: beats to frames, delivered in order.
    std::vector<uint8_t> frame;
    bool aborted = false;
    while (!out.empty()) {
      const beat_t beat = out.read();
      for (int i = 0; i < DATA_BYTES; ++i)
        if (beat.keep[i]) frame.push_back(static_cast<uint8_t>(beat.data(8 * i + 7, 8 * i).to_uint()));
      if (!beat.last) continue;
      if (stopping_) {
        aborted = true;
        break;
      }
      if (sink_ != nullptr) sink_->deliver(frame.data(), frame.size());
      frame.clear();
    }

    lk.lock();
    in_flight_ = false;
    if (aborted) continue;
    regs_.wb_errors += wb_errors.to_uint();
    if (new_tail.to_uint() == tail) {
      if (head != tail) stuck_at_ = writes;  // try again after the next register write
    } else {
      regs_.tail = new_tail.to_uint();
      tail_pub_.store(regs_.tail, std::memory_order_release);
      regs_.frames += frames.to_uint64();
      regs_.bytes += bytes.to_uint64();
      regs_.drops += drops.to_uint();
      regs_.desc_errors += desc_errors.to_uint();
    }
    regs_.finish_reset();  // a CTRL_RESET that waited for this run
    if (wb_writes != 0) publish_wb(wb_base, abi::WB_TAIL_OFF);
    ++progress_;
    progress_cv_.notify_all();
  }
}

}  // namespace

std::unique_ptr<Device> make_csim_device(FrameSink* sink, ReadFaultRange fault, bool tso,
                                         bool noncoherent) {
  return std::unique_ptr<Device>(new CsimDevice(sink, fault, tso, noncoherent));
}

}  // namespace sendoff
