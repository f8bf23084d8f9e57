// SPDX-License-Identifier: MIT
// fuzz_syscalls: differential fuzzing of sendoff's C API against the kernel.
// The input is a sequence of socket calls with their arguments (good and bad
// pointers, lengths, flags, addresses, control messages, options, closes,
// dups); each call runs on a kernel socket and on sendoff's (csim NIC) in the
// namespace of the host tests (test_env.hpp), and the results must agree:
// return value, errno, bytes written back (addresses, option values, msg_len,
// revents) and, for a send, the number of IPv4 frames that left (the kernel's
// counted on the veth peer with a packet socket, sendoff's at its MAC).
// A disagreement that README's "Where sendoff differs from Linux, on purpose"
// table does not list (kAllowed below, each entry naming its row) aborts with
// one line naming the call and both results.
//
// Deterministic: sendoff's NIC is drained before each call that depends on
// send-buffer space (sendoff_flush), receives never block (MSG_DONTWAIT is
// always added), polls never wait. Nothing here sleeps.
#include <arpa/inet.h>
#include <fcntl.h>
#include <fuzzer/FuzzedDataProvider.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "bad_memory.hpp"
#include "sendoff/sendoff.h"
#include "socket_api.hpp"
#include "test_env.hpp"

namespace {

// Options and control-message types glibc may not name.
constexpr int kUdpCork = 1, kUdpSegment = 103;
constexpr int kSoTimestampingOld = 37, kSoCookie = 57, kScmTxtime = 61;
constexpr int kMsgProbe = 0x10;

// ------------------------------------------------------------------ what a call was
enum class Op { kSocket, kBind, kConnect, kFcntl, kSend, kRecv, kSetsockopt, kGetsockopt, kIoctl, kOther };

// What the allow-list looks at: the call, its socket and both results.
struct Call {
  Op op = Op::kOther;
  std::string text;       // one line for a human
  int domain = 0, type = 0, protocol = 0;
  int flags = 0;          // MSG_* of a send
  bool local_dst = false; // a send (or connect) to an address of this host
  bool cork = false;      // the socket has UDP_CORK or the send MSG_MORE
  bool hdrincl = false;   // a raw socket with IP_HDRINCL
  bool unsupported_cmsg = false;  // IP_PKTINFO, UDP_SEGMENT, IP options, TX timestamps
  long first_unsupported = -1;    // sendmmsg: the first datagram with one of those (or corked)
  long first_local = -1;          // sendmmsg: the first datagram to an address of this host
  int level = 0, optname = 0;
  unsigned long request = 0;
  long arg = 0;
};

struct Result {
  long ret;
  int err;  // meaningful when ret == -1
  std::string out;  // what the call wrote back, as text ("" when nothing to compare)
};

bool same(const Result& a, const Result& b) {
  if (a.ret != b.ret) return false;
  if (a.ret == -1) return a.err == b.err;
  return a.out == b.out;
}

std::string show(const Result& r) {
  std::string s = r.ret == -1 ? "-1 " + std::string(strerrorname_np(r.err) ? strerrorname_np(r.err)
                                                                           : "errno?")
                              : std::to_string(r.ret);
  if (r.ret != -1 && !r.out.empty()) s += " [" + r.out + "]";
  return s;
}

// ------------------------------------------------------------------ the allow-list
// Each entry is a row of README.md's "Where sendoff differs from Linux, on purpose"
// table (its first cell, verbatim: checked against README.md at start-up) and when a
// disagreement is that row's.
struct Allowed {
  const char* readme_row;
  bool (*matches)(const Call& c, const Result& kernel, const Result& sendoff);
};

bool sendoff_fails(const Result& s, int err) { return s.ret == -1 && s.err == err; }

const Allowed kAllowed[] = {
    {"destination on this host (127/8, own address, 0.0.0.0)",
     [](const Call& c, const Result&, const Result& s) {
       // sendmmsg reports that datagram's EOPNOTSUPP as a count that stops before it.
       if (c.op == Op::kSend && c.first_local > 0 && s.ret == c.first_local) return true;
       return (c.op == Op::kSend || c.op == Op::kConnect) && c.local_dst &&
              sendoff_fails(s, EOPNOTSUPP);
     }},
    {"`MSG_MORE` / corking, `UDP_SEGMENT`, `IP_PKTINFO`, IP options, a TX timestamp request "
     "(`SO_TIMESTAMPING` control message with TX flags)",
     [](const Call& c, const Result&, const Result& s) {
       // sendmmsg reports that datagram's EOPNOTSUPP as a count that stops before it.
       if (c.op == Op::kSend && c.first_unsupported > 0 && s.ret == c.first_unsupported)
         return true;
       if (c.op == Op::kSend) return (c.cork || c.unsupported_cmsg) && sendoff_fails(s, EOPNOTSUPP);
       return (c.op == Op::kSetsockopt || c.op == Op::kGetsockopt) &&
              ((c.level == SOL_UDP && (c.optname == kUdpCork || c.optname == kUdpSegment)) ||
               (c.level == SOL_IP && (c.optname == IP_PKTINFO || c.optname == IP_OPTIONS))) &&
              sendoff_fails(s, ENOPROTOOPT);
     }},
    {"other `SOL_IP` and `SOL_UDP` options (`IP_MULTICAST_LOOP`, `IP_FREEBIND`, "
     "`IP_BIND_ADDRESS_NO_PORT`, `IP_MTU`, `IP_RECVTOS`, `IP_TRANSPARENT`, ...)",
     [](const Call& c, const Result&, const Result& s) {
       // The options sendoff implements are never "other".
       const bool implemented = c.level == SOL_IP &&
                                (c.optname == IP_TOS || c.optname == IP_TTL ||
                                 c.optname == IP_MTU_DISCOVER || c.optname == IP_MULTICAST_TTL ||
                                 c.optname == IP_HDRINCL || c.optname == IP_RECVERR);
       return (c.op == Op::kSetsockopt || c.op == Op::kGetsockopt) && !implemented &&
              (c.level == SOL_IP || c.level == SOL_UDP) && sendoff_fails(s, ENOPROTOOPT);
     }},
    {"`IP_HDRINCL` raw sends",
     [](const Call& c, const Result&, const Result& s) {
       return c.op == Op::kSend && c.hdrincl && sendoff_fails(s, EOPNOTSUPP);
     }},
    {"ICMP echo sockets (`SOCK_DGRAM`, `IPPROTO_ICMP`)",
     [](const Call& c, const Result& k, const Result& s) {
       return c.op == Op::kSocket && c.protocol == IPPROTO_ICMP && k.ret >= 0 &&
              sendoff_fails(s, EPROTONOSUPPORT);
     }},
    {"binding to a loopback address (127/8)",
     [](const Call& c, const Result&, const Result& s) {
       return c.op == Op::kBind && c.local_dst && sendoff_fails(s, EADDRNOTAVAIL);
     }},
    {"address families",
     [](const Call& c, const Result&, const Result& s) {
       return c.op == Op::kSocket && c.domain != AF_INET && sendoff_fails(s, EAFNOSUPPORT);
     }},
    {"other `SOL_SOCKET` options (`SO_BINDTODEVICE`, `SO_TIMESTAMP*`, `SO_ATTACH_FILTER`/`_BPF`, "
     "`SO_PEEK_OFF`, `SO_RXQ_OVFL`, `SO_BUSY_POLL`, `SO_ZEROCOPY`, `SO_TXTIME`, `SO_COOKIE`, "
     "`SO_MEMINFO`, `SO_INCOMING_CPU`, `SO_MAX_PACING_RATE`, ...)",
     [](const Call& c, const Result&, const Result& s) {
       // The options sendoff implements are never "other".
       static const int kImplemented[] = {
           SO_BROADCAST, SO_REUSEADDR, SO_REUSEPORT, SO_PRIORITY, SO_SNDBUF,   SO_RCVBUF,
           SO_RCVTIMEO,  SO_SNDTIMEO,  SO_DEBUG,     SO_DONTROUTE, SO_KEEPALIVE, SO_OOBINLINE,
           SO_NO_CHECK,  SO_RCVLOWAT,  SO_SNDLOWAT,  SO_MARK,     SO_ACCEPTCONN, SO_LINGER,
           SO_TYPE,      SO_PROTOCOL,  SO_DOMAIN,    SO_ERROR,    SO_PASSCRED};
       for (int o : kImplemented)
         if (c.optname == o) return false;
       return (c.op == Op::kSetsockopt || c.op == Op::kGetsockopt) && c.level == SOL_SOCKET &&
              sendoff_fails(s, ENOPROTOOPT);
     }},
    {"`ioctl(FIOASYNC)` or `fcntl(F_SETFL, O_ASYNC)` on (SIGIO)",
     [](const Call& c, const Result&, const Result& s) {
       return ((c.op == Op::kIoctl && c.request == FIOASYNC && c.arg != 0) ||
               (c.op == Op::kFcntl && c.request == F_SETFL && (c.arg & O_ASYNC) != 0)) &&
              sendoff_fails(s, EOPNOTSUPP);
     }},
};

// A row for a difference that shows no result of its own: the socket's state diverges and
// later sends differ (do_bind_connect forgets such a socket).
const char* const kStaleFlowRow =
    "a connected UDP socket after a `connect()` that fails in routing (`ENETUNREACH`, "
    "`EHOSTUNREACH`, `EACCES`)";

// Every allow-list entry must name a row that README.md has.
void check_allow_list_against_readme() {
  std::ifstream in(SENDOFF_README);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string readme = ss.str();
  if (readme.empty()) {
    fprintf(stderr, "fuzz_syscalls: cannot read %s\n", SENDOFF_README);
    abort();
  }
  auto check = [&](const char* row) {
    if (readme.find("| " + std::string(row) + " |") == std::string::npos) {
      fprintf(stderr, "fuzz_syscalls: allow-list row not in README.md's table: %s\n", row);
      abort();
    }
  };
  for (const Allowed& a : kAllowed) check(a.readme_row);
  check(kStaleFlowRow);
}

// SENDOFF_FUZZ_TRACE=1: every call and both results, to read a crashing input's story.
const bool kTrace = getenv("SENDOFF_FUZZ_TRACE") != nullptr;

// Returns false when the two results differ in a way the allow-list allows.
bool compare(const Call& c, const Result& k, const Result& s) {
  if (kTrace)
    fprintf(stderr, "fuzz_syscalls: %s: kernel %s, sendoff %s\n", c.text.c_str(),
            show(k).c_str(), show(s).c_str());
  if (same(k, s)) return true;
  for (const Allowed& a : kAllowed)
    if (a.matches(c, k, s)) return false;
  fprintf(stderr, "fuzz_syscalls: MISMATCH %s: kernel %s, sendoff %s\n", c.text.c_str(),
          show(k).c_str(), show(s).c_str());
  abort();
}

// ------------------------------------------------------------------ the world
const SocketApi& K = kernel_api();
const SocketApi& S = sendoff_api();

BadMemory* mem;
int pipe_fds[2];
int packet_fd = -1;  // IPv4 frames arriving at the veth peer (the kernel's sends)

// A socket as both sides have it (several slots share one after a dup).
struct Sock {
  int type = 0;
  bool hdrincl = false, cork = false;
};

constexpr int kSlots = 6;
struct Slot {
  int k = -1, s = -1;
  std::shared_ptr<Sock> sock;
};
Slot slots[kSlots];

// dup2/F_DUPFD targets: distinct numbers on the two sides, above what the harness opens.
constexpr int kKernelFdBase = 700, kSendoffFdBase = 800;

void close_slot(Slot& sl) {
  if (sl.k >= 0) K.close(sl.k);
  if (sl.s >= 0) S.close(sl.s);
  sl = Slot{};
}

// After a call that made an fd on each side: both or neither keep it.
void keep_fd(Slot& sl, long k, long s, std::shared_ptr<Sock> sock) {
  close_slot(sl);
  if (k >= 0 && s >= 0) {
    sl.k = static_cast<int>(k);
    sl.s = static_cast<int>(s);
    sl.sock = std::move(sock);
    return;
  }
  if (k >= 0) K.close(static_cast<int>(k));
  if (s >= 0) S.close(static_cast<int>(s));
}

// After an allowed difference that left the two sockets in different states (one bound,
// connected or optioned, the other not): every fd of that socket closes on both sides.
void forget_socket(int slot) {
  if (slot < 0 || !slots[slot].sock) return;
  const std::shared_ptr<Sock> sock = slots[slot].sock;
  for (Slot& sl : slots)
    if (sl.sock == sock) close_slot(sl);
}

// After an allowed difference in a send to this host ("destination on this host": Linux
// delivered the datagram, sendoff refused it), every socket Linux queued it on holds a
// datagram that sendoff's lacks: each socket the kernel finds readable is forgotten
// (found by fuzz_syscalls: a UDP socket bound to the port of a local send was readable on
// Linux alone, and its recv returned 0 there, EAGAIN in sendoff).
void forget_local_receivers() {
  for (int i = 0; i < kSlots; ++i) {
    if (slots[i].k < 0) continue;
    pollfd p{slots[i].k, POLLIN, 0};
    int r;
    do {
      r = K.poll(&p, 1, 0);
    } while (r == -1 && errno == EINTR);
    if (r == 1 && (p.revents & POLLIN)) forget_socket(i);
  }
}

// sendoff_flush, only when a datagram may still be in the NIC (a flush of an idle NIC
// still costs a wait for its thread).
bool tx_posted = false;
void flush() {
  if (!tx_posted) return;
  sendoff_flush();
  tx_posted = false;
}

size_t kernel_frames() {
  size_t n = 0;
  char b[64];
  while (recv(packet_fd, b, sizeof b, MSG_DONTWAIT | MSG_TRUNC) >= 0) ++n;
  return n;
}

size_t sendoff_frames() {
  size_t n = 0;
  for (const test_env::Frame& f : test_env::take_frames())
    if (f.size() >= 14 && f[12] == 0x08 && f[13] == 0x00) ++n;
  return n;
}

// libFuzzer's hang detector is a SIGALRM every few seconds (-timeout); a call it
// interrupts (poll, even with timeout 0) fails with EINTR on whichever side it hit. Such
// a call did nothing: it is made again, on either side alike (found by fuzz_syscalls).
template <typename F>
Result run(F&& f) {
  long r;
  do {
    errno = 0;
    r = f();
  } while (r == -1 && errno == EINTR);
  return Result{r, errno, ""};
}

std::string hex(const void* p, size_t n) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    uint8_t b = static_cast<const uint8_t*>(p)[i];
    s += d[b >> 4];
    s += d[b & 15];
  }
  return s;
}

