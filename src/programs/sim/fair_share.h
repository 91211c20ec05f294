// tailfold-sim: Fair Tree fair share over the trace's users and groups.
// GPL-2.0-or-later.
//
// The tree is root -> one account per group -> its users, every one with
// one share, the way a site with no fair-share policy of its own would
// set it up.  Usage is charged in CPU-seconds and decayed with the
// half-life at each pass, as priority/tailfold's decay pass does, and the
// factors come from src/core's FairTree, the code sshare's numbers come
// from on a real cluster.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "src/core/assoc_tree.h"
#include "src/core/fair_tree.h"
#include "workload.h"

namespace tf_sim {

class SimFairShare {
  public:
    SimFairShare(const Workload &w, double half_life_s);

    // Decay all usage over `seconds`, then add each charge (CPU-seconds
    // already decayed by the caller's period arithmetic), then rank.
    void decay(double seconds);
    void charge(std::uint32_t user, double cpu_seconds);
    void rank();
    // Decay applied to a charge of `seconds` of run time within a period.
    double decayed(double seconds) const;

    // The user's fair-share factor in [0, 1] after the last rank().
    double factor(std::uint32_t user) const;

  private:
    void build();  // the tree's shape, once: the users never change

    struct User {
        std::uint32_t group_index;
        long double usage = 0;
    };
    std::vector<std::uint32_t> groups_;  // group ids, in order of first appearance
    std::unordered_map<std::uint32_t, std::uint32_t> user_index_;
    std::vector<std::uint32_t> user_ids_;
    std::vector<User> users_;
    std::vector<double> factor_;
    double per_second_;
    std::vector<std::uint32_t> group_node_, user_node_;  // their nodes in tree_
    std::vector<long double> group_usage_;
    tailfold::AssocTree tree_;
    tailfold::FairTree fair_tree_;
    std::vector<tailfold::AssocFairShare> out_;
};

}  // namespace tf_sim
