// sched/tailfold glue: what the wrapper and the backfill pass share.
// GPL-2.0-or-later.
//
// The policy (timeline, earliest start, reservation depth, the rule that
// keeps a start from delaying a held job) is in src/core; these files only
// translate slurmctld's records into it and its decisions back.
#pragma once

#include <time.h>

#include "src/plugins/common/slurm_cxx.h"

#include <string>
#include <unordered_map>
#include <vector>

#include "src/core/backfill_params.h"
#include "src/core/start_forecast.h"
#include "src/core/timeline.h"
#include "src/core/wait_reason.h"

namespace tf_sched {

// The settings in force (a copy; SchedulerParameters is re-read at
// reconfigure, and a bad value keeps the last good ones).
tailfold::BackfillParams params();

// One backfill cycle (backfill_cycle.cc; the core's BackfillPass plans
// it).  Takes slurmctld's locks itself (and yields them);
// call with none held.
void run_backfill_cycle();

// How many tasks of the job get a held start: 1, or for the pending rest
// of a job array (one queue record), up to bf_max_job_array_resv of them.
std::uint32_t tasks_to_hold(const job_record_t *job, const tailfold::BackfillParams &p);

// --- cluster_picture.cc: slurmctld's state as the planner sees it.
// All need the job and node locks (read) and the partition lock (read).

// Licences (slurm.conf Licenses=, and remote ones) and generic resources
// (GresTypes=, counted by name, "gpu", and by type, "gpu:a100") by name:
// their numbers in the timeline.
using NameIndex = std::unordered_map<std::string, std::uint32_t>;
struct ResourceIndex {
    NameIndex licenses, gres;
};

// The runtimes a picture of the cluster or a request is drawn with: time
// limits; learned runtimes as the plan uses them (bf_runtime=predicted:
// the mean of a job's last runs, runtime_estimator.h); or as the forecast
// of expected starts does (bf_estimate=learned: the last runs carried to
// the job's limit).
enum class Runtimes { kLimit, kLearned, kForecast };
inline Runtimes plan_runtimes(const tailfold::BackfillParams &p)
{
    return p.runtime == tailfold::PlanRuntime::kPredicted ? Runtimes::kLearned : Runtimes::kLimit;
}
inline Runtimes forecast_runtimes(const tailfold::BackfillParams &p)
{
    return p.estimate == tailfold::ForecastRuntime::kLearned ? Runtimes::kForecast : Runtimes::kLimit;
}

// Nodes by index (node_record_table_ptr order), running jobs to their
// expected ends, advanced reservations as blocks; licences, taken by
// running jobs until their expected ends and by reservations while they
// last (as slurmctld counts them for a job outside the reservation);
// each node's generic resources, taken by running jobs until their
// expected ends (by `running`'s runtimes), over p.window_min.
tailfold::Timeline build_timeline(time_t now, const tailfold::BackfillParams &p, Runtimes running,
                                  ResourceIndex &index);

// What a pending job asks for in its current partition (job->part_ptr), or
// false when it can use no node or asks for a licence or generic resource
// the cluster does not have, for `runtimes`' runtime.
bool request_for(job_record_t *job, Runtimes runtimes, const ResourceIndex &index,
                 tailfold::Request &r);

// How long a job is planned to run: its time limit in its current
// partition (none: past the forecast's window), or a learned runtime where
// one is known and shorter.
std::int64_t runtime_for(const job_record_t *job, Runtimes runtimes);

// When a running job is expected to give its resources back: its limit's
// end, or its learned runtime's under `runtimes` (the core's planned_end
// says what happens once it has outlived that).
time_t expected_end(const job_record_t *job, time_t now, const tailfold::BackfillParams &p,
                    Runtimes runtimes);

// The nodes, CPUs and generic resources a running job holds, as a
// placement starting now.
tailfold::Placement allocation_of(const job_record_t *job, time_t now, const ResourceIndex &index);

// --- later_starts.cc: jobs that may not start yet.

// Expected starts (StartTime) of pending jobs out of the backfill queue
// because they wait for their begin time or for other jobs; slurmctld's
// reason (BeginTime, Dependency) stays.  Each is placed in the forecast
// from the time it may start (src/core/ready_time), in priority order
// among the queue's jobs: the pass calls place_down_to(P) before it
// places a job of priority P.  One that waits for a job with no start yet
// is tried again after the queue (place_rest), once that job has one.
// Needs the job write lock.
class WaitingJobs {
  public:
    WaitingJobs(time_t now, const tailfold::BackfillParams &p, const ResourceIndex &names);
    // Each stops after budget_us.
    void place_down_to(std::uint32_t priority, tailfold::StartForecast &forecast, std::int64_t budget_us);
    void place_rest(tailfold::StartForecast &forecast, std::int64_t budget_us);
    std::uint32_t placed() const { return placed_; }

  private:
    struct Ref {
        job_record_t *job;
        std::uint32_t job_id;
    };
    enum class Outcome { kPlaced, kNotYet, kGone };
    bool still_waiting(const Ref &r) const;
    Outcome place(const Ref &r, tailfold::StartForecast &forecast);

    time_t now_;
    const tailfold::BackfillParams &p_;
    const ResourceIndex &names_;
    std::vector<Ref> jobs_;  // highest priority first
    std::size_t next_ = 0;   // jobs_ before it are done or in later_
    std::vector<Ref> later_;
    std::uint32_t placed_ = 0;
};

// --- wait_reasons.cc: what a pending job waits for, in its reason.

// Writes the reason of a job the pass reached and did not start, in
// Slurm's fields (state_reason keeps a stock code: Priority, Resources,
// Licenses; state_desc starts with that code and names the blocker).
// `ahead`: jobs of higher priority the pass planned first in the job's
// partition; `expected`: the start squeue --start shows (0: none).  A
// reason set by someone else that says more than the generic codes (a
// node not available, a partition limit) is left alone.
void write_wait_reason(job_record_t *job, const tailfold::WaitReason &w, const ResourceIndex &names,
                       std::uint32_t ahead, time_t expected);

// Whether the settings read learned runtimes (bf_runtime=predicted plans
// with them, bf_order=shortest orders by them).
inline bool reads_estimates(const tailfold::BackfillParams &p)
{
    return p.runtime == tailfold::PlanRuntime::kPredicted || p.order == tailfold::BackfillOrder::kShortest ||
           p.estimate == tailfold::ForecastRuntime::kLearned;
}

// Microseconds of a monotonic clock: pass times, lock holds and the
// hand-off's settling, none of which may jump with the wall clock.
inline std::int64_t mono_usec()
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::int64_t(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

// A node mask as a Slurm bitmap (caller frees) and back.
bitstr_t *to_bitmap(const std::vector<bool> &mask);

}  // namespace tf_sched
