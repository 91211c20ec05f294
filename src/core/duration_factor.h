// tailfold core: the duration factor.  GPL-2.0-or-later.
//
// Longest-processing-time-first: a job expected to run longer gets a larger
// factor, so it starts earlier and short jobs fill the holes at the end of
// a batch.  The factor is 0 at and below `min_s`, 1 at and above `max_s`,
// and in between grows with the logarithm of the runtime (default: a job
// of an hour is as far above one of a minute as a job of two days is above
// one of an hour) or linearly.
#pragma once

#include <cstdint>

#include "duration_params.h"

namespace tailfold {

double duration_factor(double runtime_s, std::int64_t min_s, std::int64_t max_s, DurationScale scale);

// The weighted boost added to a priority: floor(weight x factor), a whole
// number because Slurm shows it in sprio's SITE column, which holds whole
// numbers.  `max_s` is the resolved upper bound.
std::int64_t duration_boost(const DurationParams &p, std::int64_t max_s, double runtime_s);

}  // namespace tailfold
