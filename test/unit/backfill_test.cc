// Unit tests: the timeline and the backfill plan.
#include "src/core/backfill_limits.h"
#include "src/core/count_steps.h"
#include "src/core/level_steps.h"
#include "src/core/backfill_planner.h"
#include "src/core/gres_need.h"
#include "src/core/timeline.h"

#include <algorithm>
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

// The held-start scenario of a resource other than CPUs (licences, GPUs):
// A, which needs more than is free now, is held at +100 when it comes
// back; B, done by then, starts now; C, which would keep it past A's start,
// waits; D, which needs none, starts now.
static void expect_held_at_100_short_starts_long_waits(const std::vector<PlanDecision> &d)
{
    ASSERT_EQ(d.size(), 4u);
    EXPECT_EQ(d[0].kind, PlanKind::kReserved);
    EXPECT_EQ(d[0].placement.start, kNow + 100);
    EXPECT_EQ(d[1].kind, PlanKind::kStartNow);
    EXPECT_EQ(d[2].kind, PlanKind::kWaiting);
    EXPECT_EQ(d[3].kind, PlanKind::kStartNow);
}

// Many random jobs: every start-now job starts now; every held start is
// the earliest the job could have given the jobs above it (replayed on a
// fresh timeline); and after all placements no node (and no licence) is
// oversubscribed at any time, so no job placed later overlaps a held start.
// kLicences: two licences of 5 and 2, partly held by running jobs, and a
// third of the jobs hold some.  kGres: half the nodes have 4 GPUs, partly
// held by running jobs, and a third of the jobs need 1 or 2 per node.
enum class Extra { kNone, kLicences, kGres };

static void random_rounds(Extra extra)
{
    const bool licences = extra == Extra::kLicences, gpus = extra == Extra::kGres;
    std::mt19937 rng(licences ? 20261130 : gpus ? 20261201 : 20261122);
    std::size_t placed_with_extra = 0;  // the licence and GPU rounds must use them
    for (int round = 0; round < 20; ++round) {
        const std::size_t n_nodes = 16;
        const unsigned seed = rng();
        auto make = [&]() {
            std::mt19937 g(seed);
            Timeline t(nodes(n_nodes, 8, 64000), kNow, 7 * 86400, 1);
            std::uniform_int_distribution<int> cpu(1, 8), dur(10, 3000);
            for (std::uint32_t n = 0; n < n_nodes; ++n)
                t.occupy(n, kNow - 5, kNow + dur(g), static_cast<std::uint32_t>(cpu(g)), 0);
            if (licences) {
                t.add_license(5);
                t.add_license(2);
                t.use_license(0, kNow - 5, kNow + dur(g), 3);
                t.use_license(1, kNow - 5, kNow + dur(g), 1);
            }
            if (gpus) {
                const std::uint32_t gpu = t.add_gres();
                std::uniform_int_distribution<int> busy(0, 4);
                for (std::uint32_t n = 0; n < n_nodes; n += 2) {
                    t.set_gres(gpu, n, 4);
                    t.use_gres(gpu, n, kNow - 5, kNow + dur(g), std::uint32_t(busy(g)));
                }
            }
            return t;
        };
        Timeline t = make();
        std::vector<Request> jobs;
        std::uniform_int_distribution<int> cpus(1, 40), dur(10, 5000), nn(1, 3), lic(0, 5);
        for (int i = 0; i < 200; ++i) {
            jobs.push_back(req(static_cast<std::uint32_t>(cpus(rng)), dur(rng), 1,
                               static_cast<std::uint32_t>(nn(rng) * 3)));
            const int l = licences ? lic(rng) : 0;  // 1, 2: licence 0; 3: licence 1
            if (l == 1 || l == 2)
                jobs.back().licenses = {{0, std::uint32_t(l * 2)}};
            else if (l == 3)
                jobs.back().licenses = {{1, 1}};
            const int gn = gpus ? lic(rng) : 0;  // 1: one GPU a node, 2: two
            if (gn == 1 || gn == 2)
                jobs.back().gres = {{0, std::uint32_t(gn), std::uint32_t(gn)}};
        }
        const std::uint32_t depth = 1 + round % 5;
        PlanStats st;
        auto d = plan_backfill(t, jobs, depth, 0, &st);
        EXPECT_LE(st.reserved, depth);
        EXPECT_GT(st.started, 0u);
        Timeline replay = make();
        for (const auto &x : d) {
            if (x.kind == PlanKind::kStartNow) {
                EXPECT_EQ(x.placement.start, kNow);
            }
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
        for (std::uint32_t l = 0; l < t.license_count(); ++l)
            for (std::int64_t s = kNow; s < kNow + 12000; s += 7)
                ASSERT_GE(t.license_free_at(l, s), 0) << "licence " << l << " at +" << s - kNow;
        for (std::uint32_t gpu = 0; gpu < t.gres_count(); ++gpu)
            for (std::uint32_t n = 0; n < n_nodes; ++n)
                for (std::int64_t s = kNow; s < kNow + 12000; s += 7)
                    ASSERT_GE(t.gres_free_at(gpu, n, s), 0) << "GPUs of node " << n << " at +" << s - kNow;
        for (const auto &x : d)
            placed_with_extra += (x.kind == PlanKind::kStartNow || x.kind == PlanKind::kReserved) &&
                                 !(jobs[x.job].licenses.empty() && jobs[x.job].gres.empty());
    }
    EXPECT_EQ(placed_with_extra > 0, extra != Extra::kNone);
}

TEST(Backfill, RandomPlansAreSafe)
{
    random_rounds(Extra::kNone);
}

TEST(Backfill, RandomPlansWithLicencesAreSafe)
{
    random_rounds(Extra::kLicences);
}

TEST(Backfill, RandomPlansWithGpusAreSafe)
{
    random_rounds(Extra::kGres);
}

// Generic resources (Gres=gpu:N): a count per node, held by a job on each
// node it uses.
TEST(Timeline, GpusHeldByRunningJobsDelayAStart)
{
    Timeline t(nodes(2), kNow, 86400, 1);
    const std::uint32_t gpu = t.add_gres();
    t.set_gres(gpu, 0, 2);  // node 1 has none
    t.use_gres(gpu, 0, kNow - 20, kNow + 100, 2);  // a running job, until +100
    Request one = req(1, 50);
    one.gres = {{gpu, 1, 1}};
    auto p = t.earliest(one);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->start, kNow + 100);  // CPUs are free now on both nodes, GPUs are not
    ASSERT_EQ(p->nodes.size(), 1u);
    EXPECT_EQ(p->nodes[0].first, 0u);
    EXPECT_EQ(t.earliest(req(1, 50))->start, kNow);
    Request three = req(1, 50);
    three.gres = {{gpu, 3, 3}};  // more than a node has
    EXPECT_FALSE(t.earliest(three));
    Request two_nodes = req(2, 50, 2, 2);
    two_nodes.gres = {{gpu, 1, 1}};  // only one node has any
    EXPECT_FALSE(t.earliest(two_nodes));
    Request unknown = req(1, 50);
    unknown.gres = {{gpu + 1, 1, 1}};
    EXPECT_FALSE(t.earliest(unknown));
    t.reserve(one, *p);
    EXPECT_EQ(t.gres_free_at(gpu, 0, kNow + 100), 1);
    EXPECT_EQ(t.gres_free_at(gpu, 0, kNow + 150), 2);
}

