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
    EXPECT_FALSE(parse_backfill_params("bf_estimate=median", p, err));
    EXPECT_NE(err.find("bf_estimate=median: must be learned or limit"), std::string::npos) << err;
    BackfillParams q;
    EXPECT_EQ(q.estimate, ForecastRuntime::kLearned);
    ASSERT_TRUE(parse_backfill_params("bf_estimate=limit", q, err)) << err;
    EXPECT_EQ(q.estimate, ForecastRuntime::kLimit);
    ASSERT_TRUE(parse_backfill_params("bf_estimate=learned", q, err)) << err;
    EXPECT_EQ(q.estimate, ForecastRuntime::kLearned);
    // The forecast looks ten years ahead unless told, never less than the
    // plan's window.
    EXPECT_EQ(q.forecast_window_min(), 5256000u);
    ASSERT_TRUE(parse_backfill_params("bf_window=2880,bf_estimate_window=60", q, err)) << err;
    EXPECT_EQ(q.forecast_window_min(), 2880u);
    ASSERT_TRUE(parse_backfill_params("bf_estimate_window=5256000", q, err)) << err;
    EXPECT_EQ(q.forecast_window_min(), 5256000u);
    EXPECT_FALSE(parse_backfill_params("bf_estimate_window=5256001", q, err));
    EXPECT_NE(err.find("bf_estimate_window=5256001: not a whole number from 1 to 5256000"), std::string::npos) << err;
    EXPECT_FALSE(parse_backfill_params("bf_estimate_window=0", q, err));
    EXPECT_EQ(q.forecast_window_min(), 5256000u);  // unchanged by a refused line
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
    ASSERT_TRUE(parse_backfill_params("bf_min_age_reserve=2,bf_min_age_reserve=3,BF_Interval=9", p, err))
        << err;
    EXPECT_EQ(p.interval_s, 9u);
}

TEST(BackfillParams, SlurmsPassLimits)
{
    BackfillParams p;
    std::string err;
    std::vector<std::string> warn{"old"};
    ASSERT_TRUE(parse_backfill_params(nullptr, p, err, &warn));
    EXPECT_TRUE(warn.empty());  // a clean line says nothing
    EXPECT_EQ(p.max_job_user, 0u);
    EXPECT_EQ(p.max_job_assoc, 0u);
    EXPECT_EQ(p.max_job_part, 0u);
    EXPECT_EQ(p.max_job_user_part, 0u);
    EXPECT_EQ(p.max_job_start, 0u);
    EXPECT_EQ(p.max_job_array_resv, 20u);  // Slurm's default
    ASSERT_TRUE(parse_backfill_params("bf_max_job_user=3,bf_max_job_part=7,BF_MAX_JOB_USER_PART=2,"
                                      "bf_max_job_start=4,bf_max_job_array_resv=0",
                                      p, err, &warn))
        << err;
    EXPECT_EQ(p.max_job_user, 3u);
    EXPECT_EQ(p.max_job_part, 7u);
    EXPECT_EQ(p.max_job_user_part, 2u);
    EXPECT_EQ(p.max_job_start, 4u);
    EXPECT_EQ(p.max_job_array_resv, 0u);
    EXPECT_TRUE(warn.empty());
    // Both per user and per association: the association's wins, as in
    // Slurm, with a line saying so.
    ASSERT_TRUE(parse_backfill_params("bf_max_job_user=3,bf_max_job_assoc=5", p, err, &warn)) << err;
    EXPECT_EQ(p.max_job_assoc, 5u);
    EXPECT_EQ(p.max_job_user, 0u);
    ASSERT_EQ(warn.size(), 1u);
    EXPECT_NE(warn[0].find("bf_max_job_user=3 is not used: bf_max_job_assoc"), std::string::npos)
        << warn[0];
}

