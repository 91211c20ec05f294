// tailfold core: the association tree that fair share is computed on.
// GPL-2.0-or-later.
//
// It is the *fair-share* tree: an association whose FairShare is "parent"
// hangs its children on the first ancestor that has shares of its own, as
// Slurm's association manager builds its children lists.  Sibling order is
// kept as given, because Fair Tree's tie handling depends on it.
#pragma once

#include <cstdint>
#include <vector>

namespace tailfold {

struct AssocNode {
    bool is_user = false;
    bool use_parent = false;          // FairShare=parent
    std::uint32_t shares_raw = 0;     // FairShare as configured
    std::uint32_t level_shares = 0;   // sum of the siblings' shares (classic)
    long double shares_norm = 0;      // normalised shares, as the association manager has them
    long double usage_raw = 0;        // decayed usage
};

class AssocTree {
  public:
    static constexpr std::uint32_t kNone = 0xffffffffu;

    // Node 0 is the root.  Returns the new node's index.
    std::uint32_t add(const AssocNode &node, std::uint32_t fs_parent);
    // Build the children index after the last add().  Children keep the
    // order in which they were added.
    void finish();
    void clear();

    std::uint32_t size() const { return static_cast<std::uint32_t>(nodes_.size()); }
    const AssocNode &node(std::uint32_t i) const { return nodes_[i]; }
    // New usage for a node of a finished tree, whose shape stays: a caller
    // that ranks the same associations again and again (the simulator)
    // need not build the tree each time.
    void set_usage(std::uint32_t i, long double usage_raw) { nodes_[i].usage_raw = usage_raw; }
    std::uint32_t fs_parent(std::uint32_t i) const { return parent_[i]; }
    const std::uint32_t *children_begin(std::uint32_t i) const { return kids_.data() + first_[i]; }
    const std::uint32_t *children_end(std::uint32_t i) const { return kids_.data() + first_[i + 1]; }
    // Where i's children sit among all children (0..child_slots()), for
    // whoever keeps something per child.
    std::uint32_t child_slot(std::uint32_t i) const { return first_[i]; }
    std::uint32_t child_slots() const { return static_cast<std::uint32_t>(kids_.size()); }
    std::uint32_t user_count() const { return users_; }

  private:
    std::vector<AssocNode> nodes_;
    std::vector<std::uint32_t> parent_;
    std::vector<std::uint32_t> first_;  // size()+1 offsets into kids_
    std::vector<std::uint32_t> kids_;
    std::uint32_t users_ = 0;
};

// What the fair-share pass produces for each association (what sshare shows).
struct AssocFairShare {
    long double usage_norm = 0;   // usage_raw / root's usage_raw, at most 1
    long double usage_efctv = 0;  // effective usage (Fair Tree: of its level)
    long double level_fs = 0;     // Fair Tree's S/U
    double fs_factor = 0;         // users: the fair-share factor
};

// An association's usage over the root's, at most 1: both algorithms
// (Fair Tree, fair_tree.h; classic, fair_share_classic.h) start from it.
long double usage_norm(long double usage_raw, long double root_usage_raw);

}  // namespace tailfold