TEST(Backfill, GpuJobIsHeldAndNotDelayed)
{
    // One node, 8 CPUs, 4 GPUs, 3 of them held by a running job until +100.
    // Priority order: A needs all 4 (held at +100); B one for 50 s (done
    // before A starts: starts now); C one for 200 s (would keep it past A's
    // start: waits); D no GPU (starts now).
    Timeline t(nodes(1, 8), kNow, 86400, 1);
    const std::uint32_t gpu = t.add_gres();
    t.set_gres(gpu, 0, 4);
    t.use_gres(gpu, 0, kNow - 10, kNow + 100, 3);
    std::vector<Request> jobs = {req(1, 300), req(1, 50), req(1, 200), req(1, 200)};
    jobs[0].gres = {{gpu, 4, 4}};
    jobs[1].gres = {{gpu, 1, 1}};
    jobs[2].gres = {{gpu, 1, 1}};
    expect_held_at_100_short_starts_long_waits(plan_backfill(t, jobs, 1, 0));
    EXPECT_EQ(t.gres_free_at(gpu, 0, kNow + 100), 0);  // A's, from its start
    EXPECT_EQ(t.gres_free_at(gpu, 0, kNow + 400), 4);
}

// A start now takes what the select plugin gives it: a request per job or
// per task may get more GPUs on one node than it needs per node.  The node
// is safe only if a held start leaves room for the most it may take.
TEST(Timeline, SafeNowAllowsForTheMostGpusAStartMayTake)
{
    Timeline t(nodes(1, 8), kNow, 86400, 1);
    const std::uint32_t gpu = t.add_gres();
    t.set_gres(gpu, 0, 4);
    t.use_gres(gpu, 0, kNow - 10, kNow + 30, 2);  // 2 free now, 4 from +30
    Request held = req(1, 100);
    held.gres = {{gpu, 3, 3}};
    auto p = t.earliest(held);
    ASSERT_TRUE(p);
    ASSERT_EQ(p->start, kNow + 30);
    t.reserve(held, *p);  // from +30 to +130: 1 free
    Request one = req(1, 200);
    one.gres = {{gpu, 1, 1}};
    EXPECT_TRUE(t.safe_now(one)[0]);
    Request up_to_two = one;
    up_to_two.gres = {{gpu, 1, 2}};
    EXPECT_FALSE(t.safe_now(up_to_two)[0]);
    Request whole = req(1, 200);
    whole.whole_node = true;  // takes every free GPU of the node
    EXPECT_FALSE(t.safe_now(whole)[0]);
    EXPECT_TRUE(t.safe_now(req(1, 200))[0]);  // no GPU: only its CPUs count
}


