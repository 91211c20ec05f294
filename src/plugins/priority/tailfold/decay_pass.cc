// priority/tailfold glue: the periodic pass, every PriorityCalcPeriod, in
// thread "tfdecay".  GPL-2.0-or-later.
//
// One pass: reset usage if PriorityUsageResetPeriod says so; decay stored
// usage by the time since the last pass; charge running jobs for that time;
// recompute fair share; recompute every pending job's priority.  The order
// is Slurm 22.05.8's, so that factors and sshare agree with it.
//
// The end of the last pass is kept in StateSaveLocation/priority_last_decay_ran
// (its format, the one priority/multifactor uses too, is
// src/core/decay_state_file.h; here only its reading and writing).
#include "prio_glue.h"

#include <atomic>
#include <string>
#include <type_traits>

#include "src/core/decay_state_file.h"
#include "src/plugins/common/agent.h"
#include "src/plugins/common/duration_boost.h"

namespace tf_prio {

namespace {

std::atomic<time_t> g_last_ran{0};
time_t g_last_reset = 0, g_next_reset = 0;
tailfold::UsageReset g_reset_mode = tailfold::UsageReset::kNone;
std::atomic<bool> g_reconfig{false};
bool g_first = true;
tf_agent_t *g_agent = nullptr;

const char kStateName[] = "priority_last_decay_ran";

std::string state_path()
{
    return tf_state_file(kStateName);
}

// A damaged file: one error line naming it and what is wrong, and a start
// as if it were missing (no decay in the first pass, so usage is never
// decayed over a made-up interval).  It is kept aside rather than
// overwritten, as the estimate store is.
void state_damaged(const std::string &path, const std::string &what)
{
    error("priority/tailfold: %s %s; %s, starting without the time of the last decay", path.c_str(),
          what.c_str(), keep_state_aside(path).c_str());
}

// A missing file is a first start.
void read_state()
{
    const std::string path = state_path();
    if (path.empty())
        return;
    std::string bytes, why;
    switch (read_state_file(path, tailfold::kDecayStateBytes, bytes, why)) {
    case StateRead::kMissing:
        info("priority/tailfold: no %s yet (first start)", path.c_str());
        return;
    case StateRead::kBad:
        state_damaged(path, why);
        return;
    case StateRead::kRead:
        break;
    }
    tailfold::DecayState st;
    if (!tailfold::decode_decay_state(bytes, time(NULL), st, why)) {
        state_damaged(path, why);
        return;
    }
    const time_t last = static_cast<time_t>(st.last_decay), reset = static_cast<time_t>(st.last_reset);
    g_last_ran = last;
    g_last_reset = reset;
    info("priority/tailfold: last decay at %ld, last usage reset at %ld (from %s)", (long)last,
         (long)reset, path.c_str());
}

void write_state()
{
    const std::string path = state_path();
    if (path.empty())
        return;
    tailfold::DecayState st;
    st.last_decay = g_last_ran.load();
    st.last_reset = g_last_reset;
    (void)write_state_file(path, tailfold::encode_decay_state(st));
}

void maybe_reset(time_t now)
{
    using tailfold::UsageReset;
    switch (g_reset_mode) {
    case UsageReset::kNone:
        return;
    case UsageReset::kNow:  // once per start or reconfigure
        reset_usage();
        g_reset_mode = UsageReset::kNone;
        g_last_reset = now;
        return;
    default:
        if (!g_next_reset)
            g_next_reset = tailfold::next_usage_reset(g_reset_mode, g_last_reset, now);
        if (g_next_reset && now >= g_next_reset) {
            reset_usage();
            g_last_reset = g_next_reset;
            g_next_reset = tailfold::next_usage_reset(g_reset_mode, g_last_reset, now);
        }
    }
}

// Every job record, through list_for_each_ro: the list's lock once per
// walk, where list_next takes and gives back a write lock per record (a
// tenth of the pass at 20,000 jobs).  The walks change job records, never
// the list, and hold slurmctld's job write lock.
template <typename Fn>
void for_each_job(Fn &&fn)
{
    using F = std::remove_reference_t<Fn>;
    list_for_each_ro(job_list, [](void *job, void *f) {
        (*static_cast<F *>(f))(static_cast<job_record_t *>(job));
        return 0;
    }, &fn);
}

// Charge a running job for the time since the last pass.  Returns false
// for jobs that need no priority either (finished, completing, or charged
// to their end already).
bool charge_running(job_record_t *job, time_t now)
{
    if (IS_JOB_FINISHED(job) || IS_JOB_COMPLETING(job))
        return false;
    if ((cfg.settings.has(tailfold::kCalculateRunning) || !IS_JOB_PENDING(job)) &&
        !IS_JOB_POWER_UP_NODE(job) && job->start_time && job->assoc_ptr)
        return charge_job(job, g_last_ran, now, false);
    return true;
}

void pass()
{
    const time_t now = time(NULL);
    if (g_first) {
        // slurmctld re-added running jobs' whole limits to their running
        // budgets at start-up: take off what they used until the last pass.
        release_run_secs_until(g_last_ran);
        g_first = false;
    }
    slurmctld_lock_t job_write = {};
    job_write.job = WRITE_LOCK;
    job_write.node = READ_LOCK;
    job_write.part = READ_LOCK;
    // The settings this pass uses, read under the lock reconfigure swaps
    // them under.
    lock_slurmctld(job_write);
    const bool fair_tree = cfg.settings.has(tailfold::kFairTree);
    const bool fairshare = cfg.calc_fairshare;
    const double per_second = cfg.decay_per_second;
    if (g_reconfig.exchange(false)) {
        g_reset_mode = cfg.reset;
        g_next_reset = 0;
    }
    // Runtimes of jobs that finished since the last pass (under Fair Tree
    // in the walk that charges running jobs), and the duration factor's
    // bound (partitions may have changed).
    if (!fair_tree)
        tf_duration::learn_finished_jobs();
    tf_duration::refresh_max();
    cfg.settings.duration_max_s = tf_duration::max_seconds();
    unlock_slurmctld(job_write);

    maybe_reset(now);
    assoc_mgr_lock_t assoc_w = {};
    assoc_w.assoc = WRITE_LOCK;
    if (!fair_tree && fairshare) {
        assoc_mgr_lock(&assoc_w);
        classic_account_pass();
        assoc_mgr_unlock(&assoc_w);
    }

    const time_t last = g_last_ran;
    if (last && now > last) {
        if (fairshare)
            decay_usage(tailfold::decay_over(per_second, difftime(now, last)));
        lock_slurmctld(job_write);
        site_factor_g_update();
        if (!fair_tree) {
            assoc_mgr_lock_t read = {};
            read.assoc = READ_LOCK;
            read.qos = READ_LOCK;
            if (cfg.settings.duration.chain_credit) {
                bool first = true;
                for_each_job([&first](job_record_t *job) {
                    chain_pass_begin(job, first);
                    first = false;
                });
            }
            fold_pass_begin();
            tf_list_itr it = list_iterator_create(job_list);
            while (void *p = list_next(it)) {
                auto *job = static_cast<job_record_t *>(p);
                if (!charge_running(job, now))
                    continue;
                assoc_mgr_lock(&read);
                recalc_job(job, now);
                assoc_mgr_unlock(&read);
            }
            list_iterator_destroy(it);
            fold_pass_end();
        }
        unlock_slurmctld(job_write);
    }
    if (fair_tree) {
        lock_slurmctld(job_write);
        {
            tf_duration::FinishedJobLearner learner;
            bool first = true;
            for_each_job([&](job_record_t *job) {
                learner.look_at(job);
                (void)charge_running(job, now);
                chain_pass_begin(job, first);
                first = false;
            });
        }
        unlock_slurmctld(job_write);
        if (fairshare) {
            assoc_mgr_lock(&assoc_w);
            fair_tree_pass();
            assoc_mgr_unlock(&assoc_w);
        }
        lock_slurmctld(job_write);
        assoc_mgr_lock_t read = {};
        read.assoc = READ_LOCK;
        read.qos = READ_LOCK;
        assoc_mgr_lock(&read);
        fold_pass_begin();
        for_each_job([now](job_record_t *job) { recalc_job(job, now); });
        fold_pass_end();
        assoc_mgr_unlock(&read);
        unlock_slurmctld(job_write);
    }
    // Chain credit's book: what is gone forgotten, then saved.
    lock_slurmctld(job_write);
    const std::string chains = chain_pass_end();
    unlock_slurmctld(job_write);
    chain_save(chains);
    g_last_ran = now;
    write_state();
    tf_duration::save_store();
}

void cycle(void *)
{
    pass();
}

}  // namespace

time_t last_ran()
{
    return g_last_ran;
}

bool start_decay_thread()
{
    read_state();
    if (!g_last_reset)
        g_last_reset = time(NULL);
    g_reset_mode = cfg.reset;
    g_agent = tf_agent_start("tfdecay", cfg.calc_period_s * 1000ULL, cycle, nullptr);
    if (!g_agent)
        return false;
    tf_agent_wake(g_agent);  // the first pass right away
    return true;
}

void stop_decay_thread()
{
    tf_agent_stop(g_agent);
    g_agent = nullptr;
}

void request_reconfig()
{
    g_reconfig = true;
    if (g_agent)
        tf_agent_set_interval(g_agent, cfg.calc_period_s * 1000ULL);
}

}  // namespace tf_prio
