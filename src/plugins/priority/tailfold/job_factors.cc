// priority/tailfold glue: job records -> core factors -> priorities.
// GPL-2.0-or-later.
#include "prio_glue.h"

#include <algorithm>

#include "src/plugins/common/duration_boost.h"

namespace tf_prio {

using tailfold::JobFacts;
using tailfold::JobPriority;
using tailfold::PartitionFacts;
using tailfold::WeightedFactors;

void job_tres_counts(const job_record_t *job, std::vector<double> &out)
{
    const int n = slurmctld_tres_cnt;
    out.assign(n, 0.0);
    for (int i = 0; i < n; ++i) {
        if (job->tres_alloc_cnt && job->tres_alloc_cnt[i] != NO_CONSUME_VAL64)
            out[i] = job->tres_alloc_cnt[i];
        else if (job->tres_req_cnt)
            out[i] = job->tres_req_cnt[i];
    }
}

// Per-thread scratch for TRES counts: no allocation per job.
static thread_local std::vector<double> tres_counts;

static thread_local std::vector<double> part_totals;

static PartitionFacts partition_facts(const part_record_t *part, bool with_tres)
{
    PartitionFacts p;
    if (!part)
        return p;
    p.job_factor = part->priority_job_factor;
    p.job_factor_norm = part->norm_priority;
    p.has_max_time = true;
    p.max_time_min = part->max_time;
    if (with_tres && part->tres_cnt) {
        part_totals.assign(part->tres_cnt, part->tres_cnt + slurmctld_tres_cnt);
        p.tres_total = part_totals.data();
    }
    return p;
}

// TRES counts only with TRES weights: they are the only reader.
static JobFacts job_facts(const job_record_t *job, bool with_tres)
{
    JobFacts j;
    const tf_job_details *d = job->details;
    j.accrue_time = d->accrue_time;
    j.total_cpus = job->total_cpus;
    j.has_max_cpus = d->max_cpus != NO_VAL;
    j.max_cpus = d->max_cpus;
    j.min_cpus = d->min_cpus;
    j.min_nodes = d->min_nodes;
    j.has_time_limit = job->time_limit != NO_VAL;
    j.time_limit_min = job->time_limit;
    if (job->assoc_ptr) {
        j.assoc_priority = job->assoc_ptr->priority;
        j.assoc_priority_norm = job->assoc_ptr->usage ? job->assoc_ptr->usage->priority_norm : 0;
    }
    if (job->qos_ptr) {
        j.qos_priority = job->qos_ptr->priority;
        j.qos_priority_norm = job->qos_ptr->usage ? job->qos_ptr->usage->norm_priority : 0;
    }
    j.site = static_cast<std::int64_t>(job->site_factor) - NICE_OFFSET;
    j.nice = static_cast<std::int64_t>(d->nice) - NICE_OFFSET;
    if (with_tres) {
        job_tres_counts(job, tres_counts);
        j.tres = tres_counts.data();
        j.tres_count = tres_counts.size();
    }
    return j;
}

static tf_prio_factors *reset_factors(job_record_t *job, bool with_tres)
{
    tf_prio_factors *f = job->prio_factors;
    const std::uint32_t n = with_tres ? slurmctld_tres_cnt : 0;
    if (!f) {
        f = static_cast<tf_prio_factors *>(xmalloc(sizeof(*f)));
        job->prio_factors = f;
    }
    if (f->tres_cnt != n || (n && !f->priority_tres)) {
        xfree(f->priority_tres);
        xfree(f->tres_weights);
        f->tres_cnt = 0;
        if (n) {
            f->priority_tres = static_cast<double *>(xcalloc(n, sizeof(double)));
            f->tres_weights = static_cast<double *>(xcalloc(n, sizeof(double)));
            f->tres_cnt = n;
        }
    }
    double *tres = f->priority_tres, *weights = f->tres_weights;
    memset(f, 0, sizeof(*f));
    f->priority_tres = tres;
    f->tres_weights = weights;
    f->tres_cnt = n;
    return f;
}

#if TF_SLURM_24
// A job that may run in several partitions or under several QOS gets one
// priority per (partition, QOS) pair, partitions in the order of its list
// (slurmctld keeps it sorted by tier) and QOS in the order of its list,
// as the schedulers and squeue read part_prio; the array is made again
// when the partitions changed (INCR_ONLY then starts afresh).
static void set_priority_array(job_record_t *job, const JobFacts &j, const JobPriority &calc,
                               const WeightedFactors &w)
{
    if (!job->part_ptr_list && !job->qos_list) {
        if (job->part_prio) {
            xfree(job->part_prio->priority_array);
            xfree(job->part_prio->priority_array_names);
            xfree(job->part_prio);
        }
        return;
    }
    const int parts = job->part_ptr_list ? list_count(job->part_ptr_list) : 1;
    const int qos = job->qos_list ? list_count(job->qos_list) : 1;
    if (!job->part_prio)
        job->part_prio = static_cast<priority_mult_t *>(xmalloc(sizeof(priority_mult_t)));
    priority_mult_t *pp = job->part_prio;
    if (!pp->priority_array || pp->last_update < last_part_update) {
        xfree(pp->priority_array);
        pp->priority_array = static_cast<std::uint32_t *>(xcalloc(parts * qos, sizeof(std::uint32_t)));
        xfree(pp->priority_array_names);
        if (job->part_ptr_list)
            pp->priority_array_names = part_list_to_xstr(job->part_ptr_list);
        pp->last_update = time(NULL);
    }
    const bool with_tres = !cfg.settings.weights.tres.empty();
    std::vector<part_record_t *> part_order = tf_list_items<part_record_t>(job->part_ptr_list);
    if (part_order.empty())
        part_order.push_back(job->part_ptr);
    std::vector<slurmdb_qos_rec_t *> qos_order = tf_list_items<slurmdb_qos_rec_t>(job->qos_list);
    if (qos_order.empty())
        qos_order.push_back(nullptr);  // the job's own QOS factor
    int i = 0;
    for (part_record_t *part : part_order) {
        WeightedFactors per = w;
        calc.weigh_partition(j, partition_facts(part, with_tres), per);
        for (slurmdb_qos_rec_t *q : qos_order) {
            WeightedFactors pq = per;
            if (q)
                calc.weigh_qos(q->priority, q->usage ? q->usage->norm_priority : 0, pq);
            const std::uint32_t v = JobPriority::sum(pq, j.site, j.nice);
            if (i < parts * qos && (!cfg.settings.has(tailfold::kIncrOnly) || pp->priority_array[i] < v))
                pp->priority_array[i] = v;
            ++i;
        }
    }
}
#else
// A job that may run in several partitions gets one priority each, in the
// order of its partition list sorted by tier, as the schedulers read
// priority_array.
static void set_priority_array(job_record_t *job, const JobFacts &j, const JobPriority &calc,
                               const WeightedFactors &w)
{
    if (!job->part_ptr_list)
        return;
    const bool with_tres = !cfg.settings.weights.tres.empty();
    const int count = list_count(job->part_ptr_list);
    if (!job->priority_array)
        job->priority_array = static_cast<std::uint32_t *>(xcalloc(count + 1, sizeof(std::uint32_t)));
    list_sort(job->part_ptr_list, priority_sort_part_tier);
    WeightedFactors per = w;
    tf_list_itr it = list_iterator_create(job->part_ptr_list);
    int i = 0;
    while (void *p = list_next(it)) {
        calc.weigh_partition(j, partition_facts(static_cast<part_record_t *>(p), with_tres), per);
        const std::uint32_t v = JobPriority::sum(per, j.site, j.nice);
        if (!cfg.settings.has(tailfold::kIncrOnly) || job->priority_array[i] < v)
            job->priority_array[i] = v;
        ++i;
    }
    list_iterator_destroy(it);
}
#endif

std::uint32_t job_priority(job_record_t *job, time_t now, bool assoc_locked, tf_duration::Lookup use,
                           std::int64_t *boost_out)
{
    if (boost_out)
        *boost_out = 0;
    // An operator's priority (and a hold, priority 0) stands.
    if (job->direct_set_prio && job->priority > 0) {
        if (job->prio_factors)
            reset_factors(job, false);
        return job->priority;
    }
    if (!job->details) {
        error("priority/tailfold: %pJ has no details, cannot compute its priority", job);
        return 0;
    }
    const tailfold::PrioritySettings &s = cfg.settings;
    const bool with_tres = !s.weights.tres.empty();
    assoc_mgr_lock_t locks = {};
    locks.assoc = READ_LOCK;
    locks.qos = READ_LOCK;
    if (!assoc_locked)
        assoc_mgr_lock(&locks);

    chain_look(job, now);
    JobFacts j = job_facts(job, with_tres);
    j.age_credit_s = chain_credit_of(job);
    j.fairshare = s.weights.fairshare ? job_fairshare(job) : 0;
    if (s.duration.weight)
        j.expected_runtime_s = tf_duration::expected_runtime(job, use).seconds;
    JobPriority calc(s, {cluster_cpus, static_cast<std::uint32_t>(node_record_count)});
    tf_prio_factors *f = reset_factors(job, with_tres);
    WeightedFactors w =
        calc.weigh(j, partition_facts(job->part_ptr, with_tres), now, with_tres ? f->priority_tres : nullptr);
    if (boost_out) {
        *boost_out = w.duration;
        w.duration = 0;
    }
    f->priority_age = w.age;
    f->priority_assoc = w.assoc;
    f->priority_fs = w.fairshare;
    f->priority_js = w.job_size;
    f->priority_part = w.partition;
    f->priority_qos = w.qos;
    // sprio has no column for the duration boost: it goes into SITE.
    f->priority_site = job->site_factor + static_cast<std::uint32_t>(w.duration);
    f->nice = job->details->nice;
    if (with_tres)
        std::copy(s.weights.tres.begin(), s.weights.tres.end(), f->tres_weights);
    const std::uint32_t prio = JobPriority::sum(w, j.site, j.nice);

    set_priority_array(job, j, calc, w);
    if (!assoc_locked)
        assoc_mgr_unlock(&locks);
    return prio;
}

void recalc_job(job_record_t *job, time_t now)
{
    if (!IS_JOB_PENDING(job))
        chain_look(job, now);  // a successor that started since the last pass
    if (job->priority == 0 || IS_JOB_POWER_UP_NODE(job) ||
        (!IS_JOB_PENDING(job) && !cfg.settings.has(tailfold::kCalculateRunning)))
        return;
    std::int64_t boost = 0;
    const bool owner = owner_scope();
    const std::uint32_t p = job_priority(job, now, true, tf_duration::Lookup::kMemo, owner ? &boost : nullptr);
    if (owner && fold_pass_add(job, p, boost))
        return;  // fold_pass_end writes it
    if (!cfg.settings.has(tailfold::kIncrOnly) || job->priority < p) {
        job->priority = p;
        last_job_update = time(NULL);
    }
}

}  // namespace tf_prio
