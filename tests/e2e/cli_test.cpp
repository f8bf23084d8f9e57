// SPDX-License-Identifier: MIT
// The sendoff binary, run as a user would: good commands do what they say
// (frames in the pcap, checked by tshark; a summary), bad flags and values
// end with exit code 2 and one stderr line that names the flag, runtime
// failures with exit code 1 and the errno's name.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "fst_header.hpp"
#include "pcap_file.hpp"
#include "subprocess.hpp"
#include "temp_dir.hpp"
#include "prereq.hpp"
#include "tshark_runner.hpp"

namespace sendoff {
namespace e2e {
namespace {

sys::ProcessResult sendoff_cli(std::vector<std::string> args) {
  args.insert(args.begin(), SENDOFF_CLI_PATH);
  return sys::run_process(args);
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// The value of "name   value" in the summary, or "" if absent.
std::string summary(const std::string& out, const std::string& name) {
  std::smatch m;
  std::regex re("(^|\n)" + name + " +([^\n]*)");
  return std::regex_search(out, m, re) ? m[2].str() : "";
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(dir_.ok()); }
  test::TempDir dir_;
};

TEST_F(Cli, DefaultSendWritesOneFrameAndASummary) {
  const std::string pcap = dir_.file("out.pcap");
  auto r = sendoff_cli({"send", "--pcap", pcap});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(summary(r.out, "datagrams"), "1");
  EXPECT_EQ(summary(r.out, "payload bytes"), "64");
  EXPECT_EQ(summary(r.out, "frames"), "1");
  EXPECT_EQ(summary(r.out, "frame bytes"), "106");  // 14 + 20 + 8 + 64
  EXPECT_EQ(summary(r.out, "errors"), "0");
  EXPECT_TRUE(std::regex_match(summary(r.out, "elapsed"), std::regex("[0-9.]+ s")));
  EXPECT_EQ(summary(r.out, "pcap"), pcap);

  SENDOFF_REQUIRE(test::missing_program("tshark"));
  TsharkRunner tshark;
  std::string err;
  auto rows = tshark.fields(
      pcap, "", {"eth.src", "eth.dst", "ip.src", "ip.dst", "udp.dstport", "udp.length"}, &err);
  ASSERT_EQ(err, "");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"02:00:00:00:00:01", "02:00:00:00:00:02",
                                               "198.18.0.1", "198.18.0.2", "9000", "72"}));
  EXPECT_EQ(tshark.problems(pcap, &err), std::vector<std::string>{});
}

// --card-memory (csim modelling a card's DDR): the same frames, byte for byte, as
// on host-coherent memory, for one doorbell and two DMA syncs (descriptor, payload)
// per send; the coherent device syncs nothing.
TEST_F(Cli, CardMemorySendsTheSameFramesForTwoSyncsASend) {
  const std::string host = dir_.file("host.pcap"), card = dir_.file("card.pcap");
  const std::vector<std::string> common = {"send", "--backend", "csim", "--count", "40",
                                           "--size", "300", "--size-max", "900",
                                           "--src-port", "40000"};
  std::vector<std::string> a = common, b = common;
  a.insert(a.end(), {"--pcap", host});
  b.insert(b.end(), {"--pcap", card, "--card-memory"});
  auto ra = sendoff_cli(a), rb = sendoff_cli(b);
  ASSERT_EQ(ra.exit_code, 0) << ra.err;
  ASSERT_EQ(rb.exit_code, 0) << rb.err;
  EXPECT_EQ(summary(ra.out, "doorbells"), "40");
  // Host-coherent: the one sync is the receive path's completion ring, at open.
  EXPECT_EQ(summary(ra.out, "dma syncs"), "1 (8192 bytes)");
  EXPECT_EQ(summary(rb.out, "doorbells"), "40");
  EXPECT_TRUE(std::regex_match(summary(rb.out, "dma syncs"), std::regex("80 \\([0-9]+ bytes\\)")))
      << rb.out;
  EXPECT_EQ(summary(rb.out, "errors"), "0");
  // pcap records carry their capture time: compare the frames, not the files; and
  // each run draws its own IP ID base (as Linux salts it), so leave the ID and the
  // header checksum out.
  std::string err;
  auto fa = test::read_pcap_frames(host, &err), fb = test::read_pcap_frames(card, &err);
  ASSERT_EQ(err, "");
  ASSERT_EQ(fa.size(), 40u);
  for (auto* frames : {&fa, &fb})
    for (auto& f : *frames)
      for (size_t at : {18, 19, 24, 25}) f.at(at) = 0;  // IPv4 ID, header checksum
  EXPECT_EQ(fa, fb);
}

