// Unit tests: tailfold-sim's reader, event loop and metrics.  Expected
// values are worked out by hand in the comments.
#include "src/programs/sim/fair_share.h"
#include "src/programs/sim/metrics.h"
#include "src/programs/sim/simulator.h"
#include "src/programs/sim/swf_reader.h"

#include <algorithm>
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>

using namespace tf_sim;

namespace {

// An SWF line: id submit wait run procs ... req_procs req_time ... user group app
std::string swf(int id, int submit, int run, int procs, int req_time, int user = 1)
{
    std::ostringstream s;
    s << id << " " << submit << " 0 " << run << " " << procs << " -1 -1 " << procs << " " << req_time
      << " -1 1 " << user << " 1 1 1 -1 -1 -1";
    return s.str();
}

SimJob job(std::uint64_t id, std::int64_t submit, std::uint32_t cpus, std::int64_t run, std::int64_t limit = 0)
{
    SimJob j;
    j.id = id;
    j.submit = submit;
    j.cpus = cpus;
    j.runtime = run;
    j.limit = limit ? limit : run;
    return j;
}

SimSettings settings(Policy p, std::uint32_t cpus)
{
    SimSettings s;
    s.policy = p;
    s.cpus = cpus;
    s.backfill.resolution_s = 1;
    return s;
}

std::string temp_path(const char *name)
{
    return std::string(::testing::TempDir()) + name;
}

}  // namespace

TEST(SwfReader, ParsesALine)
{
    SimJob j;
    std::string why;
    ASSERT_TRUE(parse_swf_line(swf(7, 100, 50, 4, 600, 3), j, why)) << why;
    EXPECT_EQ(j.id, 7u);
    EXPECT_EQ(j.submit, 100);
    EXPECT_EQ(j.runtime, 50);
    EXPECT_EQ(j.cpus, 4u);
    EXPECT_EQ(j.limit, 600);
    EXPECT_EQ(j.user, 3u);
}

TEST(SwfReader, NamesWhatIsWrong)
{
    SimJob j;
    std::string why;
    EXPECT_FALSE(parse_swf_line("1 2 3", j, why));
    EXPECT_EQ(why, "has 3 fields, SWF has 18");
    EXPECT_FALSE(parse_swf_line(swf(1, 0, 50, 4, 600) + " x", j, why));
    EXPECT_EQ(why, "field 19 'x' is not a number");
    EXPECT_FALSE(parse_swf_line(swf(1, 0, -1, 4, 600), j, why));
    EXPECT_EQ(why, "no run time (field 4)");
    EXPECT_FALSE(parse_swf_line(swf(1, 0, 50, -1, 600), j, why));
    EXPECT_EQ(why, "no processor count (fields 5 and 8)");
}

// Values no trace has: a double cast to an integer type it does not fit
// is undefined (UBSan stops on a user of 1.3e77, an input test/fuzz/run
// swf_reader reaches), and half a processor must not read as a job of none.
TEST(SwfReader, RefusesNumbersOutOfRange)
{
    SimJob j;
    std::string why;
    const struct {
        const char *line, *why;
    } cases[] = {
        {"1 0 0 50 4 -1 -1 4 600 -1 1 1.3e77 1 1 1 -1 -1 -1", "field 12 (user) is too large"},
        {"1 1e300 0 50 4 -1 -1 4 600 -1 1 1 1 1 1 -1 -1 -1", "field 2 (submit time) is too large"},
        {"1 0 0 50 4 -1 -1 4 1e12 -1 1 1 1 1 1 -1 -1 -1", "field 9 (requested time) is too large"},
        {"1 0 0 50 4 -1 -1 nan 600 -1 1 1 1 1 1 -1 -1 -1", "field 8 'nan' is not a number"},
        {"1 0 0 inf 4 -1 -1 4 600 -1 1 1 1 1 1 -1 -1 -1", "field 4 'inf' is not a number"},
        {"1 0 0 50 0.5 -1 -1 -1 600 -1 1 1 1 1 1 -1 -1 -1", "no processor count (fields 5 and 8)"},
    };
    for (const auto &c : cases) {
        EXPECT_FALSE(parse_swf_line(c.line, j, why)) << c.line;
        EXPECT_EQ(why, c.why);
    }
    // The largest of each still reads.
    ASSERT_TRUE(parse_swf_line("9e15 0 0 50 4294967295 -1 -1 -1 600 -1 1 4294967295 1 1 1 -1 -1 -1", j, why))
        << why;
    EXPECT_EQ(j.cpus, 4294967295u);
    EXPECT_EQ(j.user, 4294967295u);
}