std::string fmt(const char* f, ...) __attribute__((format(printf, 1, 2)));
std::string fmt(const char* f, ...) {
  char b[512];
  va_list ap;
  va_start(ap, f);
  vsnprintf(b, sizeof b, f, ap);
  va_end(ap);
  return b;
}

// ------------------------------------------------------------------ arguments
struct Gen {
  FuzzedDataProvider& in;

  template <typename T, size_t N>
  T pick(const T (&a)[N]) {
    return a[in.ConsumeIntegralInRange<size_t>(0, N - 1)];
  }

  // The fd of slot i on one side, or a bad one shared by both sides.
  struct Fds {
    int k, s, slot;
  };
  Fds fd() {
    unsigned c = in.ConsumeIntegralInRange<unsigned>(0, kSlots + 2);
    if (c < kSlots) return {slots[c].k, slots[c].s, static_cast<int>(c)};
    if (c == kSlots) return {-1, -1, -1};
    if (c == kSlots + 1) return {987654, 987654, -1};
    return {pipe_fds[1], pipe_fds[1], -1};  // a file that is no socket
  }
  int free_slot() { return in.ConsumeIntegralInRange<int>(0, kSlots - 1); }

  // A buffer the call reads: good, NULL, unmapped, running into the hole, read-only
  // (fine to read), or a PROT_NONE guard page.
  uint8_t* in_buf(size_t len) {
    static uint8_t data[70000];
    switch (in.ConsumeIntegralInRange<int>(0, 9)) {
      case 0: return nullptr;
      case 1: return mem->hole();
      case 2: return mem->hole() - (len > 0 && len < 64 ? len / 2 + 1 : 5);
      case 3: return mem->read_only();
      case 4: return mem->guard();
      default: return data;
    }
  }
  size_t len() {
    static const size_t kLens[] = {0, 1, 10, 100, 1472, 1473, 1480, 3000, 9000,
                                   65507, 65508, 65515, 65516, 70000};
    if (in.ConsumeBool()) return in.ConsumeIntegralInRange<size_t>(0, 2000);
    return pick(kLens);
  }
  int send_flags() {
    static const int kFlags[] = {0, MSG_DONTWAIT, MSG_NOSIGNAL, MSG_MORE, MSG_OOB, MSG_CONFIRM,
                                 MSG_DONTROUTE, MSG_EOR, kMsgProbe, MSG_FASTOPEN, MSG_ZEROCOPY,
                                 0x00400000, static_cast<int>(0x80000000u), MSG_ERRQUEUE,
                                 MSG_TRUNC, MSG_WAITALL, MSG_BATCH};
    int f = pick(kFlags);
    if (in.ConsumeBool()) f |= pick(kFlags);
    return f;
  }

