// Unit tests: tailfold-sim's sacct reader and synthetic workloads.
// Expected values are worked out by hand in the comments.
#include "src/programs/sim/sacct_reader.h"
#include "src/programs/sim/synthetic.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

using namespace tf_sim;

namespace {

const char kHeader[] = "JobIDRaw|Submit|Start|End|ElapsedRaw|TimelimitRaw|AllocCPUS|ReqCPUS|UID|GID|State";

SacctColumns columns(const std::string &header = kHeader)
{
    SacctColumns c;
    std::string why;
    EXPECT_TRUE(parse_sacct_header(header, c, why)) << why;
    return c;
}

std::string temp_path(const char *name)
{
    return std::string(::testing::TempDir()) + name;
}

void write_file(const std::string &path, const std::string &text)
{
    std::ofstream(path) << text;
}

}  // namespace

TEST(SacctReader, ParsesALine)
{
    const SacctColumns c = columns();
    SimJob j;
    std::string name, why;
    ASSERT_EQ(parse_sacct_line("42|2026-01-01T10:00:00|2026-01-01T10:05:00|2026-01-01T10:15:00|600|30|8|4|1000|"
                               "100|COMPLETED",
                               c, j, name, why),
              SacctLine::kJob)
        << why;
    EXPECT_EQ(j.id, 42u);
    EXPECT_EQ(j.runtime, 600);
    EXPECT_EQ(j.limit, 30 * 60);
    EXPECT_EQ(j.cpus, 8u);  // AllocCPUS before ReqCPUS
    EXPECT_EQ(j.user, 1000u);
    EXPECT_EQ(j.group, 100u);
    EXPECT_EQ(j.recorded_wait, 300);  // 10:05 - 10:00
    std::int64_t submit;
    ASSERT_EQ(tailfold::parse_slurm_timestamp("2026-01-01T10:00:00", submit), tailfold::SlurmValue::kValue);
    EXPECT_EQ(j.submit, submit);  // absolute until read_sacct makes it relative
}

TEST(SacctReader, FieldsInAnyOrderAndOptionalOnes)
{
    // No GID, no AllocCPUS, JobID instead of JobIDRaw, an extra field.
    const SacctColumns c = columns("State|UID|ReqCPUS|Account|TimelimitRaw|ElapsedRaw|Start|Submit|JobID|JobName");
    SimJob j;
    std::string name, why;
    ASSERT_EQ(parse_sacct_line("TIMEOUT|7|16|physics|UNLIMITED|3605|2026-01-01T00:00:10|2026-01-01T00:00:00|"
                               "123_4|sim",
                               c, j, name, why),
              SacctLine::kJob)
        << why;
    EXPECT_EQ(j.id, 123u);  // the array task's job id
    EXPECT_EQ(j.cpus, 16u);
    EXPECT_EQ(j.group, 0u);
    EXPECT_EQ(j.runtime, 3605);
    EXPECT_EQ(j.limit, 3605);  // UNLIMITED: the runtime
    EXPECT_EQ(j.recorded_wait, 10);
    EXPECT_EQ(name, "sim");
    ASSERT_EQ(parse_sacct_line("COMPLETED|7|16|physics|Partition_Limit|5|2026-01-01T00:00:10|2026-01-01T00:00:00|"
                               "124+0|sim",
                               c, j, name, why),
              SacctLine::kJob)
        << why;
    EXPECT_EQ(j.id, 124u);
    EXPECT_EQ(j.limit, 5);
}

TEST(SacctReader, HeaderNamesWhatIsMissing)
{
    SacctColumns c;
    std::string why;
    EXPECT_FALSE(parse_sacct_header("JobIDRaw|State|UID", c, why));
    EXPECT_NE(why.find("lacks Submit Start ElapsedRaw TimelimitRaw AllocCPUS"), std::string::npos) << why;
    // A data line where the header should be (sacct --noheader).
    EXPECT_FALSE(parse_sacct_header("1|2026-01-01T00:00:00|COMPLETED", c, why));
    EXPECT_NE(why.find("JobIDRaw"), std::string::npos) << why;
}

