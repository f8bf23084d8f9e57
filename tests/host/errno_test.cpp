// SPDX-License-Identifier: MIT
// errno parity: every bad input of the UDP and raw send path, run against
// the kernel's sockets and sendoff's in the same network namespace; both must
// fail with Linux's errno, in Linux's order of checks. The TCP rows script the
// peer (tcp_peer.hpp) on both sides' wires alike.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

#include "bad_memory.hpp"
#include "sendoff/sendoff.h"
#include "seccomp_kill.h"
#include "socket_api.hpp"
#include "syscall_matchers.hpp"
#include "tcp_peer.hpp"
#include "test_env.hpp"

namespace {

// A kernel-only address: above user space, so access_ok() fails.
void* const kKernelPtr = reinterpret_cast<void*>(0xffff888000000000ull);
// An unused MSG_* bit: unknown flags are ignored.
constexpr int kUnknownFlag = 0x00400000;

// Every user pointer the send path reads or writes, bad in each way: NULL, an
// unmapped page, a buffer that runs into one, a bad iovec entry among good
// ones, the msghdr, iovec array and address themselves, and a result written
// back into read-only memory. Each is EFAULT in Linux.
void expect_efault_rows(const SocketApi& api, int fd, BadMemory& mem) {
  SCOPED_TRACE(api.name);
  const sockaddr_in to = test_env::peer(9000);
  const auto* sa = reinterpret_cast<const sockaddr*>(&to);
  uint8_t* good = mem.writable();
  EXPECT_THAT(api.sendto(fd, nullptr, 10, 0, sa, sizeof to), SyscallFailsWithErrno(EFAULT));
  EXPECT_THAT(api.sendto(fd, mem.hole(), 10, 0, sa, sizeof to), SyscallFailsWithErrno(EFAULT));
  EXPECT_THAT(api.sendto(fd, mem.hole() - 5, 10, 0, sa, sizeof to), SyscallFailsWithErrno(EFAULT));

  iovec iov[3] = {{good, 8}, {mem.hole(), 8}, {good, 8}};
  msghdr m{};
  m.msg_name = const_cast<sockaddr_in*>(&to);
  m.msg_namelen = sizeof to;
  m.msg_iov = iov;
  m.msg_iovlen = 3;
  EXPECT_THAT(api.sendmsg(fd, &m, 0), SyscallFailsWithErrno(EFAULT));
  iov[1].iov_base = mem.hole() - 4;
  EXPECT_THAT(api.sendmsg(fd, &m, 0), SyscallFailsWithErrno(EFAULT));
  iov[1].iov_base = nullptr;
  EXPECT_THAT(api.sendmsg(fd, &m, 0), SyscallFailsWithErrno(EFAULT));
  iov[1].iov_base = good;
  // The array's first entry is mapped ({NULL, 0}: zeroed page), the others not.
  m.msg_iov = reinterpret_cast<iovec*>(mem.hole() - sizeof(iovec));
  EXPECT_THAT(api.sendmsg(fd, &m, 0), SyscallFailsWithErrno(EFAULT));
  m.msg_iov = iov;
  m.msg_name = mem.hole();
  EXPECT_THAT(api.sendmsg(fd, &m, 0), SyscallFailsWithErrno(EFAULT));
  m.msg_name = const_cast<sockaddr_in*>(&to);
  EXPECT_THAT(api.sendmsg(fd, reinterpret_cast<msghdr*>(mem.hole()), 0),
              SyscallFailsWithErrno(EFAULT));
  EXPECT_THAT(api.sendmsg(fd, &m, 0), SyscallSucceedsWithValue(24));

  // copy_to_user: sendmmsg's msg_len (the datagram still leaves) and an option value.
  mem.fill_read_only([&](uint8_t* p) {
    auto* v = reinterpret_cast<mmsghdr*>(p);
    v->msg_hdr = m;
  });
  EXPECT_THAT(api.sendmmsg(fd, reinterpret_cast<mmsghdr*>(mem.read_only()), 1, 0),
              SyscallFailsWithErrno(EFAULT));
  socklen_t len = sizeof(int);
  EXPECT_THAT(api.getsockopt(fd, SOL_IP, IP_TTL, mem.read_only(), &len),
              SyscallFailsWithErrno(EFAULT));
}

class SendErrno : public ::testing::TestWithParam<const SocketApi*> {
 protected:
  const SocketApi& api() const { return *GetParam(); }

  int udp() {
    int fd = api().socket(AF_INET, SOCK_DGRAM, 0);
    EXPECT_GE(fd, 0) << strerror(errno);
    fds_.push_back(fd);
    return fd;
  }
  int raw(int protocol = 253) {
    int fd = api().socket(AF_INET, SOCK_RAW, protocol);
    EXPECT_GE(fd, 0) << strerror(errno);
    fds_.push_back(fd);
    return fd;
  }
  ssize_t sendto(int fd, const void* buf, size_t len, int flags, const sockaddr_in& to,
                 socklen_t alen = sizeof(sockaddr_in)) {
    return api().sendto(fd, buf, len, flags, reinterpret_cast<const sockaddr*>(&to), alen);
  }
  void TearDown() override {
    for (int fd : fds_) api().close(fd);
    test_env::drain_frames();
  }

  char buf_[65536] = {};
  std::vector<int> fds_;
};

TEST_P(SendErrno, EbadfForNoFile) {
  sockaddr_in to = test_env::peer(9000);
  EXPECT_THAT(sendto(-1, buf_, 10, 0, to), SyscallFailsWithErrno(EBADF));
  EXPECT_THAT(sendto(987654, buf_, 10, 0, to), SyscallFailsWithErrno(EBADF));
  EXPECT_THAT(api().send(-1, buf_, 10, 0), SyscallFailsWithErrno(EBADF));
}

TEST_P(SendErrno, EnotsockForAFileThatIsNoSocket) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  sockaddr_in to = test_env::peer(9000);
  EXPECT_THAT(sendto(fds[1], buf_, 10, 0, to), SyscallFailsWithErrno(ENOTSOCK));
  // connect copies the address before it asks for a socket (found by fuzz_syscalls).
  const auto* sa = reinterpret_cast<const sockaddr*>(&to);
  EXPECT_THAT(api().connect(fds[1], nullptr, sizeof to), SyscallFailsWithErrno(EFAULT));
  EXPECT_THAT(api().connect(fds[1], sa, 129), SyscallFailsWithErrno(EINVAL));
  EXPECT_THAT(api().connect(fds[1], sa, sizeof to), SyscallFailsWithErrno(ENOTSOCK));
  EXPECT_THAT(api().connect(-1, nullptr, sizeof to), SyscallFailsWithErrno(EBADF));
  close(fds[0]);
  close(fds[1]);
}

TEST_P(SendErrno, EfaultBeforeEbadfForAKernelBuffer) {
  // import_ubuf checks the range before the fd is looked up.
  sockaddr_in to = test_env::peer(9000);
  EXPECT_THAT(sendto(-1, kKernelPtr, 10, 0, to), SyscallFailsWithErrno(EFAULT));
}