  // A destination (or bind) address in `ss`; returns whether it is on this host.
  bool addr(sockaddr_storage* ss, socklen_t* len) {
    static const uint32_t kIps[] = {
        0xC6120002,  // the peer, a permanent neighbour
        0xC6120001,  // our own address
        0xC612FFFF,  // the subnet's broadcast
        0xC6130009,  // 198.19.0.9: off the /16, no gateway
        0x7F000001, 0x00000000, 0xFFFFFFFF, 0xE0000001};
    // No other on-link address: one without a neighbour entry waits seconds for ARP.
    static const uint16_t kPorts[] = {9000, 0, 40000, 40001, 53};
    static const int kFamilies[] = {AF_INET, AF_INET, AF_INET, AF_UNSPEC, AF_INET6, AF_UNIX};
    static const socklen_t kLens[] = {16, 16, 16, 0, 8, 15, 28, 128, 129, 0xffffffffu};
    memset(ss, 0, sizeof *ss);
    auto* a = reinterpret_cast<sockaddr_in*>(ss);
    a->sin_family = static_cast<sa_family_t>(pick(kFamilies));
    const uint32_t ip = pick(kIps);
    a->sin_addr.s_addr = htonl(ip);
    a->sin_port = htons(pick(kPorts));
    *len = pick(kLens);
    return (ip >> 24) == 127 || ip == 0xC6120001 || ip == 0;
  }
  // Where the call finds the address: the good buffer, NULL or the hole.
  const sockaddr* addr_ptr(const sockaddr_storage* ss) {
    switch (in.ConsumeIntegralInRange<int>(0, 7)) {
      case 0: return nullptr;
      case 1: return reinterpret_cast<const sockaddr*>(mem->hole());
      default: return reinterpret_cast<const sockaddr*>(ss);
    }
  }
  // A buffer the call writes: good, NULL, unmapped, read-only, PROT_NONE.
  template <typename T>
  T* out_ptr(T* good) {
    switch (in.ConsumeIntegralInRange<int>(0, 9)) {
      case 0: return nullptr;
      case 1: return reinterpret_cast<T*>(mem->hole());
      case 2: return reinterpret_cast<T*>(mem->read_only());
      case 3: return reinterpret_cast<T*>(mem->guard());
      default: return good;
    }
  }
};

// ------------------------------------------------------------------ message headers
// One msghdr per side (the name, iovecs and control bytes are the same memory; only
// what a call writes back differs).
struct Msg {
  sockaddr_storage name;
  iovec iov[4];
  alignas(cmsghdr) uint8_t control[64];
  msghdr m{};
  bool local_dst = false, unsupported_cmsg = false;
  std::string text;
};