TEST(SacctReader, NeverRanAndUnfinishedAreNotErrors)
{
    const SacctColumns c = columns();
    SimJob j;
    std::string name, why;
    const char *never[] = {
        "1|2026-01-01T10:00:00|Unknown|Unknown|0|30|0|4|1000|100|PENDING",
        "2|2026-01-01T10:00:00|Unknown|2026-01-01T11:00:00|0|30|0|4|1000|100|CANCELLED by 1000",
        "3|2026-01-01T10:00:00|None|2026-01-01T11:00:00|0|30|0|4|1000|100|FAILED",
        // Cancelled while pending, with the cancel time as Start: nothing allocated, nothing run.
        "4|2026-01-01T10:00:00|2026-01-01T11:00:00|2026-01-01T11:00:00|0|30|0|4|1000|100|CANCELLED by 0",
    };
    for (const char *l : never)
        EXPECT_EQ(parse_sacct_line(l, c, j, name, why), SacctLine::kNeverRan) << l;
    EXPECT_EQ(parse_sacct_line("5|2026-01-01T10:00:00|2026-01-01T10:00:01|Unknown|100|30|4|4|1000|100|RUNNING", c,
                               j, name, why),
              SacctLine::kUnfinished);
    EXPECT_EQ(parse_sacct_line("5.batch|2026-01-01T10:00:00|2026-01-01T10:00:01|Unknown|100|30|4|4|1000|100|"
                               "COMPLETED",
                               c, j, name, why),
              SacctLine::kStep);
    // Cancelled after it started: it ran, it is a job.
    EXPECT_EQ(parse_sacct_line("6|2026-01-01T10:00:00|2026-01-01T10:00:01|2026-01-01T10:01:41|100|30|4|4|1000|"
                               "100|CANCELLED by 1000",
                               c, j, name, why),
              SacctLine::kJob)
        << why;
}

TEST(SacctReader, NamesEveryKindOfBadLine)
{
    const SacctColumns c = columns();
    struct Case {
        const char *line, *why;
    } cases[] = {
        {"1|2026-01-01T10:00:00|2026-01-01T10:00:00|600|30|8|4|1000|100|COMPLETED", "has 10 fields, the header 11"},
        {"x1|2026-01-01T10:00:00|2026-01-01T10:00:00||600|30|8|4|1000|100|COMPLETED", "job id 'x1' is not a number"},
        {"1|2026-01-01 10:00:00|2026-01-01T10:00:00||600|30|8|4|1000|100|COMPLETED", "Submit '2026-01-01 10:00:00' is not a date"},
        {"1|2026-01-01T10:00:00|2026-13-01T10:00:00||600|30|8|4|1000|100|COMPLETED", "Start '2026-13-01T10:00:00' is not a date"},
        {"1|2026-02-31T10:00:00|2026-03-01T10:00:00||600|30|8|4|1000|100|COMPLETED", "Submit '2026-02-31T10:00:00' is not a date"},
        {"1|2026-01-01T10:00:00|2026-01-01T10:00:00||6oo|30|8|4|1000|100|COMPLETED", "ElapsedRaw '6oo' is not a number"},
        {"1|2026-01-01T10:00:00|2026-01-01T10:00:00||600|-30|8|4|1000|100|COMPLETED", "TimelimitRaw '-30' is not a number"},
        {"1|2026-01-01T10:00:00|2026-01-01T10:00:00||600|30|8x|4|1000|100|COMPLETED", "AllocCPUS '8x' is not a number"},
        {"1|2026-01-01T10:00:00|2026-01-01T10:00:00||600|30|0|a|1000|100|COMPLETED", "ReqCPUS 'a' is not a number"},
        {"1|2026-01-01T10:00:00|2026-01-01T10:00:00||600|30|8|4|alice|100|COMPLETED", "UID 'alice' is not a number"},
        {"1|2026-01-01T10:00:00|2026-01-01T10:00:00||600|30|8|4|1000||COMPLETED", "GID '' is not a number"},
        {"1|2026-01-01T10:00:00|2026-01-01T10:00:00||600|30|8|4|1000|100|", "no State"},
        {"1|2026-01-01T10:00:00|2026-01-01T10:00:00||600|30|0|0|1000|100|COMPLETED", "no CPU count"},
        {"1|2026-01-01T10:00:00|2026-01-01T10:00:00||99999999999999999999|30|8|4|1000|100|COMPLETED", "ElapsedRaw '99999999999999999999' is out of range"},
    };
    for (const Case &k : cases) {
        SimJob j;
        std::string name, why;
        EXPECT_EQ(parse_sacct_line(k.line, c, j, name, why), SacctLine::kBad) << k.line;
        EXPECT_NE(why.find(k.why), std::string::npos) << k.line << " -> " << why;
    }
}

