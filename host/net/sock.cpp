// SPDX-License-Identifier: MIT
// Generic socket state and SOL_SOCKET options, after net/core/sock.c.
#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>

#include <linux/capability.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include "net.hpp"
#include "uaccess.hpp"

namespace sendoff {

namespace {

// SOCK_MIN_SNDBUF: 2 * (2048 + SKB_DATA_ALIGN(sizeof(struct sk_buff))).
constexpr int kSockMinSndbuf = 4608;
// SOCK_MIN_RCVBUF: 2048 + SKB_DATA_ALIGN(sizeof(struct sk_buff)).
constexpr int kSockMinRcvbuf = 2304;

int read_sysctl(const char* path, int* a, int* b = nullptr) {
  FILE* f = fopen(path, "r");
  if (!f) return -1;
  int n = b ? fscanf(f, "%d %d", a, b) : fscanf(f, "%d", a);
  fclose(f);
  return n;
}

int get_int_opt(const void* optval, unsigned optlen, int* val) {
  if (optlen < sizeof(int)) return -EINVAL;
  if (copy_from_user(val, optval, sizeof(int))) return -EFAULT;
  return 0;
}

// put_user of an int option, honouring a shorter optlen as Linux does.
int put_int_opt(int val, void* optval, unsigned* optlen) {
  unsigned len = *optlen < sizeof(int) ? *optlen : sizeof(int);
  if (copy_to_user(optval, &val, len)) return -EFAULT;
  *optlen = len;
  return 0;
}

// sock_set_timeout: a struct timeval; 0 waits forever, a negative one does
// not wait at all; kept in whole jiffies, rounded up, as Linux keeps it.
int set_timeout(net* n, long* us_out, const void* optval, unsigned optlen) {
  timeval tv;
  if (optlen < sizeof tv) return -EINVAL;
  if (copy_from_user(&tv, optval, sizeof tv)) return -EFAULT;
  if (tv.tv_usec < 0 || tv.tv_usec >= 1000000) return -EDOM;
  if (tv.tv_sec < 0) {
    *us_out = -1;
    return 0;
  }
  long j = n->sysctl.jiffy_us;
  *us_out = static_cast<long>(static_cast<long long>(tv.tv_sec) * 1000000 +
                              (tv.tv_usec + j - 1) / j * j);
  return 0;
}

int get_timeout(long us, void* optval, unsigned* optlen) {
  if (us < 0) us = 0;
  timeval tv{us / 1000000, us % 1000000};
  // sk_getsockopt: a shorter buffer gets the first bytes of the timeval, as any option.
  const unsigned len = *optlen < sizeof tv ? *optlen : static_cast<unsigned>(sizeof tv);
  if (copy_to_user(optval, &tv, len)) return -EFAULT;
  *optlen = len;
  return 0;
}

}  // namespace

void Sysctls::load() {
  read_sysctl("/proc/sys/net/core/wmem_default", &wmem_default);
  read_sysctl("/proc/sys/net/core/wmem_max", &wmem_max);
  read_sysctl("/proc/sys/net/core/rmem_default", &rmem_default);
  read_sysctl("/proc/sys/net/core/rmem_max", &rmem_max);
  read_sysctl("/proc/sys/net/ipv4/ipfrag_high_thresh", &ipfrag_high_thresh);
  read_sysctl("/proc/sys/net/ipv4/ipfrag_time", &ipfrag_time);
  // HZ is not exported: a 1 µs SO_RCVTIMEO on a kernel socket reads back as
  // one jiffy. Raw syscalls: under LD_PRELOAD the libc names are sendoff's.
  long fd = syscall(SYS_socket, AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd >= 0) {
    timeval tv{0, 1};
    socklen_t len = sizeof tv;
    if (syscall(SYS_setsockopt, fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0 &&
        syscall(SYS_getsockopt, fd, SOL_SOCKET, SO_RCVTIMEO, &tv, &len) == 0 && tv.tv_sec == 0 &&
        tv.tv_usec > 0)
      jiffy_us = tv.tv_usec;
    syscall(SYS_close, fd);
  }
  read_sysctl("/proc/sys/net/ipv4/ip_default_ttl", &ip_default_ttl);
  read_sysctl("/proc/sys/net/ipv4/ip_local_port_range", &port_lo, &port_hi);
  read_sysctl("/proc/sys/net/core/somaxconn", &somaxconn);
  read_sysctl("/proc/sys/net/ipv4/tcp_early_retrans", &tcp_early_retrans);
}

// sk_free / __sk_free (net/core/sock.c): the socket's memory stays while the
// NIC holds packets charged to it.
void __sk_free(sock* sk) { delete sk->sk_socket; }

void sk_free(sock* sk) {
  if (sk->wmem_alloc.fetch_sub(1, std::memory_order_acq_rel) == 1) __sk_free(sk);
}

int put_cmsg(msghdr_k* msg, int level, int type, size_t len, const void* data) {
  if (msg->ucontrollen < sizeof(cmsghdr)) {
    msg->flags |= MSG_CTRUNC;
    return 0;
  }
  size_t cmlen = CMSG_LEN(len);
  if (msg->ucontrollen < cmlen) {
    msg->flags |= MSG_CTRUNC;
    cmlen = msg->ucontrollen;
  }
  cmsghdr h{};
  h.cmsg_level = level;
  h.cmsg_type = type;
  h.cmsg_len = cmlen;
  uint8_t* p = static_cast<uint8_t*>(msg->ucontrol);
  if (copy_to_user(p, &h, sizeof h) ||
      copy_to_user(p + CMSG_LEN(0), data, cmlen - CMSG_LEN(0)))
    return -EFAULT;
  cmlen = std::min<size_t>(CMSG_SPACE(len), msg->ucontrollen);
  msg->ucontrol = p + cmlen;
  msg->ucontrollen -= cmlen;
  return 0;
}

void sock_init_data(net* n, sock* sk) {
  sk->sk_net = n;
  sk->sndbuf = n->sysctl.wmem_default;
  sk->rcvbuf = n->sysctl.rmem_default;
  sk->state = TCP_CLOSE;
}

// sock_set_sndbuf / __sock_set_rcvbuf: capped by wmem_max / rmem_max unless
// forced, then doubled to leave room for the kernel's bookkeeping.
static void set_buf(sock* sk, bool snd, int val, bool force) {
  const Sysctls& c = sk->sk_net->sysctl;
  unsigned v = static_cast<unsigned>(val);
  const unsigned cap = static_cast<unsigned>(snd ? c.wmem_max : c.rmem_max);
  if (!force && v > cap) v = cap;
  if (v > INT32_MAX / 2) v = INT32_MAX / 2;
  const int doubled = static_cast<int>(v) * 2;
  if (snd) {
    sk->userlocks |= SOCK_SNDBUF_LOCK;
    sk->sndbuf = std::max(doubled, kSockMinSndbuf);
  } else {
    sk->rcvbuf = std::max(doubled, kSockMinRcvbuf);
  }
}

int sock_setsockopt(socket* sock, int /*level*/, int optname, const void* optval,
                    unsigned optlen) {
  struct sock* sk = &sock->sk;
  // Linux takes SO_BINDTODEVICE (a name, any length) before the int every other option
  // needs; here it is refused whatever its length (README: other SOL_SOCKET options).
  if (optname == SO_BINDTODEVICE) return -ENOPROTOOPT;
  int val;
  int err = get_int_opt(optval, optlen, &val);
  if (err) return err;
  bool valbool = val != 0;
  switch (optname) {
    case SO_BROADCAST:
      sk->broadcast = valbool;
      return 0;
    case SO_REUSEADDR:
      sk->reuseaddr = valbool;
      return 0;
    case SO_REUSEPORT:
      sk->reuseport = valbool;
      return 0;
    case SO_PRIORITY:
      // TC_PRIO_BESTEFFORT..TC_PRIO_INTERACTIVE for anyone, the rest with a capability.
      if ((val < 0 || val > 6) && !capable(CAP_NET_RAW) && !capable(CAP_NET_ADMIN)) return -EPERM;
      sk->priority = val;
      return 0;
    case SO_DEBUG:
      if (val && !capable(CAP_NET_ADMIN)) return -EACCES;
      sk->dbg = valbool;
      return 0;
    case SO_DONTROUTE:
      sk->localroute = valbool;
      return 0;
    case SO_KEEPALIVE:
      sk->keepopen = valbool;
      return 0;
    case SO_OOBINLINE:
      sk->urginline = valbool;
      return 0;
    case SO_NO_CHECK:
      sk->no_check_tx = valbool;
      return 0;
    case SO_PASSCRED:  // AF_UNIX and netlink only, in Linux 6.x
      return -EOPNOTSUPP;
    case SO_RCVLOWAT:
      sk->rcvlowat = val < 0 ? INT32_MAX : (val ? val : 1);
      return 0;
    case SO_MARK:
      if (!capable(CAP_NET_RAW) && !capable(CAP_NET_ADMIN)) return -EPERM;
      sk->mark = static_cast<uint32_t>(val);
      return 0;
    case SO_LINGER: {
      linger l;
      if (optlen < sizeof l) return -EINVAL;
      if (copy_from_user(&l, optval, sizeof l)) return -EFAULT;
      sk->linger = l.l_onoff != 0;
      // Seconds to jiffies; a negative time (as unsigned, past any bound) is for ever.
      if (sk->linger)
        sk->lingertime_j = l.l_linger < 0 ? LONG_MAX : l.l_linger * sk->sk_net->sysctl.hz();
      return 0;
    }
    case SO_SNDTIMEO:
      return set_timeout(sk->sk_net, &sk->sndtimeo_us, optval, optlen);
    case SO_SNDBUFFORCE:
    case SO_RCVBUFFORCE:
      if (!capable(CAP_NET_ADMIN)) return -EPERM;
      set_buf(sk, optname == SO_SNDBUFFORCE, val < 0 ? 0 : val, true);  // no wrap when doubled
      return 0;
    case SO_SNDBUF:
    case SO_RCVBUF:
      set_buf(sk, optname == SO_SNDBUF, val, false);
      return 0;
    case SO_RCVTIMEO:
      return set_timeout(sk->sk_net, &sk->rcvtimeo_us, optval, optlen);
    default:
      return -ENOPROTOOPT;
  }
}

int sock_getsockopt(socket* sock, int /*level*/, int optname, void* optval, unsigned* optlen) {
  struct sock* sk = &sock->sk;
  int v;
  switch (optname) {
    case SO_BROADCAST: v = sk->broadcast; break;
    case SO_REUSEADDR: v = sk->reuseaddr; break;
    case SO_REUSEPORT: v = sk->reuseport; break;
    case SO_PRIORITY: v = sk->priority; break;
    case SO_SNDBUF: v = sk->sndbuf; break;
    case SO_RCVBUF: v = sk->rcvbuf; break;
    case SO_RCVTIMEO: return get_timeout(sk->rcvtimeo_us, optval, optlen);
    case SO_SNDTIMEO: return get_timeout(sk->sndtimeo_us, optval, optlen);
    case SO_DEBUG: v = sk->dbg; break;
    case SO_DONTROUTE: v = sk->localroute; break;
    case SO_KEEPALIVE: v = sk->keepopen; break;
    case SO_OOBINLINE: v = sk->urginline; break;
    case SO_NO_CHECK: v = sk->no_check_tx; break;
    case SO_PASSCRED: return -EOPNOTSUPP;
    case SO_RCVLOWAT: v = sk->rcvlowat; break;
    case SO_SNDLOWAT: v = 1; break;
    case SO_MARK: v = static_cast<int>(sk->mark); break;
    case SO_ACCEPTCONN: v = sk->state == TCP_LISTEN ? 1 : 0; break;
    case SO_LINGER: {
      // As Linux: the jiffies back to seconds, cut to an int.
      linger l{sk->linger ? 1 : 0,
               static_cast<int>(static_cast<uint32_t>(sk->lingertime_j / sk->sk_net->sysctl.hz()))};
      unsigned len = *optlen < sizeof l ? *optlen : sizeof l;
      if (copy_to_user(optval, &l, len)) return -EFAULT;
      *optlen = len;
      return 0;
    }
    case SO_TYPE: v = sk->type; break;
    case SO_PROTOCOL: v = sk->protocol; break;
    case SO_DOMAIN: v = sk->family; break;
    case SO_ERROR: v = -sock_error(sk); break;
    default: return -ENOPROTOOPT;
  }
  return put_int_opt(v, optval, optlen);
}

}  // namespace sendoff
