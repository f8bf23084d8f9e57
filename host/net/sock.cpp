// SPDX-License-Identifier: MIT
// Generic socket state and SOL_SOCKET options, after net/core/sock.c.
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "net.hpp"
#include "uaccess.hpp"

namespace sendoff {

namespace {

// SOCK_MIN_SNDBUF: 2 * (2048 + SKB_DATA_ALIGN(sizeof(struct sk_buff))).
constexpr int kSockMinSndbuf = 4608;

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

}  // namespace

void Sysctls::load() {
  read_sysctl("/proc/sys/net/core/wmem_default", &wmem_default);
  read_sysctl("/proc/sys/net/core/wmem_max", &wmem_max);
  read_sysctl("/proc/sys/net/ipv4/ip_default_ttl", &ip_default_ttl);
  read_sysctl("/proc/sys/net/ipv4/ip_local_port_range", &port_lo, &port_hi);
}

// sk_free / __sk_free (net/core/sock.c): the socket's memory stays while the
// NIC holds packets charged to it.
void __sk_free(sock* sk) { delete sk->sk_socket; }

void sk_free(sock* sk) {
  if (sk->wmem_alloc.fetch_sub(1, std::memory_order_acq_rel) == 1) __sk_free(sk);
}

void sock_init_data(net* n, sock* sk) {
  sk->sk_net = n;
  sk->sndbuf = n->sysctl.wmem_default;
  sk->state = TCP_CLOSE;
}

int sock_setsockopt(socket* sock, int /*level*/, int optname, const void* optval,
                    unsigned optlen) {
  struct sock* sk = &sock->sk;
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
      sk->priority = val;
      return 0;
    case SO_SNDBUF:
    case SO_SNDBUFFORCE: {
      // The kernel doubles the value to leave room for its bookkeeping.
      unsigned v = static_cast<unsigned>(val);
      if (optname == SO_SNDBUF && v > static_cast<unsigned>(sk->sk_net->sysctl.wmem_max))
        v = static_cast<unsigned>(sk->sk_net->sysctl.wmem_max);
      if (v > INT32_MAX / 2) v = INT32_MAX / 2;
      sk->userlocks |= SOCK_SNDBUF_LOCK;
      int doubled = static_cast<int>(v) * 2;
      sk->sndbuf = doubled > kSockMinSndbuf ? doubled : kSockMinSndbuf;
      return 0;
    }
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
    case SO_TYPE: v = sk->type; break;
    case SO_PROTOCOL: v = sk->protocol; break;
    case SO_DOMAIN: v = sk->family; break;
    case SO_ERROR: v = 0; break;
    default: return -ENOPROTOOPT;
  }
  return put_int_opt(v, optval, optlen);
}

}  // namespace sendoff
