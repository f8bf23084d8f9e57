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

# The packager infers the interfaces from the port names: ap_clk/ap_rst_n, s_axi_control
# (AXI4-Lite), m_axi_desc and m_axi_data (AXI4, read channels only), m_axis_tx (AXI4-Stream).
ipx::package_project -root_dir $work/ip -vendor sendoff.org -library kernel \
  -taxonomy /KernelIP -import_files -set_current false
ipx::unload_core $work/ip/component.xml
ipx::edit_ip_in_project -upgrade true -name ${kernel}_edit -directory $work/edit \
  $work/ip/component.xml
set core [ipx::current_core]
set_property sdx_kernel true $core
set_property sdx_kernel_type rtl $core
set_property supported_families {virtexuplus Production virtexuplusHBM Production} $core
foreach busif {s_axi_control m_axi_desc m_axi_data m_axis_tx} {
  if {[llength [ipx::get_bus_interfaces $busif -of_objects $core]] == 0} {
    error "package_xo.tcl: the packager found no interface $busif on $kernel; did the ports change?"
  }
  ipx::associate_bus_interfaces -busif $busif -clock ap_clk $core
}
ipx::create_xgui_files $core
ipx::update_checksums $core
ipx::check_integrity -kernel $core
ipx::save_core $core
close_project -delete

package_xo -force -xo_path $xo -kernel_name $kernel -ip_directory $work/ip -kernel_xml $kernel_xml
puts "package_xo.tcl: wrote $xo"
