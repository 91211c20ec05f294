// tailfold core: the backfill plan.  GPL-2.0-or-later.
#include "backfill_planner.h"

namespace tailfold {

std::vector<PlanDecision> plan_backfill(Timeline &timeline, const std::vector<Request> &jobs,
                                        std::uint32_t reservations, std::size_t max_test,
                                        PlanStats *stats)
{
    std::vector<PlanDecision> out;
    out.reserve(jobs.size());
    std::uint32_t held = 0;
    PlanStats st;
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        if (max_test && st.tested >= max_test)
            break;
        ++st.tested;
        PlanDecision d;
        d.job = i;
        std::optional<Placement> p = timeline.earliest(jobs[i]);
        if (!p) {
            d.kind = PlanKind::kNoFit;
        } else if (p->start == timeline.now()) {
            d.kind = PlanKind::kStartNow;
            d.placement = *p;
            timeline.reserve(jobs[i], *p);
            ++st.started;
        } else if (held < reservations) {
            d.kind = PlanKind::kReserved;
            d.placement = *p;
            timeline.reserve(jobs[i], *p);
            ++held;
            ++st.reserved;
        } else {
            d.kind = PlanKind::kWaiting;
        }
        out.push_back(std::move(d));
    }
    if (stats)
        *stats = st;
    return out;
}

}  // namespace tailfold
