// sched/tailfold: slurmctld glue for tailfold's backfill scheduler.
// GPL-2.0-or-later.
//
// The wrapper owns two threads, named so per-thread CPU can be read from
// /proc like stock's "bckfl":
//   - "tfbackfill" runs a backfill cycle (backfill_cycle.cc) every
//     bf_interval seconds, and at once when slurmctld reconfigures;
//   - "tfsched" is the prompt hand-off: when a job ends, stock Slurm leaves
//     its CPUs idle until its main scheduler's next pass (a 1 s loop, then
//     batch_sched_delay).  It looks at slurmctld's job and node update
//     times and the nodes' counts of running and completing jobs every
//     kHandoffMs and, when one moved, asks the main scheduler for a pass at
//     once (schedule() only signals its thread; the counts take the node
//     read lock for a few microseconds); a burst of job changes with no
//     resources freed is let settle first (src/core/handoff_settle.h).
// init() runs inside read_slurm_conf() with every slurmctld lock held, and
// sched_p_reconfig() may too: neither may take a slurmctld lock, so both
// only read the configuration and start or wake the threads.
#include "sched_glue.h"

#include <malloc.h>
#include <pthread.h>

#include <string>
#include <vector>

#include "src/core/handoff_settle.h"
#include "src/plugins/common/agent.h"
#include "src/plugins/common/duration_boost.h"


TF_PLUGIN_API const char plugin_name[] = "tailfold backfill scheduler plugin";
TF_PLUGIN_API const char plugin_type[] = "sched/tailfold";
TF_PLUGIN_API const uint32_t plugin_version = SLURM_VERSION_NUMBER;

