// SPDX-License-Identifier: MIT
// The file-level calls on a socket, against the kernel's sockets: dup, dup2,
// dup3 and fcntl(F_DUPFD*) give more names for one socket (its flags shared,
// open until the last name closes, a socket dup2 replaces closed), ioctl
// (FIONBIO, FIONREAD, SIOCOUTQ, a device ioctl, ENOTTY), getpeername, and
// fcntl's pointer argument passed whole.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "socket_api.hpp"
#include "syscall_matchers.hpp"
#include "test_env.hpp"

namespace {

class FileCalls : public ::testing::TestWithParam<const SocketApi*> {
 protected:
  const SocketApi& api() const { return *GetParam(); }
  int udp() {
    int fd = api().socket(AF_INET, SOCK_DGRAM, 0);
    EXPECT_GE(fd, 0) << strerror(errno);
    return keep(fd);
  }
  int keep(int fd) {
    if (fd >= 0) fds_.push_back(fd);
    return fd;
  }
  uint16_t bound_port(int fd) {
    sockaddr_in a{};
    socklen_t l = sizeof a;
    EXPECT_THAT(api().getsockname(fd, reinterpret_cast<sockaddr*>(&a), &l), SyscallSucceeds());
    return ntohs(a.sin_port);
  }
  void bind_port(int fd, uint16_t port, int want_errno = 0) {
    sockaddr_in a = test_env::addr(test_env::kLocal, port);
    if (want_errno)
      EXPECT_THAT(api().bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a),
                  SyscallFailsWithErrno(want_errno));
    else
      EXPECT_THAT(api().bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), SyscallSucceeds());
  }
  void TearDown() override {
    for (int fd : fds_) api().close(fd);
    test_env::drain_frames();
  }
  std::vector<int> fds_;
};

TEST_P(FileCalls, DupNamesTheSameSocketUntilItsLastFdCloses) {
  const int a = udp();
  bind_port(a, 41000);
  const int b = keep(api().dup(a));
  ASSERT_GE(b, 0);
  EXPECT_NE(a, b);
  EXPECT_EQ(bound_port(b), 41000);
  // The file's flags are shared.
  ASSERT_THAT(api().fcntl(a, F_SETFL, O_NONBLOCK), SyscallSucceeds());
  EXPECT_EQ(api().fcntl(b, F_GETFL, 0) & O_NONBLOCK, O_NONBLOCK);
  // Closing one name leaves the socket: the port stays taken and b still sends.
  ASSERT_THAT(api().close(a), SyscallSucceeds());
  fds_.erase(fds_.begin());
  const sockaddr_in to = test_env::peer(9000);
  EXPECT_THAT(api().sendto(b, "x", 1, 0, reinterpret_cast<const sockaddr*>(&to), sizeof to),
              SyscallSucceedsWithValue(1));
  const int c = udp();
  bind_port(c, 41000, EADDRINUSE);
  // The last name closes it: the port is free.
  ASSERT_THAT(api().close(b), SyscallSucceeds());
  fds_.pop_back();
  fds_.erase(fds_.begin());
  EXPECT_THAT(api().getsockname(b, nullptr, nullptr), SyscallFailsWithErrno(EBADF));
  const int d = udp();
  bind_port(d, 41000);
}

TEST_P(FileCalls, Dup2OverASocketClosesThatSocket) {
  const int a = udp(), c = udp();
  bind_port(a, 41001);
  bind_port(c, 41002);
  EXPECT_THAT(api().dup2(a, c), SyscallSucceedsWithValue(c));
  EXPECT_EQ(bound_port(c), 41001) << "c names a's socket now";
  const int d = udp();
  bind_port(d, 41002);  // c's old socket is gone
  EXPECT_THAT(api().dup2(a, a), SyscallSucceedsWithValue(a));
  EXPECT_THAT(api().dup3(a, a, 0), SyscallFailsWithErrno(EINVAL));
  EXPECT_THAT(api().dup3(a, c, 0x10), SyscallFailsWithErrno(EINVAL));
  EXPECT_THAT(api().dup2(a, -1), SyscallFailsWithErrno(EBADF));
  EXPECT_THAT(api().dup(-1), SyscallFailsWithErrno(EBADF));
  const int e = keep(api().dup3(a, 200, O_CLOEXEC));
  EXPECT_EQ(e, 200);
  EXPECT_EQ(api().fcntl(e, F_GETFD, 0), FD_CLOEXEC);
  EXPECT_EQ(api().fcntl(a, F_GETFD, 0), 0);
  EXPECT_EQ(bound_port(e), 41001);
}

