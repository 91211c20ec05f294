// Unit tests: multifactor job priority.  Expected values are worked out
// by hand from Slurm's priority_multifactor documentation.
#include "src/core/job_priority.h"

#include <gtest/gtest.h>

#include <cstdint>

using namespace tailfold;

namespace {

PrioritySettings weights(double age, double fs, double js, double part, double qos, double assoc)
{
    PrioritySettings s;
    s.weights.age = age;
    s.weights.fairshare = fs;
    s.weights.job_size = js;
    s.weights.partition = part;
    s.weights.qos = qos;
    s.weights.assoc = assoc;
    s.max_age_s = 1000;
    return s;
}

}  // namespace

TEST(JobPriority, AgeGrowsLinearlyAndCapsAtMaxAge)
{
    PrioritySettings s = weights(1000, 0, 0, 0, 0, 0);
    JobPriority p(s, {16, 4});
    JobFacts j;
    j.accrue_time = 5000;
    EXPECT_DOUBLE_EQ(p.age_factor(j, 5000), 0.0);
    EXPECT_DOUBLE_EQ(p.age_factor(j, 5250), 0.25);
    EXPECT_DOUBLE_EQ(p.age_factor(j, 6000), 1.0);
    EXPECT_DOUBLE_EQ(p.age_factor(j, 9000), 1.0);
    EXPECT_DOUBLE_EQ(p.age_factor(j, 4000), 0.0);  // accrue time in the future
    j.accrue_time = 0;                              // not accruing (e.g. dependency)
    EXPECT_DOUBLE_EQ(p.age_factor(j, 9000), 0.0);
    j.accrue_time = 5000;
    EXPECT_DOUBLE_EQ(p.weigh(j, {}, 5500).age, 500.0);
}

TEST(JobPriority, JobSizeFavorsLargeByDefault)
{
    PrioritySettings s = weights(0, 0, 1, 0, 0, 0);
    JobPriority p(s, {16, 4});
    JobFacts j;
    j.min_nodes = 1;
    j.min_cpus = 4;  // (1/4 + 4/16) / 2
    EXPECT_DOUBLE_EQ(p.job_size_factor(j, {}), 0.25);
    j.min_nodes = 4;
    j.min_cpus = 16;  // the whole machine
    EXPECT_DOUBLE_EQ(p.job_size_factor(j, {}), 1.0);
    // Allocated CPUs win over the request, max_cpus over min_cpus.
    j.min_nodes = 1;
    j.min_cpus = 1;
    j.has_max_cpus = true;
    j.max_cpus = 8;
    EXPECT_DOUBLE_EQ(p.job_size_factor(j, {}), (0.25 + 0.5) / 2);
    j.total_cpus = 16;
    EXPECT_DOUBLE_EQ(p.job_size_factor(j, {}), (0.25 + 1.0) / 2);
}

TEST(JobPriority, JobSizeFavorSmall)
{
    PrioritySettings s = weights(0, 0, 1, 0, 0, 0);
    s.favor_small = true;
    JobPriority p(s, {16, 4});
    JobFacts j;
    j.min_nodes = 1;
    j.min_cpus = 4;  // ((4-1)/4 + (16-4)/16) / 2
    EXPECT_DOUBLE_EQ(p.job_size_factor(j, {}), 0.75);
    j.min_cpus = 0;  // no CPU count: nodes only
    EXPECT_DOUBLE_EQ(p.job_size_factor(j, {}), 0.75);
    j.min_nodes = 4;
    j.min_cpus = 16;
    EXPECT_DOUBLE_EQ(p.job_size_factor(j, {}), 0.0);
}

