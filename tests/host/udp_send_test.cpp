// SPDX-License-Identifier: MIT
// What sendoff's send path puts on the wire for each socket state, read from
// the frames the csim NIC emitted, and its send-buffer / ring semantics.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include <atomic>
#include <cstring>
#include <thread>

#include "sendoff/sendoff.h"
#include "sendoff/stack.hpp"
#include "syscall_matchers.hpp"
#include "socket_fixture.hpp"
#include "test_env.hpp"

namespace {

using test_env::Frame;

unsigned be16(const Frame& f, size_t off) { return f[off] << 8 | f[off + 1]; }

struct Ip {
  unsigned tot_len, id, frag_off, ttl, tos, protocol;
  bool df, mf;
};

Ip ip_of(const Frame& f) {
  Ip ip{};
  ip.tos = f[15];
  ip.tot_len = be16(f, 16);
  ip.id = be16(f, 18);
  unsigned fo = be16(f, 20);
  ip.df = fo & 0x4000;
  ip.mf = fo & 0x2000;
  ip.frag_off = (fo & 0x1fff) * 8;
  ip.ttl = f[22];
  ip.protocol = f[23];
  return ip;
}

class UdpSend : public test_env::SocketTest {
 protected:
  ssize_t send_to(size_t len, int flags = 0) {
    sockaddr_in to = test_env::peer(9000);
    return so_sendto(fd_, payload_, len, flags, reinterpret_cast<sockaddr*>(&to), sizeof to);
  }
  char payload_[65536] = {};
};

TEST_F(UdpSend, ZeroLengthSendIsAnEightByteDatagram) {
  ASSERT_THAT(send_to(0), SyscallSucceedsWithValue(0));
  auto frames = test_env::take_frames();
  ASSERT_EQ(frames.size(), 1u);
  const Frame& f = frames[0];
  EXPECT_EQ(f.size(), 60u);  // padded to the Ethernet minimum
  EXPECT_EQ(ip_of(f).tot_len, 28u);
  EXPECT_EQ(be16(f, 38), 8u);  // UDP length
  EXPECT_EQ(0, memcmp(f.data(), test_env::kPeerMac, 6));
  EXPECT_EQ(0, memcmp(f.data() + 6, test_env::kLocalMac, 6));
}

TEST_F(UdpSend, DefaultsAreLinuxs) {
  ASSERT_THAT(send_to(100), SyscallSucceedsWithValue(100));
  auto frames = test_env::take_frames();
  ASSERT_EQ(frames.size(), 1u);
  Ip ip = ip_of(frames[0]);
  EXPECT_EQ(ip.ttl, 64u);
  EXPECT_EQ(ip.tos, 0u);
  EXPECT_TRUE(ip.df);  // IP_PMTUDISC_WANT sets DF on what fits the MTU
  EXPECT_FALSE(ip.mf);
  EXPECT_EQ(ip.protocol, 17u);
  EXPECT_EQ(ip.tot_len, 128u);
}

TEST_F(UdpSend, FragmentsCarryNoDfAndShareAnId) {
  ASSERT_THAT(send_to(4000), SyscallSucceedsWithValue(4000));
  auto frames = test_env::take_frames();
  ASSERT_EQ(frames.size(), 3u);
  unsigned expect_off = 0;
  for (size_t i = 0; i < frames.size(); ++i) {
    Ip ip = ip_of(frames[i]);
    EXPECT_FALSE(ip.df);
    EXPECT_EQ(ip.mf, i + 1 < frames.size());
    EXPECT_EQ(ip.id, ip_of(frames[0]).id);
    EXPECT_EQ(ip.frag_off, expect_off);
    expect_off += ip.tot_len - 20;
  }
  EXPECT_EQ(expect_off, 4008u);  // UDP header + payload
  EXPECT_EQ(ip_of(frames[0]).tot_len, 1500u);
}

TEST_F(UdpSend, PmtudiscDoGivesIdZero) {
  int v = IP_PMTUDISC_DO;
  ASSERT_THAT(so_setsockopt(fd_, SOL_IP, IP_MTU_DISCOVER, &v, sizeof v), SyscallSucceeds());
  ASSERT_THAT(send_to(10), SyscallSucceeds());
  ASSERT_THAT(send_to(10), SyscallSucceeds());
  auto frames = test_env::take_frames();
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(ip_of(frames[0]).id, 0u);
  EXPECT_EQ(ip_of(frames[1]).id, 0u);
  EXPECT_TRUE(ip_of(frames[0]).df);
}

TEST_F(UdpSend, PmtudiscDontClearsDf) {
  int v = IP_PMTUDISC_DONT;
  ASSERT_THAT(so_setsockopt(fd_, SOL_IP, IP_MTU_DISCOVER, &v, sizeof v), SyscallSucceeds());
  ASSERT_THAT(send_to(10), SyscallSucceeds());
  auto frames = test_env::take_frames();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_FALSE(ip_of(frames[0]).df);
}

TEST_F(UdpSend, ConnectedSocketCountsItsIds) {
  sockaddr_in to = test_env::peer(9000);
  ASSERT_THAT(so_connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof to), SyscallSucceeds());
  for (int i = 0; i < 3; ++i) ASSERT_THAT(so_send(fd_, payload_, 10, 0), SyscallSucceeds());
  auto frames = test_env::take_frames();
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ((ip_of(frames[1]).id - ip_of(frames[0]).id) & 0xffff, 1u);
  EXPECT_EQ((ip_of(frames[2]).id - ip_of(frames[1]).id) & 0xffff, 1u);
}