TEST_P(FileCalls, FcntlDupfdHonoursTheMinimumAndCloexec) {
  const int a = udp();
  bind_port(a, 41003);
  const int b = keep(api().fcntl(a, F_DUPFD, 150));
  EXPECT_GE(b, 150);
  EXPECT_EQ(api().fcntl(b, F_GETFD, 0), 0);
  const int c = keep(api().fcntl(a, F_DUPFD_CLOEXEC, 160));
  EXPECT_GE(c, 160);
  EXPECT_EQ(api().fcntl(c, F_GETFD, 0), FD_CLOEXEC);
  EXPECT_EQ(bound_port(b), 41003);
  EXPECT_EQ(bound_port(c), 41003);
  EXPECT_THAT(api().fcntl(a, F_DUPFD, -1), SyscallFailsWithErrno(EINVAL));
  // A pointer argument reaches the kernel whole (a record lock query on the fd).
  struct flock fl{};
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  EXPECT_THAT(api().fcntl(a, F_GETLK, reinterpret_cast<long>(&fl)), SyscallSucceeds());
}

TEST_P(FileCalls, IoctlsAsLinuxAnswersThemOnAUdpSocket) {
  const int a = udp();
  int on = 1;
  ASSERT_THAT(api().ioctl(a, FIONBIO, reinterpret_cast<unsigned long>(&on)), SyscallSucceeds());
  EXPECT_EQ(api().fcntl(a, F_GETFL, 0) & O_NONBLOCK, O_NONBLOCK);
  on = 0;
  ASSERT_THAT(api().ioctl(a, FIONBIO, reinterpret_cast<unsigned long>(&on)), SyscallSucceeds());
  EXPECT_EQ(api().fcntl(a, F_GETFL, 0) & O_NONBLOCK, 0);
  int v = -1;
  EXPECT_THAT(api().ioctl(a, FIONREAD, reinterpret_cast<unsigned long>(&v)), SyscallSucceeds());
  EXPECT_EQ(v, 0) << "nothing queued";
  v = -1;
  EXPECT_THAT(api().ioctl(a, SIOCOUTQ, reinterpret_cast<unsigned long>(&v)), SyscallSucceeds());
  EXPECT_EQ(v, 0) << "nothing in flight";
  EXPECT_THAT(api().ioctl(a, FIONREAD, 0), SyscallFailsWithErrno(EFAULT));
  termios t{};
  EXPECT_THAT(api().ioctl(a, TCGETS, reinterpret_cast<unsigned long>(&t)),
              SyscallFailsWithErrno(ENOTTY));
  ifreq ifr{};
  std::strcpy(ifr.ifr_name, "lo");
  ASSERT_THAT(api().ioctl(a, SIOCGIFINDEX, reinterpret_cast<unsigned long>(&ifr)),
              SyscallSucceeds());
  EXPECT_EQ(static_cast<unsigned>(ifr.ifr_ifindex), if_nametoindex("lo"));
  std::strcpy(ifr.ifr_name, "nosuchif0");
  EXPECT_THAT(api().ioctl(a, SIOCGIFINDEX, reinterpret_cast<unsigned long>(&ifr)),
              SyscallFailsWithErrno(ENODEV));
  EXPECT_THAT(api().ioctl(-1, FIONREAD, reinterpret_cast<unsigned long>(&v)),
              SyscallFailsWithErrno(EBADF));
}

