// SPDX-License-Identifier: MIT
#include "cosim_device.hpp"

#include <cstdio>
#include <cstring>
#include <deque>
#include <mutex>
#include <vector>

#include "sendoff/nic_abi.hpp"

namespace sendoff {
namespace {

namespace abi = sendoff::abi;
using Frame = std::vector<uint8_t>;

class CosimDevice;

// Where one side's frames arrive (the csim side from its worker thread).
class SideSink final : public FrameSink {
 public:
  SideSink(CosimDevice* owner, int side) : owner_(owner), side_(side) {}
  int deliver(const uint8_t* data, size_t len) override;

 private:
  CosimDevice* const owner_;
  const int side_;
};

class CosimDevice final : public Device {
 public:
  explicit CosimDevice(FrameSink* sink) : sink_(sink), side_sink_{{this, 0}, {this, 1}} {}

  bool open(const DeviceFactory& dut, const DeviceFactory& model, std::string* err) {
    dev_[0] = dut(&side_sink_[0]);
    dev_[1] = model(&side_sink_[1]);
    if (!dev_[0] || !dev_[1]) {
      if (err != nullptr && err->empty()) *err = "co-simulation: a back end did not open";
      return false;
    }
    return true;
  }

  ~CosimDevice() override {
    // Stop both NICs before the sinks they deliver to go away.
    dev_[0].reset();
    dev_[1].reset();
  }

  std::string name() const override { return dev_[0]->name() + "+cosim"; }

  // Both see every read (reading a LO counter latches its HI word). The ring
  // tail reported is the one behind, so the driver waits for both NICs.
  uint32_t reg_read(uint32_t off) override {
    const uint32_t a = dev_[0]->reg_read(off);
    const uint32_t b = dev_[1]->reg_read(off);
    if (off == abi::REG_RING_TAIL) return static_cast<int32_t>(a - b) > 0 ? b : a;
    if (off == abi::REG_STATUS) return a | (b & abi::STATUS_BUSY);
    return a;
  }

  void reg_write(uint32_t off, uint32_t val) override {
    dev_[0]->reg_write(off, val);
    dev_[1]->reg_write(off, val);
    std::lock_guard<std::mutex> lk(mu_);
    if (off == abi::REG_WB_BASE_LO) wb_base_ = (wb_base_ & ~uint64_t{0xFFFFFFFF}) | val;
    if (off == abi::REG_WB_BASE_HI) wb_base_ = (wb_base_ & 0xFFFFFFFF) | (uint64_t{val} << 32);
    if (off == abi::REG_CTRL) wb_enabled_ = (val & abi::CTRL_ENABLE) != 0;
    // A new block or an enable edge starts the write-back watch again.
    if (off == abi::REG_WB_BASE_LO || off == abi::REG_WB_BASE_HI || off == abi::REG_CTRL)
      wb_seen_[0] = wb_seen_[1] = false;
  }

  // The host writes into the DUT's buffer; a sync copies the range into the
  // model's buffer at the same device address.
  DmaBuffer dma_alloc(size_t bytes) override {
    DmaBuffer a = dev_[0]->dma_alloc(bytes);
    DmaBuffer b = dev_[1]->dma_alloc(bytes);
    if (a.size == 0 || b.size == 0) return DmaBuffer{};  // out of device memory
    if (a.dev_addr != b.dev_addr) {
      set_fault("co-simulation: the two back ends allocate device memory at different addresses");
      return DmaBuffer{};
    }
    std::lock_guard<std::mutex> lk(mu_);
    model_bufs_.push_back(b);
    dut_bufs_.push_back(a);
    return a;
  }

  void dma_sync_to_device(const DmaBuffer& buf, size_t off, size_t len) override {
    dev_[0]->dma_sync_to_device(buf, off, len);
    DmaBuffer m;
    {
      std::lock_guard<std::mutex> lk(mu_);
      for (const auto& b : model_bufs_)
        if (b.dev_addr == buf.dev_addr) m = b;
    }
    if (m.size == 0 || off > m.size || len > m.size - off) return;
    std::memcpy(m.host + off, buf.host + off, len);
    dev_[1]->dma_sync_to_device(m, off, len);
  }

  void wait_progress(uint32_t timeout_us) override {
    dev_[0]->wait_progress(timeout_us);
    dev_[1]->wait_progress(timeout_us);
    watch_writeback();
    if (!busy()) check_idle();
  }

  // Also the closing check: once both NICs are idle (the driver flushed), nothing may be
  // left on one side only and the counters must agree; a back end's own fault (the RTL
  // harness' bus-protocol errors) is the co-simulation's too.
  std::string fault() const override {
    {
      std::lock_guard<std::mutex> lk(mu_);
      if (!fault_.empty()) return fault_;
    }
    for (const auto& d : dev_) {
      const std::string f = d->fault();
      if (!f.empty()) {
        set_fault("co-simulation: " + f);
        std::lock_guard<std::mutex> lk(mu_);
        return fault_;
      }
    }
    if (!busy()) check_idle();
    std::lock_guard<std::mutex> lk(mu_);
    return fault_;
  }

