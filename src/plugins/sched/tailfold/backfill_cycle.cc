// sched/tailfold glue: one backfill cycle (sdiag's word for a pass over the
// queue).  GPL-2.0-or-later.
//
// Under slurmctld's locks (conf R, job W, node W, part R, fed R, as its own
// schedulers take them): build the queue of pending jobs in priority order
// (one record per job and partition, per-partition priorities), drop those
// that cannot run now (held, dependencies, begin time, partition down,
// association/QoS limits, licences it can never have; a job whose licences
// are only busy is planned, not started), and for each of the rest ask the
// planner (src/core/backfill_planner) first whether it can start now
// without delaying a held start, and if so start it with select_nodes()
// restricted to the nodes the planner allows.  A job that does not start
// gets a held start while the reservation depth lasts (shown by
// `squeue --start`), or an estimate past it.  Locks are yielded every
// bf_yield_interval; the pass ends after bf_max_time or bf_max_job_test,
// or once it has started bf_max_job_start jobs.  Slurm's per-pass limits
// on jobs looked at per user, association, partition and user in a
// partition (src/core/backfill_limits) pass over the jobs beyond them.
#include "sched_glue.h"

#include <unistd.h>

#include <algorithm>
#include <unordered_set>

#include "src/core/backfill_limits.h"
#include "src/core/backfill_planner.h"
#include "src/core/pass_order.h"
#include "src/core/start_forecast.h"
#include "src/plugins/common/duration_boost.h"


