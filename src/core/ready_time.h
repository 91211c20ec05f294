// tailfold core: when a job that may not start yet may start.
// GPL-2.0-or-later.
//
// A pending job held back by its begin time (sbatch --begin) or by other
// jobs (--dependency) is out of the backfill queue, and squeue --start
// shows no start for it.  The forecast places it from the time it may
// start: its begin time, and the expected start or end of each job it
// waits for, as the same pass expects them.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace tailfold {

// One job another waits for (one item of --dependency).
struct Prerequisite {
    bool after_start = false;  // after:  (its start) rather than afterok/afterany/afternotok (its end)
    std::int64_t delay_s = 0;  // after:job+minutes
    bool done = false;         // satisfied already
    bool never = false;        // can no longer be satisfied (afterok of a failed job)
    std::optional<std::int64_t> start, end;  // expected; none: not known
};

// The earliest time the job may start, not before `now` nor `begin`:
// with all of `deps` satisfied, or with one of them (`any_of`, the `?`
// separator).  None when that is not known (a job waited for has no
// expected time) or never comes.
std::optional<std::int64_t> ready_time(std::int64_t now, std::int64_t begin,
                                       const std::vector<Prerequisite> &deps, bool any_of);

}  // namespace tailfold
