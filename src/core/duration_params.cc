// tailfold core: PriorityParameters.  GPL-2.0-or-later.
#include "duration_params.h"

#include "key_value.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <set>

namespace tailfold {

namespace {

std::optional<std::uint32_t> parse_u32(const std::string &v)
{
    if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    errno = 0;
    const unsigned long long n = std::strtoull(v.c_str(), nullptr, 10);
    if (errno || n > UINT32_MAX)
        return std::nullopt;
    return static_cast<std::uint32_t>(n);
}

}  // namespace

std::optional<std::int64_t> parse_duration_seconds(const std::string &text)
{
    std::string v = trim(text);
    if (v.empty())
        return std::nullopt;
    std::int64_t unit = 1;
    switch (v.back()) {
    case 's': unit = 1; v.pop_back(); break;
    case 'm': unit = 60; v.pop_back(); break;
    case 'h': unit = 3600; v.pop_back(); break;
    case 'd': unit = 86400; v.pop_back(); break;
    default: break;
    }
    if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos || v.size() > 12)
        return std::nullopt;
    return static_cast<std::int64_t>(std::strtoll(v.c_str(), nullptr, 10)) * unit;
}

const char *to_string(DurationSource s)
{
    switch (s) {
    case DurationSource::kLimit: return "limit";
    case DurationSource::kHistory: return "history";
    default: return "auto";
    }
}

const char *to_string(DurationScope s)
{
    return s == DurationScope::kQueue ? "queue" : "owner";
}

const std::vector<std::string> &duration_keys()
{
    static const std::vector<std::string> keys = {
        "duration_weight", "duration_source", "duration_scale", "duration_min", "duration_max",
        "duration_history_runs", "duration_store_max", "duration_scope", "duration_batch",
        "chain_credit",
    };
    return keys;
}

bool parse_duration_params(const char *text, DurationParams &out, std::string &error,
                           std::uint32_t max_weight, bool owner_scope)
{
    DurationParams p;  // defaults; `out` changes only if everything parses
    if (!owner_scope)
        p.scope = DurationScope::kQueue;
    std::set<std::string> seen;
    std::string min_text = "1m", max_text;  // as written, for the bounds' message
    const bool ok = for_each_key_value(text, [&](const std::string &key, const std::string &val,
                                                 bool has_value) {
        auto bad = [&](const std::string &why) {
            error = "PriorityParameters: " + key + "=" + val + ": " + why;
            return false;
        };
        if (!has_value) {
            error = "PriorityParameters: '" + key + "' is not key=value";
            return false;
        }
        // Which of two values was meant is a guess (Slurm's own parsers
        // take the first, a later line in a file the last): refuse both.
        if (!seen.insert(key).second)
            return bad("duplicate key (given more than once)");
        if (key == "duration_weight") {
            auto n = parse_u32(val);
            if (!n || *n > max_weight)
                return bad("not a whole number from 0 to " + std::to_string(max_weight));
            p.weight = *n;
        } else if (key == "duration_source") {
            if (val == "limit")
                p.source = DurationSource::kLimit;
            else if (val == "history")
                p.source = DurationSource::kHistory;
            else if (val == "auto")
                p.source = DurationSource::kAuto;
            else
                return bad("must be limit, history or auto");
        } else if (key == "duration_scale") {
            if (val == "log")
                p.scale = DurationScale::kLog;
            else if (val == "linear")
                p.scale = DurationScale::kLinear;
            else
                return bad("must be log or linear");
        } else if (key == "duration_min" || key == "duration_max") {
            auto s = parse_duration_seconds(val);
            if (!s)
                return bad("not a duration (seconds, or a number with s, m, h or d)");
            if (key == "duration_max" && *s == 0)
                return bad("must be larger than duration_min (leave it out for the largest "
                           "partition MaxTime)");
            (key == "duration_min" ? p.min_s : p.max_s) = *s;
            (key == "duration_min" ? min_text : max_text) = val;
        } else if (key == "duration_history_runs") {
            auto n = parse_u32(val);
            if (!n || *n < 1 || *n > 2)
                return bad("must be 1 or 2 (the estimate is the mean of the last two runs)");
            p.history_runs = *n;
        } else if (key == "duration_store_max") {
            auto n = parse_u32(val);
            if (!n || *n < 1)
                return bad("must be a whole number of at least 1");
            p.store_max = *n;
        } else if (key == "duration_batch") {
            auto s = parse_duration_seconds(val);
            if (!s || *s > 366 * 86400)
                return bad("not a duration up to 366d (seconds, or a number with s, m, h or d)");
            p.batch_s = *s;
        } else if (key == "duration_scope") {
            if (val == "queue")
                p.scope = DurationScope::kQueue;
            else if (val == "owner" && owner_scope)
                p.scope = DurationScope::kOwner;
            else if (val == "owner")
                return bad("a site factor cannot see a job's other factors, so its boost is "
                           "always queue-wide; use PriorityType=priority/tailfold for owner");
            else
                return bad("must be owner or queue");
        } else if (key == "chain_credit") {
            if (val == "on" && !owner_scope)
                return bad("a site factor cannot change a job's age, where chain credit counts; "
                           "use PriorityType=priority/tailfold for chain credit");
            if (val == "on")
                p.chain_credit = true;
            else if (val == "off")
                p.chain_credit = false;
            else
                return bad("must be on or off");
        } else {
            error = "PriorityParameters: unknown key '" + key + "' (tailfold knows ";
            for (const std::string &k : duration_keys())
                error += (&k == &duration_keys().front() ? "" : ", ") + k;
            error += ")";
            return false;
        }
        return true;
    });
    if (!ok)
        return false;
    if (p.max_s && p.max_s <= p.min_s) {
        error = "PriorityParameters: duration_max=" + max_text +
                ": must be larger than duration_min=" + min_text;
        return false;
    }
    out = p;
    return true;
}

}  // namespace tailfold
