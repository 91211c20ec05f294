// Unit tests: runtime estimates and their store.
#include "src/core/damaged_file.h"
#include "src/core/estimate_memo.h"
#include "src/core/estimate_store.h"
#include "src/core/file_lock.h"
#include "src/core/learn_ledger.h"
#include "src/core/runtime_estimator.h"

#include <gtest/gtest.h>
#include <jansson.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <tuple>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <dirent.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace tailfold;

TEST(Estimator, ColdStartUsesTheLimit)
{
    RuntimeEstimator e;
    for (auto src : {DurationSource::kLimit, DurationSource::kHistory, DurationSource::kAuto}) {
        const Estimate x = e.estimate(1000, "phys", "sim", 3600, src, 2);
        EXPECT_EQ(x.seconds, 3600);
        EXPECT_EQ(x.origin, EstimateOrigin::kLimit);
    }
}

TEST(Estimator, MeanOfTheLastTwoRuns)
{
    RuntimeEstimator e;
    e.record(1000, "phys", "sim", 100, 3600, false);
    e.record(1000, "phys", "sim", 200, 3600, false);
    e.record(1000, "phys", "sim", 400, 3600, false);
    const Estimate x = e.estimate(1000, "phys", "sim", 3600, DurationSource::kHistory, 2);
    EXPECT_EQ(x.seconds, 300);
    EXPECT_EQ(x.origin, EstimateOrigin::kJobHistory);
}

TEST(Estimator, NeverAboveTheJobsOwnLimit)
{
    RuntimeEstimator e;
    e.record(1000, "phys", "sim", 5000, 7200, false);
    e.record(1000, "phys", "sim", 5000, 7200, false);
    Estimate x = e.estimate(1000, "phys", "sim", 600, DurationSource::kHistory, 2);
    EXPECT_EQ(x.seconds, 600);
    EXPECT_LE(x.forecast_seconds, 600);
    x = e.estimate(1000, "phys", "sim", 0, DurationSource::kHistory, 2);  // no limit
    EXPECT_EQ(x.seconds, 5000);
    EXPECT_EQ(x.forecast_seconds, 5000);
    // Runs that overran their limits (OverTimeLimit): the whole limit.
    e.record(1000, "phys", "long", 9000, 7200, false);
    EXPECT_EQ(e.estimate(1000, "phys", "long", 600, DurationSource::kHistory, 1).forecast_seconds, 600);
}

TEST(Estimator, ATimedOutJobCountsAsAtLeastItsLimit)
{
    RuntimeEstimator e;
    e.record(1000, "phys", "sim", 3590, 3600, true);  // killed at the limit, ended a bit early
    const Estimate x = e.estimate(1000, "phys", "sim", 7200, DurationSource::kHistory, 1);
    EXPECT_EQ(x.seconds, 3600);
    // It used all it asked for: asked for more, it is expected to use all.
    EXPECT_EQ(x.forecast_seconds, 7200);
}

// The share of their limits the last runs used carries to a job with
// another limit: 900 and 1800 s of 3600 are 3/8; the slack they left
// (2250 s on average) is more than a 1800 s limit holds.
TEST(Estimator, TheShareOfTheLimitCarriesToAnotherLimit)
{
    RuntimeEstimator e;
    e.record(1000, "phys", "sim", 900, 3600, false);
    e.record(1000, "phys", "sim", 1800, 3600, false);
    EXPECT_DOUBLE_EQ(e.estimate(1000, "phys", "sim", 1800, DurationSource::kHistory, 2).forecast_seconds, 675);
    EXPECT_DOUBLE_EQ(e.estimate(1000, "phys", "sim", 3600, DurationSource::kHistory, 2).forecast_seconds, 1350);
}

// Limits rounded up to the minute: 5 s and 50 s of 60 say nothing of a
// two-hour job's share; the 32.5 s of slack they left carries instead.
TEST(Estimator, WhereLimitsAreTightTheSlackCarries)
{
    RuntimeEstimator e;
    e.record(1000, "phys", "sim", 5, 60, false);
    e.record(1000, "phys", "sim", 50, 60, false);
    EXPECT_DOUBLE_EQ(e.estimate(1000, "phys", "sim", 7200, DurationSource::kHistory, 2).forecast_seconds, 7167.5);
}

// Where every run takes exactly its limit, the estimate is the limit of
// the job asked about, whatever the limits before: no learned runtime
// does worse than the limit then.
TEST(Estimator, ExactLimitsGiveTheLimit)
{
    RuntimeEstimator e;
    for (std::int64_t lim : {60, 86400, 300, 7})
        e.record(1000, "phys", "sim", lim, lim, false);
    for (std::int64_t lim : {1, 59, 3600, 1000000})
        EXPECT_DOUBLE_EQ(e.estimate(1000, "phys", "sim", lim, DurationSource::kHistory, 2).forecast_seconds, double(lim));
}

// A run without a limit and one with: the limit of the first is unknown,
// so the mean of the runtimes.
TEST(Estimator, ARunWithoutALimitGivesTheMean)
{
    RuntimeEstimator e;
    e.record(1000, "phys", "sim", 100, 0, false);
    e.record(1000, "phys", "sim", 300, 3600, false);
    const Estimate x = e.estimate(1000, "phys", "sim", 3600, DurationSource::kHistory, 2);
    EXPECT_EQ(x.seconds, 200);
    EXPECT_EQ(x.forecast_seconds, 200);
}

