// tailfold-sim: the event loop.  GPL-2.0-or-later.
//
// Simulated time, two kinds of event: a job is submitted, a job ends.  At
// each event time, after its ends and submissions, one scheduling pass
// runs with the policy's order and the plugins' own planner
// (src/core/timeline, backfill_planner): the code sched/tailfold runs in
// slurmctld, not a model of it.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "src/core/backfill_params.h"
#include "src/core/duration_params.h"
#include "src/core/priority_settings.h"
#include "workload.h"

namespace tf_sim {

enum class Policy {
    kFcfs,         // submit order, no backfill: stop at the first job that does not fit
    kEasy,         // submit order, backfill with one held start, user limits
    kMultifactor,  // Slurm's multifactor priority (age, fair share, job size), backfill
    kTailfold,     // multifactor plus the duration boost, backfill with bf_runtime
};

const char *to_string(Policy p);
bool parse_policy(const std::string &text, Policy &out);

struct SimSettings {
    Policy policy = Policy::kEasy;
    std::uint32_t cpus = 0;           // the machine
    std::uint32_t cpus_per_node = 0;  // 0: one pool of all CPUs
    tailfold::BackfillParams backfill;  // bf_reservations, bf_resolution, bf_window, bf_max_job_test, bf_runtime
    // PriorityWeight*, PriorityMaxAge, PriorityFavorSmall and, in
    // prio.duration, PriorityParameters.  The simulator's defaults where
    // Slurm's (all weights 0) would leave nothing to compare:
    tailfold::PrioritySettings prio = default_priority();
    double half_life_s = 7 * 86400;  // PriorityDecayHalfLife
    std::int64_t calc_period_s = 300;  // PriorityCalcPeriod: usage charged, decayed, ranked
    // Record each job's expected start as sched/tailfold shows it
    // (src/core/start_forecast.h, bf_estimate's runtimes) at its first pass and
    // the one in force an hour before it started (JobOutcome).  Costs a
    // place in the forecast for every job each pass looks at.
    bool start_estimates = false;

    static tailfold::PrioritySettings default_priority()
    {
        tailfold::PrioritySettings p;
        p.weights.fairshare = 10000;
        p.weights.age = 1000;
        return p;
    }
};

struct JobOutcome {
    std::int64_t submit = -1;  // when it was submitted (a chained job: when its predecessor ended)
    std::int64_t start = -1, end = -1;
    // With start_estimates: the time of its first pass, the start planned
    // for it there, and the start planned for it by the last pass at
    // least an hour before it started (-1: none planned; the plan did not
    // reach it or could not place it within bf_window).
    std::int64_t first_pass = -1, planned_first = -1, planned_hour_before = -1;
};

struct SimResult {
    std::vector<JobOutcome> jobs;  // same order as the workload's
    std::uint64_t passes = 0;
};

// `progress(done, total)` is called now and then (may be empty).
SimResult simulate(const Workload &w, const SimSettings &s,
                   const std::function<void(std::size_t, std::size_t)> &progress = {});

}  // namespace tf_sim