TEST(BackfillParams, PassLimitsRefuseBadValuesAndTwice)
{
    const std::pair<const char *, const char *> cases[] = {
        {"bf_max_job_user=-1", "bf_max_job_user=-1: not a whole number from 0 to 1000000"},
        {"bf_max_job_assoc=x", "bf_max_job_assoc=x: "},
        {"bf_max_job_part=", "bf_max_job_part=: "},
        {"bf_max_job_user_part=1000001", "bf_max_job_user_part=1000001: "},
        {"bf_max_job_start=10001", "bf_max_job_start=10001: not a whole number from 0 to 10000"},
        {"bf_max_job_array_resv=1001", "bf_max_job_array_resv=1001: not a whole number from 0 to 1000"},
        {"bf_max_job_user=2,bf_max_job_user=3", "bf_max_job_user=3: duplicate key"},
        {"bf_max_job_start=2,BF_MAX_JOB_START=2", "BF_MAX_JOB_START=2: duplicate key"},
    };
    for (const auto &c : cases) {
        BackfillParams p;
        p.max_job_start = 9;
        p.max_job_array_resv = 7;
        std::string err;
        std::vector<std::string> warn{"kept"};
        EXPECT_FALSE(parse_backfill_params(c.first, p, err, &warn)) << c.first;
        EXPECT_NE(err.find(c.second), std::string::npos) << c.first << " -> " << err;
        EXPECT_EQ(p.max_job_start, 9u) << c.first;
        EXPECT_EQ(p.max_job_array_resv, 7u) << c.first;
        EXPECT_EQ(warn.size(), 1u) << c.first;  // a refused line changes nothing
    }
}

// Keys of Slurm's own backfill that tailfold does not need: accepted, one
// line each naming the key (once, however often it is given) and why.
// Slurm 24.11's new backfill keys: a site moving from 24.11's backfill may
// have them; warned about, not refused.
TEST(BackfillParams, Slurm2411KeysGetOneWarningEach)
{
    BackfillParams p;
    std::string err;
    std::vector<std::string> warn;
    ASSERT_TRUE(parse_backfill_params(
                    "bf_allow_magnetic_slot,bf_topopt_enable,bf_topopt_iterations=20,time_min_as_soft_limit", p,
                    err, &warn))
        << err;
    ASSERT_EQ(warn.size(), 4u);
    EXPECT_NE(warn[0].find("bf_allow_magnetic_slot is not used"), std::string::npos) << warn[0];
    EXPECT_NE(warn[1].find("bf_topopt_enable is not used"), std::string::npos) << warn[1];
    EXPECT_NE(warn[2].find("bf_topopt_iterations=20 is not used"), std::string::npos) << warn[2];
    EXPECT_NE(warn[3].find("time_min_as_soft_limit is not used: sched/tailfold plans"), std::string::npos)
        << warn[3];
}

TEST(BackfillParams, StockOnlyKeysGetOneWarningEach)
{
    BackfillParams p;
    std::string err;
    std::vector<std::string> warn;
    ASSERT_TRUE(parse_backfill_params(
        "bf_node_space_size=100,bf_running_job_reserve,bf_one_resv_per_job,"
        "bf_job_part_count_reserve=10,bf_ignore_newly_avail_nodes,bf_interval=5,"
        "BF_NODE_SPACE_SIZE=200,bf_licenses,bf_min_age_reserve=60",
        p, err, &warn))
        << err;
    EXPECT_EQ(p.interval_s, 5u);
    ASSERT_EQ(warn.size(), 5u);
    const char *expect[] = {
        "bf_node_space_size=100 is not used: the plan has no fixed size",
        "bf_running_job_reserve is not used: the plan always holds every running job",
        "bf_one_resv_per_job is not used: a job is planned once per pass",
        "bf_job_part_count_reserve=10 is not used: held starts are counted over all partitions",
        "bf_ignore_newly_avail_nodes is not used: the plan is drawn when a pass starts",
    };
    for (std::size_t i = 0; i < 5; ++i)
        EXPECT_NE(warn[i].find(expect[i]), std::string::npos) << warn[i];
}