// Licences (-L): a count shared by the whole cluster, held by a job for its
// whole duration.
TEST(Timeline, LicencesHeldByRunningJobsDelayAStart)
{
    Timeline t(nodes(2), kNow, 86400, 1);
    const std::uint32_t fluent = t.add_license(3);
    t.use_license(fluent, kNow - 20, kNow + 100, 2);  // a running job, until +100
    Request two = req(1, 50);
    two.licenses = {{fluent, 2}};
    auto p = t.earliest(two);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->start, kNow + 100);  // CPUs are free now, the licences are not
    Request one = req(1, 50);
    one.licenses = {{fluent, 1}};
    p = t.earliest(one);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->start, kNow);
    Request four = req(1, 50);
    four.licenses = {{fluent, 4}};  // more than there are
    EXPECT_FALSE(t.earliest(four));
    Request unknown = req(1, 50);
    unknown.licenses = {{fluent + 1, 1}};
    EXPECT_FALSE(t.earliest(unknown));
    EXPECT_EQ(t.license_free_at(fluent, kNow), 1);
    EXPECT_EQ(t.license_free_at(fluent, kNow + 100), 3);
}

TEST(Timeline, ReservationLicencesCloseAWindow)
{
    Timeline t(nodes(1), kNow, 86400, 1);
    const std::uint32_t lic = t.add_license(2);
    t.use_license(lic, kNow + 50, kNow + 150, 2);  // an advanced reservation's
    Request shortj = req(1, 40);
    shortj.licenses = {{lic, 1}};
    auto p = t.earliest(shortj);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->start, kNow);  // done by +40
    Request longj = req(1, 100);
    longj.licenses = {{lic, 1}};
    p = t.earliest(longj);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->start, kNow + 150);
}

TEST(Backfill, LicenceJobIsHeldAndNotDelayed)
{
    // 8 CPUs free; licence of 3, 2 held by a running job until +100.
    // Priority order: A needs all 3 (held at +100); B one for 50 s (done
    // before A starts: starts now); C one for 200 s (would keep it past
    // A's start: waits); D no licence (starts now).
    Timeline t(nodes(2), kNow, 86400, 1);
    const std::uint32_t lic = t.add_license(3);
    t.use_license(lic, kNow - 10, kNow + 100, 2);
    std::vector<Request> jobs = {req(1, 300), req(1, 50), req(1, 200), req(1, 200)};
    jobs[0].licenses = {{lic, 3}};
    jobs[1].licenses = {{lic, 1}};
    jobs[2].licenses = {{lic, 1}};
    expect_held_at_100_short_starts_long_waits(plan_backfill(t, jobs, 1, 0));
    EXPECT_EQ(t.license_free_at(lic, kNow + 100), 0);  // A's, from its start
    EXPECT_EQ(t.license_free_at(lic, kNow + 400), 3);
}

TEST(Timeline, WholeNodeNeedsAnEmptyNodeAndTakesAllOfIt)
{
    Timeline t(nodes(2), kNow, 86400, 1);
    t.occupy(0, kNow - 5, kNow + 100, 1, 0);  // one CPU busy on node 0
    Request r = req(1, 50);
    r.whole_node = true;
    auto p = t.earliest(r);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->start, kNow);
    ASSERT_EQ(p->nodes.size(), 1u);
    EXPECT_EQ(p->nodes[0].first, 1u);
    t.reserve(r, *p);
    EXPECT_EQ(t.free_at(1, kNow).first, 0);  // the whole node, not one CPU
    // Both nodes whole: after node 0's job ends and node 1's exclusive one.
    Request both = r;
    both.min_nodes = 2;
    auto q = t.earliest(both);
    ASSERT_TRUE(q);
    EXPECT_EQ(q->start, kNow + 100);
}

