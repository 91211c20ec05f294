// Unit tests: the timeline and the backfill plan.
#include "src/core/backfill_planner.h"
#include "src/core/timeline.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

using namespace tailfold;

namespace {

constexpr std::int64_t kNow = 1000000;

std::vector<NodeCapacity> nodes(std::size_t n, std::uint32_t cpus = 4, std::uint64_t mem = 4000)
{
    return std::vector<NodeCapacity>(n, NodeCapacity{cpus, mem, true});
}

Request req(std::uint32_t cpus, std::int64_t dur, std::uint32_t min_nodes = 1,
            std::uint32_t max_nodes = UINT32_MAX)
{
    Request r;
    r.cpus = cpus;
    r.duration_s = dur;
    r.min_nodes = min_nodes;
    r.max_nodes = max_nodes;
    return r;
}

std::uint32_t cpus_of(const Placement &p)
{
    std::uint32_t s = 0;
    for (const auto &n : p.nodes)
        s += n.second;
    return s;
}

}  // namespace

TEST(Timeline, EmptyClusterStartsNow)
{
    Timeline t(nodes(2), kNow, 86400, 1);
    auto p = t.earliest(req(8, 100));
    ASSERT_TRUE(p);
    EXPECT_EQ(p->start, kNow);
    EXPECT_EQ(cpus_of(*p), 8u);
    EXPECT_EQ(p->nodes.size(), 2u);
}

TEST(Timeline, WaitsForRunningJobsToEnd)
{
    Timeline t(nodes(2), kNow, 86400, 1);
    t.occupy(0, kNow - 50, kNow + 100, 4, 0);  // node 0 busy until +100
    t.occupy(1, kNow - 50, kNow + 300, 2, 0);  // half of node 1 until +300
    auto big = t.earliest(req(8, 500));
    ASSERT_TRUE(big);
    EXPECT_EQ(big->start, kNow + 300);
    auto one_node = t.earliest(req(4, 50));
    ASSERT_TRUE(one_node);
    EXPECT_EQ(one_node->start, kNow + 100);  // node 0 frees first
    EXPECT_EQ(t.earliest(req(2, 10))->start, kNow);  // the half-free node now
}

TEST(Timeline, MultiNodeRequestsRespectNodeCounts)
{
    Timeline t(nodes(4), kNow, 86400, 1);
    auto p = t.earliest(req(6, 100, 3, 3));
    ASSERT_TRUE(p);
    EXPECT_EQ(p->nodes.size(), 3u);
    EXPECT_EQ(cpus_of(*p), 6u);
    for (const auto &n : p->nodes)
        EXPECT_GE(n.second, 1u);
    // Two CPUs cannot be spread over three nodes.
    EXPECT_FALSE(t.earliest(req(2, 100, 3, 3)));
    // 12 CPUs on at most 2 nodes of 4 never fits.
    EXPECT_FALSE(t.earliest(req(12, 100, 1, 2)));
}

TEST(Timeline, DownNodesAreNeverUsed)
{
    auto n = nodes(2);
    n[1].up = false;
    Timeline t(n, kNow, 86400, 1);
    EXPECT_FALSE(t.earliest(req(5, 100)));
    auto p = t.earliest(req(4, 100));
    ASSERT_TRUE(p);
    EXPECT_EQ(p->nodes[0].first, 0u);
}

TEST(Timeline, AdvancedReservationBlocksItsNodesForItsTime)
{
    Timeline t(nodes(1), kNow, 86400, 1);
    t.block(0, kNow + 50, kNow + 150);
    EXPECT_EQ(t.earliest(req(1, 40))->start, kNow);         // ends before it
    EXPECT_EQ(t.earliest(req(1, 100))->start, kNow + 150);  // would overlap: after it
}

TEST(Timeline, MaskedNodes)
{
    Timeline t(nodes(2), kNow, 86400, 1);
    t.occupy(0, kNow, kNow + 100, 4, 0);
    Request r = req(4, 10);
    r.allowed = {true, false};  // only node 0
    EXPECT_EQ(t.earliest(r)->start, kNow + 100);
}

TEST(Timeline, MemoryLimitsCpusPerNode)
{
    Timeline t(nodes(1, 4, 1000), kNow, 86400, 1);
    Request r = req(4, 10);
    r.mem_per_cpu_mb = 300;  // 4 x 300 > 1000
    EXPECT_FALSE(t.earliest(r));
    r.cpus = 3;
    EXPECT_TRUE(t.earliest(r));
}

TEST(Timeline, NothingBeyondTheWindow)
{
    Timeline t(nodes(1), kNow, 600, 1);
    t.occupy(0, kNow, kNow + 700, 4, 0);  // busy past the window
    EXPECT_FALSE(t.earliest(req(1, 10)));
    Timeline u(nodes(1), kNow, 600, 1);
    u.occupy(0, kNow, kNow + 600, 4, 0);  // frees exactly at the edge
    EXPECT_EQ(u.earliest(req(1, 10))->start, kNow + 600);
}

