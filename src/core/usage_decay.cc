// tailfold core: usage decay and reset.  GPL-2.0-or-later.
#include "usage_decay.h"

#include <cfloat>
#include <cmath>
#include <ctime>

namespace tailfold {

double decay_per_second(double half_life_s)
{
    return half_life_s > 0 ? 1.0 - 0.693 / half_life_s : 1.0;
}

double decay_over(double per_second, double seconds)
{
    const double f = std::pow(per_second, seconds);
    return f < DBL_MIN ? DBL_MIN : f;
}

double charged_seconds(std::int64_t period_start, std::int64_t period_end, std::int64_t job_start,
                       std::int64_t job_end, bool final)
{
    if (job_start > period_start)
        period_start = job_start;
    if (final && job_end && period_end > job_end)
        period_end = job_end;
    const double t = std::difftime(static_cast<time_t>(period_end), static_cast<time_t>(period_start));
    return t > 0 ? t : 0;
}

double decayed_seconds(double per_second, double seconds)
{
    return seconds * std::pow(per_second, seconds);
}

UsageCharge charge_for(double per_second, double run_seconds, double billable, double usage_factor,
                       std::uint64_t release_seconds)
{
    UsageCharge c;
    c.wall = decayed_seconds(per_second, run_seconds);
    c.wall_nodecay = run_seconds;
    if (usage_factor >= 0) {
        c.wall *= usage_factor;
        c.wall_nodecay *= usage_factor;
        // Truncated to whole seconds, as slurmctld keeps the budget.
        release_seconds = static_cast<std::uint64_t>(release_seconds * usage_factor);
    }
    c.billed = c.wall * billable;
    c.billed_nodecay = c.wall_nodecay * billable;
    c.per_tres = c.wall;
    c.per_tres_nodecay = c.wall_nodecay;
    c.release = release_seconds;
    return c;
}

static constexpr std::int64_t kDay = 24 * 3600;

std::int64_t next_usage_reset(UsageReset period, std::int64_t last_reset, std::int64_t now)
{
    const time_t last = static_cast<time_t>(last_reset);
    struct tm tm;
    if (!localtime_r(&last, &tm))
        return 0;
    tm.tm_sec = tm.tm_min = tm.tm_hour = 0;
    tm.tm_isdst = -1;
    std::int64_t t;
    switch (period) {
    case UsageReset::kDaily:
        t = mktime(&tm) + kDay;
        while (t + kDay < now)
            t += kDay;
        return t;
    case UsageReset::kWeekly:
        t = mktime(&tm) + kDay * (7 - tm.tm_wday);
        while (t + 7 * kDay < now)
            t += 7 * kDay;
        return t;
    case UsageReset::kMonthly:
        tm.tm_mday = 1;
        if (++tm.tm_mon > 11) {
            tm.tm_mon = 0;
            ++tm.tm_year;
        }
        break;
    case UsageReset::kQuarterly:
        tm.tm_mday = 1;
        tm.tm_mon = tm.tm_mon < 3 ? 3 : tm.tm_mon < 6 ? 6 : tm.tm_mon < 9 ? 9 : 12;
        if (tm.tm_mon == 12) {
            tm.tm_mon = 0;
            ++tm.tm_year;
        }
        break;
    case UsageReset::kYearly:
        tm.tm_mday = 1;
        tm.tm_mon = 0;
        ++tm.tm_year;
        break;
    default:
        return 0;
    }
    return mktime(&tm);
}

std::uint64_t run_seconds_to_release(std::int64_t period_start, std::int64_t period_end,
                                     std::int64_t job_start, std::uint32_t time_limit_min,
                                     std::int64_t expected_end, bool finished)
{
    if (job_start > period_start)
        period_start = job_start;
    const std::int64_t limit_end = job_start + static_cast<std::int64_t>(time_limit_min) * 60;
    if (period_start >= limit_end)
        return 0;
    if (finished)
        return static_cast<std::uint64_t>(limit_end - period_start);
    if (period_end > expected_end) {
        const std::int64_t left = expected_end - period_start;
        return left > 0 ? static_cast<std::uint64_t>(left) : 0;
    }
    return period_end > period_start ? static_cast<std::uint64_t>(period_end - period_start) : 0;
}

}  // namespace tailfold
