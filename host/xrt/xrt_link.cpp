// SPDX-License-Identifier: MIT
// bring_up_xrt_link(): the card's link before a send, so that a link that is
// down is refused at once instead of the NIC waiting for a MAC that never
// takes a frame.
#include "sendoff/cmac_link.hpp"
#include "sendoff/xrt_backend.hpp"
#include "xrt_internal.hpp"

namespace sendoff {

bool bring_up_xrt_link(const XrtOptions& opts, bool rs_fec, cmac::CmacStatus* s,
                       std::string* err) {
  XrtOptions o = opts;
  o.check_nic = false;  // the link first: a NIC behind a dead link is no use
  auto dev = open_xrt_device(o, err);
  if (!dev) return false;
  const std::string who = "xrt device " + dev->info().device;
  if (cmac::link_ready_for_send(who, dev->cmac(), rs_fec, cmac::kLinkWait, s, err)) return true;
  // Register access failing is what a machine without a card shows.
  if (err->rfind(who + ": register ", 0) == 0) *err += "; " + xrt_backend::no_card_hint();
  return false;
}

}  // namespace sendoff