TEST_F(UdpSend, SocketOptionsAndControlMessagesSetTtlAndTos) {
  int ttl = 9, tos = 0x28;
  ASSERT_THAT(so_setsockopt(fd_, SOL_IP, IP_TTL, &ttl, sizeof ttl), SyscallSucceeds());
  ASSERT_THAT(so_setsockopt(fd_, SOL_IP, IP_TOS, &tos, sizeof tos), SyscallSucceeds());
  ASSERT_THAT(send_to(10), SyscallSucceeds());

  sockaddr_in to = test_env::peer(9000);
  iovec iov{payload_, 10};
  alignas(cmsghdr) char ctl[CMSG_SPACE(sizeof(int)) * 2] = {};
  msghdr m{};
  m.msg_name = &to;
  m.msg_namelen = sizeof to;
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = ctl;
  m.msg_controllen = sizeof ctl;
  cmsghdr* c = CMSG_FIRSTHDR(&m);
  c->cmsg_level = SOL_IP;
  c->cmsg_type = IP_TTL;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  int cttl = 3, ctos = 0xb8;
  memcpy(CMSG_DATA(c), &cttl, sizeof cttl);
  c = CMSG_NXTHDR(&m, c);
  c->cmsg_level = SOL_IP;
  c->cmsg_type = IP_TOS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &ctos, sizeof ctos);
  ASSERT_THAT(so_sendmsg(fd_, &m, 0), SyscallSucceedsWithValue(10));

  auto frames = test_env::take_frames();
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(ip_of(frames[0]).ttl, 9u);
  EXPECT_EQ(ip_of(frames[0]).tos, 0x28u);
  EXPECT_EQ(ip_of(frames[1]).ttl, 3u);
  EXPECT_EQ(ip_of(frames[1]).tos, 0xb8u);
}

TEST_F(UdpSend, IovecsAreGatheredInOrder) {
  char a[3] = {'a', 'b', 'c'}, b[2] = {'d', 'e'};
  iovec iov[3] = {{a, 3}, {nullptr, 0}, {b, 2}};
  sockaddr_in to = test_env::peer(9000);
  msghdr m{};
  m.msg_name = &to;
  m.msg_namelen = sizeof to;
  m.msg_iov = iov;
  m.msg_iovlen = 3;
  ASSERT_THAT(so_sendmsg(fd_, &m, 0), SyscallSucceedsWithValue(5));
  auto frames = test_env::take_frames();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(0, memcmp(frames[0].data() + 42, "abcde", 5));
}