// Under auto, the forecast takes one run of the same name, else the
// user's runs, while the boost's estimate stays the limit until
// history_runs runs of the same name are seen.
TEST(Estimator, TheForecastFallsBackToTheUsersRunsUnderAuto)
{
    RuntimeEstimator e;
    e.record(1000, "phys", "sim", 900, 3600, false);  // 2,700 s of slack
    Estimate x = e.estimate(1000, "phys", "other", 7200, DurationSource::kAuto, 2);
    EXPECT_EQ(x.seconds, 7200);
    EXPECT_EQ(x.origin, EstimateOrigin::kLimit);
    EXPECT_DOUBLE_EQ(x.forecast_seconds, 4500);
    x = e.estimate(1000, "phys", "sim", 7200, DurationSource::kAuto, 2);  // one run of its own
    EXPECT_EQ(x.seconds, 7200);
    EXPECT_DOUBLE_EQ(x.forecast_seconds, 4500);
    // Another user, or duration_source=limit, has nothing to go on.
    EXPECT_EQ(e.estimate(1001, "phys", "sim", 7200, DurationSource::kAuto, 2).forecast_seconds, 7200);
    EXPECT_EQ(e.estimate(1000, "phys", "sim", 7200, DurationSource::kLimit, 2).forecast_seconds, 7200);
}

// The runs behind the forecast, each carried to the job's limit, ascending.
TEST(Estimator, TheForecastsRunsEachCarriedToTheLimit)
{
    RuntimeEstimator e;
    e.record(1000, "phys", "sim", 3000, 3600, false);
    e.record(1000, "phys", "sim", 360, 3600, false);
    const Estimate x = e.estimate(1000, "phys", "sim", 7200, DurationSource::kAuto, 2);
    ASSERT_EQ(x.forecast_run_count, 2);
    EXPECT_DOUBLE_EQ(x.forecast_runs[0], 3960);  // 3,240 s of slack (more than a tenth of 7,200)
    EXPECT_DOUBLE_EQ(x.forecast_runs[1], 6600);  // 600 s of slack (more than 5/6 of 7,200)
    EXPECT_DOUBLE_EQ(x.forecast_seconds, 5280);  // the mean slack, 1,920 s
}

// A running job: at start + forecast_seconds while it has outlived none of
// the runs; once past the short one, at the long one; past both, as long
// again as it has overrun (planned_end); never past its limit.
TEST(Estimator, ARunningJobsEndFollowsTheRunsItHasNotOutlived)
{
    Estimate x;
    x.forecast_seconds = 3000;
    x.forecast_runs[0] = 1000;
    x.forecast_runs[1] = 6000;
    x.forecast_run_count = 2;
    const std::int64_t start = 10000, limit_end = start + 20000, step = 60;
    EXPECT_EQ(forecast_end(start + 500, start, x, limit_end, step), start + 3000);
    EXPECT_EQ(forecast_end(start + 1500, start, x, limit_end, step), start + 6000);
    EXPECT_EQ(forecast_end(start + 6500, start, x, limit_end, step), start + 6500 + 3500);
    EXPECT_EQ(forecast_end(start + 15000, start, x, limit_end, step), limit_end);
    // Without runs (the limit, bf_estimate=limit), planned_end's rule alone.
    x.forecast_run_count = 0;
    EXPECT_EQ(forecast_end(start + 1500, start, x, limit_end, step), start + 3000);
    EXPECT_EQ(forecast_end(start + 3500, start, x, limit_end, step), start + 3500 + 500);
    // A short long run never brings the end before the forecast's.
    x.forecast_runs[1] = 2000;
    x.forecast_run_count = 2;
    EXPECT_EQ(forecast_end(start + 1500, start, x, limit_end, step), start + 3000);
}

TEST(Estimator, FallbackChainJobThenUserThenLimit)
{
    RuntimeEstimator e;
    e.record(1000, "phys", "other", 500, 3600, false);
    // history: no job history for "sim", so the user's.
    Estimate x = e.estimate(1000, "phys", "sim", 3600, DurationSource::kHistory, 2);
    EXPECT_EQ(x.seconds, 500);
    EXPECT_EQ(x.origin, EstimateOrigin::kUserHistory);
    // Another user: the limit.
    x = e.estimate(2000, "phys", "sim", 3600, DurationSource::kHistory, 2);
    EXPECT_EQ(x.origin, EstimateOrigin::kLimit);
    EXPECT_EQ(x.seconds, 3600);
}

TEST(Estimator, AutoWaitsForEnoughRunsOfTheSameJob)
{
    RuntimeEstimator e;
    e.record(1000, "phys", "sim", 100, 3600, false);
    EXPECT_EQ(e.estimate(1000, "phys", "sim", 3600, DurationSource::kAuto, 2).origin, EstimateOrigin::kLimit);
    EXPECT_EQ(e.estimate(1000, "phys", "sim", 3600, DurationSource::kAuto, 1).origin, EstimateOrigin::kJobHistory);
    e.record(1000, "phys", "sim", 300, 3600, false);
    const Estimate x = e.estimate(1000, "phys", "sim", 3600, DurationSource::kAuto, 2);
    EXPECT_EQ(x.origin, EstimateOrigin::kJobHistory);
    EXPECT_EQ(x.seconds, 200);
    // auto never uses another job's history.
    EXPECT_EQ(e.estimate(1000, "phys", "new", 3600, DurationSource::kAuto, 1).origin, EstimateOrigin::kLimit);
}

TEST(Estimator, IgnoresJobsThatNeverRan)
{
    RuntimeEstimator e;
    e.record(1000, "phys", "sim", 0, 3600, false);
    EXPECT_EQ(e.size(), 0u);
}

TEST(Estimator, BoundedDroppingTheOldest)
{
    RuntimeEstimator e(100);
    for (int i = 0; i < 500; ++i)
        e.record(static_cast<std::uint32_t>(i), "a", "n", 10 + i, 0, false);
    EXPECT_LE(e.size(), 100u);
    // The newest user is kept, the first is gone.
    EXPECT_EQ(e.estimate(499, "a", "n", 0, DurationSource::kHistory, 1).origin, EstimateOrigin::kJobHistory);
    EXPECT_EQ(e.estimate(0, "a", "n", 9999, DurationSource::kHistory, 1).origin, EstimateOrigin::kLimit);
}

