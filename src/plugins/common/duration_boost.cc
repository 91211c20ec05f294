// tailfold glue: the duration boost's state in slurmctld.  GPL-2.0-or-later.
#include "duration_boost.h"
#include "time_limit.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <mutex>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>
#include <string>

#include "src/core/damaged_file.h"
#include "src/core/duration_factor.h"
#include "src/core/estimate_memo.h"
#include "src/core/estimate_store.h"
#include "src/core/file_lock.h"
#include "src/core/learn_ledger.h"
#include "src/plugins/common/agent.h"

namespace tf_duration {

namespace {

std::mutex save_mu;    // one store writer at a time; taken before `mu`
std::mutex writer_mu;  // guards g_writer
tf_agent_t *g_writer = nullptr;  // saves when woken (request_save)
std::mutex mu;  // guards everything below; taken after slurmctld's locks
tailfold::DurationParams g_params;
std::int64_t g_max_s = 7 * 86400;
bool g_max_known = false;  // g_max_s from duration_max or partitions, not the default
tailfold::RuntimeEstimator g_est;
tailfold::EstimateMemo g_memo;  // answers of g_est under g_params, per job
bool g_dirty = false;
bool g_save_blocked = false;  // a damaged store could not be kept aside
tailfold::LearnLedger g_ledger;  // which finished jobs were counted (restarts too)
tailfold::FileLock g_store_lock;  // held by slurmctld's plugin: no seed meanwhile

constexpr std::int64_t kDefaultMax = 7 * 86400;
const char kStoreName[] = "tailfold_estimates.json";

std::string store_path()
{
    return tf_state_file(kStoreName);
}

}  // namespace

bool configure(const char *text, const char *what, OnBad on_bad, std::uint32_t max_weight,
               bool owner_scope)
{
    tailfold::DurationParams p = params();
    std::string err;
    if (!tailfold::parse_duration_params(text, p, err, max_weight, owner_scope)) {
        // The core names PriorityParameters; say which line it really was.
        const std::string prefix = "PriorityParameters";
        if (what && err.compare(0, prefix.size(), prefix) == 0)
            err.replace(0, prefix.size(), what);
        if (on_bad == OnBad::kFatal)
            fatal("tailfold: %s; slurmctld does not start on a bad setting", err.c_str());
        else if (on_bad == OnBad::kError)
            error("tailfold: %s; the last good settings stay", err.c_str());
        else
            debug("tailfold: %s", err.c_str());
        return false;
    }
    std::lock_guard<std::mutex> lk(mu);
    g_params = p;
    g_est.set_max_entries(p.store_max);
    g_memo.invalidate();
    if (p.max_s) {
        g_max_s = p.max_s;
        g_max_known = true;
    }
    return true;
}

tailfold::DurationParams params()
{
    std::lock_guard<std::mutex> lk(mu);
    return g_params;
}

void refresh_max()
{
    std::int64_t m = 0;
    if (part_list) {
        tf_list_itr it = list_iterator_create(part_list);
        while (void *p = list_next(it))
            m = std::max(m, tf_glue::limit_seconds(static_cast<part_record_t *>(p)->max_time));
        list_iterator_destroy(it);
    }
    std::lock_guard<std::mutex> lk(mu);
    g_max_s = g_params.max_s ? g_params.max_s : (m ? m : kDefaultMax);
    g_max_known = g_params.max_s || m;
}

bool max_known()
{
    std::lock_guard<std::mutex> lk(mu);
    return g_max_known;
}

std::int64_t max_seconds()
{
    std::lock_guard<std::mutex> lk(mu);
    return g_max_s;
}

// Takes the store's lock for slurmctld's life (not in sshare, which loads
// the plugin too).  A seed running now gets a few seconds to finish, so
// its runs are loaded; a lock that stays busy or cannot be taken is said
// once, and the plugin goes on without it (its saves stay atomic).
void lock_store(const std::string &path)
{
    if (!tf_in_slurmctld() || g_store_lock.held())
        return;
    const std::string lock = tailfold::lock_path_for(path);
    std::string err;
    for (int tries = 0;; ++tries) {
        switch (g_store_lock.try_lock(lock, err)) {
        case tailfold::FileLock::Result::kHeld:
            return;
        case tailfold::FileLock::Result::kError:
            error("tailfold: %s; tailfold-estimates seed is not kept out while slurmctld runs", err.c_str());
            return;
        case tailfold::FileLock::Result::kBusy:
            if (tries == 100) {
                error("tailfold: another process holds %s (tailfold-estimates seed?); going on without it",
                      lock.c_str());
                return;
            }
            usleep(100000);
        }
    }
}

void load_store()
{
    const std::string path = store_path();
    if (path.empty())
        return;
    lock_store(path);
    // A save cut short by a crash leaves its temporary file; with the lock
    // held no other writer can be using one.
    if (g_store_lock.held())
        for (const std::string &f : tailfold::remove_stale_temporaries(path))
            info("tailfold: removed %s, left by a save that did not finish", f.c_str());
    std::lock_guard<std::mutex> lk(mu);
    std::string err;
    switch (tailfold::load_estimates(path, g_est, err)) {
    case tailfold::LoadResult::kLoaded:
        g_ledger.restore(g_est.learned_until, g_est.learned_ids);
        info("tailfold: %zu runtime estimates loaded from %s", g_est.size(), path.c_str());
        if (!err.empty())  // bad entries skipped: one line, the count and the first
            error("tailfold: %s", err.c_str());
        break;
    case tailfold::LoadResult::kMissing:
        info("tailfold: no %s yet: estimates start from time limits", path.c_str());
        break;
    case tailfold::LoadResult::kBad: {
        // Kept aside, never overwritten: what it held may be repairable.
        std::string kept, why;
        if (tailfold::keep_damaged_file(path, time(nullptr), kept, why)) {
            error("tailfold: %s; kept as %s, starting with no learned runtimes", err.c_str(),
                  kept.c_str());
        } else {
            g_save_blocked = true;
            error("tailfold: %s; starting with no learned runtimes, and not saving over it (%s)",
                  err.c_str(), why.c_str());
        }
        break;
    }
    }
    g_est.set_max_entries(g_params.store_max);
    g_memo.invalidate();
}

void release_store_lock()
{
    g_store_lock.release();
}

bool reload_store_if_changed()
{
    const std::string path = store_path();
    struct stat st;
    if (path.empty() || stat(path.c_str(), &st) != 0)
        return false;
    static struct timespec seen = {0, 0};
    if (st.st_mtim.tv_sec == seen.tv_sec && st.st_mtim.tv_nsec == seen.tv_nsec)
        return false;
    tailfold::RuntimeEstimator fresh;
    std::string err;
    if (tailfold::load_estimates(path, fresh, err) != tailfold::LoadResult::kLoaded) {
        // The writer replaces the file atomically, so this is a damaged
        // file, already reported by its writer: keep what we have.
        debug("tailfold: %s: kept the runtime estimates read before", err.c_str());
        return false;
    }
    std::lock_guard<std::mutex> lk(mu);
    seen = st.st_mtim;
    fresh.set_max_entries(g_params.store_max);
    g_est = std::move(fresh);
    g_memo.invalidate();
    return true;
}

void save_store()
{
    const std::string path = store_path();
    if (path.empty())
        return;
    // One writer at a time (the decay thread, the store writer, fini), in
    // the order their copies were taken.
    std::lock_guard<std::mutex> one_writer(save_mu);
    std::optional<tailfold::RuntimeEstimator> copy;
    {
        // The copy is all that waits for `mu`, which priority_p_set needs
        // under slurmctld's job write lock: encoding, writing and fsync
        // (up to ~10 MB) happen after it is released.
        std::lock_guard<std::mutex> lk(mu);
        if (!g_dirty || g_save_blocked)
            return;
        copy.emplace(g_est);
        g_dirty = false;
    }
    std::string err;
    if (!tailfold::save_estimates(path, *copy, err)) {
        error("tailfold: cannot save runtime estimates: %s", err.c_str());
        std::lock_guard<std::mutex> lk(mu);
        g_dirty = true;  // try again at the next save
    }
}

namespace {

void writer_cycle(void *)
{
    save_store();
}

}  // namespace

void start_store_writer()
{
    std::lock_guard<std::mutex> lk(writer_mu);
    if (!g_writer)
        g_writer = tf_agent_start("tfstore", 0, writer_cycle, nullptr);
    if (!g_writer)
        error("tailfold: cannot start the estimate store's writer thread: saving at shutdown only");
}

void request_save()
{
    std::lock_guard<std::mutex> lk(writer_mu);
    if (g_writer)
        tf_agent_wake(g_writer);
}

void stop_store_writer()
{
    tf_agent_t *w;
    {
        std::lock_guard<std::mutex> lk(writer_mu);
        w = g_writer;
        g_writer = nullptr;
    }
    tf_agent_stop(w);  // after its current save, if one runs
}

FinishedJobLearner::FinishedJobLearner() : lock_(mu)
{
    g_ledger.begin(time(nullptr));
}

void FinishedJobLearner::look_at(const job_record_t *job)
{
    if (!IS_JOB_FINISHED(job) || !job->start_time || job->end_time <= job->start_time)
        return;
    const std::uint32_t base = job->job_state & JOB_STATE_BASE;
    // Only runs that say how long the work takes: completed ones, and
    // ones stopped by their limit (counted as at least the limit).  One
    // still COMPLETING is counted once it is done (the ledger keeps it
    // countable across a restart).
    if (base != JOB_COMPLETE && base != JOB_TIMEOUT)
        return;
    if (!g_ledger.offer(job->job_id, job->end_time, IS_JOB_COMPLETING(job)))
        return;
    const std::uint64_t evictions = g_est.evictions();
    g_est.record(job->user_id, job->account ? job->account : "", job->name ? job->name : "",
                 job->end_time - job->start_time, tf_glue::time_limit_seconds(job),
                 base == JOB_TIMEOUT);
    g_dirty = true;
    if (g_est.evictions() != evictions)
        g_memo.invalidate();  // other users' entries went too
    else
        g_memo.invalidate_user(job->user_id);
}

FinishedJobLearner::~FinishedJobLearner()
{
    g_ledger.end();  // forgets jobs slurmctld has purged
    g_est.learned_until = g_ledger.until();
    g_est.learned_ids = g_ledger.ids();
}

void learn_finished_jobs()
{
    if (!job_list)
        return;
    FinishedJobLearner learner;
    tf_list_itr it = list_iterator_create(job_list);
    while (void *p = list_next(it))
        learner.look_at(static_cast<job_record_t *>(p));
    list_iterator_destroy(it);
}

tailfold::Estimate expected_runtime(const job_record_t *job, Lookup use)
{
    const std::int64_t limit = tf_glue::time_limit_seconds(job);
    std::lock_guard<std::mutex> lk(mu);
    tailfold::Estimate e;
    if (use == Lookup::kMemo && g_memo.find(job->job_id, job->user_id, limit, e))
        return e;
    e = g_est.estimate(job->user_id, job->account ? job->account : "", job->name ? job->name : "",
                       limit, g_params.source, g_params.history_runs);
    g_memo.put(job->job_id, job->user_id, limit, e);
    return e;
}

std::int64_t weighted_boost(const job_record_t *job, Lookup use)
{
    const tailfold::DurationParams p = params();
    if (!p.weight)
        return 0;
    return tailfold::duration_boost(p, max_seconds(), expected_runtime(job, use).seconds);
}

}  // namespace tf_duration