TEST_P(SendErrno, EfaultForNullBufferWithLength) {
  int fd = udp();
  sockaddr_in to = test_env::peer(9000);
  EXPECT_THAT(sendto(fd, nullptr, 10, 0, to), SyscallFailsWithErrno(EFAULT));
  EXPECT_THAT(sendto(fd, nullptr, 0, 0, to), SyscallSucceedsWithValue(0));
}

TEST_P(SendErrno, EfaultForBadAddressPointer) {
  int fd = udp();
  EXPECT_THAT(api().sendto(fd, buf_, 10, 0, reinterpret_cast<const sockaddr*>(8), 16),
              SyscallFailsWithErrno(EFAULT));
}

TEST_P(SendErrno, EfaultForEveryBadUserPointer) {
  BadMemory mem;
  expect_efault_rows(api(), udp(), mem);
}

TEST_P(SendErrno, EfaultWithoutProcessVmReadv) {
  // The rows again on a thread that process_vm_readv/writev would kill the
  // process from: sendoff's EFAULT must come from its fault handler, not a
  // syscall. (A regression ends this test binary with SIGSYS.)
  BadMemory mem;
  int fd = udp();
  std::thread t([&] {
    ASSERT_EQ(seccomp_kill_on_process_vm_rw(), 0) << strerror(errno);
    expect_efault_rows(api(), fd, mem);
  });
  t.join();
}

TEST_P(SendErrno, EinvalForAddressLength) {
  int fd = udp();
  const sockaddr_in peer = test_env::peer(9000);
  // The address lives in a buffer as long as the longest length passed: both kernels copy
  // addr_len bytes before they look at them.
  sockaddr_storage ss{};
  std::memcpy(&ss, &peer, sizeof peer);
  auto sendto = [&](int fd, const void* buf, size_t len, int flags, const sockaddr_storage& to,
                    socklen_t alen) {
    return api().sendto(fd, buf, len, flags, reinterpret_cast<const sockaddr*>(&to), alen);
  };
  const sockaddr_storage& to = ss;
  EXPECT_THAT(sendto(fd, buf_, 10, 0, to, static_cast<socklen_t>(-1)),
              SyscallFailsWithErrno(EINVAL));
  EXPECT_THAT(sendto(fd, buf_, 10, 0, to, 129), SyscallFailsWithErrno(EINVAL));
  EXPECT_THAT(sendto(fd, buf_, 10, 0, to, 15), SyscallFailsWithErrno(EINVAL));
  EXPECT_THAT(sendto(fd, buf_, 10, 0, to, 0), SyscallFailsWithErrno(EINVAL));
  // Up to sizeof(sockaddr_storage) is fine.
  EXPECT_THAT(sendto(fd, buf_, 10, 0, to, 128), SyscallSucceedsWithValue(10));
}

TEST_P(SendErrno, EinvalForDestinationPortZero) {
  int fd = udp();
  EXPECT_THAT(sendto(fd, buf_, 10, 0, test_env::peer(0)), SyscallFailsWithErrno(EINVAL));
}

TEST_P(SendErrno, EafnosupportForOtherFamilies) {
  int fd = udp();
  sockaddr_in to = test_env::peer(9000);
  to.sin_family = AF_INET6;
  EXPECT_THAT(sendto(fd, buf_, 10, 0, to), SyscallFailsWithErrno(EAFNOSUPPORT));
  to.sin_family = AF_UNSPEC;  // taken as AF_INET
  EXPECT_THAT(sendto(fd, buf_, 10, 0, to), SyscallSucceedsWithValue(10));
}

TEST_P(SendErrno, EdestaddrreqWithoutDestination) {
  int fd = udp();
  EXPECT_THAT(api().send(fd, buf_, 10, 0), SyscallFailsWithErrno(EDESTADDRREQ));
  int r = raw();
  EXPECT_THAT(api().send(r, buf_, 10, 0), SyscallFailsWithErrno(EDESTADDRREQ));
}

TEST_P(SendErrno, EmsgsizeAboveTheLargestDatagram) {
  int fd = udp();
  sockaddr_in to = test_env::peer(9000);
  static char big[70000];
  EXPECT_THAT(sendto(fd, big, 65508, 0, to), SyscallFailsWithErrno(EMSGSIZE));
  EXPECT_THAT(sendto(fd, big, 70000, 0, to), SyscallFailsWithErrno(EMSGSIZE));
  EXPECT_THAT(sendto(fd, big, 65507, 0, to), SyscallSucceedsWithValue(65507));
  int r = raw();
  EXPECT_THAT(sendto(r, big, 65516, 0, to), SyscallFailsWithErrno(EMSGSIZE));
  EXPECT_THAT(sendto(r, big, 65515, 0, to), SyscallSucceedsWithValue(65515));
}

TEST_P(SendErrno, EmsgsizeAboveMtuWithPmtudiscDo) {
  int fd = udp();
  int v = IP_PMTUDISC_DO;
  ASSERT_THAT(api().setsockopt(fd, SOL_IP, IP_MTU_DISCOVER, &v, sizeof v), SyscallSucceeds());
  sockaddr_in to = test_env::peer(9000);
  EXPECT_THAT(sendto(fd, buf_, 1473, 0, to), SyscallFailsWithErrno(EMSGSIZE));
  EXPECT_THAT(sendto(fd, buf_, 1472, 0, to), SyscallSucceedsWithValue(1472));
}

TEST_P(SendErrno, EmsgsizeForMoreThan1024Iovecs) {
  int fd = udp();
  sockaddr_in to = test_env::peer(9000);
  std::vector<iovec> iov(1025, iovec{buf_, 1});
  msghdr m{};
  m.msg_name = &to;
  m.msg_namelen = sizeof to;
  m.msg_iov = iov.data();
  m.msg_iovlen = 1025;
  EXPECT_THAT(api().sendmsg(fd, &m, 0), SyscallFailsWithErrno(EMSGSIZE));
  m.msg_iovlen = 1024;
  EXPECT_THAT(api().sendmsg(fd, &m, 0), SyscallSucceedsWithValue(1024));
}

// writev checks its vector as import_iovec does, and a vector of no bytes reaches no
// socket: 0, even where a send would fail (found by fuzz_syscalls: sendoff's writev was
// sendmsg, EDESTADDRREQ here).
TEST_P(SendErrno, WritevOfNothingReturnsZero) {
  int fd = udp();
  iovec iov[2] = {{buf_, 0}, {nullptr, 0}};
  EXPECT_THAT(api().writev(fd, iov, 2), SyscallSucceedsWithValue(0));
  EXPECT_THAT(api().writev(fd, iov, 0), SyscallSucceedsWithValue(0));
  iov[0].iov_len = 10;
  EXPECT_THAT(api().writev(fd, iov, 2), SyscallFailsWithErrno(EDESTADDRREQ));
  std::vector<iovec> many(1025, iovec{buf_, 0});
  EXPECT_THAT(api().writev(fd, many.data(), 1025), SyscallFailsWithErrno(EINVAL));
  EXPECT_THAT(api().writev(fd, many.data(), -1), SyscallFailsWithErrno(EINVAL));
  EXPECT_THAT(api().writev(fd, nullptr, 1), SyscallFailsWithErrno(EFAULT));
  EXPECT_THAT(api().writev(-1, iov, 1), SyscallFailsWithErrno(EBADF));
}

