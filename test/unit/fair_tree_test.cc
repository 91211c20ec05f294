// Unit tests: Fair Tree ranking, from Slurm's fair_tree documentation:
// LF = S/U per level, users ranked depth first in descending LF, factor =
// rank / user count, ties as described in src/core/fair_tree.h.
#include "src/core/fair_tree.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

using namespace tailfold;

namespace {

AssocNode account(long double shares_norm, long double usage)
{
    AssocNode a;
    a.shares_norm = shares_norm;
    a.usage_raw = usage;
    return a;
}

AssocNode user(long double shares_norm, long double usage)
{
    AssocNode a = account(shares_norm, usage);
    a.is_user = true;
    return a;
}

struct Ranked {
    AssocTree tree;
    std::vector<AssocFairShare> out;
    void rank()
    {
        tree.finish();
        FairTree ft;
        ft.rank(tree, tree.user_count(), out);
    }
};

}  // namespace

TEST(FairTree, LevelFairshareIsSharesOverEffectiveUsage)
{
    Ranked r;
    r.tree.add(account(1, 100), 0);
    const auto a = r.tree.add(user(0.5, 25), 0);  // U = 0.25, LF = 2
    const auto b = r.tree.add(user(0.5, 75), 0);  // U = 0.75, LF = 2/3
    r.rank();
    EXPECT_DOUBLE_EQ(static_cast<double>(r.out[a].usage_efctv), 0.25);
    EXPECT_DOUBLE_EQ(static_cast<double>(r.out[a].level_fs), 2.0);
    EXPECT_NEAR(static_cast<double>(r.out[b].level_fs), 2.0 / 3, 1e-15);
    EXPECT_DOUBLE_EQ(static_cast<double>(r.out[b].usage_norm), 0.75);
    // Two users: the under-served one ranks first.
    EXPECT_DOUBLE_EQ(r.out[a].fs_factor, 1.0);
    EXPECT_DOUBLE_EQ(r.out[b].fs_factor, 0.5);
}

TEST(FairTree, ThreeUsersRankOneTwoThirdsOneThird)
{
    Ranked r;
    r.tree.add(account(1, 60), 0);
    const auto a = r.tree.add(user(1.0 / 3, 10), 0);
    const auto b = r.tree.add(user(1.0 / 3, 20), 0);
    const auto c = r.tree.add(user(1.0 / 3, 30), 0);
    r.rank();
    EXPECT_DOUBLE_EQ(r.out[a].fs_factor, 1.0);
    EXPECT_DOUBLE_EQ(r.out[b].fs_factor, 2.0 / 3);
    EXPECT_DOUBLE_EQ(r.out[c].fs_factor, 1.0 / 3);
}

TEST(FairTree, AccountOrderDominatesDeepTrees)
{
    // root -> A (under-served) -> a1 (heavy user), a2
    //      -> B (over-served)  -> b1 (no usage at all)
    // Every user of A ranks above every user of B, whatever b1's usage.
    Ranked r;
    r.tree.add(account(1, 100), 0);
    const auto A = r.tree.add(account(0.5, 20), 0);
    const auto B = r.tree.add(account(0.5, 80), 0);
    const auto a1 = r.tree.add(user(0.5, 19), A);
    const auto a2 = r.tree.add(user(0.5, 1), A);
    const auto b1 = r.tree.add(user(0.5, 0), B);
    const auto b2 = r.tree.add(user(0.5, 80), B);
    r.rank();
    EXPECT_GT(r.out[A].level_fs, r.out[B].level_fs);
    EXPECT_DOUBLE_EQ(r.out[a2].fs_factor, 1.0);
    EXPECT_DOUBLE_EQ(r.out[a1].fs_factor, 0.75);
    EXPECT_DOUBLE_EQ(r.out[b1].fs_factor, 0.5);
    EXPECT_DOUBLE_EQ(r.out[b2].fs_factor, 0.25);
    // Effective usage is relative to the level: b2 used all of B's.
    EXPECT_DOUBLE_EQ(static_cast<double>(r.out[b2].usage_efctv), 1.0);
    EXPECT_DOUBLE_EQ(static_cast<double>(r.out[b2].usage_norm), 0.8);
}

TEST(FairTree, ZeroUsageIsInfiniteAndZeroSharesIsZero)
{
    Ranked r;
    r.tree.add(account(1, 10), 0);
    const auto none = r.tree.add(user(0, 0), 0);       // no shares: LF 0, last
    const auto idle = r.tree.add(user(0.5, 0), 0);     // no usage: LF inf, first
    const auto busy = r.tree.add(user(0.5, 10), 0);
    r.rank();
    EXPECT_TRUE(std::isinf(r.out[idle].level_fs));
    EXPECT_EQ(r.out[none].level_fs, 0);
    EXPECT_DOUBLE_EQ(r.out[idle].fs_factor, 1.0);
    EXPECT_DOUBLE_EQ(r.out[busy].fs_factor, 2.0 / 3);
    EXPECT_DOUBLE_EQ(r.out[none].fs_factor, 1.0 / 3);
}