TEST(Timeline, MemoryPerNode)
{
    Timeline t(nodes(2, 4, 4000), kNow, 86400, 1);
    t.occupy(0, kNow - 5, kNow + 100, 1, 3500);
    Request r = req(2, 50);
    r.mem_per_node_mb = 1000;
    auto p = t.earliest(r);
    ASSERT_TRUE(p);
    ASSERT_EQ(p->nodes.size(), 1u);
    EXPECT_EQ(p->nodes[0].first, 1u);  // node 0 has CPUs but only 500 MB
    t.reserve(r, *p);
    EXPECT_EQ(t.free_at(1, kNow).second, 3000);
}

TEST(Timeline, EarliestNotBefore)
{
    Timeline t(nodes(1), kNow, 86400, 10);
    auto p = t.earliest(req(1, 50), kNow + 1);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->start, kNow + 10);  // rounded up to the resolution
}

// A node is safe for a start now when whatever the start may take there
// (all that is free now, capped by the request) leaves what a later
// placement needs.
TEST(Timeline, SafeNowLeavesOutNodesAPlacementNeeds)
{
    Timeline t(nodes(2), kNow, 86400, 1);
    t.occupy(0, kNow - 5, kNow + 100, 2, 0);  // node 0: 2 free now, 4 from +100
    // A held job takes all of node 0 from +100.
    t.reserve(req(4, 500), Placement{kNow + 100, {{0, 4}}, {}});
    auto long_small = t.safe_now(req(1, 200));
    EXPECT_FALSE(long_small[0]);  // anything there at +100 delays the held job
    EXPECT_TRUE(long_small[1]);
    auto short_one = t.safe_now(req(2, 50));
    EXPECT_TRUE(short_one[0]);  // ends before +100
    // Node 1 half taken later: a start of up to 2 CPUs is safe, of 3 not.
    t.reserve(req(2, 500), Placement{kNow + 100, {{1, 2}}, {}});
    EXPECT_TRUE(t.safe_now(req(2, 200))[1]);
    EXPECT_FALSE(t.safe_now(req(3, 200))[1]);
    Request capped = req(8, 200, 1);
    capped.max_cpus_per_node = 2;  // --ntasks-per-node: never more than 2 here
    EXPECT_TRUE(t.safe_now(capped)[1]);
}

// The pass the glue drives: a start the select plugin refused is held no
// earlier than the next step.
TEST(BackfillPass, RefusedStartIsHeldLater)
{
    Timeline t(nodes(1), kNow, 86400, 5);
    BackfillPass pass(t, 1);
    auto nodes_ok = pass.start_now(req(2, 50));
    ASSERT_TRUE(nodes_ok);
    PlanDecision d = pass.hold(req(2, 50), kNow + 1);
    EXPECT_EQ(d.kind, PlanKind::kReserved);
    EXPECT_EQ(d.placement.start, kNow + 5);
    EXPECT_EQ(pass.held(), 1u);
    // Past the depth: an estimate, nothing held.
    PlanDecision e = pass.hold(req(4, 50), kNow);
    EXPECT_EQ(e.kind, PlanKind::kWaiting);
    EXPECT_EQ(t.free_at(0, kNow + 60).first, 4);
}

// Random clusters, random held jobs, then starts made the way slurmctld's
// select plugin might make them: any allocation on the nodes start_now
// allows, as greedy as the request permits.  No node may ever go below
// zero, so no held start is delayed.
TEST(BackfillPass, GreedyStartsOnSafeNodesNeverOversubscribe)
{
    std::mt19937 rng(7);
    for (int round = 0; round < 50; ++round) {
        const std::uint32_t n_nodes = 8;
        Timeline t(nodes(n_nodes, 8, 64000), kNow, 86400, 1);
        std::uniform_int_distribution<int> cpu(1, 8), dur(10, 3000), size(1, 24), nn(1, 4);
        for (std::uint32_t n = 0; n < n_nodes; ++n)
            t.occupy(n, kNow - 5, kNow + dur(rng), static_cast<std::uint32_t>(cpu(rng)), 0);
        BackfillPass pass(t, 3);
        for (int i = 0; i < 60; ++i) {
            Request r = req(static_cast<std::uint32_t>(size(rng)), dur(rng), 1,
                            static_cast<std::uint32_t>(nn(rng)));
            auto ok = pass.start_now(r);
            if (!ok) {
                pass.hold(r, kNow);
                continue;
            }
            // Greedy: fill allowed nodes in index order, each up to all it has now.
            Placement greedy{kNow, {}, {}};
            std::int64_t left = r.cpus;
            for (std::uint32_t n = 0; n < n_nodes && left > 0; ++n) {
                if (!(*ok)[n] || greedy.nodes.size() >= r.max_nodes)
                    continue;
                const std::int64_t take = std::min(left, t.free_at(n, kNow).first);
                if (take > 0) {
                    greedy.nodes.push_back({n, static_cast<std::uint32_t>(take)});
                    left -= take;
                }
            }
            if (left > 0)
                continue;  // the select plugin would have refused
            pass.started(r, greedy);
        }
        for (std::uint32_t n = 0; n < n_nodes; ++n)
            for (std::int64_t s = kNow; s < kNow + 7000; s += 3)
                ASSERT_GE(t.free_at(n, s).first, 0) << "round " << round << " node " << n;
    }
}

