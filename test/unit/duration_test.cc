// Unit tests: the duration factor and PriorityParameters.
#include "src/core/duration_factor.h"
#include "src/core/duration_params.h"
#include "src/core/job_priority.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace tailfold;

TEST(DurationFactor, LogScaleBetweenBounds)
{
    const std::int64_t lo = 60, hi = 60 * 60 * 24;  // a minute .. a day
    EXPECT_EQ(duration_factor(30, lo, hi, DurationScale::kLog), 0.0);
    EXPECT_EQ(duration_factor(60, lo, hi, DurationScale::kLog), 0.0);
    EXPECT_EQ(duration_factor(86400, lo, hi, DurationScale::kLog), 1.0);
    EXPECT_EQ(duration_factor(1e9, lo, hi, DurationScale::kLog), 1.0);
    // Equal ratios, equal steps: ln(60)/ln(1440) for an hour.
    EXPECT_DOUBLE_EQ(duration_factor(3600, lo, hi, DurationScale::kLog), std::log(60.0) / std::log(1440.0));
    EXPECT_NEAR(duration_factor(std::sqrt(60.0 * 86400), lo, hi, DurationScale::kLog), 0.5, 1e-12);
}

TEST(DurationFactor, LinearScale)
{
    EXPECT_DOUBLE_EQ(duration_factor(50 + 60, 60, 160, DurationScale::kLinear), 0.5);
}

TEST(DurationFactor, MonotoneAndBounded)
{
    double prev = -1;
    for (double t = 1; t < 1e7; t *= 1.7) {
        const double f = duration_factor(t, 60, 7 * 86400, DurationScale::kLog);
        EXPECT_GE(f, prev);
        EXPECT_GE(f, 0.0);
        EXPECT_LE(f, 1.0);
        prev = f;
    }
}

TEST(DurationFactor, DegenerateBoundsGiveZero)
{
    EXPECT_EQ(duration_factor(100, 60, 0, DurationScale::kLog), 0.0);   // no max known
    EXPECT_EQ(duration_factor(100, 60, 60, DurationScale::kLog), 0.0);
    EXPECT_EQ(duration_factor(NAN, 60, 600, DurationScale::kLog), 0.0);
}

TEST(DurationParams, DefaultsLeaveTheBoostOff)
{
    DurationParams p;
    std::string err;
    ASSERT_TRUE(parse_duration_params(nullptr, p, err));
    EXPECT_EQ(p.weight, 0u);
    EXPECT_EQ(p.source, DurationSource::kAuto);
    EXPECT_EQ(p.scale, DurationScale::kLog);
    EXPECT_EQ(p.min_s, 60);
    EXPECT_EQ(p.max_s, 0);
    ASSERT_TRUE(parse_duration_params("", p, err));
}

TEST(DurationParams, ParsesEveryKey)
{
    DurationParams p;
    std::string err;
    ASSERT_TRUE(parse_duration_params(
        " duration_weight=5000, duration_source=history,duration_scale=linear,"
        "duration_min=2m,duration_max=3d,duration_history_runs=1,duration_store_max=77",
        p, err))
        << err;
    EXPECT_EQ(p.weight, 5000u);
    EXPECT_EQ(p.source, DurationSource::kHistory);
    EXPECT_EQ(p.scale, DurationScale::kLinear);
    EXPECT_EQ(p.min_s, 120);
    EXPECT_EQ(p.max_s, 3 * 86400);
    EXPECT_EQ(p.history_runs, 1u);
    EXPECT_EQ(p.store_max, 77u);
}

TEST(DurationParams, ErrorsNameTheKeyAndLeaveTheOldValues)
{
    DurationParams p;
    p.weight = 42;
    std::string err;
    EXPECT_FALSE(parse_duration_params("duration_weight=10,duration_sorce=limit", p, err));
    EXPECT_NE(err.find("unknown key 'duration_sorce'"), std::string::npos) << err;
    EXPECT_EQ(p.weight, 42u);  // nothing half-read
    EXPECT_FALSE(parse_duration_params("duration_weight=-3", p, err));
    EXPECT_NE(err.find("duration_weight=-3"), std::string::npos) << err;
    EXPECT_FALSE(parse_duration_params("duration_weight=99999999999", p, err));
    EXPECT_FALSE(parse_duration_params("duration_source=guess", p, err));
    EXPECT_NE(err.find("limit, history or auto"), std::string::npos);
    EXPECT_FALSE(parse_duration_params("duration_min=5x", p, err));
    EXPECT_NE(err.find("duration_min=5x"), std::string::npos);
    EXPECT_FALSE(parse_duration_params("duration_weight", p, err));
    EXPECT_NE(err.find("not key=value"), std::string::npos);
    EXPECT_FALSE(parse_duration_params("duration_min=1h,duration_max=10m", p, err));
    EXPECT_NE(err.find("duration_max=10m: must be larger than duration_min=1h"), std::string::npos)
        << err;
    EXPECT_EQ(p.weight, 42u);
}

