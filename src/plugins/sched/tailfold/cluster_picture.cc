// sched/tailfold glue: slurmctld's nodes, running jobs, reservations and
// pending requests as the planner in src/core sees them.
// GPL-2.0-or-later.
#include "sched_glue.h"

#include <algorithm>
#include <map>

#include "src/core/backfill_planner.h"
#include "src/core/gres_need.h"
#include "src/plugins/common/duration_boost.h"
#include "src/plugins/common/time_limit.h"


namespace tf_sched {

namespace {

bool memory_is_consumable()
{
    return slurm_conf.select_type_param & CR_MEMORY;
}

// A job's learned runtime of the kind asked for (0: none known).
std::int64_t learned_seconds(const job_record_t *job, Runtimes runtimes)
{
    if (runtimes == Runtimes::kLimit)
        return 0;
    const tailfold::Estimate e = tf_duration::expected_runtime(job);
    return std::int64_t(runtimes == Runtimes::kForecast ? e.forecast_seconds : e.seconds);
}


// Each licence of a job's or reservation's list (licenses_t: `total` is
// the count it holds) with its number in the timeline; false if one is
// not among the cluster's.
template <class F>
bool for_each_license(tf_list list, const NameIndex &index, F &&f)
{
    if (!list)
        return true;
    bool known = true;
    tf_list_itr it = list_iterator_create(list);
    while (auto *l = static_cast<licenses_t *>(list_next(it))) {
        auto found = l->name ? index.find(l->name) : index.end();
        if (found == index.end())
            known = false;
        else if (l->total)
            f(found->second, l->total);
    }
    list_iterator_destroy(it);
    return known;
}

// The cluster's licences, each taken by the running jobs that hold it
// until their expected ends.  What slurmctld counts as used beyond those
// stays taken over the whole window: the plan never counts on a licence
// it cannot see come back.
void add_licenses(tailfold::Timeline &t, time_t now, const tailfold::BackfillParams &p, Runtimes runtimes,
                  NameIndex &index)
{
    index.clear();
    tf_list licenses = tf_cluster_licenses();
    if (!licenses)
        return;
    std::vector<std::int64_t> used;
    tf_list_itr it = list_iterator_create(licenses);
    while (auto *l = static_cast<licenses_t *>(list_next(it))) {
        if (!l->name || index.count(l->name))
            continue;
        index.emplace(l->name, t.add_license(l->total));
        used.push_back(l->used);
    }
    list_iterator_destroy(it);
    if (index.empty())
        return;
    std::vector<std::int64_t> held(used.size(), 0);
    it = list_iterator_create(job_list);
    while (auto *job = static_cast<job_record_t *>(list_next(it))) {
        // Licences go back when the epilog is over (cleanup_completing).
        if (!job->license_list ||
            !(IS_JOB_RUNNING(job) || IS_JOB_SUSPENDED(job) || IS_JOB_COMPLETING(job)))
            continue;
        const time_t end = expected_end(job, now, p, runtimes);
        for_each_license(job->license_list, index, [&](std::uint32_t n, std::uint32_t count) {
            t.use_license(n, now, end, count);
            held[n] += count;
        });
    }
    list_iterator_destroy(it);
    for (std::uint32_t n = 0; n < used.size(); ++n)
        if (used[n] > held[n])
            t.use_license(n, now, t.horizon() + 1, std::uint32_t(used[n] - held[n]));
}

// The timeline counters a use of generic resource NAME of TYPE (or of no
// type) touches: the name's (every gpu) and, with a type, the type's
// (gpu:a100).  False if one is not among the cluster's.
bool gres_counters(const NameIndex &index, const char *name, const char *type,
                   std::uint32_t (&out)[2], int &n)
{
    n = 0;
    if (!name)
        return false;
    auto found = index.find(name);
    if (found == index.end())
        return false;
    out[n++] = found->second;
    if (type && *type) {
        found = index.find(std::string(name) + ":" + type);
        if (found == index.end())
            return false;
        out[n++] = found->second;
    }
    return true;
}

// Each generic resource a running job holds, per node of its allocation:
// f(node index, its number in the timeline, count), for its name and its
// type.  slurmctld keeps one allocation record per type, also for a job
// that asked for none (JOB_GRES=gpu:a100:4,gpu:v100:0 in scontrol show
// job -d).  gres_cnt_node_alloc follows the allocation's node bitmap
// (job_resrcs), one entry per node.
template <class F>
void for_each_gres_alloc(const job_record_t *job, const NameIndex &index, F &&f)
{
    const job_resources_t *jr = job->job_resrcs;
    if (!job->gres_list_alloc || !jr || !jr->node_bitmap || index.empty())
        return;
    tf_list_itr it = list_iterator_create(job->gres_list_alloc);
    while (auto *gs = static_cast<gres_state_t *>(list_next(it))) {
        const auto *js = static_cast<const gres_job_state_t *>(gs->gres_data);
        std::uint32_t g[2];
        int ng = 0;
        if (!js || !js->gres_cnt_node_alloc ||
            !gres_counters(index, gs->gres_name, js->type_name, g, ng))
            continue;
        std::uint32_t j = 0;
        for (int n = 0; n < node_record_count && j < js->node_cnt; ++n) {
            if (!bit_test(jr->node_bitmap, n))
                continue;
            for (int k = 0; k < ng && js->gres_cnt_node_alloc[j]; ++k)
                f(std::uint32_t(n), g[k], std::uint32_t(js->gres_cnt_node_alloc[j]));
            ++j;
        }
    }
    list_iterator_destroy(it);
}

// Each node's consumable generic resources, counted by name and by type
// (a node with Gres=gpu:a100:2,gpu:v100:2 has 4 gpu, 2 gpu:a100, 2
// gpu:v100), taken by the running jobs that hold them until their
// expected ends.  What slurmctld counts as allocated on a node beyond
// those stays taken over the whole window, as for licences.
void add_gres(tailfold::Timeline &t, time_t now, const tailfold::BackfillParams &p, Runtimes runtimes,
              NameIndex &index)
{
    index.clear();
    // (resource, node) -> what slurmctld counts as allocated there.
    std::map<std::pair<std::uint32_t, std::uint32_t>, std::int64_t> unexplained;
    auto counter = [&](const std::string &key) {
        auto found = index.find(key);
        return found != index.end() ? found->second : index.emplace(key, t.add_gres()).first->second;
    };
    for (int i = 0; i < node_record_count; ++i) {
        const node_record_t *node = node_record_table_ptr[i];
        if (!node || !node->gres_list)
            continue;
        std::map<std::uint32_t, std::uint64_t> total;  // a name may come more than once
        auto count = [&](std::uint32_t g, std::uint64_t avail, std::uint64_t alloc) {
            total[g] += avail;
            unexplained[{g, std::uint32_t(i)}] += std::int64_t(alloc);
        };
        tf_list_itr it = list_iterator_create(node->gres_list);
        while (auto *gs = static_cast<gres_state_t *>(list_next(it))) {
            const auto *ns = static_cast<const gres_node_state_t *>(gs->gres_data);
            if (!gs->gres_name || !ns || ns->no_consume)
                continue;
            count(counter(gs->gres_name), ns->gres_cnt_avail, ns->gres_cnt_alloc);
            for (int k = 0; k < ns->type_cnt; ++k)
                if (ns->type_name && ns->type_name[k])
                    count(counter(std::string(gs->gres_name) + ":" + ns->type_name[k]),
                          ns->type_cnt_avail ? ns->type_cnt_avail[k] : 0,
                          ns->type_cnt_alloc ? ns->type_cnt_alloc[k] : 0);
        }
        list_iterator_destroy(it);
        for (const auto &[g, n] : total)
            t.set_gres(g, std::uint32_t(i), std::uint32_t(std::min<std::uint64_t>(n, UINT32_MAX)));
    }
    if (index.empty())
        return;
    tf_list_itr it = list_iterator_create(job_list);
    while (auto *job = static_cast<job_record_t *>(list_next(it))) {
        if (!(IS_JOB_RUNNING(job) || IS_JOB_SUSPENDED(job) || IS_JOB_COMPLETING(job)))
            continue;
        const time_t end = expected_end(job, now, p, runtimes);
        for_each_gres_alloc(job, index, [&](std::uint32_t n, std::uint32_t g, std::uint32_t count) {
            t.use_gres(g, n, now, end, count);
            unexplained[{g, n}] -= count;
        });
    }
    list_iterator_destroy(it);
    for (const auto &[where, count] : unexplained)
        if (count > 0)
            t.use_gres(where.first, where.second, now, t.horizon() + 1, std::uint32_t(count));
}

// What a pending job needs of each generic resource on every node it uses
// (Request::gres; the figures from src/core's per_node_need), of its name
// and of its type if it asks for one; false if it asks for one no node has.
bool gres_needs(const job_record_t *job, const NameIndex &index, tailfold::Request &r)
{
    const tf_job_details *d = job->details;
    if (!job->gres_list_req)
        return true;
    tailfold::JobShape shape;
    shape.tasks = d->num_tasks && d->num_tasks != NO_VAL ? d->num_tasks : 1;
    shape.tasks_per_node = d->ntasks_per_node && d->ntasks_per_node != NO_VAL16 ? d->ntasks_per_node : 0;
    shape.min_nodes = r.min_nodes;
    shape.max_nodes = r.max_nodes;
    std::map<std::uint32_t, tailfold::PerNodeNeed> need;  // per counter, summed over the request
    bool known = true;
    tf_list_itr it = list_iterator_create(job->gres_list_req);
    while (auto *gs = static_cast<gres_state_t *>(list_next(it))) {
        const auto *js = static_cast<const gres_job_state_t *>(gs->gres_data);
        if (!js)
            continue;
        std::uint32_t g[2];
        int ng = 0;
        if (!gres_counters(index, gs->gres_name, js->type_name, g, ng)) {
            known = false;
            continue;
        }
        const tailfold::PerNodeNeed one = tailfold::per_node_need(
            {js->gres_per_node, js->gres_per_task, js->gres_per_socket, js->gres_per_job}, shape);
        for (int k = 0; k < ng; ++k) {
            need[g[k]].per_node += one.per_node;
            need[g[k]].most_per_node += one.most_per_node;
        }
    }
    list_iterator_destroy(it);
    for (const auto &[g, n] : need)
        if (n.per_node)
            r.gres.push_back({g, std::uint32_t(std::min<std::uint64_t>(n.per_node, UINT32_MAX)),
                              std::uint32_t(std::min<std::uint64_t>(n.most_per_node, UINT32_MAX))});
    return known;
}

}  // namespace

tailfold::Timeline build_timeline(time_t now, const tailfold::BackfillParams &p, Runtimes runtimes,
                                  ResourceIndex &index)
{
    const bool with_mem = memory_is_consumable();
    std::vector<tailfold::NodeCapacity> cap(node_record_count);
    for (int i = 0; i < node_record_count; ++i) {
        const node_record_t *n = node_record_table_ptr[i];
        if (!n)
            continue;  // a hole left by a deleted dynamic node
        cap[i].cpus = n->cpus_efctv;
        cap[i].mem_mb = with_mem ? n->real_memory - std::min(n->real_memory, n->mem_spec_limit)
                                 : UINT32_MAX;
        cap[i].up = avail_node_bitmap && bit_test(avail_node_bitmap, i);
    }
    tailfold::Timeline t(std::move(cap), now, std::int64_t(p.window_min) * 60, p.resolution_s);

    tf_list_itr it = list_iterator_create(job_list);
    while (auto *job = static_cast<job_record_t *>(list_next(it))) {
        if (!(IS_JOB_RUNNING(job) || IS_JOB_SUSPENDED(job) || IS_JOB_COMPLETING(job)) ||
            !job->job_resrcs)
            continue;
        const time_t end = expected_end(job, now, p, runtimes);
        const job_resources_t *jr = job->job_resrcs;
        int j = 0;
        for (int n = 0; jr->node_bitmap && n < node_record_count; ++n) {
            if (!bit_test(jr->node_bitmap, n))
                continue;
            const std::uint64_t mem = with_mem && jr->memory_allocated ? jr->memory_allocated[j] : 0;
            t.occupy(n, now, end, jr->cpus ? jr->cpus[j] : 0, mem);
            ++j;
        }
    }
    list_iterator_destroy(it);

    add_licenses(t, now, p, runtimes, index.licenses);
    add_gres(t, now, p, runtimes, index.gres);

    // Advanced reservations: their nodes and licences are closed to
    // everyone else while they last.  Jobs that run in a reservation are
    // not planned (see backfill_cycle.cc), so blocking them here is always safe.
    it = list_iterator_create(resv_list);
    while (auto *resv = static_cast<slurmctld_resv_t *>(list_next(it))) {
        if (resv->end_time <= now)
            continue;
        for (int n = 0; resv->node_bitmap && n < node_record_count; ++n)
            if (bit_test(resv->node_bitmap, n))
                t.block(n, resv->start_time, resv->end_time);
        for_each_license(resv->license_list, index.licenses, [&](std::uint32_t n, std::uint32_t count) {
            t.use_license(n, resv->start_time, resv->end_time, count);
        });
    }
    list_iterator_destroy(it);
    return t;
}

time_t expected_end(const job_record_t *job, time_t now, const tailfold::BackfillParams &p, Runtimes runtimes)
{
    if (IS_JOB_COMPLETING(job))
        return now + 1;  // the epilog is running: back in a moment
    if (IS_JOB_RUNNING(job) && runtimes == Runtimes::kForecast) {
        const tailfold::Estimate e = tf_duration::expected_runtime(job);
        if (e.forecast_seconds > 0)
            return tailfold::forecast_end(now, job->start_time, e, job->end_time, p.resolution_s);
    } else if (IS_JOB_RUNNING(job)) {
        if (const std::int64_t exp = learned_seconds(job, runtimes); exp > 0)
            return tailfold::planned_end(now, job->start_time + exp, job->end_time, p.resolution_s);
    }
    return job->end_time > now ? job->end_time : now + 1;  // overdue: about to be ended
}

std::int64_t runtime_for(const job_record_t *job, Runtimes runtimes)
{
    std::int64_t limit = tf_glue::time_limit_seconds(job);
    if (!limit)  // no limit at all: longer than anything planned or forecast
        limit = std::int64_t(params().forecast_window_min()) * 60 + 1;
    const std::int64_t exp = learned_seconds(job, runtimes);
    return exp > 0 ? std::min(limit, exp) : limit;
}

bool request_for(job_record_t *job, Runtimes runtimes, const ResourceIndex &index,
                 tailfold::Request &r)
{
    const tf_job_details *d = job->details;
    const part_record_t *part = job->part_ptr;
    if (!d || !part || !part->node_bitmap)
        return false;
    r = tailfold::Request{};
    if (!for_each_license(job->license_list, index.licenses, [&](std::uint32_t n, std::uint32_t count) {
            r.licenses.push_back({n, count});
        }))
        return false;
    r.cpus = std::max<std::uint32_t>(d->min_cpus, 1);
    r.min_nodes = std::max<std::uint32_t>(d->min_nodes, 1);
    r.max_nodes = d->max_nodes ? d->max_nodes : UINT32_MAX;
    r.whole_node = tf_whole_node_required(d->whole_node) || part->max_share == 0;
    if (!gres_needs(job, index.gres, r))
        return false;
    if (d->ntasks_per_node && d->ntasks_per_node != NO_VAL16)
        r.max_cpus_per_node =
            d->ntasks_per_node * (d->cpus_per_task && d->cpus_per_task != NO_VAL16 ? d->cpus_per_task : 1);
    if (memory_is_consumable() && d->pn_min_memory && d->pn_min_memory != NO_VAL64) {
        if (d->pn_min_memory & MEM_PER_CPU)
            r.mem_per_cpu_mb = d->pn_min_memory & ~MEM_PER_CPU;
        else
            r.mem_per_node_mb = d->pn_min_memory;
    }
    r.duration_s = runtime_for(job, runtimes);

    // The nodes it may use: its partition's, up, not excluded, the ones it
    // requires, with its features, in its reservation.
    bitstr_t *bm = bit_copy(part->node_bitmap);
    if (avail_node_bitmap)
        bit_and(bm, avail_node_bitmap);
    if (d->exc_node_bitmap)
        bit_and_not(bm, d->exc_node_bitmap);
    if (job->resv_ptr && job->resv_ptr->node_bitmap)
        bit_and(bm, job->resv_ptr->node_bitmap);
    bool ok = true;
    if (d->req_node_bitmap) {
        ok = bit_super_set(d->req_node_bitmap, bm);
        bit_and(bm, d->req_node_bitmap);
    }
    if (ok && d->feature_list_use)
        job_req_node_filter(job, bm, true);
    ok = ok && bit_set_count(bm) > 0;
    if (ok) {
        r.allowed.assign(node_record_count, false);
        for (int n = 0; n < node_record_count; ++n)
            r.allowed[n] = bit_test(bm, n);
    }
    FREE_NULL_BITMAP(bm);
    return ok;
}

tailfold::Placement allocation_of(const job_record_t *job, time_t now, const ResourceIndex &index)
{
    tailfold::Placement p;
    p.start = now;
    const job_resources_t *jr = job->job_resrcs;
    if (!jr || !jr->node_bitmap)
        return p;
    int j = 0;
    for (int n = 0; n < node_record_count; ++n)
        if (bit_test(jr->node_bitmap, n)) {
            p.nodes.push_back({std::uint32_t(n), jr->cpus ? jr->cpus[j] : 0u});
            ++j;
        }
    for_each_gres_alloc(job, index.gres, [&](std::uint32_t n, std::uint32_t g, std::uint32_t count) {
        p.gres.push_back({n, g, count});
    });
    return p;
}

bitstr_t *to_bitmap(const std::vector<bool> &mask)
{
    bitstr_t *bm = bit_alloc(node_record_count);
    for (int n = 0; n < node_record_count && std::size_t(n) < mask.size(); ++n)
        if (mask[n])
            bit_set(bm, n);
    return bm;
}

}  // namespace tf_sched
