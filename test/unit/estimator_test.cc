// Unit tests: runtime estimates and their store.
#include "src/core/damaged_file.h"
#include "src/core/estimate_memo.h"
#include "src/core/estimate_store.h"
#include "src/core/runtime_estimator.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <sys/stat.h>
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
    EXPECT_EQ(e.estimate(1000, "phys", "sim", 600, DurationSource::kHistory, 2).seconds, 600);
    EXPECT_EQ(e.estimate(1000, "phys", "sim", 0, DurationSource::kHistory, 2).seconds, 5000);  // no limit
}

TEST(Estimator, ATimedOutJobCountsAsAtLeastItsLimit)
{
    RuntimeEstimator e;
    e.record(1000, "phys", "sim", 3590, 3600, true);  // killed at the limit, ended a bit early
    EXPECT_EQ(e.estimate(1000, "phys", "sim", 7200, DurationSource::kHistory, 1).seconds, 3600);
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
        unlink(path_.c_str());
        unlink((path_ + ".new").c_str());
        rmdir(dir_.c_str());
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
        EXPECT_EQ(b.estimate(2000, "x", "y", 9000, DurationSource::kHistory, 1).origin,
                  EstimateOrigin::kUserHistory);
    }
    // No temporary file is left behind.
    EXPECT_NE(access((path_ + ".new").c_str(), F_OK), 0);
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
        "{\"format\": \"tailfold-estimates\", \"version\": 1, \"entries\": "
        "[{\"uid\": 1, \"account\": \"a\", \"name\": \"n\", \"runs\": 1, \"last\": [-5]}]}",
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

// Two runtimes near INT64_MAX in a store overflowed the mean's signed sum
// (undefined: the sanitizer build stops; found by reading what the fuzz
// target reaches, the input is in test/fuzz/corpus/estimate_store).
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
