// tailfold glue: how long Slurm lets a job run.  GPL-2.0-or-later.
//
// One answer for the duration boost, the estimator and the backfill plan,
// so a job's expected runtime and its planned end agree: the job's own
// limit capped by its partition's MaxTime (a job over it does not start
// there: PartitionTimeLimit), the partition's MaxTime when the job sets
// none, 0 when neither limits it (UNLIMITED).
#pragma once

#include <algorithm>
#include <cstdint>

#include "slurm_cxx.h"

namespace tf_glue {

// Seconds of a limit in minutes as Slurm keeps it (0: none).
inline std::int64_t limit_seconds(std::uint32_t minutes)
{
    return minutes == NO_VAL || minutes == INFINITE || minutes == 0 ? 0 : std::int64_t(minutes) * 60;
}

// Seconds a job may run in its current partition (0: no limit).
inline std::int64_t time_limit_seconds(const job_record_t *job)
{
    const std::int64_t own = limit_seconds(job->time_limit);
    const std::int64_t part = job->part_ptr ? limit_seconds(job->part_ptr->max_time) : 0;
    if (!own)
        return part;
    return part ? std::min(own, part) : own;
}

}  // namespace tf_glue
