// tailfold-sim: a workload to replay.  GPL-2.0-or-later.
#include "workload.h"

#include <algorithm>
#include <map>

namespace tf_sim {

std::vector<std::size_t> add_chain(Workload &w, std::int64_t at, std::uint32_t count, std::uint32_t cpus,
                                   std::int64_t seconds, bool wrapped, std::uint32_t user)
{
    std::vector<std::size_t> idx;
    std::uint64_t id = 0;
    for (const SimJob &j : w.jobs)
        id = std::max(id, j.id);
    const std::uint32_t n = wrapped ? 1 : count;
    std::uint32_t group = user;  // the owner's group, if the workload has one
    for (const SimJob &o : w.jobs)
        if (o.user == user && user != kFreshChainUser) {
            group = o.group;
            break;
        }
    for (std::uint32_t i = 0; i < n; ++i) {
        SimJob j;
        j.id = ++id;
        j.submit = at;
        j.cpus = cpus;
        j.runtime = j.limit = wrapped ? seconds * count : seconds;
        j.user = user;
        j.group = group;
        j.after = idx.empty() ? -1 : std::int64_t(idx.back());
        idx.push_back(w.jobs.size());
        w.jobs.push_back(j);
    }
    return idx;
}

std::uint32_t heaviest_user(const Workload &w)
{
    std::map<std::uint32_t, double> work;
    for (const SimJob &j : w.jobs)
        if (j.user && j.user != kFreshChainUser)
            work[j.user] += double(j.runtime) * j.cpus;
    std::uint32_t best = kFreshChainUser;
    double most = -1;
    for (const auto &[user, cpu_s] : work)
        if (cpu_s > most) {
            most = cpu_s;
            best = user;
        }
    return best;
}

}  // namespace tf_sim
