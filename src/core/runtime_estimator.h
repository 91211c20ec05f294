// tailfold core: expected runtimes, from time limits or learned from
// finished jobs.  GPL-2.0-or-later.
//
// History is kept per (user, account, job name) and per user: the last two
// runtimes, the limits they ran under, and how many runs were seen.  A job
// that hit its limit counts as at least its limit: it might have run
// longer, and taking a long job for a short one costs far more than the
// reverse.  Two estimates come from one history, for two uses:
//
//   seconds           the mean of the last two runtimes (as EASY++ does),
//                     never above the job's own limit: what the duration
//                     boost ranks jobs by and bf_runtime=predicted plans
//                     with (its ranking is what the simulator tables judge).
//   forecast_seconds  what the last two runs say about how the user asks
//                     for time, carried to this job's limit
//                     (RunHistory::carried): the share of their limits they
//                     used (a user who asks for four times what a job takes
//                     goes on doing so, whatever the limit), or the slack
//                     they left, limit - runtime (where limits are the
//                     runtime rounded up, a seconds-long run's share says
//                     nothing of a long job), the larger of the two, never
//                     above the limit.  Where limits are exact it is the
//                     limit; where users overstate, the share follows them.
//                     What the expected starts of squeue --start use
//                     (bf_estimate=learned), where being right on average
//                     is what counts (docs/start-estimates.md has both on
//                     the shared traces).  Runs whose limits are not known
//                     (an older store has none) give the mean.
//                     It needs one run of the same (user, account, name),
//                     else it takes the user's runs, whatever `source`
//                     and `history_runs` ask of `seconds` (except `limit`):
//                     how a user asks for time carries over to their other
//                     job names, and a forecast from it is closer than the
//                     limit (the duration boost keeps its own rule).
//   forecast_runs     the same runs each carried to the job's limit on its
//                     own, for a running job's expected end once it has
//                     outlived some of them (forecast_end, below).
//
//   limit    the job's time limit
//   history  job history, else the user's history, else the limit
//   auto     job history once it has `history_runs` runs, else the limit
//
// The store is bounded: past `max_entries`, the entries updated longest ago
// are dropped.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "duration_params.h"

namespace tailfold {

struct RunHistory {
    std::int64_t last[2] = {0, 0};   // most recent first; 0 = none
    std::int64_t limit[2] = {0, 0};  // the limits they ran under; 0 = none or unknown
    std::uint32_t runs = 0;          // runs seen (saturating)
    std::uint64_t stamp = 0;         // update order, for eviction
    // How many of last[] hold a run.
    int count() const { return runs >= 2 && last[1] ? 2 : 1; }
    // In double: two runtimes near INT64_MAX (a damaged store) would
    // overflow a signed sum.
    double mean() const
    {
        return count() == 2 ? (static_cast<double>(last[0]) + static_cast<double>(last[1])) / 2.0
                            : static_cast<double>(last[0]);
    }
    // The runs' share of their limits, or their slack, carried to a job
    // with limit limit_s (> 0; see the top of this file); mean() when a
    // run's limit is not known.  Not capped at limit_s.
    double carried(std::int64_t limit_s) const;
    // Run i (0: the latest) carried to limit_s alone, never above it;
    // the run itself when its limit is not known.
    double carried_run(int i, std::int64_t limit_s) const;
};

enum class EstimateOrigin { kLimit, kJobHistory, kUserHistory };
const char *to_string(EstimateOrigin o);

struct Estimate {
    double seconds = 0;           // the mean of the last runs (or the limit)
    double forecast_seconds = 0;  // carried to the limit (or the limit)
    EstimateOrigin origin = EstimateOrigin::kLimit;  // of `seconds`
    // The runs behind forecast_seconds, each carried to the limit
    // (RunHistory::carried_run), ascending; forecast_run_count 0: none.
    double forecast_runs[2] = {0, 0};
    int forecast_run_count = 0;
};

// When a running job that started at `start` is expected to end, for the
// forecast (bf_estimate=learned), with `e` its estimate and limit_end when
// its limit kills it.  While none of the runs behind e.forecast_seconds is
// shorter than what it has run, at start + forecast_seconds.  Once it has
// outlived some of them, at the mean of those still ahead (never before
// start + forecast_seconds): a job past the length of a user's short runs
// is one of their long ones.  Once it has outlived all of them (or with
// none known), as planned_end (backfill_planner.h) has it: as long again
// past now as it has overrun, at least `step`.  Never past limit_end, never
// before now + 1.
std::int64_t forecast_end(std::int64_t now, std::int64_t start, const Estimate &e, std::int64_t limit_end,
                          std::int64_t step);

class RuntimeEstimator {
  public:
    explicit RuntimeEstimator(std::uint32_t max_entries = 100000) : max_(max_entries ? max_entries : 1) {}

    // A finished job.  runtime_s <= 0 is ignored (a job that never ran).
    // limit_s <= 0 means no limit.
    void record(std::uint32_t uid, std::string_view account, std::string_view name,
                std::int64_t runtime_s, std::int64_t limit_s, bool hit_limit);

    // limit_s <= 0 means no limit: history is then not capped, and the
    // "limit" estimate is 0 (unknown).
    // Allocates nothing: slurmctld asks for every pending job at every
    // priority pass.
    Estimate estimate(std::uint32_t uid, std::string_view account, std::string_view name,
                      std::int64_t limit_s, DurationSource source, std::uint32_t history_runs) const;

    std::size_t size() const { return jobs_.size() + users_.size(); }
    void set_max_entries(std::uint32_t n);
    // How many times entries were dropped to stay within max_entries
    // (estimates of any user may have changed then).
    std::uint64_t evictions() const { return evictions_; }
    void clear();  // also resets learned_until and learned_ids

    // For the store: every entry.  An entry with an empty account and name
    // and user_level set is a user's history.
    struct Entry {
        std::uint32_t uid;
        std::string account, name;
        bool user_level;
        RunHistory history;
    };
    std::vector<Entry> entries() const;
    void restore(const Entry &e);  // as saved, keeping stamps' order

    // What was learned already, for a restart (learn_ledger.h): every
    // job that ended at or before learned_until was counted, and so were
    // the jobs in learned_ids (their end times are later).
    std::int64_t learned_until = 0;
    std::vector<std::uint32_t> learned_ids;

  private:
    // The key of (uid, account, name), written into a per-thread buffer.
    static const std::string &job_key(std::uint32_t uid, std::string_view account, std::string_view name);
    void add_run(RunHistory &h, std::int64_t runtime, std::int64_t limit);
    void evict();

    std::uint32_t max_;
    std::uint64_t clock_ = 0;
    std::uint64_t evictions_ = 0;
    std::unordered_map<std::string, RunHistory> jobs_;
    std::unordered_map<std::uint32_t, RunHistory> users_;
};

}  // namespace tailfold
