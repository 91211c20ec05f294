// Unit tests: the fold within an owner's batch (duration_scope=owner) and
// the order of a pass past the reservation depth (bf_order,
// bf_starve_age).  Expected values are worked out by hand in the comments.
#include "src/core/backfill_params.h"
#include "src/core/backfill_planner.h"
#include "src/core/duration_params.h"
#include "src/core/owner_fold.h"
#include "src/core/pass_order.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

using namespace tailfold;

namespace {

std::map<std::uint64_t, std::uint32_t> folded_by_order(const std::vector<FoldMember> &m)
{
    std::map<std::uint64_t, std::uint32_t> out;
    for (const FoldMember &x : m)
        out[x.order] = x.folded;
    return out;
}

}  // namespace

TEST(OwnerFold, LongestTakesTheOwnersHighestPriority)
{
    // One batch of three: bases 300 (job 1, short), 200 (job 2, long),
    // 100 (job 3, middle).  Boosts 0, 500, 250 give scores 300, 700, 350:
    // rank 2, 3, 1, so job 2 gets 300, job 3 200, job 1 100.
    std::vector<FoldMember> m = {{300, 0, 1, 0, 10}, {200, 500, 2, 0, 11}, {100, 250, 3, 0, 12}};
    FoldScratch s;
    fold_owner(m, 600, s);
    auto f = folded_by_order(m);
    EXPECT_EQ(f[2], 300u);
    EXPECT_EQ(f[3], 200u);
    EXPECT_EQ(f[1], 100u);
}

TEST(OwnerFold, EqualPrioritiesAreSetApart)
{
    // A bag submitted in one second: all bases 700.  Boosts 10, 30, 20:
    // ranks job 2, job 3, job 1, priorities 700, 699, 698.  Two jobs with
    // equal scores keep equal priorities (slurmctld's tie rule orders them).
    std::vector<FoldMember> m = {{700, 10, 1, 0, 5}, {700, 30, 2, 0, 5}, {700, 20, 3, 0, 5}, {700, 20, 4, 0, 5}};
    FoldScratch s;
    fold_owner(m, 600, s);
    auto f = folded_by_order(m);
    EXPECT_EQ(f[2], 700u);
    EXPECT_EQ(f[3], 699u);
    EXPECT_EQ(f[4], 699u);
    EXPECT_EQ(f[1], 698u);
}

TEST(OwnerFold, SmallBoostKeepsALargeAgeLead)
{
    // Bases 1000 (short) and 100 (long, boost 50): scores 1000 and 150, so
    // the fold changes nothing.
    std::vector<FoldMember> m = {{1000, 0, 1, 0, 0}, {100, 50, 2, 0, 0}};
    FoldScratch s;
    fold_owner(m, 600, s);
    auto f = folded_by_order(m);
    EXPECT_EQ(f[1], 1000u);
    EXPECT_EQ(f[2], 100u);
}

TEST(OwnerFold, ZeroBoostKeepsEveryPriorityEqualsFirstByOrder)
{
    std::vector<FoldMember> m = {{5, 0, 3, 0, 0}, {7, 0, 2, 0, 0}, {5, 0, 1, 0, 0}, {9, 0, 4, 0, 0}};
    FoldScratch s;
    fold_owner(m, 0, s);
    for (const FoldMember &x : m)
        EXPECT_EQ(x.folded, x.base) << "job " << x.order;
}

