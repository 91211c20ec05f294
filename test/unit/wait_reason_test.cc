// Unit tests: the forecast of every pending job's start, and what a
// pending job waits for.
#include "src/core/backfill_planner.h"
#include "src/core/start_forecast.h"
#include "src/core/wait_reason.h"

#include <gtest/gtest.h>

using namespace tailfold;

namespace {

constexpr std::int64_t kNow = 1000000;

std::vector<NodeCapacity> nodes(std::size_t n, std::uint32_t cpus = 4)
{
    return std::vector<NodeCapacity>(n, NodeCapacity{cpus, 0, true});
}

Request req(std::uint32_t cpus, std::int64_t dur)
{
    Request r;
    r.cpus = cpus;
    r.duration_s = dur;
    return r;
}

}  // namespace

// Each estimate counts the estimates before it: whole-node jobs follow
// each other instead of all sharing the first free moment.
TEST(StartForecast, EstimatesQueueBehindEachOther)
{
    Timeline t(nodes(1), kNow, 86400, 1);
    t.occupy(0, kNow - 10, kNow + 100, 4, 0);
    StartForecast f(t);
    EXPECT_EQ(f.place(req(4, 100), kNow)->start, kNow + 100);
    EXPECT_EQ(f.place(req(4, 50), kNow)->start, kNow + 200);
    EXPECT_EQ(f.place(req(4, 50), kNow)->start, kNow + 250);
    // The plan it was made from is untouched.
    EXPECT_EQ(t.free_at(0, kNow + 220).first, 4);
    EXPECT_EQ(f.plan().free_at(0, kNow + 220).first, 0);
}

// A started job takes its place too; small jobs fit in the holes; the
// tasks of an array follow each other; a job bigger than the cluster gets
// no place.
TEST(StartForecast, StartsHolesArraysAndNoFit)
{
    Timeline t(nodes(1, 8), kNow, 3600, 1);
    t.occupy(0, kNow - 10, kNow + 100, 4, 0);
    StartForecast f(t);
    EXPECT_EQ(f.place(req(8, 100), kNow)->start, kNow + 100);
    Placement now;
    now.start = kNow;
    now.nodes = {{0, 2}};
    f.started(req(2, 50), now);
    // 2 CPUs free now; 4 from the started job's end (+50) to +100.
    EXPECT_EQ(f.place(req(4, 50), kNow)->start, kNow + 50);
    EXPECT_EQ(f.place(req(2, 50), kNow)->start, kNow);
    // Three tasks: +200, +300, +400.
    EXPECT_EQ(f.place(req(8, 100), kNow, 3)->start, kNow + 200);
    EXPECT_EQ(f.plan().free_at(0, kNow + 450).first, 0);
    EXPECT_EQ(f.plan().free_at(0, kNow + 550).first, 8);
    EXPECT_FALSE(f.place(req(16, 10), kNow));
}

// A job that fits on what running jobs leave is blocked by the held start
// it would delay, named by the caller's tag.
TEST(WaitReason, HeldStartNamed)
{
    Timeline t(nodes(2), kNow, 86400, 1);
    t.occupy(0, kNow - 10, kNow + 100, 4, 0);
    t.occupy(1, kNow - 10, kNow + 300, 2, 0);
    WaitExplainer why(t);
    BackfillPass pass(t, 1);
    const Request big = req(6, 500);  // needs node 0 whole and 2 of node 1
    PlanDecision h = pass.hold(big, kNow);
    ASSERT_EQ(h.kind, PlanKind::kReserved);
    why.held(42, big, h.placement);
    const Request mid = req(2, 200);  // 2 free on node 1 now, but the held job needs them
    EXPECT_FALSE(pass.start_now(mid));
    PlanDecision e = pass.hold(mid, kNow);
    WaitReason w = why.explain(mid, kNow);
    EXPECT_EQ(w.cause, WaitCause::kHeldStart);
    EXPECT_EQ(w.held_tag, 42u);
    EXPECT_EQ(w.held_start, h.placement.start);
}

// A job that running jobs keep out waits for resources until they end;
// once jobs ahead are planned there first, it says so.
TEST(WaitReason, ResourcesAndJobsAhead)
{
    Timeline t(nodes(1), kNow, 86400, 1);
    t.occupy(0, kNow - 10, kNow + 100, 4, 0);
    WaitExplainer why(t);
    BackfillPass pass(t, 1);
    PlanDecision h = pass.hold(req(4, 100), kNow);
    why.held(1, req(4, 100), h.placement);
    WaitReason first = why.explain(req(4, 100), kNow);
    note_jobs_ahead(first, h.placement.start);
    EXPECT_EQ(first.cause, WaitCause::kResources);
    EXPECT_EQ(first.free_at, kNow + 100);
    EXPECT_FALSE(first.jobs_ahead);
    PlanDecision e = pass.hold(req(4, 50), kNow);
    WaitReason second = why.explain(req(4, 50), kNow);
    EXPECT_FALSE(second.jobs_ahead);
    WaitReason beyond = second;
    note_jobs_ahead(beyond, std::nullopt);  // jobs ahead fill the whole window
    EXPECT_TRUE(beyond.jobs_ahead);
    note_jobs_ahead(second, e.placement.start);
    EXPECT_EQ(second.cause, WaitCause::kResources);
    EXPECT_EQ(second.free_at, kNow + 100);
    EXPECT_TRUE(second.jobs_ahead);
}

// Scarce licences and generic resources are told apart from CPUs.
TEST(WaitReason, LicenseAndGres)
{
    Timeline t(nodes(2), kNow, 86400, 1);
    const std::uint32_t lic = t.add_license(2);
    t.use_license(lic, kNow - 10, kNow + 300, 2);
    const std::uint32_t gpu = t.add_gres();
    t.set_gres(gpu, 0, 1);
    t.set_gres(gpu, 1, 1);
    t.use_gres(gpu, 0, kNow - 10, kNow + 200, 1);
    t.use_gres(gpu, 1, kNow - 10, kNow + 200, 1);
    WaitExplainer why(t);
    Request l = req(1, 50);
    l.licenses = {{lic, 1}};
    WaitReason wl = why.explain(l, kNow);
    EXPECT_EQ(wl.cause, WaitCause::kLicense);
    EXPECT_EQ(wl.which, lic);
    EXPECT_EQ(wl.free_at, kNow + 300);
    Request g = req(1, 50);
    g.gres = {{gpu, 1, 1}};
    WaitReason wg = why.explain(g, kNow);
    EXPECT_EQ(wg.cause, WaitCause::kGres);
    EXPECT_EQ(wg.which, gpu);
    EXPECT_EQ(wg.free_at, kNow + 200);
    EXPECT_EQ(why.explain(req(16, 50), kNow).cause, WaitCause::kNoFit);
}