TEST_F(Cli, InputFileIsCutIntoSizedDatagramsLastOneShorter) {
  const std::string input = dir_.file("in.bin"), pcap = dir_.file("in.pcap");
  std::string bytes;
  for (int i = 0; i < 250; ++i) bytes.push_back(static_cast<char>(i));
  std::ofstream(input, std::ios::binary) << bytes;
  auto r = sendoff_cli(
      {"send", "--input", input, "--size", "100", "--src-port", "40000", "--pcap", pcap});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(summary(r.out, "datagrams"), "3");
  EXPECT_EQ(summary(r.out, "payload bytes"), "250");

  SENDOFF_REQUIRE(test::missing_program("tshark"));
  std::string err;
  auto rows = TsharkRunner().fields(pcap, "udp", {"udp.srcport", "data.data"}, &err);
  ASSERT_EQ(err, "");
  ASSERT_EQ(rows.size(), 3u);
  std::vector<uint8_t> joined;
  for (const auto& row : rows) {
    EXPECT_EQ(row[0], "40000");
    auto part = hex_to_bytes(row[1]);
    joined.insert(joined.end(), part.begin(), part.end());
  }
  EXPECT_EQ(std::string(joined.begin(), joined.end()), bytes);
}

TEST_F(Cli, TraceShowsHostLayersThenNicLayersPerSend) {
  auto r = sendoff_cli({"send", "--trace", "--count", "2", "--size", "2000"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto out = lines(r.out);
  // The host layers of the first send, in call order (Linux's names down to the
  // driver), then the NIC's: a
  // 2008-byte UDP datagram leaves as two fragments at MTU 1500.
  const std::vector<std::string> order = {"send 1:",
                                          "  sys_sendto ",
                                          "  sockfd_lookup_light ",
                                          "  sock_sendmsg ",
                                          "  security_socket_sendmsg ",
                                          "  inet_sendmsg ",
                                          "  inet_autobind ",
                                          "  udp_sendmsg ",
                                          "  ip_make_skb ",
                                          "  sock_alloc_send_skb ",
                                          "  __ip_append_data ",
                                          "  udp_send_skb ",
                                          "  ip_send_skb ",
                                          "  ip_local_out ",
                                          "  ip_output ",
                                          "  ip_finish_output2 ",
                                          "  neigh_output ",
                                          "  dev_queue_xmit ",
                                          "  ndo_start_xmit ",
                                          "  udp_tx ",
                                          "  ip_tx ",
                                          "  ip_tx ",
                                          "  eth_tx ",
                                          "  eth_tx ",
                                          "send 2:"};
  size_t at = 0;
  for (const auto& want : order) {
    while (at < out.size() && out[at].rfind(want, 0) != 0) ++at;
    ASSERT_LT(at, out.size()) << "no line starting '" << want << "' in order:\n" << r.out;
    ++at;
  }
  EXPECT_NE(r.out.find("sport "), std::string::npos);
  EXPECT_NE(r.out.find(" MF "), std::string::npos) << "first fragment shows MF";
  EXPECT_EQ(summary(r.out, "frames"), "4");
}

#if SENDOFF_E2E_HAVE_RTL
// The RTL's waveform without a rebuild: a finished FST with signals and the simulated time
// of the send, alone and in co-simulation.
TEST_F(Cli, TraceFstWritesTheRtlWaveform) {
  for (const bool cosim : {false, true}) {
    SCOPED_TRACE(cosim ? "--cosim" : "verilator");
    const std::string fst = dir_.file(cosim ? "cosim.fst" : "rtl.fst");
    std::vector<std::string> args{"send", "--backend", "verilator", "--count", "3",
                                  "--size", "1400", "--trace-fst", fst};
    if (cosim) args.push_back("--cosim");
    auto r = sendoff_cli(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(summary(r.out, "frames"), "3");
    test::FstHeader h;
    ASSERT_EQ(test::read_fst_header(fst, &h), "");
    EXPECT_GT(h.vars, 100u) << "the whole pipeline's signals";
    EXPECT_GT(h.end_time, h.start_time + 3 * 23) << "at least the three frames' beats";
    EXPECT_GE(h.sections, 1u);
  }
}
#endif

#if SENDOFF_E2E_HAVE_RTL
// Co-simulation with MAC backpressure and the realistic memory with random ARREADY: frames
// and counters agree, fragmenting sends included; the summary counts every frame.
TEST_F(Cli, CosimWithBackpressureAndMemoryJitter) {
  auto r = sendoff_cli({"send", "--backend", "verilator", "--cosim", "--tready", "0.4",
                        "--mem-jitter", "--mem-seed", "7", "--count", "20", "--size", "3000"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(summary(r.out, "frames"), "60");
}
#endif

TEST_F(Cli, TreadyIsAProbability) {
  for (const char* bad : {"0", "1.5", "-0.2", "x", "0.5x"}) {
    SCOPED_TRACE(bad);
    auto r = sendoff_cli({"send", "--backend", "verilator", "--cosim", "--tready", bad});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(lines(r.err).size(), 1u) << r.err;
    EXPECT_NE(r.err.find("--tready"), std::string::npos) << r.err;
  }
}

TEST_F(Cli, InfoShowsTheReceivePathWhereTheNicHasOne) {
  std::vector<const char*> backends = {"csim"};
#if SENDOFF_E2E_HAVE_RTL
  backends.push_back("verilator");  // rtl/rx_parse.sv, rtl/rx_dma.sv
#endif
  for (const char* b : backends) {
    SCOPED_TRACE(b);
    auto r = sendoff_cli({"info", "--backend", b});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("\nrx ring   buffers 0x"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\nrx        frames 0 bytes 0 drop_fcs 0 drop_nobuf 0 drop_len 0\n"),
              std::string::npos)
        << r.out;
  }
}

TEST_F(Cli, ImpairmentsAreChancesOfTheTapPort) {
  for (const char* cmd : {"send", "recv"})
    for (const char* flag : {"--loss", "--reorder", "--duplicate", "--corrupt"}) {
      for (const char* bad : {"1.5", "-0.2", "x"}) {
        SCOPED_TRACE(std::string(cmd) + " " + flag + " " + bad);
        std::vector<std::string> argv = {cmd, "--tap", "sndf-none", flag, bad};
        if (std::string(cmd) == "recv") argv.insert(argv.end(), {"--bind", "9000"});
        auto r = sendoff_cli(argv);
        EXPECT_EQ(r.exit_code, 2);
        EXPECT_EQ(lines(r.err).size(), 1u) << r.err;
        EXPECT_NE(r.err.find(flag), std::string::npos) << r.err;
      }
      // Without a TAP port there is nothing to impair.
      SCOPED_TRACE(std::string(cmd) + " " + flag + " without --tap");
      std::vector<std::string> argv = {cmd, flag, "0.1"};
      if (std::string(cmd) == "recv") argv.insert(argv.end(), {"--bind", "9000"});
      auto r = sendoff_cli(argv);
      EXPECT_EQ(r.exit_code, 2);
      EXPECT_EQ(lines(r.err).size(), 1u) << r.err;
      EXPECT_NE(r.err.find("--tap"), std::string::npos) << r.err;
    }
}

TEST_F(Cli, MemJitterNeedsTheVerilatorBackend) {
  auto r = sendoff_cli({"send", "--backend", "csim", "--mem-jitter"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(lines(r.err).size(), 1u) << r.err;
  EXPECT_NE(r.err.find("--backend verilator"), std::string::npos) << r.err;
}

TEST_F(Cli, TraceFstNeedsTheVerilatorBackend) {
  auto r = sendoff_cli({"send", "--backend", "csim", "--trace-fst", dir_.file("x.fst")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(lines(r.err).size(), 1u) << r.err;
  EXPECT_NE(r.err.find("--trace-fst"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--backend verilator"), std::string::npos) << r.err;
}

TEST_F(Cli, SendErrorExitsOneWithTheErrnoName) {
  // 198.19.0.9 lies off a /24 link and there is no gateway: no route.
  auto r = sendoff_cli({"send", "--local", "198.18.0.1/24", "--dst", "198.19.0.9:9000"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("ENETUNREACH"), std::string::npos) << r.err;
  EXPECT_EQ(summary(r.out, "errors"), "1 (send 1, NIC drops 0, NIC descriptor errors 0)");
}

struct BadCase {
  std::vector<std::string> args;
  std::string names;  // the flag the message must name
};

class CliBad : public Cli, public ::testing::WithParamInterface<BadCase> {};

TEST_P(CliBad, ExitsTwoWithOneLineNamingTheFlag) {
  std::vector<std::string> args = GetParam().args;
  for (auto& a : args)
    if (a == "@DIR") a = dir_.file("");
  auto r = sendoff_cli(args);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  auto err = lines(r.err);
  ASSERT_EQ(err.size(), 1u) << r.err;
  EXPECT_NE(err[0].find(GetParam().names), std::string::npos) << err[0];
  EXPECT_EQ(r.out, "");
}

const BadCase kBad[] = {
    {{"send", "--size", "65508"}, "--size"},
    {{"send", "--size", "many"}, "--size"},
    {{"send", "--count", "0"}, "--count"},
    {{"send", "--mtu", "67"}, "--mtu"},
    {{"send", "--dst", "198.18.0.2"}, "--dst"},
    {{"send", "--dst", "198.18.0.2:0"}, "--dst"},
    {{"send", "--local", "198.18.0.1/33"}, "--local"},
    {{"send", "--neigh", "198.18.0.2"}, "--neigh"},
    {{"send", "--mac", "02:00:00:00:00"}, "--mac"},
    {{"send", "--gateway", "198.18.0"}, "--gateway"},
    {{"send", "--backend", "fpga"}, "--backend"},
    {{"send", "--proto", "sctp"}, "--proto"},
    {{"send", "--proto", "tcp"}, "--proto"},  // recv's alone
    {{"recv", "--proto", "tcp", "--tap", "sndf9", "--bind", "9000", "--count", "3"}, "--count"},
    {{"send", "--src-port", "65536"}, "--src-port"},
    {{"send", "--input", "/nonexistent/file"}, "--input"},
    {{"send", "--config", "/nonexistent/file"}, "--config"},
    {{"send", "--pcap", "/nonexistent/out.pcap"}, "--pcap"},
    {{"send", "--pcap", "@DIR"}, "--pcap"},
    {{"send", "--frobnicate"}, "--frobnicate"},
    {{"send", "--input", "/dev/null", "--count", "2"}, "--count"},
    {{"bench"}, "--host-path"},
    {{"bench", "--host-path", "--count", "0"}, "--count"},
    {{"bench", "--host-path", "--proto", "sctp"}, "--proto"},
    {{"bench", "--host-path", "--proto", "tcp", "--threads", "2"}, "--threads"},
    {{"bench", "--host-path", "--size", "70000"}, "--size"},  // more than a UDP datagram
    {{"bench", "--host-path", "--proto", "tcp", "--size", "0"}, "--size"},
    {{"bench", "--proto", "tcp"}, "--host-path"},
    {{}, "subcommand"},
};

INSTANTIATE_TEST_SUITE_P(Flags, CliBad, ::testing::ValuesIn(kBad),
                         [](const ::testing::TestParamInfo<BadCase>& i) {
                           std::string flag;
                           for (char c : i.param.names)
                             if (isalnum(static_cast<unsigned char>(c))) flag += c;
                           return flag + "_" + std::to_string(i.index);
                         });

TEST_F(Cli, BadConfigFileLineIsAUsageError) {
  const std::string conf = dir_.file("bad.conf");
  std::ofstream(conf) << "mtu 12\n";
  auto r = sendoff_cli({"send", "--config", conf});
  EXPECT_EQ(r.exit_code, 2);
  auto err = lines(r.err);
  ASSERT_EQ(err.size(), 1u) << r.err;
  EXPECT_NE(err[0].find("--config"), std::string::npos) << err[0];
}

}  // namespace
}  // namespace e2e
}  // namespace sendoff
