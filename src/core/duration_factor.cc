// tailfold core: the duration factor.  GPL-2.0-or-later.
#include "duration_factor.h"

#include <algorithm>
#include <cmath>

namespace tailfold {

double duration_factor(double runtime_s, std::int64_t min_s, std::int64_t max_s, DurationScale scale)
{
    const double lo = std::max<double>(1, static_cast<double>(min_s));
    const double hi = static_cast<double>(max_s);
    if (!(hi > lo) || std::isnan(runtime_s))
        return 0;
    if (runtime_s <= lo)
        return 0;
    if (runtime_s >= hi)
        return 1;
    const double f = scale == DurationScale::kLog ? std::log(runtime_s / lo) / std::log(hi / lo)
                                                  : (runtime_s - lo) / (hi - lo);
    return std::clamp(f, 0.0, 1.0);
}

}  // namespace tailfold

namespace tailfold {

std::int64_t duration_boost(const DurationParams &p, std::int64_t max_s, double runtime_s)
{
    if (!p.weight)
        return 0;
    return static_cast<std::int64_t>(
        std::floor(p.weight * duration_factor(runtime_s, p.min_s, max_s, p.scale)));
}

}  // namespace tailfold
