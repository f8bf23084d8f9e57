// SPDX-License-Identifier: MIT
// cmac_0's link through its registers: reading the state (counters after a
// tick, RX status twice) and bringing the link up as PG203's example design
// does, within a bounded wait.
#ifndef SENDOFF_CMAC_LINK_HPP
#define SENDOFF_CMAC_LINK_HPP

#include <chrono>
#include <string>

#include "sendoff/cmac_port.hpp"
#include "sendoff/cmac_status.hpp"

namespace sendoff {
namespace cmac {

// Every register decode_cmac_status() wants. False with *err on a failed access.
bool read_cmac_registers(CmacPort* port, CmacRegisters* r, std::string* err);

// read_cmac_registers() then decode_cmac_status().
bool read_cmac_status(CmacPort* port, CmacStatus* s, std::string* err);

// How long bring_up_link() waits for alignment, then for the peer to hear us.
constexpr std::chrono::milliseconds kLinkWait{2000};

// PG203's bring-up: RS-FEC on (RSFEC_CONFIG_INDICATION_CORRECTION 0x7,
// RSFEC_CONFIG_ENABLE 0x3) or off (both 0); RX enabled; TX sending remote
// fault until RX is aligned, then enabled. True when the sequence ran, with
// *s the state at the end: s->up false if the link was not up within `wait`
// (link_refusal() says why). False with *err when a register access fails,
// the kernel is not sendoff's CMAC, or RS-FEC is wanted but not built in.
bool bring_up_link(CmacPort* port, bool rs_fec, std::chrono::milliseconds wait, CmacStatus* s,
                   std::string* err);

// The link before a send: bring_up_link(), then true if it is up. Else false
// with *err one line, "<who>: " and link_refusal() or the failure.
bool link_ready_for_send(const std::string& who, CmacPort* port, bool rs_fec,
                         std::chrono::milliseconds wait, CmacStatus* s, std::string* err);

}  // namespace cmac
}  // namespace sendoff

#endif  // SENDOFF_CMAC_LINK_HPP