namespace tf_sched {

namespace {

// The forecast and the reasons cost a search or more per job in a plan
// that grows with the queue, far more than the start decisions on a big
// cluster (docs/start-estimates.md#cost); they get this much of each
// pass's lock time, and jobs past it get the plan's own estimate and keep
// Slurm's reason.
constexpr std::int64_t kForecastBudgetUs = 1000000;

// Positional: conf, job, node, part, fed.
const slurmctld_lock_t kPassLocks = {READ_LOCK, WRITE_LOCK, WRITE_LOCK, READ_LOCK, READ_LOCK};

void set_bf_active(bool on)
{
    pthread_mutex_lock(&check_bf_running_lock);
    slurmctld_diag_stats.bf_active = on;
    pthread_mutex_unlock(&check_bf_running_lock);
}

// What a yield must notice: partitions, reservations or the configuration
// changed (queue records may point at freed ones), or, without
// bf_continue, any job or node.
struct Stamps {
    time_t job, node, part, resv, conf;
    static Stamps now()
    {
        return {last_job_update, last_node_update, last_part_update, last_resv_update,
                slurm_conf.last_update};
    }
};

// Give the locks to RPCs for a while.  False: the pass must end.
bool yield_locks(const tailfold::BackfillParams &p, std::int64_t &slept_us)
{
    const Stamps before = Stamps::now();
    unlock_slurmctld(kPassLocks);
    const std::int64_t t0 = mono_usec();
    usleep(p.yield_sleep_us);
    lock_slurmctld(kPassLocks);
    slept_us += mono_usec() - t0;
    const Stamps after = Stamps::now();
    if (slurmctld_config.shutdown_time || after.part != before.part || after.resv != before.resv ||
        after.conf != before.conf)
        return false;
    return p.continue_after_yield || (after.job == before.job && after.node == before.node);
}

// Point the job at this queue record's partition (and QOS), priority,
// reservation and features, as slurmctld's schedulers do before testing it.
void apply_record(job_queue_rec_t *rec)
{
    job_record_t *job = rec->job_ptr;
    tf_apply_queue_rec(job, rec);
    if (job->resv_list)
        job_queue_rec_resv_list(rec);
    else
        job_queue_rec_magnetic_resv(rec);
    if (tf_job_details *d = job->details) {
        d->features_use = rec->use_prefer ? d->prefer : d->features;
        d->feature_list_use = rec->use_prefer ? d->prefer_list : d->feature_list;
    }
}

enum class Runnable {
    kNo,            // not now and not to be planned
    kNow,           // may start now if it fits
    kLicencesBusy,  // its licences are taken now: planned, not started
};

Runnable runnable_now(job_record_t *job, time_t now)
{
    if (!IS_JOB_PENDING(job) || IS_JOB_COMPLETING(job) || IS_JOB_REVOKED(job) || !job->priority)
        return Runnable::kNo;
    if (job->het_job_id)  // heterogeneous jobs: left to slurmctld's main scheduler
        return Runnable::kNo;
    const part_record_t *part = job->part_ptr;
    if (!part || (part->state_up & PARTITION_SCHED) != PARTITION_SCHED)
        return Runnable::kNo;
    if (!job_independent(job))  // held, dependencies, begin time, reservation not active
        return Runnable::kNo;
    if ((job->array_task_id != NO_VAL || job->array_recs) && !job_array_start_test(job))
        return Runnable::kNo;
    if (!acct_policy_job_runnable_pre_select(job, false))  // association/QoS limits
        return Runnable::kNo;
    switch (license_job_test(job, now, true)) {
    case SLURM_SUCCESS:
        return Runnable::kNow;
    case EAGAIN:
        return Runnable::kLicencesBusy;
    default:  // more than the cluster has, or a licence it does not know
        return Runnable::kNo;
    }
}

// select_nodes() on the nodes the planner allows: the rest go into the
// job's excluded nodes for the call, then its own list is put back.  A job
// array's head that starts a task is split by select_nodes(): the task
// keeps this record and the pending rest gets a new one with a copy of the
// details, excluded nodes included, so the rest gets the job's own list
// back too (else every later task stays off the nodes planned for others
// now).  select_nodes() may also replace the details' bitmap itself, so
// whatever is there afterwards is freed, never a pointer kept from before.
bool start_job(job_record_t *job, const std::vector<bool> &nodes)
{
    tf_job_details *d = job->details;
    bitstr_t *not_allowed = to_bitmap(nodes);  // the allowed nodes, until bit_not
    if (d->req_node_bitmap && !bit_super_set(d->req_node_bitmap, not_allowed)) {
        FREE_NULL_BITMAP(not_allowed);
        return false;
    }
    bit_not(not_allowed);
    if (fed_mgr_job_lock(job) != SLURM_SUCCESS) {  // a sibling cluster is starting it
        FREE_NULL_BITMAP(not_allowed);
        return false;
    }
    bitstr_t *own_exc = d->exc_node_bitmap ? bit_copy(d->exc_node_bitmap) : nullptr;
    if (d->exc_node_bitmap) {
        bit_or(d->exc_node_bitmap, not_allowed);
        FREE_NULL_BITMAP(not_allowed);
    } else {
        d->exc_node_bitmap = not_allowed;
    }
    const bool array_head = job->array_recs != nullptr;
    const std::uint32_t array_id = job->array_job_id;
    const int rc = tf_select_nodes_backfill(job);
    if (array_head) {
        job_record_t *rest = find_job_record(array_id);
        if (rest && rest != job && rest->array_recs && rest->details) {
            FREE_NULL_BITMAP(rest->details->exc_node_bitmap);
            rest->details->exc_node_bitmap = own_exc ? bit_copy(own_exc) : nullptr;
        }
    }
    if (job->details) {
        FREE_NULL_BITMAP(job->details->exc_node_bitmap);
        job->details->exc_node_bitmap = own_exc;
    } else {
        FREE_NULL_BITMAP(own_exc);
    }
    if (rc != SLURM_SUCCESS || !IS_JOB_RUNNING(job)) {
        fed_mgr_job_unlock(job);
        return false;
    }
    fed_mgr_job_start(job, job->start_time);
    last_job_update = time(nullptr);
    if (job->batch_flag) {
        if (!IS_JOB_CONFIGURING(job))
            launch_job(job);
    } else {
        srun_allocate(job);
    }
    ++slurmctld_diag_stats.backfilled_jobs;
    ++slurmctld_diag_stats.last_backfilled_jobs;
    info("sched/tailfold: backfill started %pJ on %s", job, job->nodes);
    return true;
}

// The pending rest of the array whose head `started` was, or null when
// the head started the last task.
job_record_t *pending_array_rest(const job_record_t *started, std::uint32_t array_id)
{
    job_record_t *rest = find_job_record(array_id);
    if (!rest || rest == started || !rest->array_recs || !IS_JOB_PENDING(rest))
        return nullptr;
    rest->last_sched_eval = started->last_sched_eval;
    rest->bit_flags |= BACKFILL_SCHED;
    return rest;
}

// A job the pass reached and did not start: its expected start from the
// forecast (src/core/start_forecast) as `squeue --start` and `scontrol
// show job` show it (StartTime), the nodes of its held start (SchedNodes),
// and what it waits for (Reason).  `planned`: its place in the backfill
// plan (held, or not past the depth); `why`: what it waits for (none:
// past the forecast's budget, Slurm's reason stays).
void record_plan(job_record_t *job, const tailfold::PlanDecision &planned,
                 const std::optional<tailfold::Placement> &expected, const tailfold::WaitReason *why,
                 const ResourceIndex &names, std::uint32_t ahead)
{
    time_t start = 0;
    if (expected)
        start = expected->start;
    else if (planned.kind != tailfold::PlanKind::kNoFit && planned.placement.start)
        start = planned.placement.start;
    job->start_time = start;
    if (planned.kind == tailfold::PlanKind::kReserved) {
        std::vector<bool> mask(node_record_count, false);
        for (const auto &n : planned.placement.nodes)
            mask[n.first] = true;
        bitstr_t *bm = to_bitmap(mask);
        job->sched_nodes = bitmap2node_name(bm);
        FREE_NULL_BITMAP(bm);
    }
    if (why)
        write_wait_reason(job, *why, names, ahead, start);
    else if (planned.kind == tailfold::PlanKind::kReserved && job->state_reason == WAIT_NO_REASON)
        job->state_reason = WAIT_RESOURCES;  // Slurm's own reason for a held job
}

// The forecast's own picture: running jobs to their expected ends under
// bf_estimate, which is the plan's picture when both use the same
// runtimes.
tailfold::StartForecast make_forecast(const tailfold::Timeline &plan, time_t now,
                                      const tailfold::BackfillParams &p)
{
    if (forecast_runtimes(p) == Runtimes::kLimit && plan_runtimes(p) == Runtimes::kLimit &&
        p.forecast_window_min() == p.window_min)
        return tailfold::StartForecast(plan);
    // Its own picture: other runtimes, or a longer look ahead.
    tailfold::BackfillParams fp = p;
    fp.window_min = p.forecast_window_min();
    ResourceIndex same;  // built the same way, so the numbers match the plan's
    return tailfold::StartForecast(build_timeline(now, fp, forecast_runtimes(p), same));
}

// Whether Slurm's per-pass limits (bf_max_job_user, _assoc, _part,
// _user_part) let the pass look at this job in its current partition; if
// so it is counted.  Partitions are told apart by their records, which
// stay put while the pass holds the partition lock.
bool within_look_limits(tailfold::PassLimits &limits, const job_record_t *job, bool magnetic)
{
    return limits.look(job->user_id, job->assoc_ptr ? job->assoc_id : 0,
                       reinterpret_cast<std::uintptr_t>(job->part_ptr), !magnetic);
}

void record_stats(std::int64_t start_us, std::int64_t slept_us, std::uint32_t queue_len,
                  std::uint32_t depth, std::uint32_t tried, std::size_t steps, TfBfExit why)
{
    diag_stats_t &s = slurmctld_diag_stats;
    tf_count_bf_exit(why);
    const std::int64_t took = std::max<std::int64_t>(mono_usec() - start_us - slept_us, 0);
    ++s.bf_cycle_counter;
    s.bf_cycle_last = std::uint32_t(took);
    s.bf_cycle_sum += took;
    s.bf_cycle_max = std::max(s.bf_cycle_max, s.bf_cycle_last);
    s.bf_queue_len = queue_len;
    s.bf_queue_len_sum += queue_len;
    s.bf_last_depth = depth;
    s.bf_depth_sum += depth;
    s.bf_last_depth_try = tried;
    s.bf_depth_try_sum += tried;
    s.bf_table_size = std::uint32_t(steps);
    s.bf_table_size_sum += std::uint32_t(steps);
}

// The pass's queue: slurmctld's records in priority order while the
// reservation depth fills; then the records the pass may still look at
// (bf_max_job_test) in pass_order's order: jobs past bf_starve_age first,
// then by bf_order.
class TailQueue {
  public:
    TailQueue(const tailfold::BackfillParams &p, time_t now) : p_(p), now_(now) {}

