// tailfold core: free resources over time, per node.  GPL-2.0-or-later.
//
// The backfill planner's picture of the cluster: for each node, a step
// function of free CPUs and memory from `now` on, made from running jobs'
// expected ends, down nodes, advanced reservations and the jobs the
// planner has already placed; beside them, one step function per licence
// (slurm.conf Licenses=, a count shared by the whole cluster) and one per
// generic resource and node (Gres=gpu:4: a count each node has of its
// own).  Times are seconds; the search rounds start times up to the
// resolution (bf_resolution) and never looks past the window (bf_window).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "count_steps.h"
#include "level_steps.h"

namespace tailfold {

struct NodeCapacity {
    std::uint32_t cpus = 0;
    std::uint64_t mem_mb = 0;
    bool up = true;
};

// A generic resource a job needs on each node it uses (see Request::gres).
struct GresNeed {
    std::uint32_t gres = 0;
    std::uint32_t per_node = 0;
    std::uint32_t most_per_node = 0;
};

// What a job needs: `cpus` in all, on min_nodes..max_nodes nodes (each node
// used gives at least one CPU), memory per CPU or per node used (0: none),
// for `duration_s`.  `allowed` masks the nodes it may use (empty: all).
// `whole_node`: every node it uses is its alone (--exclusive).
// `max_cpus_per_node` (0: no cap) is the most the select plugin may give it
// on one node (--ntasks-per-node x --cpus-per-task); the start-now check
// needs it to know how much of a node a start can take.  `licenses`:
// (licence, count) pairs it holds for its whole duration (-L).  `gres`:
// the generic resources it needs on every node it uses (--gres,
// --gpus-per-node...): `per_node` on each, and at most `most_per_node` on
// one (a request per job or per task may be given more on one node than
// the plan counts on; the start-now check must allow for that).
struct Request {
    std::uint32_t cpus = 1;
    std::uint32_t min_nodes = 1;
    std::uint32_t max_nodes = UINT32_MAX;
    std::uint64_t mem_per_cpu_mb = 0;
    std::uint64_t mem_per_node_mb = 0;
    std::uint32_t max_cpus_per_node = 0;
    bool whole_node = false;
    std::int64_t duration_s = 60;
    std::vector<bool> allowed;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> licenses;
    std::vector<GresNeed> gres;
};

// A generic resource a started job actually got on a node.
struct GresUse {
    std::uint32_t node = 0, gres = 0, count = 0;
};

// Where and when a request runs.  `gres`: what a job actually got; empty
// means each node holds the request's per_node.
struct Placement {
    std::int64_t start = 0;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> nodes;  // (node, CPUs)
    std::vector<GresUse> gres;
};

class Timeline {
  public:
    Timeline(std::vector<NodeCapacity> nodes, std::int64_t now, std::int64_t window_s,
             std::int64_t resolution_s);

    // Resources in use on a node over [start, end): a running job (until
    // its expected end), a placed job.  Past the window nothing is kept.
    void occupy(std::uint32_t node, std::int64_t start, std::int64_t end, std::uint32_t cpus,
                std::uint64_t mem_mb);
    // The whole node unavailable over [start, end) (an advanced
    // reservation the job is not in, maintenance).
    void block(std::uint32_t node, std::int64_t start, std::int64_t end);

    // A licence of `total` for the whole cluster; returns its number for
    // Request::licenses and use_license.
    std::uint32_t add_license(std::uint32_t total);
    // `count` of a licence taken over [start, end): a running job until its
    // expected end, an advanced reservation's licences while it lasts.
    void use_license(std::uint32_t license, std::int64_t start, std::int64_t end,
                     std::uint32_t count);
    // Free count of a licence at time t (negative: oversubscribed).
    std::int64_t license_free_at(std::uint32_t license, std::int64_t t) const;
    std::size_t license_count() const { return lic_steps_.size(); }

    // A generic resource (gpu, or one type of it, gpu:a100: the glue keeps
    // both); returns its number for Request::gres.  Every node has none of
    // it until set_gres.
    std::uint32_t add_gres();
    void set_gres(std::uint32_t gres, std::uint32_t node, std::uint32_t total);
    // `count` of it taken on a node over [start, end): a running job until
    // its expected end.
    void use_gres(std::uint32_t gres, std::uint32_t node, std::int64_t start, std::int64_t end,
                  std::uint32_t count);
    // Free count on a node at time t (negative: oversubscribed).
    std::int64_t gres_free_at(std::uint32_t gres, std::uint32_t node, std::int64_t t) const;
    std::size_t gres_count() const { return gres_steps_.size(); }

