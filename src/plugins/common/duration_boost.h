// tailfold glue: the duration boost's state in slurmctld, shared by
// priority/tailfold and site_factor/tailfold.  GPL-2.0-or-later.
//
// Holds the parsed duration_* parameters, the runtime estimator and its
// store file (StateSaveLocation/tailfold_estimates.json), learns from
// finished jobs, and gives each job its expected runtime.  The arithmetic
// is in src/core (duration_factor, runtime_estimator, estimate_store).
#pragma once

#include "src/plugins/common/slurm_cxx.h"

#include <cstdint>
#include <mutex>

#include "src/core/duration_params.h"
#include "src/core/runtime_estimator.h"

namespace tf_duration {

// What configure() does with a bad line.  Slurm's plugin loader calls a
// failing init() twice (once by name, once scanning PluginDir) and
// priority/multifactor ignores a failing site factor plugin, so at start-up
// a bad line is fatal right away: one line naming it, slurmctld not
// running on defaults.  A plugin that only reads another's keys
// (sched/tailfold's predictions) stays quiet: their owner reports them.
enum class OnBad { kError, kFatal, kQuiet };

// Parse `text` (the plugin's parameter line, named `what` in messages).
// On a bad value: one message naming the key and value, the previous
// parameters stay, and false is returned: no half-read configuration.
// max_weight: the largest duration_weight the caller can carry;
// owner_scope: false for PrioritySiteFactorParameters (see
// parse_duration_params).
bool configure(const char *text, const char *what, OnBad on_bad,
               std::uint32_t max_weight = 0xffffffffu, bool owner_scope = true);
tailfold::DurationParams params();

// The factor's upper bound: duration_max, else the largest finite
// partition MaxTime, else 7 days.  Call with the partition read lock held
// (or before slurmctld serves requests).
void refresh_max();
std::int64_t max_seconds();
// False until duration_max or a partition gave the bound (Slurm 24.11
// loads the plugins before the partitions).
bool max_known();

// The store: load at start-up, save after changes (atomically).  A
// damaged file gives one error line and an empty start, and is renamed to
// <file>.damaged.<unix time> first, so no save overwrites what it held; if
// it cannot be renamed, nothing is saved over it.
// Inside slurmctld, load_store also takes the store's lock
// (src/core/file_lock.h), so tailfold-estimates seed refuses to write
// while slurmctld runs; release_store_lock (at fini) gives it back.
void load_store();
// Writes the store if it changed.  Holds the estimator's lock only while
// copying it, so a save never makes priority_p_set (under slurmctld's job
// write lock) wait for the disk.  Call with no slurmctld lock held: the
// write and fsync take as long as the disk does.
void save_store();
// For a caller that holds slurmctld's locks (site_factor_p_update): a
// thread "tfstore" saves when asked.  request_save() only wakes it.
void start_store_writer();
void request_save();
void stop_store_writer();  // joins it; a last save_store() is the caller's
void release_store_lock();
// For a plugin that only reads the store (sched/tailfold with
// bf_runtime=predicted): load it again when its file changed.  No lock
// needed; true when something new was read.
bool reload_store_if_changed();

// Learn the runtimes of jobs that finished since the last call.  Call with
// the job lock held.
void learn_finished_jobs();

// The same, one job at a time, for a caller that walks the job list anyway
// (one walk of 50,000 job records instead of two).  Hold the job lock for
// the learner's whole life; it holds the estimator's lock, so nothing in
// the walk may ask for an expected runtime.
class FinishedJobLearner {
  public:
    FinishedJobLearner();
    ~FinishedJobLearner();  // forgets purged jobs, moves the watermark, releases the estimator
    FinishedJobLearner(const FinishedJobLearner &) = delete;
    FinishedJobLearner &operator=(const FinishedJobLearner &) = delete;
    void look_at(const job_record_t *job);

  private:
    std::unique_lock<std::mutex> lock_;
};

// The expected runtime of a job, and where it came from.  Job lock held.
// kMemo may answer from the memo (src/core/estimate_memo.h): for periodic
// passes.  kFresh looks it up again: for a new or just updated job, whose
// name or account may have changed.
enum class Lookup { kMemo, kFresh };
tailfold::Estimate expected_runtime(const job_record_t *job, Lookup use = Lookup::kMemo);

// The weighted boost of a job (what is added to its priority).  Job lock held.
std::int64_t weighted_boost(const job_record_t *job, Lookup use = Lookup::kMemo);

}  // namespace tf_duration
