// sched/tailfold glue: expected starts of jobs that may not start yet.
// GPL-2.0-or-later.
//
// slurmctld's queue for backfill leaves out a job whose begin time
// (sbatch --begin) is still ahead or that waits for other jobs
// (--dependency), so neither stock nor the forecast of the queue gives it
// a start.  Here each gets one: the forecast places it from the time it
// may start, which src/core/ready_time works out from its begin time and
// the expected start or end of each job it waits for (running jobs' from
// their expected ends, pending ones' from the starts this pass gave
// them).  It is placed in priority order among the queue's jobs, as
// slurmctld will weigh it once it is released; one that waits for a job
// of lower priority, after the queue, once that job has its start.
#include "sched_glue.h"

#include <algorithm>

#include "src/core/ready_time.h"

namespace tf_sched {

namespace {

// A chain of N jobs, each waiting for the one before, gets its starts in
// N rounds; a pass gives this many.
constexpr int kRounds = 8;

bool waits_for_time_or_jobs(const job_record_t *job, time_t now)
{
    if (!IS_JOB_PENDING(job) || IS_JOB_COMPLETING(job) || !job->priority || job->het_job_id ||
        job->start_time || !job->details)
        return false;
    const part_record_t *part = job->part_ptr;
    if (!part || (part->state_up & PARTITION_SCHED) != PARTITION_SCHED)
        return false;
    const bool dependency = job->state_reason == WAIT_DEPENDENCY && job->details->depend_list &&
                            list_count(job->details->depend_list);
    return dependency || job->details->begin_time > now;
}

// One job waited for, as the forecast sees it.
tailfold::Prerequisite prerequisite(const depend_spec_t *d, time_t now, const tailfold::BackfillParams &p)
{
    tailfold::Prerequisite q;
    if (d->depend_state == DEPEND_FULFILLED) {
        q.done = true;
        return q;
    }
    if (d->depend_state == DEPEND_FAILED) {
        q.never = true;
        return q;
    }
    switch (d->depend_type) {
    case SLURM_DEPEND_AFTER:
        q.after_start = true;
        q.delay_s = d->depend_time;  // seconds (the +minutes of after:job+minutes)
        break;
    case SLURM_DEPEND_AFTER_ANY:
    case SLURM_DEPEND_AFTER_OK:
    case SLURM_DEPEND_AFTER_NOT_OK:
        break;
    default:  // singleton, aftercorr, burst buffer, expand: not foreseen
        return q;
    }
    // A remote job, or a whole job array (its last task's end): not foreseen.
    if ((d->depend_flags & SLURM_FLAGS_REMOTE) || d->array_task_id == INFINITE)
        return q;
    // Found again by id, as slurmctld's own dependency test does: the
    // spec's pointer may be to a record purged since.
    const job_record_t *o = find_job_array_rec(d->job_id, d->array_task_id);
    if (!o || o->array_recs)
        return q;
    const Runtimes runtimes = forecast_runtimes(p);
    if (IS_JOB_RUNNING(o) || IS_JOB_SUSPENDED(o) || IS_JOB_COMPLETING(o)) {
        q.start = o->start_time;
        q.end = expected_end(o, now, p, runtimes);
    } else if (IS_JOB_PENDING(o)) {
        if (o->start_time) {  // this pass's expected start
            q.start = o->start_time;
            q.end = o->start_time + runtime_for(o, runtimes);
        }
    } else {  // ended: slurmctld settles the dependency at its next test
        q.start = o->start_time;
        q.end = o->end_time;
    }
    return q;
}

// When the job may start, as far as is known now (none: not known).
std::optional<std::int64_t> may_start_at(const job_record_t *job, time_t now, const tailfold::BackfillParams &p)
{
    std::vector<tailfold::Prerequisite> deps;
    bool any_of = false;
    if (job->state_reason == WAIT_DEPENDENCY)
        for (const depend_spec_t *d : tf_list_items<depend_spec_t>(job->details->depend_list)) {
            any_of = any_of || (d->depend_flags & SLURM_FLAGS_OR);
            deps.push_back(prerequisite(d, now, p));
        }
    return tailfold::ready_time(now, job->details->begin_time, deps, any_of);
}

}  // namespace

WaitingJobs::WaitingJobs(time_t now, const tailfold::BackfillParams &p, const ResourceIndex &names)
    : now_(now), p_(p), names_(names)
{
    tf_list_itr it = list_iterator_create(job_list);
    while (auto *job = static_cast<job_record_t *>(list_next(it)))
        if (waits_for_time_or_jobs(job, now))
            jobs_.push_back({job, job->job_id});
    list_iterator_destroy(it);
    std::stable_sort(jobs_.begin(), jobs_.end(),
                     [](const Ref &a, const Ref &b) { return a.job->priority > b.job->priority; });
}

bool WaitingJobs::still_waiting(const Ref &r) const
{
    // The pass may have yielded its locks since: the job may have changed.
    return find_job_record(r.job_id) == r.job && IS_JOB_PENDING(r.job) && !r.job->start_time;
}

WaitingJobs::Outcome WaitingJobs::place(const Ref &ref, tailfold::StartForecast &forecast)
{
    job_record_t *job = ref.job;
    if (!still_waiting(ref))
        return Outcome::kGone;
    const std::optional<std::int64_t> from = may_start_at(job, now_, p_);
    if (!from)
        return Outcome::kNotYet;
    tailfold::Request r;
    if (!request_for(job, plan_runtimes(p_), names_, r))
        return Outcome::kGone;
    r.duration_s = runtime_for(job, forecast_runtimes(p_));
    const std::optional<tailfold::Placement> expected = forecast.place(r, *from, tasks_to_hold(job, p_));
    if (!expected)
        return Outcome::kGone;
    job->start_time = expected->start;
    ++placed_;
    return Outcome::kPlaced;
}

void WaitingJobs::place_down_to(std::uint32_t priority, tailfold::StartForecast &forecast,
                                std::int64_t budget_us)
{
    const std::int64_t start_us = mono_usec();
    for (; next_ < jobs_.size() && jobs_[next_].job->priority >= priority; ++next_) {
        if (mono_usec() - start_us >= budget_us)
            return;
        if (place(jobs_[next_], forecast) == Outcome::kNotYet)
            later_.push_back(jobs_[next_]);
    }
}

void WaitingJobs::place_rest(tailfold::StartForecast &forecast, std::int64_t budget_us)
{
    const std::int64_t start_us = mono_usec();
    std::vector<Ref> left(later_.begin(), later_.end());
    left.insert(left.end(), jobs_.begin() + std::ptrdiff_t(next_), jobs_.end());
    std::stable_sort(left.begin(), left.end(),
                     [](const Ref &a, const Ref &b) { return a.job->priority > b.job->priority; });
    later_.clear();
    next_ = jobs_.size();
    for (int round = 0; round < kRounds && !left.empty(); ++round) {
        std::vector<Ref> again;  // waits for a job with no start yet
        bool any = false;
        for (const Ref &ref : left) {
            if (mono_usec() - start_us >= budget_us)
                return;
            switch (place(ref, forecast)) {
            case Outcome::kPlaced:
                any = true;
                break;
            case Outcome::kNotYet:
                again.push_back(ref);
                break;
            case Outcome::kGone:
                break;
            }
        }
        if (!any)
            return;
        left.swap(again);
    }
}

}  // namespace tf_sched
