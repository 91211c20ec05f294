// tailfold core: free resources over time, per node.  GPL-2.0-or-later.
#include "timeline.h"

#include <algorithm>
#include <limits>
#include <set>

namespace tailfold {

Timeline::Timeline(std::vector<NodeCapacity> nodes, std::int64_t now, std::int64_t window_s,
                   std::int64_t resolution_s)
    : nodes_(std::move(nodes)), now_(now), window_(std::max<std::int64_t>(window_s, 1)),
      res_(std::max<std::int64_t>(resolution_s, 1))
{
    steps_.resize(nodes_.size());
    now_free_.resize(nodes_.size());
    std::int64_t total = 0;
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
        const bool up = nodes_[i].up;
        now_free_[i] = {up ? std::int64_t(nodes_[i].cpus) : 0, up ? std::int64_t(nodes_[i].mem_mb) : 0};
        steps_[i][now_] = now_free_[i];
        total += now_free_[i].cpus;
    }
    usable_cpus_ = LevelSteps(now_, total);
}

std::int64_t Timeline::round_up(std::int64_t t) const
{
    if (t <= now_)
        return now_;
    return now_ + (t - now_ + res_ - 1) / res_ * res_;
}

void Timeline::subtract(std::uint32_t node, std::int64_t start, std::int64_t end, std::int64_t cpus,
                        std::int64_t mem)
{
    if (node >= steps_.size())
        return;
    start = std::max(start, now_);
    end = std::min(end, horizon() + 1);
    if (end <= start)
        return;
    auto &s = steps_[node];
    split_steps(s, start);
    split_steps(s, end);
    if (!cpus && mem)
        memory_only_change_ = true;
    // What the node gives usable_cpus_ changes by the same amount over
    // runs of its steps (over all of them unless it drops below 0): one
    // update per run.
    std::int64_t run_from = start, run_delta = 0;
    for (auto it = s.find(start); it != s.end() && it->first < end; ++it) {
        const std::int64_t before = std::max<std::int64_t>(it->second.cpus, 0);
        it->second.cpus -= cpus;
        it->second.mem -= mem;
        const std::int64_t delta = std::max<std::int64_t>(it->second.cpus, 0) - before;
        if (delta != run_delta) {
            usable_cpus_.add(run_from, it->first, run_delta);
            run_from = it->first;
            run_delta = delta;
        }
    }
    usable_cpus_.add(run_from, end, run_delta);
    if (start == now_) {
        now_free_[node].cpus -= cpus;
        now_free_[node].mem -= mem;
    }
}

void Timeline::occupy(std::uint32_t node, std::int64_t start, std::int64_t end, std::uint32_t cpus,
                      std::uint64_t mem_mb)
{
    subtract(node, start, end, cpus, static_cast<std::int64_t>(mem_mb));
}

void Timeline::block(std::uint32_t node, std::int64_t start, std::int64_t end)
{
    if (node >= nodes_.size())
        return;
    // More than the node has: nothing fits, whatever else is there.
    subtract(node, start, end, std::int64_t(nodes_[node].cpus) + (1 << 20),
             std::int64_t(nodes_[node].mem_mb) + (std::int64_t(1) << 40));
}

std::uint32_t Timeline::add_license(std::uint32_t total)
{
    lic_steps_.emplace_back(now_, std::int64_t(total));
    return std::uint32_t(lic_steps_.size() - 1);
}

void Timeline::use_license(std::uint32_t license, std::int64_t start, std::int64_t end,
                           std::uint32_t count)
{
    if (license < lic_steps_.size())
        lic_steps_[license].add(start, std::min(end, horizon() + 1), -std::int64_t(count));
}

std::int64_t Timeline::license_free_at(std::uint32_t license, std::int64_t t) const
{
    return license < lic_steps_.size() ? lic_steps_[license].at(t) : 0;
}

bool Timeline::licenses_free(const Request &r, std::int64_t t, std::int64_t end) const
{
    for (const auto &[license, count] : r.licenses)
        if (license >= lic_steps_.size() ||  // a licence the cluster does not have
            lic_steps_[license].min_over(t, end) < std::int64_t(count))
            return false;
    return true;
}

