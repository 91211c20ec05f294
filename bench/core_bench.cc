// Google Benchmark programs for src/core at scale (issue 7).  Built and
// run by `make bench`, never by the tests: speed targets live here.
#include "src/core/assoc_tree.h"
#include "src/core/backfill_planner.h"
#include "src/core/start_forecast.h"
#include "src/core/wait_reason.h"
#include "src/core/estimate_store.h"
#include "src/core/runtime_estimator.h"
#include "src/core/fair_tree.h"
#include "src/core/job_priority.h"
#include "src/core/owner_fold.h"
#include "src/core/timeline.h"

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <random>
#include <string>
#include <vector>

using namespace tailfold;

namespace {

constexpr std::int64_t kNow = 1800000000;

// 10k associations: 100 accounts of 99 users, random usage.
AssocTree make_tree(std::uint32_t accounts, std::uint32_t users_each, std::mt19937 &rng)
{
    std::uniform_real_distribution<double> usage(0, 1e9);
    AssocTree t;
    AssocNode root;
    root.shares_norm = 1;
    t.add(root, AssocTree::kNone);
    long double total = 0;
    std::vector<AssocNode> users;
    for (std::uint32_t a = 0; a < accounts; ++a) {
        AssocNode acct;
        acct.shares_raw = 1 + a % 7;
        acct.level_shares = accounts * 4;
        acct.shares_norm = (long double)acct.shares_raw / acct.level_shares;
        long double sum = 0;
        users.clear();
        for (std::uint32_t u = 0; u < users_each; ++u) {
            AssocNode n;
            n.is_user = true;
            n.shares_raw = 1;
            n.level_shares = users_each;
            n.shares_norm = 1.0L / users_each;
            n.usage_raw = usage(rng);
            sum += n.usage_raw;
            users.push_back(n);
        }
        acct.usage_raw = sum;
        total += sum;
        const std::uint32_t ai = t.add(acct, 0);
        for (const AssocNode &n : users)
            t.add(n, ai);
    }
    t.finish();
    return t;
}

void BM_FairTreeRank(benchmark::State &state)
{
    std::mt19937 rng(1);
    const AssocTree tree = make_tree(100, std::uint32_t(state.range(0)) / 100 - 1, rng);
    FairTree ft;
    std::vector<AssocFairShare> out;
    for (auto _ : state) {
        ft.rank(tree, tree.user_count(), out);
        benchmark::DoNotOptimize(out.data());
    }
    state.counters["assocs"] = tree.size();
}
BENCHMARK(BM_FairTreeRank)->Arg(10000)->Unit(benchmark::kMillisecond);

// One recalculation: every pending job's factors and priority.
void BM_PriorityRecalc(benchmark::State &state)
{
    const std::size_t n = std::size_t(state.range(0));
    PrioritySettings s;
    s.weights.age = 1000;
    s.weights.fairshare = 10000;
    s.weights.job_size = 1000;
    s.weights.partition = 1000;
    s.weights.qos = 1000;
    s.duration.weight = 2000;
    s.duration_max_s = 7 * 86400;
    JobPriority calc(s, {4096, 1024});
    std::mt19937 rng(2);
    std::uniform_int_distribution<int> cpus(1, 512), lim(1, 2880), age(0, 86400 * 3);
    std::uniform_real_distribution<double> fs(0, 1);
    std::vector<JobFacts> jobs(n);
    for (auto &j : jobs) {
        j.accrue_time = kNow - age(rng);
        j.fairshare = fs(rng);  // one of the 10k associations' factors
        j.min_cpus = std::uint32_t(cpus(rng));
        j.has_time_limit = true;
        j.time_limit_min = std::uint32_t(lim(rng));
        j.expected_runtime_s = j.time_limit_min * 60.0;
    }
    PartitionFacts part;
    part.job_factor_norm = 0.5;
    std::vector<std::uint32_t> prio(n);
    for (auto _ : state) {
        for (std::size_t i = 0; i < n; ++i)
            prio[i] = JobPriority::sum(calc.weigh(jobs[i], part, kNow), 0, 0);
        benchmark::DoNotOptimize(prio.data());
    }
    state.counters["jobs"] = double(n);
    state.counters["ns_per_job"] =
        benchmark::Counter(double(n), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_PriorityRecalc)->Arg(100000)->Unit(benchmark::kMillisecond);

// One backfill pass: 1k nodes of 64 CPUs, 80% busy with running jobs that
// end over the next day, K pending jobs of mixed sizes and limits, the
// whole queue looked at (bf_max_job_test=0), EASY and depth 100.
// The pass benchmarks' cluster and queue: 1,000 nodes x 64 CPUs, each
// partly busy until a random time within a day, and `k` pending jobs of
// mixed sizes (1-16 CPUs, 1-4 nodes, 8-39 nodes) and limits (30 min to a
// day), the same for every run.
struct MixedQueue {
    static constexpr std::uint32_t kNodes = 1000, kCpn = 64;
    std::vector<std::pair<std::uint32_t, std::int64_t>> running;  // per node: CPUs busy, until
    std::vector<Request> jobs;

    explicit MixedQueue(std::size_t k) : jobs(k)
    {
        std::mt19937 rng(3);
        std::uniform_int_distribution<int> end(60, 86400), busy(0, 64);
        for (std::uint32_t nd = 0; nd < kNodes; ++nd)
            running.push_back({std::uint32_t(std::min(64, busy(rng) + 26)), kNow + end(rng)});
        std::uniform_int_distribution<int> size(0, 99), lim(1, 48);
        for (auto &r : jobs) {
            const int s = size(rng);
            r.cpus = s < 60 ? 1 + s % 16 : s < 90 ? 64 * (1 + s % 4) : 64 * (8 + s % 32);
            r.duration_s = std::int64_t(lim(rng)) * 1800;
        }
    }

    Timeline timeline(std::int64_t window_s = 86400) const
    {
        Timeline t(std::vector<NodeCapacity>(kNodes, NodeCapacity{kCpn, 256000, true}), kNow, window_s, 60);
        for (std::uint32_t nd = 0; nd < kNodes; ++nd)
            t.occupy(nd, kNow, running[nd].second, running[nd].first, 0);
        return t;
    }
};

void BM_BackfillPass(benchmark::State &state)
{
    const std::size_t k = std::size_t(state.range(0));
    const std::uint32_t depth = std::uint32_t(state.range(1));
    const MixedQueue q(k);
    std::size_t started = 0, held = 0;
    for (auto _ : state) {
        Timeline t = q.timeline();
        PlanStats st;
        plan_backfill(t, q.jobs, depth, 0, &st);
        started = st.started;
        held = st.reserved;
    }
    state.counters["pending"] = double(k);
    state.counters["started"] = double(started);
    state.counters["held"] = double(held);
}
BENCHMARK(BM_BackfillPass)
    ->Args({10000, 1})
    ->Args({50000, 1})
    ->Args({10000, 100})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

// The same pass as sched/tailfold runs it: beside each decision, the
// forecast of every job that does not start (src/core/start_forecast) and
// what it waits for (src/core/wait_reason).  Third argument: 0, only the
// plan's own estimate per waiting job (no forecast); 1, the
// forecast and the reasons; 2, the forecast alone; 3, the forecast and the
// reasons over ten years (bf_estimate_window's default) beside the plan's
// day, on a picture of their own, as sched/tailfold draws it.
void BM_BackfillPassWithForecast(benchmark::State &state)
{
    const std::size_t k = std::size_t(state.range(0));
    const std::uint32_t depth = std::uint32_t(state.range(1));
    const MixedQueue q(k);
    const std::vector<Request> &jobs = q.jobs;
    std::size_t placed = 0;
    for (auto _ : state) {
        Timeline t = q.timeline();
        const int mode = int(state.range(2));
        const Timeline ft = mode == 3 ? q.timeline(3650LL * 86400) : t;
        WaitExplainer why(ft);
        StartForecast forecast(ft);
        BackfillPass pass(t, depth);
        placed = 0;
        for (std::size_t i = 0; i < jobs.size(); ++i) {
            const Request &r = jobs[i];
            if (auto nodes = pass.start_now(r)) {
                Request on = r;
                on.allowed = std::move(*nodes);
                const Placement p = *t.fits_at(on, kNow);
                pass.started(r, p);
                why.started(r, p);
                forecast.started(r, p);
                continue;
            }
            const PlanDecision d = pass.hold(r, kNow, mode == 0);
            if (mode == 0) {  // an estimate on the plan only
                placed += d.kind != PlanKind::kNoFit;
                continue;
            }
            const bool held = d.kind == PlanKind::kReserved;
            if (held)
                why.held(i, r, d.placement);
            WaitReason w;
            if (mode == 1 || mode == 3)
                w = why.explain(r, kNow);
            const std::optional<Placement> e = forecast.place(r, kNow, 1, w);
            if (held && e)
                forecast.note_held(i, e->start);
            placed += e.has_value();
        }
    }
    state.counters["pending"] = double(k);
    state.counters["forecast"] = double(placed);
}
BENCHMARK(BM_BackfillPassWithForecast)
    ->Args({500, 1, 0})
    ->Args({500, 1, 2})
    ->Args({500, 1, 1})
    ->Args({500, 1, 3})
    ->Args({5000, 1, 0})
    ->Args({5000, 1, 1})
    ->Args({5000, 1, 3})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

// The mini-cluster of bench/side_by_side in the core alone: 4 nodes of 4
// CPUs held by one job for an hour, K pending jobs of 1-16 CPUs with
// limits of 1 minute to 10 hours, each job's expected start over ten years
// (bf_estimate_window's default) in priority order, as the forecast of a
// pass places them.
void BM_ForecastSmallCluster(benchmark::State &state)
{
    const std::size_t k = std::size_t(state.range(0));
    std::mt19937 rng(5);
    std::uniform_int_distribution<int> cpus(1, 16), lim(1, 600);
    std::vector<Request> jobs(k);
    for (Request &r : jobs) {
        r.cpus = std::uint32_t(cpus(rng));
        r.max_nodes = r.cpus > 4 ? 4 : 2;
        r.duration_s = std::int64_t(lim(rng)) * 60;
    }
    std::size_t placed = 0;
    std::size_t steps = 0;
    for (auto _ : state) {
        Timeline t(std::vector<NodeCapacity>(4, NodeCapacity{4, 16000, true}), kNow, 3650LL * 86400, 60);
        for (std::uint32_t nd = 0; nd < 4; ++nd)
            t.occupy(nd, kNow, kNow + 3600, 4, 0);
        StartForecast forecast(std::move(t));
        placed = 0;
        for (const Request &r : jobs)
            placed += forecast.place(r, kNow).has_value();
        steps = forecast.plan().step_count();
    }
    state.counters["pending"] = double(k);
    state.counters["placed"] = double(placed);
    state.counters["steps"] = double(steps);
}
BENCHMARK(BM_ForecastSmallCluster)->Arg(5000)->Arg(20000)->Unit(benchmark::kMillisecond)->Iterations(1);

// The estimate store at its default bound (100,000 entries): what the
// glue holds the estimator's lock for at a save (a copy), against what
// holding it through the whole save would cost (encoding, writing and
// fsync of the file).
RuntimeEstimator make_estimator(std::uint32_t n)
{
    RuntimeEstimator est(n);
    for (std::uint32_t i = 0; i < n; ++i)
        est.record(1000 + i % 500, "physics", "job-" + std::to_string(i), 60 + i % 3000, 3600, false);
    return est;
}

void BM_EstimatorCopy(benchmark::State &state)
{
    const RuntimeEstimator est = make_estimator(std::uint32_t(state.range(0)));
    for (auto _ : state) {
        RuntimeEstimator copy(est);
        benchmark::DoNotOptimize(copy);
    }
    state.counters["entries"] = double(est.size());
}
BENCHMARK(BM_EstimatorCopy)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_EstimateStoreSave(benchmark::State &state)
{
    const RuntimeEstimator est = make_estimator(std::uint32_t(state.range(0)));
    const char *tmp = std::getenv("TMPDIR");
    const std::string path = std::string(tmp ? tmp : "/tmp") + "/tailfold-bench-store.json";
    std::string err;
    for (auto _ : state)
        if (!save_estimates(path, est, err))
            state.SkipWithError(err.c_str());
    std::remove(path.c_str());
    state.counters["entries"] = double(est.size());
}
BENCHMARK(BM_EstimateStoreSave)->Arg(100000)->Unit(benchmark::kMillisecond);

// One owner's batch folded again, as priority/tailfold does under the job
// write lock for each submission or release of that owner's jobs: N
// members, equal bases (a bag submitted at once), random boosts.
void BM_OwnerFold(benchmark::State &state)
{
    std::mt19937 rng(3);
    std::vector<FoldMember> members;
    for (std::int64_t i = 0; i < state.range(0); ++i)
        members.push_back({5000, std::int64_t(rng() % 20000), std::uint64_t(i), 0, kNow + i % 30});
    FoldScratch scratch;
    for (auto _ : state) {
        fold_owner(members, 600, scratch);
        benchmark::DoNotOptimize(members.data());
    }
}
BENCHMARK(BM_OwnerFold)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