TEST(SacctReader, ReadsAFileRelativeSortedAndCounted)
{
    const std::string path = temp_path("sacct_reader.txt");
    write_file(path, std::string(kHeader) + "\n" +
                         // line 2: submitted last, at +1 h
                         "30|2026-01-01T11:00:00|2026-01-01T11:00:30|x|60|1|2|2|1001|100|COMPLETED\n"
                         // line 3: the earliest submit: time 0
                         "10|2026-01-01T10:00:00|2026-01-01T10:01:00|x|120|UNLIMITED|4|4|1000|100|COMPLETED\n"
                         "11|2026-01-01T10:00:00|Unknown|Unknown|0|10|0|4|1000|100|PENDING\n"
                         "12|2026-01-01T10:00:00|Unknown|x|0|10|0|4|1000|100|CANCELLED by 1000\n"
                         "13|2026-01-01T10:00:00|2026-01-01T10:00:05|Unknown|50|10|4|4|1000|100|RUNNING\n"
                         "\n"
                         // line 8: bad date
                         "14|2026-01-01T1O:00:00|2026-01-01T10:00:05|x|50|10|4|4|1000|100|COMPLETED\n"
                         // line 9: 64 CPUs on a 16-CPU machine
                         "15|2026-01-01T10:10:00|2026-01-01T10:10:05|x|50|10|64|64|1000|100|COMPLETED\n"
                         // line 10: ran 2 minutes past a 1-minute limit (TIMEOUT overtime)
                         "20|2026-01-01T10:30:00|2026-01-01T10:30:00|x|180|1|1|1|1002|100|TIMEOUT\n"
                         // line 11: a wrong field count
                         "21|2026-01-01T10:30:00\n");
    Workload w;
    std::ostringstream warn;
    std::string error;
    SacctSkipped skipped;
    ASSERT_TRUE(read_sacct(path, 16, w, warn, error, 20, &skipped)) << error;
    ASSERT_EQ(w.jobs.size(), 3u) << warn.str();
    EXPECT_EQ(w.jobs[0].id, 10u);
    EXPECT_EQ(w.jobs[0].submit, 0);
    EXPECT_EQ(w.jobs[0].recorded_wait, 60);
    EXPECT_EQ(w.jobs[1].id, 20u);
    EXPECT_EQ(w.jobs[1].submit, 1800);
    EXPECT_EQ(w.jobs[1].limit, 180);  // raised to what it ran
    EXPECT_EQ(w.jobs[2].id, 30u);
    EXPECT_EQ(w.jobs[2].submit, 3600);
    EXPECT_EQ(w.jobs[2].limit, 60);
    EXPECT_EQ(w.machine_cpus, 16u);
    EXPECT_EQ(w.bad_lines, 2u);
    EXPECT_EQ(w.too_big, 1u);
    EXPECT_EQ(w.limit_raised, 1u);
    EXPECT_EQ(skipped.never_ran, 2u);
    EXPECT_EQ(skipped.unfinished, 1u);
    const std::string msgs = warn.str();
    EXPECT_NE(msgs.find(path + ":8: Submit '2026-01-01T1O:00:00' is not a date"), std::string::npos) << msgs;
    EXPECT_NE(msgs.find(path + ":11: has 2 fields, the header 11"), std::string::npos) << msgs;
    EXPECT_NE(msgs.find("job 15 has 64 CPUs, the machine 16: skipped"), std::string::npos) << msgs;
    EXPECT_NE(msgs.find("skipped 2 jobs that never ran, 1 that had not ended"), std::string::npos) << msgs;

    // Machine size 0: the largest job decides, nothing is too big.
    ASSERT_TRUE(read_sacct(path, 0, w, warn, error));
    EXPECT_EQ(w.machine_cpus, 64u);
    EXPECT_EQ(w.jobs.size(), 4u);
    EXPECT_EQ(w.too_big, 0u);
}

