// SPDX-License-Identifier: MIT
#include "host_path_bench.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <map>
#include <memory>
#include <sstream>
#include <thread>

#include "netns.hpp"
#include "subprocess.hpp"
#include "syscall_count.hpp"

namespace sendoff {
namespace bench {

namespace {

constexpr uint16_t kPort = 9000;
constexpr uint64_t kCountedSends = 2000;  // per thread in the shorter counted run
// TCP: sends in the shorter counted run (the longer one has twice as many);
// a stream is costlier to trace, and 64 sends already cover many waits for room.
constexpr uint64_t kCountedStreamSends = 64;
constexpr const char* kTap = "sndf0";
constexpr const char* kNetnsPrefix = "sendoff-bench-";
const sys::VethEnd kLocal{"veth0", "02:00:00:00:00:01", "198.18.0.1/15", 1500};
const sys::VethEnd kPeer{"veth1", "02:00:00:00:00:02", "198.18.0.2/15", 1500};

std::string addr_of(const std::string& cidr) { return cidr.substr(0, cidr.find('/')); }

// The pause between bursts is the sender's own pacing, not part of a send.
const std::set<long> kPacing = {SYS_nanosleep, SYS_clock_nanosleep};

struct Path {
  const char* name;
  const char* program;  // SENDOFF_HOST_PATH_SENDER or its _API build
  const char* mode;     // sendto or sendmmsg
  bool preload;
  bool kernel;
};

const Path kPaths[] = {
    {"sendoff", SENDOFF_HOST_PATH_SENDER_API, "sendto", false, false},
    {"preload", SENDOFF_HOST_PATH_SENDER, "sendto", true, false},
    {"sendmmsg", SENDOFF_HOST_PATH_SENDER_API, "sendmmsg", false, false},
    {"kernel", SENDOFF_HOST_PATH_SENDER, "sendto", false, true},
};

const Path kStreamPaths[] = {
    {"sendoff", SENDOFF_HOST_PATH_SENDER_API, "stream", false, false},
    {"kernel", SENDOFF_HOST_PATH_SENDER, "stream", false, true},
};

std::string find_ip() {
  for (const char* p : {"/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"})
    if (access(p, X_OK) == 0) return p;
  return {};
}

// Sum of the syscalls of the threads the sender named in its "tid" lines.
uint64_t sender_syscalls(const TracedRun& r) {
  std::istringstream in(r.out);
  std::string word;
  uint64_t sum = 0;
  while (in >> word) {
    if (word != "tid") continue;
    long tid;
    if (in >> tid) {
      auto it = r.syscalls.find(static_cast<pid_t>(tid));
      if (it != r.syscalls.end()) sum += it->second;
    }
  }
  return sum;
}

// The sender's "stream" line and its "thread" lines (host_path_sender.c).
bool parse_stream(const std::string& out, HostPathRow* row) {
  size_t at = out.find("stream ");
  if (at == std::string::npos) return false;
  unsigned long long sends, calls, bytes, elapsed_ns;
  long clk_tck;
  if (sscanf(out.c_str() + at,
             "stream ns_median=%lf ns_p99=%lf ticks_median=%lf ticks_p99=%lf tsc_per_ns=%lf "
             "sends=%llu calls=%llu bytes=%llu elapsed_ns=%llu clk_tck=%ld",
             &row->ns_median, &row->ns_p99, &row->cycles_median, &row->cycles_p99,
             &row->tsc_per_ns, &sends, &calls, &bytes, &elapsed_ns, &clk_tck) != 10 ||
      sends == 0 || elapsed_ns == 0)
    return false;
  row->sends = sends;
  row->bytes_sent = bytes;
  row->sustained_per_s = static_cast<double>(sends) * 1e9 / static_cast<double>(elapsed_ns);
  row->goodput_mbps = static_cast<double>(sends) * row->size_bytes * 8e3 /
                      static_cast<double>(elapsed_ns);
  long sender_tid = -1;
  sscanf(out.c_str(), "tid %ld", &sender_tid);
  const size_t cc = out.find("cycle_counter ");
  if (cc != std::string::npos)
    row->cycle_counter = out.substr(cc + 14, out.find('\n', cc) - (cc + 14));
  // Threads of one name and role are summed: a row says where the work went.
  std::map<std::pair<std::string, std::string>, std::pair<double, double>> by_name;  // cpu, user
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    long tid;
    unsigned long long cpu_ns, utime, stime;
    int name_at = 0;
    if (sscanf(line.c_str(), "thread tid=%ld cpu_ns=%llu utime_ticks=%llu stime_ticks=%llu name=%n",
               &tid, &cpu_ns, &utime, &stime, &name_at) != 4 || name_at == 0)
      continue;
    const double ns = static_cast<double>(cpu_ns) / static_cast<double>(sends);
    const std::string name = line.substr(static_cast<size_t>(name_at));
    // Thread names set in csim_device.cpp and tap_port.cpp.
    const char* role = tid == sender_tid                     ? "sender"
                       : name.rfind("sendoff-nic", 0) == 0 ||
                               name.rfind("sendoff-tap", 0) == 0 ? "nic"
                                                                 : "stack";
    auto& t = by_name[{role, name}];
    t.first += ns;
    // stat's ticks are coarse (1/clk_tck s): they give the user share, schedstat the total.
    if (utime + stime)
      t.second += ns * static_cast<double>(utime) / static_cast<double>(utime + stime);
    (tid == sender_tid       ? row->sender_cpu_ns_per_send
     : role[0] == 'n'        ? row->nic_cpu_ns_per_send
                             : row->stack_cpu_ns_per_send) += ns;
  }
  for (const auto& [key, v] : by_name) {
    HostPathRow::ThreadCpu t;
    t.role = key.first;
    t.name = key.second;
    t.cpu_ns_per_send = v.first;
    t.user_share = v.first > 0 ? v.second / v.first : 0;
    row->thread_cpu.push_back(t);
  }
  return row->sender_cpu_ns_per_send > 0;
}

// A kernel TCP server that reads and discards one connection and counts its
// bytes; it closes after the sender's FIN, which is how the sender learns that
// the stream was delivered.
class StreamServer {
 public:
  bool start(const std::string& netns, const std::string& addr, uint16_t port, std::string* err) {
    fd_ = sys::socket_in_netns(netns, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0, err);
    if (fd_ < 0) return false;
    const int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    inet_pton(AF_INET, addr.c_str(), &a.sin_addr);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd_, 1) != 0) {
      *err = std::string("stream server: ") + strerror(errno);
      return false;
    }
    th_ = std::thread([this] { serve(); });
    return true;
  }
  // After the sender has exited: wakes an accept that no connection will end.
  uint64_t finish() {
    if (fd_ >= 0) shutdown(fd_, SHUT_RDWR);
    if (th_.joinable()) th_.join();
    return bytes_;
  }
  ~StreamServer() {
    finish();
    if (fd_ >= 0) close(fd_);
  }

