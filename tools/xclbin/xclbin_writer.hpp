// SPDX-License-Identifier: MIT
// Writes an xclbin (the axlf container of XRT's public xclbin.h) that
// describes kernels, compute units and their memory connections, with no
// bitstream: what XRT's noop shim and xrt::xclbin need to open a device,
// load the image, look kernels and IPs up and allocate their buffers.
//
// Sections: IP_LAYOUT (one IP_KERNEL per CU), MEM_TOPOLOGY (one bank per
// distinct sp target, plus one MEM_STREAMING_CONNECTION per stream_connect),
// CONNECTIVITY (argument -> bank) and EMBEDDED_METADATA (the kernel XML XRT
// reads argument offsets, sizes and ports from).
#ifndef SENDOFF_TOOLS_XCLBIN_XCLBIN_WRITER_HPP
#define SENDOFF_TOOLS_XCLBIN_XCLBIN_WRITER_HPP

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "kernel_decl.hpp"

namespace sendoff {
namespace xclbin {

struct Bank {
  uint64_t base = 0;
  uint64_t size = 0;  // bytes
};

struct XclbinInput {
  std::string platform;             // platform name written into the header
  std::vector<KernelDecl> kernels;  // kernels we describe; nk lines for others are external
  LinkSpec link;
  // Address and size per memory tag. A test image has no platform to take
  // them from, so tags missing here get the placeholders of default_bank().
  std::map<std::string, Bank> banks;
};

// Placeholder geometry for a tag (DDR[n], HBM[n], HOST[n], PLRAM[n]): not a
// real platform's; enough for XRT to tell banks apart. False for other tags.
bool default_bank(const std::string& tag, Bank* b);

// Builds the image. Fails with a message when the link config and the
// kernels disagree: an sp on an unknown CU, argument or port, a global
// argument without an sp, a CU of a described kernel that nk does not name.
bool build_xclbin(const XclbinInput& in, std::vector<uint8_t>* image, std::string* err);

// The kernel XML of EMBEDDED_METADATA for the input (also part of the image).
std::string embedded_metadata(const XclbinInput& in);

}  // namespace xclbin
}  // namespace sendoff

#endif  // SENDOFF_TOOLS_XCLBIN_XCLBIN_WRITER_HPP
