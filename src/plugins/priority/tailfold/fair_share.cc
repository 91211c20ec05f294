// priority/tailfold glue: the association tree -> Fair Tree or classic fair
// share -> the association records that sshare and the factors read, and
// the fair-share factor of a job's association.
// GPL-2.0-or-later.
#include "prio_glue.h"

#include "src/core/fair_share_classic.h"
#include "src/core/fair_tree.h"

namespace tf_prio {

namespace {

// The tree and results are rebuilt each pass (the association manager may
// have changed the tree in between); the vectors keep their capacity.
tailfold::AssocTree tree;
std::vector<slurmdb_assoc_rec_t *> records;
std::vector<tailfold::AssocFairShare> results;
tailfold::FairTree fair_tree;

tailfold::AssocNode node_of(const slurmdb_assoc_rec_t *a)
{
    tailfold::AssocNode n;
    n.is_user = a->user != nullptr;
    n.use_parent = a->shares_raw == SLURMDB_FS_USE_PARENT;
    n.shares_raw = a->shares_raw;
    n.level_shares = a->usage->level_shares;
    n.shares_norm = a->usage->shares_norm;
    n.usage_raw = a->usage->usage_raw;
    return n;
}

// Depth first through the fair-share children lists, keeping their order.
void add_children(slurmdb_assoc_rec_t *parent, std::uint32_t parent_index)
{
    tf_list kids = parent->usage->children_list;
    if (!kids)
        return;
    tf_list_itr it = list_iterator_create(kids);
    while (void *p = list_next(it)) {
        auto *a = static_cast<slurmdb_assoc_rec_t *>(p);
        const std::uint32_t i = tree.add(node_of(a), parent_index);
        records.push_back(a);
        add_children(a, i);
    }
    list_iterator_destroy(it);
}

bool build_tree()
{
    tree.clear();
    records.clear();
    if (!assoc_mgr_root_assoc || !assoc_mgr_root_assoc->usage)
        return false;
    tree.add(node_of(assoc_mgr_root_assoc), tailfold::AssocTree::kNone);
    records.push_back(assoc_mgr_root_assoc);
    add_children(assoc_mgr_root_assoc, 0);
    tree.finish();
    return true;
}

}  // namespace

void fair_tree_pass()
{
    if (!build_tree())
        return;
    fair_tree.rank(tree, g_user_assoc_count, results);
    assoc_mgr_root_assoc->usage->level_fs = tailfold::kLevelFsNoValue;
    for (std::uint32_t i = 1; i < tree.size(); ++i) {
        slurmdb_assoc_usage_t *u = records[i]->usage;
        u->usage_norm = results[i].usage_norm;
        u->usage_efctv = results[i].usage_efctv;
        u->level_fs = results[i].level_fs;
        if (tree.node(i).is_user)
            u->fs_factor = results[i].fs_factor;
    }
}

void classic_account_pass()
{
    if (!build_tree())
        return;
    results.assign(tree.size(), {});
    results[0].usage_efctv = assoc_mgr_root_assoc->usage->usage_efctv;
    tailfold::classic_account_pass(tree, results);
    for (std::uint32_t i = 1; i < tree.size(); ++i) {
        slurmdb_assoc_usage_t *u = records[i]->usage;
        if (tree.node(i).is_user) {
            // Computed when first needed, from the usage charged by then.
            u->usage_efctv = static_cast<long double>(NO_VAL);
            continue;
        }
        u->usage_norm = results[i].usage_norm;
        u->usage_efctv = results[i].usage_efctv;
    }
}

void classic_assoc_usage(slurmdb_assoc_rec_t *a)
{
    if (!a || !a->usage || !assoc_mgr_root_assoc)
        return;
    slurmdb_assoc_rec_t *parent = a->usage->fs_assoc_ptr;
    const long double norm =
        tailfold::usage_norm(a->usage->usage_raw, assoc_mgr_root_assoc->usage->usage_raw);
    a->usage->usage_norm = norm;
    a->usage->usage_efctv = tailfold::classic_usage_efctv(
        node_of(a), norm, parent ? parent->usage->usage_efctv : 0, parent == assoc_mgr_root_assoc);
}

double job_fairshare(const job_record_t *job)
{
    slurmdb_assoc_rec_t *assoc = job->assoc_ptr;
    if (!assoc || !assoc->usage || !cfg.calc_fairshare)
        return 0;
    if (cfg.settings.has(tailfold::kFairTree))
        return assoc->usage->fs_factor;
    // Classic: the fair-share association is the first with its own shares.
    slurmdb_assoc_rec_t *fs = assoc;
    if (assoc->shares_raw == SLURMDB_FS_USE_PARENT && assoc->usage->fs_assoc_ptr)
        fs = assoc->usage->fs_assoc_ptr;
    if (fuzzy_equal(fs->usage->usage_efctv, NO_VAL))
        classic_assoc_usage(fs);
    return classic_factor(fs->usage->usage_efctv, fs->usage->shares_norm);
}

double classic_factor(long double usage_efctv, long double shares_norm)
{
    if (fuzzy_equal(usage_efctv, NO_VAL))  // not computed yet
        return 0.0;
    // The core takes a dampening factor below 1 (slurm.conf's 0: unset) as 1.
    return tailfold::classic_fair_share_factor(usage_efctv, static_cast<double>(shares_norm),
                                               slurm_conf.fs_dampening_factor);
}

namespace {

void normalise_children(tf_list kids)
{
    if (!kids)
        return;
    tf_list_itr it = list_iterator_create(kids);
    while (void *p = list_next(it)) {
        auto *a = static_cast<slurmdb_assoc_rec_t *>(p);
        assoc_mgr_normalize_assoc_shares(a);
        if (!a->user && a->usage)
            normalise_children(a->usage->children_list);
    }
    list_iterator_destroy(it);
}

}  // namespace

void renormalise_shares()
{
    assoc_mgr_lock_t locks = {};
    locks.assoc = WRITE_LOCK;
    assoc_mgr_lock(&locks);
    // The root too, as at a restart (Fair Tree gives it 0, classic 1).
    if (assoc_mgr_root_assoc && assoc_mgr_root_assoc->usage) {
        assoc_mgr_normalize_assoc_shares(assoc_mgr_root_assoc);
        normalise_children(assoc_mgr_root_assoc->usage->children_list);
    }
    assoc_mgr_unlock(&locks);
}

}  // namespace tf_prio
