// tailfold-sim: a workload to replay.  GPL-2.0-or-later.
#include "workload.h"

#include <algorithm>

namespace tfsim {

std::vector<std::size_t> add_chain(Workload &w, std::int64_t at, std::uint32_t count, std::uint32_t cpus,
                                   std::int64_t seconds, bool wrapped)
{
    std::vector<std::size_t> idx;
    std::uint64_t id = 0;
    for (const SimJob &j : w.jobs)
        id = std::max(id, j.id);
    const std::uint32_t n = wrapped ? 1 : count;
    for (std::uint32_t i = 0; i < n; ++i) {
        SimJob j;
        j.id = ++id;
        j.submit = at;
        j.cpus = cpus;
        j.runtime = j.limit = wrapped ? seconds * count : seconds;
        j.user = j.group = 0xfffffff0u;  // a user of its own
        j.after = idx.empty() ? -1 : std::int64_t(idx.back());
        idx.push_back(w.jobs.size());
        w.jobs.push_back(j);
    }
    return idx;
}

}  // namespace tfsim
