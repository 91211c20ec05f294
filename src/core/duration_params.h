// tailfold core: the duration boost's settings, from PriorityParameters.
// GPL-2.0-or-later.
//
// PriorityParameters is a comma-separated list of key=value (slurm.conf(5)
// leaves its content to the priority plugin).  tailfold's keys:
//
//   duration_weight=N        weight of the duration factor (default 0: off)
//   duration_source=S        limit | history | auto (default auto)
//   duration_scale=S         log | linear (default log)
//   duration_min=T           runtime at and below which the factor is 0 (default 1m)
//   duration_max=T           runtime at and above which the factor is 1
//                            (default: the largest partition MaxTime)
//   duration_history_runs=N  runs of a (user, account, job name) needed before
//                            auto trusts history (default 2)
//   duration_store_max=N     most entries kept in the estimate store (default 100000)
//   duration_scope=S         owner | queue (default owner): the boost orders each
//                            owner's jobs among themselves (owner_fold.h), or
//                            adds to every job's priority across the queue
//   duration_batch=T         with owner: a pause longer than T between two jobs
//                            of an owner becoming eligible starts a new batch
//                            (default 10m; 0: all the owner's jobs are one)
//
// T is a number of seconds, or a number with a unit s, m, h or d ("90",
// "10m", "2h", "7d").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tailfold {

enum class DurationSource { kLimit, kHistory, kAuto };
enum class DurationScale { kLog, kLinear };
enum class DurationScope { kOwner, kQueue };

struct DurationParams {
    std::uint32_t weight = 0;
    DurationSource source = DurationSource::kAuto;
    DurationScale scale = DurationScale::kLog;
    std::int64_t min_s = 60;
    std::int64_t max_s = 0;  // 0: the largest partition MaxTime
    std::uint32_t history_runs = 2;
    std::uint32_t store_max = 100000;
    DurationScope scope = DurationScope::kOwner;
    std::int64_t batch_s = 600;
    bool chain_credit = false;  // chain_credit=on: chain_credit.h
};

// The largest duration_weight a site factor can carry: slurmctld keeps a
// job's site factor as 2^31 (NICE_OFFSET) plus the value in 32 bits, so a
// larger boost would wrap and give the longest jobs the lowest priority.
constexpr std::uint32_t kSiteFactorMaxWeight = 0x7fffffff;

// The keys parse_duration_params reads (tailfold(5) has an entry for
// each).
const std::vector<std::string> &duration_keys();

// Parses `text` (NULL or empty: all defaults).  On a bad key or value,
// returns false and sets `error` to one line naming the key and what is
// wrong; `out` is then left unchanged, so a caller never runs on a
// half-read configuration.  A duration_weight above `max_weight` is a bad
// value (site_factor/tailfold passes kSiteFactorMaxWeight).  Without
// `owner_scope` (site_factor/tailfold, which sees no other factor of a
// job), the scope is queue and duration_scope=owner and chain_credit=on
// are bad values.
bool parse_duration_params(const char *text, DurationParams &out, std::string &error,
                           std::uint32_t max_weight = 0xffffffffu, bool owner_scope = true);

// "90", "10m", "2h", "7d" -> seconds; nullopt if malformed or negative.
std::optional<std::int64_t> parse_duration_seconds(const std::string &text);

const char *to_string(DurationSource s);
const char *to_string(DurationScope s);

}  // namespace tailfold
