// priority/tailfold glue: the sprio RPC.  GPL-2.0-or-later.
//
// Reports the factors of the last recalculation (what the job's priority
// was computed from), so PRIORITY = the sum of the columns = squeue's %Q.
// A job in several partitions gets one row per partition with that
// partition's factor and TRES factors.
#include "prio_glue.h"

#include <algorithm>
#include <string>
#include <vector>

namespace tf_prio {

static bool has_u32(tf_list l, std::uint32_t v)
{
    if (!l)
        return true;
    tf_list_itr it = list_iterator_create(l);
    bool found = false;
    while (void *p = list_next(it))
        if (*static_cast<std::uint32_t *>(p) == v) {
            found = true;
            break;
        }
    list_iterator_destroy(it);
    return found;
}

// The job's last factors, as priority/multifactor sends them: the TRES
// arrays copied, the names left out (the sprio client has them).
static void copy_factors(tf_prio_factors *o, const tf_prio_factors *f)
{
    *o = *f;
    o->tres_names = NULL;
    if (f->tres_cnt && f->priority_tres) {
        o->priority_tres = static_cast<double *>(xcalloc(f->tres_cnt, sizeof(double)));
        memcpy(o->priority_tres, f->priority_tres, f->tres_cnt * sizeof(double));
        o->tres_weights = static_cast<double *>(xcalloc(f->tres_cnt, sizeof(double)));
        memcpy(o->tres_weights, f->tres_weights, f->tres_cnt * sizeof(double));
    } else {
        o->priority_tres = o->tres_weights = NULL;
        o->tres_cnt = 0;
    }
}

#if TF_SLURM_24
// The row's factors; the row's strings are the job's, partition's and
// QOS's own (freed by nobody: see destroy_row).
static tf_prio_factors *row_factors(priority_factors_object_t *o) { return o->prio_factors; }

static priority_factors_object_t *row(const job_record_t *job, part_record_t *part)
{
    auto *o = static_cast<priority_factors_object_t *>(xmalloc(sizeof(priority_factors_object_t)));
    // An operator's priority alone, else the factors of the last
    // recalculation (the packer reads them whenever direct_prio is 0).
    if (job->direct_set_prio) {
        o->direct_prio = job->priority;
    } else {
        o->prio_factors = static_cast<tf_prio_factors *>(xmalloc(sizeof(tf_prio_factors)));
        if (job->prio_factors)
            copy_factors(o->prio_factors, job->prio_factors);
    }
    o->job_id = job->job_id;
    o->user_id = job->user_id;
    o->account = job->account;
    o->partition = part->name;
    o->qos = job->qos_ptr ? job->qos_ptr->name : NULL;
    return o;
}

// The list's destructor: the factors and the row, not the strings it
// points at.
static void destroy_row(void *p)
{
    auto *o = static_cast<priority_factors_object_t *>(p);
    if (o->prio_factors)
        slurm_destroy_priority_factors(o->prio_factors);
    xfree(o);
}
#else
static tf_prio_factors *row_factors(priority_factors_object_t *o) { return o; }

static priority_factors_object_t *row(const job_record_t *job, part_record_t *part)
{
    auto *o = static_cast<priority_factors_object_t *>(xmalloc(sizeof(priority_factors_object_t)));
    // As priority/multifactor sends them: an operator's priority alone (the
    // other fields 0), else the factors of the last recalculation.
    if (job->direct_set_prio) {
        o->direct_prio = job->priority;
    } else if (job->prio_factors) {
        copy_factors(o, job->prio_factors);
        o->cluster_name = NULL;
    }
    o->job_id = job->job_id;
    o->user_id = job->user_id;
    o->partition = part->name;  // not freed by sprio's destructor
    return o;
}

static void destroy_row(void *p) { slurm_destroy_priority_factors_object(p); }
#endif

// Per-partition factors for a job in several partitions: its partition
// factor and, with TRES weights, its TRES factors in that partition.
static void set_partition(priority_factors_object_t *row, const job_record_t *job, part_record_t *part)
{
    if (job->direct_set_prio || !job->prio_factors)
        return;
    tf_prio_factors *o = row_factors(row);
    tailfold::JobFacts j;
    tailfold::PartitionFacts p;
    p.job_factor = part->priority_job_factor;
    p.job_factor_norm = part->norm_priority;
    std::vector<double> counts, totals;
    if (o->priority_tres) {
        job_tres_counts(job, counts);
        totals.assign(slurmctld_tres_cnt, 0.0);
        for (int i = 0; i < slurmctld_tres_cnt; ++i)
            totals[i] = part->tres_cnt ? part->tres_cnt[i] : 0;
        j.tres = counts.data();
        j.tres_count = counts.size();
        p.tres_total = totals.data();
    }
    tailfold::WeightedFactors w;
    tailfold::JobPriority(cfg.settings, {cluster_cpus, static_cast<std::uint32_t>(node_record_count)})
        .weigh_partition(j, p, w, o->priority_tres);
    o->priority_part = w.partition;
}

// A job's rows in one partition: one, or in Slurm 24.11 one per QOS of a
// job that may run under several, each with that QOS's factor, as the
// priorities the schedulers read (part_prio) are made.
static void append_rows(tf_list out, const job_record_t *job, part_record_t *part, bool several_parts)
{
#if TF_SLURM_24
    if (job->qos_list && !job->direct_set_prio && job->prio_factors) {
        const tailfold::JobPriority calc(cfg.settings,
                                         {cluster_cpus, static_cast<std::uint32_t>(node_record_count)});
        for (slurmdb_qos_rec_t *qos : tf_list_items<slurmdb_qos_rec_t>(job->qos_list)) {
            priority_factors_object_t *o = row(job, part);
            if (several_parts)
                set_partition(o, job, part);
            tailfold::WeightedFactors w;
            w.qos = o->prio_factors->priority_qos;
            calc.weigh_qos(qos->priority, qos->usage ? qos->usage->norm_priority : 0, w);
            o->prio_factors->priority_qos = w.qos;
            o->qos = qos->name;
            list_append(out, o);
        }
        return;
    }
#endif
    priority_factors_object_t *o = row(job, part);
    if (several_parts)
        set_partition(o, job, part);
    list_append(out, o);
}

tf_list factors_list(tf_factors_request *req, uid_t uid)
{
#if !TF_SLURM_24
    slurmctld_lock_t job_read = {};
    job_read.job = READ_LOCK;
    job_read.node = READ_LOCK;
    job_read.part = READ_LOCK;
#endif
    const time_t now = time(NULL);
    const bool private_jobs = slurm_conf.private_data & PRIVATE_DATA_JOBS;
    const bool sees_all = !private_jobs || validate_operator(uid);

#if !TF_SLURM_24
    lock_slurmctld(job_read);  // 24.11's caller holds these
#endif
    std::vector<part_record_t *> wanted;
    const bool part_filter = req && req->partitions && *req->partitions;
    if (part_filter) {
        std::string names = req->partitions;
        size_t pos = 0;
        while (pos <= names.size()) {
            size_t end = names.find(',', pos);
            if (end == std::string::npos)
                end = names.size();
            const std::string name = names.substr(pos, end - pos);
            if (part_record_t *p = name.empty() ? nullptr : find_part_record(const_cast<char *>(name.c_str())))
                wanted.push_back(p);
            pos = end + 1;
        }
    }
    auto part_ok = [&](part_record_t *p) {
        return !part_filter || std::find(wanted.begin(), wanted.end(), p) != wanted.end();
    };

    tf_list out = list_create(destroy_row);
    const bool running_too = cfg.settings.has(tailfold::kCalculateRunning);
    const bool accrue_always = cfg.settings.has(tailfold::kAccrueAlways);
    tf_list_itr it = list_iterator_create(job_list);
    while (void *p = list_next(it)) {
        auto *job = static_cast<job_record_t *>(p);
        if ((!running_too && !IS_JOB_PENDING(job)) || IS_JOB_REVOKED(job) || !job->details)
            continue;
        // Not eligible yet.
        const time_t since = accrue_always ? job->details->submit_time : job->details->begin_time;
        if (!since || since > now || job->priority == 0)
            continue;
        if (!sees_all && job->user_id != uid &&
            !(slurm_mcs_get_privatedata() == 0
                  ? tf_is_user_acct_coord(uid, job->account)
                  : mcs_g_check_mcs_label(uid, job->mcs_label, false) == 0))
            continue;
        if (req && (!has_u32(req->job_id_list, job->job_id) || !has_u32(req->uid_list, job->user_id)))
            continue;
        if (!job->part_ptr_list) {
            if (job->part_ptr && part_ok(job->part_ptr))
                append_rows(out, job, job->part_ptr, false);
            continue;
        }
        tf_list_itr pit = list_iterator_create(job->part_ptr_list);
        while (void *pp = list_next(pit)) {
            auto *part = static_cast<part_record_t *>(pp);
            if (part_ok(part))
                append_rows(out, job, part, true);
        }
        list_iterator_destroy(pit);
    }
    list_iterator_destroy(it);
#if !TF_SLURM_24
    unlock_slurmctld(job_read);
#endif
    if (!list_count(out))
        FREE_NULL_LIST(out);
    return out;
}

}  // namespace tf_prio
