// Unit tests: chain credit (src/core/chain_credit.h).
#include <gtest/gtest.h>

#include <random>

#include "src/core/chain_credit.h"
#include "src/core/duration_params.h"
#include "src/core/job_priority.h"

using tailfold::ChainBook;
using tailfold::ChainLink;

namespace {

ChainLink link(std::uint32_t user, std::int64_t eligible, std::int64_t start, std::int64_t end,
               std::int64_t credit = 0)
{
    ChainLink l;
    l.user = user;
    l.eligible = eligible;
    l.start = start;
    l.end = end;
    l.credit_s = credit;
    return l;
}

}  // namespace

TEST(ChainCredit, WaitPlusCarriedCredit)
{
    // Eligible at 100, started at 400: waited 300, carried 50 from its own chain.
    EXPECT_EQ(tailfold::link_credit(link(7, 100, 400, 900, 50), 7, 150), 350);
}

TEST(ChainCredit, OnlyLinksThatRanOfTheSameUserAndEndedAfterTheSubmit)
{
    EXPECT_EQ(tailfold::link_credit(link(8, 100, 400, 900), 7, 150), -1);  // another user
    EXPECT_EQ(tailfold::link_credit(link(7, 100, 0, 900), 7, 150), -1);    // cancelled before it ran
    EXPECT_EQ(tailfold::link_credit(link(7, 100, 400, 0), 7, 150), -1);    // has not ended
    EXPECT_EQ(tailfold::link_credit(link(7, 100, 400, 900), 7, 901), -1);  // submitted after its end
    EXPECT_EQ(tailfold::link_credit(link(7, 100, 400, 900), 7, 900), 300); // submitted at its end
}

TEST(ChainCredit, ARunningPredecessorCountsAsEndedNow)
{
    const ChainLink running = tailfold::link_as_of(link(7, 100, 400, 0, 20), 1000);
    EXPECT_EQ(running.end, 1000);
    EXPECT_EQ(tailfold::link_credit(running, 7, 150), 320);
    EXPECT_EQ(tailfold::link_as_of(link(7, 100, 0, 0), 1000).end, 0);     // not started: nothing
    EXPECT_EQ(tailfold::link_as_of(link(7, 100, 400, 900), 1000).end, 900);  // ended: its own end
    EXPECT_TRUE(tailfold::gives_more(link(7, 10, 70, 120), link(7, 10, 20, 100)));
    EXPECT_FALSE(tailfold::gives_more(link(7, 10, 20, 100), link(7, 10, 70, 120)));
}

TEST(ChainCredit, LongestPathOfSeveralPredecessorsAndCap)
{
    const ChainLink preds[] = {link(7, 100, 400, 900), link(7, 0, 50, 800, 1000), link(9, 0, 10, 900, 99999)};
    EXPECT_EQ(tailfold::chain_credit(7, 100, preds, 3, 0), 1000);  // max, not sum; user 9 ignored
    EXPECT_EQ(tailfold::chain_credit(7, 100, preds, 3, 600), 600);
    EXPECT_EQ(tailfold::chain_credit(7, 100, preds, 0, 600), 0);
}

TEST(ChainBook, AChainCarriesItsWaitsLinkToLink)
{
    ChainBook b;
    // Five links submitted together at t=0 by user 5; each waits 100 s.
    for (ChainBook::Key k = 2; k <= 5; ++k)
        b.watch(k, 5, 0, {k - 1});
    std::int64_t t = 1000, carried = 0;
    for (ChainBook::Key k = 1; k <= 5; ++k) {
        const std::int64_t eligible = t, start = t + 100, end = start + 1800;
        if (k > 1) {
            EXPECT_EQ(b.settle(k, 0), carried) << "link " << k;
        }
        b.ended(k, link(5, eligible, start, end, b.credit(k)));
        carried += 100;
        t = end;
    }
    EXPECT_EQ(b.credit(5), 400);
}

