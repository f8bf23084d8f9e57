# SPDX-License-Identifier: MIT
# Packages the RTL flavour as a Vitis kernel (.xo): Vivado IP packager over the SystemVerilog
# sources, then package_xo with rtl/kernel.xml (user-managed, nic_abi.hpp register map).
#
#   vivado -mode batch -source package_xo.tcl -tclargs <out.xo> <kernel.xml> <part> <sources...>
#
# The sources come in compile order: sendoff_pkg.sv first, sendoff_tx_rtl.sv (the top) last.
if {[llength $argv] < 4} {
  error "usage: package_xo.tcl <out.xo> <kernel.xml> <part> <sources...>"
}
set xo         [file normalize [lindex $argv 0]]
set kernel_xml [file normalize [lindex $argv 1]]
set part       [lindex $argv 2]
set sources    [lrange $argv 3 end]
set kernel     sendoff_tx_rtl
set work       [file normalize ./package_${kernel}]

file delete -force $work
create_project -force ${kernel}_pkg $work/project -part $part
add_files -norecurse $sources
set_property file_type SystemVerilog [get_files *.sv]
set_property top $kernel [current_fileset]
update_compile_order -fileset sources_1

source [file join [file dirname [info script]] kernel_ip.tcl]

# The packager infers the interfaces from the port names: ap_clk/ap_rst_n, s_axi_control
# (AXI4-Lite), m_axi_desc, m_axi_data and m_axi_rx (AXI4), m_axis_tx and s_axis_rx
# (AXI4-Stream). kernel.xml's vlnv is sendoff.org:kernel:sendoff_tx_rtl:1.0.
set core [sendoff_kernel_ip_open $work sendoff.org kernel $kernel 1.0]
sendoff_kernel_ip_on_ap_clk $core $kernel {s_axi_control m_axi_desc m_axi_data m_axi_rx m_axis_tx s_axis_rx}
sendoff_kernel_ip_close $core $work $xo $kernel $kernel_xml