TEST_P(SendErrno, EopnotsuppForMsgOob) {
  int fd = udp();
  EXPECT_THAT(sendto(fd, buf_, 10, MSG_OOB, test_env::peer(9000)),
              SyscallFailsWithErrno(EOPNOTSUPP));
  int r = raw();
  EXPECT_THAT(sendto(r, buf_, 10, MSG_OOB, test_env::peer(9000)),
              SyscallFailsWithErrno(EOPNOTSUPP));
}

TEST_P(SendErrno, EaccesForBroadcastWithoutSoBroadcast) {
  int fd = udp();
  sockaddr_in to = test_env::subnet_broadcast(9000);
  EXPECT_THAT(sendto(fd, buf_, 10, 0, to), SyscallFailsWithErrno(EACCES));
  int one = 1;
  ASSERT_THAT(api().setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one), SyscallSucceeds());
  EXPECT_THAT(sendto(fd, buf_, 10, 0, to), SyscallSucceedsWithValue(10));
}

TEST_P(SendErrno, EnetunreachOffTheSubnetWithoutGateway) {
  int fd = udp();
  EXPECT_THAT(sendto(fd, buf_, 10, 0, test_env::unreachable(9000)),
              SyscallFailsWithErrno(ENETUNREACH));
  EXPECT_THAT(sendto(fd, buf_, 10, 0, test_env::limited_broadcast(9000)),
              SyscallFailsWithErrno(ENETUNREACH));
}

TEST_P(SendErrno, EpipeWithoutSigpipeAfterShutWr) {
  int fd = udp();
  sockaddr_in to = test_env::peer(9000);
  ASSERT_THAT(api().connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to), SyscallSucceeds());
  ASSERT_THAT(api().shutdown(fd, SHUT_WR), SyscallSucceeds());
  sigset_t block, pending;
  sigemptyset(&block);
  sigaddset(&block, SIGPIPE);
  ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &block, nullptr), 0);
  EXPECT_THAT(api().send(fd, buf_, 10, 0), SyscallFailsWithErrno(EPIPE));
  sigpending(&pending);
  EXPECT_FALSE(sigismember(&pending, SIGPIPE));
  pthread_sigmask(SIG_UNBLOCK, &block, nullptr);
}

TEST_P(SendErrno, ShutdownOfAnUnconnectedSocketIsEnotconnButTakes) {
  int fd = udp();
  EXPECT_THAT(api().shutdown(fd, SHUT_WR), SyscallFailsWithErrno(ENOTCONN));
  EXPECT_THAT(sendto(fd, buf_, 10, 0, test_env::peer(9000)), SyscallFailsWithErrno(EPIPE));
  // A raw socket's send never looks at the shutdown (found by fuzz_syscalls).
  int r = raw();
  EXPECT_THAT(api().shutdown(r, SHUT_RDWR), SyscallFailsWithErrno(ENOTCONN));
  EXPECT_THAT(sendto(r, buf_, 10, 0, test_env::peer(0)), SyscallSucceedsWithValue(10));
  EXPECT_THAT(api().shutdown(fd, 3), SyscallFailsWithErrno(EINVAL));
}

// A raw or UDP send takes memory fragment by fragment up to twice SO_SNDBUF: with SO_SNDBUF
// 0 (4608) four fragments at MTU 1500 fit, a fifth is ENOBUFS (found by fuzz_syscalls).
TEST_P(SendErrno, ASendWithASmallSndbufIsEnobufsFromItsFifthFragment) {
  int r = raw();
  // The kernel frees a sent datagram as the veth takes it; sendoff once its NIC has sent it.
  auto settle = [&] {
    if (!api().is_kernel) sendoff_flush();
  };
  const int zero = 0;
  ASSERT_THAT(api().setsockopt(r, SOL_SOCKET, SO_SNDBUF, &zero, sizeof zero), SyscallSucceeds());
  EXPECT_THAT(sendto(r, buf_, 5920, 0, test_env::peer(0)), SyscallSucceedsWithValue(5920));
  settle();
  EXPECT_THAT(sendto(r, buf_, 5921, 0, test_env::peer(0)), SyscallFailsWithErrno(ENOBUFS));
  EXPECT_THAT(sendto(r, buf_, 65507, 0, test_env::peer(0)), SyscallFailsWithErrno(ENOBUFS));
  // The fragments before the refused one are copied first: a bad buffer is EFAULT.
  EXPECT_THAT(sendto(r, nullptr, 65507, 0, test_env::peer(0)), SyscallFailsWithErrno(EFAULT));
  const int four_k = 4096;  // 8192: eight fragments
  ASSERT_THAT(api().setsockopt(r, SOL_SOCKET, SO_SNDBUF, &four_k, sizeof four_k),
              SyscallSucceeds());
  EXPECT_THAT(sendto(r, buf_, 11840, 0, test_env::peer(0)), SyscallSucceedsWithValue(11840));
  settle();
  // A UDP datagram's first fragment waits for space instead; the others follow the same
  // rule (the 8-byte header takes payload room: 5912 bytes make four fragments).
  int fd = udp();
  ASSERT_THAT(api().setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &zero, sizeof zero), SyscallSucceeds());
  EXPECT_THAT(sendto(fd, buf_, 5912, 0, test_env::peer(9000)), SyscallSucceedsWithValue(5912));
  settle();
  EXPECT_THAT(sendto(fd, buf_, 5913, 0, test_env::peer(9000)), SyscallFailsWithErrno(ENOBUFS));
  EXPECT_THAT(sendto(fd, nullptr, 65507, 0, test_env::peer(9000)), SyscallFailsWithErrno(EFAULT));
  EXPECT_THAT(sendto(r, buf_, 11841, 0, test_env::peer(0)), SyscallFailsWithErrno(ENOBUFS));
}

TEST_P(SendErrno, EinvalForMsgCmsgCompat) {
  int fd = udp();
  sockaddr_in to = test_env::peer(9000);
  iovec iov{buf_, 10};
  msghdr m{};
  m.msg_name = &to;
  m.msg_namelen = sizeof to;
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  EXPECT_THAT(api().sendmsg(fd, &m, static_cast<int>(0x80000000u)),
              SyscallFailsWithErrno(EINVAL));
  // Checked before the fd is looked up.
  EXPECT_THAT(api().sendmsg(-1, &m, static_cast<int>(0x80000000u)),
              SyscallFailsWithErrno(EINVAL));
}