TEST(ChainBook, PredecessorNeverSeenToEndGivesNothingAndSettleIsFinal)
{
    ChainBook b;
    b.watch(10, 1, 0, {9});
    EXPECT_FALSE(b.settled(10));
    EXPECT_TRUE(b.wanted(9));
    EXPECT_EQ(b.settle(10, 0), 0);
    EXPECT_TRUE(b.settled(10));
    EXPECT_FALSE(b.wanted(9));
    b.ended(9, link(1, 0, 500, 900));  // too late: nobody waits for it
    EXPECT_EQ(b.links(), 0u);
    EXPECT_EQ(b.settle(10, 0), 0);
    b.watch(10, 1, 0, {8});  // a settled job is not watched again
    EXPECT_FALSE(b.wanted(8));
}

TEST(ChainBook, ArrayKeyKeepsTheTaskGivingMost)
{
    ChainBook b;
    const ChainBook::Key arr = ChainBook::array_key(40);
    EXPECT_TRUE(ChainBook::is_array_key(arr));
    b.watch(50, 3, 0, {arr});
    b.ended(arr, link(3, 10, 20, 100));   // 10
    b.ended(arr, link(3, 10, 70, 120));   // 60
    b.ended(arr, link(3, 10, 30, 130));   // 20
    EXPECT_EQ(b.settle(50, 0), 60);
}

TEST(ChainBook, UpdatedDependencyReplacesPredecessors)
{
    ChainBook b;
    b.watch(20, 1, 0, {11, 12});
    b.watch(20, 1, 0, {13});
    EXPECT_FALSE(b.wanted(11));
    EXPECT_TRUE(b.wanted(13));
}

TEST(ChainBook, PruneForgetsGoneJobsAndUnwantedLinks)
{
    ChainBook b;
    b.watch(2, 1, 0, {1});
    b.watch(4, 1, 0, {3});
    b.ended(1, link(1, 1, 11, 20));
    b.ended(3, link(1, 1, 11, 20));
    b.prune([](ChainBook::Key k) { return k != 4; });
    EXPECT_EQ(b.successors(), 1u);
    EXPECT_EQ(b.links(), 1u);
    EXPECT_EQ(b.settle(2, 0), 10);
}

TEST(ChainBook, SavesAndLoadsItselfExactly)
{
    ChainBook b;
    b.watch(2, 1000, 5, {1, ChainBook::array_key(77)});
    b.watch(9, 1001, 6, {8});
    b.ended(1, link(1000, 3, 40, 60, 7));
    b.ended(8, link(1001, 1, 11, 20));
    b.settle(9, 0);
    const std::string text = b.save();
    ChainBook c;
    std::string err;
    ASSERT_TRUE(c.parse(text, err)) << err;
    EXPECT_EQ(c.save(), text);
    EXPECT_EQ(c.credit(9), 10);
    EXPECT_TRUE(c.wanted(ChainBook::array_key(77)));
    EXPECT_EQ(c.settle(2, 0), 44);  // waited 37, carried 7
}

TEST(ChainBook, DamagedTextIsRefusedWholeWithItsLine)
{
    ChainBook b;
    b.watch(2, 1, 0, {1});
    b.ended(1, link(1, 0, 10, 20));
    const std::string good = b.save();
    ChainBook c;
    c.watch(99, 1, 0, {98});
    std::string err;
    EXPECT_FALSE(c.parse("", err));
    EXPECT_EQ(err, "empty (0 bytes)");
    const std::string bad[] = {
        "tailfold-chains 2\nend 0\n",                         // another version
        good.substr(0, good.size() / 2),                      // cut short
        "tailfold-chains 1\ns 2 1 0 0 0 1\nend 2\n",          // wrong count
        "tailfold-chains 1\ns x 1 0 0 0 1\nend 1\n",          // not a number
        "tailfold-chains 1\ns 2 1 0 2 0 1\nend 1\n",          // bad flag
        "tailfold-chains 1\ns 2 1 0 0 0 1,zz\nend 1\n",       // bad predecessor
        "tailfold-chains 1\nl 1 1 0 10\nend 1\n",             // short link
        "tailfold-chains 1\nq 1\nend 1\n",                    // unknown entry
        "tailfold-chains 1\ns 2 1 0 0 0 1\ns 2 1 0 0 0 1\nend 2\n",  // twice
        "tailfold-chains 1\nend 0\nl 1 1 0 10 20 0\n",        // after the end
        "tailfold-chains 1\ns 2 1 -5 0 0 1\nend 1\n",         // negative time
    };
    for (const std::string &t : bad) {
        err.clear();
        EXPECT_FALSE(c.parse(t, err)) << t;
        EXPECT_NE(err.find("line "), std::string::npos) << err;
    }
    EXPECT_TRUE(c.watched(99));  // untouched by the refused texts
}

