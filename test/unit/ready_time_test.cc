// When a job held back by --begin or --dependency may start
// (src/core/ready_time), as sbatch(1) defines the dependency types: after
// (the other job has started, plus its +minutes), afterany/afterok/
// afternotok (it has ended), all of them with ',' and any one with '?'.
#include "src/core/ready_time.h"

#include <gtest/gtest.h>

namespace {

using tailfold::Prerequisite;
using tailfold::ready_time;

constexpr std::int64_t kNow = 1800000000;

Prerequisite ends_at(std::int64_t end)
{
    Prerequisite p;
    p.start = end - 600;
    p.end = end;
    return p;
}

TEST(ReadyTime, BeginTimeAlone)
{
    EXPECT_EQ(ready_time(kNow, kNow + 3600, {}, false), kNow + 3600);
    EXPECT_EQ(ready_time(kNow, kNow - 3600, {}, false), kNow);  // already past
}

TEST(ReadyTime, AfterTheEndOfEveryJobWaitedFor)
{
    EXPECT_EQ(ready_time(kNow, 0, {ends_at(kNow + 100), ends_at(kNow + 900)}, false), kNow + 900);
    // A begin time later than the ends still counts.
    EXPECT_EQ(ready_time(kNow, kNow + 5000, {ends_at(kNow + 900)}, false), kNow + 5000);
}

TEST(ReadyTime, AfterTheStartPlusItsMinutes)
{
    Prerequisite p = ends_at(kNow + 1000);
    p.after_start = true;
    p.delay_s = 120;
    EXPECT_EQ(ready_time(kNow, 0, {p}, false), kNow + 400 + 120);
}

TEST(ReadyTime, SatisfiedOnesCountAsNow)
{
    Prerequisite done;
    done.done = true;
    EXPECT_EQ(ready_time(kNow, 0, {done}, false), kNow);
    EXPECT_EQ(ready_time(kNow, 0, {done, ends_at(kNow + 50)}, false), kNow + 50);
}

TEST(ReadyTime, UnknownOrNeverWhenAllAreNeeded)
{
    Prerequisite unknown;  // a pending job the forecast could not place
    Prerequisite never;
    never.never = true;
    EXPECT_FALSE(ready_time(kNow, 0, {ends_at(kNow + 50), unknown}, false));
    EXPECT_FALSE(ready_time(kNow, 0, {ends_at(kNow + 50), never}, false));
}

TEST(ReadyTime, AnyOneOfThemIsEnough)
{
    Prerequisite unknown, never;
    never.never = true;
    EXPECT_EQ(ready_time(kNow, 0, {ends_at(kNow + 900), ends_at(kNow + 300), unknown, never}, true),
              kNow + 300);
    EXPECT_FALSE(ready_time(kNow, 0, {unknown, never}, true));
    Prerequisite done;
    done.done = true;
    EXPECT_EQ(ready_time(kNow, kNow + 60, {ends_at(kNow + 900), done}, true), kNow + 60);
}

}  // namespace