void make_msg(Gen& g, Msg* msg, bool for_send) {
  memset(msg, 0, sizeof *msg);
  socklen_t namelen = 0;
  msg->local_dst = g.addr(&msg->name, &namelen);
  if (g.in.ConsumeBool()) {
    msg->m.msg_name = const_cast<sockaddr*>(g.addr_ptr(&msg->name));
    msg->m.msg_namelen = namelen;
  } else {
    msg->local_dst = false;
  }
  static std::vector<iovec> many(1025, iovec{nullptr, 0});
  const size_t n = g.in.ConsumeIntegralInRange<size_t>(0, 4);
  size_t total = 0;
  for (size_t i = 0; i < n; ++i) {
    size_t l = g.len() % 4000;
    msg->iov[i] = iovec{g.in_buf(l), l};
    total += l;
  }
  msg->m.msg_iov = msg->iov;
  msg->m.msg_iovlen = n;
  switch (g.in.ConsumeIntegralInRange<int>(0, 15)) {
    case 0: msg->m.msg_iov = reinterpret_cast<iovec*>(mem->hole()); break;
    case 1: msg->m.msg_iov = many.data(); msg->m.msg_iovlen = g.in.ConsumeBool() ? 1025 : 1024; break;
    default: break;
  }
  if (for_send && g.in.ConsumeBool()) {
    struct Kind {
      int level, type;
      size_t len;
      bool unsupported;
    };
    static const Kind kKinds[] = {
        {SOL_IP, IP_TTL, 4, false},         {SOL_IP, IP_TOS, 4, false},
        {SOL_IP, IP_TOS, 1, false},         {SOL_IP, IP_PKTINFO, sizeof(in_pktinfo), true},
        {SOL_IP, IP_RETOPTS, 8, true},      {SOL_IP, 4242, 4, false},
        {SOL_SOCKET, SO_MARK, 4, false},    {SOL_SOCKET, SO_PRIORITY, 4, false},
        {SOL_SOCKET, SCM_RIGHTS, 4, false}, {SOL_SOCKET, SCM_CREDENTIALS, 12, false},
        {SOL_SOCKET, kSoTimestampingOld, 4, true}, {SOL_SOCKET, kScmTxtime, 8, false},
        {SOL_UDP, kUdpSegment, 2, true},    {SOL_IPV6, 67, 4, false}};
    const Kind k = g.pick(kKinds);
    auto* c = reinterpret_cast<cmsghdr*>(msg->control);
    c->cmsg_level = k.level;
    c->cmsg_type = k.type;
    c->cmsg_len = CMSG_LEN(k.len);
    const uint32_t v = g.in.ConsumeIntegral<uint32_t>();
    memcpy(CMSG_DATA(c), &v, sizeof v);
    if (k.type == SCM_RIGHTS && k.level == SOL_SOCKET) {
      int fd = pipe_fds[0];
      memcpy(CMSG_DATA(c), &fd, sizeof fd);
    }
    msg->m.msg_control = msg->control;
    msg->m.msg_controllen = CMSG_SPACE(k.len);
    switch (g.in.ConsumeIntegralInRange<int>(0, 7)) {
      case 0: c->cmsg_len = 1000; break;
      case 1: c->cmsg_len = sizeof(cmsghdr) - 1; break;
      case 2: msg->m.msg_controllen = sizeof(cmsghdr) - 1; break;
      case 3: msg->m.msg_control = mem->hole(); break;
      default: break;
    }
    msg->unsupported_cmsg = k.unsupported;
    msg->text = fmt(" cmsg{%d,%d,len %zu,ctl %zu}", k.level, k.type, c->cmsg_len,
                    msg->m.msg_controllen);
  }
  msg->text = fmt("{name %s/%u iovlen %zu bytes %zu}", msg->m.msg_name ? "set" : "null",
                  msg->m.msg_namelen, msg->m.msg_iovlen, total) +
              msg->text;
}

// ------------------------------------------------------------------ the calls
void do_send(Gen& g, int which) {
  Gen::Fds f = g.fd();
  std::shared_ptr<Sock> sock = f.slot >= 0 ? slots[f.slot].sock : nullptr;
  Call c;
  c.op = Op::kSend;
  c.flags = g.send_flags();
  Result k{}, s{};
  flush();
  if (which == 0) {  // sendto / send
    sockaddr_storage ss;
    socklen_t alen;
    c.local_dst = g.addr(&ss, &alen);
    const sockaddr* to = g.addr_ptr(&ss);
    if (g.in.ConsumeBool()) {
      to = nullptr;
      alen = 0;
      c.local_dst = false;
    }
    size_t len = g.len();
    uint8_t* buf = g.in_buf(len);
    c.text = fmt("sendto(fd %d, buf %p, len %zu, flags %#x, addr %s, alen %u)", f.slot,
                 static_cast<void*>(buf), len, c.flags, to ? "set" : "null", alen);
    k = run([&] { return K.sendto(f.k, buf, len, c.flags, to, alen); });
    s = run([&] { return S.sendto(f.s, buf, len, c.flags, to, alen); });
  } else if (which == 1) {  // write: so_send with no flags, as the preload library's write()
    size_t len = g.len();
    uint8_t* buf = g.in_buf(len);
    c.flags = 0;
    c.text = fmt("write(fd %d, buf %p, len %zu)", f.slot, static_cast<void*>(buf), len);
    if (f.k == pipe_fds[1]) return;  // write() on a pipe is no socket call
    k = run([&] { return syscall(SYS_write, f.k, buf, len); });
    s = run([&] { return S.send(f.s, buf, len, 0); });
  } else {  // sendmsg, or writev of its iovecs
    Msg msg;
    make_msg(g, &msg, true);
    c.local_dst = msg.local_dst;
    c.unsupported_cmsg = msg.unsupported_cmsg;
    if (which == 3) {
      if (f.k == pipe_fds[1]) return;
      c.flags = 0;
      c.local_dst = false;
      c.unsupported_cmsg = false;
      const iovec* iov = msg.m.msg_iov;
      const int n = static_cast<int>(msg.m.msg_iovlen);
      c.text = "writev(fd " + std::to_string(f.slot) + ", " + std::to_string(n) + " iovecs)";
      k = run([&] { return K.writev(f.k, iov, n); });
      s = run([&] { return S.writev(f.s, iov, n); });
    } else {
      msghdr* mp = g.in.ConsumeIntegralInRange<int>(0, 15) == 0
                       ? reinterpret_cast<msghdr*>(mem->hole()) : &msg.m;
      c.text = fmt("sendmsg(fd %d, %s, flags %#x)", f.slot, msg.text.c_str(), c.flags);
      k = run([&] { return K.sendmsg(f.k, mp, c.flags); });
      s = run([&] { return S.sendmsg(f.s, mp, c.flags); });
    }
  }
  tx_posted = true;
  if (sock) {
    c.cork = sock->cork || (c.flags & MSG_MORE) != 0;
    c.hdrincl = sock->hdrincl;
  }
  flush();
  if (k.ret >= 0) k.out = "frames " + std::to_string(kernel_frames());
  if (s.ret >= 0) s.out = "frames " + std::to_string(sendoff_frames());
  // An allowed difference may leave the kernel's socket corked or autobound.
  if (!compare(c, k, s)) {
    forget_socket(f.slot);
    if (c.local_dst && k.ret >= 0) forget_local_receivers();
  }
}