  void arrived(int side, const uint8_t* data, size_t len) {
    std::lock_guard<std::mutex> lk(mu_);
    if (!fault_.empty()) return;
    q_[side].emplace_back(data, data + len);
    while (!q_[0].empty() && !q_[1].empty()) {
      const Frame& a = q_[0].front();
      const Frame& b = q_[1].front();
      if (a != b) {
        report_locked("frame " + std::to_string(matched_ + 1) + " differs",
                      format_frame_diff(dev_[0]->name(), a.data(), a.size(), dev_[1]->name(),
                                        b.data(), b.size()));
        return;
      }
      if (sink_ != nullptr) sink_->deliver(a.data(), a.size());
      ++matched_;
      q_[0].pop_front();
      q_[1].pop_front();
    }
  }

 private:
  bool busy() const {
    return ((dev_[0]->reg_read(abi::REG_STATUS) | dev_[1]->reg_read(abi::REG_STATUS)) &
            abi::STATUS_BUSY) != 0;
  }

  // Both idle: every frame either sent has arrived, so any left unpaired is lost or extra;
  // and both must have counted the same.
  void check_idle() const {
    check_drained();
    compare_counters();
    compare_writeback();
  }

  // The write-back word on one side, as the host reads it; false when no buffer of that side
  // holds it (or no valid block is set).
  bool wb_word(int side, uint32_t* v) const {
    uint64_t base;
    std::vector<DmaBuffer> bufs;
    {
      std::lock_guard<std::mutex> lk(mu_);
      base = wb_base_;
      if (base == 0 || base % abi::WB_BYTES != 0 || !wb_enabled_) return false;
      bufs = side == 0 ? dut_bufs_ : model_bufs_;
    }
    const uint64_t a = base + abi::WB_TAIL_OFF;
    for (const DmaBuffer& b : bufs) {
      if (a < b.dev_addr || a - b.dev_addr + 4 > b.size) continue;
      *v = __atomic_load_n(reinterpret_cast<const uint32_t*>(b.host + (a - b.dev_addr)),
                           __ATOMIC_ACQUIRE);
      return true;
    }
    return false;
  }

  // Each side's write-back only moves forward and never past that side's RING_TAIL (read
  // after the word). The first look after an enable edge or a new block only sets the start.
  void watch_writeback() const {
    for (int side = 0; side < 2; ++side) {
      uint32_t v;
      if (!wb_word(side, &v)) continue;
      const uint32_t tail = dev_[side]->reg_read(abi::REG_RING_TAIL);
      std::lock_guard<std::mutex> lk(mu_);
      if (!fault_.empty()) return;
      const std::string who = dev_[side]->name();
      if (wb_seen_[side] && static_cast<int32_t>(v - wb_last_[side]) < 0) {
        fault_ = "co-simulation: write-back went backwards: " + who + " " + std::to_string(v) +
                 " after " + std::to_string(wb_last_[side]);
        return;
      }
      if (wb_seen_[side] && static_cast<int32_t>(tail - v) < 0) {
        fault_ = "co-simulation: write-back ahead of RING_TAIL: " + who + " " +
                 std::to_string(v) + ", tail " + std::to_string(tail);
        return;
      }
      wb_seen_[side] = true;
      wb_last_[side] = v;
    }
  }

  // Both idle: the words must be equal (each is its side's RING_TAIL, which compare_counters
  // already holds equal).
  void compare_writeback() const {
    watch_writeback();
    uint32_t a, b;
    if (!wb_word(0, &a) || !wb_word(1, &b)) return;
    if (a == b) return;
    set_fault("co-simulation: write-back differs: " + dev_[0]->name() + " " + std::to_string(a) +
              ", " + dev_[1]->name() + " " + std::to_string(b));
  }

  struct Counters {
    uint64_t frames, bytes;
    uint32_t drops, desc_errors, wb_errors, tail;
  };
  static Counters read_counters(Device& d) {
    Counters c{};
    // LO first: reading it latches HI.
    c.frames = d.reg_read(abi::REG_STAT_FRAMES_LO);
    c.frames |= uint64_t(d.reg_read(abi::REG_STAT_FRAMES_HI)) << 32;
    c.bytes = d.reg_read(abi::REG_STAT_BYTES_LO);
    c.bytes |= uint64_t(d.reg_read(abi::REG_STAT_BYTES_HI)) << 32;
    c.drops = d.reg_read(abi::REG_STAT_DROPS);
    c.desc_errors = d.reg_read(abi::REG_STAT_DESC_ERRORS);
    c.wb_errors = d.reg_read(abi::REG_STAT_WB_ERRORS);
    c.tail = d.reg_read(abi::REG_RING_TAIL);
    return c;
  }

