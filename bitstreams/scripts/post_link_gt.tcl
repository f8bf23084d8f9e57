# SPDX-License-Identifier: MIT
# v++ -l post-link hook (--advanced.param compiler.userPostSysLinkOverlayTcl=<this file>): runs
# in Vivado with the linked block design open, and wires the CMAC kernel's GT side to the
# platform's QSFP pins, which v++'s [connectivity] options do not reach here.
#
# Names come from the environment (set by bitstreams/Makefile per card):
#   SENDOFF_CMAC_CU      the CMAC instance (cmac_0)
#   SENDOFF_GT_PORT      the platform's GT interface for QSFP0 (io_gt_qsfp0_00)
#   SENDOFF_GT_REFCLK    the platform's reference-clock interface for it
#   SENDOFF_FREERUN_CLK  a free-running platform clock pin for the CMAC's init_clk
# The CMAC kernel's own pins: gt_serial_port (GT lanes), gt_ref_clk (differential reference
# clock), init_clk.
proc sendoff_env {name} {
  if {![info exists ::env($name)] || $::env($name) eq ""} {
    error "post_link_gt.tcl: $name is not set (run v++ -l through bitstreams/Makefile)"
  }
  return $::env($name)
}
proc sendoff_one {what objs} {
  if {[llength $objs] != 1} {
    error "post_link_gt.tcl: expected one $what, found [llength $objs]: check the names with platforminfo and the CMAC kernel's ports"
  }
  return $objs
}

set cmac    [sendoff_env SENDOFF_CMAC_CU]
set gt      [sendoff_one "GT interface [sendoff_env SENDOFF_GT_PORT]" \
               [get_bd_intf_ports -quiet [sendoff_env SENDOFF_GT_PORT]]]
set refclk  [sendoff_one "reference clock [sendoff_env SENDOFF_GT_REFCLK]" \
               [get_bd_intf_ports -quiet [sendoff_env SENDOFF_GT_REFCLK]]]
set freerun [sendoff_one "clock pin [sendoff_env SENDOFF_FREERUN_CLK]" \
               [get_bd_pins -quiet [sendoff_env SENDOFF_FREERUN_CLK]]]

connect_bd_intf_net $gt     [sendoff_one "$cmac/gt_serial_port" [get_bd_intf_pins -quiet $cmac/gt_serial_port]]
connect_bd_intf_net $refclk [sendoff_one "$cmac/gt_ref_clk" [get_bd_intf_pins -quiet $cmac/gt_ref_clk]]
connect_bd_net      $freerun [sendoff_one "$cmac/init_clk" [get_bd_pins -quiet $cmac/init_clk]]
puts "post_link_gt.tcl: $cmac wired to [sendoff_env SENDOFF_GT_PORT] / [sendoff_env SENDOFF_GT_REFCLK]"