// MSG_PROBE (0x10): every check is made, the length returned, nothing sent (found by
// fuzz_syscalls: sendoff sent the datagram).
TEST_P(SendErrno, MsgProbeChecksButSendsNothing) {
  const int kMsgProbe = 0x10;
  int fd = udp(), r = raw();
  test_env::drain_frames();
  EXPECT_THAT(sendto(fd, buf_, 10, kMsgProbe, test_env::peer(9000)), SyscallSucceedsWithValue(10));
  EXPECT_THAT(sendto(r, buf_, 10, kMsgProbe, test_env::peer(9000)), SyscallSucceedsWithValue(10));
  EXPECT_THAT(sendto(fd, buf_, 10, kMsgProbe, test_env::unreachable(9000)),
              SyscallFailsWithErrno(ENETUNREACH));
  EXPECT_THAT(sendto(fd, buf_, 10, kMsgProbe, test_env::subnet_broadcast(9000)),
              SyscallFailsWithErrno(EACCES));
  if (!api().is_kernel) {
    EXPECT_TRUE(test_env::take_frames().empty());
  }
}

TEST_P(SendErrno, UnknownFlagBitsAreIgnored) {
  int fd = udp();
  EXPECT_THAT(sendto(fd, buf_, 10, kUnknownFlag, test_env::peer(9000)),
              SyscallSucceedsWithValue(10));
}

TEST_P(SendErrno, AutobindHappensEvenWhenTheSendFails) {
  int fd = udp();
  EXPECT_THAT(sendto(fd, buf_, 10, 0, test_env::peer(0)), SyscallFailsWithErrno(EINVAL));
  sockaddr_in me{};
  socklen_t len = sizeof me;
  ASSERT_THAT(api().getsockname(fd, reinterpret_cast<sockaddr*>(&me), &len), SyscallSucceeds());
  EXPECT_GE(ntohs(me.sin_port), 32768);
  EXPECT_LE(ntohs(me.sin_port), 60999);
}

// A raw socket's local "port" is its protocol, as inet_create sets inet_sport (found by
// fuzz_syscalls: sendoff reported 0).
TEST_P(SendErrno, RawGetsocknameReportsTheProtocolAsPort) {
  for (int protocol : {253, int{IPPROTO_UDP}, int{IPPROTO_RAW}}) {
    int fd = raw(protocol);
    sockaddr_in me{};
    socklen_t len = sizeof me;
    ASSERT_THAT(api().getsockname(fd, reinterpret_cast<sockaddr*>(&me), &len), SyscallSucceeds());
    EXPECT_EQ(ntohs(me.sin_port), protocol);
    EXPECT_EQ(me.sin_addr.s_addr, 0u);
  }
}

// A disconnect (AF_UNSPEC) unhashes a raw socket: its "port" reads 0 from then on.
TEST_P(SendErrno, RawDisconnectClearsThePort) {
  int fd = raw();
  const sockaddr_in to = test_env::peer(0);
  ASSERT_THAT(api().connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to),
              SyscallSucceeds());
  sockaddr unspec{};
  unspec.sa_family = AF_UNSPEC;
  ASSERT_THAT(api().connect(fd, &unspec, sizeof unspec), SyscallSucceeds());
  sockaddr_in me{};
  socklen_t len = sizeof me;
  ASSERT_THAT(api().getsockname(fd, reinterpret_cast<sockaddr*>(&me), &len), SyscallSucceeds());
  EXPECT_EQ(me.sin_port, 0);
}

// A raw socket starts with SO_REUSEADDR on (inetsw's INET_PROTOSW_REUSE), a UDP one off.
TEST_P(SendErrno, RawSocketsStartWithReuseaddr) {
  int v = -1;
  socklen_t len = sizeof v;
  ASSERT_THAT(api().getsockopt(raw(), SOL_SOCKET, SO_REUSEADDR, &v, &len), SyscallSucceeds());
  EXPECT_EQ(v, 1);
  ASSERT_THAT(api().getsockopt(udp(), SOL_SOCKET, SO_REUSEADDR, &v, &len), SyscallSucceeds());
  EXPECT_EQ(v, 0);
}

// raw_bind takes the address whatever sin_family says (found by fuzz_syscalls).
TEST_P(SendErrno, RawBindIgnoresTheFamily) {
  int fd = raw();
  sockaddr_in me = test_env::addr(test_env::kLocal, 0);
  me.sin_family = AF_INET6;
  EXPECT_THAT(api().bind(fd, reinterpret_cast<sockaddr*>(&me), sizeof me), SyscallSucceeds());
  me.sin_family = AF_UNSPEC;
  me.sin_addr.s_addr = htonl(0xC6120063);  // not ours
  EXPECT_THAT(api().bind(fd, reinterpret_cast<sockaddr*>(&me), sizeof me),
              SyscallFailsWithErrno(EADDRNOTAVAIL));
}

// An ICMP raw socket reads the type and code (two bytes) before routing: a payload that
// cannot give them is EFAULT, even off the subnet (found by fuzz_syscalls).
TEST_P(SendErrno, IcmpRawSendReadsTypeAndCodeFirst) {
  int fd = raw(IPPROTO_ICMP);
  EXPECT_THAT(sendto(fd, nullptr, 10, 0, test_env::peer(0)), SyscallFailsWithErrno(EFAULT));
  EXPECT_THAT(sendto(fd, buf_, 1, 0, test_env::peer(0)), SyscallFailsWithErrno(EFAULT));
  EXPECT_THAT(sendto(fd, nullptr, 10, 0, test_env::unreachable(0)), SyscallFailsWithErrno(EFAULT));
  EXPECT_THAT(sendto(fd, buf_, 8, 0, test_env::unreachable(0)), SyscallFailsWithErrno(ENETUNREACH));
  EXPECT_THAT(sendto(fd, buf_, 8, 0, test_env::peer(0)), SyscallSucceedsWithValue(8));
}

TEST_P(SendErrno, SendmmsgStopsAtTheFirstError) {
  int fd = udp();
  sockaddr_in good = test_env::peer(9000), bad = test_env::peer(0);
  iovec iov{buf_, 10};
  mmsghdr v[3] = {};
  sockaddr_in* to[3] = {&good, &bad, &good};
  for (int i = 0; i < 3; ++i) {
    v[i].msg_hdr.msg_name = to[i];
    v[i].msg_hdr.msg_namelen = sizeof good;
    v[i].msg_hdr.msg_iov = &iov;
    v[i].msg_hdr.msg_iovlen = 1;
  }
  EXPECT_THAT(api().sendmmsg(fd, v, 3, 0), SyscallSucceedsWithValue(1));
  EXPECT_EQ(v[0].msg_len, 10u);
  // With the failure first, the error itself is returned.
  EXPECT_THAT(api().sendmmsg(fd, v + 1, 2, 0), SyscallFailsWithErrno(EINVAL));
  v[1].msg_hdr.msg_name = &good;
  EXPECT_THAT(api().sendmmsg(fd, v, 3, 0), SyscallSucceedsWithValue(3));
}