class StoreTest : public ::testing::Test {
  protected:
    void SetUp() override
    {
        char tmpl[] = "/tmp/tailfold-store-XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
        path_ = dir_ + "/estimates.json";
    }
    void TearDown() override
    {
        for (const auto &f : files())
            unlink((dir_ + "/" + f).c_str());
        rmdir(dir_.c_str());
    }
    // The names in the test's directory, sorted.
    std::vector<std::string> files() const
    {
        std::vector<std::string> out;
        if (DIR *d = opendir(dir_.c_str())) {
            while (const dirent *e = readdir(d))
                if (std::strcmp(e->d_name, ".") && std::strcmp(e->d_name, ".."))
                    out.push_back(e->d_name);
            closedir(d);
        }
        std::sort(out.begin(), out.end());
        return out;
    }
    void write(const std::string &text)
    {
        std::ofstream(path_) << text;
    }
    std::string dir_, path_;
};

TEST_F(StoreTest, RoundTrip)
{
    RuntimeEstimator a;
    a.record(1000, "phys", "sim \"quoted\" é", 100, 3600, false);
    a.record(1000, "phys", "sim \"quoted\" é", 300, 3600, false);
    a.record(2000, "chem", "md", 7000, 3600, true);
    a.learned_until = 1700000123;
    std::string err;
    ASSERT_TRUE(save_estimates(path_, a, err)) << err;
    RuntimeEstimator b;
    ASSERT_EQ(load_estimates(path_, b, err), LoadResult::kLoaded) << err;
    EXPECT_EQ(b.size(), a.size());
    EXPECT_EQ(b.learned_until, 1700000123);
    for (auto src : {DurationSource::kHistory, DurationSource::kAuto}) {
        EXPECT_EQ(b.estimate(1000, "phys", "sim \"quoted\" é", 3600, src, 2).seconds, 200);
        EXPECT_EQ(b.estimate(2000, "chem", "md", 9000, src, 1).seconds, 7000);
        // The limits came back too: 100 and 300 s of 3600 are 1/18 of
        // them, so 100 s of an 1800 s limit; the one that ran past its
        // limit, its whole limit.
        EXPECT_EQ(b.estimate(1000, "phys", "sim \"quoted\" é", 1800, src, 2).forecast_seconds, 100);
        EXPECT_EQ(b.estimate(2000, "chem", "md", 9000, src, 1).forecast_seconds, 9000);
        EXPECT_EQ(b.estimate(2000, "x", "y", 9000, DurationSource::kHistory, 1).origin,
                  EstimateOrigin::kUserHistory);
    }
    // No temporary file is left behind.
    EXPECT_EQ(files(), std::vector<std::string>{"estimates.json"});
}

TEST_F(StoreTest, MissingIsAnEmptyStartNotAnError)
{
    RuntimeEstimator e;
    e.record(1, "a", "b", 5, 0, false);
    std::string err;
    EXPECT_EQ(load_estimates(path_, e, err), LoadResult::kMissing);
    EXPECT_EQ(e.size(), 0u);
}

TEST_F(StoreTest, TruncatedCorruptOrForeignFilesAreRefusedWhole)
{
    RuntimeEstimator good;
    good.record(1000, "phys", "sim", 100, 3600, false);
    std::string err;
    ASSERT_TRUE(save_estimates(path_, good, err));
    std::stringstream ss;
    ss << std::ifstream(path_).rdbuf();
    const std::string full = ss.str();

    const std::string bad[] = {
        full.substr(0, full.size() / 2),                                   // cut in half
        "",                                                                // emptied
        "\x01\x02garbage\xff",                                             // garbage
        "{\"format\": \"something-else\", \"version\": 1, \"entries\": []}",  // foreign
        "{\"format\": \"tailfold-estimates\", \"version\": 9, \"entries\": []}",
        "{\"format\": \"tailfold-estimates\", \"version\": 1, \"entries\": {}}",
        "{\"format\": \"tailfold-estimates\", \"version\": 1, \"learned_ids\": [0], \"entries\": []}",
    };
    for (const auto &text : bad) {
        write(text);
        RuntimeEstimator e;
        e.record(7, "x", "y", 9, 0, false);
        err.clear();
        EXPECT_EQ(load_estimates(path_, e, err), LoadResult::kBad) << text;
        EXPECT_FALSE(err.empty());
        EXPECT_NE(err.find(path_), std::string::npos) << err;  // names the file
        EXPECT_EQ(e.size(), 0u);                                // an empty start
        // The same bytes in memory (what the fuzz target feeds): the same verdict.
        e.record(7, "x", "y", 9, 0, false);
        EXPECT_EQ(parse_estimates(text.data(), text.size(), e, err), LoadResult::kBad) << text;
        EXPECT_EQ(e.size(), 0u);
    }
    RuntimeEstimator e;
    ASSERT_EQ(parse_estimates(full.data(), full.size(), e, err), LoadResult::kLoaded) << err;
    EXPECT_EQ(e.estimate(1000, "phys", "sim", 3600, DurationSource::kHistory, 1).seconds, 100);
}

// Two runtimes near INT64_MAX in a store would overflow a signed sum for
// their mean (undefined: the sanitizer build stops); the fuzz target can
// reach such a store, and the input is in test/fuzz/corpus/estimate_store.
TEST(Estimator, MeanOfTheLargestRuntimesDoesNotOverflow)
{
    const std::string text = "{\"format\":\"tailfold-estimates\",\"version\":1,\"entries\":[{\"uid\":1,"
                             "\"account\":\"a\",\"name\":\"b\",\"runs\":2,"
                             "\"last\":[9223372036854775807,9223372036854775807]}]}";
    RuntimeEstimator e;
    std::string err;
    ASSERT_EQ(parse_estimates(text.data(), text.size(), e, err), LoadResult::kLoaded) << err;
    EXPECT_EQ(e.estimate(1, "a", "b", 0, DurationSource::kHistory, 1).seconds, 9223372036854775807.0);
}