  void compare_counters() const {
    {
      std::lock_guard<std::mutex> lk(mu_);
      if (!fault_.empty()) return;
    }
    const Counters a = read_counters(*dev_[0]), b = read_counters(*dev_[1]);
    const struct {
      const char* name;
      uint64_t a, b;
    } rows[] = {{"frames", a.frames, b.frames},
                {"bytes", a.bytes, b.bytes},
                {"drops", a.drops, b.drops},
                {"desc_errors", a.desc_errors, b.desc_errors},
                {"wb_errors", a.wb_errors, b.wb_errors},
                {"tail", a.tail, b.tail}};
    for (const auto& r : rows) {
      // How many write-backs fail depends on how each side coalesces (the C model writes
      // once per run, the RTL once per response): both must fail some or none.
      const bool differs = std::string(r.name) == "wb_errors" ? (r.a == 0) != (r.b == 0)
                                                             : r.a != r.b;
      if (!differs) continue;
      set_fault("co-simulation: counter " + std::string(r.name) + " differs: " + dev_[0]->name() +
                " " + std::to_string(r.a) + ", " + dev_[1]->name() + " " + std::to_string(r.b));
      return;
    }
  }

  void check_drained() const {
    std::lock_guard<std::mutex> lk(mu_);
    if (!fault_.empty() || (q_[0].empty() && q_[1].empty())) return;
    const int extra = q_[0].empty() ? 1 : 0;
    const Frame& f = q_[extra].front();
    const std::string name = dev_[extra]->name(), other = dev_[1 - extra]->name();
    report_locked("frame " + std::to_string(matched_ + 1) + " was sent by " + name + " only (" +
                      std::to_string(q_[extra].size()) + " frames more than " + other + ")",
                  extra == 0 ? format_frame_diff(name, f.data(), f.size(), other, nullptr, 0)
                             : format_frame_diff(other, nullptr, 0, name, f.data(), f.size()));
  }

  void set_fault(const std::string& msg) const {
    std::lock_guard<std::mutex> lk(mu_);
    if (fault_.empty()) fault_ = msg;
  }

  void report_locked(const std::string& what, const std::string& dump) const {
    fault_ = "co-simulation: " + what + "; see the frames printed above";
    fprintf(stderr, "sendoff: co-simulation: %s after %llu equal frames\n%s", what.c_str(),
            static_cast<unsigned long long>(matched_), dump.c_str());
  }

  FrameSink* const sink_;
  SideSink side_sink_[2];
  std::unique_ptr<Device> dev_[2];  // 0: device under test, 1: reference model
  mutable std::mutex mu_;
  std::vector<DmaBuffer> model_bufs_, dut_bufs_;
  uint64_t wb_base_ = 0;  // the write-back block both were given
  bool wb_enabled_ = false;
  mutable bool wb_seen_[2] = {false, false};
  mutable uint32_t wb_last_[2] = {0, 0};
  std::deque<Frame> q_[2];
  uint64_t matched_ = 0;
  mutable std::string fault_;  // set by the checks fault() itself runs, too
};

int SideSink::deliver(const uint8_t* data, size_t len) {
  owner_->arrived(side_, data, len);
  return 0;
}

void hex_dump(std::string* out, const uint8_t* p, size_t len) {
  char line[32];
  for (size_t i = 0; i < len; ++i) {
    if (i % 16 == 0) {
      snprintf(line, sizeof line, "  %04zx:", i);
      *out += line;
    }
    snprintf(line, sizeof line, " %02x", p[i]);
    *out += line;
    if (i % 16 == 15 || i + 1 == len) *out += '\n';
  }
}

}  // namespace

std::string format_frame_diff(const std::string& name_a, const uint8_t* a, size_t a_len,
                              const std::string& name_b, const uint8_t* b, size_t b_len) {
  size_t first = 0;
  while (first < a_len && first < b_len && a[first] == b[first]) ++first;
  std::string s = "first differing byte at offset " + std::to_string(first) + "\n";
  s += name_a + " (" + std::to_string(a_len) + " B):\n";
  hex_dump(&s, a, a_len);
  s += name_b + " (" + std::to_string(b_len) + " B):\n";
  hex_dump(&s, b, b_len);
  return s;
}

std::unique_ptr<Device> make_cosim_device(const DeviceFactory& dut, const DeviceFactory& model,
                                          FrameSink* sink, std::string* err) {
  auto d = std::make_unique<CosimDevice>(sink);
  if (!d->open(dut, model, err)) return nullptr;
  return d;
}

}  // namespace sendoff