void do_sendmmsg(Gen& g) {
  Gen::Fds f = g.fd();
  Msg msgs[3];
  mmsghdr kv[3], sv[3];
  const unsigned n = g.in.ConsumeIntegralInRange<unsigned>(0, 3);
  Call c;
  c.op = Op::kSend;
  c.flags = g.send_flags();
  c.text = fmt("sendmmsg(fd %d, vlen %u, flags %#x):", f.slot, n, c.flags);
  for (unsigned i = 0; i < n; ++i) {
    make_msg(g, &msgs[i], true);
    kv[i] = sv[i] = mmsghdr{msgs[i].m, 0xdead};
    c.local_dst |= msgs[i].local_dst;
    c.unsupported_cmsg |= msgs[i].unsupported_cmsg;
    if (msgs[i].unsupported_cmsg && c.first_unsupported < 0) c.first_unsupported = i;
    if (msgs[i].local_dst && c.first_local < 0) c.first_local = i;
    c.text += " " + msgs[i].text;
  }
  if (f.slot >= 0 && slots[f.slot].sock) {
    c.cork = slots[f.slot].sock->cork || (c.flags & MSG_MORE) != 0;
    c.hdrincl = slots[f.slot].sock->hdrincl;
  }
  if (c.cork && n > 0) c.first_unsupported = 0;
  const bool bad_vec = g.in.ConsumeIntegralInRange<int>(0, 15) == 0;
  mmsghdr* kp = bad_vec ? reinterpret_cast<mmsghdr*>(mem->hole()) : kv;
  mmsghdr* sp = bad_vec ? reinterpret_cast<mmsghdr*>(mem->hole()) : sv;
  flush();
  Result k = run([&] { return K.sendmmsg(f.k, kp, n, c.flags); });
  Result s = run([&] { return S.sendmmsg(f.s, sp, n, c.flags); });
  tx_posted = true;
  flush();
  for (long i = 0; i < k.ret && !bad_vec; ++i) k.out += std::to_string(kv[i].msg_len) + " ";
  for (long i = 0; i < s.ret && !bad_vec; ++i) s.out += std::to_string(sv[i].msg_len) + " ";
  if (k.ret >= 0) k.out += "frames " + std::to_string(kernel_frames());
  if (s.ret >= 0) s.out += "frames " + std::to_string(sendoff_frames());
  if (!compare(c, k, s)) {
    forget_socket(f.slot);
    if (c.first_local >= 0 && k.ret > c.first_local) forget_local_receivers();
  }
}

void do_socket(Gen& g) {
  static const int kDomains[] = {AF_INET, AF_INET, AF_INET, AF_INET6, AF_UNIX, -1};
  // No SOCK_STREAM (its slot became a third SOCK_DGRAM, so that the corpus
  // keeps its meaning): a TCP socket's calls need a connected peer, which this
  // harness (one call at a time against the kernel) cannot give; the TCP
  // tests (tests/e2e/tcp_test.cpp) compare them with Linux instead.
  static const int kTypes[] = {SOCK_DGRAM, SOCK_DGRAM, SOCK_RAW, SOCK_DGRAM,
                               SOCK_DGRAM | SOCK_NONBLOCK, SOCK_DGRAM | SOCK_CLOEXEC,
                               SOCK_DGRAM | 0x100, 15};
  static const int kProtos[] = {0, 0, IPPROTO_UDP, IPPROTO_TCP, 253, IPPROTO_RAW, IPPROTO_ICMP,
                                300};
  Call c;
  c.op = Op::kSocket;
  c.domain = g.pick(kDomains);
  c.type = g.pick(kTypes);
  const int proto = g.pick(kProtos);
  c.protocol = proto;
  const int slot = g.free_slot();
  c.text = fmt("socket(%d, %#x, %d)", c.domain, c.type, proto);
  Result k = run([&] { return K.socket(c.domain, c.type, proto); });
  Result s = run([&] { return S.socket(c.domain, c.type, proto); });
  auto sock = std::make_shared<Sock>();
  sock->type = c.type & 0xf;
  sock->hdrincl = sock->type == SOCK_RAW && proto == IPPROTO_RAW;
  keep_fd(slots[slot], k.ret, s.ret, sock);
  if (k.ret >= 0) k.ret = 0;
  if (s.ret >= 0) s.ret = 0;
  compare(c, k, s);
}

void do_bind_connect(Gen& g, bool connect) {
  Gen::Fds f = g.fd();
  sockaddr_storage ss;
  socklen_t alen;
  const bool local = g.addr(&ss, &alen);
  const sockaddr* a = g.addr_ptr(&ss);
  Call c;
  c.text = fmt("%s(fd %d, family %d port %u %s %s, alen %u)", connect ? "connect" : "bind",
               f.slot, ss.ss_family, ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port),
               a ? "addr" : "null",
               a == reinterpret_cast<const sockaddr*>(&ss)
                   ? inet_ntoa(reinterpret_cast<sockaddr_in*>(&ss)->sin_addr) : "-",
               alen);
  c.op = connect ? Op::kConnect : Op::kBind;
  c.local_dst = local && ss.ss_family != AF_UNSPEC && a != nullptr;
  if (!connect) {  // a raw socket's bind reads the address whatever the family
    const uint32_t ip = ntohl(reinterpret_cast<sockaddr_in*>(&ss)->sin_addr.s_addr);
    c.local_dst = a != nullptr && (ip >> 24) == 127;
  }
  Result k = run([&] { return (connect ? K.connect : K.bind)(f.k, a, alen); });
  Result s = run([&] { return (connect ? S.connect : S.bind)(f.s, a, alen); });
  if (!compare(c, k, s)) {
    forget_socket(f.slot);
    return;
  }
  // kStaleFlowRow: Linux's later sends go astray, sendoff's reach the peer.
  if (connect && k.ret == -1 && (k.err == ENETUNREACH || k.err == EHOSTUNREACH || k.err == EACCES))
    forget_socket(f.slot);
}