TEST(OwnerFold, APauseStartsANewBatch)
{
    // Jobs 1 and 2 eligible at 0 and 100 (one batch with a 10-minute gap
    // rule), job 3 at 2000: its own batch, so it keeps its base although
    // its boost is the largest.  In the first batch job 2 (boost 1000)
    // takes job 1's higher base.
    std::vector<FoldMember> m = {{500, 0, 1, 0, 0}, {400, 1000, 2, 0, 100}, {50, 5000, 3, 0, 2000}};
    FoldScratch s;
    fold_owner(m, 600, s);
    auto f = folded_by_order(m);
    EXPECT_EQ(f[2], 500u);
    EXPECT_EQ(f[1], 400u);
    EXPECT_EQ(f[3], 50u);
    // Without batches (0) job 3 takes the top priority.
    std::vector<FoldMember> all = {{500, 0, 1, 0, 0}, {400, 1000, 2, 0, 100}, {50, 5000, 3, 0, 2000}};
    fold_owner(all, 0, s);
    auto g = folded_by_order(all);
    EXPECT_EQ(g[3], 500u);
    EXPECT_EQ(g[2], 400u);
    EXPECT_EQ(g[1], 50u);
}

TEST(OwnerFold, EachBatchKeepsItsPrioritiesInScoreOrder)
{
    std::mt19937 rng(7);
    FoldScratch s;
    for (int round = 0; round < 50; ++round) {
        std::vector<FoldMember> m;
        const int n = 1 + int(rng() % 40);
        for (int i = 0; i < n; ++i)
            m.push_back({1 + std::uint32_t(rng() % 5000), std::int64_t(rng() % 3000), std::uint64_t(i), 0,
                         std::int64_t(rng() % 8000)});
        fold_owner(m, 600, s);
        // Batches by hand: eligible times sorted, split at gaps over 600.
        std::vector<FoldMember> e = m;
        std::sort(e.begin(), e.end(), [](const FoldMember &a, const FoldMember &b) {
            return a.eligible != b.eligible ? a.eligible < b.eligible : a.order < b.order;
        });
        std::size_t from = 0;
        for (std::size_t i = 1; i <= e.size(); ++i) {
            if (i < e.size() && e[i].eligible - e[i - 1].eligible <= 600)
                continue;
            std::vector<std::uint32_t> bases, folded;
            for (std::size_t k = from; k < i; ++k) {
                bases.push_back(e[k].base);
                folded.push_back(e[k].folded);
                for (std::size_t l = from; l < i; ++l) {
                    if (e[k].base + e[k].boost > e[l].base + e[l].boost && e[l].folded > 1) {
                        ASSERT_GT(e[k].folded, e[l].folded) << "round " << round;
                    }
                }
            }
            // Sorted, each folded priority is at most the base of the same
            // rank (lower only to break ties), and never 0.
            std::sort(bases.begin(), bases.end());
            std::sort(folded.begin(), folded.end());
            for (std::size_t k = 0; k < bases.size(); ++k) {
                ASSERT_LE(folded[k], bases[k]) << "round " << round;
                ASSERT_GE(folded[k], 1u);
            }
            if (std::adjacent_find(bases.begin(), bases.end()) == bases.end()) {
                ASSERT_EQ(bases, folded) << "round " << round;  // no ties: the same set
            }
            from = i;
        }
    }
}

TEST(DurationParams, ScopeAndBatch)
{
    DurationParams p;
    std::string err;
    ASSERT_TRUE(parse_duration_params(nullptr, p, err));
    EXPECT_EQ(p.scope, DurationScope::kOwner);
    EXPECT_EQ(p.batch_s, 600);
    ASSERT_TRUE(parse_duration_params("duration_scope=queue,duration_batch=1h", p, err)) << err;
    EXPECT_EQ(p.scope, DurationScope::kQueue);
    EXPECT_EQ(p.batch_s, 3600);
    EXPECT_FALSE(parse_duration_params("duration_scope=user", p, err));
    EXPECT_NE(err.find("duration_scope=user"), std::string::npos) << err;
    EXPECT_FALSE(parse_duration_params("duration_batch=soon", p, err));
    EXPECT_NE(err.find("duration_batch=soon"), std::string::npos) << err;
    // A site factor sees no other factor: queue by default, owner refused.
    DurationParams q;
    ASSERT_TRUE(parse_duration_params("duration_weight=5", q, err, kSiteFactorMaxWeight, false));
    EXPECT_EQ(q.scope, DurationScope::kQueue);
    EXPECT_FALSE(parse_duration_params("duration_scope=owner", q, err, kSiteFactorMaxWeight, false));
    EXPECT_NE(err.find("priority/tailfold"), std::string::npos) << err;
}

