// priority/tailfold glue: chain credit (PriorityParameters chain_credit=on).
// GPL-2.0-or-later.
//
// slurmctld's dependencies -> src/core/chain_credit.h -> the age factor.
// slurmctld empties a job's dependency list once it is met, so a successor
// is written down while it waits (at submission, priority_p_set, and in
// every pass), with its credit so far from the predecessors that started
// (so the scheduler that first sees it eligible ranks it with its credit:
// from the first pass after its predecessor started); its predecessors'
// waits are read from their job records when it becomes eligible (the
// records stay for MinJobAge after their end), and its credit is fixed
// then.  Everything here runs under
// slurmctld's job write lock, which also guards the book.
//
// The book is saved, when it changed, after every pass and at shutdown in
// StateSaveLocation/priority_tailfold_chains (text, chain_credit.cc;
// state_file.cc).  A damaged file is kept aside and the plugin starts with
// an empty book.
#include "prio_glue.h"

#include <cstring>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "src/core/chain_credit.h"

namespace tf_prio {

namespace {

using Key = tailfold::ChainBook::Key;
tailfold::ChainBook book;
bool book_loaded = false;
std::string last_saved;  // what the file holds as this process wrote or read it
const char kChainFile[] = "priority_tailfold_chains";

bool chains_on()
{
    return cfg.settings.duration.chain_credit;
}

// The key a job is known by as a successor: a job array's tasks share the
// array's credit (they share its dependency too).
Key successor_key(const job_record_t *job)
{
    if (job->array_job_id)
        return tailfold::ChainBook::array_key(job->array_job_id);
    // An array's record at its submission, before slurmctld numbered it.
    return job->array_recs ? tailfold::ChainBook::array_key(job->job_id) : Key(job->job_id);
}

// Singleton dependencies name no job: their predecessors are the running
// jobs of the same user and name.  chain_look must never walk job_list (it
// runs inside the pass's walk and inside slurmctld's own, and a nested
// walk deadlocks on the list's lock), so the pass collects them once per
// pass in chain_pass_begin, for the (user, name) pairs a singleton waits on.
using UserName = std::pair<std::uint32_t, std::string>;
std::map<UserName, std::vector<Key>> singleton_running;  // this pass's
std::set<UserName> singleton_wanted;   // named since the last pass began
std::set<UserName> singleton_indexed;  // what singleton_running holds
// Whole arrays a successor waits on: per array, this pass's running task
// that gives the most, as if it ended at the pass (its credit so far).
std::map<Key, tailfold::ChainLink> array_running;

// The predecessors a waiting job names, as keys; dependencies that give no
// credit (after a start, burst buffers, expansion, other clusters) are
// left out.
std::vector<Key> predecessors(const job_record_t *job)
{
    std::vector<Key> preds;
    for (depend_spec_t *d : tf_list_items<depend_spec_t>(job->details->depend_list)) {
        if (d->depend_state != DEPEND_NOT_FULFILLED || (d->depend_flags & SLURM_FLAGS_REMOTE))
            continue;
        switch (d->depend_type) {
        case SLURM_DEPEND_AFTER_ANY:
        case SLURM_DEPEND_AFTER_OK:
        case SLURM_DEPEND_AFTER_NOT_OK:
        case SLURM_DEPEND_AFTER_CORRESPOND:
            break;
        case SLURM_DEPEND_SINGLETON:
            if (job->name) {
                const UserName un(job->user_id, job->name);
                singleton_wanted.insert(un);
                auto it = singleton_running.find(un);
                if (it != singleton_running.end())
                    preds.insert(preds.end(), it->second.begin(), it->second.end());
            }
            continue;
        default:
            continue;
        }
        if (d->array_task_id == INFINITE || d->depend_type == SLURM_DEPEND_AFTER_CORRESPOND)
            preds.push_back(tailfold::ChainBook::array_key(d->job_id));
        else if (d->array_task_id == NO_VAL)
            preds.push_back(d->job_id);
        else if (job_record_t *t = find_job_array_rec(d->job_id, d->array_task_id))
            // A task still inside its array's pending record has no job
            // id of its own yet: looked at again in the next pass.
            if (t->array_task_id == d->array_task_id)
                preds.push_back(t->job_id);
    }
    return preds;
}

tailfold::ChainLink link_of(const job_record_t *job)
{
    tailfold::ChainLink l;
    l.user = job->user_id;
    l.eligible = job->details && job->details->begin_time ? job->details->begin_time
                 : job->details                            ? job->details->submit_time
                                                           : 0;
    l.start = job->start_time;
    l.end = IS_JOB_FINISHED(job) ? job->end_time : 0;
    l.credit_s = book.credit(successor_key(job));
    return l;
}

// Ended predecessors of a successor about to settle, from their records
// (a hash lookup; whole arrays come from chain_pass_begin).
void read_links(const std::vector<Key> &preds)
{
    for (Key k : preds)
        if (!tailfold::ChainBook::is_array_key(k))
            if (job_record_t *p = find_job_record(std::uint32_t(k)))
                if (IS_JOB_FINISHED(p) && p->start_time)
                    book.ended(k, link_of(p));
}

std::string state_path()
{
    return tf_state_file(kChainFile);
}

void load_book()
{
    book_loaded = true;
    const std::string path = state_path();
    std::string text, why;
    if (path.empty())
        return;
    switch (read_state_file(path, 64 << 20, text, why)) {
    case StateRead::kMissing:
        return;
    case StateRead::kRead:
        if (book.parse(text, why)) {
            last_saved = text;
            info("priority/tailfold: chain credit: %zu waiting or credited jobs, %zu links (from %s)",
                 book.successors(), book.links(), path.c_str());
            return;
        }
        why = "is damaged (" + why + ")";
        break;
    case StateRead::kBad:
        break;
    }
    error("priority/tailfold: %s %s; %s, chain credit starts empty", path.c_str(), why.c_str(),
          keep_state_aside(path).c_str());
}

}  // namespace

void chain_look(job_record_t *job, time_t now)
{
    if (!chains_on() || !job->details)
        return;
    if (!book_loaded)
        load_book();
    const Key key = successor_key(job);
    if (book.settled(key) || (!IS_JOB_PENDING(job) && !book.watched(key)))
        return;
    if (!IS_JOB_PENDING(job)) {
        // Started (or ended) between two looks, with the provisional
        // credit its priority carried: fixed now from its predecessors.
        read_links(book.unlinked(key));
        (void)book.settle(key, cfg.settings.max_age_s);
        return;
    }
    if (job->bit_flags & JOB_DEPENDENT) {
        const std::vector<Key> preds = predecessors(job);
        if (preds.empty())
            return;
        book.watch(key, job->user_id, job->details->submit_time, preds);
        // Its credit so far, from the predecessors that started (a running
        // one as if it ended now; of a whole array, its tasks as the last
        // pass saw them).
        std::vector<tailfold::ChainLink> started;
        for (Key k : preds) {
            if (tailfold::ChainBook::is_array_key(k)) {
                auto it = array_running.find(k);
                if (it != array_running.end())
                    started.push_back(it->second);
            } else if (job_record_t *p = find_job_record(std::uint32_t(k))) {
                if (p->start_time && !IS_JOB_PENDING(p))
                    started.push_back(tailfold::link_as_of(link_of(p), now));
            }
        }
        book.set_provisional(key, tailfold::chain_credit(job->user_id, job->details->submit_time, started.data(),
                                                         started.size(), cfg.settings.max_age_s));
        return;
    }
    if (!book.watched(key) || !job->details->begin_time || job->details->begin_time > now)
        return;
    read_links(book.unlinked(key));
    const std::int64_t credit = book.settle(key, cfg.settings.max_age_s);
    if (slurm_conf.debug_flags & DEBUG_FLAG_PRIO)
        info("priority/tailfold: %pJ is eligible with %ld s of its chain's queue time as age", job,
             (long)credit);
}

void chain_pass_begin(job_record_t *job, bool first)
{
    if (!chains_on())
        return;
    if (first) {
        singleton_running.clear();
        array_running.clear();
        singleton_indexed = std::move(singleton_wanted);
        singleton_wanted.clear();  // named again by this pass's waiting singletons
        if (!book_loaded)
            load_book();
    }
    if (!job->start_time)
        return;
    if (job->array_job_id && !IS_JOB_PENDING(job)) {
        // A whole array a successor waits on: each ended task is a link;
        // a running one counts for the credit so far.
        const Key k = tailfold::ChainBook::array_key(job->array_job_id);
        if (book.wanted(k)) {
            const tailfold::ChainLink l = tailfold::link_as_of(link_of(job), time(nullptr));
            if (IS_JOB_FINISHED(job)) {
                book.ended(k, l);
            } else {
                auto it = array_running.find(k);
                if (it == array_running.end() || tailfold::gives_more(l, it->second))
                    array_running[k] = l;
            }
        }
    }
    if (!IS_JOB_FINISHED(job) && !IS_JOB_PENDING(job) && job->name && !singleton_indexed.empty()) {
        const UserName un(job->user_id, job->name);
        if (singleton_indexed.count(un))
            singleton_running[un].push_back(job->job_id);
    }
}

std::int64_t chain_credit_of(const job_record_t *job)
{
    return chains_on() ? book.credit(successor_key(job)) : 0;
}

std::string chain_pass_end()
{
    if (!chains_on())
        return {};
    if (!book_loaded)
        load_book();
    book.prune([](Key k) {
        return find_job_record(tailfold::ChainBook::is_array_key(k) ? std::uint32_t(k & 0xffffffffu)
                                                                    : std::uint32_t(k)) != nullptr;
    });
    return book.save();
}

// Written when the book changed: a pass with no chain activity writes
// nothing.
void chain_save(const std::string &text)
{
    const std::string path = state_path();
    if (text.empty() || path.empty() || text == last_saved)
        return;
    if (write_state_file(path, text))
        last_saved = text;
}

}  // namespace tf_prio
