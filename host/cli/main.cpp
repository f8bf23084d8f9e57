// SPDX-License-Identifier: MIT
// sendoff: the command line. Exit codes: 0 done, 1 runtime failure (a send
// error, a device that does not open), 2 a bad flag or value.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "bench_command.hpp"
#include "info_command.hpp"
#include "recv_command.hpp"
#include "send_command.hpp"
#include "send_options.hpp"
#include "usage_error.hpp"

using namespace sendoff::cli;

int main(int argc, char** argv) {
  CLI::App app{"sendoff: the Linux send() path, offloaded to a SmartNIC"};
  app.require_subcommand(1, 1);

  SendOptions send_opts;
  CLI::App* send = app.add_subcommand("send", "Send UDP datagrams through sendoff's NIC");
  add_send_options(send, &send_opts);

  RecvOptions recv_opts;
  CLI::App* recv = app.add_subcommand(
      "recv", "Receive UDP datagrams through sendoff's NIC, its MAC port on a TAP");
  add_recv_options(recv, &recv_opts);

  BenchOptions bench_opts;
  CLI::App* bench = app.add_subcommand("bench", "Measure sendoff against the kernel");
  add_bench_options(bench, &bench_opts);

  InfoOptions info_opts;
  CLI::App* info = app.add_subcommand("info", "Show a back end: device, xclbin, kernels, counters");
  add_info_options(info, &info_opts);

  auto help_hint = [&] {
    if (send->parsed()) return std::string(" (see 'sendoff send --help')");
    if (bench->parsed()) return std::string(" (see 'sendoff bench --help')");
    if (recv->parsed()) return std::string(" (see 'sendoff recv --help')");
    if (info->parsed()) return std::string(" (see 'sendoff info --help')");
    return std::string(" (see 'sendoff --help')");
  };
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    fprintf(stderr, "sendoff: %s%s\n", e.what(), help_hint().c_str());
    return kExitUsage;
  }
  try {
    if (send->parsed()) return run_send(send_opts);
    if (info->parsed()) return run_info(info_opts);
    if (recv->parsed()) return run_recv(recv_opts);
    return run_bench(bench_opts);
  } catch (const UsageError& e) {
    fprintf(stderr, "sendoff: %s%s\n", e.what(), help_hint().c_str());
    return kExitUsage;
  }
}
