// priority/tailfold glue: duration_scope=owner on slurmctld's pending jobs.
// GPL-2.0-or-later.
//
// An owner is an association in one partition.  The periodic pass
// collects every pending job's multifactor priority and duration boost,
// folds each owner's batches (src/core/owner_fold) and writes the
// priorities.
// Between passes slurmctld asks for one job's priority at a time (submit,
// release, update): that job joins its owner's group as the last pass left
// it, members that are no longer pending leave it, and the group is folded
// again, so the owner's other jobs may move too.  All of it runs under the
// job write lock, which every caller holds.
//
// Jobs outside any group keep their multifactor priority without a boost:
// a job that may run in several partitions (its priorities differ by
// partition), one with an operator's priority, one without an
// association.
#include "prio_glue.h"

#include <algorithm>
#include <unordered_map>

#include "src/core/owner_fold.h"

namespace tf_prio {

namespace {

struct OwnerKey {
    std::uint32_t assoc_id;
    std::uintptr_t part;  // the partition record: compared, never followed
    bool operator==(const OwnerKey &o) const { return assoc_id == o.assoc_id && part == o.part; }
};

struct OwnerKeyHash {
    std::size_t operator()(const OwnerKey &k) const
    {
        return std::hash<std::uint64_t>()((std::uint64_t(k.assoc_id) << 32) ^ std::uint64_t(k.part));
    }
};

using Groups = std::unordered_map<OwnerKey, std::vector<tailfold::FoldMember>, OwnerKeyHash>;

// The owners' pending jobs as the last fold left them; job write lock.  A
// member that started, ended, was held or moved to another owner since
// stays until its group is folded again, which drops it (fold_on_set) or
// rebuilds the group (the periodic pass).
Groups g_groups;
tailfold::FoldScratch g_scratch;
bool g_said_large = false;

// The largest group refolded at a single submission or release: folding
// 1000 jobs takes about 0.1 ms (bench/core_bench BM_OwnerFold), 10000
// about 1.7 ms, too long to repeat for each job of a big burst.
constexpr std::size_t kFoldOnSetMax = 1000;

OwnerKey key_of(const job_record_t *job)
{
    return {job->assoc_id, reinterpret_cast<std::uintptr_t>(job->part_ptr)};
}

bool foldable(const job_record_t *job)
{
    return IS_JOB_PENDING(job) && !job->direct_set_prio && job->assoc_ptr && job->part_ptr &&
           !job->part_ptr_list && job->details;
}

// sprio shows the fold's move in SITE (site factor + folded - base), so
// the columns still add up to the priority.
void show_move(job_record_t *job, std::uint32_t base, std::uint32_t folded)
{
    if (job->prio_factors)
        job->prio_factors->priority_site = job->site_factor + (folded - base);
}

// The folded priority of a job whose multifactor priority is `base`.
void write_priority(job_record_t *job, std::uint32_t base, std::uint32_t folded)
{
    show_move(job, base, folded);
    if (cfg.settings.has(tailfold::kIncrOnly) && job->priority >= folded)
        return;
    if (job->priority != folded) {
        job->priority = folded;
        last_job_update = time(nullptr);
    }
}

// Folds one group and writes the priorities of its members except `self`
// (whose priority the caller returns); drops members gone meanwhile.
void fold_and_write(std::vector<tailfold::FoldMember> &members, const job_record_t *self)
{
    tailfold::fold_owner(members, cfg.settings.duration.batch_s, g_scratch);
    for (const tailfold::FoldMember &m : members) {
        if (self && m.order == self->job_id)
            continue;
        if (job_record_t *job = find_job_record(std::uint32_t(m.order)))
            write_priority(job, m.base, m.folded);
    }
}

}  // namespace

bool owner_scope()
{
    const tailfold::DurationParams &d = cfg.settings.duration;
    return d.weight && d.scope == tailfold::DurationScope::kOwner;
}

void fold_pass_begin()
{
    for (auto &g : g_groups)
        g.second.clear();
}

bool fold_pass_add(job_record_t *job, std::uint32_t base, std::int64_t boost)
{
    if (!foldable(job))
        return false;
    g_groups[key_of(job)].push_back({base, boost, job->job_id, base, tf_eligible_time(job)});
    return true;
}

void fold_pass_end()
{
    for (auto it = g_groups.begin(); it != g_groups.end();) {
        if (it->second.empty()) {
            it = g_groups.erase(it);
            continue;
        }
        fold_and_write(it->second, nullptr);
        ++it;
    }
}

std::uint32_t fold_on_set(job_record_t *job, std::uint32_t base, std::int64_t boost)
{
    const OwnerKey key = key_of(job);
    if (!foldable(job)) {
        show_move(job, base, base);
        return base;
    }
    std::vector<tailfold::FoldMember> &members = g_groups[key];
    if (members.size() >= kFoldOnSetMax) {
        // A large group waits for the periodic pass, which folds it once:
        // refolding it at each of a burst's submissions would cost
        // O(group) under the job write lock each time.
        if (!g_said_large) {
            info("priority/tailfold: owner groups above %zu pending jobs are folded by the "
                 "periodic pass only (PriorityCalcPeriod); until then a new job keeps its "
                 "multifactor priority", kFoldOnSetMax);
            g_said_large = true;
        }
        show_move(job, base, base);
        return base;
    }
    members.erase(std::remove_if(members.begin(), members.end(),
                                 [&](const tailfold::FoldMember &m) {
                                     if (m.order == job->job_id)
                                         return true;
                                     const job_record_t *o = find_job_record(std::uint32_t(m.order));
                                     return !o || !foldable(o) || o->priority == 0 ||
                                            !(key_of(o) == key);
                                 }),
                  members.end());
    members.push_back({base, boost, job->job_id, base, tf_eligible_time(job)});
    fold_and_write(members, job);
    for (const tailfold::FoldMember &m : members)
        if (m.order == job->job_id) {
            show_move(job, base, m.folded);
            return m.folded;
        }
    return base;
}

}  // namespace tf_prio
