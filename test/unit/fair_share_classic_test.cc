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
