// tailfold-sim: what a run is judged by.  GPL-2.0-or-later.
//
//   makespan_s   last end - first submit
//   utilization  CPU-seconds of work / (machine CPUs x makespan)
//   wait         start - submit, per job (mean, median, p95, max)
//   bsld         bounded slowdown: max(1, (wait + run) / max(run, 10 s))
// Percentiles are nearest-rank (the smallest value with at least p% of
// the jobs at or below it).
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "simulator.h"
#include "workload.h"

namespace tfsim {

struct Summary {
    std::size_t jobs = 0, unscheduled = 0;
    std::uint32_t cpus = 0;
    std::int64_t makespan_s = 0;
    double utilization = 0;
    double wait_mean_s = 0, wait_median_s = 0, wait_p95_s = 0, wait_max_s = 0;
    double bsld_mean = 0, bsld_p95 = 0;
    double recorded_wait_mean_s = -1;  // the trace's own, when it has them
};

double percentile(std::vector<double> v, double p);
double bounded_slowdown(std::int64_t wait, std::int64_t run, std::int64_t threshold = 10);
Summary summarize(const Workload &w, const SimResult &r, std::uint32_t cpus);

}  // namespace tfsim
