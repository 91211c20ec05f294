// priority/tailfold glue: usage of running jobs, decay and reset.
// GPL-2.0-or-later.
//
// Usage is charged to the job's QoS, to its partition's QoS when that is
// another one, and to every association from the job's up to the root
// (account usage is the sum of its users', and the root's is the whole
// cluster's, which normalised usage divides by).  slurmctld itself saves
// usage_raw every few minutes and at shutdown; this plugin saves only the
// time of its last pass (decay_pass.cc).
#include "prio_glue.h"

#include <algorithm>

namespace tf_prio {

static bool limits_enforced()
{
    return accounting_enforce & ACCOUNTING_ENFORCE_LIMITS;
}

// Take `delta` TRES-seconds off a running budget, never below zero.
static void release(std::uint64_t &budget, std::uint64_t delta, const char *what, const char *name,
                    int tres, std::uint32_t job_id)
{
    if (delta > budget) {
        error("priority/tailfold: JobId=%u: %s %s TRES %s grp_used_tres_run_secs underflow: "
              "%" PRIu64 " to remove, %" PRIu64 " left",
              job_id, what, name ? name : "", assoc_mgr_tres_name_array[tres], delta, budget);
        budget = 0;
    } else {
        budget -= delta;
    }
}

// TRES bookkeeping is kept only with AccountingStorageEnforce=limits, as
// slurmctld only sets up the running budgets then.
static void tres_bookkeeping(std::uint64_t *run_secs, long double *tres_raw, const double *per_tres,
                             const std::uint64_t *release_secs, const char *what, const char *name,
                             std::uint32_t job_id)
{
    if (!limits_enforced())
        return;
    for (int i = 0; i < slurmctld_tres_cnt; ++i) {
        if (i == TRES_ARRAY_ENERGY)
            continue;
        if (per_tres && tres_raw)
            tres_raw[i] += per_tres[i];
        release(run_secs[i], release_secs[i], what, name, i, job_id);
    }
}

// A QOS's running budgets that a job's run uses up: the QOS's own, and in
// Slurm 24.11 also those of the job's user and account under that QOS
// (24.11 adds them at job start, for MaxTRESRunMinsPerUser/PerAccount).
// The usage, if given, goes to the QOS's own.  assoc W + qos W held.
static void qos_bookkeeping(slurmdb_qos_rec_t *qos, const job_record_t *job, const double *per_tres,
                            const std::uint64_t *release_secs)
{
    tres_bookkeeping(qos->usage->grp_used_tres_run_secs, per_tres ? qos->usage->usage_tres_raw : nullptr,
                     per_tres, release_secs, "QOS", qos->name, job->job_id);
#if TF_SLURM_24
    if (!job->assoc_ptr)
        return;
    if (slurmdb_used_limits_t *a = acct_policy_get_acct_used_limits(&qos->usage->acct_limit_list,
                                                                     job->assoc_ptr->acct))
        if (a->tres_run_secs)
            tres_bookkeeping(a->tres_run_secs, nullptr, nullptr, release_secs, "QOS account",
                             qos->name, job->job_id);
    if (slurmdb_used_limits_t *u = acct_policy_get_user_used_limits(&qos->usage->user_limit_list,
                                                                    job->user_id))
        if (u->tres_run_secs)
            tres_bookkeeping(u->tres_run_secs, nullptr, nullptr, release_secs, "QOS user", qos->name,
                             job->job_id);
#endif
}

static thread_local std::vector<double> tres_decayed, tres_nodecay;
static thread_local std::vector<std::uint64_t> tres_release;

static void charge_qos(slurmdb_qos_rec_t *qos, const tailfold::UsageCharge &c, const job_record_t *job)
{
    const bool no_decay = qos->flags & QOS_FLAG_NO_DECAY;
    qos->usage->grp_used_wall += no_decay ? c.wall_nodecay : c.wall;
    qos->usage->usage_raw += static_cast<long double>(no_decay ? c.billed_nodecay : c.billed);
    qos_bookkeeping(qos, job, (no_decay ? tres_nodecay : tres_decayed).data(), tres_release.data());
}

bool charge_job(job_record_t *job, time_t from, time_t to, bool final)
{
    // Charged to its end already (priority_p_job_end marks it so).
    if (job->end_time_exp == static_cast<time_t>(NO_VAL))
        return false;
    const time_t start = std::max(from, job->start_time);
    const double seconds = tailfold::charged_seconds(from, to, job->start_time, job->end_time, final);
    const bool finished = IS_JOB_FINISHED(job) || IS_JOB_COMPLETING(job) || IS_JOB_RESIZING(job);
    const std::uint64_t release_s = tailfold::run_seconds_to_release(
        from, to, job->start_time, job->time_limit, job->end_time_exp, finished);
    if (final)
        job->end_time_exp = static_cast<time_t>(NO_VAL);

    assoc_mgr_lock_t locks = {};
    locks.assoc = WRITE_LOCK;
    locks.qos = WRITE_LOCK;
    locks.tres = READ_LOCK;
    assoc_mgr_lock(&locks);
    slurmdb_qos_rec_t *qos = job->qos_ptr;
    const double usage_factor = qos ? qos->usage_factor : -1;
    const double billable = calc_job_billable_tres(job, start, true);
    const tailfold::UsageCharge c =
        tailfold::charge_for(cfg.decay_per_second, seconds, billable, usage_factor, release_s);

    const int n = slurmctld_tres_cnt;
    tres_decayed.assign(n, 0.0);
    tres_nodecay.assign(n, 0.0);
    tres_release.assign(n, 0);
    if (job->tres_alloc_cnt)
        for (int i = 0; i < n; ++i) {
            const std::uint64_t cnt = job->tres_alloc_cnt[i];
            if (!cnt || cnt == NO_CONSUME_VAL64)
                continue;
            tres_release[i] = c.release * cnt;
            tres_decayed[i] = c.per_tres * cnt;
            tres_nodecay[i] = c.per_tres_nodecay * cnt;
        }

    if (qos)
        charge_qos(qos, c, job);
    if (job->part_ptr && job->part_ptr->qos_ptr && job->part_ptr->qos_ptr != qos)
        charge_qos(job->part_ptr->qos_ptr, c, job);
    for (slurmdb_assoc_rec_t *a = job->assoc_ptr; a; a = a->usage->parent_assoc_ptr) {
        a->usage->grp_used_wall += c.wall;
        a->usage->usage_raw += static_cast<long double>(c.billed);
        tres_bookkeeping(a->usage->grp_used_tres_run_secs, a->usage->usage_tres_raw,
                         tres_decayed.data(), tres_release.data(), "assoc", a->acct,
                         job->job_id);
    }
    assoc_mgr_unlock(&locks);
    return true;
}

// Multiply the stored usage of an association or QoS (both usage structs
// have these three fields).
template <typename Usage>
static void scale(Usage *u, double f)
{
    u->usage_raw *= f;
    for (int i = 0; i < slurmctld_tres_cnt; ++i)
        u->usage_tres_raw[i] *= f;
    u->grp_used_wall *= f;
}

// Scale every association's usage (root included, and accounts' separate
// leaf usage, the usage of deleted children their totals are rebuilt from)
// and every QoS's, under assoc W + qos W.  reset: scale by 0 and drop the
// leaf usage of deleted children; decay: skip NoDecay QoS.
static void scale_all(double f, bool reset)
{
    assoc_mgr_lock_t locks = {};
    locks.assoc = WRITE_LOCK;
    locks.qos = WRITE_LOCK;
    assoc_mgr_lock(&locks);
    tf_list_itr it = list_iterator_create(assoc_mgr_assoc_list);
    while (void *p = list_next(it)) {
        auto *a = static_cast<slurmdb_assoc_rec_t *>(p);
        scale(a->usage, f);
        if (!a->leaf_usage || a->leaf_usage == a->usage)
            continue;
        if (reset) {
            slurmdb_destroy_assoc_usage(a->leaf_usage);
            a->leaf_usage = NULL;
        } else {
            scale(a->leaf_usage, f);
        }
    }
    list_iterator_destroy(it);
    it = list_iterator_create(assoc_mgr_qos_list);
    while (void *p = list_next(it)) {
        auto *q = static_cast<slurmdb_qos_rec_t *>(p);
        if (reset || !(q->flags & QOS_FLAG_NO_DECAY))
            scale(q->usage, f);
    }
    list_iterator_destroy(it);
    assoc_mgr_unlock(&locks);
}

void decay_usage(double factor)
{
    if (factor != 1.0)
        scale_all(factor, false);
}

void reset_usage()
{
    scale_all(0.0, true);
    info("priority/tailfold: usage reset (PriorityUsageResetPeriod)");
}

void release_run_secs_until(time_t last_ran)
{
    if (!limits_enforced() || !job_list)
        return;
    slurmctld_lock_t job_read = {};
    job_read.job = READ_LOCK;
    assoc_mgr_lock_t locks = {};
    locks.assoc = WRITE_LOCK;
    locks.qos = WRITE_LOCK;
    locks.tres = READ_LOCK;
    lock_slurmctld(job_read);
    assoc_mgr_lock(&locks);
    const int n = slurmctld_tres_cnt;
    std::vector<std::uint64_t> used(n);
    tf_list_itr it = list_iterator_create(job_list);
    while (void *p = list_next(it)) {
        auto *job = static_cast<job_record_t *>(p);
        if (job->end_time_exp == static_cast<time_t>(NO_VAL) || !IS_JOB_RUNNING(job) ||
            job->start_time > last_ran || !job->tres_alloc_cnt)
            continue;
        double secs = static_cast<double>(last_ran - job->start_time);
        if (job->qos_ptr && job->qos_ptr->usage_factor >= 0)
            secs *= job->qos_ptr->usage_factor;
        for (int i = 0; i < n; ++i)
            used[i] = job->tres_alloc_cnt[i] == NO_CONSUME_VAL64
                          ? 0
                          : static_cast<std::uint64_t>(job->tres_alloc_cnt[i] * secs);
        if (job->qos_ptr)
            qos_bookkeeping(job->qos_ptr, job, nullptr, used.data());
        if (job->part_ptr && job->part_ptr->qos_ptr && job->part_ptr->qos_ptr != job->qos_ptr)
            qos_bookkeeping(job->part_ptr->qos_ptr, job, nullptr, used.data());
        for (slurmdb_assoc_rec_t *a = job->assoc_ptr; a; a = a->usage->parent_assoc_ptr)
            tres_bookkeeping(a->usage->grp_used_tres_run_secs, nullptr, nullptr, used.data(),
                             "assoc", a->acct, job->job_id);
    }
    list_iterator_destroy(it);
    assoc_mgr_unlock(&locks);
    unlock_slurmctld(job_read);
}

}  // namespace tf_prio
