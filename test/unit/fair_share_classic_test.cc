// Unit tests: classic fair-share factor F = 2^(-(U/S)/d), from Slurm's
// priority_multifactor documentation.
#include "src/core/fair_share_classic.h"

#include <gtest/gtest.h>

#include <cmath>

using tailfold::classic_fair_share_factor;

TEST(ClassicFairShare, DocumentedPoints)
{
    // No usage: full factor.  Usage equal to shares: one half.  Twice: a quarter.
    EXPECT_DOUBLE_EQ(classic_fair_share_factor(0.0L, 0.25, 1), 1.0);
    EXPECT_DOUBLE_EQ(classic_fair_share_factor(0.25L, 0.25, 1), 0.5);
    EXPECT_DOUBLE_EQ(classic_fair_share_factor(0.5L, 0.25, 1), 0.25);
}

TEST(ClassicFairShare, DampeningSlowsTheFall)
{
    // Dampening 2 halves the exponent: twice the shares then gives one half.
    EXPECT_DOUBLE_EQ(classic_fair_share_factor(0.5L, 0.25, 2), 0.5);
    EXPECT_LT(classic_fair_share_factor(0.5L, 0.25, 1), classic_fair_share_factor(0.5L, 0.25, 2));
}

TEST(ClassicFairShare, DampeningBelowOneIsOne)
{
    EXPECT_DOUBLE_EQ(classic_fair_share_factor(0.5L, 0.25, 0),
                     classic_fair_share_factor(0.5L, 0.25, 1));
}

TEST(ClassicFairShare, NoSharesNoClaim)
{
    EXPECT_EQ(classic_fair_share_factor(0.0L, 0.0, 1), 0.0);
    EXPECT_EQ(classic_fair_share_factor(0.1L, -1.0, 1), 0.0);
}

TEST(ClassicFairShare, MonotoneInUsage)
{
    double prev = 2.0;
    for (int i = 0; i <= 20; ++i) {
        const double f = classic_fair_share_factor(0.05L * i, 0.3, 1);
        EXPECT_LT(f, prev);
        EXPECT_GE(f, 0.0);
        EXPECT_LE(f, 1.0);
        prev = f;
    }
}

// Classic effective usage: UE = UA + (UE_parent - UA) * S_child / S_siblings.
TEST(ClassicUsage, ChildrenOfRootUseTheirNormalisedUsage)
{
    tailfold::AssocNode a;
    a.shares_raw = 40;
    a.level_shares = 100;
    EXPECT_EQ(tailfold::classic_usage_efctv(a, 0.3L, 0.9L, true), 0.3L);
}

TEST(ClassicUsage, DeeperLevelsBlendWithTheParent)
{
    tailfold::AssocNode a;
    a.shares_raw = 1;
    a.level_shares = 4;
    // 0.2 + (0.6 - 0.2) * 1/4 = 0.3
    EXPECT_DOUBLE_EQ(static_cast<double>(tailfold::classic_usage_efctv(a, 0.2L, 0.6L, false)), 0.3);
    a.level_shares = 0;  // nobody has shares: the parent's
    EXPECT_EQ(tailfold::classic_usage_efctv(a, 0.2L, 0.6L, false), 0.6L);
    a.level_shares = 4;
    a.use_parent = true;
    EXPECT_EQ(tailfold::classic_usage_efctv(a, 0.2L, 0.6L, false), 0.6L);
}

TEST(ClassicUsage, AccountPassWalksParentsFirst)
{
    using namespace tailfold;
    AssocTree t;
    AssocNode root;
    root.usage_raw = 100;
    t.add(root, 0);
    AssocNode A;
    A.shares_raw = 1;
    A.level_shares = 2;
    A.usage_raw = 50;
    const auto a = t.add(A, 0);
    AssocNode S;
    S.shares_raw = 1;
    S.level_shares = 4;
    S.usage_raw = 10;
    const auto s = t.add(S, a);
    AssocNode U;
    U.is_user = true;
    U.usage_raw = 10;
    const auto u = t.add(U, s);
    t.finish();
    std::vector<AssocFairShare> out(t.size());
    out[0].usage_efctv = 1;
    out[u].usage_efctv = 123;  // users are left alone
    classic_account_pass(t, out);
    EXPECT_DOUBLE_EQ(static_cast<double>(out[a].usage_efctv), 0.5);
    // 0.1 + (0.5 - 0.1) / 4
    EXPECT_DOUBLE_EQ(static_cast<double>(out[s].usage_efctv), 0.2);
    EXPECT_EQ(out[u].usage_efctv, 123);
}

TEST(ClassicFairShare, UsageNormIsAShareOfTheRootsAtMostOne)
{
    // Both algorithms start from it (assoc_tree.h): U / U_root, capped at 1
    // (old usage can exceed the root's after a shorter half-life), 0 when
    // the root has none.
    EXPECT_EQ(tailfold::usage_norm(50.0L, 200.0L), 0.25L);
    EXPECT_EQ(tailfold::usage_norm(300.0L, 200.0L), 1.0L);
    EXPECT_EQ(tailfold::usage_norm(5.0L, 0.0L), 0.0L);
}
