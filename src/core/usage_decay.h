// tailfold core: usage, its half-life decay and its periodic reset.
// GPL-2.0-or-later.
//
// Usage is charged to associations as running jobs accrue it, every
// PriorityCalcPeriod, and decays with PriorityDecayHalfLife (Slurm's
// priority_multifactor page).  The figures follow Slurm 22.05.8 so that
// sshare shows the same numbers under either plugin:
//   - the per-second decay factor is the first-order 1 - 0.693/half_life,
//     and a period of t seconds decays stored usage by factor^t;
//   - a job's charge for a period of t seconds is billable_TRES * t * factor^t
//     (times its QoS UsageFactor), so usage charged late in a long period
//     is discounted as if it all ran at its start.
#pragma once

#include <cstdint>

namespace tailfold {

// Per-second decay factor; 1 (no decay) when the half-life is 0 or less.
double decay_per_second(double half_life_s);

// Factor that stored usage is multiplied by after `seconds` (never below
// the smallest positive double, so usage never becomes exactly 0 by decay).
double decay_over(double per_second, double seconds);

// The seconds of [period_start, period_end] that a job ran: from its start,
// and at its end (final = true) up to its end time.
double charged_seconds(std::int64_t period_start, std::int64_t period_end, std::int64_t job_start,
                       std::int64_t job_end, bool final);

// The decayed charge of `seconds` of run time: seconds * per_second^seconds.
double decayed_seconds(double per_second, double seconds);

// What one job is charged for one period, before it is added to its QoS and
// to every association from its own up to the root.
struct UsageCharge {
    double wall = 0;             // decayed run seconds (grp_used_wall)
    double wall_nodecay = 0;     // the same, for QoS with NoDecay
    double billed = 0;           // decayed billable-TRES seconds (usage_raw)
    double billed_nodecay = 0;
    double per_tres = 0;         // decayed seconds to multiply each allocated TRES count by
    double per_tres_nodecay = 0;
    std::uint64_t release = 0;   // TRES-run-seconds per TRES unit to release (see below)
};

// run_seconds: charged_seconds(); billable: the job's billable TRES;
// usage_factor: its QoS UsageFactor, negative when unset; release_seconds:
// run_seconds_to_release().  The QoS UsageFactor scales everything, the
// release too (slurmctld added the running budget scaled the same way).
UsageCharge charge_for(double per_second, double run_seconds, double billable, double usage_factor,
                       std::uint64_t release_seconds);

// PriorityUsageResetPeriod.
enum class UsageReset { kNone, kNow, kDaily, kWeekly, kMonthly, kQuarterly, kYearly };

// The next reset after `last_reset` (local time, midnight boundaries):
// daily at the next midnight, weekly on the next Sunday 00:00, monthly,
// quarterly (Jan, Apr, Jul, Oct) and yearly on the 1st.  Daily and weekly
// skip boundaries already passed by more than a period at `now` (after a
// long outage, one reset, not many).  0 for kNone and kNow.
std::int64_t next_usage_reset(UsageReset period, std::int64_t last_reset, std::int64_t now);

// TRES-seconds to take off a job's running-TRES-minutes budget (Slurm's
// GrpTRESRunMins bookkeeping) for the period [period_start, period_end]:
// slurmctld added count x time limit when the job started, and this removes
// it as time passes, never beyond the limit.
//   finished: the job has ended (or is completing or resizing): remove the
//             rest up to its limit.
std::uint64_t run_seconds_to_release(std::int64_t period_start, std::int64_t period_end,
                                     std::int64_t job_start, std::uint32_t time_limit_min,
                                     std::int64_t expected_end, bool finished);

}  // namespace tailfold
