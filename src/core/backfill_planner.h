// tailfold core: the backfill plan.  GPL-2.0-or-later.
//
// Walk pending jobs in priority order over a Timeline: a job that fits now
// starts now; otherwise the first `reservations` jobs that do not fit get
// the earliest start they can have, held in the timeline; every later job
// may only start now, and only where it fits around those held starts.
// With reservations=1 this is EASY backfill; larger values plan more jobs
// ahead, like a conservative scheduler (Fluxion's queue policies are the
// same base with a reservation depth).
//
// Safety: a job started now holds its resources for its whole duration
// (its limit, or its predicted runtime with bf_runtime=predicted) in the
// timeline before later jobs are looked at, so with durations = limits no
// job started here can make a held start later than planned.
#pragma once

#include <cstdint>
#include <vector>

#include "timeline.h"

namespace tailfold {

enum class PlanKind {
    kStartNow,   // fits now without delaying any held start
    kReserved,   // held at its earliest start
    kWaiting,    // past the reservation depth and does not fit now
    kNoFit,      // cannot fit within the window at all
};

struct PlanDecision {
    std::size_t job = 0;  // index into the jobs given
    PlanKind kind = PlanKind::kWaiting;
    Placement placement;  // for kStartNow and kReserved
};

struct PlanStats {
    std::size_t tested = 0, started = 0, reserved = 0;
};

// One pass, one job at a time, for a caller that starts jobs itself (the
// slurmctld glue: the select plugin may refuse a start, or place the job
// on other nodes than planned).  For each job in priority order:
//   1. start_now(r): the nodes a start now may use, or nothing if it cannot
//      start now without delaying a held start;
//   2. if the caller started it: started(r, actual placement);
//      otherwise: hold(r, not_before), which holds the job at its earliest
//      start while the reservation depth lasts.
class BackfillPass {
  public:
    BackfillPass(Timeline &timeline, std::uint32_t reservations)
        : timeline_(timeline), reservations_(reservations)
    {
        count_free_now();
    }

    std::optional<std::vector<bool>> start_now(const Request &r);
    void started(const Request &r, const Placement &actual);
    // kReserved (held, with its placement), kWaiting (past the depth; with
    // `estimate`, the placement is its earliest start as an estimate, not
    // held) or kNoFit.  `copies`: how many of the request are held, one
    // after another at each one's earliest start, for one place in the
    // reservation depth: the tasks of a pending job array, which
    // slurmctld queues as one record (bf_max_job_array_resv; see
    // array_tasks_to_hold).  The decision's placement is the first; with
    // 0 copies nothing is held and it is an estimate only.
    // `past_depth`: hold it even when the depth is full (bf_starve_age).
    PlanDecision hold(const Request &r, std::int64_t not_before, bool estimate = true,
                      std::uint32_t copies = 1, bool past_depth = false);
    // True once the reservation depth is full: from here on the order of
    // the jobs is pass_order's.
    bool depth_full() const { return held_ >= reservations_; }

    const PlanStats &stats() const { return stats_; }
    std::uint32_t held() const { return held_; }

  private:
    Timeline &timeline_;
    std::uint32_t reservations_;
    std::uint32_t held_ = 0;
    PlanStats stats_;
    // CPUs free now over all nodes: a job asking for more cannot start now,
    // which settles most of a long queue on a busy cluster without a look
    // at any node.
    std::int64_t free_now_ = 0;
    void count_free_now();
};

// When a running job is expected to give its resources back, planned by
// prediction (bf_runtime=predicted): at its predicted end while that is
// ahead; once it has outlived it, as long again past now as it has already
// overrun, at least `step` (bf_resolution); never past its limit's end,
// and never before now + 1.  Jumping straight to the limit instead would
// move held starts far later for one pass whenever a job is a moment past
// its mean, and let lower jobs backfill against that passing picture.
std::int64_t planned_end(std::int64_t now, std::int64_t predicted_end, std::int64_t limit_end,
                         std::int64_t step);

// The whole pass when every planned start happens as planned (tests, the
// simulator).  `jobs` in priority order, highest first.  Stops after
// `max_test` jobs (0: all).  Decisions come in the same order.
std::vector<PlanDecision> plan_backfill(Timeline &timeline, const std::vector<Request> &jobs,
                                        std::uint32_t reservations, std::size_t max_test,
                                        PlanStats *stats = nullptr);

}  // namespace tailfold
