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
// tailfold's own:
//   bf_reservations=N    pending jobs whose start is held (default 1: EASY)
//   bf_runtime=R         limit | predicted: plan with limits or learned runtimes
#pragma once

#include <cstdint>
#include <string>

namespace tailfold {

enum class PlanRuntime { kLimit, kPredicted };

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
};

// Same contract as parse_duration_params: false with one line naming the
// key on a bad value, and `out` unchanged.
bool parse_backfill_params(const char *text, BackfillParams &out, std::string &error);

}  // namespace tailfold
