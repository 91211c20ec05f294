// tailfold core: SchedulerParameters for sched/tailfold.  GPL-2.0-or-later.
#include "backfill_params.h"

#include <cerrno>
#include <climits>
#include <cstdlib>

namespace tailfold {

namespace {

std::string trim(const std::string &s)
{
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string::npos)
        return {};
    return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

bool to_u32(const std::string &v, std::uint32_t lo, std::uint32_t hi, std::uint32_t &out)
{
    if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos || v.size() > 10)
        return false;
    const unsigned long long n = std::strtoull(v.c_str(), nullptr, 10);
    if (n < lo || n > hi)
        return false;
    out = static_cast<std::uint32_t>(n);
    return true;
}

// bf_* keys that Slurm's own backfill, main scheduler or select plugin read
// (slurm.conf(5)): not tailfold's, but not typos either.
bool other_backfill_key(const std::string &key)
{
    static const char *const known[] = {
        "bf_busy_nodes", "bf_hetjob_immediate", "bf_hetjob_prio", "bf_ignore_newly_avail_nodes",
        "bf_job_part_count_reserve", "bf_licenses", "bf_max_job_array_resv", "bf_max_job_assoc",
        "bf_max_job_part", "bf_max_job_start", "bf_max_job_user", "bf_max_job_user_part",
        "bf_min_age_reserve", "bf_min_prio_reserve", "bf_node_space_size", "bf_one_resv_per_job",
        "bf_running_job_reserve", "bf_window_linear",
    };
    for (const char *k : known)
        if (key == k)
            return true;
    return false;
}

}  // namespace

bool parse_backfill_params(const char *text, BackfillParams &out, std::string &error)
{
    BackfillParams p;
    const std::string all = text ? text : "";
    std::size_t pos = 0;
    while (pos <= all.size()) {
        std::size_t end = all.find(',', pos);
        if (end == std::string::npos)
            end = all.size();
        const std::string item = trim(all.substr(pos, end - pos));
        pos = end + 1;
        if (item.empty())
            continue;
        const auto eq = item.find('=');
        const std::string key = trim(item.substr(0, eq));
        const std::string val = eq == std::string::npos ? "" : trim(item.substr(eq + 1));
        auto number = [&](std::uint32_t lo, std::uint32_t hi, std::uint32_t &field) {
            if (eq == std::string::npos || !to_u32(val, lo, hi, field)) {
                error = "SchedulerParameters: " + key + "=" + val + ": not a whole number from " +
                        std::to_string(lo) + " to " + std::to_string(hi);
                return false;
            }
            return true;
        };
        bool ok = true;
        if (key == "bf_interval")
            ok = number(1, 86400, p.interval_s);
        else if (key == "bf_window")
            ok = number(1, 43200, p.window_min);
        else if (key == "bf_resolution")
            ok = number(1, 3600, p.resolution_s);
        else if (key == "bf_max_job_test")
            ok = number(0, 1000000, p.max_job_test);
        else if (key == "bf_max_time")
            ok = number(1, 3600, p.max_time_s);
        else if (key == "bf_yield_interval")
            ok = number(1, 10000000, p.yield_interval_us);
        else if (key == "bf_yield_sleep")
            ok = number(1, 10000000, p.yield_sleep_us);
        else if (key == "bf_reservations")
            ok = number(0, 100000, p.reservations);
        else if (key == "bf_continue") {
            if (eq != std::string::npos) {
                error = "SchedulerParameters: bf_continue takes no value";
                return false;
            }
            p.continue_after_yield = true;
        } else if (key == "bf_runtime") {
            if (val == "limit")
                p.runtime = PlanRuntime::kLimit;
            else if (val == "predicted")
                p.runtime = PlanRuntime::kPredicted;
            else {
                error = "SchedulerParameters: bf_runtime=" + val + ": must be limit or predicted";
                return false;
            }
        } else if (key.compare(0, 3, "bf_") == 0 && !other_backfill_key(key)) {
            // A backfill key that no part of Slurm or tailfold reads: most
            // likely a typo of one that matters.
            error = "SchedulerParameters: unknown backfill key '" + key + "'";
            return false;
        }
        if (!ok)
            return false;
    }
    if (!p.max_time_s)
        p.max_time_s = p.interval_s;
    out = p;
    return true;
}

}  // namespace tailfold
