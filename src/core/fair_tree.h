// tailfold core: Fair Tree fair share.  GPL-2.0-or-later.
//
// From Slurm's fair_tree documentation: each association gets a Level
// Fairshare LF = S/U among its siblings (S its normalised shares, U its
// usage over its fair-share parent's); siblings are visited in descending
// LF, depth first, and users are ranked in the order they are met.  A user's
// factor is rank / (number of user associations), the first one getting 1.
//
// Ties, as Slurm 22.05.8 handles them: siblings are sorted by LF with users
// before accounts on equal LF (a stable sort: the tree's sibling order breaks
// further ties); a user tied with the previous sibling keeps its rank; an
// account tied with the previous sibling starts its subtree tied, so its
// first user shares the rank of the last user ranked.  The documentation
// also says tied accounts have their children merged; 22.05.8 never merges
// them, and tailfold follows 22.05.8 so that sprio and sshare agree.
//
// Special values: an association with no shares has LF 0; one with shares
// and no usage has LF infinity; FairShare=parent makes a user's LF infinity
// and an account's NO_VAL (4294967294), as sshare shows them.
#pragma once

#include <cstdint>
#include <vector>

#include "assoc_tree.h"

namespace tailfold {

inline constexpr long double kLevelFsNoValue = 4294967294.0L;  // Slurm's NO_VAL

// Computes usage_norm, usage_efctv and level_fs of every non-root
// association and fs_factor of every user.  `user_count` is the number of
// user associations the ranks are divided by (Slurm counts every user
// association it holds).  `out` is resized to tree.size(); the root's
// entry is left as it was.
class FairTree {
  public:
    void rank(const AssocTree &tree, std::uint32_t user_count, std::vector<AssocFairShare> &out);

  private:
    struct SiblingKey {
        long double level_fs;
        std::uint32_t node, place;  // place: among its siblings, in the tree's order
        bool is_user;
    };
    static constexpr std::uint32_t kNoHint = 0xffffffffu;

    void visit(const AssocTree &tree, std::vector<AssocFairShare> &out, std::uint32_t parent,
               bool tied_in);
    void sort_siblings(const AssocTree &tree, std::vector<AssocFairShare> &out, std::uint32_t parent);

    std::vector<std::uint32_t> scratch_;  // sibling lists of the open levels, reused
    std::vector<SiblingKey> keys_;        // one level's sort keys, reused
    // The last pass's sibling order, as places, at each parent's child slots.
    std::vector<std::uint32_t> hint_;
    std::vector<std::uint32_t> marks_;    // hint check: places seen at stamp_
    std::uint32_t stamp_ = 0;
    std::uint32_t rank_ = 0, next_ = 0, users_ = 1;
};

}  // namespace tailfold