 private:
  void serve() {
    const int c = accept(fd_, nullptr, nullptr);
    if (c < 0) return;
    timeval tv{60, 0};  // a sender that stopped without closing
    setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::vector<char> buf(1 << 20);
    ssize_t r;
    while ((r = read(c, buf.data(), buf.size())) > 0) bytes_ += static_cast<uint64_t>(r);
    close(c);
  }
  int fd_ = -1;
  std::thread th_;
  uint64_t bytes_ = 0;
};

bool parse_result(const std::string& out, HostPathRow* row) {
  size_t at = out.find("result ");
  if (at == std::string::npos) return false;
  unsigned long long sends;
  return sscanf(out.c_str() + at, "result ns_median=%lf ns_p99=%lf sustained_per_s=%lf sends=%llu",
                &row->ns_median, &row->ns_p99, &row->sustained_per_s, &sends) == 4;
}

class Bench {
 public:
  Bench(const HostPathOptions& o, std::string* err) : o_(o), err_(err) {}

  bool setup() {
    if (geteuid() != 0) return fail("the kernel baseline needs root (a network namespace and a veth pair)");
    ip_ = find_ip();
    if (ip_.empty()) return fail("ip(8) not found (iproute2)");
    char dir[] = "/tmp/sendoff-bench-XXXXXX";
    if (!mkdtemp(dir)) return fail(std::string("mkdtemp: ") + strerror(errno));
    dir_ = dir;
    conf_ = dir_ + "/sendoff.conf";
    FILE* f = fopen(conf_.c_str(), "w");
    if (!f) return fail("cannot write " + conf_);
    fprintf(f, "local %s\nmac %s\nneigh %s %s\n", kLocal.cidr.c_str(), kLocal.mac.c_str(),
            addr_of(kPeer.cidr).c_str(), kPeer.mac.c_str());
    // TCP needs the peer's ACKs: sendoff's MAC port is a TAP in a namespace of its own.
    if (tcp()) fprintf(f, "tap %s\n", kTap);
    fclose(f);
    sys::remove_stale_netns(kNetnsPrefix);
    veth_ = sys::VethPair::create({kNetnsPrefix, kLocal, kPeer}, err_);
    if (!veth_) return false;
    if (tcp()) return setup_tap();
    // A bound receiver, so the peer does not answer with ICMP port unreachable.
    rx_ = sys::socket_in_netns(veth_->ns_b().name(), AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0, err_);
    if (rx_ < 0) return false;
    sockaddr_in peer{};
    peer.sin_family = AF_INET;
    peer.sin_port = htons(kPort);
    inet_pton(AF_INET, addr_of(kPeer.cidr).c_str(), &peer.sin_addr);
    if (bind(rx_, reinterpret_cast<sockaddr*>(&peer), sizeof peer) != 0)
      return fail(std::string("bind receiver: ") + strerror(errno));
    return true;
  }

