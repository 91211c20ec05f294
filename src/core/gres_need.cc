// tailfold core: a generic resource needed per node.  GPL-2.0-or-later.
#include "gres_need.h"

#include <algorithm>

namespace tailfold {

PerNodeNeed per_node_need(const GresAsk &ask, const JobShape &shape)
{
    PerNodeNeed n;
    if (ask.per_node) {
        n.per_node = n.most_per_node = ask.per_node;
    } else if (ask.per_task) {
        const std::uint64_t tasks = std::max<std::uint64_t>(shape.tasks, 1);
        if (shape.tasks_per_node) {
            n.per_node = n.most_per_node = ask.per_task * shape.tasks_per_node;
        } else {
            n.per_node = ask.per_task * (shape.max_nodes == 1 ? tasks : 1);
            n.most_per_node = ask.per_task * tasks;
        }
    } else if (ask.per_socket) {
        n.per_node = ask.per_socket;
        n.most_per_node = UINT32_MAX;  // as many sockets as the select plugin gives
    } else if (ask.per_job) {
        const std::uint64_t nodes = std::max<std::uint32_t>(shape.min_nodes, 1);
        n.per_node = (ask.per_job + nodes - 1) / nodes;
        n.most_per_node = ask.per_job;
    }
    return n;
}

}  // namespace tailfold