std::uint32_t Timeline::add_gres()
{
    gres_steps_.emplace_back(nodes_.size());
    return std::uint32_t(gres_steps_.size() - 1);
}

void Timeline::set_gres(std::uint32_t gres, std::uint32_t node, std::uint32_t total)
{
    if (gres < gres_steps_.size() && node < nodes_.size())
        gres_steps_[gres][node] = CountSteps(now_, total);
}

void Timeline::use_gres(std::uint32_t gres, std::uint32_t node, std::int64_t start,
                        std::int64_t end, std::uint32_t count)
{
    if (gres < gres_steps_.size() && node < nodes_.size())
        gres_steps_[gres][node].add(start, std::min(end, horizon() + 1), -std::int64_t(count));
}

std::int64_t Timeline::gres_free_at(std::uint32_t gres, std::uint32_t node, std::int64_t t) const
{
    return gres < gres_steps_.size() && node < nodes_.size() ? gres_steps_[gres][node].at(t) : 0;
}

bool Timeline::gres_free(const Request &r, std::uint32_t n, std::int64_t t, std::int64_t end) const
{
    for (const GresNeed &g : r.gres)
        if (g.per_node &&
            (g.gres >= gres_steps_.size() || gres_steps_[g.gres][n].min_over(t, end) < g.per_node))
            return false;
    return true;
}

Timeline::Free Timeline::min_free(std::uint32_t node, std::int64_t start, std::int64_t end,
                                  bool until_no_cpu) const
{
    const auto &s = steps_[node];
    auto it = s.upper_bound(start);
    if (it == s.begin())
        return {0, 0};
    --it;
    Free m = it->second;
    for (++it; it != s.end() && it->first < end; ++it) {
        if (until_no_cpu && m.cpus <= 0)
            break;
        m.cpus = std::min(m.cpus, it->second.cpus);
        m.mem = std::min(m.mem, it->second.mem);
    }
    return m;
}

std::int64_t Timeline::free_cpus_now() const
{
    std::int64_t sum = 0;
    for (const Free &f : now_free_)
        sum += std::max<std::int64_t>(f.cpus, 0);
    return sum;
}

std::pair<std::int64_t, std::int64_t> Timeline::free_at(std::uint32_t node, std::int64_t t) const
{
    if (t == now_ && node < now_free_.size())
        return {now_free_[node].cpus, now_free_[node].mem};
    const Free f = min_free(node, t, t + 1);
    return {f.cpus, f.mem};
}

std::size_t Timeline::step_count() const
{
    std::size_t n = 0;
    for (const auto &s : steps_)
        n += s.size();
    return n;
}

std::int64_t Timeline::rounded_duration(const Request &r) const
{
    return (r.duration_s + res_ - 1) / res_ * res_;
}

bool Timeline::allowed(const Request &r, std::uint32_t n) const
{
    return r.allowed.empty() || (n < r.allowed.size() && r.allowed[n]);
}

std::int64_t Timeline::usable_cpus(const Request &r, std::uint32_t n, std::int64_t t,
                                   std::int64_t dur) const
{
    if (!gres_free(r, n, t, t + dur))
        return 0;
    const Free f = min_free(n, t, t + dur, true);  // no CPU: nothing for any request
    if (r.whole_node)  // all of it or nothing
        return f.cpus >= std::int64_t(nodes_[n].cpus) && f.mem >= std::int64_t(nodes_[n].mem_mb)
                   ? std::int64_t(nodes_[n].cpus)
                   : 0;
    if (std::int64_t(r.mem_per_node_mb) > f.mem)
        return 0;
    std::int64_t c = f.cpus;
    if (r.mem_per_cpu_mb)
        c = std::min<std::int64_t>(c, f.mem / std::int64_t(r.mem_per_cpu_mb));
    if (r.max_cpus_per_node)
        c = std::min<std::int64_t>(c, r.max_cpus_per_node);
    return std::max<std::int64_t>(c, 0);
}

