// Unit tests: when the hand-off asks for a pass (src/core/handoff_settle.h).
#include "src/core/handoff_settle.h"

#include <gtest/gtest.h>

using tailfold::HandoffSettle;

TEST(HandoffSettle, FreedResourcesGoAtOnceNothingChangedNeverGoes)
{
    HandoffSettle h(3000);
    EXPECT_FALSE(h.look(false, false, 100, 100, 0));
    EXPECT_TRUE(h.look(true, true, 100, 100, 100));  // a job ended: now
    EXPECT_FALSE(h.look(false, false, 100, 101, 200));
}

TEST(HandoffSettle, ABurstWaitsForASecondOfQuiet)
{
    // Releases from 100.5 s to 101.3 s (wall; mono ms = wall ms - 100000).
    // At 101.0, before the first release of second 101, the update time
    // still says 100 while the wall says 101: the burst is not over.  It
    // is known quiet once the wall is two seconds past the last update
    // second (101): at 103.0, before the bound (500 + 3000).
    HandoffSettle h(3000);
    std::int64_t ms = 500;
    for (; ms < 1000; ms += 100)
        EXPECT_FALSE(h.look(true, false, 100, 100, ms)) << ms;
    EXPECT_FALSE(h.look(true, false, 100, 101, 1000));
    for (ms = 1100; ms <= 1300; ms += 100)
        EXPECT_FALSE(h.look(true, false, 101, 101, ms)) << ms;
    for (; ms < 3000; ms += 100)
        EXPECT_FALSE(h.look(true, false, 101, 100 + ms / 1000, ms)) << ms;
    EXPECT_TRUE(h.look(true, false, 101, 103, 3000));
}

TEST(HandoffSettle, ABurstThatGoesOnIsCutAtTheBound)
{
    HandoffSettle h(3000);
    bool asked = false;
    std::int64_t ms = 0;
    for (; ms <= 5000 && !asked; ms += 100)
        asked = h.look(true, false, 100 + ms / 1000, 100 + ms / 1000, ms);
    EXPECT_TRUE(asked);
    EXPECT_EQ(ms - 100, 3000);  // at the bound, not before
    // The next burst starts its own wait.
    EXPECT_FALSE(h.look(true, false, 105, 105, 5100));
}