TEST(BackfillParams, OrderAndStarveAge)
{
    BackfillParams p;
    std::string err;
    ASSERT_TRUE(parse_backfill_params(nullptr, p, err));
    EXPECT_EQ(p.order, BackfillOrder::kPriority);
    EXPECT_EQ(p.starve_age_s, 0);
    ASSERT_TRUE(parse_backfill_params("bf_order=shortest,bf_starve_age=2d", p, err)) << err;
    EXPECT_EQ(p.order, BackfillOrder::kShortest);
    EXPECT_EQ(p.starve_age_s, 2 * 86400);
    EXPECT_FALSE(parse_backfill_params("bf_order=fastest", p, err));
    EXPECT_NE(err.find("bf_order=fastest"), std::string::npos) << err;
    EXPECT_FALSE(parse_backfill_params("bf_starve_age=-1", p, err));
    EXPECT_FALSE(parse_backfill_params("bf_starve_age", p, err));
    EXPECT_FALSE(parse_backfill_params("bf_starve_age=400d", p, err));
}

TEST(PassOrder, ShortestFirstStarvingBeforeAll)
{
    // Priority order 0..4; expected runtimes 500, 60, 300, 60, 1000; job 3
    // starving.  shortest: 3 (starving), then 1 (60), 2 (300), 0, 4.
    std::vector<TailJob> t = {{0, 500, false}, {1, 60, false}, {2, 300, false}, {3, 60, true}, {4, 1000, false}};
    order_tail(t, BackfillOrder::kShortest);
    std::vector<std::size_t> got;
    for (const TailJob &j : t)
        got.push_back(j.ref);
    EXPECT_EQ(got, (std::vector<std::size_t>{3, 1, 2, 0, 4}));
    // priority: 3 first, the rest in priority order.
    std::vector<TailJob> u = {{0, 500, false}, {1, 60, false}, {2, 300, false}, {3, 60, true}, {4, 1000, false}};
    order_tail(u, BackfillOrder::kPriority);
    got.clear();
    for (const TailJob &j : u)
        got.push_back(j.ref);
    EXPECT_EQ(got, (std::vector<std::size_t>{3, 0, 1, 2, 4}));
    EXPECT_TRUE(is_starving(100, 100 + 172800, 172800));
    EXPECT_FALSE(is_starving(100, 100 + 172799, 172800));
    EXPECT_FALSE(is_starving(100, 100 + 999999, 0));
}

TEST(PassOrder, StarvingJobHoldsAStartPastTheDepth)
{
    // One 4-CPU node busy until +100.  The top job (4 CPUs, 100 s) holds
    // +100; a second 4-CPU job past the depth gets only an estimate,
    // unless it is starving: then it holds +200, and a 4-CPU job of 150 s
    // can no longer be planned at +200.
    const std::int64_t now = 1000000;
    Timeline t({NodeCapacity{4, 4000, true}}, now, 86400, 1);
    t.occupy(0, now - 10, now + 100, 4, 0);
    BackfillPass pass(t, 1);
    Request r;
    r.cpus = 4;
    r.duration_s = 100;
    EXPECT_EQ(pass.hold(r, now).kind, PlanKind::kReserved);
    EXPECT_TRUE(pass.depth_full());
    EXPECT_EQ(pass.hold(r, now).kind, PlanKind::kWaiting);
    const PlanDecision d = pass.hold(r, now, true, 1, true);
    EXPECT_EQ(d.kind, PlanKind::kReserved);
    EXPECT_EQ(d.placement.start, now + 200);
    Request longer = r;
    longer.duration_s = 150;
    EXPECT_EQ(t.earliest(longer, now)->start, now + 300);
}
