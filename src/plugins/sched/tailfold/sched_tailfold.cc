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
// order; the backfill planner (src/core/backfill_planner) is not wired in
// yet.  What the thread does now is the prompt hand-off: when a job ends,
// stock Slurm leaves its CPUs idle until its main scheduler's next pass
// (a 1 s loop, then batch_sched_delay).  The thread looks at slurmctld's
// job and node update times every kHandoffMs and, when one moved, asks
// the main scheduler for a pass at once (schedule() only signals its
// thread, so this takes no lock and costs nothing when nothing changed).
#include "src/plugins/common/slurm_cxx.h"

#include <pthread.h>

#include "src/plugins/common/agent.h"

extern "C" {
#include "src/slurmctld/job_scheduler.h"
}

TF_PLUGIN_API const char plugin_name[] = "tailfold backfill scheduler plugin";
TF_PLUGIN_API const char plugin_type[] = "sched/tailfold";
TF_PLUGIN_API const uint32_t plugin_version = SLURM_VERSION_NUMBER;

namespace {

constexpr unsigned kHandoffMs = 100;

pthread_mutex_t agent_mutex = PTHREAD_MUTEX_INITIALIZER;
tf_agent_t *agent = nullptr;
time_t seen_job_update = 0, seen_node_update = 0;  // the thread's own

// slurmctld writes these under its locks; a stale read only delays the
// hand-off to the next look.
time_t read_time(const time_t &t)
{
    return __atomic_load_n(&t, __ATOMIC_RELAXED);
}

void cycle(void *)
{
    const time_t job = read_time(last_job_update), node = read_time(last_node_update);
    if (job == seen_job_update && node == seen_node_update)
        return;
    seen_job_update = job;
    seen_node_update = node;
    schedule(false);
}

}  // namespace

TF_PLUGIN_API int init(void)
{
    info("%s: tailfold %s loaded (built for Slurm %s)", plugin_type, TAILFOLD_VERSION,
         SLURM_VERSION_STRING);
    pthread_mutex_lock(&agent_mutex);
    int rc = SLURM_SUCCESS;
    if (!agent && !(agent = tf_agent_start("tfsched", kHandoffMs, cycle, nullptr))) {
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
