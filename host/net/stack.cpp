// SPDX-License-Identifier: MIT
// The process-wide stack: opening it on a device, and the POSIX-shaped C API
// (sendoff.h) over the sys_* layer: -errno becomes -1 with errno set.
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <climits>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <random>
#include <vector>

#include "net.hpp"
#include "rcu.hpp"
#include "sendoff/pcap_sink.hpp"
#include "sendoff/tee_sink.hpp"
#include "sendoff/sendoff.h"
#include "syscalls.hpp"
#include "tcp.hpp"
#include "uaccess.hpp"

namespace sendoff {

namespace {

// Frames go nowhere when no sink was named: counted by the NIC, then dropped.
class DropSink : public FrameSink {
 public:
  int deliver(const uint8_t*, size_t) override { return 0; }
};

// Published with release once open; read lock-free by every call.
std::atomic<net*> the_net{nullptr};
std::unique_ptr<FrameSink> owned_sink;  // the sink sendoff_init() opened
std::unique_ptr<TapPort> owned_tap;     // the TAP port sendoff_init() opened
std::unique_ptr<FrameSink> owned_tee;   // and the tee feeding it and the pcap
std::mutex init_lock;
// Control calls hold it shared; stack_fini exclusive (sends use RCU instead).
std::shared_mutex stack_users;
std::string init_error;

// The files the stack opened for itself (pcap, TAP, a card's device files),
// read off /proc/self/fd around sendoff_init: the LD_PRELOAD library keeps a
// program's close, close_range and dup2 off them while the stack uses them.
constexpr int kMaxOwnFds = 64;
std::atomic<int> own_fd[kMaxOwnFds];
std::atomic<int> own_fds{0};

std::vector<int> open_fds() {
  std::vector<int> v;
  DIR* d = opendir("/proc/self/fd");
  if (!d) return v;
  const int self = dirfd(d);
  while (const dirent* e = readdir(d)) {
    char* end = nullptr;
    const long fd = strtol(e->d_name, &end, 10);
    if (e->d_name[0] != '.' && *end == '\0' && fd != self) v.push_back(static_cast<int>(fd));
  }
  closedir(d);
  return v;
}

void record_own_fds(const std::vector<int>& before) {
  int k = 0;
  for (int fd : open_fds()) {
    bool old = false;
    for (int b : before) old = old || b == fd;
    if (!old && k < kMaxOwnFds) own_fd[k++].store(fd, std::memory_order_relaxed);
  }
  own_fds.store(k, std::memory_order_release);
}

void nic_flush(net* n) {
  n->nic.xmit_flush();
  for (;;) {
    n->nic.reclaim();
    if (n->nic.idle()) return;
    // A stopped NIC (CTRL_ENABLE clear) keeps its ring: nothing will drain it.
    if (n->nic.stopped()) return;
    n->nic.wait_progress(10000);
  }
}

// Until no datagram waits for ARP: each leaves, or is dropped, within the
// probes' time (the poll thread runs the timers).
void wait_for_neighbours(net* n) {
  while (n->neigh.xmit && neigh_pending(n)) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

// The poll thread: takes up to a budget of frames per pass under the
// lock, and sleeps on the NIC's receive interrupt when there were none.
// It also runs the neighbour timers (Linux's timer softirq), every 10 ms.
void napi_main(net* n) {
  pthread_setname_np(pthread_self(), "sendoff-napi");  // see csim_device.cpp's worker
  constexpr int kBudget = 64;  // NAPI_POLL_WEIGHT
  auto timers_due = std::chrono::steady_clock::now();
  while (!n->napi_stop.load(std::memory_order_acquire)) {
    int got;
    {
      std::lock_guard<std::mutex> g(n->lock);
      if (n->neigh.xmit && std::chrono::steady_clock::now() >= timers_due) {
        neigh_run_timers(n);
        timers_due = std::chrono::steady_clock::now() + std::chrono::milliseconds(10);
      }
      tcp_run_timers(n);
      got = n->nic_rx.poll(kBudget, [n](const uint8_t* f, size_t len, bool csum) {
        napi_receive(n, f, len, csum);
      });
      if (got && n->trace.on()) n->trace.flush();
    }
    sock_ep_refresh_all(n);  // what this pass changed, for epoll (outside the lock)
    if (got == 0) n->dev->wait_rx(2000);
  }
}

}  // namespace

net* net_get() { return the_net.load(std::memory_order_acquire); }

bool stack_init(const NetConfig& cfg, const DeviceOptions& opts, std::string* err,
                int* error) {
  int ignored;
  if (!error) error = &ignored;
  *error = ENODEV;
  if (the_net) {
    *err = "the sendoff stack is already open";
    return false;
  }
  // Bad user pointers become EFAULT through the fault handler from here on
  // (or through process_vm_readv where it cannot be installed).
  uaccess_init();
  auto n = std::make_unique<net>();
  n->cfg = cfg;
  n->sysctl.load();
  n->neigh.parms.load();
  n->ip_ident_seed = std::random_device{}();
  n->ip_idents.reset(new std::atomic<uint16_t>[2048]());
  static DropSink drop;
  DeviceOptions o = opts;
  if (!o.sink) o.sink = &drop;
  n->dev = make_device(o, err);
  if (!n->dev) return false;
  // The driver's errno (ENOMEM: device memory exhausted) goes to the caller.
  if (int e = n->nic.open(n->dev.get(), cfg.mac, err)) {
    *error = -e;
    return false;
  }
  if (int e = n->nic_rx.open(n->dev.get(), cfg.mtu, err)) {
    *error = -e;
    return false;
  }
  if (opts.tap && !n->nic_rx.present()) {
    *err = "--tap: the " + n->dev->name() + " back end has no receive path (" +
           n->nic_rx.off_reason() + ")" +
           (n->dev->name() == "csim" ? "" : "; csim has one: --backend csim");
    return false;
  }
  // ARP where replies can come back and requests can leave; else only
  // static neighbours resolve.
  if (n->nic_rx.present() && n->nic.can_xmit_frames())
    n->neigh.xmit = [](net* nn, const uint8_t* f, size_t len) {
      return nn->nic.xmit_frame(f, len) == 0;
    };
  if (n->nic_rx.present()) n->napi = std::thread(napi_main, n.get());
  if (opts.tap) {
    n->tap = opts.tap;
    n->tap->start_rx(n->dev.get());
  }
  the_net.store(n.release(), std::memory_order_release);
  return true;
}

void stack_flush() {
  net* n = net_get();
  if (!n) return;
  wait_for_neighbours(n);
  nic_flush(n);
}

int stack_resolve_neighbour(uint32_t daddr, std::string* detail) {
  std::shared_lock<std::shared_mutex> users(stack_users);
  net* n = net_get();
  if (!n) return -ENETDOWN;
  rtable rt;
  int err;
  {
    std::lock_guard<std::mutex> g(n->lock);
    err = ip_route_output(n, daddr, 0, false, &rt);
  }
  if (err || !rt.neigh) return err;
  const uint64_t asked = n->neigh.requests_sent.load();
  err = neigh_resolve_wait(n, rt.neigh);
  if (err == -EHOSTUNREACH) {
    *detail = format_ipv4(rt.nexthop) + " did not answer " +
              std::to_string(n->neigh.requests_sent.load() - asked) + " ARP requests";
  }
  return err;
}

NeighCounters stack_neigh_counters() {
  NeighCounters c;
  net* n = net_get();
  if (!n) return c;
  const neigh_table& t = n->neigh;
  c.arp = t.xmit != nullptr;
  c.requests = t.requests_sent.load();
  c.replies = t.replies_sent.load();
  c.res_failed = t.stats.res_failed.load();
  c.unres_discards = t.stats.unres_discards.load();
  c.failed_drops = t.stats.failed_drops.load();
  return c;
}

// A process's exit closes its sockets, and Linux keeps their TCP connections
// (tcp_close's orphans) until the peer has what they hold and their FIN. The
// stack lives in the process, so its exit waits for that here: every socket
// closed, then the poll thread left to run while a connection still has data
// or a FIN unacknowledged, until none has or no ACK has come for `idle`.
void stack_linger(std::chrono::milliseconds idle) {
  using clock = std::chrono::steady_clock;
  std::shared_lock<std::shared_mutex> users(stack_users);  // fini waits for us
  net* n = net_get();
  if (!n || !n->napi.joinable()) return;  // no poll thread: no ACK can come
  {
    std::lock_guard<std::mutex> g(n->lock);
    for (int fd : sock_open_fds()) sys_close(n, fd);
  }
  uint64_t seen = 0;
  auto progress = clock::now();
  for (;;) {
    bool waiting;
    uint64_t acked = 0;
    {
      std::lock_guard<std::mutex> g(n->lock);
      // A closed socket is released (tcp_close: the FIN queued) once no call in
      // flight can see it; a call that never returns is what `idle` ends.
      rcu_run_callbacks();
      waiting = rcu_callbacks_pending();
      for (sock* sk : n->tcp_socks) {
        const int st = sk->state;
        waiting |= st == TCP_ESTABLISHED || st == TCP_CLOSE_WAIT || st == TCP_FIN_WAIT1 ||
                   st == TCP_CLOSING || st == TCP_LAST_ACK;
        acked += sk->tp->snd_una;
      }
    }
    if (!waiting) return;
    const auto now = clock::now();
    if (acked != seen) {
      seen = acked;
      progress = now;
    } else if (now - progress >= idle) {
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

// Safe while other threads are in calls: new calls find no stack (ENETDOWN
// or EBADF), calls in flight give up their waits (n->dying) and are waited
// for before anything is freed.
void stack_fini() {
  std::unique_lock<std::shared_mutex> users(stack_users);  // no control call in flight
  net* n = the_net.exchange(nullptr, std::memory_order_acq_rel);
  if (!n) return;
  own_fds.store(0, std::memory_order_release);  // closed below
  // Datagrams waiting for ARP leave (or fail) while the poll thread runs.
  wait_for_neighbours(n);
  n->dying.store(true, std::memory_order_release);
  if (n->tap) n->tap->stop_rx();
  n->napi_stop.store(true, std::memory_order_release);
  if (n->napi.joinable()) n->napi.join();
  neigh_table_clear(n);
  n->nic_rx.close();
  {
    std::lock_guard<std::mutex> g(n->lock);
    for (int fd : sock_open_fds()) sys_close(n, fd);
  }
  // Every send that could still see n has returned once this grace period
  // ends (blocked ones give up: n->dying); then the sockets are released.
  // Releasing a socket queues its route's release in turn: run until none is left.
  while (rcu_callbacks_pending()) {
    synchronize_rcu();
    std::lock_guard<std::mutex> g(n->lock);
    rcu_run_callbacks();
  }
  // TCP connections that outlived their sockets (FIN_WAIT, TIME_WAIT) end
  // here; their routes go through RCU as well.
  {
    std::lock_guard<std::mutex> g(n->lock);
    tcp_destroy_all(n);
  }
  while (rcu_callbacks_pending()) {
    synchronize_rcu();
    std::lock_guard<std::mutex> g(n->lock);
    rcu_run_callbacks();
  }
  nic_flush(n);
  n->nic.close();
  delete n;
  owned_tee.reset();
  owned_tap.reset();
  owned_sink.reset();
}

bool stack_reconfigure(const NetConfig& cfg, std::string* err) {
  std::shared_lock<std::shared_mutex> users(stack_users);
  net* n = net_get();
  if (!n) {
    *err = "the sendoff stack is not open";
    return false;
  }
  std::lock_guard<std::mutex> g(n->lock);
  if (memcmp(cfg.mac, n->cfg.mac, sizeof cfg.mac) != 0) {
    *err = "the MAC address cannot change while the stack is open";
    return false;
  }
  n->cfg = cfg;
  n->rt_genid.fetch_add(1, std::memory_order_acq_rel);
  return true;
}

void stack_set_busy_poll(uint32_t us) {
  std::shared_lock<std::shared_mutex> users(stack_users);
  if (net* n = net_get()) n->dev->set_busy_poll(us);
}

void stack_set_trace(TraceFn fn) {
  if (net* n = net_get()) {
    std::lock_guard<std::mutex> g(n->lock);
    n->trace.set(std::move(fn));
  }
}

int stack_nic_reset(std::string* err) {
  net* n = net_get();
  if (!n) {
    *err = "no sendoff stack is open";
    return -ENODEV;
  }
  return n->nic.reset(err);
}

Device* stack_device() {
  net* n = net_get();
  return n ? n->dev.get() : nullptr;
}

std::string stack_device_fault() {
  net* n = net_get();
  if (!n) return {};
  std::lock_guard<std::mutex> g(n->lock);
  return n->dev->fault();
}

void napi_receive(net* n, const uint8_t* frame, size_t len, bool csum_verified) {
  auto skb = std::make_unique<sk_buff_rx>();
  skb->head = std::make_unique<uint8_t[]>(len ? len : 1);
  std::memcpy(skb->head.get(), frame, len);
  skb->data = skb->head.get();
  skb->len = len;
  // The buffer a driver would have filled: a 2 KiB page fragment, or the
  // frame rounded to 64 bytes when longer, plus struct sk_buff's own size.
  skb->truesize = (len <= 2048 ? 2048 : (len + 63) / 64 * 64) + 256;
  skb->csum_unnecessary = csum_verified;
  netif_receive_skb(n, std::move(skb));
}

bool stack_receive_frame(const uint8_t* frame, size_t len, bool csum_verified) {
  std::shared_lock<std::shared_mutex> users(stack_users);
  net* n = net_get();
  if (!n) return false;
  std::lock_guard<std::mutex> g(n->lock);
  napi_receive(n, frame, len, csum_verified);
  if (n->trace.on()) n->trace.flush();
  return true;
}

bool stack_mac_rx(const uint8_t* frame, size_t len) {
  std::shared_lock<std::shared_mutex> users(stack_users);
  net* n = net_get();
  return n && n->dev->mac_rx(frame, len);
}

RxCounters stack_rx_counters() {
  RxCounters c;
  net* n = net_get();
  if (!n) return c;
  const RxStats& s = n->rx;
  auto get = [](const std::atomic<uint64_t>& v) { return v.load(std::memory_order_relaxed); };
  c.rx_packets = get(s.rx_packets);
  c.rx_dropped = get(s.rx_dropped);
  c.ip_in_receives = get(s.ip_in_receives);
  c.ip_in_hdr_errors = get(s.ip_in_hdr_errors);
  c.ip_in_addr_errors = get(s.ip_in_addr_errors);
  c.ip_in_truncated = get(s.ip_in_truncated);
  c.ip_in_unknown_protos = get(s.ip_in_unknown_protos);
  c.ip_in_delivers = get(s.ip_in_delivers);
  c.ip_in_csum_errors = get(s.ip_in_csum_errors);
  c.ip_reasm_reqds = get(s.ip_reasm_reqds);
  c.ip_reasm_oks = get(s.ip_reasm_oks);
  c.ip_reasm_fails = get(s.ip_reasm_fails);
  c.ip_reasm_timeout = get(s.ip_reasm_timeout);
  c.ip_reasm_overlaps = get(s.ip_reasm_overlaps);
  c.udp_in_datagrams = get(s.udp_in_datagrams);
  c.udp_no_ports = get(s.udp_no_ports);
  c.udp_in_errors = get(s.udp_in_errors);
  c.udp_rcvbuf_errors = get(s.udp_rcvbuf_errors);
  c.udp_in_csum_errors = get(s.udp_in_csum_errors);
  return c;
}

NicCounters stack_counters() {
  NicCounters c;
  net* n = net_get();
  if (!n) return c;
  std::lock_guard<std::mutex> g(n->lock);
  Device* d = n->dev.get();
  // LO first: reading it latches HI (nic_abi.hpp).
  auto read64 = [d](uint32_t lo) {
    uint64_t v = d->reg_read(lo);
    return v | uint64_t{d->reg_read(lo + 4)} << 32;
  };
  c.frames = read64(abi::REG_STAT_FRAMES_LO);
  c.bytes = read64(abi::REG_STAT_BYTES_LO);
  c.drops = d->reg_read(abi::REG_STAT_DROPS);
  c.desc_errors = d->reg_read(abi::REG_STAT_DESC_ERRORS);
  c.wb_errors = d->reg_read(abi::REG_STAT_WB_ERRORS);
  c.tx_flushed = d->reg_read(abi::REG_STAT_TX_FLUSHED);
  c.tx_dropped = n->nic.tx_dropped();
  c.tx_copy_bytes = n->nic.tx_copy_bytes();
  c.tx_ref_bytes = n->nic.tx_ref_bytes();
  const DeviceCounters dc = d->counters();
  c.doorbells = dc.doorbells;
  c.dma_syncs = dc.dma_syncs;
  c.dma_sync_bytes = dc.dma_sync_bytes;
  if (d->reg_read(abi::REG_CAPS) & abi::CAPS_RX) {
    c.rx_frames = read64(abi::REG_STAT_RX_FRAMES_LO);
    c.rx_bytes = read64(abi::REG_STAT_RX_BYTES_LO);
    c.rx_drop_fcs = d->reg_read(abi::REG_STAT_RX_DROP_FCS);
    c.rx_drop_nobuf = d->reg_read(abi::REG_STAT_RX_DROP_NOBUF);
    c.rx_drop_len = d->reg_read(abi::REG_STAT_RX_DROP_LEN);
  }
  return c;
}

int stack_tcp_stats(int fd, TcpStats* out) {
  net* n = net_get();
  if (!n) return -ENETDOWN;
  std::lock_guard<std::mutex> g(n->lock);
  int err = 0;
  socket* so = sockfd_lookup_light(n, fd, &err);
  if (!so) return err;
  const tcp_sock* tp = so->sk.tp.get();
  if (!tp) return -EOPNOTSUPP;
  out->bytes_acked = tp->bytes_acked;
  out->data_descs = tp->data_descs;
  out->data_segs = tp->data_segs;
  out->retrans = tp->total_retrans;
  out->fast_retrans = tp->fast_retrans;
  out->rtos = tp->rto_count;
  out->loss_probes = tp->tlp_count;
  out->srtt_us = tp->srtt_us >> 3;
  out->rttvar_us = tp->mdev_us >> 2;
  out->mss = tp->mss_cache;
  out->cwnd = tp->snd_cwnd;
  out->state = so->sk.state;
  out->sendq_copy_bytes = tp->sendq_copy_bytes;
  out->nic_copy_bytes = tp->nic_copy_bytes;
  out->nic_ref_bytes = tp->nic_ref_bytes;
  out->sendq_on_dev = tp->sendq_on_dev;
  return 0;
}

}  // namespace sendoff

using namespace sendoff;

namespace {

const char* env_or(const char* v, const char* name) { return v ? v : getenv(name); }

// fork(): the child inherits the parent's sockets, rings and port but none of
// the threads that drive them, and maybe a lock some parent thread held. Its
// offloaded calls fail with ENETDOWN before touching any of it (one line on
// stderr says why); close() of an inherited socket closes only its fd.
std::atomic<bool> forked_child{false};

void after_fork_in_child() { forked_child.store(true, std::memory_order_relaxed); }

bool refuse_in_child() {
  if (!forked_child.load(std::memory_order_relaxed)) return false;
  static std::atomic<bool> said{false};
  if (!said.exchange(true)) {
    static const char msg[] =
        "sendoff: this process is a fork() child: the sendoff stack stays with its parent; "
        "calls on sendoff sockets fail with ENETDOWN (close works)\n";
    if (::write(2, msg, sizeof msg - 1) < 0) { /* nowhere to report */ }
  }
  errno = ENETDOWN;
  return true;
}

net* net_or_init() {
  net* n = net_get();
  if (!n && sendoff_init(nullptr, nullptr, nullptr) == 0) n = net_get();
  return n;
}

long set_errno(long r) {
  if (r < 0) {
    errno = static_cast<int>(-r);
    return -1;
  }
  return r;
}

// A control call (socket, bind, connect, setsockopt, close, ...): under the
// stack lock, opening the stack from the environment on first use (the
// LD_PRELOAD case); -errno becomes errno. Sockets closed earlier are released
// here once no call in flight can see them.
template <typename F>
long syscall_wrap(F&& f) {
  if (refuse_in_child()) return -1;
  std::shared_lock<std::shared_mutex> users(stack_users);  // fini waits for us
  net* n = net_or_init();
  if (!n) {
    errno = ENETDOWN;
    return -1;
  }
  long r;
  {
    std::lock_guard<std::mutex> g(n->lock);
    r = f(n);
    if (n->trace.on()) n->trace.flush();
    rcu_run_callbacks();
  }
  return set_errno(r);
}

// A send: no lock. RCU keeps the socket, its route and n alive for the call.
template <typename F>
long syscall_wrap_send(F&& f) {
  if (refuse_in_child()) return -1;
  long r;
  {
    rcu_read_guard rcu;
    net* n = net_or_init();
    if (!n) {
      errno = ENETDOWN;
      return -1;
    }
    r = f(n);
    if (n->trace.on()) n->trace.flush();
  }
  // Sockets closed while we were sending may be released now; never wait.
  if (rcu_callbacks_pending()) {
    std::shared_lock<std::shared_mutex> users(stack_users, std::try_to_lock);
    net* n = users.owns_lock() ? net_get() : nullptr;
    if (n && n->lock.try_lock()) {
      rcu_run_callbacks();
      n->lock.unlock();
    }
  }
  return set_errno(r);
}

// After a call that may change a stream socket's readiness: epoll's view of
// it follows (sock_ep_refresh_fd keeps errno).
long ep_after(int fd, long r) {
  sock_ep_refresh_fd(fd);
  return r;
}

}  // namespace

extern "C" {

int sendoff_init(const char* config, const char* backend, const char* pcap) {
  if (forked_child.load(std::memory_order_relaxed)) {
    init_error = "a fork() child: the sendoff stack stays with its parent";
    errno = ENETDOWN;
    return -1;
  }
  std::lock_guard<std::mutex> g(init_lock);
  if (net_get()) return 0;
  const std::vector<int> fds_before = open_fds();
  config = env_or(config, "SENDOFF_CONFIG");
  backend = env_or(backend, "SENDOFF_BACKEND");
  pcap = env_or(pcap, "SENDOFF_PCAP");
  NetConfig cfg;
  std::string err;
  if (config && !cfg.load_file(config, &err)) {
    init_error = err;
    errno = EINVAL;
    return -1;
  }
  DeviceOptions opts;
  if (backend) opts.backend = backend;
  // The xrt back end's link: RS-FEC as the card's peer runs it (`--rs-fec` of the CLI).
  if (const char* fec = std::getenv("SENDOFF_XRT_RS_FEC")) {
    if (std::strcmp(fec, "on") != 0 && std::strcmp(fec, "off") != 0) {
      init_error = std::string("SENDOFF_XRT_RS_FEC=") + fec + ": choose on or off";
      errno = EINVAL;
      return -1;
    }
    opts.rs_fec = std::strcmp(fec, "on") == 0;
  }
  std::unique_ptr<FrameSink> sink;
  if (pcap) {
    sink = PcapSink::open(pcap, &err);
    if (!sink) {
      init_error = err;
      errno = EIO;
      return -1;
    }
    opts.sink = sink.get();
  }
  // SENDOFF_TAP (or the config's tap line): the MAC port is a TAP, both
  // ways; frames also still go to the pcap.
  const char* tap_name = env_or(cfg.tap.empty() ? nullptr : cfg.tap.c_str(), "SENDOFF_TAP");
  std::unique_ptr<TapPort> tap;
  std::unique_ptr<FrameSink> tee;
  if (tap_name && *tap_name) {
    tap = TapPort::open(tap_name, &err);
    if (!tap) {
      init_error = err;
      errno = ENODEV;
      return -1;
    }
    tee = std::make_unique<TeeSink>(tap.get(), sink.get());
    opts.sink = tee.get();
    opts.tap = tap.get();
  }
  int why = 0;
  if (!stack_init(cfg, opts, &err, &why)) {
    init_error = err;
    errno = why;
    return -1;
  }
  owned_sink = std::move(sink);
  owned_tap = std::move(tap);
  owned_tee = std::move(tee);
  record_own_fds(fds_before);
  static std::once_flag atfork;
  std::call_once(atfork, [] { pthread_atfork(nullptr, nullptr, after_fork_in_child); });
  return 0;
}

int sendoff_fini(void) {
  if (forked_child.load(std::memory_order_relaxed)) return 0;  // the parent's to close
  stack_fini();
  return 0;
}

int sendoff_linger(int idle_ms) {
  if (forked_child.load(std::memory_order_relaxed)) return 0;  // the parent's connections
  stack_linger(std::chrono::milliseconds(idle_ms < 0 ? 0 : idle_ms));
  return 0;
}

int sendoff_flush(void) {
  if (forked_child.load(std::memory_order_relaxed)) return 0;
  stack_flush();
  return 0;
}

const char* sendoff_strerror(void) { return init_error.c_str(); }

int so_is_stack_fd(int fd) {
  if (forked_child.load(std::memory_order_relaxed)) return 0;  // the child may close them
  const int k = own_fds.load(std::memory_order_acquire);
  for (int i = 0; i < k; ++i)
    if (own_fd[i].load(std::memory_order_relaxed) == fd) return 1;
  return 0;
}

int sendoff_can_receive(void) {
  // A child's receive calls go on to fail with ENETDOWN, not EOPNOTSUPP.
  if (forked_child.load(std::memory_order_relaxed)) return 1;
  std::shared_lock<std::shared_mutex> users(stack_users);
  net* n = net_or_init();
  return n && n->nic_rx.present() ? 1 : 0;
}

int so_socket(int domain, int type, int protocol) {
  return static_cast<int>(syscall_wrap([&](net* n) { return sys_socket(n, domain, type, protocol); }));
}

int so_bind(int fd, const struct sockaddr* addr, socklen_t addrlen) {
  return static_cast<int>(
      syscall_wrap([&](net* n) { return sys_bind(n, fd, addr, static_cast<int>(addrlen)); }));
}

int so_connect(int fd, const struct sockaddr* addr, socklen_t addrlen) {
  return static_cast<int>(ep_after(
      fd, syscall_wrap([&](net* n) { return sys_connect(n, fd, addr, static_cast<int>(addrlen)); })));
}

int so_listen(int fd, int backlog) {
  return static_cast<int>(syscall_wrap([&](net* n) { return sys_listen(n, fd, backlog); }));
}

int so_accept(int fd, struct sockaddr* addr, socklen_t* addrlen) {
  return so_accept4(fd, addr, addrlen, 0);
}

int so_accept4(int fd, struct sockaddr* addr, socklen_t* addrlen, int flags) {
  return static_cast<int>(
      syscall_wrap([&](net* n) { return sys_accept4(n, fd, addr, addrlen, flags); }));
}

int so_getsockname(int fd, struct sockaddr* addr, socklen_t* addrlen) {
  return static_cast<int>(syscall_wrap([&](net* n) { return sys_getsockname(n, fd, addr, addrlen); }));
}

int so_getpeername(int fd, struct sockaddr* addr, socklen_t* addrlen) {
  return static_cast<int>(syscall_wrap([&](net* n) { return sys_getpeername(n, fd, addr, addrlen); }));
}

int so_dup(int fd) {
  return static_cast<int>(syscall_wrap([&](net* n) { return sys_dupfd(n, fd, 0, false); }));
}

int so_dup2(int oldfd, int newfd) {
  if (oldfd != newfd)
    return static_cast<int>(syscall_wrap([&](net* n) { return sys_dup3(n, oldfd, newfd, 0); }));
  // dup2(fd, fd): fd itself when it is open.
  return static_cast<int>(syscall_wrap([&](net* n) {
    int err = 0;
    return sockfd_lookup_light(n, oldfd, &err) ? oldfd : err;
  }));
}

int so_dup3(int oldfd, int newfd, int flags) {
  return static_cast<int>(syscall_wrap([&](net* n) { return sys_dup3(n, oldfd, newfd, flags); }));
}

int so_ioctl(int fd, unsigned long request, unsigned long arg) {
  // Another file's ioctls are its own (a pipe's FIONREAD, ENOTTY for the rest): the kernel
  // answers them, as it does fcntl and close on such an fd.
  if (!so_is_socket(fd))
    return static_cast<int>(syscall(SYS_ioctl, fd, request, arg));
  return static_cast<int>(syscall_wrap([&](net* n) { return sys_ioctl(n, fd, request, arg); }));
}

int so_shutdown(int fd, int how) {
  return static_cast<int>(
      ep_after(fd, syscall_wrap([&](net* n) { return sys_shutdown(n, fd, how); })));
}

int so_close(int fd) {
  if (!so_is_socket(fd)) return ::close(fd);
  if (forked_child.load(std::memory_order_relaxed)) {
    sock_fd_forget(fd);
    return static_cast<int>(set_errno(syscall(SYS_close, fd) < 0 ? -errno : 0));
  }
  return static_cast<int>(syscall_wrap([&](net* n) { return sys_close(n, fd); }));
}

int so_setsockopt(int fd, int level, int optname, const void* optval, socklen_t optlen) {
  return static_cast<int>(ep_after(fd, syscall_wrap([&](net* n) {
    return sys_setsockopt(n, fd, level, optname, optval, static_cast<int>(optlen));
  })));
}

int so_getsockopt(int fd, int level, int optname, void* optval, socklen_t* optlen) {
  return static_cast<int>(
      syscall_wrap([&](net* n) { return sys_getsockopt(n, fd, level, optname, optval, optlen); }));
}

int so_fcntl(int fd, int cmd, long arg) {
  if (!so_is_socket(fd)) return ::fcntl(fd, cmd, arg);
  return static_cast<int>(syscall_wrap([&](net* n) { return sys_fcntl(n, fd, cmd, arg); }));
}

int so_poll(struct pollfd* fds, nfds_t nfds, int timeout) {
  if (forked_child.load(std::memory_order_relaxed)) {
    for (nfds_t i = 0; i < nfds; ++i)
      if (so_is_socket(fds[i].fd)) return static_cast<int>(refuse_in_child() ? -1 : 0);
    timespec t{timeout / 1000, (timeout % 1000) * 1000000L};
    return static_cast<int>(syscall(SYS_ppoll, fds, nfds, timeout < 0 ? nullptr : &t, nullptr, 8));
  }
  // No stack lock and no RCU section held across the sleep: sys_poll takes
  // its own, a round at a time.
  return static_cast<int>(set_errno(sys_poll(fds, nfds, timeout)));
}

ssize_t so_recv(int fd, void* buf, size_t len, int flags) {
  return ep_after(fd, syscall_wrap_send(
      [&](net* n) { return sys_recv(n, fd, buf, len, static_cast<unsigned>(flags)); }));
}

ssize_t so_recvfrom(int fd, void* buf, size_t len, int flags, struct sockaddr* src_addr,
                    socklen_t* addrlen) {
  return ep_after(fd, syscall_wrap_send([&](net* n) {
    return sys_recvfrom(n, fd, buf, len, static_cast<unsigned>(flags), src_addr, addrlen);
  }));
}

ssize_t so_recvmsg(int fd, struct msghdr* msg, int flags) {
  return ep_after(fd, syscall_wrap_send(
      [&](net* n) { return sys_recvmsg(n, fd, msg, static_cast<unsigned>(flags)); }));
}

int so_recvmmsg(int fd, struct mmsghdr* msgvec, unsigned int vlen, int flags,
                struct timespec* timeout) {
  return static_cast<int>(ep_after(fd, syscall_wrap_send([&](net* n) {
    return sys_recvmmsg(n, fd, msgvec, vlen, static_cast<unsigned>(flags), timeout);
  })));
}

ssize_t so_send(int fd, const void* buf, size_t len, int flags) {
  return ep_after(fd, syscall_wrap_send(
      [&](net* n) { return sys_send(n, fd, buf, len, static_cast<unsigned>(flags)); }));
}

ssize_t so_sendto(int fd, const void* buf, size_t len, int flags, const struct sockaddr* dest_addr,
                  socklen_t addrlen) {
  return ep_after(fd, syscall_wrap_send([&](net* n) {
    return sys_sendto(n, fd, buf, len, static_cast<unsigned>(flags), dest_addr,
                      static_cast<int>(addrlen));
  }));
}

ssize_t so_sendmsg(int fd, const struct msghdr* msg, int flags) {
  return ep_after(fd, syscall_wrap_send([&](net* n) {
                    return sys_sendmsg(n, fd, msg, static_cast<unsigned>(flags));
                  }));
}

ssize_t so_writev(int fd, const struct iovec* iov, int iovcnt) {
  if (!so_is_socket(fd)) return syscall(SYS_writev, fd, iov, iovcnt);
  constexpr int kUioMaxiov = 1024;
  if (iovcnt < 0 || iovcnt > kUioMaxiov) return set_errno(-EINVAL);
  iovec vec[kUioMaxiov];
  const size_t bytes = static_cast<size_t>(iovcnt) * sizeof(iovec);
  if (copy_from_user(vec, iov, bytes) != 0) return set_errno(-EFAULT);
  size_t total = 0;
  for (int i = 0; i < iovcnt; ++i) {
    if (vec[i].iov_len > static_cast<size_t>(SSIZE_MAX) - total) return set_errno(-EINVAL);
    total += vec[i].iov_len;
  }
  if (total == 0) return 0;  // vfs_writev: nothing to write reaches no socket
  msghdr m{};
  m.msg_iov = vec;
  m.msg_iovlen = static_cast<size_t>(iovcnt);
  return so_sendmsg(fd, &m, 0);
}

int so_sendmmsg(int fd, struct mmsghdr* msgvec, unsigned int vlen, int flags) {
  return static_cast<int>(ep_after(fd, syscall_wrap_send(
      [&](net* n) { return sys_sendmmsg(n, fd, msgvec, vlen, static_cast<unsigned>(flags)); })));
}

int so_is_socket(int fd) { return sock_fd_is_ours(fd) ? 1 : 0; }

int so_epoll_watch_events(int fd, unsigned events) {
  return static_cast<int>(
      syscall_wrap_send([&](net* n) -> long { return sock_ep_watch(n, fd, events); }));
}

int so_epoll_watch(int fd) { return so_epoll_watch_events(fd, EPOLLIN | EPOLLOUT); }

int so_sigaction(int sig, const struct sigaction* act, struct sigaction* oldact) {
  int r = uaccess_sigaction(sig, act, oldact);
  if (r < 0) {
    errno = -r;
    return -1;
  }
  return 0;
}

}  // extern "C"