TEST(JobPriority, JobSizeSmallRelativeToTime)
{
    // "A full-system job with a time limit of one will receive a job size
    // factor of 1.0, while a tiny job with a large time limit will receive a
    // job size factor close to 0.0."
    PrioritySettings s = weights(0, 0, 1, 0, 0, 0);
    s.flags |= kSmallRelativeToTime;
    JobPriority p(s, {16, 4});
    JobFacts j;
    j.min_nodes = 4;
    j.min_cpus = 16;
    j.has_time_limit = true;
    j.time_limit_min = 1;
    EXPECT_DOUBLE_EQ(p.job_size_factor(j, {}), 1.0);
    j.min_nodes = 1;
    j.min_cpus = 1;
    j.time_limit_min = 1000;  // max(1 node of 4 CPUs, 1 CPU) / 1000 / 16
    EXPECT_DOUBLE_EQ(p.job_size_factor(j, {}), 4.0 / 1000 / 16);
    // No limit: the partition's MaxTime.
    j.has_time_limit = false;
    PartitionFacts part;
    part.has_max_time = true;
    part.max_time_min = 100;
    EXPECT_DOUBLE_EQ(p.job_size_factor(j, part), 4.0 / 100 / 16);
    s.favor_small = true;
    EXPECT_DOUBLE_EQ(p.job_size_factor(j, part), 1 - 4.0 / 100 / 16);
}

TEST(JobPriority, PartitionQosAssocNormalisedOrRaw)
{
    PrioritySettings s = weights(0, 0, 0, 100, 10, 1000);
    JobPriority p(s, {16, 4});
    JobFacts j;
    j.qos_priority = 50;
    j.qos_priority_norm = 0.5;
    j.assoc_priority = 3;
    j.assoc_priority_norm = 0.75;
    PartitionFacts part;
    part.job_factor = 2;
    part.job_factor_norm = 0.2;
    WeightedFactors w = p.weigh(j, part, 0);
    EXPECT_DOUBLE_EQ(w.partition, 20);
    EXPECT_DOUBLE_EQ(w.qos, 5);
    EXPECT_DOUBLE_EQ(w.assoc, 750);
    s.flags |= kNoNormalPart | kNoNormalQos | kNoNormalAssoc;
    w = p.weigh(j, part, 0);
    EXPECT_DOUBLE_EQ(w.partition, 200);
    EXPECT_DOUBLE_EQ(w.qos, 500);
    EXPECT_DOUBLE_EQ(w.assoc, 3000);
}

// Slurm 24.11's jobs under several QOS: one priority per QOS, that QOS's
// factor where it has a priority, the job's own where it has none.
TEST(JobPriority, EachQosOfAMultiQosJob)
{
    PrioritySettings s = weights(0, 0, 0, 0, 10, 0);
    JobPriority p(s, {16, 4});
    JobFacts j;
    j.qos_priority = 50;
    j.qos_priority_norm = 0.5;
    WeightedFactors w = p.weigh(j, PartitionFacts{}, 0);
    ASSERT_DOUBLE_EQ(w.qos, 5);
    WeightedFactors other = w;
    p.weigh_qos(100, 1.0, other);
    EXPECT_DOUBLE_EQ(other.qos, 10);
    WeightedFactors none = w;
    p.weigh_qos(0, 0, none);
    EXPECT_DOUBLE_EQ(none.qos, 5);  // the job's own
    s.flags |= kNoNormalQos;
    p.weigh_qos(100, 1.0, other);
    EXPECT_DOUBLE_EQ(other.qos, 1000);
    s.weights.qos = 0;
    WeightedFactors unweighted = w;
    p.weigh_qos(100, 1.0, unweighted);
    EXPECT_DOUBLE_EQ(unweighted.qos, 5);
}

TEST(JobPriority, FairShareIsWeighted)
{
    PrioritySettings s = weights(0, 10000, 0, 0, 0, 0);
    JobPriority p(s, {16, 4});
    JobFacts j;
    j.fairshare = 0.375;
    EXPECT_DOUBLE_EQ(p.weigh(j, {}, 0).fairshare, 3750);
}

