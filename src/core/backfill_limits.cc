// tailfold core: the per-pass limits of Slurm's own backfill.
// GPL-2.0-or-later.
#include "backfill_limits.h"

#include <algorithm>

namespace tailfold {

PassLimits::PassLimits(const BackfillParams &p)
    : max_user_(p.max_job_user), max_assoc_(p.max_job_assoc), max_part_(p.max_job_part),
      max_user_part_(p.max_job_user_part), max_start_(p.max_job_start)
{
}

bool PassLimits::look(std::uint32_t user, std::uint32_t assoc, std::uint64_t part, bool count)
{
    // Each limit's counter, or null when that limit is off (no lookup, so
    // a pass without limits pays nothing per job).
    std::uint32_t *u = max_user_ ? &user_[user] : nullptr;
    std::uint32_t *a = max_assoc_ && assoc ? &assoc_[assoc] : nullptr;
    std::uint32_t *pt = max_part_ ? &part_[part] : nullptr;
    std::uint32_t *up = max_user_part_ ? &user_part_[{user, part}] : nullptr;
    if ((u && *u >= max_user_) || (a && *a >= max_assoc_) || (pt && *pt >= max_part_) ||
        (up && *up >= max_user_part_)) {
        ++skipped_;
        return false;
    }
    if (count)
        for (std::uint32_t *c : {u, a, pt, up})
            if (c)
                ++*c;
    return true;
}

bool PassLimits::started()
{
    ++starts_;
    return !max_start_ || starts_ < max_start_;
}

std::uint32_t array_tasks_to_hold(std::uint32_t pending, std::uint32_t throttle,
                                  std::uint32_t running, std::uint32_t max_resv)
{
    std::uint32_t n = std::min(pending, max_resv);
    if (throttle)
        n = std::min(n, throttle > running ? throttle - running : 0);
    return n;
}

}  // namespace tailfold