// The cases of test/cluster/bad_config.sh, at the parser: each is refused
// with one message naming the key and the value as written, and a line
// with a good new value beside a bad one changes nothing.
TEST(DurationParams, MalformedValuesAreRefusedWhole)
{
    const std::pair<const char *, const char *> cases[] = {
        {"duration_weight=", "duration_weight=: "},                       // empty
        {"duration_weight=10x", "duration_weight=10x: "},                 // trailing garbage
        {"duration_weight=4294967296", "duration_weight=4294967296: "},   // out of range
        {"duration_history_runs=3", "duration_history_runs=3: "},
        {"duration_store_max=0", "duration_store_max=0: "},
        {"duration_min=-1m", "duration_min=-1m: "},                       // negative
        {"duration_max=0", "duration_max=0: must be larger"},             // not "the default"
        {"duration_weight=5,duration_weight=6", "duration_weight=6: duplicate key"},
        {"Duration_Weight=5", "unknown key 'Duration_Weight'"},
    };
    for (const auto &c : cases) {
        DurationParams p;
        p.weight = 42;
        std::string err;
        EXPECT_FALSE(parse_duration_params(c.first, p, err)) << c.first;
        EXPECT_NE(err.find(c.second), std::string::npos) << c.first << " -> " << err;
        EXPECT_EQ(err.find('\n'), std::string::npos) << err;  // one line
        EXPECT_EQ(p.weight, 42u) << c.first;
    }
    DurationParams p;
    p.weight = 42;
    std::string err;
    EXPECT_FALSE(parse_duration_params("duration_weight=7,duration_source=sometimes", p, err));
    EXPECT_EQ(p.weight, 42u);
    EXPECT_EQ(p.source, DurationSource::kAuto);
}

TEST(DurationParams, Durations)
{
    EXPECT_EQ(parse_duration_seconds("90"), 90);
    EXPECT_EQ(parse_duration_seconds("90s"), 90);
    EXPECT_EQ(parse_duration_seconds("10m"), 600);
    EXPECT_EQ(parse_duration_seconds("2h"), 7200);
    EXPECT_EQ(parse_duration_seconds("7d"), 7 * 86400);
    EXPECT_FALSE(parse_duration_seconds(""));
    EXPECT_FALSE(parse_duration_seconds("m"));
    EXPECT_FALSE(parse_duration_seconds("-5"));
    EXPECT_FALSE(parse_duration_seconds("1.5h"));
}

TEST(DurationBoost, AddsToThePriorityAsAWholeNumber)
{
    PrioritySettings s;
    s.duration.weight = 1000;
    s.duration_max_s = 86400;
    JobPriority p(s, {16, 4});
    JobFacts j;
    j.expected_runtime_s = 3600;
    const WeightedFactors w = p.weigh(j, {}, 0);
    EXPECT_EQ(w.duration, static_cast<std::int64_t>(std::floor(1000 * std::log(60.0) / std::log(1440.0))));
    EXPECT_EQ(JobPriority::sum(w, 0, 0), static_cast<std::uint32_t>(w.duration));
    // Longer expected runtime, larger priority; weight 0, no boost.
    JobFacts longer = j;
    longer.expected_runtime_s = 7200;
    EXPECT_GT(p.weigh(longer, {}, 0).duration, w.duration);
    s.duration.weight = 0;
    EXPECT_EQ(p.weigh(longer, {}, 0).duration, 0);
}

// A site factor is stored as 2^31 + boost in 32 bits: a weight above
// 2^31 - 1 would wrap and put the longest jobs last.
TEST(DurationParams, SiteFactorWeightFitsTheSiteFactor)
{
    DurationParams p;
    std::string err;
    ASSERT_TRUE(parse_duration_params("duration_weight=2147483647", p, err, kSiteFactorMaxWeight));
    EXPECT_EQ(p.weight, 2147483647u);
    EXPECT_FALSE(parse_duration_params("duration_weight=2147483648", p, err, kSiteFactorMaxWeight));
    EXPECT_NE(err.find("duration_weight=2147483648: not a whole number from 0 to 2147483647"),
              std::string::npos)
        << err;
    EXPECT_EQ(p.weight, 2147483647u);  // unchanged by the refused line
    // priority/tailfold keeps the whole 32-bit range.
    EXPECT_TRUE(parse_duration_params("duration_weight=4294967295", p, err));
}