struct Option {
  int level, name;
};
const Option kOptions[] = {
    {SOL_SOCKET, SO_BROADCAST}, {SOL_SOCKET, SO_SNDBUF},   {SOL_SOCKET, SO_RCVBUF},
    {SOL_SOCKET, SO_REUSEADDR}, {SOL_SOCKET, SO_REUSEPORT}, {SOL_SOCKET, SO_KEEPALIVE},
    {SOL_SOCKET, SO_PRIORITY},  {SOL_SOCKET, SO_MARK},     {SOL_SOCKET, SO_NO_CHECK},
    {SOL_SOCKET, SO_DONTROUTE}, {SOL_SOCKET, SO_ERROR},    {SOL_SOCKET, SO_TYPE},
    {SOL_SOCKET, SO_PROTOCOL},  {SOL_SOCKET, SO_DOMAIN},   {SOL_SOCKET, SO_LINGER},
    {SOL_SOCKET, SO_SNDTIMEO},  {SOL_SOCKET, SO_RCVTIMEO}, {SOL_SOCKET, SO_TIMESTAMP},
    {SOL_SOCKET, SO_BINDTODEVICE}, {SOL_SOCKET, kSoCookie}, {SOL_SOCKET, SO_ACCEPTCONN},
    {SOL_SOCKET, SO_SNDLOWAT},  {SOL_SOCKET, SO_RCVLOWAT}, {SOL_SOCKET, SO_PASSCRED},
    {SOL_SOCKET, SO_OOBINLINE}, {SOL_SOCKET, 9999},        {SOL_IP, IP_TTL},
    {SOL_IP, IP_TOS},           {SOL_IP, IP_MTU_DISCOVER}, {SOL_IP, IP_RECVERR},
    {SOL_IP, IP_HDRINCL},       {SOL_IP, IP_PKTINFO},      {SOL_IP, IP_MULTICAST_TTL},
    {SOL_IP, IP_MULTICAST_LOOP}, {SOL_IP, IP_OPTIONS},     {SOL_IP, IP_MTU},
    {SOL_IP, IP_FREEBIND},      {SOL_IP, IP_BIND_ADDRESS_NO_PORT}, {SOL_UDP, kUdpCork},
    {SOL_UDP, kUdpSegment},     {9999, 1}};

void do_setsockopt(Gen& g) {
  Gen::Fds f = g.fd();
  const Option o = g.pick(kOptions);
  static const int kValues[] = {0, 1, -1, 2, 3, 5, 7, 255, 256, 4096, 100000, 0x7fffffff};
  static const socklen_t kLens[] = {4, 4, 4, 0, 1, 2, 8, 16, 100};
  alignas(8) uint8_t val[128] = {};
  const int v = g.pick(kValues);
  memcpy(val, &v, sizeof v);
  if (o.name == SO_BINDTODEVICE && g.in.ConsumeBool()) memcpy(val, "so0", 4);
  const socklen_t len = g.pick(kLens);
  const void* p = g.in.ConsumeIntegralInRange<int>(0, 7) == 0 ? g.in_buf(len) : val;
  Call c;
  c.op = Op::kSetsockopt;
  c.level = o.level;
  c.optname = o.name;
  c.text = fmt("setsockopt(fd %d, %d, %d, value %d at %p, len %u)", f.slot, o.level, o.name, v,
               p, len);
  Result k = run([&] { return K.setsockopt(f.k, o.level, o.name, p, len); });
  Result s = run([&] { return S.setsockopt(f.s, o.level, o.name, p, len); });
  if (k.ret == 0 && s.ret == 0 && f.slot >= 0 && len >= 4 && p == val) {
    Sock& so = *slots[f.slot].sock;
    if (o.level == SOL_IP && o.name == IP_HDRINCL && so.type == SOCK_RAW) so.hdrincl = v != 0;
    if (o.level == SOL_UDP && o.name == kUdpCork) so.cork = v != 0;
  }
  if (!compare(c, k, s)) forget_socket(f.slot);
}

void do_getsockopt(Gen& g) {
  Gen::Fds f = g.fd();
  const Option o = g.pick(kOptions);
  static const socklen_t kLens[] = {4, 4, 4, 0, 1, 2, 8, 16, 100, 0xffffffffu};
  alignas(8) uint8_t kv[128], sv[128];
  memset(kv, 0xa5, sizeof kv);
  memset(sv, 0xa5, sizeof sv);
  socklen_t klen = g.pick(kLens), slen = klen;
  const int ptr = g.in.ConsumeIntegralInRange<int>(0, 9);
  uint8_t* kp = ptr == 0 ? nullptr : ptr == 1 ? mem->read_only() : ptr == 2 ? mem->guard() : kv;
  uint8_t* sp = ptr == 0 ? nullptr : ptr == 1 ? mem->read_only() : ptr == 2 ? mem->guard() : sv;
  const int lptr = g.in.ConsumeIntegralInRange<int>(0, 9);
  socklen_t* klp = lptr == 0 ? nullptr : lptr == 1 ? reinterpret_cast<socklen_t*>(mem->hole())
                                                   : &klen;
  socklen_t* slp = lptr == 0 ? nullptr : lptr == 1 ? reinterpret_cast<socklen_t*>(mem->hole())
                                                   : &slen;
  Call c;
  c.op = Op::kGetsockopt;
  c.level = o.level;
  c.optname = o.name;
  c.text = fmt("getsockopt(fd %d, %d, %d, ptr kind %d, len %u)", f.slot, o.level, o.name, ptr,
               klen);
  Result k = run([&] { return K.getsockopt(f.k, o.level, o.name, kp, klp); });
  Result s = run([&] { return S.getsockopt(f.s, o.level, o.name, sp, slp); });
  if (k.ret == 0 && klp == &klen) k.out = "len " + std::to_string(klen) + " " + hex(kv, klen < 64 ? klen : 64);
  if (s.ret == 0 && slp == &slen) s.out = "len " + std::to_string(slen) + " " + hex(sv, slen < 64 ? slen : 64);
  compare(c, k, s);
}