// A file that is no socket keeps its own ioctls (found by fuzz_syscalls: sendoff answered
// ENOTSOCK): a pipe's FIONREAD counts its bytes, SIOCOUTQ (TIOCOUTQ) is ENOTTY.
// F_SETFL keeps O_APPEND (read back by F_GETFL); O_DIRECT is EINVAL on a socket (found by
// fuzz_syscalls: F_SETFL(-1) succeeded).
TEST_P(FileCalls, SetflAsLinuxSetsItOnASocket) {
  const int a = udp();
  ASSERT_THAT(api().fcntl(a, F_SETFL, O_NONBLOCK | O_APPEND), SyscallSucceeds());
  EXPECT_EQ(api().fcntl(a, F_GETFL, 0), O_RDWR | O_NONBLOCK | O_APPEND);
  EXPECT_THAT(api().fcntl(a, F_SETFL, -1), SyscallFailsWithErrno(EINVAL));
  EXPECT_THAT(api().fcntl(a, F_SETFL, O_DIRECT), SyscallFailsWithErrno(EINVAL));
  ASSERT_THAT(api().fcntl(a, F_SETFL, 0), SyscallSucceeds());
  EXPECT_EQ(api().fcntl(a, F_GETFL, 0), O_RDWR);
}

// dup3 checks its flags and oldfd == newfd before oldfd itself (found by fuzz_syscalls).
TEST_P(FileCalls, Dup3ChecksItsArgumentsBeforeTheFd) {
  EXPECT_THAT(api().dup3(987654, 900, 1), SyscallFailsWithErrno(EINVAL));
  EXPECT_THAT(api().dup3(-1, -1, 0), SyscallFailsWithErrno(EINVAL));
  EXPECT_THAT(api().dup3(987654, 900, O_CLOEXEC), SyscallFailsWithErrno(EBADF));
}

TEST_P(FileCalls, IoctlOnAFileThatIsNoSocketIsThatFilesOwn) {
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  ASSERT_EQ(write(p[1], "abc", 3), 3);
  int v = -1;
  EXPECT_THAT(api().ioctl(p[0], FIONREAD, reinterpret_cast<unsigned long>(&v)), SyscallSucceeds());
  EXPECT_EQ(v, 3);
  EXPECT_THAT(api().ioctl(p[1], SIOCOUTQ, reinterpret_cast<unsigned long>(&v)),
              SyscallFailsWithErrno(ENOTTY));
  close(p[0]);
  close(p[1]);
}

TEST_P(FileCalls, GetpeernameIsEnotconnUntilConnected) {
  const int a = udp();
  sockaddr_in got{};
  socklen_t l = sizeof got;
  EXPECT_THAT(api().getpeername(a, reinterpret_cast<sockaddr*>(&got), &l),
              SyscallFailsWithErrno(ENOTCONN));
  // getname answers before the length is read (found by fuzz_syscalls: sendoff said EFAULT).
  EXPECT_THAT(api().getpeername(a, nullptr, nullptr), SyscallFailsWithErrno(ENOTCONN));
  const sockaddr_in to = test_env::peer(9000);
  ASSERT_THAT(api().connect(a, reinterpret_cast<const sockaddr*>(&to), sizeof to),
              SyscallSucceeds());
  l = sizeof got;
  ASSERT_THAT(api().getpeername(a, reinterpret_cast<sockaddr*>(&got), &l), SyscallSucceeds());
  EXPECT_EQ(l, sizeof got);
  EXPECT_EQ(got.sin_port, htons(9000));
  EXPECT_EQ(got.sin_addr.s_addr, htonl(test_env::kPeer));
  EXPECT_THAT(api().getpeername(a, reinterpret_cast<sockaddr*>(&got), nullptr),
              SyscallFailsWithErrno(EFAULT));
}

INSTANTIATE_TEST_SUITE_P(Backends, FileCalls, ::testing::Values(&kernel_api(), &sendoff_api()),
                         [](const auto& info) { return info.param->name; });

}  // namespace