// A running job planned by prediction: at its predicted end while ahead;
// past it, as long again as it has overrun (at least one step), never past
// its limit.
TEST(Backfill, PlannedEndOfAJobPastItsPrediction)
{
    EXPECT_EQ(planned_end(kNow, kNow + 30, kNow + 300, 60), kNow + 30);   // ahead
    EXPECT_EQ(planned_end(kNow, kNow, kNow + 300, 60), kNow + 60);        // just reached: one step
    EXPECT_EQ(planned_end(kNow, kNow - 100, kNow + 300, 60), kNow + 100);  // overran 100 s: 100 more
    EXPECT_EQ(planned_end(kNow, kNow - 500, kNow + 300, 60), kNow + 300);  // never past the limit
    EXPECT_EQ(planned_end(kNow, kNow - 500, kNow - 5, 60), kNow + 1);      // overdue even by its limit
}

// What a GPU request means per node, by hand: --gres=gpu:2 on 3 nodes; 1
// per task with 4 tasks on 2..4 nodes (2 per node when fixed); 2 per
// socket; --gpus=5 on at least 2 nodes.
TEST(GresNeed, PerNodeFromEachKindOfRequest)
{
    JobShape three;
    three.min_nodes = three.max_nodes = 3;
    PerNodeNeed n = per_node_need({2, 0, 0, 0}, three);
    EXPECT_EQ(n.per_node, 2u);
    EXPECT_EQ(n.most_per_node, 2u);

    JobShape four_tasks;
    four_tasks.tasks = 4;
    four_tasks.min_nodes = 2;
    four_tasks.max_nodes = 4;
    n = per_node_need({0, 1, 0, 0}, four_tasks);
    EXPECT_EQ(n.per_node, 1u);       // at least one task a node
    EXPECT_EQ(n.most_per_node, 4u);  // all four on one node
    four_tasks.tasks_per_node = 2;
    n = per_node_need({0, 1, 0, 0}, four_tasks);
    EXPECT_EQ(n.per_node, 2u);
    EXPECT_EQ(n.most_per_node, 2u);
    JobShape one_node;
    one_node.tasks = 3;
    one_node.max_nodes = 1;
    EXPECT_EQ(per_node_need({0, 2, 0, 0}, one_node).per_node, 6u);  // every task there

    n = per_node_need({0, 0, 2, 0}, JobShape{});
    EXPECT_EQ(n.per_node, 2u);  // one socket at least
    EXPECT_GT(n.most_per_node, 1000u);

    JobShape two;
    two.min_nodes = 2;
    n = per_node_need({0, 0, 0, 5}, two);
    EXPECT_EQ(n.per_node, 3u);  // 5 over 2 nodes, rounded up
    EXPECT_EQ(n.most_per_node, 5u);
    EXPECT_EQ(per_node_need({}, two).per_node, 0u);  // no GPU asked
}

