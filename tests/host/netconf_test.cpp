// SPDX-License-Identifier: MIT
// Interface settings from flags and from a config file.
#include "sendoff/netconf.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace {

using sendoff::NetConfig;

TEST(NetConfig, ParsesFlags) {
  NetConfig c;
  std::string err;
  ASSERT_TRUE(c.set_local("198.18.5.6/24", &err)) << err;
  EXPECT_EQ(c.addr, 0xC6120506u);
  EXPECT_EQ(c.prefix_len, 24);
  ASSERT_TRUE(c.add_neigh("198.18.5.1=0a:0B:0c:0d:0e:0f", &err)) << err;
  EXPECT_EQ(c.neigh.at(0).mac[1], 0x0b);
  ASSERT_TRUE(c.set_mtu(9000, &err));
  ASSERT_TRUE(c.set_gateway("198.18.5.1", &err));
  EXPECT_EQ(c.gateway, 0xC6120501u);
}

TEST(NetConfig, RejectsBadValuesWithAMessage) {
  NetConfig c;
  std::string err;
  EXPECT_FALSE(c.set_local("198.18.0.1/33", &err));
  EXPECT_NE(err.find("prefix"), std::string::npos);
  EXPECT_FALSE(c.set_local("300.1.1.1", &err));
  EXPECT_FALSE(c.set_local("127.0.0.1/8", &err));
  EXPECT_FALSE(c.set_mac("01:00:5e:00:00:01", &err));  // multicast
  EXPECT_FALSE(c.set_mac("02:00:00:00:00", &err));
  EXPECT_FALSE(c.set_mtu(67, &err));
  EXPECT_FALSE(c.set_mtu(9001, &err));
  EXPECT_FALSE(c.add_neigh("198.18.0.2", &err));
  EXPECT_NE(err.find("IP=MAC"), std::string::npos);
}

TEST(NetConfig, LoadsAFileAndNamesTheBadLine) {
  char path[] = "/tmp/sendoff-netconf-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  {
    std::ofstream f(path);
    f << "# test\nlocal 198.18.0.7/15\nmac 02:aa:00:00:00:07\nmtu 1400\n"
         "neigh 198.18.0.8 02:aa:00:00:00:08\n";
  }
  NetConfig c;
  std::string err;
  ASSERT_TRUE(c.load_file(path, &err)) << err;
  EXPECT_EQ(c.addr, 0xC6120007u);
  EXPECT_EQ(c.mtu, 1400u);
  EXPECT_EQ(c.mac[1], 0xaa);
  ASSERT_EQ(c.neigh.size(), 1u);
  EXPECT_EQ(c.neigh[0].ip, 0xC6120008u);
  {
    std::ofstream f(path);
    f << "local 198.18.0.7/15\nmtu lots\n";
  }
  EXPECT_FALSE(c.load_file(path, &err));
  EXPECT_NE(err.find(":2:"), std::string::npos) << err;
  unlink(path);
}

}  // namespace
