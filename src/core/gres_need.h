// tailfold core: what a job needs of a generic resource on each node it
// uses.  GPL-2.0-or-later.
//
// Slurm takes a GPU request per node (--gres, --gpus-per-node), per task
// (--gpus-per-task), per socket (--gpus-per-socket) or per job (--gpus);
// the plan counts a resource per node.  The figure it plans with is the
// least the job needs on every node it uses; the most is what a start may
// get on one node, for the check that a start now delays no held job.
#pragma once

#include <cstdint>

namespace tailfold {

struct GresAsk {
    std::uint64_t per_node = 0, per_task = 0, per_socket = 0, per_job = 0;
};

// The job's shape as far as the per-node figure depends on it.
struct JobShape {
    std::uint64_t tasks = 1;           // in all
    std::uint64_t tasks_per_node = 0;  // 0: not fixed
    std::uint32_t min_nodes = 1, max_nodes = UINT32_MAX;
};

struct PerNodeNeed {
    std::uint64_t per_node = 0;       // planned on every node used
    std::uint64_t most_per_node = 0;  // the most a start may get on one node
};

// Per node: the request per node as it is; per task, times the tasks a
// node runs (all of them on a one-node job; at least one task otherwise,
// up to all); per socket, at least one socket, up to the whole node; per
// job, spread over its fewest nodes, up to all of it on one.
PerNodeNeed per_node_need(const GresAsk &ask, const JobShape &shape);

}  // namespace tailfold