// Slurm's per-pass limits: a job over one is refused and not counted;
// the others still count.  Each case fails if its limit is ignored.
TEST(PassLimits, PerUserAssociationPartitionAndUserInPartition)
{
    BackfillParams p;
    p.max_job_user = 2;
    PassLimits user(p);
    EXPECT_TRUE(user.look(100, 1, 7));
    EXPECT_TRUE(user.look(100, 2, 8));  // another association and partition: same user
    EXPECT_TRUE(user.look(200, 3, 7));
    EXPECT_FALSE(user.look(100, 1, 7));
    EXPECT_FALSE(user.look(100, 4, 9));
    EXPECT_TRUE(user.look(200, 3, 7));
    EXPECT_FALSE(user.look(200, 3, 7));
    EXPECT_EQ(user.skipped(), 3u);

    p = BackfillParams{};
    p.max_job_assoc = 1;
    PassLimits assoc(p);
    EXPECT_TRUE(assoc.look(100, 1, 7));
    EXPECT_FALSE(assoc.look(100, 1, 8));
    EXPECT_TRUE(assoc.look(100, 2, 7));  // the same user's other association
    EXPECT_TRUE(assoc.look(100, 0, 7));  // no association (no accounting): no limit
    EXPECT_TRUE(assoc.look(100, 0, 7));

    p = BackfillParams{};
    p.max_job_part = 3;
    PassLimits part(p);
    EXPECT_TRUE(part.look(1, 1, 7));
    EXPECT_TRUE(part.look(2, 2, 7));
    EXPECT_TRUE(part.look(3, 3, 7));
    EXPECT_FALSE(part.look(4, 4, 7));
    EXPECT_TRUE(part.look(4, 4, 8));

    p = BackfillParams{};
    p.max_job_user_part = 1;
    PassLimits up(p);
    EXPECT_TRUE(up.look(1, 1, 7));
    EXPECT_FALSE(up.look(1, 1, 7));
    EXPECT_TRUE(up.look(1, 1, 8));
    EXPECT_TRUE(up.look(2, 2, 7));
}

TEST(PassLimits, RefusedAndUncountedJobsDoNotCount)
{
    BackfillParams p;
    p.max_job_user = 1;
    p.max_job_part = 2;
    PassLimits l(p);
    EXPECT_TRUE(l.look(1, 0, 7, false));  // a magnetic record: checked, not counted
    EXPECT_TRUE(l.look(1, 0, 7));
    EXPECT_FALSE(l.look(1, 0, 7));        // over the user limit: the partition's count stays 1
    EXPECT_TRUE(l.look(2, 0, 7));
    EXPECT_FALSE(l.look(3, 0, 7));        // the partition's 2 are used
}

TEST(PassLimits, NoLimitsLookAtEverything)
{
    PassLimits l{BackfillParams{}};
    for (int i = 0; i < 1000; ++i) {
        EXPECT_TRUE(l.look(1, 1, 1));
        EXPECT_TRUE(l.started());
    }
    EXPECT_EQ(l.skipped(), 0u);
}

TEST(PassLimits, StartLimitEndsThePass)
{
    BackfillParams p;
    p.max_job_start = 3;
    PassLimits l(p);
    EXPECT_TRUE(l.started());
    EXPECT_TRUE(l.started());
    EXPECT_FALSE(l.started());
    EXPECT_EQ(l.starts(), 3u);
}

TEST(PassLimits, ArrayTasksToHold)
{
    EXPECT_EQ(array_tasks_to_hold(100, 0, 0, 20), 20u);  // bf_max_job_array_resv
    EXPECT_EQ(array_tasks_to_hold(5, 0, 0, 20), 5u);     // all pending tasks
    EXPECT_EQ(array_tasks_to_hold(100, 4, 1, 20), 3u);   // %4 with one running
    EXPECT_EQ(array_tasks_to_hold(100, 4, 4, 20), 0u);
    EXPECT_EQ(array_tasks_to_hold(100, 0, 0, 0), 0u);
}

// An array's pending tasks held one after another for one place in the
// reservation depth; a lower job that would delay the second task waits,
// and starts when only one task is held.
TEST(BackfillPass, ArrayTasksAreHeldAsCopies)
{
    auto run = [](std::uint32_t copies, bool &lower_starts) {
        // 4 nodes of 4 CPUs; nodes 0-2 busy until +100, node 3 free.
        Timeline t(nodes(4), kNow, 86400, 1);
        for (std::uint32_t n = 0; n < 3; ++n)
            t.occupy(n, kNow - 10, kNow + 100, 4, 0);
        BackfillPass pass(t, 2);
        const Request task = req(8, 100, 2, 2);  // each task: two nodes
        EXPECT_FALSE(pass.start_now(task));
        PlanDecision d = pass.hold(task, kNow, true, copies);
        EXPECT_EQ(d.kind, PlanKind::kReserved);
        EXPECT_EQ(d.placement.start, kNow + 100);
        EXPECT_EQ(pass.held(), 1u);  // one place in the depth, whatever the copies
        // Node 3 from +100: the first task takes nodes 0 and 1 (lowest
        // first among equals), the second needs node 3.
        EXPECT_EQ(t.free_at(3, kNow + 150).first, copies >= 2 ? 0 : 4) << copies;
        if (copies >= 3) {
            EXPECT_EQ(t.free_at(0, kNow + 250).first, 0);  // the third after the first
        }
        auto allowed = pass.start_now(req(4, 500));
        lower_starts = allowed.has_value();
        // Another job still gets the depth's second place.
        EXPECT_EQ(pass.hold(req(16, 10), kNow, false).kind, PlanKind::kReserved);
    };
    bool starts = false;
    run(1, starts);
    EXPECT_TRUE(starts);
    run(2, starts);
    EXPECT_FALSE(starts);
    run(3, starts);
    EXPECT_FALSE(starts);
    // No copies (bf_max_job_array_resv=0): an estimate only, nothing held.
    Timeline t(nodes(4), kNow, 86400, 1);
    t.occupy(0, kNow - 10, kNow + 100, 4, 0);
    BackfillPass pass(t, 1);
    PlanDecision d = pass.hold(req(16, 100), kNow, true, 0);
    EXPECT_EQ(d.kind, PlanKind::kWaiting);
    EXPECT_EQ(d.placement.start, kNow + 100);
    EXPECT_EQ(pass.held(), 0u);
    EXPECT_EQ(t.free_at(1, kNow + 150).first, 4);
}

