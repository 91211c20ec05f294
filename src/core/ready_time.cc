// tailfold core: when a job that may not start yet may start.
// GPL-2.0-or-later.
#include "ready_time.h"

#include <algorithm>

namespace tailfold {

namespace {

// When one prerequisite is satisfied (none: unknown or never).
std::optional<std::int64_t> satisfied_at(std::int64_t now, const Prerequisite &d)
{
    if (d.done)
        return now;
    if (d.never)
        return std::nullopt;
    const std::optional<std::int64_t> &t = d.after_start ? d.start : d.end;
    if (!t)
        return std::nullopt;
    return *t + (d.after_start ? d.delay_s : 0);
}

}  // namespace

std::optional<std::int64_t> ready_time(std::int64_t now, std::int64_t begin,
                                       const std::vector<Prerequisite> &deps, bool any_of)
{
    std::int64_t t = std::max(now, begin);
    if (deps.empty())
        return t;
    std::optional<std::int64_t> first;  // any_of: the soonest known
    for (const Prerequisite &d : deps) {
        const std::optional<std::int64_t> at = satisfied_at(now, d);
        if (any_of) {
            if (at)
                first = first ? std::min(*first, *at) : *at;
        } else {
            if (!at)
                return std::nullopt;
            t = std::max(t, *at);
        }
    }
    if (any_of) {
        if (!first)
            return std::nullopt;
        t = std::max(t, *first);
    }
    return t;
}

}  // namespace tailfold