TEST_F(StoreTest, EmptyFileOrDirectoryIsSaidPlainly)
{
    write("");
    RuntimeEstimator e;
    std::string err;
    EXPECT_EQ(load_estimates(path_, e, err), LoadResult::kBad);
    EXPECT_NE(err.find("empty (0 bytes)"), std::string::npos) << err;
    unlink(path_.c_str());
    ASSERT_EQ(mkdir(path_.c_str(), 0700), 0);  // what root cannot be kept from reading
    EXPECT_EQ(load_estimates(path_, e, err), LoadResult::kBad);
    EXPECT_NE(err.find("not a regular file"), std::string::npos) << err;
    rmdir(path_.c_str());
}

// A damaged store is renamed, not overwritten: the next save starts a new
// file beside it, and a second damaged start in the same second does not
// replace the first copy.
TEST_F(StoreTest, DamagedFileIsKeptAsideNotOverwritten)
{
    write("{\"format\": \"tailfold-est");
    std::string kept, kept2, err;
    ASSERT_TRUE(keep_damaged_file(path_, 1700000000, kept, err)) << err;
    EXPECT_EQ(kept, path_ + ".damaged.1700000000");
    EXPECT_NE(access(path_.c_str(), F_OK), 0);
    std::stringstream ss;
    ss << std::ifstream(kept).rdbuf();
    EXPECT_EQ(ss.str(), "{\"format\": \"tailfold-est");
    write("second");
    ASSERT_TRUE(keep_damaged_file(path_, 1700000000, kept2, err)) << err;
    EXPECT_EQ(kept2, path_ + ".damaged.1700000000.1");
    RuntimeEstimator e;
    e.record(1, "a", "b", 5, 0, false);
    ASSERT_TRUE(save_estimates(path_, e, err)) << err;
    EXPECT_EQ(load_estimates(path_, e, err), LoadResult::kLoaded) << err;
    EXPECT_FALSE(keep_damaged_file(dir_ + "/missing.json", 1, kept, err));
    EXPECT_NE(err.find("missing.json"), std::string::npos) << err;
    unlink(kept.c_str());
    unlink(kept2.c_str());
}

TEST_F(StoreTest, UnwritablePlaceIsAnErrorAndKeepsTheOldFile)
{
    RuntimeEstimator e;
    e.record(1, "a", "b", 5, 0, false);
    std::string err;
    EXPECT_FALSE(save_estimates(dir_ + "/no/such/dir/estimates.json", e, err));
    EXPECT_FALSE(err.empty());
}

TEST_F(StoreTest, SizeBoundHoldsAfterReload)
{
    RuntimeEstimator big(1000000);
    for (int i = 0; i < 3000; ++i)
        big.record(static_cast<std::uint32_t>(i % 50), "a", "job" + std::to_string(i), 10 + i, 0, false);
    std::string err;
    ASSERT_TRUE(save_estimates(path_, big, err));
    RuntimeEstimator small(200);
    ASSERT_EQ(load_estimates(path_, small, err), LoadResult::kLoaded);
    EXPECT_LE(small.size(), 200u);
    // The most recent job survives the bound.
    EXPECT_EQ(small.estimate(2999 % 50, "a", "job2999", 0, DurationSource::kHistory, 1).origin,
              EstimateOrigin::kJobHistory);
}

// The memo of expected runtimes may forget an answer, never give a stale one.
TEST(EstimateMemo, AnswersOnlyForTheSameJobLimitAndUserState)
{
    EstimateMemo m;
    Estimate e, got;
    e.seconds = 42;
    e.origin = EstimateOrigin::kJobHistory;
    EXPECT_FALSE(m.find(7, 1000, 600, got));
    m.put(7, 1000, 600, e);
    ASSERT_TRUE(m.find(7, 1000, 600, got));
    EXPECT_EQ(got.seconds, 42);
    EXPECT_EQ(got.origin, EstimateOrigin::kJobHistory);
    EXPECT_FALSE(m.find(7, 1000, 660, got));                           // limit changed
    EXPECT_FALSE(m.find(7 + EstimateMemo::kMinSlots, 1000, 600, got));  // another job, same slot
    m.invalidate_user(1001);
    EXPECT_TRUE(m.find(7, 1000, 600, got));  // someone else learned something
    m.invalidate_user(1000);
    EXPECT_FALSE(m.find(7, 1000, 600, got));
    m.put(7, 1000, 600, e);
    m.invalidate();
    EXPECT_FALSE(m.find(7, 1000, 600, got));
}

TEST(EstimateMemo, RandomUseNeverGivesAStaleAnswerAndGrows)
{
    // Reference: the answer each (job, user) would get now; bumped per
    // user when "learning" and for everyone at invalidate().
    std::mt19937 rng(20261122);
    EstimateMemo m;
    std::map<std::uint32_t, std::uint32_t> user_of;
    std::map<std::uint32_t, int> version;  // per user
    int global = 0;
    auto truth = [&](std::uint32_t job) { return double(job) * 1000 + version[user_of[job]] * 10 + global; };
    int hits = 0;
    for (int step = 0; step < 200000; ++step) {
        const std::uint32_t job = 1 + rng() % 5000, uid = job % 50;
        user_of[job] = uid;
        const int op = rng() % 100000;
        if (op == 0) {
            ++global;
            m.invalidate();
        } else if (op < 100) {
            ++version[uid];
            m.invalidate_user(uid);
        } else {
            Estimate got;
            if (m.find(job, uid, 600, got)) {
                ASSERT_EQ(got.seconds, truth(job)) << "stale answer for job " << job << " at step " << step;
                ++hits;
            } else {
                Estimate e;
                e.seconds = truth(job);
                m.put(job, uid, 600, e);
            }
        }
    }
    EXPECT_GT(hits, 100000);                           // it does remember
    EXPECT_GT(m.slots(), EstimateMemo::kMinSlots);     // 5000 live jobs made it grow
}

