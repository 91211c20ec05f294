// tailfold core: a job's multifactor priority.  GPL-2.0-or-later.
#include "job_priority.h"

#include <algorithm>
#include <cmath>

#include "duration_factor.h"

namespace tailfold {

JobPriority::JobPriority(const PrioritySettings &settings, ClusterSize cluster)
    : s_(settings), cluster_(cluster)
{
    cluster_.cpus = std::max(cluster_.cpus, 1u);
    cluster_.nodes = std::max(cluster_.nodes, 1u);
}

double JobPriority::age_factor(const JobFacts &job, std::int64_t now) const
{
    // A job not accruing age (held, dependent, ...) has none, but for the
    // chain credit a waiting successor carries.
    const std::int64_t credit = job.age_credit_s > 0 ? job.age_credit_s : 0;
    if (!job.accrue_time && !credit)
        return 0;
    // Seconds waited, counted as Slurm does in an unsigned 32-bit value.
    const std::int64_t waited = (job.accrue_time && now > job.accrue_time ? now - job.accrue_time : 0) + credit;
    const double w = static_cast<std::uint32_t>(waited);
    if (s_.max_age_s > 0 && w < static_cast<double>(s_.max_age_s))
        return w / static_cast<double>(s_.max_age_s);
    return 1.0;
}

double JobPriority::job_size_factor(const JobFacts &job, const PartitionFacts &part) const
{
    // CPUs: allocated if known, else the request's maximum, else its minimum.
    const std::uint32_t cpus = job.total_cpus ? job.total_cpus
                               : job.has_max_cpus ? job.max_cpus
                                                  : job.min_cpus;
    const double cluster_cpus = cluster_.cpus, nodes = cluster_.nodes;
    double f;
    if (s_.has(kSmallRelativeToTime)) {
        // Size in CPUs (at least min_nodes of average nodes) per minute of limit.
        const double by_nodes = job.min_nodes * cluster_cpus / nodes;
        double minutes = 1;
        if (job.has_time_limit)
            minutes = job.time_limit_min;
        else if (part.has_max_time)
            minutes = part.max_time_min;
        f = std::max(by_nodes, static_cast<double>(cpus)) / minutes / cluster_cpus;
        if (s_.favor_small)
            f = 1.0 - f;
    } else if (s_.favor_small) {
        // Unsigned differences, as Slurm computes them: a request larger
        // than the cluster wraps around and ends clamped at 1.
        f = static_cast<std::uint32_t>(cluster_.nodes - job.min_nodes) / nodes;
        if (cpus > 0)
            f = (f + static_cast<std::uint32_t>(cluster_.cpus - cpus) / cluster_cpus) / 2;
    } else {
        f = job.min_nodes / nodes;
        if (cpus > 0)
            f = (f + cpus / cluster_cpus) / 2;
    }
    if (std::isnan(f))
        return 0;
    return std::clamp(f, 0.0, 1.0);
}

WeightedFactors JobPriority::weigh(const JobFacts &job, const PartitionFacts &part,
                                   std::int64_t now, double *tres_out) const
{
    const PriorityWeights &w = s_.weights;
    WeightedFactors out;
    if (w.age)
        out.age = age_factor(job, now) * w.age;
    if (w.fairshare)
        out.fairshare = job.fairshare * w.fairshare;
    if (w.job_size)
        out.job_size = job_size_factor(job, part) * w.job_size;
    if (w.assoc)
        out.assoc = (s_.has(kNoNormalAssoc) ? job.assoc_priority : job.assoc_priority_norm) * w.assoc;
    if (w.qos && job.qos_priority)
        out.qos = (s_.has(kNoNormalQos) ? job.qos_priority : job.qos_priority_norm) * w.qos;
    out.duration = duration_boost(s_.duration, s_.duration_max_s, job.expected_runtime_s);
    weigh_partition(job, part, out, tres_out);
    return out;
}

void JobPriority::weigh_partition(const JobFacts &job, const PartitionFacts &part,
                                  WeightedFactors &out, double *tres_out) const
{
    const PriorityWeights &w = s_.weights;
    out.partition = 0;
    if (w.partition && part.job_factor)
        out.partition = (s_.has(kNoNormalPart) ? part.job_factor : part.job_factor_norm) * w.partition;
    out.tres_sum = 0;
    const std::size_t n = std::min(job.tres_count, w.tres.size());
    for (std::size_t i = 0; i < job.tres_count; ++i) {
        double f = 0;
        if (i < n && job.tres) {
            const double v = job.tres[i];
            if (s_.has(kNoNormalTres))
                f = v;
            else if (v && part.tres_total && part.tres_total[i])
                f = v / part.tres_total[i];
            f *= w.tres[i];
        }
        out.tres_sum += f;
        if (tres_out)
            tres_out[i] = f;
    }
}

void JobPriority::weigh_qos(double qos_priority, double qos_priority_norm, WeightedFactors &out) const
{
    if (s_.weights.qos && qos_priority)
        out.qos = (s_.has(kNoNormalQos) ? qos_priority : qos_priority_norm) * s_.weights.qos;
}

std::uint32_t JobPriority::sum(const WeightedFactors &w, std::int64_t site, std::int64_t nice)
{
    double p = w.age + w.assoc + w.fairshare + w.job_size + w.partition + w.qos + w.tres_sum +
               static_cast<double>(site + w.duration) - static_cast<double>(nice);
    if (!(p >= 1))  // also catches NaN; 0 is reserved for held jobs
        return 1;
    if (p >= 4294967295.0)
        return 4294967295u;
    return static_cast<std::uint32_t>(p);
}

}  // namespace tailfold
