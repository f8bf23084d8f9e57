// SPDX-License-Identifier: MIT
// SOL_IP socket options and control messages, after net/ipv4/ip_sockglue.c.
#include <linux/capability.h>
#include <netinet/udp.h>

#include <cerrno>
#include <cstring>

#include "net.hpp"
#include "uaccess.hpp"

namespace sendoff {

namespace {

// SOL_SOCKET control messages (asm-generic/socket.h) and the TX timestamp
// requests (linux/net_tstamp.h: SOF_TIMESTAMPING_TX_RECORD_MASK).
constexpr int kSoMark = 36, kSoTimestampingOld = 37, kScmTxtime = 61, kSoTimestampingNew = 65;
constexpr uint32_t kSofTxRecordMask = 0x303;
// IP_PROTOCOL (linux/in.h): the protocol of an IP_HDRINCL raw send.
constexpr int kIpProtocol = 52;

const cmsghdr* first_cmsg(const msghdr_k* m) {
  return m->controllen >= sizeof(cmsghdr) ? static_cast<const cmsghdr*>(m->control) : nullptr;
}

const cmsghdr* next_cmsg(const msghdr_k* m, const cmsghdr* c) {
  const uint8_t* base = static_cast<const uint8_t*>(m->control);
  const uint8_t* p = reinterpret_cast<const uint8_t*>(c) + CMSG_ALIGN(c->cmsg_len);
  if (p + sizeof(cmsghdr) > base + m->controllen) return nullptr;
  return reinterpret_cast<const cmsghdr*>(p);
}

bool cmsg_ok(const msghdr_k* m, const cmsghdr* c) {
  const uint8_t* end = static_cast<const uint8_t*>(m->control) + m->controllen;
  return c->cmsg_len >= sizeof(cmsghdr) &&
         c->cmsg_len <= static_cast<size_t>(end - reinterpret_cast<const uint8_t*>(c));
}

// __sock_cmsg_send on an INET socket. SCM_RIGHTS and SCM_CREDENTIALS belong
// to AF_UNIX: Linux lets them pass unread. SO_MARK and SO_PRIORITY pass
// Linux's checks and change nothing here (README: no policy routing, no
// qdisc). SCM_TXTIME needs SO_TXTIME, which is never set; a TX timestamp
// request is refused (EOPNOTSUPP), as none would ever be reported.
int sock_cmsg_send(const cmsghdr* c) {
  uint32_t v = 0;
  const bool u32 = c->cmsg_len == CMSG_LEN(sizeof v);
  if (u32) memcpy(&v, CMSG_DATA(c), sizeof v);
  switch (c->cmsg_type) {
    case kSoMark:
      if (!capable(CAP_NET_RAW) && !capable(CAP_NET_ADMIN)) return -EPERM;
      return u32 ? 0 : -EINVAL;
    case SO_PRIORITY:
      if (!u32) return -EINVAL;
      return v <= 6 || capable(CAP_NET_RAW) || capable(CAP_NET_ADMIN) ? 0 : -EPERM;
    case kSoTimestampingOld:
    case kSoTimestampingNew:
      if (!u32 || (v & ~kSofTxRecordMask)) return -EINVAL;
      return v ? -EOPNOTSUPP : 0;
    case kScmTxtime:
      return -EINVAL;
    case SCM_RIGHTS:
    case SCM_CREDENTIALS:
      return 0;
    default:
      return -EINVAL;
  }
}

}  // namespace

int ip_cmsg_send(sock* sk, const msghdr_k* msg, ipcm_cookie* ipc) {
  for (const cmsghdr* c = first_cmsg(msg); c; c = next_cmsg(msg, c)) {
    if (!cmsg_ok(msg, c)) return -EINVAL;
    if (c->cmsg_level == SOL_UDP && sk->type == SOCK_DGRAM) {
      // udp_cmsg_send: UDP_SEGMENT (GSO) is a real Linux feature the NIC
      // does not offer yet; anything else is invalid there too.
      return c->cmsg_type == UDP_SEGMENT ? -EOPNOTSUPP : -EINVAL;
    }
    if (c->cmsg_level == SOL_SOCKET) {
      if (int err = sock_cmsg_send(c)) return err;
      continue;
    }
    if (c->cmsg_level != SOL_IP) continue;
    int val;
    switch (c->cmsg_type) {
      case IP_TTL:
        if (c->cmsg_len != CMSG_LEN(sizeof(int))) return -EINVAL;
        memcpy(&val, CMSG_DATA(c), sizeof val);
        if (val < 1 || val > 255) return -EINVAL;
        ipc->ttl = val;
        break;
      case IP_TOS:
        if (c->cmsg_len == CMSG_LEN(sizeof(int)))
          memcpy(&val, CMSG_DATA(c), sizeof val);
        else if (c->cmsg_len == CMSG_LEN(sizeof(uint8_t)))
          val = *CMSG_DATA(c);
        else
          return -EINVAL;
        if (val < 0 || val > 255) return -EINVAL;
        ipc->tos = val;
        break;
      case kIpProtocol:
        if (c->cmsg_len != CMSG_LEN(sizeof(int))) return -EINVAL;
        memcpy(&val, CMSG_DATA(c), sizeof val);
        if (val < 1 || val > 255) return -EINVAL;
        ipc->protocol = val;
        break;
      case IP_PKTINFO:
      case IP_RETOPTS:
        // Source selection and IP options: not offloaded (yet).
        return -EOPNOTSUPP;
      default:
        return -EINVAL;
    }
  }
  return 0;
}

void ip_icmp_error(sock* sk, int err, uint8_t icmp_type, uint8_t icmp_code, uint32_t offender,
                   uint32_t daddr, uint16_t dport, const uint8_t* payload, size_t len) {
  sock_exterr_skb e;
  e.ee.ee_errno = static_cast<uint32_t>(err);
  e.ee.ee_origin = SO_EE_ORIGIN_ICMP;
  e.ee.ee_type = icmp_type;
  e.ee.ee_code = icmp_code;
  e.addr = daddr;
  e.port = dport;
  e.offender = offender;
  e.payload.assign(payload, payload + len);
  // The ICMP message's buffer, as a received frame's (napi_receive).
  e.truesize = 2048 + 256;
  {
    std::lock_guard<std::mutex> g(sk->rq_lock);
    // sock_queue_err_skb: not beyond the receive buffer.
    if (sk->rmem_alloc.load(std::memory_order_relaxed) + static_cast<int>(e.truesize) <
        sk->rcvbuf) {
      sk->rmem_alloc.fetch_add(static_cast<int>(e.truesize), std::memory_order_relaxed);
      sk->error_queue.push_back(std::move(e));
    }
    sk->sk_err.store(err, std::memory_order_release);
    sk_ep_sync(sk, true);
  }
  sk_wake_receivers(sk);
}

int ip_recv_error(sock* sk, msghdr_k* msg, size_t len, int* addr_len) {
  sock_exterr_skb e;
  {
    // sock_dequeue_err_skb: sk_err becomes the next ICMP error's, or 0.
    std::lock_guard<std::mutex> g(sk->rq_lock);
    if (sk->error_queue.empty()) return -EAGAIN;
    e = std::move(sk->error_queue.front());
    sk->error_queue.pop_front();
    sk->rmem_alloc.fetch_sub(static_cast<int>(e.truesize), std::memory_order_relaxed);
    const bool next = !sk->error_queue.empty() &&
                      sk->error_queue.front().ee.ee_origin == SO_EE_ORIGIN_ICMP;
    sk->sk_err.store(next ? static_cast<int>(sk->error_queue.front().ee.ee_errno) : 0,
                     std::memory_order_release);
    sk_ep_sync(sk, false);
  }
  size_t copied = e.payload.size();
  msg->flags = 0;
  if (copied > len) {
    msg->flags |= MSG_TRUNC;
    copied = len;
  }
  if (int err = skb_copy_datagram_msg(e.payload.data(), copied, msg)) return err;
  if (msg->name) {
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(e.addr);
    sin.sin_port = htons(e.port);
    std::memcpy(msg->name, &sin, sizeof sin);
    *addr_len = sizeof sin;
  }
  struct {
    sock_extended_err ee;
    sockaddr_in offender;
  } errhdr{};
  errhdr.ee = e.ee;
  errhdr.offender.sin_family = AF_INET;
  errhdr.offender.sin_addr.s_addr = htonl(e.offender);
  if (int err = put_cmsg(msg, SOL_IP, IP_RECVERR, sizeof errhdr, &errhdr)) return err;
  msg->flags |= MSG_ERRQUEUE;
  return static_cast<int>(copied);
}

// do_ip_setsockopt reads an int (or a byte) only for its integer options; any other
// option is refused or handled before its value is looked at (found by fuzz_syscalls:
// IP_MTU with a NULL value was EFAULT here, ENOPROTOOPT in Linux).
static bool ip_int_option(int optname) {
  switch (optname) {
    case IP_PKTINFO: case IP_RECVTTL: case IP_RECVOPTS: case IP_RECVTOS: case IP_RETOPTS:
    case IP_TOS: case IP_TTL: case IP_HDRINCL: case IP_MTU_DISCOVER: case IP_RECVERR:
    case IP_ROUTER_ALERT: case IP_FREEBIND: case IP_PASSSEC: case IP_TRANSPARENT:
    case IP_MINTTL: case IP_NODEFRAG: case IP_BIND_ADDRESS_NO_PORT: case IP_UNICAST_IF:
    case IP_MULTICAST_TTL: case IP_MULTICAST_ALL: case IP_MULTICAST_LOOP:
    case IP_RECVORIGDSTADDR: case IP_CHECKSUM: case IP_RECVFRAGSIZE:
      return true;
    default:
      return false;
  }
}

int ip_setsockopt(sock* sk, int level, int optname, const void* optval, unsigned optlen) {
  if (level != SOL_IP) return -ENOPROTOOPT;
  if (!ip_int_option(optname)) return -ENOPROTOOPT;
  int val = 0;
  if (optlen >= sizeof(int)) {
    if (copy_from_user(&val, optval, sizeof val)) return -EFAULT;
  } else if (optlen >= 1) {
    uint8_t uc;
    if (copy_from_user(&uc, optval, 1)) return -EFAULT;
    val = uc;
  }
  switch (optname) {
    case IP_TOS:
      sk->tos = static_cast<uint8_t>(val);
      return 0;
    case IP_TTL:
      if (optlen < 1) return -EINVAL;
      if (val != -1 && (val < 1 || val > 255)) return -EINVAL;
      sk->uc_ttl = val;
      return 0;
    case IP_MTU_DISCOVER:
      if (val < IP_PMTUDISC_DONT || val > IP_PMTUDISC_OMIT) return -EINVAL;
      sk->pmtudisc = val;
      return 0;
    case IP_MULTICAST_TTL:
      if (optlen < 1) return -EINVAL;
      if (val == -1) val = 1;
      if (val < 0 || val > 255) return -EINVAL;
      sk->mc_ttl = val;
      return 0;
    case IP_HDRINCL:
      if (sk->type != SOCK_RAW) return -ENOPROTOOPT;
      sk->hdrincl = val != 0;
      return 0;
    case IP_RECVERR: {
      sk->recverr = val != 0;
      if (!sk->recverr) {
        std::lock_guard<std::mutex> g(sk->rq_lock);
        for (const sock_exterr_skb& e : sk->error_queue)
          sk->rmem_alloc.fetch_sub(static_cast<int>(e.truesize), std::memory_order_relaxed);
        sk->error_queue.clear();
      }
      return 0;
    }
    default:
      return -ENOPROTOOPT;
  }
}

int ip_getsockopt(sock* sk, int level, int optname, void* optval, unsigned* optlen) {
  if (level != SOL_IP) return -EOPNOTSUPP;
  int val;
  switch (optname) {
    case IP_TOS: val = sk->tos; break;
    case IP_TTL: val = sk->uc_ttl == -1 ? sk->sk_net->sysctl.ip_default_ttl : sk->uc_ttl; break;
    case IP_MTU_DISCOVER: val = sk->pmtudisc; break;
    case IP_MULTICAST_TTL: val = sk->mc_ttl; break;
    case IP_HDRINCL: val = sk->hdrincl; break;
    case IP_RECVERR: val = sk->recverr; break;
    default: return -ENOPROTOOPT;
  }
  // A byte-sized buffer gets a byte when the value fits, as in Linux.
  if (*optlen < sizeof(int) && *optlen > 0 && val >= 0 && val <= 255) {
    uint8_t uc = static_cast<uint8_t>(val);
    *optlen = 1;
    if (copy_to_user(optval, &uc, 1)) return -EFAULT;
    return 0;
  }
  unsigned len = *optlen < sizeof(int) ? *optlen : sizeof(int);
  if (copy_to_user(optval, &val, len)) return -EFAULT;
  *optlen = len;
  return 0;
}

}  // namespace sendoff