    job_queue_rec_t *next(tf_list queue, bool depth_full, std::uint32_t looked_at)
    {
        if (!ordered_ && depth_full && tailfold::reorders_tail(p_))
            order(queue, looked_at);
        if (!ordered_ || at_ >= recs_.size())
            return static_cast<job_queue_rec_t *>(list_pop(queue));
        return recs_[at_++];
    }

    // Records taken but not handed out (the pass ended first).
    void drop()
    {
        for (; at_ < recs_.size(); ++at_)
            xfree(recs_[at_]);
    }

    std::uint32_t starving_held = 0;

  private:
    const tailfold::BackfillParams &p_;
    const time_t now_;
    bool ordered_ = false;
    std::vector<job_queue_rec_t *> recs_;
    std::size_t at_ = 0;

    void order(tf_list queue, std::uint32_t looked_at)
    {
        ordered_ = true;
        std::size_t room = p_.max_job_test ? (p_.max_job_test > looked_at ? p_.max_job_test - looked_at : 0)
                                           : std::size_t(-1);
        std::vector<tailfold::TailJob> keys;
        while (room-- > 0) {
            auto *rec = static_cast<job_queue_rec_t *>(list_pop(queue));
            if (!rec)
                break;
            const job_record_t *job = rec->job_ptr;
            keys.push_back({recs_.size(), tf_duration::expected_runtime(job).seconds,
                            tailfold::is_starving(tf_eligible_time(job), now_, p_.starve_age_s)});
            recs_.push_back(rec);
        }
        tailfold::order_tail(keys, p_.order);
        std::vector<job_queue_rec_t *> sorted;
        sorted.reserve(recs_.size());
        for (const tailfold::TailJob &k : keys)
            sorted.push_back(recs_[k.ref]);
        recs_.swap(sorted);
    }
};

}  // namespace

std::uint32_t tasks_to_hold(const job_record_t *job, const tailfold::BackfillParams &p)
{
    const job_array_struct_t *a = job->array_recs;
    if (!a || job->array_task_id != NO_VAL)
        return 1;
    return tailfold::array_tasks_to_hold(a->task_cnt, a->max_run_tasks, a->tot_run_tasks,
                                         p.max_job_array_resv);
}

void run_backfill_cycle()
{
    if (slurmctld_config.shutdown_time)
        return;
    const tailfold::BackfillParams p = params();
    const std::int64_t max_us = std::int64_t(p.max_time_s ? p.max_time_s : p.interval_s) * 1000000;

    set_bf_active(true);  // keeps slurmctld from purging the job records we hold
    lock_slurmctld(kPassLocks);
    const std::int64_t start_us = mono_usec();
    std::int64_t slept_us = 0, held_since_us = start_us;
    const time_t now = time(nullptr);
    slurmctld_diag_stats.bf_when_last_cycle = now;

    tf_list queue = build_job_queue(true, true);  // also clears old start estimates
    sort_job_queue(queue);
    const std::uint32_t queue_len = list_count(queue);
    ResourceIndex names;
    tailfold::Timeline timeline = build_timeline(now, p, plan_runtimes(p), names);
    tailfold::StartForecast forecast = make_forecast(timeline, now, p);
    // Reasons see running jobs as the forecast does, so "busy until T"
    // and the expected start agree.
    tailfold::WaitExplainer blockers(forecast.plan());
    // Jobs out of the queue (a begin time ahead, dependencies) enter the
    // forecast in priority order among the queue's.
    WaitingJobs waiting(now, p, names);
    std::unordered_map<const part_record_t *, std::uint32_t> ahead;  // jobs planned so far, per partition
    std::int64_t forecast_us = 0;  // spent on the forecast and reasons this pass
    std::uint32_t past_budget = 0;  // jobs given the plan's estimate instead
    tailfold::BackfillPass pass(timeline, p.reservations);
    tailfold::PassLimits limits(p);
    std::unordered_set<std::uint32_t> done;  // a job with several partitions: its best record only
    std::uint32_t depth = 0, tried = 0;
    bool go_on = true;
    TfBfExit why = TfBfExit::kEnd;  // why the pass ended, once go_on is false
    TailQueue tail(p, now);

    while (auto *rec = tail.next(queue, pass.depth_full(), depth)) {
        job_record_t *job = rec->job_ptr;
        // At SIGTERM slurmctld saves its state only if no thread holds its
        // locks a moment later: end the pass at once, as stock backfill
        // does (it checks per job), or the usage of the period is lost.
        if (go_on && slurmctld_config.shutdown_time) {
            go_on = false;
            why = TfBfExit::kStateChanged;
        }
        if (go_on && mono_usec() - held_since_us >= std::int64_t(p.yield_interval_us)) {
            go_on = yield_locks(p, slept_us);
            if (!go_on)
                why = TfBfExit::kStateChanged;
            held_since_us = mono_usec();
            // The record may have been purged or changed while we slept.
            if (go_on && find_job_record(rec->job_id) != job)
                job = nullptr;
        }
        if (go_on && mono_usec() - start_us - slept_us >= max_us) {
            go_on = false;
            why = TfBfExit::kTimeout;
        } else if (go_on && p.max_job_test && depth >= p.max_job_test) {
            go_on = false;
            why = TfBfExit::kMaxJobTest;
        }
        if (!go_on || !job || done.count(job->job_id)) {
            xfree(rec);
            continue;
        }
        apply_record(rec);
        const bool magnetic = job->bit_flags & JOB_MAGNETIC;
        xfree(rec);
        if (forecast_us < kForecastBudgetUs) {
            const std::int64_t t0 = mono_usec();
            waiting.place_down_to(job->priority, forecast, kForecastBudgetUs - forecast_us);
            forecast_us += mono_usec() - t0;
        }
        ++depth;
        job->last_sched_eval = now;
        job->bit_flags |= BACKFILL_SCHED;
        xfree(job->sched_nodes);  // last pass's plan; this pass sets it again if held
        // A task started from an array's head leaves the pending rest in a
        // new record (start_job): it is tried again at once, as stock
        // backfill does, while tasks start and the pass has time; each try
        // counts against the per-pass limits, as each task does in stock.
        for (job_record_t *next = job; next;) {
            job = next;
            next = nullptr;
            tailfold::Request r;
            const Runnable can = runnable_now(job, now);
            if (can == Runnable::kNo || !request_for(job, plan_runtimes(p), names, r) ||
                !within_look_limits(limits, job, magnetic))
                break;
            ++tried;
            done.insert(job->job_id);
            const bool may_start = can == Runnable::kNow;
            const bool array_head = job->array_recs != nullptr;
            const std::uint32_t array_id = job->array_job_id;
            bool started = false;
            if (job->resv_ptr) {
                // In a reservation: its nodes are closed to the plan while
                // it lasts, so a start there delays no held job.  Start it
                // now if it fits, or leave it to the next pass.
                started = may_start && start_job(job, r.allowed);
            } else if (auto nodes = may_start ? pass.start_now(r) : std::nullopt;
                       nodes && start_job(job, *nodes)) {
                started = true;
            } else {
                // The select plugin may refuse what the plan allows (GRES
                // types or sockets, a node just gone), and slurmctld may
                // count a licence busy that the plan sees free: then no
                // earlier than the next step.
                const std::int64_t not_before = nodes || !may_start ? now + 1 : now;
                const std::uint32_t tasks = tasks_to_hold(job, p);
                // Past the depth the plan holds nothing: the forecast
                // gives the expected start, while its budget lasts; past
                // it, the plan's own estimate.
                const bool forecasting = forecast_us < kForecastBudgetUs;
                const tailfold::PlanDecision dec =
                    pass.hold(r, not_before, !forecasting, tasks,
                              tailfold::is_starving(tf_eligible_time(job), now, p.starve_age_s));
                if (dec.kind == tailfold::PlanKind::kReserved && pass.depth_full() &&
                    tailfold::is_starving(tf_eligible_time(job), now, p.starve_age_s))
                    ++tail.starving_held;
                if (!forecasting) {
                    ++past_budget;
                    record_plan(job, dec, std::nullopt, nullptr, names, 0);
                } else {
                    const std::int64_t t0 = mono_usec();
                    const bool held = dec.kind == tailfold::PlanKind::kReserved;
                    if (held)
                        blockers.held(job->job_id, r, dec.placement);
                    tailfold::WaitReason w = blockers.explain(r, not_before);
                    tailfold::Request f = r;
                    f.duration_s = runtime_for(job, forecast_runtimes(p));
                    const std::optional<tailfold::Placement> expected = forecast.place(f, not_before, tasks, w);
                    if (held && expected)
                        forecast.note_held(job->job_id, expected->start);
                    tailfold::note_jobs_ahead(w, expected ? std::optional(expected->start) : std::nullopt);
                    record_plan(job, dec, expected, &w, names, ahead[job->part_ptr]++);
                    forecast_us += mono_usec() - t0;
                }
            }
            if (magnetic && started)
                job_resv_clear_magnetic_flag(job);
            if (!started)
                break;
            const tailfold::Placement got = allocation_of(job, now, names);
            pass.started(r, got);
            if (forecast_us < kForecastBudgetUs) {
                tailfold::Request f = r;
                f.duration_s = runtime_for(job, forecast_runtimes(p));
                blockers.started(f, got);
                forecast.started(f, got);
            }
            go_on = limits.started();  // bf_max_job_start ends the pass
            if (!go_on)
                why = TfBfExit::kMaxJobStart;
            if (go_on && array_head && mono_usec() - start_us - slept_us < max_us)
                next = pending_array_rest(job, array_id);
        }
        if (magnetic)
            job_resv_clear_magnetic_flag(job);
    }
    tail.drop();
    FREE_NULL_LIST(queue);
    // Waiting jobs of lower priority than the whole queue, and those that
    // wait for a job placed after them.
    if (why != TfBfExit::kStateChanged && !slurmctld_config.shutdown_time &&
        forecast_us < kForecastBudgetUs)
        waiting.place_rest(forecast, kForecastBudgetUs - forecast_us);
    record_stats(start_us, slept_us, queue_len, depth, tried, timeline.step_count(), why);
    unlock_slurmctld(kPassLocks);
    set_bf_active(false);
    const tailfold::PlanStats &st = pass.stats();
    debug("sched/tailfold: pass: %u queued, %u looked at, %zu started, %zu held, "
          "%u over per-pass limits, %ld us",
          queue_len, depth, st.started, st.reserved, limits.skipped(),
          long(mono_usec() - start_us - slept_us));
    if (waiting.placed())
        debug("sched/tailfold: %u jobs waiting for a begin time or other jobs have an expected start",
              waiting.placed());
    if (past_budget)
        debug("sched/tailfold: %u jobs past the forecast's budget got the plan's estimate and "
              "Slurm's reason", past_budget);
    if (tail.starving_held)
        info("sched/tailfold: %u jobs pending longer than bf_starve_age hold planned starts "
             "past bf_reservations (squeue --start shows them)", tail.starving_held);
}

}  // namespace tf_sched
