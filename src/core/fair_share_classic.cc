// tailfold core: the classic (non Fair Tree) fair-share factor.  GPL-2.0-or-later.
#include "fair_share_classic.h"

#include <cmath>

namespace tailfold {

double classic_fair_share_factor(long double usage_efctv, double shares_norm, double dampening)
{
    if (!(shares_norm > 0.0) || std::isnan(static_cast<double>(usage_efctv)))
        return 0.0;
    if (!(dampening >= 1.0))
        dampening = 1.0;
    const double u = usage_efctv < 0 ? 0.0 : static_cast<double>(usage_efctv);
    return std::exp2(-(u / shares_norm) / dampening);
}

}  // namespace tailfold
