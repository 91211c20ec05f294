// Unit tests: submit-order priority.
#include "src/core/submit_order.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

using tailfold::kSubmitOrderEpoch;
using tailfold::submit_order_priority;

TEST(SubmitOrder, EarlierSubmissionRanksHigher)
{
    const std::int64_t t = 1700000000;  // 2023-11-14
    EXPECT_GT(submit_order_priority(t), submit_order_priority(t + 1));
    EXPECT_GT(submit_order_priority(t - 3600), submit_order_priority(t));
}

TEST(SubmitOrder, OneSecondIsOnePoint)
{
    const std::int64_t t = 1700000000;
    EXPECT_EQ(submit_order_priority(t) - submit_order_priority(t + 60), 60u);
}

TEST(SubmitOrder, EpochAndEarlierGetTheTop)
{
    const auto top = std::numeric_limits<std::uint32_t>::max();
    EXPECT_EQ(submit_order_priority(kSubmitOrderEpoch), top);
    EXPECT_EQ(submit_order_priority(0), top);
    EXPECT_EQ(submit_order_priority(-5), top);
}

TEST(SubmitOrder, NeverZeroBecauseZeroMeansHeld)
{
    // 2^32 seconds after the epoch would reach 0; the result stays at 1.
    const std::int64_t far = kSubmitOrderEpoch + (std::int64_t{1} << 33);
    EXPECT_EQ(submit_order_priority(far), 1u);
    EXPECT_EQ(submit_order_priority(std::numeric_limits<std::int64_t>::max() / 2), 1u);
}