TEST(Estimator, CountsEvictions)
{
    RuntimeEstimator est(10);
    for (int i = 0; i < 9; ++i)
        est.record(1000 + i, "a", "j", 60, 0, false);  // 9 job + 9 user entries
    EXPECT_GT(est.evictions(), 0u);
    const auto before = est.evictions();
    est.set_max_entries(1000);
    est.record(1, "a", "j", 60, 0, false);
    EXPECT_EQ(est.evictions(), before);
}

namespace {

std::string read_all(const std::string &path)
{
    std::stringstream ss;
    ss << std::ifstream(path).rdbuf();
    return ss.str();
}

// The job entries of an estimator, comparable.
std::vector<std::tuple<std::uint32_t, std::string, std::string, bool, std::int64_t, std::int64_t,
                       std::uint32_t>>
entry_list(const RuntimeEstimator &est)
{
    std::vector<std::tuple<std::uint32_t, std::string, std::string, bool, std::int64_t, std::int64_t,
                           std::uint32_t>>
        out;
    for (const auto &e : est.entries())
        out.emplace_back(e.uid, e.account, e.name, e.user_level, e.history.last[0], e.history.last[1],
                         e.history.runs);
    std::sort(out.begin(), out.end());
    return out;
}

// Names Slurm accepts (any bytes but NUL; the core takes NUL too).
const std::string kOddNames[] = {
    "\xff",
    "a|b",
    "line\nbreak",
    "tab\there",
    "smile \xf0\x9f\x98\x80",           // 4-byte UTF-8: a readable string
    "over\xc0\xaflong",                  // overlong '/'
    "\xe0\x80\xaf",                      // overlong, 3 bytes
    "\xed\xa0\x80",                      // a surrogate encoded in UTF-8
    "\xf4\x90\x80\x80",                  // above U+10FFFF
    "cut \xe2\x82",                      // a sequence cut short
    "\x80",                              // a lone continuation byte
    "unit\x1fsep",                       // the old key separator
    std::string("nul\0inside", 10),
    "",
    "\"quoted\" \\ /",
    "ctl \x01\x7f",
};

}  // namespace

TEST(StoreText, PlainUtf8IsWhatJanssonTakes)
{
    for (const auto &n : kOddNames) {
        json_t *j = json_stringn(n.data(), n.size());
        const bool jansson_takes = j != nullptr && n.find('\0') == std::string::npos;
        json_decref(j);
        EXPECT_EQ(is_plain_utf8(n), jansson_takes) << n;
    }
    EXPECT_TRUE(is_plain_utf8("sim \xc3\xa9"));
    EXPECT_TRUE(is_plain_utf8("\xf4\x8f\xbf\xbf"));   // U+10FFFF
    EXPECT_TRUE(is_plain_utf8("\xed\x9f\xbf"));       // U+D7FF
    EXPECT_FALSE(is_plain_utf8("\xf5\x80\x80\x80"));
}

// Names and accounts jansson refuses as strings (sbatch -J $'\xff') are
// kept as hex: written without them, an entry would lose its name and the
// next start would set the whole store aside as damaged.
TEST_F(StoreTest, NamesAndAccountsOfAnyBytesRoundTripExactly)
{
    RuntimeEstimator a;
    std::uint32_t uid = 1000;
    for (const auto &n : kOddNames) {
        a.record(uid, "phys", n, 100, 3600, false);
        a.record(uid, n, "job", 200, 3600, false);  // accounts too
        a.record(uid, n, n, 300, 3600, true);
        ++uid;
    }
    // A key split at the first \x1f would make these two one entry.
    a.record(1, "a\x1f" "b", "c", 10, 0, false);
    a.record(1, "a", "b\x1f" "c", 20, 0, false);
    a.learned_until = 1700000000;
    a.learned_ids = {17, 4000000000u};
    std::string err;
    ASSERT_TRUE(save_estimates(path_, a, err)) << err;
    RuntimeEstimator b;
    std::size_t skipped = 99;
    ASSERT_EQ(load_estimates(path_, b, err, &skipped), LoadResult::kLoaded) << err;
    EXPECT_TRUE(err.empty()) << err;
    EXPECT_EQ(skipped, 0u);
    EXPECT_EQ(entry_list(b), entry_list(a));
    EXPECT_EQ(b.learned_until, 1700000000);
    EXPECT_EQ(b.learned_ids, (std::vector<std::uint32_t>{17, 4000000000u}));
    EXPECT_EQ(b.estimate(1, "a\x1f" "b", "c", 0, DurationSource::kHistory, 1).seconds, 10);
    EXPECT_EQ(b.estimate(1, "a", "b\x1f" "c", 0, DurationSource::kHistory, 1).seconds, 20);
    EXPECT_EQ(b.estimate(1000, "phys", "\xff", 0, DurationSource::kHistory, 1).seconds, 100);

    // Plain UTF-8 stays a readable string; anything else is in *_hex.
    json_error_t jerr;
    json_t *root = json_load_file(path_.c_str(), 0, &jerr);
    ASSERT_NE(root, nullptr) << jerr.text;
    int plain = 0, hex = 0;
    json_t *entries = json_object_get(root, "entries");
    for (std::size_t i = 0; i < json_array_size(entries); ++i) {
        json_t *e = json_array_get(entries, i);
        if (json_object_get(e, "name_hex")) {
            ++hex;
            EXPECT_EQ(json_object_get(e, "name"), nullptr);
        }
        if (json_t *n = json_object_get(e, "name")) {
            ++plain;
            if (std::string(json_string_value(n)) == "smile \xf0\x9f\x98\x80") {
                EXPECT_TRUE(json_is_string(json_object_get(e, "account")));
            }
        }
    }
    EXPECT_GT(plain, 0);
    EXPECT_GT(hex, 0);
    json_decref(root);
    EXPECT_NE(read_all(path_).find("\"name_hex\":\"ff\""), std::string::npos);
}

