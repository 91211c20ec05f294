// Unit tests: Slurm's time texts (src/core/slurm_time.h).  The cases are
// the forms of sbatch(1) (--time) and sacct(1) (Elapsed, Timelimit,
// TimelimitRaw, Submit/Start/End), worked out by hand.
#include "src/core/slurm_time.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

using namespace tailfold;

namespace {

// Runs `body` with TZ set to `zone`, then puts TZ back.
template <typename F>
void in_zone(const char *zone, F body)
{
    const char *old = std::getenv("TZ");
    const std::string saved = old ? old : "";
    setenv("TZ", zone, 1);
    body();
    if (old)
        setenv("TZ", saved.c_str(), 1);
    else
        unsetenv("TZ");
}

}  // namespace

TEST(SlurmTime, Durations)
{
    const struct {
        const char *text;
        std::int64_t seconds;
    } ok[] = {
        {"0", 0},                        // minutes
        {"90", 90 * 60},                 // minutes, past an hour
        {"5:30", 5 * 60 + 30},           // minutes:seconds
        {"90:00", 90 * 60},              // minutes:seconds, past an hour
        {"1:00:00", 3600},               // hours:minutes:seconds
        {"01:02:03", 3723},              // as sacct writes it
        {"1:90:00", 9000},               // parts are not checked against 60 (Slurm does not)
        {"2-0", 2 * 86400},              // days-hours
        {"1-12", 86400 + 12 * 3600},     // days-hours
        {"1-2:30", 86400 + 2 * 3600 + 30 * 60},  // days-hours:minutes
        {"1-02:03:04", 86400 + 7384},    // days-hours:minutes:seconds, as sacct writes it
        {"100-00:00:00", 100 * 86400},
        {"36600-0", kMaxSlurmSeconds},   // a century: the longest read
    };
    for (const auto &c : ok) {
        std::int64_t s = -7;
        EXPECT_TRUE(parse_slurm_duration(c.text, s)) << c.text;
        EXPECT_EQ(s, c.seconds) << c.text;
    }
    const char *bad[] = {"",        "-",         "1-",       "-5",         ":30",     "1:",
                         "1::2",    "1:2:3:4",   "1-2:3:4:5", "1-2-3",     "a",       "1h",
                         " 1",      "1 ",        "+5",       "1.5",        "UNLIMITED", "INVALID",
                         "36601-0", "99999999999999999999", "1-99999999999999999999"};
    for (const char *t : bad) {
        std::int64_t s = -7;
        EXPECT_FALSE(parse_slurm_duration(t, s)) << t;
        EXPECT_EQ(s, -7) << t << ": written on failure";
    }
}

TEST(SlurmTime, Limits)
{
    std::int64_t s = 0;
    EXPECT_EQ(parse_slurm_limit("1-00:00:00", s), SlurmValue::kValue);
    EXPECT_EQ(s, 86400);
    EXPECT_EQ(parse_slurm_limit("00:30:00", s), SlurmValue::kValue);
    EXPECT_EQ(s, 1800);
    // sacct: UNLIMITED (INFINITE), Partition_Limit (NO_VAL), empty (0);
    // squeue: NOT_SET; Slurm's own parser takes INFINITE and UNLIMITED in any case.
    for (const char *none : {"UNLIMITED", "unlimited", "INFINITE", "Partition_Limit", "NOT_SET", "INVALID", ""})
        EXPECT_EQ(parse_slurm_limit(none, s), SlurmValue::kNone) << none;
    for (const char *bad : {"abc", "1:2:3:4", "-30", "UNLIMITED2"})
        EXPECT_EQ(parse_slurm_limit(bad, s), SlurmValue::kBad) << bad;
}

TEST(SlurmTime, RawLimitsAreMinutes)
{
    std::int64_t s = 0;
    EXPECT_EQ(parse_slurm_limit_minutes("30", s), SlurmValue::kValue);
    EXPECT_EQ(s, 1800);
    EXPECT_EQ(parse_slurm_limit_minutes("0", s), SlurmValue::kValue);
    EXPECT_EQ(s, 0);
    for (const char *none : {"UNLIMITED", "Partition_Limit", ""})
        EXPECT_EQ(parse_slurm_limit_minutes(none, s), SlurmValue::kNone) << none;
    // TimelimitRaw is a number of minutes, never a duration.
    for (const char *bad : {"-30", "1:00", "30m", "99999999999999999999", "52704001"})
        EXPECT_EQ(parse_slurm_limit_minutes(bad, s), SlurmValue::kBad) << bad;
}