std::optional<Placement> Timeline::fits_at(const Request &r, std::int64_t t) const
{
    if (!r.cpus || r.min_nodes > r.max_nodes || r.duration_s <= 0 || t > horizon())
        return std::nullopt;
    const std::int64_t dur = rounded_duration(r);
    if (!licenses_free(r, t, t + dur))
        return std::nullopt;
    std::vector<std::pair<std::int64_t, std::uint32_t>> usable;  // (CPUs it can give, node)
    for (std::uint32_t n = 0; n < steps_.size(); ++n) {
        if (!allowed(r, n) || (t == now_ && now_free_[n].cpus <= 0))
            continue;
        const std::int64_t c = usable_cpus(r, n, t, dur);
        if (c > 0)
            usable.push_back({c, n});
    }
    if (usable.size() < r.min_nodes)
        return std::nullopt;
    // Fewest nodes: the roomiest first, as many as needed (at least
    // min_nodes, at most max_nodes).
    std::sort(usable.begin(), usable.end(), [](const auto &a, const auto &b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    std::int64_t sum = 0;
    std::size_t k = 0;
    while (k < usable.size() && (sum < r.cpus || k < r.min_nodes))
        sum += usable[k++].first;
    if (sum < r.cpus || k > r.max_nodes || k < r.min_nodes ||
        (!r.whole_node && std::int64_t(k) > r.cpus))
        return std::nullopt;
    Placement p;
    p.start = t;
    if (r.whole_node) {
        for (std::size_t i = 0; i < k; ++i)
            p.nodes.push_back({usable[i].second, static_cast<std::uint32_t>(usable[i].first)});
        return p;
    }
    // Spread: every node at least one CPU, the rest on the roomiest.
    std::int64_t left = r.cpus - std::int64_t(k);
    for (std::size_t i = 0; i < k; ++i) {
        const std::int64_t extra = std::min(left, usable[i].first - 1);
        left -= extra;
        p.nodes.push_back({usable[i].second, static_cast<std::uint32_t>(1 + extra)});
    }
    return p;
}

std::int64_t Timeline::next_change(const Request &r, std::int64_t t) const
{
    std::int64_t next = INT64_MAX;
    auto after = [&](const auto &steps) {
        const auto it = steps.upper_bound(t);
        if (it != steps.end())
            next = std::min(next, round_up(it->first));
    };
    if (const LevelSteps::Pos p = usable_cpus_.after(t); !usable_cpus_.is_end(p))
        next = std::min(next, round_up(usable_cpus_.key(p)));
    for (std::uint32_t n = 0; n < steps_.size(); ++n) {
        if (!allowed(r, n))
            continue;
        if (memory_only_change_)
            after(steps_[n]);
        for (const GresNeed &g : r.gres)
            if (g.gres < gres_steps_.size())
                after(gres_steps_[g.gres][n].steps());
    }
    for (const auto &l : r.licenses)
        if (l.first < lic_steps_.size())
            after(lic_steps_[l.first].steps());
    return next;
}

std::optional<Placement> Timeline::earliest(const Request &r, std::int64_t not_before) const
{
    if (!r.cpus || r.min_nodes > r.max_nodes || r.duration_s <= 0)
        return std::nullopt;
    const std::int64_t dur = rounded_duration(r);
    const std::int64_t need = std::int64_t(r.cpus);
    // Where nothing of the request's size can start, as far as is known:
    // the first time the total holds its CPUs at all, and for the longest
    // duration up to its own.
    std::map<std::int64_t, std::int64_t> &known = total_fit_from_[r.cpus];
    const auto at_all_it = known.find(0);
    const std::int64_t at_all = at_all_it == known.end() ? now_ : at_all_it->second;
    const auto near_it = known.upper_bound(dur);
    const std::int64_t for_dur =
        std::max(at_all, near_it == known.begin() ? now_ : std::prev(near_it)->second);
    std::int64_t t = round_up(std::max(not_before, now_));
    // A search that begins at such a bound finds the next one.
    bool learn_at_all = t <= at_all && for_dur == at_all;
    bool learn_for_dur = t <= for_dur;
    t = std::max(t, for_dur);
    // Runs of usable_cpus_ at or above the request's CPUs: a start is
    // possible only inside one, at least its duration before its end.
    const LevelSteps &total = usable_cpus_;
    LevelSteps::Pos it = total.at_or_before(t);  // the step in force at t
    while (t <= horizon()) {
        it = total.first_at_least(it, need);
        if (total.is_end(it))
            break;
        t = std::max(t, round_up(total.key(it)));
        if (learn_at_all) {
            known[0] = t;
            learn_at_all = false;
        }
        const LevelSteps::Pos run_end_it = total.first_below(it, need);
        const std::int64_t run_end = total.is_end(run_end_it) ? INT64_MAX : total.key(run_end_it);
        if (run_end - t >= dur) {
            if (learn_for_dur) {
                known[dur] = t;
                learn_for_dur = false;
            }
            // Inside the run, every time something frees up is a
            // candidate; the nodes (memory, GRES, the spread) decide.
            for (std::int64_t c = t; c <= horizon() && run_end - c >= dur; c = next_change(r, c))
                if (auto p = fits_at(r, c))
                    return p;
        }
        if (total.is_end(run_end_it))
            break;
        t = round_up(run_end);
        it = run_end_it;
    }
    return std::nullopt;
}

std::vector<bool> Timeline::safe_now(const Request &r) const
{
    const std::int64_t dur = rounded_duration(r);
    std::vector<bool> safe(nodes_.size(), false);
    for (std::uint32_t n = 0; n < nodes_.size(); ++n) {
        if (!allowed(r, n))
            continue;
        const Free now_free = now_free_[n];
        if (now_free.cpus <= 0)
            continue;
        const Free over = min_free(n, now_, now_ + dur);
        // The most a start could take here: all that is free now, capped
        // by what the request can use on one node.
        std::int64_t cpus = now_free.cpus;
        if (!r.whole_node) {
            cpus = std::min<std::int64_t>(cpus, r.cpus);
            if (r.max_cpus_per_node)
                cpus = std::min<std::int64_t>(cpus, r.max_cpus_per_node);
        }
        std::int64_t mem = now_free.mem;
        if (!r.whole_node && (r.mem_per_cpu_mb || r.mem_per_node_mb))
            mem = std::min<std::int64_t>(mem, std::int64_t(r.mem_per_node_mb) +
                                                  cpus * std::int64_t(r.mem_per_cpu_mb));
        safe[n] = over.cpus >= cpus && (over.mem >= mem || (!r.whole_node && !r.mem_per_cpu_mb &&
                                                            !r.mem_per_node_mb));
        // Generic resources likewise: the most a start could take here is
        // what is free now, capped by what the request may get on one node
        // (all of it for a whole-node job).
        for (const GresNeed &g : r.gres) {
            if (!safe[n])
                break;
            if (g.gres >= gres_steps_.size()) {
                safe[n] = false;
                break;
            }
            const CountSteps &gs = gres_steps_[g.gres][n];
            std::int64_t take = std::max<std::int64_t>(gs.at(now_), 0);
            if (!r.whole_node)
                take = std::min<std::int64_t>(take, std::max(g.most_per_node, g.per_node));
            safe[n] = gs.min_over(now_, now_ + dur) >= take;
        }
    }
    return safe;
}

void Timeline::reserve(const Request &r, const Placement &p)
{
    const std::int64_t dur = rounded_duration(r);
    for (const auto &[node, cpus] : p.nodes) {
        if (node >= nodes_.size())
            continue;
        const std::int64_t mem = r.whole_node ? std::int64_t(nodes_[node].mem_mb)
                                              : std::int64_t(r.mem_per_node_mb) +
                                                    std::int64_t(cpus) * std::int64_t(r.mem_per_cpu_mb);
        subtract(node, p.start, p.start + dur, cpus, mem);
    }
    for (const auto &[license, count] : r.licenses)
        use_license(license, p.start, p.start + dur, count);
    if (!p.gres.empty()) {
        for (const GresUse &u : p.gres)
            use_gres(u.gres, u.node, p.start, p.start + dur, u.count);
        return;
    }
    for (const auto &[node, cpus] : p.nodes)
        for (const GresNeed &g : r.gres)
            use_gres(g.gres, node, p.start, p.start + dur, g.per_node);
}

}  // namespace tailfold
