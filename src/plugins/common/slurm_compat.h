// tailfold glue: what differs between the Slurm releases the glue builds
// for (22.05 and 24.11), in one place.  GPL-2.0-or-later.
//
// Included by slurm_cxx.h after Slurm's headers.  Each name here means the
// same thing in both releases; the files that use them need no #if.  What
// changed and where Slurm shows it: docs/slurm-releases.md.
#pragma once

// Lists: 22.05 calls them tf_list / tf_list_itr, 24.11 list_t * / list_itr_t *;
// the struct tags are the same in both.
using tf_list = struct xlist *;
using tf_list_itr = struct listIterator *;

// A Slurm list's items, in order (an empty vector for no list).
template <typename T>
std::vector<T *> tf_list_items(tf_list l)
{
    std::vector<T *> out;
    if (!l)
        return out;
    tf_list_itr it = list_iterator_create(l);
    while (void *p = list_next(it))
        out.push_back(static_cast<T *>(p));
    list_iterator_destroy(it);
    return out;
}

// A job's details: struct job_details in 22.05, the anonymous
// job_details_t in 24.11.
using tf_job_details = std::remove_pointer_t<decltype(job_record_t::details)>;

// A job's last factors (sprio's columns): a priority_factors_object_t in
// 22.05, a priority_factors_t in 24.11, with the same factor fields.
using tf_prio_factors = std::remove_pointer_t<decltype(job_record_t::prio_factors)>;

// sprio's filter: sent by 22.05's sprio (jobs, users, partitions); 24.11's
// sprio filters by itself and sends none, so the plugin is handed none.
#if TF_SLURM_24
struct tf_factors_request {
    tf_list job_id_list;
    char *partitions;
    tf_list uid_list;
};
#else
using tf_factors_request = priority_factors_request_msg_t;
#endif

// Starts a job the backfill pass placed, as sched/backfill does.
inline int tf_select_nodes_backfill(job_record_t *job)
{
#if TF_SLURM_24
    job_node_select_t sel = {};
    sel.job_ptr = job;
    return select_nodes(&sel, false, false, SLURMDB_JOB_FLAG_BACKFILL);
#else
    return select_nodes(job, false, nullptr, nullptr, false, SLURMDB_JOB_FLAG_BACKFILL);
#endif
}

// The cluster's licences (slurm.conf Licenses=).
inline tf_list tf_cluster_licenses()
{
#if TF_SLURM_24
    return cluster_license_list;
#else
    return license_list;
#endif
}

// --exclusive: a value in 22.05 (1; 3 is MCS), a bit in 24.11.
inline bool tf_whole_node_required(unsigned whole_node)
{
#if TF_SLURM_24
    return whole_node & WHOLE_NODE_REQUIRED;
#else
    return whole_node == WHOLE_NODE_REQUIRED;
#endif
}

// A queue record is one candidate (partition; in 24.11 also QOS) of a job:
// the job takes them while it is tried, as sched/backfill does.
inline void tf_apply_queue_rec(job_record_t *job, const job_queue_rec_t *rec)
{
    job->part_ptr = rec->part_ptr;
    job->priority = rec->priority;
#if TF_SLURM_24
    job->qos_ptr = rec->qos_ptr;
#endif
}

// Is uid a coordinator of account acct (no assoc_mgr lock held)?
inline bool tf_is_user_acct_coord(uid_t uid, char *acct)
{
#if TF_SLURM_24
    return assoc_mgr_is_user_acct_coord(acct_db_conn, uid, acct, false);
#else
    return assoc_mgr_is_user_acct_coord(acct_db_conn, uid, acct);
#endif
}

// Why a backfill pass ended, for sdiag's "Backfill exit" counters (24.11;
// 22.05's sdiag has none).
enum class TfBfExit { kEnd, kMaxJobStart, kMaxJobTest, kStateChanged, kTimeout };
inline void tf_count_bf_exit(TfBfExit why)
{
#if TF_SLURM_24
    static const int slot[] = {BF_EXIT_END, BF_EXIT_MAX_JOB_START, BF_EXIT_MAX_JOB_TEST,
                               BF_EXIT_STATE_CHANGED, BF_EXIT_TIMEOUT};
    ++slurmctld_diag_stats.bf_exit[slot[static_cast<int>(why)]];
#else
    (void)why;
#endif
}
