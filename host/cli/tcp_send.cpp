// SPDX-License-Identifier: MIT
#include "tcp_send.hpp"

#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "errno_text.hpp"
#include "progress.hpp"
#include "sendoff/netconf.hpp"
#include "sendoff/sendoff.h"
#include "sendoff/stack.hpp"
#include "usage_error.hpp"

namespace sendoff {
namespace cli {

namespace {

// How long the peer has to acknowledge the last byte and the FIN.
constexpr auto kCloseWait = std::chrono::seconds(30);

void print_tcp_summary(uint64_t bytes, const TcpStats& st, const CountingSink& frames,
                       const NicCounters& nic, double elapsed_s, const std::string& pcap) {
  const double per_desc =
      st.data_descs ? static_cast<double>(st.data_segs) / static_cast<double>(st.data_descs) : 0;
  printf("bytes                    %llu\n", static_cast<unsigned long long>(bytes));
  printf("descriptors              %llu\n", static_cast<unsigned long long>(st.data_descs));
  printf("segments                 %llu\n", static_cast<unsigned long long>(st.data_segs));
  printf("segments per descriptor  %.2f\n", per_desc);
  printf("retransmissions          %llu\n", static_cast<unsigned long long>(st.retrans));
  printf("fast retransmits         %llu\n", static_cast<unsigned long long>(st.fast_retrans));
  printf("RTOs                     %llu\n", static_cast<unsigned long long>(st.rtos));
  printf("loss probes              %llu\n", static_cast<unsigned long long>(st.loss_probes));
  printf("RTT                      %.3f ms (rttvar %.3f ms)\n", st.srtt_us / 1000.0,
         st.rttvar_us / 1000.0);
  printf("goodput                  %.1f Mb/s\n",
         elapsed_s > 0 ? static_cast<double>(bytes) * 8 / elapsed_s / 1e6 : 0.0);
  printf("frames                   %llu\n", static_cast<unsigned long long>(frames.frames()));
  printf("frame bytes              %llu\n", static_cast<unsigned long long>(frames.bytes()));
  if (nic.drops + nic.desc_errors == 0)
    printf("errors                   0\n");
  else
    printf("errors                   %u (NIC drops %u, NIC descriptor errors %u)\n",
           nic.drops + nic.desc_errors, nic.drops, nic.desc_errors);
  printf("elapsed                  %.6f s\n", elapsed_s);
  printf("pcap                     %s\n",
         pcap.empty() ? "(none: frames counted, then dropped)" : pcap.c_str());
  // Every payload byte is copied once into the send queue; from host memory
  // the driver copies it again at every (re)transmission, from device memory
  // never.
  printf("payload copies per byte  %.2f\n",
         bytes ? static_cast<double>(st.sendq_copy_bytes + st.nic_copy_bytes) /
                     static_cast<double>(bytes)
               : 0.0);
  printf("send queue               %s\n", st.nic_ref_bytes ? "device memory (posted by reference)"
                                                          : "host memory (copied by the driver)");
}

}  // namespace

int run_send_tcp(const SendOptions& o, const sockaddr_in& dst, PayloadSource* payload,
                 const CountingSink& frames) {
  const std::string peer = format_ipv4(ntohl(dst.sin_addr.s_addr)) + ":" +
                           std::to_string(ntohs(dst.sin_port));
  const int fd = so_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  if (fd < 0) {
    fprintf(stderr, "sendoff: socket: %s\n", errno_message(errno).c_str());
    return kExitFailure;
  }
  struct Closer {
    int fd;
    ~Closer() { so_close(fd); }
  } closer{fd};
  if (o.src_port != 0) {
    sockaddr_in src{};
    src.sin_family = AF_INET;
    src.sin_port = htons(o.src_port);
    if (so_bind(fd, reinterpret_cast<const sockaddr*>(&src), sizeof src) != 0) {
      fprintf(stderr, "sendoff: bind: %s\n", errno_message(errno).c_str());
      return kExitFailure;
    }
  }
  const auto start = std::chrono::steady_clock::now();
  if (so_connect(fd, reinterpret_cast<const sockaddr*>(&dst), sizeof dst) != 0) {
    const int e = errno;
    fprintf(stderr, "sendoff: connect to %s: %s%s\n", peer.c_str(), errno_message(e).c_str(),
            e == ECONNREFUSED ? " (nothing listens there)"
            : e == ETIMEDOUT  ? " (no answer to the SYN)"
                              : "");
    return kExitFailure;
  }

  int rc = kExitOk;
  uint64_t bytes = 0;
  std::string err;
  std::vector<uint8_t> buf;
  Progress progress(payload->total_datagrams(), true);
  uint64_t chunks = 0;
  while (payload->next(&buf, &err)) {
    size_t off = 0;
    while (off < buf.size()) {
      const ssize_t n = so_send(fd, buf.data() + off, buf.size() - off, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR) continue;
        progress.finish();
        fprintf(stderr, "sendoff: send after %llu bytes: %s\n",
                static_cast<unsigned long long>(bytes), errno_message(errno).c_str());
        return kExitFailure;
      }
      off += static_cast<size_t>(n);
      bytes += static_cast<uint64_t>(n);
    }
    progress.update(++chunks, bytes);
  }
  progress.finish();
  if (!err.empty()) {
    fprintf(stderr, "sendoff: --input: %s\n", err.c_str());
    rc = kExitFailure;
  }
  // A clean close: our FIN after the last byte, then wait until the peer has
  // acknowledged both (FIN_WAIT2, or TIME_WAIT once its FIN came too).
  if (so_shutdown(fd, SHUT_WR) != 0) {
    fprintf(stderr, "sendoff: shutdown: %s\n", errno_message(errno).c_str());
    return kExitFailure;
  }
  TcpStats st;
  const auto deadline = std::chrono::steady_clock::now() + kCloseWait;
  for (;;) {
    if (stack_tcp_stats(fd, &st) != 0) break;
    if (st.bytes_acked == bytes && (st.state == TCP_FIN_WAIT2 || st.state == TCP_TIME_WAIT ||
                                     st.state == TCP_CLOSE))
      break;
    if (std::chrono::steady_clock::now() >= deadline) {
      fprintf(stderr,
              "sendoff: %s acknowledged %llu of %llu bytes%s in %lld s; closing anyway\n",
              peer.c_str(), static_cast<unsigned long long>(st.bytes_acked),
              static_cast<unsigned long long>(bytes),
              st.bytes_acked == bytes ? " but not the FIN" : "",
              static_cast<long long>(kCloseWait.count()));
      rc = kExitFailure;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  int so_error = 0;
  socklen_t len = sizeof so_error;
  if (so_getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len) == 0 && so_error) {
    fprintf(stderr, "sendoff: the connection to %s failed: %s\n", peer.c_str(),
            errno_message(so_error).c_str());
    rc = kExitFailure;
  }
  stack_flush();
  const std::string fault = stack_device_fault();
  if (!fault.empty()) {
    fprintf(stderr, "sendoff: %s\n", fault.c_str());
    rc = kExitFailure;
  }
  print_tcp_summary(bytes, st, frames, stack_counters(), elapsed, o.pcap);
  return rc;
}

}  // namespace cli
}  // namespace sendoff
