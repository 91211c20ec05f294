// tailfold core: when the prompt hand-off asks for a scheduling pass.
// GPL-2.0-or-later.
//
// sched/tailfold's hand-off thread looks at slurmctld every 100 ms.  When
// resources came back (a job ended, a node changed) it asks for a pass at
// once.  When only jobs changed (submitted, released, updated, started),
// the change is usually one step of a burst (a loop of sbatch, `scontrol
// release` of many jobs, one request per job), and a pass in the middle
// would start the first arrivals in arrival order, not in priority order:
// it waits for a whole second without a job update, and at most `max_ms`.
// slurmctld's job update time holds whole seconds, so a second of quiet is
// known only once the wall clock is two seconds past it: one second past,
// the next update of a burst that goes on may simply not have come yet in
// the new second (waiting for that alone started a bag's first 16 jobs
// out of the first 30 of 80 releases).
#pragma once

#include <cstdint>

namespace tailfold {

class HandoffSettle {
  public:
    explicit HandoffSettle(std::int64_t max_ms) : max_ms_(max_ms) {}

    // One look.  `changed`: anything changed since the last pass asked
    // for; `freed`: resources came back since the previous look;
    // `job_second`: slurmctld's job update time; `wall_second` and
    // `mono_ms`: the clocks now.  True: ask for a pass now.
    bool look(bool changed, bool freed, std::int64_t job_second, std::int64_t wall_second,
              std::int64_t mono_ms)
    {
        if (!changed)
            return false;
        if (!freed) {
            if (!settling_) {
                settling_ = true;
                settle_from_ms_ = mono_ms;
            }
            const bool quiet = wall_second >= job_second + 2;
            if (!quiet && mono_ms - settle_from_ms_ < max_ms_)
                return false;
        }
        settling_ = false;
        return true;
    }

  private:
    std::int64_t max_ms_;
    std::int64_t settle_from_ms_ = 0;
    bool settling_ = false;
};

}  // namespace tailfold
