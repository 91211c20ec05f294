// tailfold core: the expected start of every pending job.  GPL-2.0-or-later.
//
// What `squeue --start` shows.  The backfill plan holds starts for the
// first bf_reservations jobs, planned with time limits (or with learned
// runtimes under bf_runtime=predicted), and must stay safe with them; a
// forecast must instead be right on average.  So the forecast is a plan
// of its own: running jobs end at their expected ends (learned runtime
// when known, else the limit), and every pending job the pass reaches,
// in the pass's order, takes its earliest start there for its expected
// runtime and keeps it, so each job's estimate counts every job ahead of
// it (a conservative plan of the whole queue).  Start decisions never
// read it.
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>

#include "timeline.h"
#include "wait_reason.h"

namespace tailfold {

class StartForecast {
  public:
    // `running`: the cluster with running jobs until their expected ends.
    explicit StartForecast(Timeline running) : plan_(std::move(running)) {}

    // A job the pass started, for its expected runtime (r.duration_s).
    void started(const Request &r, const Placement &p) { plan_.reserve(r, p); }

    // A job that did not start: its expected start (none: no place within
    // the window).  `copies`: tasks of a pending job array, each placed
    // after those before it; the first one's start is returned.
    std::optional<Placement> place(const Request &r, std::int64_t not_before, std::uint32_t copies = 1);

    // A job the pass did not start, with what it waits for
    // (WaitExplainer).  A job kept back by a held start cannot start
    // before that held job does, even where learned runtimes show room
    // sooner: the plan that decides starts keeps it out of the hole.
    std::optional<Placement> place(const Request &r, std::int64_t not_before, std::uint32_t copies,
                                   const WaitReason &why);

    // A held job's expected start, for the jobs it keeps back.
    void note_held(std::uint64_t tag, std::int64_t expected_start) { held_[tag] = expected_start; }

    const Timeline &plan() const { return plan_; }

  private:
    Timeline plan_;
    std::unordered_map<std::uint64_t, std::int64_t> held_;
};

}  // namespace tailfold