namespace {

constexpr unsigned kHandoffMs = 100;
// The longest a burst of job changes may hold the hand-off back: what
// slurmctld's own main scheduler waits after job changes by default
// (batch_sched_delay, 3 s), so never slower than stock.
constexpr std::int64_t kSettleMaxMs = 3000;

pthread_mutex_t state_mutex = PTHREAD_MUTEX_INITIALIZER;  // guards what follows
tf_agent_t *handoff_agent = nullptr, *backfill_agent = nullptr;
tailfold::BackfillParams current;

// What the hand-off thread compares between looks.  slurmctld's update
// times are whole seconds: a job that ends, or a node that a COMPLETING
// job releases, in the same second as the last change moves neither, and
// its CPUs would wait for the next event.  The nodes' counts of running
// and completing jobs move at each of those, so they are looked at too.
struct Activity {
    time_t job = 0, node = 0;
    std::uint64_t node_jobs = 0;
    std::uint64_t ended = 0;  // sdiag's jobs completed + canceled + failed
    bool operator==(const Activity &o) const
    {
        return job == o.job && node == o.node && node_jobs == o.node_jobs && ended == o.ended;
    }
};
Activity seen;  // the hand-off thread's own

// slurmctld writes these under its locks; a stale read only delays the
// hand-off to the next look.
time_t read_time(const time_t &t)
{
    return __atomic_load_n(&t, __ATOMIC_RELAXED);
}

// Running jobs in the low half, completing ones in the high half, summed
// over the nodes, under the node read lock (a few microseconds for
// thousands of nodes; the node table may be rebuilt at reconfigure).
std::uint64_t node_job_counts()
{
    const slurmctld_lock_t node_read = {NO_LOCK, NO_LOCK, READ_LOCK, NO_LOCK, NO_LOCK};
    std::uint64_t run = 0, comp = 0;
    lock_slurmctld(node_read);
    for (int i = 0; i < node_record_count; ++i)
        if (const node_record_t *n = node_record_table_ptr[i]) {
            run += n->run_job_cnt;
            comp += n->comp_job_cnt;
        }
    unlock_slurmctld(node_read);
    return (comp << 32) + run;
}

Activity last_look;  // the hand-off thread's previous look
tailfold::HandoffSettle settle(kSettleMaxMs);  // the hand-off thread's own

// Whether resources came back since `before`: a node changed, a job
// ended (sdiag's counters; `sdiag -r` resets them, which counts once),
// fewer jobs run, or completing jobs came or went.  Starts alone free
// nothing.
bool resources_freed(const Activity &before, const Activity &now)
{
    const std::uint64_t low = 0xffffffffu;
    return now.node != before.node || now.ended != before.ended ||
           (now.node_jobs & low) < (before.node_jobs & low) ||
           (now.node_jobs >> 32) != (before.node_jobs >> 32);
}

std::uint64_t ended_jobs()
{
    const diag_stats_t &d = slurmctld_diag_stats;
    return std::uint64_t(__atomic_load_n(&d.jobs_completed, __ATOMIC_RELAXED)) +
           __atomic_load_n(&d.jobs_canceled, __ATOMIC_RELAXED) +
           __atomic_load_n(&d.jobs_failed, __ATOMIC_RELAXED);
}

void handoff_cycle(void *)
{
    Activity now;
    now.job = read_time(last_job_update);
    now.node = read_time(last_node_update);
    now.node_jobs = node_job_counts();
    now.ended = ended_jobs();
    // Freed since the last look, not since the last hand-off: starts
    // during a settling burst would hide a later end.
    const bool freed = resources_freed(last_look, now);
    last_look = now;
    if (!settle.look(!(now == seen), freed, now.job, time(nullptr), tf_sched::mono_usec() / 1000))
        return;
    seen = now;
    schedule(false);
}

void backfill_cycle(void *)
{
    if (tf_sched::reads_estimates(tf_sched::params()))
        tf_duration::reload_store_if_changed();
    tf_sched::run_backfill_cycle();
    // The pass built its queue and timeline in this thread's malloc arena
    // and freed them; give the pages back, so slurmctld's resident size
    // does not keep the peak of the largest pass between passes.
    malloc_trim(0);
}

// The learned runtimes come from the duration_* keys of whichever tailfold
// plugin computes priorities (it learns; this plugin only reads its store).
void configure_predictions(const tailfold::BackfillParams &p)
{
    const bool prio = slurm_conf.priority_type && !strcmp(slurm_conf.priority_type, "priority/tailfold");
    const bool site = slurm_conf.site_factor_plugin &&
                      !strcmp(slurm_conf.site_factor_plugin, "site_factor/tailfold");
    if (!prio && !site) {
        // bf_estimate=learned alone: without a learning plugin the
        // expected starts simply use time limits, as Slurm's do.
        if (p.runtime != tailfold::PlanRuntime::kPredicted && p.order != tailfold::BackfillOrder::kShortest)
            return;
        error("%s: bf_runtime=predicted and bf_order=shortest need PriorityType=priority/tailfold or "
              "PrioritySiteFactorPlugin=site_factor/tailfold to learn runtimes; "
              "until then jobs are planned with their time limits and ordered by them",
              plugin_type);
        return;
    }
    // Quiet: the plugin that owns these keys reports a bad line itself.
    tf_duration::configure(prio ? slurm_conf.priority_params : slurm_conf.site_factor_params,
                           prio ? "PriorityParameters" : "PrioritySiteFactorParameters",
                           tf_duration::OnBad::kQuiet, 0xffffffffu, prio);
}

// One line per key of Slurm's own backfill that tailfold does not act on
// (the parser says why), once per reading of slurm.conf: slurmctld calls
// init() and then sched_p_reconfig() on the same reading at start-up, and
// sched_p_reconfig() again at each `scontrol reconfigure` on a new one
// (slurm_conf.last_update tells them apart).  A warning, as Slurm's own
// backfill words them: the setting is accepted.
void warn_unused_keys(const std::vector<std::string> &warnings)
{
    static time_t warned_for = 0;
    if (warned_for == slurm_conf.last_update)
        return;
    warned_for = slurm_conf.last_update;
    for (const std::string &w : warnings)
        info("%s: warning: %s", plugin_type, w.c_str());
}

// Read SchedulerParameters (conf lock held by the caller).  A bad value:
// one line naming the key and value; at start-up it is fatal (Slurm's
// loader would call a failing init twice, logging it twice), at
// reconfigure the settings stay as they were.
bool load_params(bool at_startup)
{
    tailfold::BackfillParams p;
    std::string err;
    std::vector<std::string> warnings;
    if (!tailfold::parse_backfill_params(slurm_conf.sched_params, p, err, &warnings)) {
        if (at_startup)
            fatal("%s: %s; slurmctld does not start on a bad setting", plugin_type, err.c_str());
        error("%s: %s; the last good settings stay", plugin_type, err.c_str());
        return false;
    }
    warn_unused_keys(warnings);
    pthread_mutex_lock(&state_mutex);
    current = p;
    if (backfill_agent)
        tf_agent_set_interval(backfill_agent, p.interval_s * 1000ULL);
    pthread_mutex_unlock(&state_mutex);
    if (tf_sched::reads_estimates(p))
        configure_predictions(p);
    // The plan holds licences for the jobs it holds, but slurmctld's main
    // scheduler goes past a job whose licences are busy and starts lower
    // ones that take them, unless bf_licenses (its key) tells it to stop
    // there and leave the rest to the backfill.  Said once per change
    // (slurmctld reconfigures its plugins right after starting them).
    static bool said_licences = false;
    const bool licences_unguarded = slurm_conf.licenses && *slurm_conf.licenses &&
                                    !xstrcasestr(slurm_conf.sched_params, "bf_licenses");
    if (licences_unguarded && !said_licences)
        error("%s: Licenses are configured but SchedulerParameters has no bf_licenses: "
              "slurmctld's main scheduler may start lower-priority jobs on the licences "
              "a held job waits for, and delay it",
              plugin_type);
    said_licences = licences_unguarded;
    return true;
}

}  // namespace

