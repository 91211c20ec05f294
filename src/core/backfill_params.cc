// tailfold core: SchedulerParameters for sched/tailfold.  GPL-2.0-or-later.
#include "backfill_params.h"

#include "duration_params.h"
#include "key_value.h"

#include <cerrno>
#include <climits>
#include <cctype>
#include <cstdlib>
#include <set>
#include <utility>

namespace tailfold {

namespace {

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
// (slurm.conf(5)) and that are not sched/tailfold's business: not typos.
bool other_backfill_key(const std::string &key)
{
    static const char *const known[] = {
        "bf_busy_nodes", "bf_hetjob_immediate", "bf_hetjob_prio", "bf_licenses",
        "bf_min_age_reserve", "bf_min_prio_reserve", "bf_window_linear",
    };
    for (const char *k : known)
        if (key == k)
            return true;
    return false;
}

// Keys of Slurm's own backfill that a site moving from it may have set,
// and why tailfold does not need them: each gets a warning line.
const char *not_needed_because(const std::string &key)
{
    static const std::pair<const char *, const char *> keys[] = {
        {"bf_node_space_size", "the plan has no fixed size (sdiag's table size shows it)"},
        {"bf_running_job_reserve", "the plan always holds every running job until its expected end"},
        {"bf_one_resv_per_job",
         "a job is planned once per pass, in its first partition record, so it never holds "
         "more than one start"},
        {"bf_job_part_count_reserve",
         "held starts are counted over all partitions together; bf_reservations=N sets how many"},
        {"bf_ignore_newly_avail_nodes",
         "the plan is drawn when a pass starts, so what frees up during a pass waits for the "
         "next one (Slurm 22.05's own backfill does not read it either)"},
        // Keys Slurm 24.11's own backfill reads and 22.05's does not.
        {"bf_allow_magnetic_slot",
         "it is Slurm 24.11's switch for planning jobs of magnetic reservations in their own "
         "slots, which sched/tailfold does not have"},
        {"bf_topopt_enable", "it turns on Slurm 24.11's experimental placement oracle, which "
                             "sched/tailfold does not have"},
        {"bf_topopt_iterations", "it tunes Slurm 24.11's experimental placement oracle, which "
                                 "sched/tailfold does not have"},
        {"time_min_as_soft_limit",
         "sched/tailfold plans a job with its time limit (or, with bf_runtime=predicted, its "
         "learned runtime), never with --time-min, and lets it run to its limit"},
    };
    for (const auto &k : keys)
        if (key == k.first)
            return k.second;
    return nullptr;
}

bool is_own_key(const std::string &key)
{
    for (const std::string &k : backfill_keys())
        if (key == k)
            return true;
    return false;
}

}  // namespace

const std::vector<std::string> &backfill_keys()
{
    static const std::vector<std::string> own = {
        "bf_interval", "bf_window", "bf_resolution", "bf_max_job_test", "bf_max_time",
        "bf_yield_interval", "bf_yield_sleep", "bf_reservations", "bf_continue", "bf_runtime",
        "bf_max_job_user", "bf_max_job_assoc", "bf_max_job_part", "bf_max_job_user_part",
        "bf_max_job_start", "bf_max_job_array_resv", "bf_order", "bf_starve_age",
        "bf_estimate", "bf_estimate_window",
    };
    return own;
}

bool parse_backfill_params(const char *text, BackfillParams &out, std::string &error,
                           std::vector<std::string> *warnings)
{
    BackfillParams p;
    std::set<std::string> seen, warned;
    std::vector<std::string> notes;
    const bool ok = for_each_key_value(text, [&](const std::string &written, const std::string &val,
                                                 bool has_value) {
        // Slurm matches SchedulerParameters keys in any case; so do we, or
        // "BF_INTERVAL=abc" would be passed over as someone else's key.
        std::string key = written;
        for (char &c : key)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (is_own_key(key) && !seen.insert(key).second) {
            // Slurm's own backfill takes the first of two, a site's edit
            // usually meant the last: which one is a guess, so neither.
            error = "SchedulerParameters: " + written + "=" + val +
                    ": duplicate key (given more than once)";
            return false;
        }
        auto number = [&](std::uint32_t lo, std::uint32_t hi, std::uint32_t &field) {
            if (!has_value || !to_u32(val, lo, hi, field)) {
                error = "SchedulerParameters: " + written + "=" + val + ": not a whole number from " +
                        std::to_string(lo) + " to " + std::to_string(hi);
                return false;
            }
            return true;
        };
        if (key == "bf_interval")
            return number(1, 86400, p.interval_s);
        if (key == "bf_window")
            return number(1, 43200, p.window_min);
        if (key == "bf_estimate_window")
            return number(1, 5256000, p.estimate_window_min);
        if (key == "bf_resolution")
            return number(1, 3600, p.resolution_s);
        if (key == "bf_max_job_test")
            return number(0, 1000000, p.max_job_test);
        if (key == "bf_max_time")
            return number(1, 3600, p.max_time_s);
        if (key == "bf_yield_interval")
            return number(1, 10000000, p.yield_interval_us);
        if (key == "bf_yield_sleep")
            return number(1, 10000000, p.yield_sleep_us);
        if (key == "bf_reservations")
            return number(0, 100000, p.reservations);
        if (key == "bf_continue") {
            if (has_value)
                error = "SchedulerParameters: " + written + "=" + val + ": bf_continue takes no value";
            p.continue_after_yield = true;
            return !has_value;
        }
        // One of two words, each standing for a value of the field.
        auto choice = [&](const char *a, const char *b, auto va, auto vb, auto &field) {
            if (val == a || val == b) {
                field = val == a ? va : vb;
                return true;
            }
            error = "SchedulerParameters: " + written + "=" + val + ": must be " + a + " or " + b;
            return false;
        };
        if (key == "bf_runtime")
            return choice("limit", "predicted", PlanRuntime::kLimit, PlanRuntime::kPredicted, p.runtime);
        if (key == "bf_estimate")
            return choice("learned", "limit", ForecastRuntime::kLearned, ForecastRuntime::kLimit, p.estimate);
        if (key == "bf_order")
            return choice("priority", "shortest", BackfillOrder::kPriority, BackfillOrder::kShortest, p.order);
        if (key == "bf_starve_age") {
            const auto s = has_value ? parse_duration_seconds(val) : std::nullopt;
            if (!s || *s > 366 * 86400) {
                error = "SchedulerParameters: " + written + "=" + val +
                        ": not a duration up to 366d (seconds, or a number with s, m, h or d; 0: off)";
                return false;
            }
            p.starve_age_s = *s;
            return true;
        }
        // Slurm's limits: 0 is none; at most what it accepts.
        if (key == "bf_max_job_user")
            return number(0, 1000000, p.max_job_user);
        if (key == "bf_max_job_assoc")
            return number(0, 1000000, p.max_job_assoc);
        if (key == "bf_max_job_part")
            return number(0, 1000000, p.max_job_part);
        if (key == "bf_max_job_user_part")
            return number(0, 1000000, p.max_job_user_part);
        if (key == "bf_max_job_start")
            return number(0, 10000, p.max_job_start);
        if (key == "bf_max_job_array_resv")
            return number(0, 1000, p.max_job_array_resv);
        if (const char *why = not_needed_because(key)) {
            if (warned.insert(key).second)
                notes.push_back("SchedulerParameters: " + written + (has_value ? "=" + val : "") +
                                " is not used: " + why);
            return true;
        }
        if (key.compare(0, 3, "bf_") == 0 && !other_backfill_key(key)) {
            // A backfill key that no part of Slurm or tailfold reads: most
            // likely a typo of one that matters.
            error = "SchedulerParameters: unknown backfill key '" + written + "'";
            return false;
        }
        return true;  // another part of Slurm's
    });
    if (!ok)
        return false;
    if (!p.max_time_s)
        p.max_time_s = p.interval_s;
    if (p.max_job_assoc && p.max_job_user) {
        // Slurm's own backfill does the same, with a line saying so.
        notes.push_back("SchedulerParameters: bf_max_job_user=" + std::to_string(p.max_job_user) +
                        " is not used: bf_max_job_assoc is set and takes precedence, as in Slurm");
        p.max_job_user = 0;
    }
    out = p;
    if (warnings)
        *warnings = std::move(notes);
    return true;
}

}  // namespace tailfold
