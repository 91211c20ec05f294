// tailfold core: sched/tailfold's settings, from SchedulerParameters.
// GPL-2.0-or-later.
//
// SchedulerParameters is shared by slurmctld's main scheduler, the select
// plugin and the sched plugin, so keys other than these are left alone
// (they belong to someone else); a key of this list with a bad value is an
// error naming it.  Slurm's names and units where the meaning is the same:
//
//   bf_interval=S        seconds between passes (default 30)
//   bf_window=M          minutes planned ahead (default 1440)
//   bf_resolution=S      seconds, start times rounded to it (default 60)
//   bf_max_job_test=N    jobs looked at per pass (default 500; 0: all)
//   bf_max_time=S        seconds a pass may take (default bf_interval)
//   bf_continue          go on after yielding the locks (default off)
//   bf_yield_interval=U  microseconds of lock hold before yielding (default 2000000)
//   bf_yield_sleep=U     microseconds to sleep while yielding (default 500000)
//   bf_max_job_user=N    jobs of one user looked at per pass (default 0: no limit)
//   bf_max_job_assoc=N   jobs of one association looked at per pass (0: none;
//                        set with bf_max_job_user, it wins, as in Slurm)
//   bf_max_job_part=N    jobs of one partition looked at per pass (0: none)
//   bf_max_job_user_part=N  jobs of one user in one partition per pass (0: none)
//   bf_max_job_start=N   jobs the pass starts, then it ends (0: no limit)
//   bf_max_job_array_resv=N  tasks of a pending job array held (default 20)
// tailfold's own:
//   bf_reservations=N    pending jobs whose start is held (default 1: EASY)
//   bf_runtime=R         limit | predicted: plan with limits or learned runtimes
//   bf_order=O           priority | shortest: the order jobs past the reservation
//                        depth are tried in (pass_order.h; default priority)
//   bf_starve_age=T      a job eligible for longer than T (seconds, or with s, m,
//                        h or d) gets a held start like a top job, past
//                        bf_reservations (default 0: off)
//   bf_estimate=E        learned | limit: the runtimes the expected starts that
//                        squeue --start shows are forecast with
//                        (start_forecast.h; default learned: a job's learned
//                        runtime carried to its limit where one is known,
//                        else its limit; limit: as Slurm's own estimates)
//   bf_estimate_window=M minutes the expected starts look ahead (default
//                        5256000, ten years: in effect the whole queue;
//                        never less than bf_window): the forecast places
//                        jobs beyond the plan's window, so a long queue
//                        still shows a start for every job (the pass's
//                        forecast budget bounds the cost)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tailfold {

enum class PlanRuntime { kLimit, kPredicted };
enum class BackfillOrder { kPriority, kShortest };
enum class ForecastRuntime { kLearned, kLimit };

struct BackfillParams {
    std::uint32_t interval_s = 30;
    std::uint32_t window_min = 1440;
    std::uint32_t resolution_s = 60;
    std::uint32_t max_job_test = 500;
    std::uint32_t max_time_s = 0;  // 0: interval_s
    bool continue_after_yield = false;
    std::uint32_t yield_interval_us = 2000000;
    std::uint32_t yield_sleep_us = 500000;
    std::uint32_t reservations = 1;
    PlanRuntime runtime = PlanRuntime::kLimit;
    std::uint32_t max_job_user = 0;
    std::uint32_t max_job_assoc = 0;
    std::uint32_t max_job_part = 0;
    std::uint32_t max_job_user_part = 0;
    std::uint32_t max_job_start = 0;
    std::uint32_t max_job_array_resv = 20;
    BackfillOrder order = BackfillOrder::kPriority;
    std::int64_t starve_age_s = 0;  // 0: off
    ForecastRuntime estimate = ForecastRuntime::kLearned;
    std::uint32_t estimate_window_min = 5256000;
    // How far the forecast looks: bf_estimate_window, at least bf_window.
    std::uint32_t forecast_window_min() const
    {
        return estimate_window_min > window_min ? estimate_window_min : window_min;
    }
};

// The keys above, which parse_backfill_params reads (tailfold(5) has an
// entry for each).
const std::vector<std::string> &backfill_keys();

// Same contract as parse_duration_params: false with one line naming the
// key on a bad value, and `out` unchanged.  On success, `warnings` (if
// given) gets one line per key of Slurm's own backfill that tailfold reads
// but does not act on, saying why (bf_node_space_size: the plan has no
// fixed size), and one when bf_max_job_assoc overrides bf_max_job_user.
bool parse_backfill_params(const char *text, BackfillParams &out, std::string &error,
                           std::vector<std::string> *warnings = nullptr);

}  // namespace tailfold
