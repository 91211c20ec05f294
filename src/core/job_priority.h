// tailfold core: a job's multifactor priority.  GPL-2.0-or-later.
//
// The factors and their sum, as Slurm's priority_multifactor documentation
// describes them and as Slurm 22.05.8 computes them (the two differ in
// details the documentation leaves open; where they do, 22.05.8 wins, since
// sites compare the numbers with sprio):
//
//   priority = site + w_age*age + w_assoc*assoc + w_fs*fs + w_js*js
//            + w_part*part + w_qos*qos + sum_i(w_tres_i * tres_i) - nice
//            + floor(w_duration * duration)          (tailfold's boost)
//
// each factor in [0,1] unless a NO_NORMAL_* flag makes it raw; the result
// truncated to an integer in [1, 2^32-1] (0 means held).
//
// Everything here is plain arithmetic on plain values, without allocation:
// it runs for every pending job in every recalculation, under slurmctld's
// job lock.
#pragma once

#include <cstddef>
#include <cstdint>

#include "priority_settings.h"

namespace tailfold {

struct ClusterSize {
    std::uint32_t cpus = 1;   // configured CPUs of the cluster
    std::uint32_t nodes = 1;  // configured nodes
};

// What the factors need to know about a job.  Counts the glue could not
// read are 0 unless said otherwise.
struct JobFacts {
    std::int64_t accrue_time = 0;  // 0: not accruing age (held, dependent, ...)
    std::int64_t age_credit_s = 0; // chain credit (chain_credit.h), added to the wait
    double fairshare = 0;          // the association's fair-share factor, [0,1]
    std::uint32_t total_cpus = 0;  // allocated CPUs (0 before the first allocation)
    bool has_max_cpus = false;     // max_cpus is set (Slurm: != NO_VAL)
    std::uint32_t max_cpus = 0;
    std::uint32_t min_cpus = 0;
    std::uint32_t min_nodes = 1;
    bool has_time_limit = false;   // minutes; else the partition's MaxTime is used
    std::uint32_t time_limit_min = 0;
    double assoc_priority = 0;      // the association's Priority, raw
    double assoc_priority_norm = 0; // ... divided by the largest association Priority
    double qos_priority = 0;        // the QoS Priority, raw
    double qos_priority_norm = 0;   // ... divided by the largest QoS Priority
    std::int64_t site = 0;          // site factor (Slurm stores it + NICE_OFFSET)
    std::int64_t nice = 0;          // nice (Slurm stores it + NICE_OFFSET)
    const double *tres = nullptr;   // per TRES: allocated, else requested count
    std::size_t tres_count = 0;
    double expected_runtime_s = 0;  // for the duration boost (runtime_estimator.h)
};

// The partition the priority is computed for (a job asking for several
// partitions gets one priority per partition).
struct PartitionFacts {
    double job_factor = 0;        // PriorityJobFactor, raw
    double job_factor_norm = 0;   // ... divided by the largest one
    bool has_max_time = false;    // MaxTime in minutes, used when the job has no limit
    std::uint32_t max_time_min = 0;
    const double *tres_total = nullptr;  // per TRES: the partition's total
};

// Weighted factors, as sprio shows them.
struct WeightedFactors {
    double age = 0, assoc = 0, fairshare = 0, job_size = 0, partition = 0, qos = 0;
    double tres_sum = 0;  // sum of the weighted TRES factors
    // The duration boost, weighted and whole: Slurm's sprio has no column
    // for it, so it is shown in SITE, which holds whole numbers only.
    std::int64_t duration = 0;
};

class JobPriority {
  public:
    JobPriority(const PrioritySettings &settings, ClusterSize cluster);

    // The weighted factors of a job at time `now` in partition `part`.  If
    // tres_out is given, it receives the weighted factor of each TRES
    // (job.tres_count entries).
    WeightedFactors weigh(const JobFacts &job, const PartitionFacts &part, std::int64_t now,
                          double *tres_out = nullptr) const;

    // Only what differs between the partitions of a multi-partition job:
    // sets w.partition and w.tres_sum (and tres_out) for `part`, keeping
    // the other factors of w.
    void weigh_partition(const JobFacts &job, const PartitionFacts &part, WeightedFactors &w,
                         double *tres_out = nullptr) const;

    // A job that may run under several QOS (Slurm 24.11) gets one priority
    // per QOS: sets w.qos for a QOS with this priority (raw and divided by
    // the largest); a QOS without a priority leaves the job's own factor.
    void weigh_qos(double qos_priority, double qos_priority_norm, WeightedFactors &w) const;

    // The priority of weighted factors plus site minus nice, as slurmctld
    // stores it.
    static std::uint32_t sum(const WeightedFactors &w, std::int64_t site, std::int64_t nice);

    // Normalised (or raw) factors, before weighting.
    double age_factor(const JobFacts &job, std::int64_t now) const;
    double job_size_factor(const JobFacts &job, const PartitionFacts &part) const;

  private:
    const PrioritySettings &s_;
    ClusterSize cluster_;
};

}  // namespace tailfold