TEST_F(StoreTest, ABadEntryIsSkippedAndCountedNotTheFile)
{
    write("{\"format\": \"tailfold-estimates\", \"version\": 1, \"learned_until\": 5, \"entries\": ["
          "{\"uid\": 1, \"account\": \"a\", \"name\": \"n\", \"runs\": 1, \"last\": [60]},"
          "{\"uid\": -1, \"account\": \"a\", \"name\": \"m\", \"runs\": 1, \"last\": [60]},"
          "{\"uid\": 1, \"account_hex\": \"61\", \"name_hex\": \"ff\", \"runs\": 2, \"last\": [30, 90]},"
          "{\"uid\": 2, \"account\": \"a\", \"name_hex\": \"f\", \"runs\": 1, \"last\": [60]},"
          "{\"uid\": 2, \"account\": \"a\", \"name\": \"x\", \"name_hex\": \"78\", \"runs\": 1, \"last\": [60]},"
          "{\"uid\": 2, \"account\": \"a\", \"runs\": 1, \"last\": [60]}]}");
    RuntimeEstimator e;
    std::string msg;
    std::size_t skipped = 0;
    ASSERT_EQ(load_estimates(path_, e, msg, &skipped), LoadResult::kLoaded) << msg;
    EXPECT_EQ(skipped, 4u);
    EXPECT_EQ(e.size(), 2u);
    EXPECT_EQ(e.learned_until, 5);
    EXPECT_EQ(msg, path_ + ": 4 of 6 entries skipped as unreadable (first: entry 1: no valid uid)");
    EXPECT_EQ(e.estimate(1, "a", "n", 0, DurationSource::kHistory, 1).seconds, 60);
    EXPECT_EQ(e.estimate(1, "a", "\xff", 0, DurationSource::kHistory, 1).seconds, 60);

    // The brief's case: one bad entry of three, two are loaded.
    const std::string three =
        "{\"format\": \"tailfold-estimates\", \"version\": 1, \"entries\": ["
        "{\"uid\": 1, \"account\": \"a\", \"name\": \"n\", \"runs\": 1, \"last\": [60]},"
        "{\"uid\": 1, \"account\": \"a\", \"runs\": 1, \"last\": [60]},"
        "{\"uid\": 1, \"user\": true, \"runs\": 1, \"last\": [60]}]}";
    ASSERT_EQ(parse_estimates(three.data(), three.size(), e, msg, &skipped), LoadResult::kLoaded);
    EXPECT_EQ(e.size(), 2u);
    EXPECT_EQ(skipped, 1u);
    EXPECT_EQ(msg, "estimate store: 1 of 3 entries skipped as unreadable (first: entry 1: a job entry lacks name)");

    // "limits", when there, holds one whole number >= 0 per runtime;
    // absent, the runs' limits are unknown and the estimate is their mean.
    const std::string limits =
        "{\"format\": \"tailfold-estimates\", \"version\": 1, \"entries\": ["
        "{\"uid\": 1, \"account\": \"a\", \"name\": \"n\", \"runs\": 2, \"last\": [60, 120], \"limits\": [600]},"
        "{\"uid\": 1, \"account\": \"a\", \"name\": \"m\", \"runs\": 1, \"last\": [60], \"limits\": [-1]},"
        "{\"uid\": 1, \"account\": \"a\", \"name\": \"o\", \"runs\": 1, \"last\": [60], \"limits\": \"600\"},"
        "{\"uid\": 1, \"account\": \"a\", \"name\": \"p\", \"runs\": 2, \"last\": [60, 120], \"limits\": [600, 1200]},"
        "{\"uid\": 1, \"account\": \"a\", \"name\": \"q\", \"runs\": 2, \"last\": [60, 120]}]}";
    ASSERT_EQ(parse_estimates(limits.data(), limits.size(), e, msg, &skipped), LoadResult::kLoaded);
    EXPECT_EQ(skipped, 3u);
    EXPECT_EQ(msg, "estimate store: 3 of 5 entries skipped as unreadable (first: entry 0: limits is not an array of one limit per runtime)");
    EXPECT_EQ(e.estimate(1, "a", "p", 300, DurationSource::kHistory, 1).forecast_seconds, 30);  // a tenth
    EXPECT_EQ(e.estimate(1, "a", "q", 300, DurationSource::kHistory, 1).forecast_seconds, 90);  // the mean
}

namespace {
// jansson's allocator, failing from the n-th call on (n < 0: never).
long g_allocs_left = -1;
void *failing_malloc(std::size_t n)
{
    if (g_allocs_left == 0)
        return nullptr;
    if (g_allocs_left > 0)
        --g_allocs_left;
    return std::malloc(n);
}
}  // namespace

// Every jansson call is checked: whichever allocation fails, the save
// says it failed and the old file stays byte for byte.
TEST_F(StoreTest, AFailingJanssonCallFailsTheSaveAndKeepsTheOldFile)
{
    RuntimeEstimator old_est, est;
    old_est.record(1, "a", "old", 60, 0, false);
    std::string err;
    ASSERT_TRUE(save_estimates(path_, old_est, err)) << err;
    const std::string before = read_all(path_);
    for (int i = 0; i < 8; ++i)
        est.record(1000 + i, "phys", i % 2 ? "\xff" : "sim", 100 + i, 3600, false);
    est.learned_ids = {1, 2, 3};
    int failures = 0;
    for (long n = 0;; ++n) {
        g_allocs_left = n;
        json_set_alloc_funcs(failing_malloc, std::free);
        err.clear();
        const bool ok = save_estimates(path_, est, err);
        json_set_alloc_funcs(std::malloc, std::free);
        g_allocs_left = -1;
        if (ok)
            break;
        ++failures;
        EXPECT_NE(err.find("cannot encode"), std::string::npos) << n << ": " << err;
        EXPECT_NE(err.find("the old file stays"), std::string::npos) << err;
        ASSERT_EQ(read_all(path_), before) << "allocation " << n << " failing changed the file";
        ASSERT_LT(n, 100000);
    }
    EXPECT_GT(failures, 50);
    RuntimeEstimator back;
    ASSERT_EQ(load_estimates(path_, back, err), LoadResult::kLoaded) << err;
    EXPECT_EQ(entry_list(back), entry_list(est));
}