    // The earliest start within the window, not before `not_before`, at
    // which the request fits for its whole duration, with the nodes it
    // would use (the roomiest first, so a job spans as few nodes as it can).
    std::optional<Placement> earliest(const Request &r) const { return earliest(r, now_); }
    std::optional<Placement> earliest(const Request &r, std::int64_t not_before) const;
    // The placement if the request fits from `t` on for its duration.
    std::optional<Placement> fits_at(const Request &r, std::int64_t t) const;
    // The nodes on which the request may start now whatever CPUs and
    // memory the select plugin gives it there (up to all that is free now,
    // capped by the request): a node is left out when a later placement
    // needs part of what is free now before the request would end.  A
    // start restricted to these nodes cannot delay anything placed.
    std::vector<bool> safe_now(const Request &r) const;
    // Take the resources of a placement for the request's duration.
    void reserve(const Request &r, const Placement &p);

    std::int64_t now() const { return now_; }
    std::int64_t horizon() const { return now_ + window_; }
    std::size_t node_count() const { return nodes_.size(); }
    // Steps over all nodes: the plan's size (sdiag's "table size").
    std::size_t step_count() const;
    // Free CPUs and memory of a node at time t (for tests and reports).
    std::pair<std::int64_t, std::int64_t> free_at(std::uint32_t node, std::int64_t t) const;
    // CPUs free now, summed over the nodes (negative counts as none).
    std::int64_t free_cpus_now() const;

  private:
    struct Free {
        std::int64_t cpus, mem;
    };
    // Per node: time -> free resources from that time to the next key.
    std::vector<std::map<std::int64_t, Free>> steps_;
    // Each node's first step (free from now), kept beside the map so the
    // look at "now" that rules out most nodes costs no search.
    std::vector<Free> now_free_;
    std::vector<NodeCapacity> nodes_;
    // Free CPUs over all nodes over time, each node counted at no less
    // than 0 (a blocked or oversubscribed node gives nothing): no request
    // for more fits at any time inside a step below it, so earliest()
    // looks at nodes only inside runs of steps at or above the request's
    // CPUs that last its duration.  Its keys are every time a node's free
    // CPUs change.
    LevelSteps usable_cpus_;
    // Nothing ever frees resources in a timeline (occupy, block, reserve
    // and the licence and GRES uses only take), so the earliest time the
    // total can hold c CPUs for d seconds only moves later, and is no
    // sooner than for c CPUs and less time.  Per CPU count, per duration
    // (0: at all), the earliest such start found so far: a search for a
    // request of c CPUs may begin at the entry of the longest duration up
    // to its own.  A cache: copies share nothing.
    mutable std::unordered_map<std::uint32_t, std::map<std::int64_t, std::int64_t>> total_fit_from_;
    // A change of memory alone (no CPUs) leaves no key in usable_cpus_:
    // then earliest() takes its candidates from the nodes too.
    bool memory_only_change_ = false;
    // Per licence: its free count over time.
    std::vector<CountSteps> lic_steps_;
    // Per generic resource, per node: its free count over time (empty: the
    // node has none).
    std::vector<std::vector<CountSteps>> gres_steps_;
    std::int64_t now_, window_, res_;

    void subtract(std::uint32_t node, std::int64_t start, std::int64_t end, std::int64_t cpus,
                  std::int64_t mem);
    // The least free CPUs and memory of a node over [start, end).  With
    // `until_no_cpu`, the walk ends at the first step with no CPU free
    // (what it returns then says only that none is).
    Free min_free(std::uint32_t node, std::int64_t start, std::int64_t end,
                  bool until_no_cpu = false) const;
    // Every licence the request holds is free in that count over [t, end).
    bool licenses_free(const Request &r, std::int64_t t, std::int64_t end) const;
    // Every generic resource the request needs on a node is free in its
    // per_node count over [t, end).
    bool gres_free(const Request &r, std::uint32_t n, std::int64_t t, std::int64_t end) const;
    std::int64_t round_up(std::int64_t t) const;
    std::int64_t rounded_duration(const Request &r) const;
    bool allowed(const Request &r, std::uint32_t n) const;
    // CPUs node n can give the request over [t, t + dur) (0: none).
    std::int64_t usable_cpus(const Request &r, std::uint32_t n, std::int64_t t,
                             std::int64_t dur) const;
    // The first time after t at which anything the request uses changes
    // (a key of usable_cpus_, of the GRES it needs on a node it may use,
    // of a licence it holds, or of a node's own steps when memory changed
    // alone somewhere), rounded up to the resolution; INT64_MAX if none.
    std::int64_t next_change(const Request &r, std::int64_t t) const;
};

}  // namespace tailfold