TEST(SacctReader, LimitsHowManyProblemsAreShown)
{
    const std::string path = temp_path("sacct_many.txt");
    std::string text = std::string(kHeader) + "\n";
    for (int i = 0; i < 30; ++i)
        text += "garbage\n";
    write_file(path, text);
    Workload w;
    std::ostringstream warn;
    std::string error;
    ASSERT_TRUE(read_sacct(path, 0, w, warn, error, 5)) << error;
    EXPECT_EQ(w.bad_lines, 30u);
    EXPECT_TRUE(w.jobs.empty());
    EXPECT_NE(warn.str().find(path + ":6: "), std::string::npos);
    EXPECT_EQ(warn.str().find(path + ":7: "), std::string::npos);
    EXPECT_NE(warn.str().find("25 more problems not shown"), std::string::npos) << warn.str();
}

TEST(SacctReader, FilesThatCannotBeUsed)
{
    Workload w;
    std::ostringstream warn;
    std::string error;
    EXPECT_FALSE(read_sacct(temp_path("no_such_sacct.txt"), 0, w, warn, error));
    EXPECT_NE(error.find("No such file"), std::string::npos) << error;

    const std::string empty = temp_path("sacct_empty.txt");
    write_file(empty, "\n\n");
    EXPECT_FALSE(read_sacct(empty, 0, w, warn, error));
    EXPECT_NE(error.find("no sacct -P header"), std::string::npos) << error;

    const std::string thin = temp_path("sacct_thin.txt");
    write_file(thin, "JobID|State\n1|COMPLETED\n");
    EXPECT_FALSE(read_sacct(thin, 0, w, warn, error));
    EXPECT_NE(error.find(thin + ":1: the header lacks Submit"), std::string::npos) << error;
}

// Slurm's time forms themselves: test/unit/slurm_time_test.cc.

// ---------------------------------------------------------------- synthetic

