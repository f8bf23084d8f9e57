// SPDX-License-Identifier: MIT
// VethNetnsTest: a GoogleTest fixture that gives each test two fresh network
// namespaces joined by a veth pair with known addresses (198.18.0.0/15 only),
// MACs and permanent neighbour entries. Names carry the pid; namespaces of
// earlier runs that died before their destructors ran are removed first.
// Skips when not root.
#ifndef SENDOFF_E2E_NETNS_FIXTURE_HPP
#define SENDOFF_E2E_NETNS_FIXTURE_HPP

#include <gtest/gtest.h>

#include <memory>

#include "netns.hpp"

namespace sendoff {
namespace e2e {

constexpr const char* kNetnsPrefix = "sendoff-e2e-";

// The sending side ("a") and its peer ("b").
extern const sys::VethEnd kLocalEnd;  // veth0 02:00:00:00:00:01 198.18.0.1/15
extern const sys::VethEnd kPeerEnd;   // veth1 02:00:00:00:00:02 198.18.0.2/15

class VethNetnsTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override { veth_.reset(); }

  const sys::VethPair& veth() const { return *veth_; }

 private:
  std::unique_ptr<sys::VethPair> veth_;
};

}  // namespace e2e
}  // namespace sendoff

#endif  // SENDOFF_E2E_NETNS_FIXTURE_HPP