// MSG_PROBE copies no data, and sendmmsg stops after a datagram whose data was not all
// taken: a batch probes one non-empty datagram, or every empty one (found by fuzz_syscalls).
TEST_P(SendErrno, SendmmsgProbeStopsAfterANonEmptyDatagram) {
  const int kMsgProbe = 0x10;
  int fd = udp();
  sockaddr_in to = test_env::peer(9000);
  ASSERT_THAT(api().connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to), SyscallSucceeds());
  iovec iov{buf_, 10};
  mmsghdr v[3] = {};
  for (mmsghdr& m : v) {
    m.msg_hdr.msg_iov = &iov;
    m.msg_hdr.msg_iovlen = 1;
  }
  EXPECT_THAT(api().sendmmsg(fd, v, 3, kMsgProbe), SyscallSucceedsWithValue(1));
  EXPECT_EQ(v[0].msg_len, 10u);
  for (mmsghdr& m : v) m.msg_hdr.msg_iovlen = 0;
  EXPECT_THAT(api().sendmmsg(fd, v, 3, kMsgProbe), SyscallSucceedsWithValue(3));
}

TEST_P(SendErrno, ControlMessagesAreChecked) {
  int fd = udp();
  sockaddr_in to = test_env::peer(9000);
  iovec iov{buf_, 10};
  alignas(cmsghdr) char ctl[CMSG_SPACE(sizeof(int))] = {};
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
  int ttl = 0;
  memcpy(CMSG_DATA(c), &ttl, sizeof ttl);
  EXPECT_THAT(api().sendmsg(fd, &m, 0), SyscallFailsWithErrno(EINVAL));
  ttl = 7;
  memcpy(CMSG_DATA(c), &ttl, sizeof ttl);
  EXPECT_THAT(api().sendmsg(fd, &m, 0), SyscallSucceedsWithValue(10));
  c->cmsg_type = 4242;  // unknown SOL_IP type
  EXPECT_THAT(api().sendmsg(fd, &m, 0), SyscallFailsWithErrno(EINVAL));
  c->cmsg_len = 1000;  // longer than the buffer
  EXPECT_THAT(api().sendmsg(fd, &m, 0), SyscallFailsWithErrno(EINVAL));
}

// SOL_SOCKET control messages on a UDP send, as Linux's __sock_cmsg_send takes them:
// SCM_RIGHTS and SCM_CREDENTIALS pass unread, SO_MARK and SO_PRIORITY are checked, the
// rest refused.
TEST_P(SendErrno, SolSocketControlMessagesAsLinux) {
  int fd = udp();
  sockaddr_in to = test_env::peer(9000);
  iovec iov{buf_, 10};
  alignas(cmsghdr) char ctl[CMSG_SPACE(16)] = {};
  msghdr m{};
  m.msg_name = &to;
  m.msg_namelen = sizeof to;
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = ctl;
  cmsghdr* c = reinterpret_cast<cmsghdr*>(ctl);
  struct Row {
    int type;
    size_t len;
    uint32_t value;
    int want_errno;  // 0: sent
  };
  const int kScmTxtime = 61, kSoTimestampingOld = 37;
  for (const Row& r : {Row{SCM_RIGHTS, 4, 0, 0}, Row{SCM_CREDENTIALS, 12, 0, 0},
                       Row{SO_MARK, 4, 5, 0}, Row{SO_MARK, 8, 5, EINVAL},
                       Row{SO_PRIORITY, 4, 3, 0}, Row{SO_PRIORITY, 4, 7, 0},
                       Row{SO_PRIORITY, 2, 3, EINVAL}, Row{kSoTimestampingOld, 4, 0, 0},
                       Row{kSoTimestampingOld, 4, 0x1000, EINVAL}, Row{kScmTxtime, 8, 0, EINVAL},
                       Row{4242, 4, 0, EINVAL}}) {
    SCOPED_TRACE("type " + std::to_string(r.type) + " len " + std::to_string(r.len));
    memset(ctl, 0, sizeof ctl);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = r.type;
    c->cmsg_len = CMSG_LEN(r.len);
    memcpy(CMSG_DATA(c), &r.value, sizeof r.value);
    m.msg_controllen = CMSG_SPACE(r.len);
    if (r.want_errno)
      EXPECT_THAT(api().sendmsg(fd, &m, 0), SyscallFailsWithErrno(r.want_errno));
    else
      EXPECT_THAT(api().sendmsg(fd, &m, 0), SyscallSucceedsWithValue(10));
  }
}

TEST_P(SendErrno, SocketCreationErrors) {
  EXPECT_THAT(api().socket(AF_INET, SOCK_DGRAM | 0x100, 0), SyscallFailsWithErrno(EINVAL));
  EXPECT_THAT(api().socket(AF_INET, SOCK_DGRAM, 300), SyscallFailsWithErrno(EINVAL));
  EXPECT_THAT(api().socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP), SyscallFailsWithErrno(EPROTONOSUPPORT));
  EXPECT_THAT(api().socket(AF_INET, SOCK_RAW, 0), SyscallFailsWithErrno(EPROTONOSUPPORT));
  // A ping socket outside net.ipv4.ping_group_range ("1 0" in the test's namespace): Linux's
  // permission check answers (found by fuzz_syscalls: sendoff said EPROTONOSUPPORT).
  EXPECT_THAT(api().socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP), SyscallFailsWithErrno(EACCES));
  EXPECT_THAT(api().socket(AF_INET, 15, 0), SyscallFailsWithErrno(EINVAL));
  EXPECT_THAT(api().socket(-1, SOCK_DGRAM, 0), SyscallFailsWithErrno(EAFNOSUPPORT));
}

