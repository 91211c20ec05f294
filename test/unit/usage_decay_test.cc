// Unit tests: usage decay, charging and reset.
#include "src/core/usage_decay.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <ctime>

using namespace tailfold;

TEST(UsageDecay, HalfLifeHalvesUsage)
{
    // 1 - 0.693/T raised to T is e^-0.693 ~ 1/2 for a half-life T of days.
    const double week = 7 * 24 * 3600.0;
    const double f = decay_per_second(week);
    EXPECT_DOUBLE_EQ(f, 1 - 0.693 / week);
    EXPECT_NEAR(decay_over(f, week), 0.5, 0.001);
    EXPECT_NEAR(decay_over(f, 2 * week), 0.25, 0.001);
    // Decays compose: two periods equal one of their sum.
    EXPECT_NEAR(decay_over(f, 300) * decay_over(f, 600), decay_over(f, 900), 1e-12);
}

TEST(UsageDecay, NoHalfLifeNoDecay)
{
    EXPECT_EQ(decay_per_second(0), 1.0);
    EXPECT_EQ(decay_per_second(-5), 1.0);
    EXPECT_EQ(decay_over(1.0, 1e9), 1.0);
}

TEST(UsageDecay, DecayNeverReachesZero)
{
    EXPECT_GT(decay_over(decay_per_second(60), 1e9), 0.0);
}

TEST(UsageDecay, ChargedSecondsAreClippedToTheJob)
{
    // Period 1000..1300; job started at 1100.
    EXPECT_EQ(charged_seconds(1000, 1300, 1100, 0, false), 200);
    // Started before the period: the whole period.
    EXPECT_EQ(charged_seconds(1000, 1300, 500, 0, false), 300);
    // Final charge stops at the job's end.
    EXPECT_EQ(charged_seconds(1000, 1300, 500, 1250, true), 250);
    // Not final: the end time is ignored (a job past its limit keeps running).
    EXPECT_EQ(charged_seconds(1000, 1300, 500, 1250, false), 300);
    // Never negative.
    EXPECT_EQ(charged_seconds(1000, 1300, 2000, 0, false), 0);
}

TEST(UsageDecay, DecayedSecondsDiscountALongPeriod)
{
    const double f = decay_per_second(3600);
    EXPECT_DOUBLE_EQ(decayed_seconds(f, 300), 300 * std::pow(f, 300));
    EXPECT_LT(decayed_seconds(f, 300), 300);
    EXPECT_EQ(decayed_seconds(1.0, 300), 300);
}

class UsageResetTest : public ::testing::Test {
  protected:
    void SetUp() override
    {
        const char *tz = getenv("TZ");
        saved_ = tz ? tz : "";
        had_ = tz != nullptr;
        setenv("TZ", "UTC", 1);
        tzset();
    }
    void TearDown() override
    {
        if (had_)
            setenv("TZ", saved_.c_str(), 1);
        else
            unsetenv("TZ");
        tzset();
    }
    static std::int64_t utc(int y, int mon, int d, int h = 0, int mi = 0)
    {
        struct tm tm = {};
        tm.tm_year = y - 1900;
        tm.tm_mon = mon - 1;
        tm.tm_mday = d;
        tm.tm_hour = h;
        tm.tm_min = mi;
        return timegm(&tm);
    }
    std::string saved_;
    bool had_ = false;
};

TEST_F(UsageResetTest, Daily)
{
    const auto last = utc(2026, 3, 10, 15, 30);
    EXPECT_EQ(next_usage_reset(UsageReset::kDaily, last, last), utc(2026, 3, 11));
    // After a long outage the next reset is the last midnight boundary that
    // is at most a day behind now: one reset, not one per missed day.
    EXPECT_EQ(next_usage_reset(UsageReset::kDaily, last, utc(2026, 3, 20, 12)), utc(2026, 3, 20));
}

TEST_F(UsageResetTest, WeeklyOnSunday)
{
    const auto wed = utc(2026, 11, 18, 9);  // a Wednesday
    EXPECT_EQ(next_usage_reset(UsageReset::kWeekly, wed, wed), utc(2026, 11, 22));  // Sunday
}

TEST_F(UsageResetTest, MonthlyQuarterlyYearly)
{
    const auto t = utc(2026, 5, 17, 8);
    EXPECT_EQ(next_usage_reset(UsageReset::kMonthly, t, t), utc(2026, 6, 1));
    EXPECT_EQ(next_usage_reset(UsageReset::kQuarterly, t, t), utc(2026, 7, 1));
    EXPECT_EQ(next_usage_reset(UsageReset::kYearly, t, t), utc(2027, 1, 1));
    const auto dec = utc(2026, 12, 5);
    EXPECT_EQ(next_usage_reset(UsageReset::kMonthly, dec, dec), utc(2027, 1, 1));
    EXPECT_EQ(next_usage_reset(UsageReset::kQuarterly, dec, dec), utc(2027, 1, 1));
    EXPECT_EQ(next_usage_reset(UsageReset::kNone, dec, dec), 0);
}

TEST(RunSecondsToRelease, AsTimePasses)
{
    // Job started at 1000 with a 10-minute limit (ends by 1600).
    EXPECT_EQ(run_seconds_to_release(1100, 1400, 1000, 10, 1600, false), 300u);
    EXPECT_EQ(run_seconds_to_release(900, 1100, 1000, 10, 1600, false), 100u);
    // Past its expected end: only up to it.
    EXPECT_EQ(run_seconds_to_release(1500, 1700, 1000, 10, 1600, false), 100u);
    // Past the limit: nothing left.
    EXPECT_EQ(run_seconds_to_release(1600, 1900, 1000, 10, 1600, false), 0u);
}

TEST(RunSecondsToRelease, FinishedReleasesTheRest)
{
    // Ended early at 1200: release everything from the period start to the limit.
    EXPECT_EQ(run_seconds_to_release(1100, 1200, 1000, 10, 1600, true), 500u);
}

TEST(UsageCharge, BillableTimesDecayedSecondsTimesUsageFactor)
{
    const double f = decay_per_second(3600);
    const double t = 300, billed = 4;
    UsageCharge c = charge_for(f, t, billed, -1, 300);  // no UsageFactor set
    EXPECT_DOUBLE_EQ(c.wall, decayed_seconds(f, t));
    EXPECT_DOUBLE_EQ(c.billed, decayed_seconds(f, t) * billed);
    EXPECT_DOUBLE_EQ(c.billed_nodecay, t * billed);
    EXPECT_EQ(c.release, 300u);
    // A QoS that charges twice counts twice, everywhere.
    UsageCharge d = charge_for(f, t, billed, 2.0, 300);
    EXPECT_DOUBLE_EQ(d.billed, 2 * c.billed);
    EXPECT_DOUBLE_EQ(d.wall, 2 * c.wall);
    EXPECT_DOUBLE_EQ(d.per_tres_nodecay, 2 * t);
    EXPECT_EQ(d.release, 600u);
    // A free QoS charges nothing.
    UsageCharge z = charge_for(f, t, billed, 0.0, 300);
    EXPECT_EQ(z.billed, 0);
    EXPECT_EQ(z.release, 0u);
    // Fractional factors truncate the release to whole seconds.
    EXPECT_EQ(charge_for(f, t, billed, 0.333, 10).release, 3u);
}
