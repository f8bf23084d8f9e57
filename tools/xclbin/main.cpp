// SPDX-License-Identifier: MIT
// sendoff-xclbin: writes a bitstream-free xclbin from the kernel.xml files and
// the v++ link config that bitstreams/ declares, for XRT's noop shim in CI.
//
//   sendoff-xclbin --kernel-xml bitstreams/rtl/kernel.xml
//       --config bitstreams/link/u250_rtl.cfg --platform noop_u250 -o sendoff_rtl.xclbin
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>

#include "kernel_decl.hpp"
#include "xclbin_writer.hpp"

using namespace sendoff::xclbin;

int main(int argc, char** argv) {
  CLI::App app{"Write a bitstream-free xclbin (IP_LAYOUT, MEM_TOPOLOGY, CONNECTIVITY, kernel XML)"};
  std::vector<std::string> kernel_xml, bank_opts;
  std::string config, platform, out;
  bool metadata_only = false;
  app.add_option("--kernel-xml", kernel_xml, "A kernel.xml (package_xo format), repeatable")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--config", config,
                 "The v++ link config ([connectivity] nk, sp, stream_connect; connect ignored)")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--platform", platform, "Platform name for the header")->required();
  app.add_option("--bank", bank_opts, "Memory geometry TAG=BASE:BYTES, e.g. DDR[0]=0x0:0x400000000");
  app.add_option("-o,--output", out, "Where to write the xclbin")->required();
  app.add_flag("--print-metadata", metadata_only, "Print the embedded kernel XML instead");
  CLI11_PARSE(app, argc, argv);

  XclbinInput in;
  in.platform = platform;
  std::string err;
  for (const std::string& path : kernel_xml) {
    KernelDecl k;
    if (!load_kernel_xml(path, &k, &err)) {
      fprintf(stderr, "sendoff-xclbin: %s\n", err.c_str());
      return 1;
    }
    in.kernels.push_back(k);
  }
  if (!load_link_config(config, &in.link, &err)) {
    fprintf(stderr, "sendoff-xclbin: %s\n", err.c_str());
    return 1;
  }
  for (const std::string& b : bank_opts) {
    size_t eq = b.find('='), colon = b.rfind(':');
    Bank g;
    if (eq == std::string::npos || colon == std::string::npos || colon < eq ||
        !parse_number(b.substr(eq + 1, colon - eq - 1), &g.base) ||
        !parse_number(b.substr(colon + 1), &g.size)) {
      fprintf(stderr, "sendoff-xclbin: --bank %s: expected TAG=BASE:BYTES\n", b.c_str());
      return 2;
    }
    in.banks[b.substr(0, eq)] = g;
  }

  std::vector<uint8_t> image;
  if (!build_xclbin(in, &image, &err)) {
    fprintf(stderr, "sendoff-xclbin: %s\n", err.c_str());
    return 1;
  }
  if (metadata_only) {
    fputs(embedded_metadata(in).c_str(), stdout);
    return 0;
  }
  std::ofstream f(out, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(image.data()), static_cast<std::streamsize>(image.size()));
  f.close();
  if (!f) {
    fprintf(stderr, "sendoff-xclbin: cannot write %s\n", out.c_str());
    return 1;
  }
  return 0;
}