TEST_P(SendErrno, SocketOptionsFollowLinux) {
  int fd = udp();
  int v = 10000;
  ASSERT_THAT(api().setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof v), SyscallSucceeds());
  socklen_t len = sizeof v;
  ASSERT_THAT(api().getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, &len), SyscallSucceeds());
  EXPECT_EQ(v, 20000);  // doubled
  v = 1;
  ASSERT_THAT(api().setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof v), SyscallSucceeds());
  ASSERT_THAT(api().getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, &len), SyscallSucceeds());
  EXPECT_EQ(v, 4608);  // SOCK_MIN_SNDBUF
  v = 0;
  EXPECT_THAT(api().setsockopt(fd, SOL_IP, IP_TTL, &v, sizeof v), SyscallFailsWithErrno(EINVAL));
  v = 256;
  EXPECT_THAT(api().setsockopt(fd, SOL_IP, IP_TTL, &v, sizeof v), SyscallFailsWithErrno(EINVAL));
  v = 6;
  EXPECT_THAT(api().setsockopt(fd, SOL_IP, IP_MTU_DISCOVER, &v, sizeof v),
              SyscallFailsWithErrno(EINVAL));
  EXPECT_THAT(api().setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &v, 2), SyscallFailsWithErrno(EINVAL));
  EXPECT_THAT(api().setsockopt(fd, SOL_SOCKET, SO_BROADCAST, nullptr, sizeof v),
              SyscallFailsWithErrno(EFAULT));
  // A short buffer for a timeout gets its first bytes (found by fuzz_syscalls: EINVAL).
  timeval tv{7, 0};
  ASSERT_THAT(api().setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), SyscallSucceeds());
  long short_tv = -1;
  len = 4;
  ASSERT_THAT(api().getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &short_tv, &len), SyscallSucceeds());
  EXPECT_EQ(len, 4u);
  EXPECT_EQ(short_tv & 0xffffffff, 7);
  len = sizeof v;
  // SO_BINDTODEVICE is a name of any length, not an int: sendoff refuses it (README's
  // "other SOL_SOCKET options") with ENOPROTOOPT, not EINVAL (found by fuzz_syscalls).
  if (api().is_kernel) {
    EXPECT_THAT(api().setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, "", 0), SyscallSucceeds());
  } else {
    EXPECT_THAT(api().setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, "", 0),
                SyscallFailsWithErrno(ENOPROTOOPT));
  }
  // IP_MTU can only be read: refused before its value is looked at (found by fuzz_syscalls).
  EXPECT_THAT(api().setsockopt(fd, SOL_IP, IP_MTU, nullptr, 1), SyscallFailsWithErrno(ENOPROTOOPT));
  // A level no handler takes is EOPNOTSUPP before optlen is read (found by fuzz_syscalls).
  EXPECT_THAT(api().getsockopt(fd, 9999, 1, nullptr, nullptr), SyscallFailsWithErrno(EOPNOTSUPP));
  EXPECT_THAT(api().getsockopt(fd, SOL_IP, IP_TTL, nullptr, nullptr), SyscallFailsWithErrno(EFAULT));
  v = 9;
  ASSERT_THAT(api().setsockopt(fd, SOL_IP, IP_TTL, &v, sizeof v), SyscallSucceeds());
  v = -1;
  ASSERT_THAT(api().getsockopt(fd, SOL_IP, IP_TTL, &v, &len), SyscallSucceeds());
  EXPECT_EQ(v, 9);
  v = -1;  // back to the default
  ASSERT_THAT(api().setsockopt(fd, SOL_IP, IP_TTL, &v, sizeof v), SyscallSucceeds());
  ASSERT_THAT(api().getsockopt(fd, SOL_IP, IP_TTL, &v, &len), SyscallSucceeds());
  EXPECT_EQ(v, 64);
}

TEST_P(SendErrno, BindErrors) {
  int a = udp(), b = udp();
  sockaddr_in me{};
  me.sin_family = AF_INET;
  me.sin_addr.s_addr = htonl(0xC6120001);
  me.sin_port = htons(40000);
  auto* sa = reinterpret_cast<sockaddr*>(&me);
  EXPECT_THAT(api().bind(a, sa, 8), SyscallFailsWithErrno(EINVAL));
  ASSERT_THAT(api().bind(a, sa, sizeof me), SyscallSucceeds());
  EXPECT_THAT(api().bind(a, sa, sizeof me), SyscallFailsWithErrno(EINVAL));
  EXPECT_THAT(api().bind(b, sa, sizeof me), SyscallFailsWithErrno(EADDRINUSE));
  // Another address (the subnet's broadcast) on the same port is no conflict.
  sockaddr_in bcast = test_env::subnet_broadcast(40000);
  EXPECT_THAT(api().bind(udp(), reinterpret_cast<sockaddr*>(&bcast), sizeof bcast),
              SyscallSucceeds());
  bcast.sin_addr.s_addr = 0;  // but the wildcard is
  EXPECT_THAT(api().bind(udp(), reinterpret_cast<sockaddr*>(&bcast), sizeof bcast),
              SyscallFailsWithErrno(EADDRINUSE));
  me.sin_addr.s_addr = htonl(0xC6120063);  // 198.18.0.99: not ours
  EXPECT_THAT(api().bind(b, sa, sizeof me), SyscallFailsWithErrno(EADDRNOTAVAIL));
  me.sin_family = AF_INET6;
  EXPECT_THAT(api().bind(b, sa, sizeof me), SyscallFailsWithErrno(EAFNOSUPPORT));
}

INSTANTIATE_TEST_SUITE_P(Backends, SendErrno, ::testing::Values(&kernel_api(), &sendoff_api()),
                         [](const auto& info) { return info.param->name; });