TEST(Timeline, StartsRoundUpToTheResolution)
{
    Timeline t(nodes(1), kNow, 86400, 60);
    t.occupy(0, kNow, kNow + 10, 4, 0);
    EXPECT_EQ(t.earliest(req(1, 10))->start, kNow + 60);
    // Durations round up too: a 61 s job holds two minutes.
    Timeline u(nodes(1), kNow, 86400, 60);
    auto p = u.earliest(req(4, 61));
    u.reserve(req(4, 61), *p);
    EXPECT_EQ(u.free_at(0, kNow + 119).first, 0);
    EXPECT_EQ(u.free_at(0, kNow + 120).first, 4);
}

TEST(Backfill, ShortJobFillsTheHoleLongJobWaits)
{
    // Node 0 busy until +100, half of node 1 until +300.  Priority order:
    // a big job (both nodes), then a short 2-CPU job, then a long one.
    Timeline t(nodes(2), kNow, 86400, 1);
    t.occupy(0, kNow - 10, kNow + 100, 4, 0);
    t.occupy(1, kNow - 10, kNow + 300, 2, 0);
    const std::vector<Request> jobs = {req(8, 500), req(2, 200), req(2, 400)};
    PlanStats st;
    auto d = plan_backfill(t, jobs, 1, 0, &st);
    ASSERT_EQ(d.size(), 3u);
    EXPECT_EQ(d[0].kind, PlanKind::kReserved);
    EXPECT_EQ(d[0].placement.start, kNow + 300);
    EXPECT_EQ(d[1].kind, PlanKind::kStartNow);  // ends at +200 < +300
    EXPECT_EQ(d[2].kind, PlanKind::kWaiting);   // would run into the big job's start
    EXPECT_EQ(st.tested, 3u);
    EXPECT_EQ(st.started, 1u);
    EXPECT_EQ(st.reserved, 1u);
}

TEST(Backfill, DeeperReservationsPlanMoreJobs)
{
    Timeline t(nodes(1), kNow, 86400, 1);
    t.occupy(0, kNow, kNow + 100, 4, 0);
    const std::vector<Request> jobs = {req(4, 100), req(4, 100), req(4, 100)};
    auto easy = plan_backfill(t, jobs, 1, 0);
    EXPECT_EQ(easy[1].kind, PlanKind::kWaiting);
    Timeline u(nodes(1), kNow, 86400, 1);
    u.occupy(0, kNow, kNow + 100, 4, 0);
    auto deep = plan_backfill(u, jobs, 3, 0);
    EXPECT_EQ(deep[0].placement.start, kNow + 100);
    EXPECT_EQ(deep[1].placement.start, kNow + 200);
    EXPECT_EQ(deep[2].placement.start, kNow + 300);
}

TEST(Backfill, MaxTestStopsTheWalk)
{
    Timeline t(nodes(1), kNow, 86400, 1);
    const std::vector<Request> jobs(10, req(1, 10));
    EXPECT_EQ(plan_backfill(t, jobs, 1, 4).size(), 4u);
}

// Many random jobs: every start-now job starts now; every held start is
// the earliest the job could have given the jobs above it (replayed on a
// fresh timeline); and after all placements no node is oversubscribed at
// any time, so no job placed later overlaps a held start.
TEST(Backfill, RandomPlansAreSafe)
{
    std::mt19937 rng(20261122);
    for (int round = 0; round < 20; ++round) {
        const std::size_t n_nodes = 16;
        const unsigned seed = rng();
        auto make = [&]() {
            std::mt19937 g(seed);
            Timeline t(nodes(n_nodes, 8, 64000), kNow, 7 * 86400, 1);
            std::uniform_int_distribution<int> cpu(1, 8), dur(10, 3000);
            for (std::uint32_t n = 0; n < n_nodes; ++n)
                t.occupy(n, kNow - 5, kNow + dur(g), static_cast<std::uint32_t>(cpu(g)), 0);
            return t;
        };
        Timeline t = make();
        std::vector<Request> jobs;
        std::uniform_int_distribution<int> cpus(1, 40), dur(10, 5000), nn(1, 3);
        for (int i = 0; i < 200; ++i)
            jobs.push_back(req(static_cast<std::uint32_t>(cpus(rng)), dur(rng), 1,
                               static_cast<std::uint32_t>(nn(rng) * 3)));
        const std::uint32_t depth = 1 + round % 5;
        PlanStats st;
        auto d = plan_backfill(t, jobs, depth, 0, &st);
        EXPECT_LE(st.reserved, depth);
        EXPECT_GT(st.started, 0u);
        Timeline replay = make();
        for (const auto &x : d) {
            if (x.kind == PlanKind::kStartNow)
                EXPECT_EQ(x.placement.start, kNow);
            if (x.kind == PlanKind::kReserved) {
                auto again = replay.earliest(jobs[x.job]);
                ASSERT_TRUE(again);
                EXPECT_EQ(again->start, x.placement.start) << "round " << round << " job " << x.job;
            }
            if (x.kind == PlanKind::kStartNow || x.kind == PlanKind::kReserved)
                replay.reserve(jobs[x.job], x.placement);
        }
        for (std::uint32_t n = 0; n < n_nodes; ++n)
            for (std::int64_t s = kNow; s < kNow + 12000; s += 7)
                ASSERT_GE(t.free_at(n, s).first, 0) << "node " << n << " at +" << s - kNow;
    }
}