void do_recv(Gen& g) {
  Gen::Fds f = g.fd();
  static const int kFlags[] = {0, MSG_PEEK, MSG_TRUNC, MSG_ERRQUEUE, MSG_OOB, MSG_WAITALL,
                               MSG_CMSG_CLOEXEC, MSG_WAITFORONE, 0x00400000};
  // Nothing arrives on either side: a receive that may wait would wait for ever.
  const int flags = g.pick(kFlags) | MSG_DONTWAIT;
  const int which = g.in.ConsumeIntegralInRange<int>(0, 3);
  size_t len = g.len();
  uint8_t* buf = g.in_buf(len);
  Call c;
  c.text = fmt("recv#%d(fd %d, buf %p, len %zu, flags %#x)", which, f.slot,
               static_cast<void*>(buf), len, flags);
  Result k{}, s{};
  if (which == 0) {
    k = run([&] { return K.recv(f.k, buf, len, flags); });
    s = run([&] { return S.recv(f.s, buf, len, flags); });
  } else if (which == 1) {
    sockaddr_storage ka, sa;
    socklen_t kl = sizeof ka, sl = sizeof sa;
    const bool bad = g.in.ConsumeBool();
    k = run([&] { return K.recvfrom(f.k, buf, len, flags, bad ? nullptr : reinterpret_cast<sockaddr*>(&ka), bad ? reinterpret_cast<socklen_t*>(mem->hole()) : &kl); });
    s = run([&] { return S.recvfrom(f.s, buf, len, flags, bad ? nullptr : reinterpret_cast<sockaddr*>(&sa), bad ? reinterpret_cast<socklen_t*>(mem->hole()) : &sl); });
  } else if (which == 2) {
    Msg msg;
    make_msg(g, &msg, false);
    msghdr km = msg.m, sm = msg.m;
    k = run([&] { return K.recvmsg(f.k, &km, flags); });
    s = run([&] { return S.recvmsg(f.s, &sm, flags); });
  } else {
    Msg msg;
    make_msg(g, &msg, false);
    mmsghdr kv{msg.m, 0}, sv{msg.m, 0};
    const unsigned n = g.in.ConsumeIntegralInRange<unsigned>(0, 1);
    k = run([&] { return K.recvmmsg(f.k, &kv, n, flags, nullptr); });
    s = run([&] { return S.recvmmsg(f.s, &sv, n, flags, nullptr); });
  }
  compare(c, k, s);
}

void do_fd_op(Gen& g) {
  Gen::Fds f = g.fd();
  Call c;
  Result k{}, s{};
  switch (g.in.ConsumeIntegralInRange<int>(0, 4)) {
    case 0: {
      const int how = g.in.ConsumeIntegralInRange<int>(-1, 3);
      c.text = fmt("shutdown(fd %d, %d)", f.slot, how);
      k = run([&] { return K.shutdown(f.k, how); });
      s = run([&] { return S.shutdown(f.s, how); });
      break;
    }
    case 1: {
      c.text = fmt("close(fd %d)", f.slot);
      if (f.k == pipe_fds[1]) return;
      k = run([&] { return K.close(f.k); });
      s = run([&] { return S.close(f.s); });
      if (f.slot >= 0) slots[f.slot] = Slot{};
      break;
    }
    case 2: {
      const int to = g.free_slot();
      c.text = fmt("dup(fd %d) -> slot %d", f.slot, to);
      if (f.k == pipe_fds[1]) return;
      k = run([&] { return K.dup(f.k); });
      s = run([&] { return S.dup(f.s); });
      keep_fd(slots[to], k.ret, s.ret, f.slot >= 0 ? slots[f.slot].sock : nullptr);
      k.ret = k.ret >= 0 ? 0 : -1;
      s.ret = s.ret >= 0 ? 0 : -1;
      break;
    }
    case 3: {
      const int to = g.free_slot();
      const bool three = g.in.ConsumeBool();
      const int flags = three ? (g.in.ConsumeBool() ? O_CLOEXEC : g.in.ConsumeBool() ? 0 : 1) : 0;
      if (f.k == pipe_fds[1]) return;
      const bool self = to == f.slot;
      // An empty slot's target is a number nobody holds, distinct per side.
      const int kn = slots[to].k >= 0 ? slots[to].k : kKernelFdBase + to;
      const int sn = slots[to].s >= 0 ? slots[to].s : kSendoffFdBase + to;
      c.text = fmt("dup%s(fd %d, slot %d, %#x)", three ? "3" : "2", f.slot, to, flags);
      k = run([&] { return three ? K.dup3(f.k, kn, flags) : K.dup2(f.k, kn); });
      s = run([&] { return three ? S.dup3(f.s, sn, flags) : S.dup2(f.s, sn); });
      if (k.ret >= 0 && s.ret >= 0 && !self) {
        slots[to] = Slot{kn, sn, f.slot >= 0 ? slots[f.slot].sock : nullptr};
      } else if (k.ret >= 0 || s.ret >= 0) {
        // One side made the copy: drop it so that the slots stay paired.
        if (!self) {
          if (k.ret >= 0) K.close(kn);
          if (s.ret >= 0) S.close(sn);
          if (slots[to].k == kn || slots[to].s == sn) slots[to] = Slot{};
        }
      }
      if (k.ret >= 0) k.ret = 0;
      if (s.ret >= 0) s.ret = 0;
      break;
    }
    default: {
      static const int kCmds[] = {F_GETFL, F_SETFL, F_GETFD, F_SETFD, F_DUPFD, F_DUPFD_CLOEXEC,
                                  F_GETOWN, F_SETOWN, 9999};
      static const long kArgs[] = {0, O_NONBLOCK, O_NONBLOCK | O_APPEND, FD_CLOEXEC, 1, -1,
                                   O_ASYNC, O_DIRECT, O_NOATIME};
      const int cmd = g.pick(kCmds);
      long arg = g.pick(kArgs);
      c.op = Op::kFcntl;
      c.request = static_cast<unsigned long>(cmd);
      c.arg = arg;
      c.text = fmt("fcntl(fd %d, %d, %ld)", f.slot, cmd, arg);
      const bool dupfd = cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC;
      if (dupfd && f.k == pipe_fds[1]) return;
      const int to = g.free_slot();
      k = run([&] { return K.fcntl(f.k, cmd, dupfd ? kKernelFdBase + 50 : arg); });
      s = run([&] { return S.fcntl(f.s, cmd, dupfd ? kSendoffFdBase + 50 : arg); });
      if (dupfd) {
        keep_fd(slots[to], k.ret, s.ret, f.slot >= 0 ? slots[f.slot].sock : nullptr);
        if (k.ret >= 0) k.ret = 0;
        if (s.ret >= 0) s.ret = 0;
      }
      break;
    }
  }
  if (!compare(c, k, s)) forget_socket(f.slot);
}

