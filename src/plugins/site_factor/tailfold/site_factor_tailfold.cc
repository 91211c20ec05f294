// site_factor/tailfold: the duration boost for sites that keep
// priority/multifactor.  GPL-2.0-or-later.
//
//   PriorityType=priority/multifactor
//   PrioritySiteFactorPlugin=site_factor/tailfold
//   PrioritySiteFactorParameters=duration_weight=10000,duration_source=auto
//
// The keys are those of priority/tailfold's PriorityParameters; the boost
// becomes the job's site factor, so sprio shows it in SITE.  It shares the
// core code and the estimate store (StateSaveLocation/tailfold_estimates.json)
// with priority/tailfold; do not load both.
//
// multifactor calls set() in every priority computation and update() once
// per priority pass, both under slurmctld's job write lock (and partition
// read lock for update()); the store is therefore written by a thread of
// its own ("tfstore"), never inside them.
#include "src/plugins/common/slurm_cxx.h"

#include "src/plugins/common/duration_boost.h"

#include <algorithm>
#include <cstdint>

TF_PLUGIN_API const char plugin_name[] = "tailfold site factor plugin (duration boost)";
TF_PLUGIN_API const char plugin_type[] = "site_factor/tailfold";
TF_PLUGIN_API const uint32_t plugin_version = SLURM_VERSION_NUMBER;

static const char kParams[] = "PrioritySiteFactorParameters";

TF_PLUGIN_API int init(void)
{
    // priority/multifactor goes on without a site factor plugin whose init
    // fails (and Slurm then retries init at every priority computation), so
    // inside slurmctld a bad line is fatal: the boost is never silently off.
    if (!tf_duration::configure(slurm_conf.site_factor_params, kParams,
                                tf_in_slurmctld() ? tf_duration::OnBad::kFatal
                                                  : tf_duration::OnBad::kError,
                                tailfold::kSiteFactorMaxWeight, false))
        return SLURM_ERROR;
    tf_duration::refresh_max();
    tf_duration::load_store();
    if (tf_in_slurmctld())
        tf_duration::start_store_writer();
    info("%s: tailfold %s loaded (built for Slurm %s)", plugin_type, TAILFOLD_VERSION,
         SLURM_VERSION_STRING);
    return SLURM_SUCCESS;
}

TF_PLUGIN_API void fini(void)
{
    tf_duration::stop_store_writer();
    tf_duration::save_store();
    tf_duration::release_store_lock();
}

TF_PLUGIN_API void site_factor_p_reconfig(void)
{
    // A bad value keeps the last good settings (the error names it).
    (void)tf_duration::configure(slurm_conf.site_factor_params, kParams, tf_duration::OnBad::kError,
                                 tailfold::kSiteFactorMaxWeight, false);
}

// The job's site factor: NICE_OFFSET + boost, the boost held within what
// 32 bits leave above NICE_OFFSET (the weight is refused above that, so
// this only guards the arithmetic).
static uint32_t site_factor_of(const job_record_t *job, tf_duration::Lookup use)
{
    const std::int64_t boost = tf_duration::weighted_boost(job, use);
    return NICE_OFFSET + static_cast<uint32_t>(
                             std::clamp<std::int64_t>(boost, 0, tailfold::kSiteFactorMaxWeight));
}

// slurmctld calls this for a new job and after every job update (its name
// or account may have changed): look the runtime up afresh.
TF_PLUGIN_API void site_factor_p_set(job_record_t *job)
{
    // Slurm 24.11 starts the plugin before it reads the partitions: the
    // first job after that reads their MaxTime once (submission and update
    // hold the partition read lock; the list has its own lock besides).
    if (!tf_duration::max_known())
        tf_duration::refresh_max();
    job->site_factor = site_factor_of(job, tf_duration::Lookup::kFresh);
}

TF_PLUGIN_API void site_factor_p_update(void)
{
    tf_duration::learn_finished_jobs();
    tf_duration::refresh_max();
    tf_list_itr it = list_iterator_create(job_list);
    while (void *p = list_next(it)) {
        auto *job = static_cast<job_record_t *>(p);
        if (IS_JOB_PENDING(job))
            job->site_factor = site_factor_of(job, tf_duration::Lookup::kMemo);
    }
    list_iterator_destroy(it);
    // The job write lock is held here: the file is written by the store's
    // own thread, after slurmctld's locks are released.
    tf_duration::request_save();
}