TEST_F(UdpSend, FullRingGivesEagainWhenNonBlocking) {
  test_env::pause_mac(true);
  int sent = 0;
  ssize_t r;
  while ((r = send_to(1000, MSG_DONTWAIT)) == 1000) ++sent;
  EXPECT_THAT(r, SyscallFailsWithErrno(EAGAIN));
  EXPECT_GT(sent, 0);
  // O_NONBLOCK on the fd does the same without the flag.
  ASSERT_THAT(so_fcntl(fd_, F_SETFL, O_NONBLOCK), SyscallSucceeds());
  EXPECT_THAT(so_fcntl(fd_, F_GETFL, 0) & O_NONBLOCK, O_NONBLOCK);
  EXPECT_THAT(send_to(1000), SyscallFailsWithErrno(EAGAIN));
  ASSERT_THAT(so_fcntl(fd_, F_SETFL, 0), SyscallSucceeds());

  // A blocking send waits until the MAC takes frames again; nothing is lost.
  std::atomic<bool> done{false};
  std::thread sender([&] {
    EXPECT_THAT(send_to(1000), SyscallSucceedsWithValue(1000));
    done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(done);
  test_env::pause_mac(false);
  sender.join();
  EXPECT_TRUE(done);
  EXPECT_EQ(test_env::take_frames().size(), static_cast<size_t>(sent + 1));
}

TEST_F(UdpSend, SmallSndbufLimitsWhatIsInFlight) {
  int v = 1;  // SOCK_MIN_SNDBUF: a few datagrams at most
  ASSERT_THAT(so_setsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &v, sizeof v), SyscallSucceeds());
  test_env::pause_mac(true);
  int sent = 0;
  while (send_to(1000, MSG_DONTWAIT) == 1000) ++sent;
  EXPECT_EQ(errno, EAGAIN);
  EXPECT_GE(sent, 1);
  EXPECT_LE(sent, 5);
  test_env::pause_mac(false);
  EXPECT_EQ(test_env::take_frames().size(), static_cast<size_t>(sent));
}

TEST_F(UdpSend, BroadcastGoesToTheBroadcastMac) {
  int one = 1;
  ASSERT_THAT(so_setsockopt(fd_, SOL_SOCKET, SO_BROADCAST, &one, sizeof one), SyscallSucceeds());
  sockaddr_in to = test_env::subnet_broadcast(9000);
  ASSERT_THAT(so_sendto(fd_, payload_, 10, 0, reinterpret_cast<sockaddr*>(&to), sizeof to),
              SyscallSucceeds());
  auto frames = test_env::take_frames();
  ASSERT_EQ(frames.size(), 1u);
  const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  EXPECT_EQ(0, memcmp(frames[0].data(), bcast, 6));
}

// A next hop with no entry: the datagram waits (the send succeeds, as
// Linux's), an ARP request goes out, and the reply lets it leave to the MAC
// the reply gave; the next datagram goes straight.
TEST_F(UdpSend, UnknownNeighbourIsResolvedByArp) {
  sockaddr_in to = test_env::addr(0xC6120063, 9000);  // 198.18.0.99: no entry
  ASSERT_THAT(so_sendto(fd_, payload_, 10, 0, reinterpret_cast<sockaddr*>(&to), sizeof to),
              SyscallSucceedsWithValue(10));
  const uint8_t mac[6] = {0x02, 0, 0, 0, 0, 0x63};
  // 198.18.0.99 is at 02:00:00:00:00:63 (RFC 826 reply, padded to 60 bytes).
  uint8_t reply[60] = {};
  memcpy(reply, test_env::kLocalMac, 6);
  memcpy(reply + 6, mac, 6);
  const uint8_t arp[] = {0x08, 0x06, 0, 1, 0x08, 0x00, 6, 4, 0, 2};
  memcpy(reply + 12, arp, sizeof arp);
  memcpy(reply + 22, mac, 6);
  const uint8_t spa[4] = {198, 18, 0, 99}, tpa[4] = {198, 18, 0, 1};
  memcpy(reply + 28, spa, 4);
  memcpy(reply + 32, test_env::kLocalMac, 6);
  memcpy(reply + 38, tpa, 4);
  ASSERT_TRUE(sendoff::stack_receive_frame(reply, sizeof reply, false));
  auto frames = test_env::take_frames();
  ASSERT_EQ(frames.size(), 2u);
  // who-has 198.18.0.99 tell 198.18.0.1, broadcast, padded to ETH_ZLEN.
  const test_env::Frame& req = frames[0];
  ASSERT_GE(req.size(), 60u);
  const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  EXPECT_EQ(0, memcmp(req.data(), bcast, 6));
  EXPECT_EQ(0, memcmp(req.data() + 6, test_env::kLocalMac, 6));
  const uint8_t who_has[] = {0x08, 0x06, 0, 1, 0x08, 0x00, 6, 4, 0, 1};
  EXPECT_EQ(0, memcmp(req.data() + 12, who_has, sizeof who_has));
  EXPECT_EQ(0, memcmp(req.data() + 28, tpa, 4));
  EXPECT_EQ(0, memcmp(req.data() + 38, spa, 4));
  EXPECT_EQ(0, memcmp(frames[1].data(), mac, 6));
  EXPECT_EQ(0, memcmp(frames[1].data() + 30, spa, 4));  // the IPv4 destination
  ASSERT_THAT(so_sendto(fd_, payload_, 10, 0, reinterpret_cast<sockaddr*>(&to), sizeof to),
              SyscallSucceedsWithValue(10));
  frames = test_env::take_frames();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(0, memcmp(frames[0].data(), mac, 6));
}

TEST_F(UdpSend, CorkingSaysItIsNotOffloaded) {
  EXPECT_THAT(send_to(10, MSG_MORE), SyscallFailsWithErrno(EOPNOTSUPP));
  EXPECT_TRUE(test_env::take_frames().empty());
}

TEST(RawSend, CarriesTheCallersTransportBytes) {
  test_env::drain_frames();
  int fd = so_socket(AF_INET, SOCK_RAW, 253);
  ASSERT_GE(fd, 0);
  sockaddr_in to = test_env::peer(0);
  const char bytes[] = "raw transport bytes";
  ASSERT_THAT(so_sendto(fd, bytes, sizeof bytes, 0, reinterpret_cast<sockaddr*>(&to), sizeof to),
              SyscallSucceedsWithValue(static_cast<ssize_t>(sizeof bytes)));
  auto frames = test_env::take_frames();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(ip_of(frames[0]).protocol, 253u);
  EXPECT_EQ(0, memcmp(frames[0].data() + 34, bytes, sizeof bytes));
  // IP_HDRINCL is refused clearly rather than sent wrong.
  int one = 1;
  ASSERT_THAT(so_setsockopt(fd, SOL_IP, IP_HDRINCL, &one, sizeof one), SyscallSucceeds());
  EXPECT_THAT(so_sendto(fd, bytes, sizeof bytes, 0, reinterpret_cast<sockaddr*>(&to), sizeof to),
              SyscallFailsWithErrno(EOPNOTSUPP));
  so_close(fd);
}

}  // namespace
