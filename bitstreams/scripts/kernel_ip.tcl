# SPDX-License-Identifier: MIT
# What packaging a Vitis RTL kernel takes either side of its own interfaces, shared by
# package_xo.tcl (the RTL flavour) and ../cmac/package_cmac.tcl (cmac_0). Sourced, with the
# project already holding the kernel's sources and top.

# Packages the open project as an IP under $work/ip and opens it for editing as a Vitis
# kernel (vendor:library:name:version = kernel.xml's vlnv); returns the core.
proc sendoff_kernel_ip_open {work vendor library name version} {
  ipx::package_project -root_dir $work/ip -vendor $vendor -library $library \
    -taxonomy /KernelIP -import_files -set_current false
  ipx::unload_core $work/ip/component.xml
  ipx::edit_ip_in_project -upgrade true -name ${name}_edit -directory $work/edit \
    $work/ip/component.xml
  set core [ipx::current_core]
  set_property name $name $core
  set_property version $version $core
  set_property sdx_kernel true $core
  set_property sdx_kernel_type rtl $core
  set_property supported_families {virtexuplus Production virtexuplusHBM Production} $core
  return $core
}

# Each named interface must have been inferred; it runs on ap_clk.
proc sendoff_kernel_ip_on_ap_clk {core top busifs} {
  foreach busif $busifs {
    if {[llength [ipx::get_bus_interfaces $busif -of_objects $core]] == 0} {
      error "the packager found no interface $busif on $top; did the ports change?"
    }
    ipx::associate_bus_interfaces -busif $busif -clock ap_clk $core
  }
}

# Checks and saves the core, closes the project and writes the .xo.
proc sendoff_kernel_ip_close {core work xo name kernel_xml} {
  ipx::create_xgui_files $core
  ipx::update_checksums $core
  ipx::check_integrity -kernel $core
  ipx::save_core $core
  close_project -delete
  package_xo -force -xo_path $xo -kernel_name $name -ip_directory $work/ip -kernel_xml $kernel_xml
  puts "wrote $xo"
}
