// SPDX-License-Identifier: MIT
// The device layer's transmit side, after net/core/dev.c: dev_queue_xmit
// hands an skb to the driver; sendoff has no qdisc, so a full TX ring makes
// the sender wait (or EAGAIN), as a blocking socket does on a full send
// buffer.
#include <sys/uio.h>

#include <cerrno>
#include <string>

#include "net.hpp"

namespace sendoff {

int dev_queue_xmit(net* n, sk_buff* skb) {
  TraceScope ts(n->trace, "dev_queue_xmit");
  for (;;) {
    int err;
    {
      TraceScope xs(n->trace, "ndo_start_xmit");
      err = n->nic.ndo_start_xmit(skb);
      if (xs.on()) {
        if (err == 0)
          xs.ret(0, "desc len " + std::to_string(skb->len));
        else
          xs.ret(err, err == -EFAULT ? "payload not readable" : err == -EBUSY ? "ring full" : "");
      }
    }
    if (err != -EBUSY) return static_cast<int>(ts.ret(err));
    if (skb->nonblock) return static_cast<int>(ts.ret(-EAGAIN, "TX ring full"));
    if (n->dying.load(std::memory_order_acquire))
      return static_cast<int>(ts.ret(-ENETDOWN, "stack closing"));
    n->nic.xmit_flush();  // what xmit_more held back must go before we sleep
    n->nic.wait_progress(kTxWaitSliceUs);
  }
}

int dev_queue_xmit_frame(net* n, const uint8_t* frame, size_t len, bool nonblock) {
  TraceScope ts(n->trace, "dev_queue_xmit_frame");
  // The NIC would reject these as descriptor errors, silently: say so here.
  if (len < abi::ETH_HLEN) return static_cast<int>(ts.ret(-EINVAL, "shorter than a header"));
  if (len > abi::ETH_FRAME_MAX)
    return static_cast<int>(ts.ret(-EMSGSIZE, std::to_string(len) + " B frame"));
  iovec iov{const_cast<uint8_t*>(frame), len};
  sk_buff skb;
  skb.iov = &iov;
  skb.iovlen = 1;
  skb.len = len;
  skb.l4_kind = abi::TXD_L4_ETH;
  skb.tx_flags = abi::TXD_L4_ETH;
  skb.nonblock = nonblock;
  return static_cast<int>(ts.ret(dev_queue_xmit(n, &skb)));
}

}  // namespace sendoff
