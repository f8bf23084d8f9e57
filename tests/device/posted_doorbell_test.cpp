// SPDX-License-Identifier: MIT
// The doorbell a host-thread NIC polls and sleeps on: a ring asks its caller
// for a wake-up only when the NIC sleeps, and only the first ring after the
// NIC went to sleep does (the rest would be futex calls on the send path).
#include "sendoff/posted_doorbell.hpp"

#include <gtest/gtest.h>

#include <atomic>

namespace sendoff {
namespace {

TEST(PostedDoorbell, OnlyTheFirstRingAfterSleepAsksForAWakeUp) {
  PostedDoorbell db;
  EXPECT_FALSE(db.ring(1)) << "the NIC polls: no wake-up";
  db.set_sleeping(true);
  EXPECT_TRUE(db.ring(2));
  EXPECT_FALSE(db.ring(3)) << "a wake-up is already on its way";
  db.set_sleeping(false);
  EXPECT_FALSE(db.ring(4));
  db.set_sleeping(true);
  EXPECT_TRUE(db.ring(5)) << "each sleep is woken once";
}

TEST(PostedDoorbell, TakeSeesTheLatestHeadAndEveryRing) {
  PostedDoorbell db;
  uint32_t head = 0;
  EXPECT_FALSE(db.take(&head));
  db.ring(7);
  db.ring(5);  // an older index from a slower thread does not move it back
  EXPECT_TRUE(db.pending());
  EXPECT_TRUE(db.take(&head));
  EXPECT_EQ(head, 7u);
  EXPECT_FALSE(db.pending());
  EXPECT_FALSE(db.take(&head));
}

TEST(PostedDoorbell, PollEndsOnARingOrStop) {
  PostedDoorbell db;
  std::atomic<bool> stop{false};
  db.set_busy_poll(60u * 1000 * 1000);
  const uint64_t seen = db.taken();
  db.ring(1);
  db.poll(seen, stop);  // returns at once: a ring came since `seen`
  uint32_t head;
  ASSERT_TRUE(db.take(&head));
  stop = true;
  db.poll(db.taken(), stop);  // returns at once: stopped
  SUCCEED();
}

}  // namespace
}  // namespace sendoff
