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

// `jobs` in priority order, highest first.  Stops after `max_test` jobs
// (0: all).  Decisions come in the same order.
std::vector<PlanDecision> plan_backfill(Timeline &timeline, const std::vector<Request> &jobs,
                                        std::uint32_t reservations, std::size_t max_test,
                                        PlanStats *stats = nullptr);

}  // namespace tailfold
