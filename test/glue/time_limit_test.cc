// The one time limit the glue gives the boost, the estimator and the plan
// (src/plugins/common/time_limit.h), on Slurm's own job and partition
// records: sbatch(1) --time and slurm.conf(5) MaxTime in minutes, NO_VAL
// for a job that set none, INFINITE for UNLIMITED.
#include "src/plugins/common/time_limit.h"

#include <gtest/gtest.h>

namespace {

// Seconds for a job of `limit` minutes in a partition of `max_time`
// (none: a job without a partition record).
std::int64_t seconds(std::uint32_t limit, std::uint32_t max_time, bool in_partition = true)
{
    part_record_t part{};
    job_record_t job{};
    part.max_time = max_time;
    job.time_limit = limit;
    job.part_ptr = in_partition ? &part : nullptr;
    return tf_glue::time_limit_seconds(&job);
}

TEST(TimeLimit, OwnLimitUnderTheMaxTime)
{
    EXPECT_EQ(seconds(30, 120), 1800);
    EXPECT_EQ(seconds(30, INFINITE), 1800);
    EXPECT_EQ(seconds(30, 0, false), 1800);
}

TEST(TimeLimit, MaxTimeCapsALongerLimit)
{
    // EnforcePartLimits=NO keeps such a job pending; it never runs longer.
    EXPECT_EQ(seconds(600, 120), 7200);
}

TEST(TimeLimit, MaxTimeWhenTheJobSetsNone)
{
    EXPECT_EQ(seconds(NO_VAL, 120), 7200);
    EXPECT_EQ(seconds(INFINITE, 120), 7200);
}

TEST(TimeLimit, NoneWhenNothingLimits)
{
    EXPECT_EQ(seconds(NO_VAL, INFINITE), 0);
    EXPECT_EQ(seconds(INFINITE, NO_VAL), 0);
    EXPECT_EQ(seconds(NO_VAL, 0, false), 0);
}

}  // namespace
