// priority/tailfold: the plugin symbols slurmctld (and sshare) look up.
// GPL-2.0-or-later.
//
// Multifactor priority, equal to Slurm 22.05.8's priority/multifactor:
// see prio_glue.h for where each part lives, src/core for the arithmetic.
#include "prio_glue.h"

#include "src/plugins/common/duration_boost.h"

TF_PLUGIN_API const char plugin_name[] = "tailfold priority plugin";
TF_PLUGIN_API const char plugin_type[] = "priority/tailfold";
TF_PLUGIN_API const uint32_t plugin_version = SLURM_VERSION_NUMBER;

// Data that only slurmctld defines.  sshare loads this plugin in its own
// process (classic fair share), where the dynamic loader would refuse an
// undefined data reference; inside slurmctld its own copies win.
extern "C" {
tf_list job_list = NULL;
tf_list part_list = NULL;
uint32_t cluster_cpus = NO_VAL;
int slurmctld_tres_cnt = 0;
uint16_t accounting_enforce = 0;
time_t last_job_update = 0;
void *acct_db_conn = NULL;
#if TF_SLURM_24
time_t last_part_update = 0;  // read for part_prio; 24.11's sshare always loads the plugin
#endif
}

// PriorityFlags' Fair Tree bit as the shares were last normalised for.
static bool g_fair_tree_shares = false;

// The boost built in and site_factor/tailfold would be two writers of one
// estimate store, and a duplicate boost: refused.
static bool site_factor_is_ours()
{
    return slurm_conf.site_factor_plugin &&
           !xstrcasecmp(slurm_conf.site_factor_plugin, "site_factor/tailfold");
}

static bool start_thread()
{
    if (tf_prio::start_decay_thread())
        return true;
    error("%s: cannot start the priority thread", plugin_type);
    return false;
}

TF_PLUGIN_API int init(void)
{
    if (!tf_prio::in_slurmctld())
        return SLURM_SUCCESS;  // sshare: only calc_fs_factor is used
    if (site_factor_is_ours())
        fatal("%s: PrioritySiteFactorPlugin=site_factor/tailfold is for priority/multifactor; "
              "priority/tailfold has the boost built in (PriorityParameters=duration_weight=...): "
              "remove the PrioritySiteFactorPlugin line", plugin_type);
    g_fair_tree_shares = slurm_conf.priority_flags & PRIORITY_FLAGS_FAIR_TREE;
    info("%s: tailfold %s loaded (built for Slurm %s)", plugin_type, TAILFOLD_VERSION,
         SLURM_VERSION_STRING);
    if (!tf_prio::load_config(true))
        return SLURM_ERROR;  // the error named the bad PriorityParameters key
    tf_duration::refresh_max();
    tf_prio::cfg.settings.duration_max_s = tf_duration::max_seconds();
    tf_duration::load_store();
    if (assoc_mgr_root_assoc && assoc_mgr_root_assoc->usage)
        assoc_mgr_root_assoc->usage->usage_efctv = 1.0;
    else if (tf_prio::cfg.settings.weights.fairshare && slurm_with_slurmdbd())
        error("%s: no associations from the database: fair share is 0 until they arrive",
              plugin_type);
#if TF_SLURM_24
    // 24.11 loads the site factor plugin through the priority plugin, and
    // starts the priority thread later (priority_p_thread_start): init
    // runs with slurmctld's write locks held, before jobs and partitions
    // are loaded.
    if (site_factor_g_init() != SLURM_SUCCESS) {
        error("%s: cannot load PrioritySiteFactorPlugin=%s", plugin_type,
              slurm_conf.site_factor_plugin);
        return SLURM_ERROR;
    }
    return SLURM_SUCCESS;
#else
    if (!start_thread())
        return SLURM_ERROR;
    site_factor_plugin_init();
    return SLURM_SUCCESS;
#endif
}

TF_PLUGIN_API void fini(void)
{
    if (!tf_prio::in_slurmctld())
        return;
    tf_prio::stop_decay_thread();
    // slurmctld is past its last RPC and pass: the chain book as it ends.
    {
        const slurmctld_lock_t job_write = {NO_LOCK, WRITE_LOCK, NO_LOCK, NO_LOCK, NO_LOCK};
        lock_slurmctld(job_write);
        const std::string chains = tf_prio::chain_pass_end();
        unlock_slurmctld(job_write);
        tf_prio::chain_save(chains);
    }
    tf_duration::save_store();
    tf_duration::release_store_lock();
#if TF_SLURM_24
    site_factor_g_fini();
#else
    site_factor_plugin_fini();
#endif
}