TEST(SwfReader, ReadsAGzipTraceReportsBadLinesAndBigJobs)
{
    const std::string path = temp_path("tailfold-sim-test.swf.gz");
    gzFile gz = gzopen(path.c_str(), "wb");
    ASSERT_TRUE(gz);
    const std::string text = "; MaxProcs: 8\n" + swf(1, 10, 5, 2, 60) + "\nthis is not a job\n" +
                             swf(2, 0, 5, 16, 60) + "\n" + swf(3, 5, 90, 1, 60) + "\n";
    gzputs(gz, text.c_str());
    gzclose(gz);
    Workload w;
    std::ostringstream warn;
    std::string err;
    ASSERT_TRUE(read_swf(path, 0, w, warn, err)) << err;
    EXPECT_EQ(w.machine_cpus, 8u);
    EXPECT_EQ(w.bad_lines, 1u);
    EXPECT_EQ(w.too_big, 1u);
    ASSERT_EQ(w.jobs.size(), 2u);
    EXPECT_EQ(w.jobs[0].id, 3u);  // sorted by submit
    EXPECT_EQ(w.jobs[0].limit, 90);  // ran past its limit: planned with what it ran
    EXPECT_EQ(w.limit_raised, 1u);
    EXPECT_NE(warn.str().find(":3: field 1 'this' is not a number: skipped"), std::string::npos)
        << warn.str();
    EXPECT_NE(warn.str().find("job 2 asks for 16 CPUs, the machine has 8: skipped"), std::string::npos);
    std::remove(path.c_str());
    EXPECT_FALSE(read_swf(path, 0, w, warn, err));
}