// The earliest start a search of every step of the window finds: each
// start from not_before (rounded up to the resolution) on, in turn.
std::optional<std::int64_t> first_fit_by_step(const Timeline &t, const Request &r, std::int64_t not_before,
                                              std::int64_t res)
{
    for (std::int64_t s = kNow + (not_before - kNow + res - 1) / res * res; s <= t.horizon(); s += res)
        if (t.fits_at(r, s))
            return s;
    return std::nullopt;
}

// earliest() against a search of every step of the window, on random
// plans with oversubscribed, blocked and memory-only changes: the total
// of free CPUs that lets it pass over candidates must never make it miss
// the earliest start, nor find one that does not fit.
TEST(Timeline, EarliestMatchesAFullSearch)
{
    std::mt19937 rng(11);
    for (int round = 0; round < 200; ++round) {
        const std::int64_t res = 10, window = 2000;
        // 16 nodes: the timeline keeps its total of free CPUs from there.
        Timeline t(nodes(16, 8, 4000), kNow, window, res);
        std::uniform_int_distribution<int> when(-50, 2100), len(10, 900), cpu(0, 10), node(0, 15),
            kind(0, 5), memk(0, 4000);
        for (int k = 0; k < 60; ++k) {
            const std::int64_t s = kNow + when(rng), e = s + len(rng);
            const auto n = std::uint32_t(node(rng));
            switch (kind(rng)) {
            case 0:
                t.block(n, s, e);
                break;
            case 1:
                if (round % 2)  // memory alone in half the rounds
                    t.occupy(n, s, e, 0, std::uint64_t(memk(rng)));
                break;
            default:
                t.occupy(n, s, e, std::uint32_t(cpu(rng)), std::uint64_t(memk(rng)));
            }
        }
        for (int q = 0; q < 10; ++q) {
            Request r = req(std::uint32_t(1 + cpu(rng) * 9), len(rng));
            if (q % 2 == 0)
                r.mem_per_cpu_mb = 500;
            const std::int64_t nb = kNow + (q * 37) % 400;
            const std::optional<Placement> a = t.earliest(r, nb);
            const std::optional<std::int64_t> b = first_fit_by_step(t, r, nb, res);
            ASSERT_EQ(a.has_value(), b.has_value()) << "round " << round << " q " << q;
            if (a) {
                EXPECT_EQ(a->start, *b) << "round " << round << " q " << q;
            }
        }
    }
}