void do_ioctl(Gen& g) {
  Gen::Fds f = g.fd();
  static const unsigned long kReqs[] = {FIONBIO, FIONREAD, SIOCOUTQ, FIOCLEX, FIONCLEX,
                                        FIOASYNC, SIOCGIFINDEX, SIOCGIFMTU, SIOCGSTAMP,
                                        0x1234, TCGETS};
  Call c;
  c.op = Op::kIoctl;
  c.request = g.pick(kReqs);
  alignas(8) uint8_t kb[64] = {}, sb[64] = {};
  c.arg = g.in.ConsumeBool() ? 1 : 0;
  memcpy(kb, &c.arg, sizeof(int));
  if (c.request == SIOCGIFINDEX || c.request == SIOCGIFMTU)
    snprintf(reinterpret_cast<char*>(kb), IFNAMSIZ, "%s", g.in.ConsumeBool() ? "so0" : "nope0");
  memcpy(sb, kb, sizeof kb);
  const int ptr = g.in.ConsumeIntegralInRange<int>(0, 9);
  auto pick = [&](uint8_t* good) -> uint8_t* {
    return ptr == 0 ? nullptr : ptr == 1 ? mem->read_only() : ptr == 2 ? mem->guard() : good;
  };
  uint8_t* kp = pick(kb);
  uint8_t* sp = pick(sb);
  c.text = fmt("ioctl(fd %d, %#lx, arg kind %d value %ld)", f.slot, c.request, ptr, c.arg);
  flush();
  Result k = run([&] { return K.ioctl(f.k, c.request, reinterpret_cast<unsigned long>(kp)); });
  Result s = run([&] { return S.ioctl(f.s, c.request, reinterpret_cast<unsigned long>(sp)); });
  if (k.ret == 0 && kp == kb) k.out = hex(kb, sizeof kb);
  if (s.ret == 0 && sp == sb) s.out = hex(sb, sizeof sb);
  if (!compare(c, k, s)) forget_socket(f.slot);
}

void do_name(Gen& g) {
  Gen::Fds f = g.fd();
  const bool peer = g.in.ConsumeBool();
  static const socklen_t kLens[] = {16, 16, 0, 4, 8, 128, 0xffffffffu};
  sockaddr_storage ka, sa;
  memset(&ka, 0xa5, sizeof ka);
  memset(&sa, 0xa5, sizeof sa);
  socklen_t kl = g.pick(kLens), sl = kl;
  const int ptr = g.in.ConsumeIntegralInRange<int>(0, 9);
  auto* kp = ptr == 0 ? nullptr : ptr == 1 ? reinterpret_cast<sockaddr*>(mem->read_only())
                                           : reinterpret_cast<sockaddr*>(&ka);
  auto* sp = ptr == 0 ? nullptr : ptr == 1 ? reinterpret_cast<sockaddr*>(mem->read_only())
                                           : reinterpret_cast<sockaddr*>(&sa);
  const bool bad_len = g.in.ConsumeIntegralInRange<int>(0, 9) == 0;
  socklen_t* klp = bad_len ? reinterpret_cast<socklen_t*>(mem->hole()) : &kl;
  socklen_t* slp = bad_len ? reinterpret_cast<socklen_t*>(mem->hole()) : &sl;
  Call c;
  c.text = fmt("%s(fd %d, ptr kind %d, len %u)", peer ? "getpeername" : "getsockname", f.slot,
               ptr, kl);
  Result k = run([&] { return (peer ? K.getpeername : K.getsockname)(f.k, kp, klp); });
  Result s = run([&] { return (peer ? S.getpeername : S.getsockname)(f.s, sp, slp); });
  auto out = [](sockaddr_storage& a, socklen_t l) {
    auto* in = reinterpret_cast<sockaddr_in*>(&a);
    // An ephemeral port is each stack's own choice: compare only that one was chosen.
    if (l >= 4 && in->sin_port != 0 && static_cast<uint16_t>(in->sin_port) != 0xa5a5)
      in->sin_port = 1;
    return "len " + std::to_string(l) + " " + hex(&a, l < sizeof a ? l : sizeof a);
  };
  if (k.ret == 0 && kp == reinterpret_cast<sockaddr*>(&ka) && !bad_len) k.out = out(ka, kl);
  if (s.ret == 0 && sp == reinterpret_cast<sockaddr*>(&sa) && !bad_len) s.out = out(sa, sl);
  compare(c, k, s);
}

void do_poll(Gen& g) {
  Gen::Fds f = g.fd();
  const short events = static_cast<short>(g.in.ConsumeIntegral<uint16_t>() &
                                          (POLLIN | POLLOUT | POLLPRI | POLLRDHUP | POLLERR));
  pollfd kp{f.k, events, 0}, sp{f.s, events, 0};
  Call c;
  c.text = fmt("poll(fd %d, events %#x, timeout 0)", f.slot, events);
  flush();
  Result k = run([&] { return K.poll(&kp, 1, 0); });
  Result s = run([&] { return S.poll(&sp, 1, 0); });
  if (k.ret >= 0) k.out = fmt("revents %#x", kp.revents);
  if (s.ret >= 0) s.out = fmt("revents %#x", sp.revents);
  compare(c, k, s);
}

void start_up() {
  signal(SIGPIPE, SIG_IGN);  // EPIPE, not a dead fuzzer: both sides raise it alike
  check_allow_list_against_readme();
  test_env::enter_netns();
  if (pipe(pipe_fds) != 0) abort();
  packet_fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK, htons(ETH_P_IP));
  sockaddr_ll ll{};
  ll.sll_family = AF_PACKET;
  ll.sll_protocol = htons(ETH_P_IP);
  ll.sll_ifindex = static_cast<int>(if_nametoindex("so1"));
  if (packet_fd < 0 || ll.sll_ifindex == 0 ||
      bind(packet_fd, reinterpret_cast<sockaddr*>(&ll), sizeof ll) != 0) {
    perror("fuzz_syscalls: packet socket on so1");
    abort();
  }
  mem = new BadMemory();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  start_up();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The stack opens on the first input, after libFuzzer installed its signal handlers:
  // sendoff's SIGSEGV handler (EFAULT for bad user buffers) must sit in front of them.
  static bool opened = [] {
    test_env::open_stack();
    return true;
  }();
  (void)opened;
  FuzzedDataProvider in(data, size);
  Gen g{in};
  for (int calls = 0; calls < 64 && in.remaining_bytes() > 0; ++calls) {
    switch (in.ConsumeIntegralInRange<int>(0, 15)) {
      case 0: case 1: do_socket(g); break;
      case 2: do_bind_connect(g, false); break;
      case 3: do_bind_connect(g, true); break;
      case 4: do_send(g, 0); break;
      case 5: do_send(g, 1); break;
      case 6: do_send(g, 2); break;
      case 7: do_send(g, 3); break;
      case 8: do_sendmmsg(g); break;
      case 9: do_recv(g); break;
      case 10: do_setsockopt(g); break;
      case 11: do_getsockopt(g); break;
      case 12: do_fd_op(g); break;
      case 13: do_ioctl(g); break;
      case 14: do_name(g); break;
      default: do_poll(g); break;
    }
  }
  for (Slot& sl : slots) close_slot(sl);
  flush();
  kernel_frames();
  sendoff_frames();
  return 0;
}