TEST(StoreText, EscapedForAColumnHoldsNoSeparatorControlOrBadByte)
{
    EXPECT_EQ(escape_for_column("sim"), "sim");
    EXPECT_EQ(escape_for_column("a|b"), "a\\|b");
    EXPECT_EQ(escape_for_column("line\nbreak\r\t"), "line\\nbreak\\r\\t");
    EXPECT_EQ(escape_for_column("back\\slash"), "back\\\\slash");
    EXPECT_EQ(escape_for_column("\xff"), "\\xff");
    EXPECT_EQ(escape_for_column("\xed\xa0\x80"), "\\xed\\xa0\\x80");
    EXPECT_EQ(escape_for_column("sim \xc3\xa9 \xf0\x9f\x98\x80"), "sim \xc3\xa9 \xf0\x9f\x98\x80");
    EXPECT_EQ(escape_for_column("\x01\x7f\xc2\x85"), "\\x01\\x7f\\xc2\\x85");  // C0, DEL, C1
    EXPECT_EQ(escape_for_column(std::string("a\0b", 3)), "a\\x00b");
    for (const auto &n : kOddNames) {
        const std::string e = escape_for_column(n);
        EXPECT_TRUE(is_plain_utf8(e)) << e;
        for (std::size_t i = 0; i < e.size(); ++i) {
            const unsigned char c = static_cast<unsigned char>(e[i]);
            EXPECT_TRUE(c >= 0x20 && c != 0x7f) << e;
            if (c == '\\')
                ++i;  // an escape: the next byte is its own
            else
                EXPECT_NE(c, '|') << e;
        }
    }
}

// A job still COMPLETING at a save, with an earlier end than a job
// counted, is learned after a restart once it is done (a watermark at the
// newest end counted would skip it for good), and no job is counted
// twice.  The restart goes through the store.
TEST_F(StoreTest, AJobCompletingAtASaveIsLearnedAfterARestartAndNoneTwice)
{
    LearnLedger before;
    before.begin(1000);
    EXPECT_FALSE(before.offer(1, 900, true));   // A: ended at 900, epilog still running
    EXPECT_TRUE(before.offer(2, 950, false));   // B: done, counted
    EXPECT_TRUE(before.offer(3, 100, false));   // C: done long ago, counted
    before.end();
    EXPECT_EQ(before.until(), 899);             // below A's end
    EXPECT_EQ(before.ids(), (std::vector<std::uint32_t>{2}));

    RuntimeEstimator est;
    est.learned_until = before.until();
    est.learned_ids = before.ids();
    std::string err;
    ASSERT_TRUE(save_estimates(path_, est, err)) << err;
    RuntimeEstimator loaded;
    ASSERT_EQ(load_estimates(path_, loaded, err), LoadResult::kLoaded) << err;
    LearnLedger after;  // slurmctld restarted
    after.restore(loaded.learned_until, loaded.learned_ids);
    EXPECT_EQ(after.ids(), (std::vector<std::uint32_t>{2}));  // kept until a whole pass

    after.begin(1100);
    EXPECT_TRUE(after.offer(1, 900, false));    // A is done now: counted
    EXPECT_FALSE(after.offer(2, 950, false));   // B was counted before the restart
    EXPECT_FALSE(after.offer(3, 100, false));   // C too (below the watermark)
    EXPECT_TRUE(after.offer(4, 1050, false));   // D ended while slurmctld was down
    after.end();
    EXPECT_EQ(after.until(), 1099);
    EXPECT_TRUE(after.ids().empty());
    // A second pass counts nothing again.
    after.begin(1200);
    for (std::uint32_t id : {1u, 2u, 3u, 4u})
        EXPECT_FALSE(after.offer(id, id == 3 ? 100 : 1000, false)) << id;
    after.end();
}

TEST(LearnLedger, TheWatermarkStaysBelowThePassAndTheEarliestCompletingJob)
{
    LearnLedger l;
    l.begin(500);
    EXPECT_TRUE(l.offer(7, 500, false));  // ended in the pass's own second
    l.end();
    EXPECT_EQ(l.until(), 499);  // another job may still end at 500
    EXPECT_EQ(l.ids(), (std::vector<std::uint32_t>{7}));
    l.begin(600);
    EXPECT_FALSE(l.offer(8, 550, true));
    EXPECT_FALSE(l.offer(9, 520, true));
    EXPECT_FALSE(l.offer(7, 500, false));
    l.end();
    EXPECT_EQ(l.until(), 519);
    l.begin(700);
    EXPECT_TRUE(l.offer(9, 520, false));
    EXPECT_FALSE(l.offer(8, 550, true));
    l.end();
    EXPECT_EQ(l.until(), 549);
    EXPECT_TRUE(l.ids().empty());  // 7 (500) and 9 (520) are below it now
}

TEST(LearnLedger, APurgedOrRequeuedJobIsForgottenAndARerunCounted)
{
    LearnLedger l;
    l.restore(100, {40, 41});
    l.begin(300);
    EXPECT_FALSE(l.offer(40, 250, false));  // listed: counted before
    l.end();                                // 41 not offered: purged
    EXPECT_EQ(l.until(), 299);
    l.begin(400);
    l.end();  // 40 requeued: pending, not offered
    l.begin(900);
    EXPECT_TRUE(l.offer(40, 800, false));  // its second run
    EXPECT_TRUE(l.offer(41, 850, false));
    l.end();
}