// TCP rows. The test is the peer 198.18.0.2 on both sides' wires (the
// kernel's veth, sendoff's NIC): it answers a SYN, stays silent, or resets,
// with the same segments for both.
class TcpErrno : public ::testing::TestWithParam<const SocketApi*> {
 protected:
  const SocketApi& api() const { return *GetParam(); }
  void SetUp() override {
    wire_ = api().is_kernel ? tcp_peer::kernel_wire() : tcp_peer::sendoff_wire();
    ASSERT_TRUE(wire_) << "AF_PACKET on so1: " << strerror(errno);
    wire_->take();
  }
  void TearDown() override {
    // SO_LINGER 0: a RST at once, nothing left running.
    const linger lg{1, 0};
    for (int fd : fds_) {
      api().setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
      api().close(fd);
    }
    test_env::drain_frames();
  }
  int tcp(int flags = 0) {
    const int fd = api().socket(AF_INET, SOCK_STREAM | flags, 0);
    EXPECT_GE(fd, 0) << strerror(errno);
    fds_.push_back(fd);
    return fd;
  }
  int connect(int fd, uint16_t peer_port) {
    const sockaddr_in to = test_env::peer(peer_port);
    return api().connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to);
  }
  uint16_t local_port(int fd) {
    sockaddr_in me{};
    socklen_t len = sizeof me;
    EXPECT_THAT(api().getsockname(fd, reinterpret_cast<sockaddr*>(&me), &len), SyscallSucceeds());
    return ntohs(me.sin_port);
  }
  void set_blocking(int fd) { EXPECT_THAT(api().fcntl(fd, F_SETFL, 0), SyscallSucceeds()); }
  void set_int(int fd, int level, int name, int v) {
    EXPECT_THAT(api().setsockopt(fd, level, name, &v, sizeof v), SyscallSucceeds());
  }
  void set_timeout(int fd, int name, long usec) {
    const timeval tv{usec / 1000000, usec % 1000000};
    EXPECT_THAT(api().setsockopt(fd, SOL_SOCKET, name, &tv, sizeof tv), SyscallSucceeds());
  }

  // Our connection's ends as the peer sees them.
  struct Conn {
    int fd = -1;
    uint16_t port = 0, peer_port = 0;
    uint32_t snd_nxt = 0, rcv_nxt = 0;  // ours: the next sequence we send, the peer's next
  };
  static constexpr uint32_t kPeerIsn = 7000000;

  // The SYN of a connect already made, answered with a SYN-ACK.
  void answer_syn(Conn* c) {
    c->port = local_port(c->fd);
    const auto s = wire_->take_segments(c->port, 2000);
    ASSERT_EQ(s.size(), 1u);
    ASSERT_EQ(s[0].flags, tcp_peer::SYN);
    c->snd_nxt = s[0].seq + 1;
    c->rcv_nxt = kPeerIsn + 1;
    ASSERT_TRUE(wire_->put(tcp_peer::peer_frame(c->peer_port, c->port, kPeerIsn, c->snd_nxt,
                                                tcp_peer::SYN | tcp_peer::ACK, 65535,
                                                tcp_peer::synack_opts(tcp_peer::tsval_of(s[0])))));
  }
  // A nonblocking connect the peer accepts; the connection is up when it returns.
  void establish(Conn* c, uint16_t peer_port) {
    c->fd = tcp(SOCK_NONBLOCK);
    c->peer_port = peer_port;
    ASSERT_THAT(connect(c->fd, peer_port), SyscallFailsWithErrno(EINPROGRESS));
    answer_syn(c);
    if (HasFatalFailure()) return;
    pollfd p{c->fd, POLLOUT, 0};
    ASSERT_THAT(api().poll(&p, 1, 2000), SyscallSucceedsWithValue(1));
    // The connect still pending reports its success once, then the socket is connected.
    ASSERT_THAT(connect(c->fd, peer_port), SyscallSucceeds());
    ASSERT_THAT(connect(c->fd, peer_port), SyscallFailsWithErrno(EISCONN));
    wire_->take();  // our ACK of the SYN-ACK
  }
  // The peer resets the connection (a RST at exactly rcv_nxt); it has arrived when this returns.
  void reset(const Conn& c) {
    ASSERT_TRUE(wire_->put(tcp_peer::peer_frame(c.peer_port, c.port, c.rcv_nxt, 0, tcp_peer::RST, 0)));
    pollfd p{c.fd, POLLIN, 0};
    ASSERT_THAT(api().poll(&p, 1, 2000), SyscallSucceedsWithValue(1));
  }

  std::unique_ptr<tcp_peer::Wire> wire_;
  std::vector<int> fds_;
  char buf_[256] = {};
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// sk_stream_wait_connect: a send before the handshake is over is EAGAIN without
// waiting, and waits for the connection when blocking (up to SO_SNDTIMEO).
TEST_P(TcpErrno, SendInSynSentIsEagainNonblockingAndWaitsForTheHandshakeBlocking) {
  Conn c;
  c.fd = tcp(SOCK_NONBLOCK);
  c.peer_port = 9501;
  ASSERT_THAT(connect(c.fd, c.peer_port), SyscallFailsWithErrno(EINPROGRESS));
  EXPECT_THAT(api().send(c.fd, buf_, 10, 0), SyscallFailsWithErrno(EAGAIN));
  set_blocking(c.fd);
  EXPECT_THAT(api().send(c.fd, buf_, 10, MSG_DONTWAIT), SyscallFailsWithErrno(EAGAIN));
  EXPECT_THAT(api().recv(c.fd, buf_, 10, MSG_DONTWAIT), SyscallFailsWithErrno(EAGAIN));
  set_timeout(c.fd, SO_SNDTIMEO, 300000);
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_THAT(api().send(c.fd, buf_, 10, 0), SyscallFailsWithErrno(EAGAIN));
  EXPECT_GE(seconds_since(t0), 0.25);
  // A blocking send sleeping in SYN_SENT goes on once the peer's SYN-ACK comes.
  set_timeout(c.fd, SO_SNDTIMEO, 5000000);
  ssize_t sent = -2;
  std::thread sender([&] { sent = api().send(c.fd, buf_, 10, 0); });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  answer_syn(&c);
  sender.join();
  EXPECT_EQ(sent, 10) << strerror(errno);
}

TEST_P(TcpErrno, TcpUserTimeoutIsAnIntOfMillisecondsAndNeverNegative) {
  const int fd = tcp();
  int v = -1;
  socklen_t len = sizeof v;
  ASSERT_THAT(api().getsockopt(fd, SOL_TCP, TCP_USER_TIMEOUT, &v, &len), SyscallSucceeds());
  EXPECT_EQ(v, 0);
  v = -5;
  EXPECT_THAT(api().setsockopt(fd, SOL_TCP, TCP_USER_TIMEOUT, &v, sizeof v),
              SyscallFailsWithErrno(EINVAL));
  v = 1234;
  EXPECT_THAT(api().setsockopt(fd, SOL_TCP, TCP_USER_TIMEOUT, &v, 2), SyscallFailsWithErrno(EINVAL));
  ASSERT_THAT(api().setsockopt(fd, SOL_TCP, TCP_USER_TIMEOUT, &v, sizeof v), SyscallSucceeds());
  v = 0;
  ASSERT_THAT(api().getsockopt(fd, SOL_TCP, TCP_USER_TIMEOUT, &v, &len), SyscallSucceeds());
  EXPECT_EQ(v, 1234);
  EXPECT_EQ(len, sizeof v);
  uint16_t half = 0;
  len = sizeof half;
  ASSERT_THAT(api().getsockopt(fd, SOL_TCP, TCP_USER_TIMEOUT, &half, &len), SyscallSucceeds());
  EXPECT_EQ(len, 2u);
  EXPECT_EQ(half, 1234);
}

// TCP_MAXSEG: 0 (none) or TCP_MIN_MSS..MAX_TCP_WINDOW; an unconnected
// socket reads back the user's value, else 536.
TEST_P(TcpErrno, TcpMaxsegTakesZeroOr88To32767) {
  const int fd = tcp();
  auto maxseg = [&] {
    int v = -1;
    socklen_t len = sizeof v;
    EXPECT_THAT(api().getsockopt(fd, SOL_TCP, TCP_MAXSEG, &v, &len), SyscallSucceeds());
    return v;
  };
  EXPECT_EQ(maxseg(), 536);
  for (int bad : {87, 32768, -1}) {
    EXPECT_THAT(api().setsockopt(fd, SOL_TCP, TCP_MAXSEG, &bad, sizeof bad),
                SyscallFailsWithErrno(EINVAL));
  }
  for (int good : {88, 1000, 32767}) {
    set_int(fd, SOL_TCP, TCP_MAXSEG, good);
    EXPECT_EQ(maxseg(), good);
  }
  set_int(fd, SOL_TCP, TCP_MAXSEG, 0);
  EXPECT_EQ(maxseg(), 536);
}

// Data the peer never ACKs: ETIMEDOUT once TCP_USER_TIMEOUT has passed since
// the first RTO (on both, the first retransmission is a tail loss probe,
// about 200 ms in, and the RTO after it starts the clock), then EOF, then EPIPE.
TEST_P(TcpErrno, DataUnackedPastTcpUserTimeoutIsEtimedout) {
  Conn c;
  establish(&c, 9502);
  if (HasFatalFailure()) return;
  set_int(c.fd, SOL_TCP, TCP_USER_TIMEOUT, 1000);
  set_blocking(c.fd);
  set_timeout(c.fd, SO_RCVTIMEO, 5000000);
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_THAT(api().send(c.fd, "hello", 5, 0), SyscallSucceedsWithValue(5));
  EXPECT_THAT(api().recv(c.fd, buf_, 10, 0), SyscallFailsWithErrno(ETIMEDOUT));
  const double secs = seconds_since(t0);
  EXPECT_GE(secs, 1.0);
  EXPECT_LE(secs, 2.0);
  unsigned copies = 0;
  for (const auto& s : tcp_peer::segments(wire_->take(), c.port))
    if (s.seq == c.snd_nxt && s.data.size() == 5) ++copies;
  EXPECT_GE(copies, 3u);  // sent, and retransmitted at least twice
  EXPECT_THAT(api().recv(c.fd, buf_, 10, 0), SyscallSucceedsWithValue(0));
  EXPECT_THAT(api().send(c.fd, buf_, 10, MSG_NOSIGNAL), SyscallFailsWithErrno(EPIPE));
}