  ~Bench() {
    if (rx_ >= 0) close(rx_);
    if (!conf_.empty()) unlink(conf_.c_str());
    if (!dir_.empty()) rmdir(dir_.c_str());
  }

  bool tcp() const { return o_.proto == "tcp"; }

  // One stream per path: timed, then twice under ptrace to count syscalls.
  bool run_stream(const Path& p, unsigned size, HostPathRow* row) {
    row->path = p.name;
    row->size_bytes = size;
    row->threads = 1;
    TracedRun timed, once, twice;
    if (!stream(p, size, o_.count, false, &timed, &row->bytes_delivered)) return false;
    if (!parse_stream(timed.out, row))
      return fail(std::string(p.name) + ": no result from the sender: " + timed.out);
    if (row->bytes_delivered != row->bytes_sent)
      return fail(std::string(p.name) + ": the server read " +
                  std::to_string(row->bytes_delivered) + " of " + std::to_string(row->bytes_sent) +
                  " bytes sent");
    uint64_t ignored;
    if (!stream(p, size, kCountedStreamSends, true, &once, &ignored) ||
        !stream(p, size, 2 * kCountedStreamSends, true, &twice, &ignored))
      return false;
    const double extra = static_cast<double>(sender_syscalls(twice)) -
                         static_cast<double>(sender_syscalls(once));
    row->syscalls_per_send = extra > 0 ? extra / static_cast<double>(kCountedStreamSends) : 0;
    return true;
  }

  bool run(const Path& p, unsigned size, HostPathRow* row) {
    row->path = p.name;
    row->size_bytes = size;
    row->threads = o_.threads;
    TracedRun timed, once, twice;
    if (!run_with_env(argv(p, size, o_.count), env(p), &timed, err_) || !ok(p, timed) ||
        !parse_result(timed.out, row))
      return fail(std::string(p.name) + ": no result from the sender: " + timed.out);
    if (!run_counting_syscalls(argv(p, size, kCountedSends), env(p), kPacing, &once, err_) ||
        !ok(p, once) ||
        !run_counting_syscalls(argv(p, size, 2 * kCountedSends), env(p), kPacing, &twice, err_) ||
        !ok(p, twice))
      return false;
    double extra = static_cast<double>(sender_syscalls(twice)) -
                   static_cast<double>(sender_syscalls(once));
    row->syscalls_per_send = extra / static_cast<double>(kCountedSends * o_.threads);
    if (row->syscalls_per_send < 0) row->syscalls_per_send = 0;
    return true;
  }

 private:
  bool fail(const std::string& m) {
    *err_ = m;
    return false;
  }
  bool setup_tap() {
    tap_ns_ = sys::Netns::create(kNetnsPrefix + std::to_string(getpid()) + "-tap", err_);
    if (!tap_ns_) return false;
    // The kernel's side of the TAP is the peer, as veth1 is for the kernel
    // path: same address and MAC, a permanent neighbour entry, no IPv6 chatter.
    const std::string& tap_ns = tap_ns_->name();
    if (!tap_ns_->ip({"tuntap", "add", "mode", "tap", "name", kTap}, err_)) return false;
    const std::vector<std::string> no_ipv6 = {
        ip_, "netns", "exec", tap_ns, "sysctl", "-qw",
        std::string("net.ipv6.conf.") + kTap + ".disable_ipv6=1"};
    const sys::ProcessResult r = sys::run_process(no_ipv6);
    if (r.exit_code != 0) return fail(sys::describe_failure(no_ipv6, r));
    return tap_ns_->ip({"link", "set", kTap, "address", kPeer.mac, "mtu",
                        std::to_string(kPeer.mtu), "txqueuelen", "10000", "up"},
                       err_) &&
           tap_ns_->ip({"addr", "add", kPeer.cidr, "dev", kTap}, err_) &&
           tap_ns_->ip({"neigh", "replace", addr_of(kLocal.cidr), "lladdr", kLocal.mac, "dev",
                        kTap, "nud", "permanent"},
                       err_);
  }
  // The sendoff path sends from the TAP's namespace (where its port is), the
  // kernel path from the veth's; the server listens on the far side of each.
  const std::string& sender_ns(const Path& p) const {
    return p.kernel ? veth_->ns_a().name() : tap_ns_->name();
  }
  const std::string& server_ns(const Path& p) const {
    return p.kernel ? veth_->ns_b().name() : tap_ns_->name();
  }
  bool stream(const Path& p, unsigned size, uint64_t count, bool traced, TracedRun* r,
              uint64_t* delivered) {
    StreamServer server;
    if (!server.start(server_ns(p), addr_of(kPeer.cidr), kPort, err_)) return false;
    const bool ran = traced ? run_counting_syscalls(argv(p, size, count), env(p), {}, r, err_)
                            : run_with_env(argv(p, size, count), env(p), r, err_);
    *delivered = server.finish();
    return ran && ok(p, *r);
  }