TEST(ChainBook, RandomTextNeverCrashesOrHalfLoads)
{
    std::mt19937 rng(20261203);
    ChainBook b;
    b.watch(2, 1, 0, {1});
    const std::string good = b.save();
    for (int i = 0; i < 2000; ++i) {
        std::string t = good;
        const int edits = 1 + int(rng() % 3);
        for (int e = 0; e < edits; ++e)
            t[rng() % t.size()] = char(rng() % 128);
        ChainBook c;
        std::string err;
        if (!c.parse(t, err)) {
            EXPECT_EQ(c.successors() + c.links(), 0u);
        }
    }
}

TEST(ChainCreditPriority, CreditAddsToTheAgeAndIsCappedByMaxAge)
{
    tailfold::PrioritySettings s;
    s.weights.age = 1000;
    s.max_age_s = 1000;
    tailfold::JobPriority calc(s, {16, 4});
    tailfold::JobFacts j;
    j.accrue_time = 10000;
    EXPECT_DOUBLE_EQ(calc.age_factor(j, 10100), 0.1);
    j.age_credit_s = 300;
    EXPECT_DOUBLE_EQ(calc.age_factor(j, 10100), 0.4);
    j.age_credit_s = 5000;
    EXPECT_DOUBLE_EQ(calc.age_factor(j, 10100), 1.0);
    j.accrue_time = 0;  // a waiting successor: its credit alone
    j.age_credit_s = 250;
    EXPECT_DOUBLE_EQ(calc.age_factor(j, 10100), 0.25);
    j.age_credit_s = 0;  // without credit, not accruing: none (multifactor's rule)
    EXPECT_DOUBLE_EQ(calc.age_factor(j, 10100), 0.0);
}

TEST(ChainBook, ProvisionalCreditUntilSettled)
{
    ChainBook b;
    b.watch(2, 1, 0, {1});
    b.set_provisional(2, 120);
    EXPECT_EQ(b.credit(2), 120);
    EXPECT_FALSE(b.settled(2));
    b.ended(1, link(1, 10, 140, 200));
    EXPECT_EQ(b.settle(2, 0), 130);  // the final figure replaces it
    b.set_provisional(2, 999);       // settled: left as it is
    EXPECT_EQ(b.credit(2), 130);
    b.set_provisional(3, 50);        // not watched: nothing
    EXPECT_EQ(b.credit(3), 0);
}

TEST(ChainCreditParams, OnOffAndBadValues)
{
    tailfold::DurationParams p;
    std::string err;
    EXPECT_FALSE(p.chain_credit);
    ASSERT_TRUE(tailfold::parse_duration_params("chain_credit=on", p, err)) << err;
    EXPECT_TRUE(p.chain_credit);
    ASSERT_TRUE(tailfold::parse_duration_params("chain_credit=off,duration_weight=5", p, err)) << err;
    EXPECT_FALSE(p.chain_credit);
    EXPECT_FALSE(tailfold::parse_duration_params("chain_credit=yes", p, err));
    EXPECT_NE(err.find("chain_credit=yes: must be on or off"), std::string::npos) << err;
    // A site factor cannot reach the age factor.
    EXPECT_FALSE(tailfold::parse_duration_params("chain_credit=on", p, err, tailfold::kSiteFactorMaxWeight, false));
    EXPECT_NE(err.find("priority/tailfold"), std::string::npos) << err;
    EXPECT_TRUE(tailfold::parse_duration_params("chain_credit=off", p, err, tailfold::kSiteFactorMaxWeight, false));
}