TEST(FairTree, NoUsageAnywhereTiesEveryone)
{
    // A fresh cluster: every LF is infinite, so all users share the top rank.
    Ranked r;
    r.tree.add(account(1, 0), 0);
    const auto A = r.tree.add(account(0.4, 0), 0);
    const auto B = r.tree.add(account(0.6, 0), 0);
    const auto a = r.tree.add(user(1, 0), A);
    const auto b = r.tree.add(user(1, 0), B);
    const auto c = r.tree.add(user(1, 0), B);
    r.rank();
    EXPECT_DOUBLE_EQ(r.out[a].fs_factor, 1.0);
    EXPECT_DOUBLE_EQ(r.out[b].fs_factor, 1.0);
    EXPECT_DOUBLE_EQ(r.out[c].fs_factor, 1.0);
    EXPECT_EQ(r.out[a].usage_norm, 0);
}

TEST(FairTree, TiedUsersShareARank)
{
    Ranked r;
    r.tree.add(account(1, 100), 0);
    const auto a = r.tree.add(user(0.25, 10), 0);  // LF 2.5
    const auto b = r.tree.add(user(0.25, 10), 0);  // LF 2.5, tied with a
    const auto c = r.tree.add(user(0.5, 80), 0);   // LF 0.625
    r.rank();
    EXPECT_DOUBLE_EQ(r.out[a].fs_factor, 1.0);
    EXPECT_DOUBLE_EQ(r.out[b].fs_factor, 1.0);
    // The next rank skips the tie: third of three.
    EXPECT_DOUBLE_EQ(r.out[c].fs_factor, 1.0 / 3);
}

TEST(FairTree, UserTiedWithAccountGivesItsFirstUserTheSameRank)
{
    // "A user with the same Level Fairshare as a sibling account will
    // receive the same rank as its highest ranked user."  Users sort first.
    Ranked r;
    r.tree.add(account(1, 100), 0);
    const auto A = r.tree.add(account(0.5, 50), 0);  // LF 1
    const auto u = r.tree.add(user(0.5, 50), 0);     // LF 1
    const auto a1 = r.tree.add(user(0.5, 10), A);
    const auto a2 = r.tree.add(user(0.5, 40), A);
    r.rank();
    EXPECT_DOUBLE_EQ(r.out[u].fs_factor, 1.0);
    EXPECT_DOUBLE_EQ(r.out[a1].fs_factor, 1.0);
    EXPECT_DOUBLE_EQ(r.out[a2].fs_factor, 1.0 / 3);
}

TEST(FairTree, TiedAccountsAreVisitedInTurnNotMerged)
{
    // Two accounts with the same LF.  Slurm 22.05.8 descends into each in
    // tree order; the second starts tied, so its best user shares the rank
    // of the first account's last user.
    Ranked r;
    r.tree.add(account(1, 100), 0);
    const auto A = r.tree.add(account(0.5, 50), 0);
    const auto B = r.tree.add(account(0.5, 50), 0);
    const auto a1 = r.tree.add(user(0.5, 10), A);
    const auto a2 = r.tree.add(user(0.5, 40), A);
    const auto b1 = r.tree.add(user(0.5, 5), B);
    const auto b2 = r.tree.add(user(0.5, 45), B);
    r.rank();
    EXPECT_DOUBLE_EQ(r.out[a1].fs_factor, 1.0);
    EXPECT_DOUBLE_EQ(r.out[a2].fs_factor, 0.75);
    EXPECT_DOUBLE_EQ(r.out[b1].fs_factor, 0.75);
    EXPECT_DOUBLE_EQ(r.out[b2].fs_factor, 0.25);
}

TEST(FairTree, FairShareParent)
{
    Ranked r;
    r.tree.add(account(1, 100), 0);
    AssocNode up = user(0, 30);
    up.use_parent = true;
    const auto u = r.tree.add(up, 0);
    AssocNode ap = account(0, 30);
    ap.use_parent = true;
    const auto a = r.tree.add(ap, 0);
    r.rank();
    EXPECT_TRUE(std::isinf(r.out[u].level_fs));
    EXPECT_EQ(r.out[a].level_fs, kLevelFsNoValue);
}

TEST(FairTree, RanksDivideByTheGivenUserCount)
{
    // slurmctld divides by every user association it holds, including
    // ones outside this tree (e.g. root's own user association).
    AssocTree t;
    t.add(account(1, 10), 0);
    const auto a = t.add(user(1, 10), 0);
    t.finish();
    std::vector<AssocFairShare> out;
    FairTree ft;
    ft.rank(t, 4, out);
    EXPECT_DOUBLE_EQ(out[a].fs_factor, 1.0);
    const auto b = 0;  // the root's entry is left alone
    EXPECT_EQ(out[b].fs_factor, 0);
}