namespace {

bool same_jobs(const Workload &a, const Workload &b)
{
    if (a.jobs.size() != b.jobs.size())
        return false;
    for (std::size_t i = 0; i < a.jobs.size(); ++i) {
        const SimJob &x = a.jobs[i], &y = b.jobs[i];
        if (x.id != y.id || x.submit != y.submit || x.runtime != y.runtime || x.limit != y.limit ||
            x.cpus != y.cpus || x.user != y.user || x.group != y.group)
            return false;
    }
    return true;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace

TEST(Synthetic, UniformIntCoversTheRangeEvenly)
{
    SimRandom r(7);
    int seen[3] = {0, 0, 0};
    for (int i = 0; i < 30000; ++i) {
        const std::int64_t v = r.uniform_int(-1, 1);
        ASSERT_GE(v, -1);
        ASSERT_LE(v, 1);
        ++seen[v + 1];
    }
    for (int n : seen)
        EXPECT_NEAR(n, 10000, 500);  // ~5 standard deviations
    EXPECT_EQ(r.uniform_int(5, 5), 5);
}

TEST(Synthetic, NormalHasMeanZeroAndUnitSpread)
{
    SimRandom r(3);
    double sum = 0, sq = 0;
    const int n = 20000;
    for (int i = 0; i < n; ++i) {
        const double z = r.normal();
        sum += z;
        sq += z * z;
    }
    EXPECT_NEAR(sum / n, 0, 0.05);  // standard error 0.007
    EXPECT_NEAR(sq / n, 1, 0.05);
}

TEST(Synthetic, BagUniform)
{
    Workload a, b, c;
    std::string error;
    ASSERT_TRUE(bag_uniform(1000, 10, 12, 5, 16, a, error)) << error;
    ASSERT_TRUE(bag_uniform(1000, 10, 12, 5, 16, b, error)) << error;
    ASSERT_TRUE(bag_uniform(1000, 10, 12, 6, 16, c, error)) << error;
    EXPECT_TRUE(same_jobs(a, b));
    EXPECT_FALSE(same_jobs(a, c));
    EXPECT_EQ(a.machine_cpus, 16u);
    std::set<std::int64_t> runtimes;
    for (std::size_t i = 0; i < a.jobs.size(); ++i) {
        const SimJob &j = a.jobs[i];
        EXPECT_EQ(j.id, i + 1);
        EXPECT_EQ(j.submit, 0);
        EXPECT_EQ(j.cpus, 1u);
        EXPECT_EQ(j.limit, j.runtime);
        runtimes.insert(j.runtime);
    }
    EXPECT_EQ(runtimes, (std::set<std::int64_t>{10, 11, 12}));  // both ends reached, nothing outside

    EXPECT_FALSE(bag_uniform(0, 10, 12, 1, 16, a, error));
    EXPECT_FALSE(bag_uniform(5, 0, 12, 1, 16, a, error));
    EXPECT_FALSE(bag_uniform(5, 13, 12, 1, 16, a, error));
    EXPECT_EQ(error, "a bag of tasks needs 0 < MIN <= MAX");
    EXPECT_FALSE(bag_uniform(5, 10, 12, 1, 0, a, error));
}

TEST(Synthetic, BagCycle)
{
    Workload w;
    std::string error;
    ASSERT_TRUE(bag_cycle(5, {30, 10}, 4, w, error)) << error;
    std::vector<std::int64_t> got;
    for (const SimJob &j : w.jobs) {
        got.push_back(j.runtime);
        EXPECT_EQ(j.limit, j.runtime);
        EXPECT_EQ(j.submit, 0);
        EXPECT_EQ(j.cpus, 1u);
    }
    EXPECT_EQ(got, (std::vector<std::int64_t>{30, 10, 30, 10, 30}));
    EXPECT_FALSE(bag_cycle(5, {}, 4, w, error));
    EXPECT_FALSE(bag_cycle(5, {30, 0}, 4, w, error));
    EXPECT_EQ(error, "a bag of tasks needs durations > 0, not 0");
}

TEST(Synthetic, LumiIsReproducibleForASeed)
{
    LumiSpec spec;
    spec.jobs = 500;
    spec.machine_cpus = 1024;
    Workload a, b, c;
    std::string error;
    ASSERT_TRUE(lumi_lognormal(spec, a, error)) << error;
    ASSERT_TRUE(lumi_lognormal(spec, b, error)) << error;
    spec.seed = 2;
    ASSERT_TRUE(lumi_lognormal(spec, c, error)) << error;
    EXPECT_TRUE(same_jobs(a, b));
    EXPECT_FALSE(same_jobs(a, c));
}

TEST(Synthetic, LumiBounds)
{
    LumiSpec spec;
    spec.jobs = 5000;
    spec.machine_cpus = 64;  // well below the fit's median of ~198: many capped
    spec.mean_interarrival_s = 30;
    Workload w;
    std::string error;
    ASSERT_TRUE(lumi_lognormal(spec, w, error)) << error;
    ASSERT_EQ(w.jobs.size(), 5000u);
    EXPECT_EQ(w.machine_cpus, 64u);
    EXPECT_EQ(w.jobs[0].submit, 0);
    std::size_t capped = 0;
    std::set<std::uint32_t> users;
    for (std::size_t i = 0; i < w.jobs.size(); ++i) {
        const SimJob &j = w.jobs[i];
        EXPECT_EQ(j.id, i + 1);
        EXPECT_GE(j.cpus, 1u);
        EXPECT_LE(j.cpus, 64u);
        capped += j.cpus == 64;
        EXPECT_GE(j.runtime, 1);
        EXPECT_GE(j.limit, j.runtime);
        EXPECT_EQ(j.limit % 60, 0);
        EXPECT_LT(j.limit - j.runtime, 60);  // factor 1: the next whole minute
        EXPECT_GE(j.user, 1u);
        EXPECT_LE(j.user, 100u);
        EXPECT_EQ(j.group, j.user);
        users.insert(j.user);
        if (i) {
            EXPECT_GE(j.submit, w.jobs[i - 1].submit);  // by submit time
        }
    }
    EXPECT_GT(capped, 1000u);
    EXPECT_EQ(users.size(), 100u);  // 5000 draws from 100: all seen
}

TEST(Synthetic, LumiLimitFactorAndRuntimeCap)
{
    LumiSpec spec;
    spec.jobs = 2000;
    spec.machine_cpus = 1024;
    spec.limit_factor = 1.5;
    spec.max_runtime_s = 3600;
    Workload w;
    std::string error;
    ASSERT_TRUE(lumi_lognormal(spec, w, error)) << error;
    for (const SimJob &j : w.jobs) {
        EXPECT_LE(j.runtime, 3600);
        const std::int64_t minutes = (j.runtime + 59) / 60;
        EXPECT_EQ(j.limit, (minutes * 3 + 1) / 2 * 60) << j.runtime;  // ceil(1.5 x minutes) minutes
    }
    spec.limit_factor = 0.5;
    EXPECT_FALSE(lumi_lognormal(spec, w, error));
    EXPECT_NE(error.find("limit factor"), std::string::npos);
    spec.limit_factor = 1;
    spec.machine_cpus = 0;
    EXPECT_FALSE(lumi_lognormal(spec, w, error));
    spec.machine_cpus = 8;
    spec.mean_interarrival_s = -1;
    EXPECT_FALSE(lumi_lognormal(spec, w, error));
    spec.mean_interarrival_s = 0;  // everything at once
    ASSERT_TRUE(lumi_lognormal(spec, w, error)) << error;
    EXPECT_EQ(w.jobs.back().submit, 0);
    spec.jobs = 0;
    EXPECT_FALSE(lumi_lognormal(spec, w, error));
}

TEST(Synthetic, LumiMatchesTheFit)
{
    // The median of loc + scale * exp(s Z) is loc + scale (Z's median is 0);
    // the mean gap of a Poisson process is its mean interarrival.
    LumiSpec spec;
    spec.jobs = 20000;
    spec.machine_cpus = 1u << 30;  // no cap in the way
    spec.mean_interarrival_s = 100;
    spec.seed = 11;
    Workload w;
    std::string error;
    ASSERT_TRUE(lumi_lognormal(spec, w, error)) << error;
    std::vector<double> runtimes, cpus;
    for (const SimJob &j : w.jobs) {
        runtimes.push_back(double(j.runtime));
        cpus.push_back(double(j.cpus));
    }
    EXPECT_NEAR(median(runtimes), 0.95007 + 165.06, 0.1 * 166.01);
    EXPECT_NEAR(median(cpus), -0.98930 + 199.30, 0.1 * 198.31);
    const double mean_gap = double(w.jobs.back().submit) / double(w.jobs.size() - 1);
    EXPECT_NEAR(mean_gap, 100, 5);  // standard error ~0.7 s
}
