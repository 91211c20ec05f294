// Unit tests: SchedulerParameters for sched/tailfold.
#include "src/core/backfill_params.h"

#include <gtest/gtest.h>

using namespace tailfold;

TEST(BackfillParams, DefaultsAreSlurms)
{
    BackfillParams p;
    std::string err;
    ASSERT_TRUE(parse_backfill_params(nullptr, p, err));
    EXPECT_EQ(p.interval_s, 30u);
    EXPECT_EQ(p.window_min, 1440u);
    EXPECT_EQ(p.resolution_s, 60u);
    EXPECT_EQ(p.max_job_test, 500u);
    EXPECT_EQ(p.max_time_s, 30u);  // = bf_interval
    EXPECT_EQ(p.reservations, 1u);
    EXPECT_EQ(p.runtime, PlanRuntime::kLimit);
    EXPECT_FALSE(p.continue_after_yield);
}

TEST(BackfillParams, ReadsItsKeysAndLeavesOthersAlone)
{
    BackfillParams p;
    std::string err;
    ASSERT_TRUE(parse_backfill_params(
        "batch_sched_delay=3,bf_interval=5,bf_window=60,bf_resolution=10,bf_max_job_test=0,"
        "bf_continue,bf_yield_interval=100000,bf_yield_sleep=2000,bf_reservations=8,"
        "bf_runtime=predicted,default_queue_depth=50,bf_max_job_user=3,bf_busy_nodes",
        p, err))
        << err;
    EXPECT_EQ(p.interval_s, 5u);
    EXPECT_EQ(p.max_time_s, 5u);
    EXPECT_EQ(p.window_min, 60u);
    EXPECT_EQ(p.resolution_s, 10u);
    EXPECT_EQ(p.max_job_test, 0u);
    EXPECT_TRUE(p.continue_after_yield);
    EXPECT_EQ(p.yield_interval_us, 100000u);
    EXPECT_EQ(p.yield_sleep_us, 2000u);
    EXPECT_EQ(p.reservations, 8u);
    EXPECT_EQ(p.runtime, PlanRuntime::kPredicted);
}

TEST(BackfillParams, BadValuesNameTheKeyAndChangeNothing)
{
    BackfillParams p;
    p.interval_s = 7;
    std::string err;
    EXPECT_FALSE(parse_backfill_params("bf_interval=0", p, err));
    EXPECT_NE(err.find("bf_interval=0"), std::string::npos) << err;
    EXPECT_FALSE(parse_backfill_params("bf_resolution=abc", p, err));
    EXPECT_NE(err.find("bf_resolution=abc"), std::string::npos);
    EXPECT_FALSE(parse_backfill_params("bf_runtime=guess", p, err));
    EXPECT_NE(err.find("limit or predicted"), std::string::npos);
    EXPECT_FALSE(parse_backfill_params("bf_continue=yes", p, err));
    EXPECT_FALSE(parse_backfill_params("bf_reservatons=3", p, err));
    EXPECT_NE(err.find("unknown backfill key 'bf_reservatons'"), std::string::npos) << err;
    EXPECT_FALSE(parse_backfill_params("bf_max_jb_test=3", p, err));
    EXPECT_EQ(p.interval_s, 7u);
}

// The cases of test/cluster/bad_config.sh, at the parser.
TEST(BackfillParams, MalformedValuesAreRefusedWhole)
{
    const std::pair<const char *, const char *> cases[] = {
        {"bf_interval=", "bf_interval=: "},                     // empty
        {"bf_interval=10x", "bf_interval=10x: "},               // trailing garbage
        {"bf_interval=-5", "bf_interval=-5: "},                 // negative
        {"bf_interval=86401", "bf_interval=86401: "},           // out of range
        {"bf_window=0", "bf_window=0: "},
        {"bf_runtime=", "bf_runtime=: must be limit or predicted"},
        {"bf_continue=1", "bf_continue=1: "},
        {"bf_interval=5,bf_interval=10", "bf_interval=10: duplicate key"},
        {"BF_INTERVAL=abc", "BF_INTERVAL=abc: "},               // Slurm's keys ignore case
        {"Bf_Intervall=5", "unknown backfill key 'Bf_Intervall'"},
    };
    for (const auto &c : cases) {
        BackfillParams p;
        p.interval_s = 7;
        std::string err;
        EXPECT_FALSE(parse_backfill_params(c.first, p, err)) << c.first;
        EXPECT_NE(err.find(c.second), std::string::npos) << c.first << " -> " << err;
        EXPECT_EQ(p.interval_s, 7u) << c.first;
    }
    // One good new value beside a bad one: nothing changes.
    BackfillParams p;
    p.interval_s = 7;
    std::string err;
    EXPECT_FALSE(parse_backfill_params("bf_interval=2,bf_window=abc", p, err));
    EXPECT_EQ(p.interval_s, 7u);
    // Another part's key given twice is not ours to judge; case is ignored.
    ASSERT_TRUE(parse_backfill_params("bf_max_job_user=2,bf_max_job_user=3,BF_Interval=9", p, err))
        << err;
    EXPECT_EQ(p.interval_s, 9u);
}
