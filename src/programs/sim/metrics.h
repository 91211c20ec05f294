// tailfold-sim: what a run is judged by.  GPL-2.0-or-later.
//
//   makespan_s   last end - first submit
//   utilization  CPU-seconds of work / (machine CPUs x makespan)
//   wait         start - submit, per job (mean, median, p95, p99, max)
//   bsld         bounded slowdown: max(1, (wait + run) / max(run, 10 s))
//   per user     over the users with at least kMinUserJobs started jobs:
//                the worst user's mean bsld (and who), and Jain's index
//                over the users' mean bsld, J = (sum x)^2 / (n sum x^2),
//                1 when all are equal, towards 1/n as one user's mean
//                outgrows the others'
// Percentiles are nearest-rank (the smallest value with at least p% of
// the jobs at or below it).
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "simulator.h"
#include "workload.h"

namespace tf_sim {

// A user's mean bsld counts for the per-user spread from this many started
// jobs on: fewer jobs give a mean that says more about luck than policy.
constexpr std::size_t kMinUserJobs = 50;

// The spread of the users' mean bounded slowdown.  users == 0: no user has
// min_jobs jobs, and worst_user, worst_bsld and jain mean nothing.
struct UserSpread {
    std::size_t users = 0;        // users with at least min_jobs jobs
    std::uint32_t worst_user = 0;  // the one of them with the highest mean (lowest id on a tie)
    double worst_bsld = 0;        // that user's mean bsld
    double jain = 0;              // Jain's index over their means
};

struct Summary {
    std::size_t jobs = 0, unscheduled = 0;
    std::uint32_t cpus = 0;
    std::int64_t makespan_s = 0;
    double utilization = 0;
    double wait_mean_s = 0, wait_median_s = 0, wait_p95_s = 0, wait_p99_s = 0, wait_max_s = 0;
    double bsld_mean = 0, bsld_p95 = 0;
    double recorded_wait_mean_s = -1;  // the trace's own, when it has them
    UserSpread users;
};

// How far planned starts were from the real ones (SimSettings::
// start_estimates), over the jobs that did not start at their first pass:
//   at_submit    |planned at the first pass - start| / max(start - submit, 60 s)
//   hour_before  |planned by the last pass an hour or more before the
//                start - start| / 3600 s, over jobs pending that long
// `unplanned`: jobs of the set the plan gave no start (not reached within
// bf_max_job_test, or no place within bf_window); they are not in the
// median and p90.
struct StartError {
    std::size_t jobs = 0, unplanned = 0;
    double median = 0, p90 = 0;
};
struct StartErrors {
    StartError at_submit, hour_before;
};
StartErrors start_errors(const SimResult &r);

double percentile(std::vector<double> v, double p);
double bounded_slowdown(std::int64_t wait, std::int64_t run, std::int64_t threshold = 10);
// Jain's fairness index (sum x)^2 / (n sum x^2): 1 when all are equal.
// An empty list or all zeros (nothing to be unfair about) gives 1.
double jain_index(const std::vector<double> &x);
// bsld of every started job by user -> the spread over those with at
// least min_jobs of them.
UserSpread user_spread(const std::map<std::uint32_t, std::vector<double>> &bsld_by_user,
                       std::size_t min_jobs = kMinUserJobs);
Summary summarize(const Workload &w, const SimResult &r, std::uint32_t cpus);

}  // namespace tf_sim