tailfold::BackfillParams tf_sched::params()
{
    pthread_mutex_lock(&state_mutex);
    const tailfold::BackfillParams p = current;
    pthread_mutex_unlock(&state_mutex);
    return p;
}

TF_PLUGIN_API int init(void)
{
    info("%s: tailfold %s loaded (built for Slurm %s)", plugin_type, TAILFOLD_VERSION,
         SLURM_VERSION_STRING);
    if (!load_params(true))
        return SLURM_ERROR;
    if (slurmctld_config.scheduling_disabled) {
        info("%s: scheduling disabled: no backfill", plugin_type);
        return SLURM_SUCCESS;
    }
    const tailfold::BackfillParams p = tf_sched::params();
    pthread_mutex_lock(&state_mutex);
    int rc = SLURM_SUCCESS;
    if (!handoff_agent && !(handoff_agent = tf_agent_start("tfsched", kHandoffMs, handoff_cycle, nullptr)))
        rc = SLURM_ERROR;
    if (!backfill_agent &&
        !(backfill_agent = tf_agent_start("tfbackfill", p.interval_s * 1000ULL, backfill_cycle, nullptr)))
        rc = SLURM_ERROR;
    pthread_mutex_unlock(&state_mutex);
    if (rc != SLURM_SUCCESS)
        error("%s: cannot start the scheduler threads", plugin_type);
    else
        info("%s: backfill every %us, window %u min, resolution %us, %u reservation(s), "
             "bf_runtime=%s, bf_order=%s, bf_starve_age=%llds, expected starts by %s over %u min",
             plugin_type, p.interval_s, p.window_min, p.resolution_s, p.reservations,
             p.runtime == tailfold::PlanRuntime::kPredicted ? "predicted" : "limit",
             p.order == tailfold::BackfillOrder::kShortest ? "shortest" : "priority",
             static_cast<long long>(p.starve_age_s),
             p.estimate == tailfold::ForecastRuntime::kLearned ? "learned runtimes" : "limits",
             p.forecast_window_min());
    return rc;
}

TF_PLUGIN_API void fini(void)
{
    pthread_mutex_lock(&state_mutex);
    tf_agent_t *h = handoff_agent, *b = backfill_agent;
    handoff_agent = backfill_agent = nullptr;
    pthread_mutex_unlock(&state_mutex);
    // Joined outside state_mutex: a pass in progress reads the settings.
    tf_agent_stop(h);
    tf_agent_stop(b);
    verbose("%s: stopped", plugin_type);
}

TF_PLUGIN_API int sched_p_reconfig(void)
{
    load_params(false);
    pthread_mutex_lock(&state_mutex);
    tf_agent_wake(backfill_agent);
    pthread_mutex_unlock(&state_mutex);
    return SLURM_SUCCESS;
}
