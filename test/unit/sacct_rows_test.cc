// Unit tests: reading sacct -P output (src/core/sacct_rows.h), the reader
// tailfold-sim and tailfold-estimates share.  Lines are as sacct(1) writes
// them with -P (--parsable2) and -p (--parsable).
#include "src/core/sacct_rows.h"

#include <gtest/gtest.h>

#include <sstream>

using namespace tailfold;

TEST(SacctRows, SplitsAtEveryBar)
{
    EXPECT_EQ(split_sacct_fields("a|b|c"), (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_EQ(split_sacct_fields("a||c"), (std::vector<std::string>{"a", "", "c"}));
    EXPECT_EQ(split_sacct_fields("a|b|"), (std::vector<std::string>{"a", "b", ""}));  // sacct -p
    EXPECT_EQ(split_sacct_fields(""), (std::vector<std::string>{""}));
    EXPECT_EQ(split_sacct_fields("|"), (std::vector<std::string>{"", ""}));
}

TEST(SacctRows, HeaderFindsFieldsInAnyOrderAndCase)
{
    SacctHeader h;
    h.parse("State|jobidraw|ElapsedRaw|Elapsed|TIMELIMIT");
    EXPECT_EQ(h.size(), 5u);
    EXPECT_EQ(h.find({"State"}), 0);
    EXPECT_EQ(h.find({"JobIDRaw", "JobID"}), 1);
    EXPECT_EQ(h.find({"JobID", "JobIDRaw"}), 1);  // the first name present
    EXPECT_EQ(h.find({"ElapsedRaw", "Elapsed"}), 2);
    EXPECT_EQ(h.find({"Elapsed", "ElapsedRaw"}), 3);
    EXPECT_EQ(h.find({"TimelimitRaw", "Timelimit"}), 4);
    EXPECT_EQ(h.find({"UID"}), -1);
    EXPECT_EQ(h.name(4), "TIMELIMIT");  // as the header spells it
    EXPECT_EQ(h.name(-1), "");
    EXPECT_EQ(h.name(5), "");
}

TEST(SacctRows, RowsMustHaveTheHeadersFieldCount)
{
    SacctHeader h;
    h.parse("JobID|State|End");
    SacctRow r;
    std::string why;
    EXPECT_TRUE(r.parse("1|COMPLETED|2026-01-01T00:00:00", h, why));
    EXPECT_EQ(r.text(1), "COMPLETED");
    EXPECT_EQ(r.text(-1), "");
    EXPECT_FALSE(r.parse("1|COMPLETED", h, why));
    EXPECT_EQ(why, "has 2 fields, the header 3");
    EXPECT_FALSE(r.parse("1|a|b|c", h, why));
    EXPECT_EQ(why, "has 4 fields, the header 3");

    // sacct -p ends the header and every line with '|': they still agree.
    h.parse("JobID|State|");
    EXPECT_TRUE(r.parse("1|CANCELLED by 1000|", h, why)) << why;
    EXPECT_EQ(r.state(1), "CANCELLED");  // the first word
}

TEST(SacctRows, TypedReadsAndWhatTheySayWhenWrong)
{
    SacctHeader h;
    h.parse("UID|ElapsedRaw|Elapsed|TimelimitRaw|Timelimit|Start");
    SacctRow r;
    std::string why;
    ASSERT_TRUE(r.parse("1000|3723|1-01:02:03|30|1-00:00:00|2026-01-01T00:00:00", h, why)) << why;
    std::uint64_t n = 0;
    std::int64_t s = 0;
    EXPECT_TRUE(r.number(0, UINT32_MAX, n, why));
    EXPECT_EQ(n, 1000u);
    EXPECT_TRUE(r.elapsed(1, s, why));  // ElapsedRaw: seconds
    EXPECT_EQ(s, 3723);
    EXPECT_TRUE(r.elapsed(2, s, why));  // Elapsed: a duration
    EXPECT_EQ(s, 86400 + 3723);
    EXPECT_EQ(r.limit(3, s, why), SlurmValue::kValue);  // TimelimitRaw: minutes
    EXPECT_EQ(s, 1800);
    EXPECT_EQ(r.limit(4, s, why), SlurmValue::kValue);  // Timelimit: a duration
    EXPECT_EQ(s, 86400);

    ASSERT_TRUE(r.parse("1000|3723|1-01:02:03|UNLIMITED|Partition_Limit|Unknown", h, why));
    EXPECT_EQ(r.limit(3, s, why), SlurmValue::kNone);
    EXPECT_EQ(r.limit(4, s, why), SlurmValue::kNone);
    EXPECT_EQ(r.timestamp(5, s, why), SlurmValue::kNone);
    EXPECT_EQ(why, "Start 'Unknown' is not a date (YYYY-MM-DDTHH:MM:SS)");

    const struct {
        const char *line;
        int col;
        const char *why;
    } bad[] = {
        {"x|1|1:00|1|1:00|None", 0, "UID 'x' is not a number"},
        {"4294967296|1|1:00|1|1:00|None", 0, "UID '4294967296' is out of range (at most 4294967295)"},
        {"99999999999999999999|1|1:00|1|1:00|None", 0,
         "UID '99999999999999999999' is out of range (at most 4294967295)"},
        {"1|abc|1:00|1|1:00|None", 1, "ElapsedRaw 'abc' is not a number"},
        {"1|-5|1:00|1|1:00|None", 1, "ElapsedRaw '-5' is not a number"},
        {"1|99999999999999999999|1:00|1|1:00|None", 1,
         "ElapsedRaw '99999999999999999999' is out of range (at most 3162240000)"},
        {"1|1|INVALID|1|1:00|None", 2, "Elapsed 'INVALID' is not a duration"},
        {"1|1||1|1:00|None", 2, "Elapsed '' is not a duration"},
        {"1|1|1:00|-30|1:00|None", 3, "TimelimitRaw '-30' is not a number"},
        {"1|1|1:00|1:00:00|1:00|None", 3, "TimelimitRaw '1:00:00' is not a number"},
        {"1|1|1:00|1|1h|None", 4, "Timelimit '1h' is not a duration"},
        {"1|1|1:00|1|1:00|2026-01-01 10:00:00", 5, "Start '2026-01-01 10:00:00' is not a date (YYYY-MM-DDTHH:MM:SS)"},
    };
    for (const auto &c : bad) {
        ASSERT_TRUE(r.parse(c.line, h, why)) << c.line;
        why.clear();
        bool failed;
        if (c.col == 0)
            failed = !r.number(0, UINT32_MAX, n, why);
        else if (c.col <= 2)
            failed = !r.elapsed(c.col, s, why);
        else if (c.col <= 4)
            failed = r.limit(c.col, s, why) == SlurmValue::kBad;
        else
            failed = r.timestamp(c.col, s, why) == SlurmValue::kBad;
        EXPECT_TRUE(failed) << c.line;
        EXPECT_EQ(why, c.why) << c.line;
    }
}

TEST(SacctRows, LinesAreNumberedWithBlanksAndCRsDropped)
{
    std::istringstream in("\nJobID|State\r\n1|COMPLETED\r\n  \n\t\n2|FAILED\n");
    SacctLines lines(in);
    std::string line;
    ASSERT_TRUE(lines.next(line));
    EXPECT_EQ(line, "JobID|State");
    EXPECT_EQ(lines.line_number(), 2u);
    ASSERT_TRUE(lines.next(line));
    EXPECT_EQ(line, "1|COMPLETED");
    EXPECT_EQ(lines.line_number(), 3u);
    ASSERT_TRUE(lines.next(line));
    EXPECT_EQ(line, "2|FAILED");
    EXPECT_EQ(lines.line_number(), 6u);
    EXPECT_FALSE(lines.next(line));
    EXPECT_FALSE(lines.failed());
}