TEST(FairTree, ReusedAcrossPassesAndLargeTrees)
{
    // 3 levels, 10 accounts x 10 sub-accounts x 10 users: every user gets a
    // distinct rank when usage differs, and factors are 1..1/1000.
    AssocTree t;
    t.add(account(1, 1e6), 0);
    std::uint32_t n = 0;
    for (int i = 0; i < 10; ++i) {
        auto A = t.add(account(0.1, 1000 + i), 0);
        for (int j = 0; j < 10; ++j) {
            auto S = t.add(account(0.1, 100 + j), A);
            for (int k = 0; k < 10; ++k, ++n)
                t.add(user(0.1, 1 + k + 0.001 * n), S);
        }
    }
    t.finish();
    FairTree ft;
    std::vector<AssocFairShare> out;
    for (int pass = 0; pass < 2; ++pass) {
        ft.rank(t, t.user_count(), out);
        std::vector<double> f;
        for (std::uint32_t i = 0; i < t.size(); ++i)
            if (t.node(i).is_user)
                f.push_back(out[i].fs_factor);
        std::sort(f.begin(), f.end());
        ASSERT_EQ(f.size(), 1000u);
        for (std::size_t i = 0; i < f.size(); ++i)
            EXPECT_DOUBLE_EQ(f[i], (i + 1) / 1000.0);
    }
}

// A FairTree ranks each pass starting from the last pass's sibling order.
// Whatever that order was, and however the tree changed meanwhile, the
// ranking must be the one a fresh FairTree gives: ties (zero usage, equal
// usage, users beside accounts), a few usages moved, all of them moved, a
// tree of another shape in between.
TEST(FairTree, LastPassOrderNeverChangesTheRanking)
{
    std::uint64_t seed = 12345;
    auto next = [&](std::uint32_t n) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        return std::uint32_t((seed >> 33) % n);
    };
    struct Shape {
        std::vector<std::uint32_t> parent;  // per node after the root
        std::vector<bool> is_user;
    };
    auto random_shape = [&](std::uint32_t accounts, std::uint32_t users) {
        Shape s;
        for (std::uint32_t a = 0; a < accounts; ++a) {
            s.parent.push_back(a == 0 ? 0 : next(a + 1));  // the root or an earlier account
            s.is_user.push_back(false);
        }
        for (std::uint32_t u = 0; u < users; ++u) {
            s.parent.push_back(next(accounts + 1));  // the root or any account
            s.is_user.push_back(true);
        }
        return s;
    };
    auto build = [&](const Shape &s, const std::vector<long double> &usage, AssocTree &t) {
        t.clear();
        t.add(account(1, 0), AssocTree::kNone);
        for (std::size_t i = 0; i < s.parent.size(); ++i) {
            AssocNode n = s.is_user[i] ? user(0.25L + (i % 3), usage[i]) : account(1, usage[i]);
            t.add(n, s.parent[i]);
        }
        t.finish();
        // Parents' usage is their children's sum, as slurmctld keeps it.
        std::vector<long double> sum(t.size(), 0);
        for (std::uint32_t i = t.size() - 1; i > 0; --i) {
            sum[i] += t.node(i).is_user ? t.node(i).usage_raw : 0;
            t.set_usage(i, sum[i]);
            sum[t.fs_parent(i)] += sum[i];
        }
        t.set_usage(0, sum[0]);
    };
    // Small usages from few values, so that ties are common.
    auto random_usage = [&](std::size_t n) {
        std::vector<long double> u(n);
        for (auto &x : u)
            x = next(4) == 0 ? 0 : 10 * (1 + next(6));
        return u;
    };
    FairTree hinted;
    std::size_t compared = 0;
    for (int round = 0; round < 40; ++round) {
        const Shape s = random_shape(1 + next(6), 2 + next(60));
        std::vector<long double> usage = random_usage(s.parent.size());
        for (int pass = 0; pass < 25; ++pass) {
            if (pass > 0) {
                const std::uint32_t moves = pass % 7 == 0 ? std::uint32_t(usage.size()) : 1 + next(3);
                for (std::uint32_t m = 0; m < moves; ++m)
                    usage[next(std::uint32_t(usage.size()))] = next(4) == 0 ? 0 : 10 * (1 + next(6));
            }
            AssocTree t;
            build(s, usage, t);
            std::vector<AssocFairShare> got, want;
            hinted.rank(t, t.user_count(), got);
            FairTree fresh;
            fresh.rank(t, t.user_count(), want);
            for (std::uint32_t i = 1; i < t.size(); ++i) {
                ASSERT_EQ(got[i].fs_factor, want[i].fs_factor) << "round " << round << " pass " << pass << " node " << i;
                ASSERT_EQ(got[i].level_fs, want[i].level_fs);
                ++compared;
            }
        }
    }
    EXPECT_GT(compared, 20000u);
}