  bool ok(const Path& p, const TracedRun& r) {
    if (r.exit_code == 0) return true;
    return fail(std::string(p.name) + ": the sender exited with " + std::to_string(r.exit_code) +
                (r.out.empty() ? "" : ": " + r.out));
  }
  std::vector<std::string> argv(const Path& p, unsigned size, uint64_t count) const {
    std::vector<std::string> a;
    if (p.kernel || tcp()) a = {ip_, "netns", "exec", sender_ns(p)};
    a.insert(a.end(), {p.program, p.mode, std::to_string(size), std::to_string(count),
                       std::to_string(o_.threads), addr_of(kPeer.cidr), std::to_string(kPort)});
    return a;
  }
  std::vector<std::string> env(const Path& p) const {
    if (p.kernel) return {};
    std::vector<std::string> e = {"SENDOFF_CONFIG=" + conf_, "SENDOFF_BACKEND=" + o_.backend};
    if (p.preload) e.push_back(std::string("LD_PRELOAD=") + SENDOFF_PRELOAD_LIB);
    return e;
  }

  const HostPathOptions& o_;
  std::string* err_;
  std::string ip_, dir_, conf_;
  std::unique_ptr<sys::VethPair> veth_;
  std::unique_ptr<sys::Netns> tap_ns_;
  int rx_ = -1;
};

}  // namespace

bool run_host_path_bench(const HostPathOptions& o, std::vector<HostPathRow>* rows,
                         std::string* err) {
  Bench b(o, err);
  if (!b.setup()) return false;
  const bool tcp = b.tcp();
  const Path* first = tcp ? std::begin(kStreamPaths) : std::begin(kPaths);
  const Path* last = tcp ? std::end(kStreamPaths) : std::end(kPaths);
  for (unsigned size : o.sizes)
    for (const Path* p = first; p != last; ++p) {
      HostPathRow row;
      if (!(tcp ? b.run_stream(*p, size, &row) : b.run(*p, size, &row))) return false;
      rows->push_back(row);
    }
  return true;
}

bool write_host_path_csv(const std::string& file, const std::vector<HostPathRow>& rows,
                         const std::string& proto) {
  FILE* f = fopen(file.c_str(), "w");
  if (!f) return false;
  const bool tcp = proto == "tcp";
  fprintf(f, "path,size_bytes,threads,ns_median,ns_p99,syscalls_per_send%s\n",
          tcp ? ",sends,bytes_sent,bytes_delivered,cycles_median,cycles_p99,sender_cpu_ns_per_send,"
                "stack_cpu_ns_per_send,nic_cpu_ns_per_send,host_cpu_cycles_per_send,"
                "host_cpu_ns_per_byte,cycles_source,goodput_mbps,sender_cpu_cycles_per_send"
              : "");
  for (const auto& r : rows) {
    fprintf(f, "%s,%u,%u,%.1f,%.1f,%.3f", r.path.c_str(), r.size_bytes, r.threads, r.ns_median,
            r.ns_p99, r.syscalls_per_send);
    // No cycle counter is open to us here (perf_event_open): cycles are the TSC's.
    if (tcp)
      fprintf(f, ",%llu,%llu,%llu,%.0f,%.0f,%.1f,%.1f,%.1f,%.0f,%.4f,tsc,%.1f,%.0f",
              static_cast<unsigned long long>(r.sends),
              static_cast<unsigned long long>(r.bytes_sent),
              static_cast<unsigned long long>(r.bytes_delivered), r.cycles_median, r.cycles_p99,
              r.sender_cpu_ns_per_send, r.stack_cpu_ns_per_send, r.nic_cpu_ns_per_send,
              r.host_cpu_ns_per_send() * r.tsc_per_ns,
              r.host_cpu_ns_per_send() / static_cast<double>(r.size_bytes), r.goodput_mbps,
              r.sender_cpu_ns_per_send * r.tsc_per_ns);
    fprintf(f, "\n");
  }
  return fclose(f) == 0;
}

}  // namespace bench
}  // namespace sendoff