TEST(JobPriority, TresFactorsPerPartition)
{
    PrioritySettings s = weights(0, 0, 0, 0, 0, 0);
    s.weights.tres = {2000, 500, 0};  // cpu, mem, energy
    JobPriority p(s, {16, 4});
    const double counts[] = {4, 1000, 7};
    const double totals[] = {16, 16000, 0};
    JobFacts j;
    j.tres = counts;
    j.tres_count = 3;
    PartitionFacts part;
    part.tres_total = totals;
    double each[3];
    WeightedFactors w = p.weigh(j, part, 0, each);
    EXPECT_DOUBLE_EQ(each[0], 500);     // 4/16 * 2000
    EXPECT_DOUBLE_EQ(each[1], 31.25);   // 1000/16000 * 500
    EXPECT_DOUBLE_EQ(each[2], 0);       // no weight, no total
    EXPECT_DOUBLE_EQ(w.tres_sum, 531.25);
    s.flags |= kNoNormalTres;
    w = p.weigh(j, part, 0, each);
    EXPECT_DOUBLE_EQ(each[0], 8000);
    EXPECT_DOUBLE_EQ(each[1], 500000);
}

TEST(JobPriority, ZeroWeightsGiveZeroFactors)
{
    PrioritySettings s;  // all weights 0
    JobPriority p(s, {16, 4});
    JobFacts j;
    j.accrue_time = 1;
    j.fairshare = 1;
    j.min_cpus = 16;
    WeightedFactors w = p.weigh(j, {}, 1000000);
    EXPECT_EQ(w.age + w.fairshare + w.job_size + w.partition + w.qos + w.assoc + w.tres_sum, 0);
}

TEST(JobPriority, SumAddsSiteSubtractsNiceAndTruncates)
{
    WeightedFactors w;
    w.age = 100.7;
    w.fairshare = 1000.2;
    EXPECT_EQ(JobPriority::sum(w, 0, 0), 1100u);
    EXPECT_EQ(JobPriority::sum(w, 50, 0), 1150u);
    EXPECT_EQ(JobPriority::sum(w, 0, 100), 1000u);
    EXPECT_EQ(JobPriority::sum(w, 0, -100), 1200u);  // negative nice raises it
}

TEST(JobPriority, SumNeverZeroAndNeverAbove32Bits)
{
    WeightedFactors w;
    EXPECT_EQ(JobPriority::sum(w, 0, 0), 1u);     // 0 would mean held
    EXPECT_EQ(JobPriority::sum(w, 0, 5000), 1u);  // nice below zero
    w.fairshare = 5e9;
    EXPECT_EQ(JobPriority::sum(w, 0, 0), 4294967295u);
}

TEST(JobPriority, WeighPartitionChangesOnlyPartitionAndTres)
{
    PrioritySettings s;
    s.weights.age = 100;
    s.weights.partition = 1000;
    s.weights.tres = {10};
    s.max_age_s = 100;
    JobPriority p(s, {16, 4});
    const double counts[] = {4};
    const double small_total[] = {8}, big_total[] = {16};
    JobFacts j;
    j.accrue_time = 50;
    j.tres = counts;
    j.tres_count = 1;
    PartitionFacts a, b;
    a.job_factor = 1;
    a.job_factor_norm = 0.5;
    a.tres_total = small_total;
    b.job_factor = 2;
    b.job_factor_norm = 1.0;
    b.tres_total = big_total;
    const WeightedFactors wa = p.weigh(j, a, 100);
    WeightedFactors wb = wa;
    p.weigh_partition(j, b, wb);
    const WeightedFactors full_b = p.weigh(j, b, 100);
    EXPECT_DOUBLE_EQ(wb.partition, full_b.partition);  // 1000
    EXPECT_DOUBLE_EQ(wb.tres_sum, full_b.tres_sum);    // 4/16 * 10
    EXPECT_DOUBLE_EQ(wb.age, wa.age);                  // untouched
    EXPECT_DOUBLE_EQ(wa.partition, 500);
    EXPECT_DOUBLE_EQ(wa.tres_sum, 5);
}
