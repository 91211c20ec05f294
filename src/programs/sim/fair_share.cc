// tailfold-sim: Fair Tree fair share over the trace's users and groups.
// GPL-2.0-or-later.
#include "fair_share.h"

#include "src/core/usage_decay.h"

namespace tf_sim {

SimFairShare::SimFairShare(const Workload &w, double half_life_s)
    : per_second_(tailfold::decay_per_second(half_life_s))
{
    std::unordered_map<std::uint32_t, std::uint32_t> group_index;
    for (const SimJob &j : w.jobs) {
        if (user_index_.count(j.user))
            continue;  // a user stays in the group of its first job
        auto g = group_index.find(j.group);
        if (g == group_index.end()) {
            g = group_index.emplace(j.group, std::uint32_t(groups_.size())).first;
            groups_.push_back(j.group);
        }
        user_index_[j.user] = std::uint32_t(users_.size());
        user_ids_.push_back(j.user);
        users_.push_back({g->second, 0});
    }
    factor_.assign(users_.size(), 1.0);
    build();
    rank();
}

void SimFairShare::decay(double seconds)
{
    const double f = tailfold::decay_over(per_second_, seconds);
    for (User &u : users_)
        u.usage *= f;
}

double SimFairShare::decayed(double seconds) const
{
    return tailfold::decayed_seconds(per_second_, seconds);
}

void SimFairShare::charge(std::uint32_t user, double cpu_seconds)
{
    auto it = user_index_.find(user);
    if (it != user_index_.end())
        users_[it->second].usage += cpu_seconds;
}

void SimFairShare::build()
{
    std::vector<std::uint32_t> users_in(groups_.size(), 0);
    for (const User &u : users_)
        ++users_in[u.group_index];
    tree_.clear();
    tailfold::AssocNode root;
    root.shares_norm = 1;
    tree_.add(root, tailfold::AssocTree::kNone);
    group_node_.resize(groups_.size());
    for (std::size_t g = 0; g < groups_.size(); ++g) {
        tailfold::AssocNode a;
        a.shares_raw = 1;
        a.level_shares = std::uint32_t(groups_.size());
        a.shares_norm = 1.0L / groups_.size();
        group_node_[g] = tree_.add(a, 0);
    }
    user_node_.resize(users_.size());
    for (std::size_t i = 0; i < users_.size(); ++i) {
        const User &u = users_[i];
        tailfold::AssocNode n;
        n.is_user = true;
        n.shares_raw = 1;
        n.level_shares = users_in[u.group_index];
        n.shares_norm = 1.0L / users_in[u.group_index];  // Fair Tree: within its level
        user_node_[i] = tree_.add(n, group_node_[u.group_index]);
    }
    tree_.finish();
}

void SimFairShare::rank()
{
    // Account usage is the sum of its users', as slurmctld keeps it.
    group_usage_.assign(groups_.size(), 0);
    long double total = 0;
    for (std::size_t i = 0; i < users_.size(); ++i) {
        const User &u = users_[i];
        group_usage_[u.group_index] += u.usage;
        total += u.usage;
        tree_.set_usage(user_node_[i], u.usage);
    }
    tree_.set_usage(0, total);
    for (std::size_t g = 0; g < groups_.size(); ++g)
        tree_.set_usage(group_node_[g], group_usage_[g]);
    fair_tree_.rank(tree_, std::uint32_t(users_.size()), out_);
    for (std::size_t i = 0; i < users_.size(); ++i)
        factor_[i] = out_[user_node_[i]].fs_factor;
}

double SimFairShare::factor(std::uint32_t user) const
{
    auto it = user_index_.find(user);
    return it == user_index_.end() ? 0 : factor_[it->second];
}

}  // namespace tf_sim
