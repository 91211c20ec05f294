// priority/tailfold: slurmctld glue for tailfold's priority policy.
// GPL-2.0-or-later.
//
// This file reads slurmctld's structures, calls src/core, and writes the
// results back.  No policy lives here.
//
// Current policy: submit order (earlier first), see core/submit_order.h.
// Operator-set priorities and holds (priority 0) are left as they are.
#include "src/plugins/common/slurm_cxx.h"

#include "src/core/fair_share_classic.h"
#include "src/core/submit_order.h"

TF_PLUGIN_API const char plugin_name[] = "tailfold priority plugin";
TF_PLUGIN_API const char plugin_type[] = "priority/tailfold";
TF_PLUGIN_API const uint32_t plugin_version = SLURM_VERSION_NUMBER;

// Data that only slurmctld defines.  sshare loads this plugin in its own
// process (classic fair share), where the dynamic loader would otherwise
// refuse the undefined data reference; inside slurmctld its copy wins.
extern "C" {
List job_list = NULL;
}

TF_PLUGIN_API int init(void)
{
    // sshare loads us too: announce the version in slurmctld's log only,
    // not on the terminal of every sshare user.
    if (tf_in_slurmctld())
        info("%s: tailfold %s loaded (built for Slurm %s)", plugin_type, TAILFOLD_VERSION,
             SLURM_VERSION_STRING);
    return SLURM_SUCCESS;
}

TF_PLUGIN_API void fini(void) {}

TF_PLUGIN_API uint32_t priority_p_set(uint32_t last_prio, job_record_t *job)
{
    (void)last_prio;
    // An operator's priority stands (a held job never reaches us with
    // direct_set_prio cleared; release clears it before calling).
    if (job->direct_set_prio && job->priority > 0)
        return job->priority;
    const time_t submit = job->details ? job->details->submit_time : 0;
    return tailfold::submit_order_priority(submit ? submit : time(NULL));
}

TF_PLUGIN_API void priority_p_reconfig(bool assoc_clear)
{
    (void)assoc_clear;
}

// Called for sshare with the assoc_mgr read lock already held: take no
// assoc_mgr lock here.  Usage is shown as the share of the root's usage.
TF_PLUGIN_API void priority_p_set_assoc_usage(slurmdb_assoc_rec_t *assoc)
{
    if (!assoc || !assoc->usage)
        return;
    long double root = 0;
    if (assoc_mgr_root_assoc && assoc_mgr_root_assoc->usage)
        root = assoc_mgr_root_assoc->usage->usage_raw;
    const long double norm = root > 0 ? assoc->usage->usage_raw / root : 0;
    assoc->usage->usage_norm = norm;
    assoc->usage->usage_efctv = norm;
}

TF_PLUGIN_API double priority_p_calc_fs_factor(long double usage_efctv, long double shares_norm)
{
    if (usage_efctv == (long double)NO_VAL)
        return 0.0;
    const double damp = slurm_conf.fs_dampening_factor ? slurm_conf.fs_dampening_factor : 1;
    return tailfold::classic_fair_share_factor(usage_efctv, (double)shares_norm, damp);
}

static bool list_has_u32(List l, uint32_t v)
{
    if (!l)
        return true;  // no filter
    ListIterator it = list_iterator_create(l);
    bool found = false;
    while (void *p = list_next(it))
        if (*static_cast<uint32_t *>(p) == v) {
            found = true;
            break;
        }
    list_iterator_destroy(it);
    return found;
}

static bool part_matches(const char *parts, const job_record_t *job)
{
    if (!parts || !*parts)
        return true;
    const char *name = job->part_ptr ? job->part_ptr->name : job->partition;
    if (!name)
        return false;
    // Comma-separated list against the job's partition (name match).
    const size_t n = strlen(name);
    for (const char *p = parts; *p;) {
        const char *end = strchr(p, ',');
        const size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && !strncmp(p, name, n))
            return true;
        if (!end)
            break;
        p = end + 1;
    }
    return false;
}

// sprio.  Until the multifactor factors exist, the whole priority is
// reported as direct_prio, which sprio shows as the PRIORITY column.
TF_PLUGIN_API List priority_p_get_priority_factors_list(priority_factors_request_msg_t *req,
                                                        uid_t uid)
{
    slurmctld_lock_t job_read = {};  // NO_LOCK is 0
    job_read.job = READ_LOCK;
    const time_t now = time(NULL);
    const bool private_jobs = slurm_conf.private_data & PRIVATE_DATA_JOBS;
    const bool operator_uid = !private_jobs || validate_operator(uid);
    List out = list_create(slurm_destroy_priority_factors_object);

    lock_slurmctld(job_read);
    ListIterator it = list_iterator_create(job_list);
    while (void *p = list_next(it)) {
        auto *job = static_cast<job_record_t *>(p);
        if (!IS_JOB_PENDING(job) || IS_JOB_REVOKED(job) || job->priority == 0 || !job->details)
            continue;
        if (job->details->begin_time > now)
            continue;
        if (!operator_uid && job->user_id != uid)
            continue;
        if (req && (!list_has_u32(req->job_id_list, job->job_id) ||
                    !list_has_u32(req->uid_list, job->user_id) ||
                    !part_matches(req->partitions, job)))
            continue;
        auto *f = static_cast<priority_factors_object_t *>(xmalloc(sizeof(priority_factors_object_t)));
        f->job_id = job->job_id;
        f->user_id = job->user_id;
        // Points into the partition record, as sprio's destructor does not free it.
        f->partition = job->part_ptr ? job->part_ptr->name : NULL;
        f->direct_prio = job->priority;
        f->priority_site = NICE_OFFSET;
        f->nice = job->details->nice;
        list_append(out, f);
    }
    list_iterator_destroy(it);
    unlock_slurmctld(job_read);

    if (!list_count(out))
        FREE_NULL_LIST(out);
    return out;
}

TF_PLUGIN_API void priority_p_job_end(job_record_t *job)
{
    // Mark the job as charged so acct_policy does not call twice.
    job->end_time_exp = (time_t)NO_VAL;
}
