# SPDX-License-Identifier: MIT
# Packages cmac_0.xo: generates Xilinx's CMAC UltraScale+ IP (cmac_usplus) for one card's
# QSFP0, wraps it in cmac_krnl.sv and packages the result as a user-managed RTL kernel with
# cmac/kernel.xml. Every card-specific value comes from bitstreams/Makefile.
#
#   vivado -mode batch -source package_cmac.tcl -tclargs <out.xo> <kernel.xml> <part> \
#       <card id> <CMACE4 site> <GT group> <refclk MHz> <init_clk MHz> <rsfec 0|1> <sources...>
#
# The sources come in compile order, cmac_krnl.sv (the top) last.
if {[llength $argv] < 10} {
  error "usage: package_cmac.tcl <out.xo> <kernel.xml> <part> <card id> <CMACE4 site> <GT group> <refclk MHz> <init_clk MHz> <rsfec> <sources...>"
}
lassign $argv xo kernel_xml part card_id cmac_site gt_group refclk_mhz init_mhz rsfec
set xo         [file normalize $xo]
set kernel_xml [file normalize $kernel_xml]
set sources    [lrange $argv 9 end]
if {$rsfec ni {0 1}} { error "package_cmac.tcl: rsfec must be 0 or 1, not $rsfec" }

# The kernel's VLNV is kernel.xml's (sendoff.org:kernel:cmac_0:1.0); the RTL top is cmac_krnl.
set vendor  sendoff.org
set library kernel
set kernel  cmac_0
set version 1.0
set top     cmac_krnl
set ip_name cmac_usplus_0
set work    [file normalize ./package_${kernel}]

file delete -force $work
create_project -force ${kernel}_pkg $work/project -part $part

# CAUI-4 (4 x 25.78125 Gb/s) on the card's QSFP0 quad; AXI4-Stream user interface with no
# pause frames (the NIC has no flow control); the AXI4-Lite control and statistics
# interface replaces the ctl_* pins, so the host configures the MAC through registers;
# GT and shared logic inside the core; the optional hard RS-FEC (Clause 91) per RSFEC.
create_ip -name cmac_usplus -vendor xilinx.com -library ip -module_name $ip_name
set_property -dict [list \
  CONFIG.CMAC_CAUI4_MODE             {1} \
  CONFIG.NUM_LANES                   {4x25} \
  CONFIG.CMAC_CORE_SELECT            $cmac_site \
  CONFIG.GT_GROUP_SELECT             $gt_group \
  CONFIG.GT_REF_CLK_FREQ             $refclk_mhz \
  CONFIG.GT_DRP_CLK                  $init_mhz \
  CONFIG.USER_INTERFACE              {AXIS} \
  CONFIG.INCLUDE_SHARED_LOGIC        {2} \
  CONFIG.ENABLE_AXI_INTERFACE        {1} \
  CONFIG.INCLUDE_STATISTICS_COUNTERS {1} \
  CONFIG.INCLUDE_RS_FEC              $rsfec \
  CONFIG.TX_FLOW_CONTROL             {0} \
  CONFIG.RX_FLOW_CONTROL             {0} \
  CONFIG.RX_MAX_PACKET_LEN           {9600} \
  CONFIG.ENABLE_PIPELINE_REG         {1} \
] [get_ips $ip_name]
generate_target {synthesis} [get_ips $ip_name]

add_files -norecurse $sources
set_property file_type SystemVerilog [get_files *.sv]
set_property top $top [current_fileset]
update_compile_order -fileset sources_1

source [file join [file dirname [info script]] .. scripts kernel_ip.tcl]
set core [sendoff_kernel_ip_open $work $vendor $library $kernel $version]
# The packager infers these from the port names (ap_clk, s_axi_control_*, S_AXIS_*, M_AXIS_*).
sendoff_kernel_ip_on_ap_clk $core $top {s_axi_control S_AXIS M_AXIS}

# KRNL_CONFIG reports what this .xo was built for: the packaged defaults of the top's
# parameters become this build's values.
foreach {name value} [list RsFec $rsfec Card $card_id] {
  set_property value $value [ipx::get_user_parameters $name -of_objects $core]
  set_property value $value [ipx::get_hdl_parameters $name -of_objects $core]
}

# The GT side, as interfaces the link configs' connect= lines name: whatever the packager
# guessed for these ports is replaced.
proc sendoff_new_busif {core name abstraction bus mode ports} {
  foreach b [ipx::get_bus_interfaces -of_objects $core] {
    foreach m [ipx::get_port_maps -of_objects $b] {
      if {[get_property physical_name $m] in [dict values $ports]} {
        ipx::remove_bus_interface [get_property name $b] $core
        break
      }
    }
  }
  set b [ipx::add_bus_interface $name $core]
  set_property abstraction_type_vlnv $abstraction $b
  set_property bus_type_vlnv $bus $b
  set_property interface_mode $mode $b
  dict for {logical physical} $ports {
    set_property physical_name $physical [ipx::add_port_map $logical $b]
  }
  return $b
}
proc sendoff_freq {busif hz} {
  set p [ipx::get_bus_parameters FREQ_HZ -of_objects $busif]
  if {[llength $p] == 0} { set p [ipx::add_bus_parameter FREQ_HZ $busif] }
  set_property value $hz $p
}
sendoff_new_busif $core gt_serial_port xilinx.com:interface:gt_rtl:1.0 xilinx.com:interface:gt:1.0 \
  master {GRX_P gt_rxp_in GRX_N gt_rxn_in GTX_P gt_txp_out GTX_N gt_txn_out}
sendoff_freq [sendoff_new_busif $core gt_ref_clk xilinx.com:interface:diff_clock_rtl:1.0 \
  xilinx.com:interface:diff_clock:1.0 slave {CLK_P gt_ref_clk_p CLK_N gt_ref_clk_n}] \
  [expr {round($refclk_mhz * 1e6)}]
sendoff_freq [sendoff_new_busif $core init_clk xilinx.com:signal:clock_rtl:1.0 \
  xilinx.com:signal:clock:1.0 slave {CLK init_clk}] [expr {round($init_mhz * 1e6)}]

sendoff_kernel_ip_close $core $work $xo $kernel $kernel_xml
puts "package_cmac.tcl: card $card_id, $cmac_site $gt_group, refclk $refclk_mhz MHz, RS-FEC $rsfec"
