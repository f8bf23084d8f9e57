// SPDX-License-Identifier: MIT
// sendoff's own C-simulation stand-in for Vitis HLS's <ap_axi_sdata.h>:
// AXI4-Stream beats with side channels. ap_axiu has unsigned data, ap_axis
// signed data. A side channel of width 0 is absent on the wire; here it is a
// one-bit field that stays 0, so code that leaves it alone behaves the same
// with Vitis HLS's header. Only for C simulation.
#ifndef SENDOFF_COMPAT_AP_AXI_SDATA_H
#define SENDOFF_COMPAT_AP_AXI_SDATA_H

#ifdef __SYNTHESIS__
#error "hls/compat/ap_axi_sdata.h is for C simulation only; synthesize with Vitis HLS's headers"
#endif

#include <ap_int.h>  // Vitis HLS's, when HLS_INCLUDE_DIRS puts it first

namespace ap_compat {
template <int N>
struct side_channel {
  using type = ap_uint<N>;
};
template <>
struct side_channel<0> {
  using type = ap_uint<1>;
};
}  // namespace ap_compat

template <int D, int U, int TI, int TD>
struct ap_axiu {
  ap_uint<D> data;
  ap_uint<(D + 7) / 8> keep;  // byte i of data is valid
  ap_uint<(D + 7) / 8> strb;
  typename ap_compat::side_channel<U>::type user;
  ap_uint<1> last;
  typename ap_compat::side_channel<TI>::type id;
  typename ap_compat::side_channel<TD>::type dest;
};

template <int D, int U, int TI, int TD>
struct ap_axis {
  ap_int<D> data;
  ap_uint<(D + 7) / 8> keep;
  ap_uint<(D + 7) / 8> strb;
  typename ap_compat::side_channel<U>::type user;
  ap_uint<1> last;
  typename ap_compat::side_channel<TI>::type id;
  typename ap_compat::side_channel<TD>::type dest;
};

#endif  // SENDOFF_COMPAT_AP_AXI_SDATA_H
