// SPDX-License-Identifier: MIT
#include "netns_fixture.hpp"

#include "prereq.hpp"

namespace sendoff {
namespace e2e {

const sys::VethEnd kLocalEnd{"veth0", "02:00:00:00:00:01", "198.18.0.1/15", 1500};
const sys::VethEnd kPeerEnd{"veth1", "02:00:00:00:00:02", "198.18.0.2/15", 1500};

void VethNetnsTest::SetUp() {
  SENDOFF_REQUIRE(test::missing_root("network namespaces"));
  sys::remove_stale_netns(kNetnsPrefix);
  std::string err;
  veth_ = sys::VethPair::create({kNetnsPrefix, kLocalEnd, kPeerEnd}, &err);
  ASSERT_TRUE(veth_) << err;
}

}  // namespace e2e
}  // namespace sendoff
