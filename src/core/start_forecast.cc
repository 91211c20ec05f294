// tailfold core: the expected start of every pending job.  GPL-2.0-or-later.
#include "start_forecast.h"

#include <algorithm>

namespace tailfold {

std::optional<Placement> StartForecast::place(const Request &r, std::int64_t not_before,
                                              std::uint32_t copies)
{
    std::optional<Placement> first;
    for (std::uint32_t c = 0; c < std::max<std::uint32_t>(copies, 1); ++c) {
        std::optional<Placement> p = plan_.earliest(r, not_before);
        if (!p)
            break;  // this task and those after it fit nowhere in the window
        plan_.reserve(r, *p);
        if (!first)
            first = std::move(p);
    }
    return first;
}

std::optional<Placement> StartForecast::place(const Request &r, std::int64_t not_before,
                                              std::uint32_t copies, const WaitReason &why)
{
    if (why.cause == WaitCause::kHeldStart) {
        const auto it = held_.find(why.held_tag);
        not_before = std::max(not_before, it != held_.end() ? it->second : why.held_start);
    }
    return place(r, not_before, copies);
}

}  // namespace tailfold