TEST(SlurmTime, Counts)
{
    std::uint64_t v = 9;
    EXPECT_TRUE(parse_slurm_count("0", 10, v));
    EXPECT_EQ(v, 0u);
    EXPECT_TRUE(parse_slurm_count("4294967295", 0xffffffffu, v));
    EXPECT_EQ(v, 0xffffffffu);
    EXPECT_FALSE(parse_slurm_count("4294967296", 0xffffffffu, v));
    EXPECT_FALSE(parse_slurm_count("", 10, v));
    EXPECT_FALSE(parse_slurm_count("-1", 10, v));
    EXPECT_FALSE(parse_slurm_count("+1", 10, v));
    EXPECT_FALSE(parse_slurm_count("1 ", 10, v));
    EXPECT_FALSE(parse_slurm_count("99999999999999999999", UINT64_MAX, v));
    EXPECT_EQ(v, 0xffffffffu) << "written on failure";
}

TEST(SlurmTime, Timestamps)
{
    in_zone("UTC", [] {
        std::int64_t a = 0, b = 0;
        ASSERT_EQ(parse_slurm_timestamp("2026-01-01T00:00:00", a), SlurmValue::kValue);
        EXPECT_EQ(a, 1767225600);  // date -u -d 2026-01-01 +%s
        ASSERT_EQ(parse_slurm_timestamp("2026-01-02T00:00:01", b), SlurmValue::kValue);
        EXPECT_EQ(b - a, 86401);
        EXPECT_EQ(parse_slurm_timestamp("2024-02-29T00:00:00", a), SlurmValue::kValue);  // a leap day
        EXPECT_EQ(parse_slurm_timestamp("1970-01-01T00:00:00", a), SlurmValue::kValue);
        EXPECT_EQ(a, 0);
        // sacct: Unknown (0 or INFINITE), None (NO_VAL), empty (not asked).
        for (const char *none : {"Unknown", "None", ""})
            EXPECT_EQ(parse_slurm_timestamp(none, a), SlurmValue::kNone) << none;
        const char *bad[] = {"2025-02-29T00:00:00", "2026-02-31T10:00:00", "2026-01-01T24:00:00",
                             "2026-13-01T00:00:00", "2026-01-01T00:60:00", "2026-01-01T00:00:00Z",
                             "2026-01-01 00:00:00", "2026-1-1T00:00:00",   "1969-12-31T23:59:59",
                             "unknown",             "2026-01-01T1O:00:00", "2026-01-01"};
        for (const char *t : bad)
            EXPECT_EQ(parse_slurm_timestamp(t, a), SlurmValue::kBad) << t;
    });
}

TEST(SlurmTime, TimestampsFollowTheLocalZone)
{
    // Helsinki moves its clocks from 03:00 to 04:00 on 2026-03-29: 02:30 to
    // 04:30 on the wall is one hour.  In UTC it is two.
    std::int64_t a = 0, b = 0;
    in_zone("Europe/Helsinki", [&] {
        ASSERT_EQ(parse_slurm_timestamp("2026-03-29T02:30:00", a), SlurmValue::kValue);
        ASSERT_EQ(parse_slurm_timestamp("2026-03-29T04:30:00", b), SlurmValue::kValue);
        EXPECT_EQ(b - a, 3600);
    });
    in_zone("UTC", [&] {  // a new zone: nothing remembered from the old one
        ASSERT_EQ(parse_slurm_timestamp("2026-03-29T02:30:00", a), SlurmValue::kValue);
        ASSERT_EQ(parse_slurm_timestamp("2026-03-29T04:30:00", b), SlurmValue::kValue);
        EXPECT_EQ(b - a, 7200);
        EXPECT_EQ(a, 1774751400);  // date -u -d 2026-03-29T02:30:00 +%s
    });
}
