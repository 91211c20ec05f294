// sched/tailfold: slurmctld glue for tailfold's backfill scheduler.
// GPL-2.0-or-later.
//
// The wrapper owns the scheduler thread (named "tfsched", so per-thread CPU
// can be read from /proc like stock's "bckfl").  init() runs inside
// read_slurm_conf() with every slurmctld lock held, and sched_p_reconfig()
// may too: neither may take a slurmctld lock, so both only start or wake
// the thread, which does the work.
//
// Current behaviour: slurmctld's main scheduler starts jobs in priority
// order; the thread has no planning pass yet (the backfill planner lands in
// src/core with its own issue).
#include "src/plugins/common/slurm_cxx.h"

#include <pthread.h>

#include "src/plugins/common/agent.h"

TF_PLUGIN_API const char plugin_name[] = "tailfold backfill scheduler plugin";
TF_PLUGIN_API const char plugin_type[] = "sched/tailfold";
TF_PLUGIN_API const uint32_t plugin_version = SLURM_VERSION_NUMBER;

namespace {

constexpr unsigned kDefaultIntervalMs = 30 * 1000;  // Slurm's bf_interval default

pthread_mutex_t agent_mutex = PTHREAD_MUTEX_INITIALIZER;
tf_agent_t *agent = nullptr;

void cycle(void *)
{
    debug2("%s: cycle (no planning pass yet)", plugin_type);
}

}  // namespace

TF_PLUGIN_API int init(void)
{
    info("%s: tailfold %s loaded (built for Slurm %s)", plugin_type, TAILFOLD_VERSION,
         SLURM_VERSION_STRING);
    pthread_mutex_lock(&agent_mutex);
    int rc = SLURM_SUCCESS;
    if (!agent && !(agent = tf_agent_start("tfsched", kDefaultIntervalMs, cycle, nullptr))) {
        error("%s: cannot start the scheduler thread", plugin_type);
        rc = SLURM_ERROR;
    }
    pthread_mutex_unlock(&agent_mutex);
    return rc;
}

TF_PLUGIN_API void fini(void)
{
    pthread_mutex_lock(&agent_mutex);
    tf_agent_stop(agent);
    agent = nullptr;
    pthread_mutex_unlock(&agent_mutex);
    verbose("%s: stopped", plugin_type);
}

TF_PLUGIN_API int sched_p_reconfig(void)
{
    pthread_mutex_lock(&agent_mutex);
    tf_agent_wake(agent);
    pthread_mutex_unlock(&agent_mutex);
    return SLURM_SUCCESS;
}
