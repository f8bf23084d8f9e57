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
#include <memory>
#include <sstream>

#include "netns.hpp"
#include "syscall_count.hpp"

namespace sendoff {
namespace bench {

namespace {

constexpr uint16_t kPort = 9000;
constexpr uint64_t kCountedSends = 2000;  // per thread in the shorter counted run
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
    fclose(f);
    sys::remove_stale_netns(kNetnsPrefix);
    veth_ = sys::VethPair::create({kNetnsPrefix, kLocal, kPeer}, err_);
    if (!veth_) return false;
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
  bool ok(const Path& p, const TracedRun& r) {
    if (r.exit_code == 0) return true;
    return fail(std::string(p.name) + ": the sender exited with " + std::to_string(r.exit_code) +
                (r.out.empty() ? "" : ": " + r.out));
  }
  std::vector<std::string> argv(const Path& p, unsigned size, uint64_t count) const {
    std::vector<std::string> a;
    if (p.kernel) a = {ip_, "netns", "exec", veth_->ns_a().name()};
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
  int rx_ = -1;
};

}  // namespace

bool run_host_path_bench(const HostPathOptions& o, std::vector<HostPathRow>* rows,
                         std::string* err) {
  Bench b(o, err);
  if (!b.setup()) return false;
  for (unsigned size : o.sizes)
    for (const Path& p : kPaths) {
      HostPathRow row;
      if (!b.run(p, size, &row)) return false;
      rows->push_back(row);
    }
  return true;
}

bool write_host_path_csv(const std::string& file, const std::vector<HostPathRow>& rows) {
  FILE* f = fopen(file.c_str(), "w");
  if (!f) return false;
  fprintf(f, "path,size_bytes,threads,ns_median,ns_p99,syscalls_per_send\n");
  for (const auto& r : rows)
    fprintf(f, "%s,%u,%u,%.1f,%.1f,%.3f\n", r.path.c_str(), r.size_bytes, r.threads, r.ns_median,
            r.ns_p99, r.syscalls_per_send);
  return fclose(f) == 0;
}

}  // namespace bench
}  // namespace sendoff