#if TF_SLURM_24
// Right after slurmctld loaded its jobs, nodes and partitions, its write
// locks still held: the thread's first pass waits for them.
TF_PLUGIN_API int priority_p_thread_start(void)
{
    if (!tf_prio::in_slurmctld())
        return SLURM_SUCCESS;
    return start_thread() ? SLURM_SUCCESS : SLURM_ERROR;
}

// At start-up, after the jobs are loaded, no lock held: the boost slurmctld
// adds to its lowest priority.  None, as priority/multifactor: the first
// pass sets every pending job's priority.
TF_PLUGIN_API uint32_t priority_p_recover(uint32_t prio_boost)
{
    (void)prio_boost;
    return 0;
}
#endif

// Called with the job write lock held.
TF_PLUGIN_API uint32_t priority_p_set(uint32_t last_prio, job_record_t *job)
{
    (void)last_prio;
    site_factor_g_set(job);  // first, so a new site factor counts
    if (!tf_prio::owner_scope())
        return tf_prio::job_priority(job, time(NULL), false, tf_duration::Lookup::kFresh);
    std::int64_t boost = 0;
    const std::uint32_t base = tf_prio::job_priority(job, time(NULL), false, tf_duration::Lookup::kFresh, &boost);
    return tf_prio::fold_on_set(job, base, boost);  // an operator's priority is not folded
}

// assoc_clear: slurm.conf was re-read (no slurmctld lock held); otherwise
// only DebugFlags or the dampening factor changed (slurmctld locks held:
// take none here).
TF_PLUGIN_API void priority_p_reconfig(bool assoc_clear)
{
    const bool fair_tree = slurm_conf.priority_flags & PRIORITY_FLAGS_FAIR_TREE;
    if (fair_tree != g_fair_tree_shares) {
        tf_prio::renormalise_shares();
        g_fair_tree_shares = fair_tree;
    }
    if (assoc_clear && site_factor_is_ours())
        error("%s: PrioritySiteFactorPlugin=site_factor/tailfold is for priority/multifactor; "
              "with both the boost counts twice and two writers share one estimate store; "
              "remove the line (slurmctld does not start with it)", plugin_type);
    if (assoc_clear) {
        slurmctld_lock_t job_write = {};
        job_write.job = WRITE_LOCK;
        lock_slurmctld(job_write);
        // A bad PriorityParameters keeps the last good duration settings.
        tf_prio::load_config(false);
        unlock_slurmctld(job_write);
        tf_prio::request_reconfig();
        // slurmctld cleared and re-added the running budgets.
        tf_prio::release_run_secs_until(tf_prio::last_ran());
    }
#if !TF_SLURM_24
    site_factor_g_reconfig();  // 24.11 restarts slurmctld instead
#endif
}

// For sshare, under the assoc_mgr read lock: take no assoc lock.
TF_PLUGIN_API void priority_p_set_assoc_usage(slurmdb_assoc_rec_t *assoc)
{
    tf_prio::classic_assoc_usage(assoc);
}

TF_PLUGIN_API double priority_p_calc_fs_factor(long double usage_efctv, long double shares_norm)
{
    return tf_prio::classic_factor(usage_efctv, shares_norm);
}

#if TF_SLURM_24
// Under the job, node and partition read locks and the QOS read lock,
// which the caller holds; sprio filters jobs, users and partitions itself.
TF_PLUGIN_API tf_list priority_p_get_priority_factors_list(uid_t uid)
{
    return tf_prio::factors_list(nullptr, uid);
}
#else
TF_PLUGIN_API tf_list priority_p_get_priority_factors_list(priority_factors_request_msg_t *req,
                                                           uid_t uid)
{
    return tf_prio::factors_list(req, uid);
}
#endif

// With AccountingStorageEnforce=limits only (slurmctld calls it through its
// limit accounting), under the job write lock: charge the last partial
// period and release the rest of the running budget.
TF_PLUGIN_API void priority_p_job_end(job_record_t *job)
{
    tf_prio::charge_job(job, tf_prio::last_ran(), time(NULL), true);
}
