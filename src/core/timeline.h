// tailfold core: free resources over time, per node.  GPL-2.0-or-later.
//
// The backfill planner's picture of the cluster: for each node, a step
// function of free CPUs and memory from `now` on, made from running jobs'
// expected ends, down nodes, advanced reservations and the jobs the
// planner has already placed.  Times are seconds; the search rounds start
// times up to the resolution (bf_resolution) and never looks past the
// window (bf_window).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

namespace tailfold {

struct NodeCapacity {
    std::uint32_t cpus = 0;
    std::uint64_t mem_mb = 0;
    bool up = true;
};

// What a job needs: `cpus` in all, on min_nodes..max_nodes nodes (each node
// used gives at least one CPU), `mem_per_cpu_mb` per CPU (0: none), for
// `duration_s`.  `allowed` masks the nodes it may use (empty: all).
struct Request {
    std::uint32_t cpus = 1;
    std::uint32_t min_nodes = 1;
    std::uint32_t max_nodes = UINT32_MAX;
    std::uint64_t mem_per_cpu_mb = 0;
    std::int64_t duration_s = 60;
    std::vector<bool> allowed;
};

struct Placement {
    std::int64_t start = 0;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> nodes;  // (node, CPUs)
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

    // The earliest start within the window at which the request fits for
    // its whole duration, with the nodes it would use (the roomiest first,
    // so a job spans as few nodes as it can).
    std::optional<Placement> earliest(const Request &r) const;
    // Take the resources of a placement for the request's duration.
    void reserve(const Request &r, const Placement &p);

    std::int64_t now() const { return now_; }
    std::int64_t horizon() const { return now_ + window_; }
    std::size_t node_count() const { return nodes_.size(); }
    // Free CPUs and memory of a node at time t (for tests and reports).
    std::pair<std::int64_t, std::int64_t> free_at(std::uint32_t node, std::int64_t t) const;

  private:
    struct Free {
        std::int64_t cpus, mem;
    };
    // Per node: time -> free resources from that time to the next key.
    std::vector<std::map<std::int64_t, Free>> steps_;
    std::vector<NodeCapacity> nodes_;
    std::int64_t now_, window_, res_;

    void split(std::map<std::int64_t, Free> &s, std::int64_t t);
    void subtract(std::uint32_t node, std::int64_t start, std::int64_t end, std::int64_t cpus,
                  std::int64_t mem);
    Free min_free(std::uint32_t node, std::int64_t start, std::int64_t end) const;
    std::int64_t round_up(std::int64_t t) const;
};

}  // namespace tailfold