// In SYN_SENT the clock runs from the SYN: the retransmission after 1 s finds
// the time up, and connect fails at once.
TEST_P(TcpErrno, ConnectPastTcpUserTimeoutIsEtimedout) {
  const int fd = tcp();
  set_int(fd, SOL_TCP, TCP_USER_TIMEOUT, 1000);
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_THAT(connect(fd, 9506), SyscallFailsWithErrno(ETIMEDOUT));
  const double secs = seconds_since(t0);
  EXPECT_GE(secs, 0.95);
  EXPECT_LE(secs, 1.5);
  unsigned syns = 0;
  for (const auto& s : tcp_peer::segments(wire_->take(), local_port(fd)))
    if (s.flags == tcp_peer::SYN) ++syns;
  EXPECT_EQ(syns, 2u);
}

// tcp_reset: the first call after the peer's RST reports ECONNRESET, whichever
// it is; then recv sees EOF and send EPIPE.
TEST_P(TcpErrno, ThePeersRstIsEconnresetOnceThenEofAndEpipe) {
  Conn c;
  establish(&c, 9503);
  if (HasFatalFailure()) return;
  reset(c);
  EXPECT_THAT(api().recv(c.fd, buf_, 10, 0), SyscallFailsWithErrno(ECONNRESET));
  EXPECT_THAT(api().recv(c.fd, buf_, 10, 0), SyscallSucceedsWithValue(0));
  EXPECT_THAT(api().send(c.fd, buf_, 10, MSG_NOSIGNAL), SyscallFailsWithErrno(EPIPE));
  Conn d;
  establish(&d, 9504);
  if (HasFatalFailure()) return;
  reset(d);
  EXPECT_THAT(api().send(d.fd, buf_, 10, MSG_NOSIGNAL), SyscallFailsWithErrno(ECONNRESET));
  EXPECT_THAT(api().send(d.fd, buf_, 10, MSG_NOSIGNAL), SyscallFailsWithErrno(EPIPE));
  EXPECT_THAT(api().recv(d.fd, buf_, 10, MSG_DONTWAIT), SyscallSucceedsWithValue(0));
}

// tcp_sendmsg never reads msg_name: on a connected socket sendto's address,
// whatever its family or length, is copied (move_addr_to_kernel's checks) and
// ignored; on an unconnected one the send is EPIPE, not a connect.
TEST_P(TcpErrno, SendtoIgnoresTheAddressOfAConnectedSocket) {
  const sockaddr_in other = test_env::addr(0xC612004D, 9999);  // 198.18.0.77
  const auto* sa = reinterpret_cast<const sockaddr*>(&other);
  const int u = tcp();
  EXPECT_THAT(api().sendto(u, "abc", 3, MSG_NOSIGNAL, sa, sizeof other),
              SyscallFailsWithErrno(EPIPE));
  Conn c;
  establish(&c, 9505);
  if (HasFatalFailure()) return;
  set_int(c.fd, SOL_TCP, TCP_NODELAY, 1);
  sockaddr_in6 six{};
  six.sin6_family = AF_INET6;
  EXPECT_THAT(api().sendto(c.fd, "abc", 3, 0, sa, sizeof other), SyscallSucceedsWithValue(3));
  EXPECT_THAT(api().sendto(c.fd, "abc", 3, 0, reinterpret_cast<const sockaddr*>(&six), sizeof six),
              SyscallSucceedsWithValue(3));
  EXPECT_THAT(api().sendto(c.fd, "abc", 3, 0, sa, 3), SyscallSucceedsWithValue(3));
  EXPECT_THAT(api().sendto(c.fd, "abc", 3, 0, sa, 0), SyscallSucceedsWithValue(3));
  EXPECT_THAT(api().sendto(c.fd, "abc", 3, 0, sa, 200), SyscallFailsWithErrno(EINVAL));
  EXPECT_THAT(api().sendto(c.fd, "abc", 3, 0, reinterpret_cast<const sockaddr*>(8), 16),
              SyscallFailsWithErrno(EFAULT));
  std::string stream;
  for (int i = 0; i < 50 && stream.size() < 12; ++i)
    for (const auto& s : wire_->take_segments(c.port, 20)) {
      EXPECT_EQ(s.dport, c.peer_port);
      stream.append(s.data.begin(), s.data.end());
    }
  EXPECT_EQ(stream, "abcabcabcabc");
}

// tcp_sendmsg with MSG_OOB: the data is sent with URG and the urgent pointer
// after its last byte, past Nagle while urgent data is unacknowledged
// (tcp_nagle_test). No urgent data came in: recv(MSG_OOB) is EINVAL.
TEST_P(TcpErrno, MsgOobSendsUrgentDataPastNagle) {
  Conn c;
  establish(&c, 9507);
  if (HasFatalFailure()) return;
  EXPECT_THAT(api().send(c.fd, "ab", 2, MSG_OOB), SyscallSucceedsWithValue(2));
  EXPECT_THAT(api().send(c.fd, "c", 1, 0), SyscallSucceedsWithValue(1));
  EXPECT_THAT(api().send(c.fd, "d", 1, MSG_OOB), SyscallSucceedsWithValue(1));
  std::vector<tcp_peer::Seg> segs;
  for (int i = 0; i < 50 && segs.size() < 3; ++i)
    for (auto& s : wire_->take_segments(c.port, 20)) segs.push_back(std::move(s));
  ASSERT_EQ(segs.size(), 3u);
  // "c" lies past the urgent pointer: no URG, but it leaves at once.
  const std::string want[] = {"ab", "c", "d"};
  const uint16_t urg_ptr[] = {2, 0, 1};
  for (size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE("segment " + std::to_string(i));
    EXPECT_EQ(std::string(segs[i].data.begin(), segs[i].data.end()), want[i]);
    EXPECT_EQ(segs[i].flags & tcp_peer::URG, urg_ptr[i] ? tcp_peer::URG : 0);
    EXPECT_EQ(segs[i].urg_ptr, urg_ptr[i]);
  }
  EXPECT_THAT(api().recv(c.fd, buf_, 1, MSG_OOB | MSG_DONTWAIT), SyscallFailsWithErrno(EINVAL));
}

INSTANTIATE_TEST_SUITE_P(Backends, TcpErrno, ::testing::Values(&kernel_api(), &sendoff_api()),
                         [](const auto& info) { return info.param->name; });

}  // namespace
