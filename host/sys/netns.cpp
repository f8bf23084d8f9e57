// SPDX-License-Identifier: MIT
// Namespaces through ip(8) (iproute2), which already knows how to pin a
// namespace under /run/netns; setns(2) for entering one; SIOCETHTOOL for the
// checksum offload switch.
#include "netns.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>

#include "subprocess.hpp"

namespace sendoff {
namespace sys {

namespace {

constexpr const char* kNetnsDir = "/run/netns";

bool run_ip(const std::vector<std::string>& args, std::string* err) {
  std::vector<std::string> argv{"ip"};
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessResult r = run_process(argv);
  if (r.exit_code == 0) return true;
  if (err) *err = describe_failure(argv, r);
  return false;
}

std::string errno_text(const char* what) { return std::string(what) + ": " + strerror(errno); }

}  // namespace

std::unique_ptr<Netns> Netns::create(const std::string& name, std::string* err) {
  if (!run_ip({"netns", "add", name}, err)) return nullptr;
  return std::unique_ptr<Netns>(new Netns(name));
}

Netns::~Netns() { run_ip({"netns", "del", name_}, nullptr); }

bool Netns::ip(const std::vector<std::string>& args, std::string* err) const {
  std::vector<std::string> full{"-n", name_};
  full.insert(full.end(), args.begin(), args.end());
  return run_ip(full, err);
}

NetnsScope::NetnsScope(const std::string& name, std::string* err) {
  saved_fd_ = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (saved_fd_ < 0) {
    if (err) *err = errno_text("open /proc/thread-self/ns/net");
    return;
  }
  std::string path = std::string(kNetnsDir) + "/" + name;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (err) *err = errno_text(("open " + path).c_str());
    return;
  }
  if (setns(fd, CLONE_NEWNET) != 0) {
    if (err) *err = errno_text(("setns " + path).c_str());
  } else {
    entered_ = true;
  }
  close(fd);
}

NetnsScope::~NetnsScope() {
  // Going back cannot fail for a namespace we came from; if it somehow does,
  // staying in the test namespace is the safe side.
  if (entered_) (void)setns(saved_fd_, CLONE_NEWNET);
  if (saved_fd_ >= 0) close(saved_fd_);
}

std::unique_ptr<VethPair> VethPair::create(const VethSpec& spec, std::string* err) {
  for (const VethEnd* end : {&spec.a, &spec.b}) {
    if (!in_benchmark_range(end->cidr)) {
      if (err) *err = "refusing address '" + end->cidr + "': only 198.18.0.0/15 is allowed";
      return nullptr;
    }
  }
  static std::atomic<unsigned> counter{0};
  std::string base = spec.prefix + std::to_string(getpid()) + "-" + std::to_string(counter++);

  std::unique_ptr<VethPair> p(new VethPair);
  p->spec_ = spec;
  if (!(p->a_ = Netns::create(base + "a", err))) return nullptr;
  if (!(p->b_ = Netns::create(base + "b", err))) return nullptr;

  // Created straight inside the two namespaces: nothing appears in ours.
  if (!run_ip({"link", "add", spec.a.ifname, "netns", p->a_->name(), "type", "veth", "peer", "name",
               spec.b.ifname, "netns", p->b_->name()},
              err))
    return nullptr;

  struct Side {
    const Netns& ns;
    const VethEnd& self;
    const VethEnd& peer;
  };
  for (const Side& s : {Side{*p->a_, spec.a, spec.b}, Side{*p->b_, spec.b, spec.a}}) {
    const std::string& dev = s.self.ifname;
    std::string peer_ip = s.peer.cidr.substr(0, s.peer.cidr.find('/'));
    if (!s.ns.ip({"link", "set", "dev", dev, "address", s.self.mac, "mtu",
                  std::to_string(s.self.mtu), "addrgenmode", "none"},
                 err) ||
        !s.ns.ip({"addr", "add", s.self.cidr, "dev", dev}, err) ||
        !s.ns.ip({"link", "set", "dev", dev, "up"}, err) ||
        !s.ns.ip({"link", "set", "dev", "lo", "up"}, err) ||
        !s.ns.ip(
            {"neigh", "replace", peer_ip, "lladdr", s.peer.mac, "dev", dev, "nud", "permanent"},
            err))
      return nullptr;
  }
  return p;
}

void remove_stale_netns(const std::string& prefix) {
  DIR* d = opendir(kNetnsDir);
  if (!d) return;
  std::vector<std::string> stale;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    const char* p = name.c_str() + prefix.size();
    char* end = nullptr;
    long pid = strtol(p, &end, 10);
    if (end == p || pid <= 0) continue;
    if (kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) stale.push_back(name);
  }
  closedir(d);
  for (const auto& name : stale) run_ip({"netns", "del", name}, nullptr);
}

bool set_tx_checksum_offload(const std::string& netns, const std::string& ifname, bool on,
                             std::string* err) {
  int fd = socket_in_netns(netns, AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0, err);
  if (fd < 0) return false;
  ethtool_value ev{};
  ev.cmd = ETHTOOL_STXCSUM;
  ev.data = on ? 1 : 0;
  ifreq ifr{};
  snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname.c_str());
  ifr.ifr_data = reinterpret_cast<char*>(&ev);
  bool ok = ioctl(fd, SIOCETHTOOL, &ifr) == 0;
  if (!ok && err) *err = errno_text(("SIOCETHTOOL ETHTOOL_STXCSUM on " + ifname).c_str());
  close(fd);
  return ok;
}

int socket_in_netns(const std::string& netns, int domain, int type, int protocol,
                    std::string* err) {
  NetnsScope scope(netns, err);
  if (!scope.ok()) return -1;
  int fd = socket(domain, type, protocol);
  if (fd < 0 && err) *err = errno_text("socket");
  return fd;
}

bool in_benchmark_range(const std::string& addr) {
  size_t slash = addr.find('/');
  if (slash != std::string::npos) {
    // A shorter prefix would put on-link routes outside the range.
    std::string len = addr.substr(slash + 1);
    if (len.empty() || len.size() > 2 || len.find_first_not_of("0123456789") != std::string::npos)
      return false;
    int n = std::stoi(len);
    if (n < 15 || n > 32) return false;
  }
  in_addr a{};
  if (inet_pton(AF_INET, addr.substr(0, slash).c_str(), &a) != 1) return false;
  return (ntohl(a.s_addr) & 0xFFFE0000u) == 0xC6120000u;
}

}  // namespace sys
}  // namespace sendoff