// zlib's message belongs to the gzFile: it must be read before gzclose()
// frees it (test/fuzz/run swf_reader reaches this; the sanitizer build of
// this test reports a use after free).  It also starts with the path,
// which the error names once.
TEST(SwfReader, NamesZlibsErrorForADamagedGzip)
{
    const std::string path = temp_path("tailfold-sim-damaged.swf.gz");
    gzFile gz = gzopen(path.c_str(), "wb");
    ASSERT_TRUE(gz);
    gzputs(gz, (swf(1, 10, 5, 2, 60) + "\n").c_str());
    gzclose(gz);
    std::string bytes;
    {
        std::ifstream in(path, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    ASSERT_GT(bytes.size(), 8u);
    bytes[bytes.size() - 8] ^= 0x55;  // the trailer's CRC-32 no longer matches
    std::ofstream(path, std::ios::binary) << bytes;
    Workload w;
    std::ostringstream warn;
    std::string err;
    EXPECT_FALSE(read_swf(path, 0, w, warn, err));
    EXPECT_EQ(err, path + ": incorrect data check (a damaged .gz?)");
    std::remove(path.c_str());
}

TEST(Metrics, PercentileIsNearestRank)
{
    // 1..10: p50 -> the 5th value, p95 -> the 10th (ceil(9.5)).
    std::vector<double> v{10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
    EXPECT_EQ(percentile(v, 50), 5);
    EXPECT_EQ(percentile(v, 95), 10);
    EXPECT_EQ(percentile(v, 0), 1);
    EXPECT_EQ(percentile({}, 50), 0);
}

TEST(Metrics, BoundedSlowdown)
{
    EXPECT_DOUBLE_EQ(bounded_slowdown(90, 10), 10.0);  // (90+10)/10
    EXPECT_DOUBLE_EQ(bounded_slowdown(20, 2), 2.2);    // (20+2)/max(2,10)
    EXPECT_DOUBLE_EQ(bounded_slowdown(0, 1), 1.0);     // never below 1
}

TEST(Metrics, WaitP99IsNearestRank)
{
    // 1..100: p99 -> the 99th value; 1..10: ceil(9.9) = 10th, the largest.
    std::vector<double> v;
    for (int i = 100; i >= 1; --i)
        v.push_back(i);
    EXPECT_EQ(percentile(v, 99), 99);
    EXPECT_EQ(percentile({10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, 99), 10);
}

TEST(Metrics, JainIndex)
{
    // 1, 3, 2: (1+3+2)^2 / (3 * (1+9+4)) = 36/42 = 6/7.
    EXPECT_DOUBLE_EQ(jain_index({1, 3, 2}), 6.0 / 7.0);
    // One value, or all equal: 1.
    EXPECT_DOUBLE_EQ(jain_index({7}), 1.0);
    EXPECT_DOUBLE_EQ(jain_index({4, 4, 4, 4}), 1.0);
    // 1 and 0 (one user takes it all): 1 / (2 * 1) = 1/2 = 1/n.
    EXPECT_DOUBLE_EQ(jain_index({1, 0}), 0.5);
    // Nothing to divide by: 1, not NaN.
    EXPECT_DOUBLE_EQ(jain_index({}), 1.0);
    EXPECT_DOUBLE_EQ(jain_index({0, 0}), 1.0);
}

TEST(Metrics, UserSpreadByHand)
{
    ASSERT_EQ(kMinUserJobs, 50u);
    std::map<std::uint32_t, std::vector<double>> by_user;
    // User 1: 50 jobs of bsld 1 -> mean 1.
    by_user[1].assign(50, 1.0);
    // User 2: 25 of 2 and 25 of 4 -> mean 3.
    by_user[2].assign(25, 2.0);
    by_user[2].insert(by_user[2].end(), 25, 4.0);
    // User 3: 60 of 2 -> mean 2.
    by_user[3].assign(60, 2.0);
    // User 4: 49 jobs of 100, one short of kMinUserJobs: left out.
    by_user[4].assign(49, 100.0);
    // Means 1, 3, 2: worst user 2 at 3; J = 6^2 / (3 * 14) = 6/7.
    UserSpread u = user_spread(by_user);
    EXPECT_EQ(u.users, 3u);
    EXPECT_EQ(u.worst_user, 2u);
    EXPECT_DOUBLE_EQ(u.worst_bsld, 3.0);
    EXPECT_DOUBLE_EQ(u.jain, 6.0 / 7.0);

    // Only user 3 left: one user, J = 1.
    by_user.erase(1);
    by_user.erase(2);
    u = user_spread(by_user);
    EXPECT_EQ(u.users, 1u);
    EXPECT_EQ(u.worst_user, 3u);
    EXPECT_DOUBLE_EQ(u.worst_bsld, 2.0);
    EXPECT_DOUBLE_EQ(u.jain, 1.0);

    // Users 3 and 5 at the same mean: all equal, J = 1; the tie goes to
    // the lower id.
    by_user[5].assign(50, 2.0);
    u = user_spread(by_user);
    EXPECT_EQ(u.users, 2u);
    EXPECT_EQ(u.worst_user, 3u);
    EXPECT_DOUBLE_EQ(u.jain, 1.0);

    // Nobody with 50 jobs: no spread.
    by_user.erase(3);
    by_user.erase(5);
    u = user_spread(by_user);
    EXPECT_EQ(u.users, 0u);
    EXPECT_EQ(user_spread({}).users, 0u);
}

// 100 one-CPU jobs of 10 s, all at 0, on 1 CPU under fcfs: job k (0..99)
// waits 10k s, bsld (10k + 10) / 10 = k + 1.  Even k are user 1, odd k
// user 2, 50 jobs each.
//   waits 0, 10, ..., 990: mean 495, p95 the 95th = 940, p99 the 99th = 980.
//   user 1: 1, 3, ..., 99 -> mean 50; user 2: 2, 4, ..., 100 -> mean 51.
//   J = (50 + 51)^2 / (2 * (50^2 + 51^2)) = 10201 / 10202.
TEST(Metrics, SummaryHasP99AndUserSpread)
{
    Workload w;
    w.machine_cpus = 1;
    for (int k = 0; k < 100; ++k) {
        w.jobs.push_back(job(std::uint64_t(k + 1), 0, 1, 10));
        w.jobs.back().user = k % 2 ? 2 : 1;
    }
    const Summary m = summarize(w, simulate(w, settings(Policy::kFcfs, 1)), 1);
    EXPECT_EQ(m.jobs, 100u);
    EXPECT_DOUBLE_EQ(m.wait_mean_s, 495.0);
    EXPECT_DOUBLE_EQ(m.wait_p95_s, 940.0);
    EXPECT_DOUBLE_EQ(m.wait_p99_s, 980.0);
    EXPECT_DOUBLE_EQ(m.wait_max_s, 990.0);
    EXPECT_EQ(m.users.users, 2u);
    EXPECT_EQ(m.users.worst_user, 2u);
    EXPECT_DOUBLE_EQ(m.users.worst_bsld, 51.0);
    EXPECT_DOUBLE_EQ(m.users.jain, 10201.0 / 10202.0);
}

// Machine of 4 CPUs.  A: t=0, 2 CPUs, 100 s.  B: t=1, 4 CPUs, 100 s.
// C: t=2, 2 CPUs, 50 s.  D: t=3, 2 CPUs, 200 s.
//   fcfs: A 0-100, B 100-200, C 200-250, D 200-400.
//   easy: B is held for 100; C fits before it (2..52) and starts at 2; D
//         would run into B and waits for B's end: 200-400.
TEST(Simulator, FcfsAndEasyByHand)
{
    Workload w;
    w.machine_cpus = 4;
    w.jobs = {job(1, 0, 2, 100), job(2, 1, 4, 100), job(3, 2, 2, 50), job(4, 3, 2, 200)};
    const SimResult f = simulate(w, settings(Policy::kFcfs, 4));
    EXPECT_EQ(f.jobs[0].start, 0);
    EXPECT_EQ(f.jobs[1].start, 100);
    EXPECT_EQ(f.jobs[2].start, 200);
    EXPECT_EQ(f.jobs[3].start, 200);
    const SimResult e = simulate(w, settings(Policy::kEasy, 4));
    EXPECT_EQ(e.jobs[0].start, 0);
    EXPECT_EQ(e.jobs[1].start, 100);
    EXPECT_EQ(e.jobs[2].start, 2);
    EXPECT_EQ(e.jobs[2].end, 52);
    EXPECT_EQ(e.jobs[3].start, 200);
    // Summary by hand: waits 0, 99, 0, 197 -> mean 74, max 197; makespan
    // 400; work 2*100+4*100+2*50+2*200 = 1100 CPU-s of 4*400.
    const Summary m = summarize(w, e, 4);
    EXPECT_EQ(m.makespan_s, 400);
    EXPECT_DOUBLE_EQ(m.wait_mean_s, 74.0);
    EXPECT_DOUBLE_EQ(m.wait_max_s, 197.0);
    EXPECT_DOUBLE_EQ(m.utilization, 1100.0 / 1600.0);
}

// A job that overruns nothing: limits longer than runtimes.  EASY plans
// with the limit: C (limit 200 > the hole of 100) must wait even though it
// would only run 50 s.
TEST(Simulator, EasyPlansWithLimits)
{
    Workload w;
    w.machine_cpus = 4;
    w.jobs = {job(1, 0, 2, 100), job(2, 1, 4, 100), job(3, 2, 2, 50, 200)};
    const SimResult e = simulate(w, settings(Policy::kEasy, 4));
    EXPECT_EQ(e.jobs[2].start, 200);
}

// tailfold with duration_scope=queue: with the machine busy, two jobs
// wait; the longer one goes first when the duration weight outweighs age.
TEST(Simulator, TailfoldRunsLongerFirst)
{
    Workload w;
    w.machine_cpus = 2;
    w.jobs = {job(1, 0, 2, 100), job(2, 1, 2, 60), job(3, 2, 2, 3600)};
    SimSettings s = settings(Policy::kTailfold, 2);
    s.prio.duration.weight = 2000;
    s.prio.duration.source = tailfold::DurationSource::kLimit;
    s.prio.duration.scope = tailfold::DurationScope::kQueue;
    const SimResult r = simulate(w, s);
    EXPECT_EQ(r.jobs[2].start, 100);   // the hour-long job first
    EXPECT_EQ(r.jobs[1].start, 3700);  // then the minute
    const SimResult e = simulate(w, settings(Policy::kEasy, 2));
    EXPECT_EQ(e.jobs[1].start, 100);  // submit order
}

// duration_scope=owner (the default): the same two waiting jobs swap only
// when one user owns both; of two users, the first submitted goes first
// as under multifactor; a trace without users folds nothing.
TEST(Simulator, OwnerScopeFoldsOnlyWithinAnOwner)
{
    auto run = [](std::uint32_t user_b, std::uint32_t user_c) {
        Workload w;
        w.machine_cpus = 2;
        w.jobs = {job(1, 0, 2, 100), job(2, 1, 2, 60), job(3, 2, 2, 3600)};
        w.jobs[0].user = 9;
        w.jobs[1].user = user_b;
        w.jobs[2].user = user_c;
        SimSettings s = settings(Policy::kTailfold, 2);
        s.prio.duration.weight = 2000;
        s.prio.duration.source = tailfold::DurationSource::kLimit;
        s.prio.weights.fairshare = 0;  // equal users: age alone tells them apart,
        s.prio.weights.age = 1e7;      // ~16 a second, so priorities are not all 1
        return simulate(w, s);
    };
    const SimResult same = run(5, 5);
    EXPECT_EQ(same.jobs[2].start, 100);
    EXPECT_EQ(same.jobs[1].start, 3700);
    const SimResult two = run(5, 6);
    EXPECT_EQ(two.jobs[1].start, 100);
    EXPECT_EQ(two.jobs[2].start, 160);
    const SimResult none = run(0, 0);
    EXPECT_EQ(none.jobs[1].start, 100);
}

// Nothing loops forever and every job is accounted for, on many random jobs.
TEST(Simulator, RandomWorkloadsFinish)
{
    std::mt19937 rng(11);
    Workload w;
    w.machine_cpus = 64;
    std::uniform_int_distribution<int> cpus(1, 64), run(1, 5000), sub(0, 20000);
    for (int i = 0; i < 2000; ++i)
        w.jobs.push_back(job(i + 1, sub(rng), cpus(rng), run(rng)));
    std::stable_sort(w.jobs.begin(), w.jobs.end(),
                     [](const SimJob &a, const SimJob &b) { return a.submit < b.submit; });
    for (Policy p : {Policy::kFcfs, Policy::kEasy, Policy::kMultifactor, Policy::kTailfold}) {
        const SimResult r = simulate(w, settings(p, 64));
        const Summary m = summarize(w, r, 64);
        EXPECT_EQ(m.jobs, w.jobs.size()) << to_string(p);
        for (std::size_t i = 0; i < w.jobs.size(); ++i) {
            ASSERT_GE(r.jobs[i].start, w.jobs[i].submit);
            ASSERT_EQ(r.jobs[i].end - r.jobs[i].start, w.jobs[i].runtime);
        }
        EXPECT_LE(m.utilization, 1.0);
    }
}

// Fair share: user 1 used the machine for 1000 s; when it frees, user 2's
// job goes before user 1's later one under multifactor (Fair Tree ranks
// user 2 first), while easy keeps submit order.
TEST(Simulator, MultifactorFavoursTheLighterUser)
{
    Workload w;
    w.machine_cpus = 2;
    w.jobs = {job(1, 0, 2, 1000), job(2, 10, 2, 100), job(3, 20, 2, 100)};
    w.jobs[0].user = w.jobs[1].user = 1;
    w.jobs[2].user = 2;
    const SimResult m = simulate(w, settings(Policy::kMultifactor, 2));
    EXPECT_EQ(m.jobs[2].start, 1000);
    EXPECT_EQ(m.jobs[1].start, 1100);
    const SimResult e = simulate(w, settings(Policy::kEasy, 2));
    EXPECT_EQ(e.jobs[1].start, 1000);
    EXPECT_EQ(e.jobs[2].start, 1100);
}

TEST(SimFairShare, HeavierUsersRankLower)
{
    Workload w;
    w.jobs = {job(1, 0, 1, 1), job(2, 0, 1, 1), job(3, 0, 1, 1)};
    w.jobs[0].user = 1;
    w.jobs[1].user = 2;
    w.jobs[2].user = 3;
    w.jobs[2].group = 7;  // another account
    SimFairShare fs(w, 3600);
    fs.charge(1, 1000);
    fs.charge(2, 10);
    fs.rank();
    // Account of users 1 and 2 used everything, account 7 nothing: user 3
    // first (factor 1), then user 2, then user 1 (ranks 3, 2, 1 of 3).
    EXPECT_DOUBLE_EQ(fs.factor(3), 1.0);
    EXPECT_NEAR(fs.factor(2), 2.0 / 3.0, 1e-9);
    EXPECT_NEAR(fs.factor(1), 1.0 / 3.0, 1e-9);
    // Half-life decay: after one half-life, usage halves (ranks unchanged).
    fs.decay(3600);
    fs.rank();
    EXPECT_NEAR(fs.factor(1), 1.0 / 3.0, 1e-9);
    EXPECT_EQ(fs.factor(99), 0.0);  // unknown user
}

// A chain of 3 jobs of 2 CPUs x 100 s from t=0 on a machine of 2 CPUs
// where another user's 2-CPU job of 50 s is submitted at t=10, in submit
// order (easy): each chained job is submitted when its predecessor ends,
// so the other job slips in after the first: chain 0-100, other 100-150,
// then 150-250, 250-350: time to solution 350.  Wrapped: one 300 s job
// from 0, the other after it: 300.
TEST(Simulator, WorkflowChainAndWrapped)
{
    Workload w;
    w.machine_cpus = 2;
    w.jobs = {job(1, 10, 2, 50)};
    const std::vector<std::size_t> chain = add_chain(w, 0, 3, 2, 100, false);
    ASSERT_EQ(chain.size(), 3u);
    const SimResult r = simulate(w, settings(Policy::kEasy, 2));
    EXPECT_EQ(r.jobs[chain[0]].start, 0);
    EXPECT_EQ(r.jobs[0].start, 100);
    EXPECT_EQ(r.jobs[chain[1]].submit, 100);
    EXPECT_EQ(r.jobs[chain[1]].start, 150);
    EXPECT_EQ(r.jobs[chain[2]].end, 350);

    Workload v;
    v.machine_cpus = 2;
    v.jobs = {job(1, 10, 2, 50)};
    const std::vector<std::size_t> one = add_chain(v, 0, 3, 2, 100, true);
    ASSERT_EQ(one.size(), 1u);
    const SimResult s = simulate(v, settings(Policy::kEasy, 2));
    EXPECT_EQ(s.jobs[one[0]].end, 300);
    EXPECT_EQ(s.jobs[0].start, 300);
}

// Chain credit in the simulator, by hand.  4 CPUs; weights: age only
// (1000 over PriorityMaxAge 1000 s).  F (user 2) runs 0-100.  A chain of
// user 1, submitted at 0: A waits behind F (trace order) and runs 100-200;
// its successor B is eligible at 200.  C (user 3) arrives at 150.  At 200:
// B's age is 0 plus, with credit, A's 100 s wait (priority 100); C's age
// is 50 s (priority 50).  Without credit C goes first and B ends at 400;
// with it B goes first and ends at 300, C at 400.
TEST(Simulator, ChainCreditPutsASuccessorAheadOfLaterJobs)
{
    for (bool credit : {false, true}) {
        Workload w;
        w.machine_cpus = 4;
        w.jobs.push_back(job(1, 0, 4, 100));
        w.jobs.back().user = 2;
        const std::vector<std::size_t> chain = add_chain(w, 0, 2, 4, 100, false, 1);
        w.jobs.push_back(job(9, 150, 4, 100));
        w.jobs.back().user = 3;
        SimSettings s = settings(Policy::kTailfold, 4);
        s.prio.weights = {};
        s.prio.weights.age = 1000;
        s.prio.max_age_s = 1000;
        s.prio.duration.chain_credit = credit;
        const SimResult r = simulate(w, s);
        EXPECT_EQ(r.jobs[chain[0]].start, 100) << credit;
        EXPECT_EQ(r.jobs[chain[1]].end, credit ? 300 : 400) << credit;
        EXPECT_EQ(r.jobs[3].start, credit ? 300 : 200) << credit;
    }
}

TEST(Workload, HeaviestUserAndTheChainsOwner)
{
    Workload w;
    w.jobs.push_back(job(1, 0, 4, 100));   // user 5: 400 CPU-s
    w.jobs.back().user = 5;
    w.jobs.back().group = 50;
    w.jobs.push_back(job(2, 0, 1, 300));   // user 6: 300 + 200
    w.jobs.back().user = 6;
    w.jobs.push_back(job(3, 0, 2, 100));
    w.jobs.back().user = 6;
    EXPECT_EQ(heaviest_user(w), 6u);
    const std::vector<std::size_t> c = add_chain(w, 10, 2, 1, 60, false, 5);
    EXPECT_EQ(w.jobs[c[1]].group, 50u);  // the owner's group
    EXPECT_EQ(w.jobs[c[1]].after, std::int64_t(c[0]));
    Workload none;
    none.jobs.push_back(job(1, 0, 1, 1));  // user 0: the trace names none
    EXPECT_EQ(heaviest_user(none), kFreshChainUser);
}

// Expected starts (--start-estimates), by hand on 4 CPUs, every job 4 CPUs
// with a 100 s limit, of one user and program.  h1 (0-50) and h2 (50-100)
// give two runs of 50 s.  j1 starts at 200; j2 (submitted at 210) and j3
// (220) wait.  Learned: j1 ends at 250, j2 runs 250-300, j3 from 300, as
// they do.  By limits: j2 at 300, j3 at 400.  h2's, made with no history,
// is 100 (h1's limit) either way, for a real 50.
TEST(Simulator, StartEstimatesByHand)
{
    Workload w;
    w.machine_cpus = 4;
    w.jobs = {job(1, 0, 4, 50, 100), job(2, 1, 4, 50, 100), job(3, 200, 4, 50, 100),
              job(4, 210, 4, 50, 100), job(5, 220, 4, 50, 100)};
    SimSettings s = settings(Policy::kEasy, 4);
    s.start_estimates = true;
    s.backfill.estimate = tailfold::ForecastRuntime::kLearned;
    const SimResult learned = simulate(w, s);
    EXPECT_EQ(learned.jobs[1].planned_first, 100);
    EXPECT_EQ(learned.jobs[3].planned_first, 250);
    EXPECT_EQ(learned.jobs[4].planned_first, 300);
    EXPECT_EQ(learned.jobs[3].start, 250);
    EXPECT_EQ(learned.jobs[4].start, 300);
    EXPECT_EQ(learned.jobs[2].planned_first, 200);  // started at its first pass
    s.backfill.estimate = tailfold::ForecastRuntime::kLimit;
    const SimResult limit = simulate(w, s);
    EXPECT_EQ(limit.jobs[3].planned_first, 300);
    EXPECT_EQ(limit.jobs[4].planned_first, 400);
    // Errors over the three that waited: h2 50/max(49, 60); j2 and j3 0
    // learned, 50/60 and 100/80 by limits.
    const StartErrors el = start_errors(learned), em = start_errors(limit);
    EXPECT_EQ(el.at_submit.jobs, 3u);
    EXPECT_EQ(el.at_submit.unplanned, 0u);
    EXPECT_DOUBLE_EQ(el.at_submit.median, 0.0);
    EXPECT_DOUBLE_EQ(el.at_submit.p90, 50.0 / 60.0);
    EXPECT_DOUBLE_EQ(em.at_submit.median, 50.0 / 60.0);
    EXPECT_DOUBLE_EQ(em.at_submit.p90, 100.0 / 80.0);
    EXPECT_EQ(el.hour_before.jobs, 0u);  // none waited an hour
    // Without the setting nothing is recorded.
    s.start_estimates = false;
    EXPECT_EQ(simulate(w, s).jobs[3].planned_first, -1);
}
