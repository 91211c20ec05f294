// tailfold core: the backfill plan.  GPL-2.0-or-later.
#include "backfill_planner.h"

#include <algorithm>

namespace tailfold {

void BackfillPass::count_free_now()
{
    free_now_ = timeline_.free_cpus_now();
}

std::optional<std::vector<bool>> BackfillPass::start_now(const Request &r)
{
    ++stats_.tested;
    if (std::int64_t(r.cpus) > free_now_)
        return std::nullopt;
    Request safe = r;
    safe.allowed = timeline_.safe_now(r);
    if (!timeline_.fits_at(safe, timeline_.now()))
        return std::nullopt;
    return std::move(safe.allowed);
}

void BackfillPass::started(const Request &r, const Placement &actual)
{
    timeline_.reserve(r, actual);
    ++stats_.started;
    count_free_now();
}

PlanDecision BackfillPass::hold(const Request &r, std::int64_t not_before, bool estimate,
                                std::uint32_t copies, bool past_depth)
{
    PlanDecision d;
    const bool may_hold = (held_ < reservations_ || past_depth) && copies > 0;
    if (!may_hold && !estimate) {
        d.kind = PlanKind::kWaiting;
        return d;
    }
    std::optional<Placement> p = timeline_.earliest(r, not_before);
    if (!p) {
        d.kind = PlanKind::kNoFit;
        return d;
    }
    d.placement = std::move(*p);
    if (!may_hold) {
        d.kind = PlanKind::kWaiting;
        return d;
    }
    d.kind = PlanKind::kReserved;
    timeline_.reserve(r, d.placement);
    bool at_now = d.placement.start == timeline_.now();
    // The other copies, each at its earliest start around those before it;
    // one that fits nowhere in the window ends the series.
    for (std::uint32_t c = 1; c < copies; ++c) {
        std::optional<Placement> more = timeline_.earliest(r, not_before);
        if (!more)
            break;
        timeline_.reserve(r, *more);
        at_now = at_now || more->start == timeline_.now();
    }
    if (at_now)
        count_free_now();
    ++held_;
    ++stats_.reserved;
    return d;
}

std::int64_t planned_end(std::int64_t now, std::int64_t predicted_end, std::int64_t limit_end,
                         std::int64_t step)
{
    std::int64_t end = predicted_end > now ? predicted_end
                                           : now + std::max(step, now - predicted_end);
    end = std::min(end, limit_end);
    return std::max(end, now + 1);
}

std::vector<PlanDecision> plan_backfill(Timeline &timeline, const std::vector<Request> &jobs,
                                        std::uint32_t reservations, std::size_t max_test,
                                        PlanStats *stats)
{
    BackfillPass pass(timeline, reservations);
    std::vector<PlanDecision> out;
    out.reserve(jobs.size());
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        if (max_test && pass.stats().tested >= max_test)
            break;
        PlanDecision d;
        if (auto nodes = pass.start_now(jobs[i])) {
            Request on = jobs[i];
            on.allowed = std::move(*nodes);
            d.kind = PlanKind::kStartNow;
            d.placement = *timeline.fits_at(on, timeline.now());
            pass.started(jobs[i], d.placement);
        } else {
            d = pass.hold(jobs[i], timeline.now(), false);
        }
        d.job = i;
        out.push_back(std::move(d));
    }
    if (stats)
        *stats = pass.stats();
    return out;
}

}  // namespace tailfold