// The same as the plan fills: each request's earliest start is reserved
// before the next search, requests of a few sizes come back again and
// again (the searches keep where each size first fits in total), some
// with a later not_before, some on a copy, on clusters of 4 nodes (fewer
// than the total pays off for) and 16, with licences and GPUs.
TEST(Timeline, EarliestMatchesAFullSearchAsThePlanFills)
{
    std::mt19937 rng(23);
    for (int round = 0; round < 60; ++round) {
        const std::int64_t res = 10, window = 3000;
        const std::uint32_t n_nodes = round % 2 ? 16 : 4;
        Timeline t(nodes(n_nodes, 8, 4000), kNow, window, res);
        const std::uint32_t lic = t.add_license(6);
        const std::uint32_t gpu = t.add_gres();
        for (std::uint32_t n = 0; n < n_nodes; n += 2)
            t.set_gres(gpu, n, 2);
        std::uniform_int_distribution<int> when(0, 600), len(10, 700), size(0, 5), node(0, int(n_nodes) - 1);
        for (int k = 0; k < 8; ++k) {
            const std::int64_t s = kNow + when(rng);
            t.occupy(std::uint32_t(node(rng)), s, s + len(rng), 3, 500);
        }
        // Licences and GPUs taken at times of their own (reservations,
        // running jobs), so that their ends are starts no CPU change gives.
        for (int k = 0; k < 3; ++k) {
            const std::int64_t s = kNow + when(rng) + 3;
            t.use_license(lic, s, s + len(rng) + 7, 5);
            t.use_gres(gpu, 0, s + 5, s + len(rng) + 9, 2);
        }
        const std::uint32_t sizes[] = {1, 3, 8, 12, 2, 16};
        const std::int64_t lens[] = {60, 300, 120, 600, 30, 250};
        for (int q = 0; q < 40; ++q) {
            const int z = size(rng);
            Request r = req(std::min<std::uint32_t>(sizes[z], n_nodes * 8), lens[z]);
            if (q % 7 == 3)
                r.licenses = {{lic, 2}};
            if (q % 9 == 4)
                r.gres = {{gpu, 1, 1}};
            if (q % 5 == 1)
                r.mem_per_cpu_mb = 900;
            const std::int64_t nb = q % 4 == 2 ? kNow + when(rng) : kNow;
            const std::optional<Placement> a = t.earliest(r, nb);
            const std::optional<std::int64_t> b = first_fit_by_step(t, r, nb, res);
            ASSERT_EQ(a.has_value(), b.has_value()) << "round " << round << " q " << q;
            if (!a)
                continue;
            ASSERT_EQ(a->start, *b) << "round " << round << " q " << q;
            if (q % 6 == 5) {  // a copy finds the same, and is then left alone
                const Timeline copy = t;
                const std::optional<Placement> c = copy.earliest(r, nb);
                ASSERT_TRUE(c.has_value());
                EXPECT_EQ(c->start, a->start);
            }
            t.reserve(r, *a);
        }
    }
}

// LevelSteps (the timeline's total of usable CPUs, kept in blocks) against
// CountSteps (one map key per step) under the same random changes: the
// same value at every time, the same keys, and its searches for a level
// give the first step at or above it, or below it, as a walk of the map.
TEST(LevelSteps, AgreesWithAStepMapAndFindsLevels)
{
    std::mt19937 rng(31);
    for (int round = 0; round < 20; ++round) {
        LevelSteps fast(kNow, 40);
        CountSteps slow(kNow, 40);
        std::uniform_int_distribution<int> when(-20, 5000), len(1, 800), delta(-9, 9), level(-20, 60);
        for (int k = 0; k < 1500; ++k) {  // enough keys for many blocks
            const std::int64_t s = kNow + when(rng), e = s + len(rng);
            const std::int64_t d = delta(rng);
            fast.add(s, e, d);
            slow.add(s, e, d);
        }
        ASSERT_EQ(fast.size(), slow.steps().size());
        for (int q = 0; q < 300; ++q) {
            const std::int64_t t = kNow + when(rng);
            ASSERT_EQ(fast.at(t), slow.at(t)) << "t " << t;
            const std::int64_t lv = level(rng);
            const auto from = fast.at_or_before(std::max(t, kNow));
            const auto up = fast.first_at_least(from, lv);
            const auto down = fast.first_below(from, lv);
            auto it = std::prev(slow.steps().upper_bound(std::max(t, kNow)));
            auto want_up = it, want_down = it;
            while (want_up != slow.steps().end() && want_up->second < lv)
                ++want_up;
            while (want_down != slow.steps().end() && want_down->second >= lv)
                ++want_down;
            ASSERT_EQ(fast.is_end(up), want_up == slow.steps().end());
            if (!fast.is_end(up)) {
                EXPECT_EQ(fast.key(up), want_up->first);
                EXPECT_EQ(fast.value(up), want_up->second);
            }
            ASSERT_EQ(fast.is_end(down), want_down == slow.steps().end());
            if (!fast.is_end(down))
                EXPECT_EQ(fast.key(down), want_down->first);
            const auto nx = fast.after(t);
            const auto want_nx = slow.steps().upper_bound(t);
            ASSERT_EQ(fast.is_end(nx), want_nx == slow.steps().end());
            if (!fast.is_end(nx))
                EXPECT_EQ(fast.key(nx), want_nx->first);
        }
        // Walking every step in order gives the map's steps.
        auto it = slow.steps().begin();
        for (auto p = fast.at_or_before(kNow); !fast.is_end(p); p = fast.next(p), ++it) {
            ASSERT_NE(it, slow.steps().end());
            EXPECT_EQ(fast.key(p), it->first);
            EXPECT_EQ(fast.value(p), it->second);
        }
        EXPECT_EQ(it, slow.steps().end());
    }
}