// A store without learned_ids (an older format) has its watermark at the
// newest end counted; a job COMPLETING then with an earlier end is still
// counted, and the done jobs below that watermark are not counted again.
TEST(LearnLedger, AnOldStoresWatermarkIsLoweredAtTheFirstPass)
{
    LearnLedger l;
    l.restore(950, {});
    l.begin(1000);
    EXPECT_FALSE(l.offer(1, 900, true));
    EXPECT_FALSE(l.offer(2, 950, false));
    l.end();
    EXPECT_EQ(l.until(), 899);
    EXPECT_EQ(l.ids(), (std::vector<std::uint32_t>{2}));
    l.begin(1100);
    EXPECT_TRUE(l.offer(1, 900, false));
    EXPECT_FALSE(l.offer(2, 950, false));
    l.end();
}

// Written by root (tailfold-estimates seed), the store and its lock get
// the directory's owner: root's, with mode 0600, slurmctld as SlurmUser
// could not read them.
TEST_F(StoreTest, WrittenByRootTheStoreAndItsLockBelongToTheDirectorysOwner)
{
    if (geteuid() != 0)
        GTEST_SKIP() << "needs root";
    ASSERT_EQ(chown(dir_.c_str(), 65534, 65534), 0);  // nobody, as SlurmUser
    RuntimeEstimator e;
    e.record(1, "a", "b", 5, 0, false);
    std::string err;
    ASSERT_TRUE(save_estimates(path_, e, err)) << err;
    struct stat st;
    ASSERT_EQ(stat(path_.c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, 65534u);
    EXPECT_EQ(st.st_gid, 65534u);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    FileLock lock;
    ASSERT_EQ(lock.try_lock(lock_path_for(path_), err), FileLock::Result::kHeld) << err;
    EXPECT_EQ(lock_path_for(path_), dir_ + "/estimates.lock");
    ASSERT_EQ(stat(lock_path_for(path_).c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, 65534u);
}

TEST_F(StoreTest, TheLockIsHeldByOneAtATimeAndFreedWithItsHolder)
{
    const std::string lock_path = lock_path_for(path_);
    FileLock a, b;
    std::string err;
    ASSERT_EQ(a.try_lock(lock_path, err), FileLock::Result::kHeld) << err;
    EXPECT_EQ(b.try_lock(lock_path, err), FileLock::Result::kBusy);
    // Another process too (what tailfold-estimates seed is to slurmctld).
    const pid_t child = fork();
    if (child == 0) {
        FileLock c;
        std::string e;
        _exit(c.try_lock(lock_path, e) == FileLock::Result::kBusy ? 0 : 1);
    }
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    a.release();
    EXPECT_EQ(b.try_lock(lock_path, err), FileLock::Result::kHeld) << err;
    EXPECT_EQ(a.try_lock(dir_ + "/no/such/dir.lock", err), FileLock::Result::kError);
    EXPECT_NE(err.find("no/such/dir.lock"), std::string::npos) << err;
    EXPECT_EQ(lock_path_for("/s/tailfold_estimates.json"), "/s/tailfold_estimates.lock");
    EXPECT_EQ(lock_path_for("store"), "store.lock");
}

// Writers racing on one store (slurmctld's save and a seed, two seeds)
// each write a temporary file of their own: a reader always finds a whole
// store, and none is left behind.  (With one PATH.new for all, two
// writers wrote into the same file.)
TEST_F(StoreTest, ConcurrentSavesNeverGiveABrokenStore)
{
    std::vector<pid_t> children;
    for (int w = 0; w < 3; ++w) {
        const pid_t pid = fork();
        if (pid == 0) {
            RuntimeEstimator e;
            for (int i = 0; i < 200 * (w + 1); ++i)
                e.record(static_cast<std::uint32_t>(w), "acct", "job" + std::to_string(i), 10 + i, 0, false);
            std::string err;
            int bad = 0;
            for (int i = 0; i < 40; ++i)
                bad += !save_estimates(path_, e, err);
            _exit(bad ? 1 : 0);
        }
        children.push_back(pid);
    }
    // Read while they write.
    int loads = 0, broken = 0;
    std::size_t running = children.size();
    while (running) {
        RuntimeEstimator e;
        std::string err;
        const LoadResult r = load_estimates(path_, e, err);
        loads += r == LoadResult::kLoaded;
        broken += r == LoadResult::kBad;
        if (r == LoadResult::kBad)
            ADD_FAILURE() << err;
        for (pid_t &pid : children) {
            int status = 0;
            if (pid && waitpid(pid, &status, WNOHANG) == pid) {
                EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
                pid = 0;
                --running;
            }
        }
    }
    EXPECT_EQ(broken, 0);
    EXPECT_GT(loads, 0);
    EXPECT_EQ(files(), std::vector<std::string>{"estimates.json"});
}

// A save killed between mkstemp and rename leaves PATH.new.XXXXXX; the
// plugin removes such files (holding the lock) and nothing else.
TEST_F(StoreTest, StaleTemporariesAreRemovedAndNothingElse)
{
    const std::string stale = path_ + ".new.Ab3dE9";
    const std::string other = path_ + ".new.toolongname";
    const std::string damaged = path_ + ".damaged.1700000000";
    for (const std::string &f : {stale, other, damaged})
        std::ofstream(f) << "{";
    RuntimeEstimator est;
    est.record(1000, "physics", "sim", 60, 3600, false);
    std::string err;
    ASSERT_TRUE(save_estimates(path_, est, err)) << err;
    const std::vector<std::string> removed = remove_stale_temporaries(path_);
    ASSERT_EQ(removed.size(), 1u);
    EXPECT_EQ(removed[0], stale);
    struct stat st;
    EXPECT_NE(stat(stale.c_str(), &st), 0);
    EXPECT_EQ(stat(other.c_str(), &st), 0);
    EXPECT_EQ(stat(damaged.c_str(), &st), 0);
    EXPECT_EQ(stat(path_.c_str(), &st), 0);
    EXPECT_TRUE(remove_stale_temporaries(path_).empty());
}
