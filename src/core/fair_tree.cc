// tailfold core: Fair Tree fair share.  GPL-2.0-or-later.
#include "fair_tree.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace tailfold {

long double usage_norm(long double usage_raw, long double root_usage_raw)
{
    if (root_usage_raw == 0)
        return 0;
    // Capped: after a shorter half-life is configured, old usage can exceed
    // what the new one allows.
    return std::min(usage_raw / root_usage_raw, 1.0L);
}

void FairTree::rank(const AssocTree &tree, std::uint32_t user_count,
                    std::vector<AssocFairShare> &out)
{
    out.resize(tree.size());
    if (tree.size() == 0)
        return;
    users_ = user_count ? user_count : 1;
    rank_ = next_ = user_count;
    scratch_.clear();
    scratch_.insert(scratch_.end(), tree.children_begin(0), tree.children_end(0));
    visit(tree, out, 0, scratch_.size(), false);
}

// Siblings are scratch_[begin, end).  Deeper levels append after `end` and
// truncate back, so the vector is reused across the whole pass.
void FairTree::visit(const AssocTree &tree, std::vector<AssocFairShare> &out, std::size_t begin,
                     std::size_t end, bool tied_in)
{
    const long double root_raw = tree.node(0).usage_raw;
    for (std::size_t k = begin; k < end; ++k) {
        const std::uint32_t i = scratch_[k];
        const AssocNode &a = tree.node(i);
        AssocFairShare &r = out[i];
        const std::uint32_t p = tree.fs_parent(i);
        const long double parent_raw = p == AssocTree::kNone ? 0 : tree.node(p).usage_raw;
        r.usage_efctv = parent_raw == 0 ? 0 : a.usage_raw / parent_raw;
        r.usage_norm = usage_norm(a.usage_raw, root_raw);
        if (a.use_parent)
            r.level_fs = a.is_user ? std::numeric_limits<long double>::infinity() : kLevelFsNoValue;
        else if (a.shares_norm == 0)
            r.level_fs = 0;
        else if (r.usage_efctv == 0)
            r.level_fs = std::numeric_limits<long double>::infinity();
        else
            r.level_fs = a.shares_norm / r.usage_efctv;
    }
    std::stable_sort(scratch_.begin() + begin, scratch_.begin() + end,
                     [&](std::uint32_t x, std::uint32_t y) {
                         if (out[x].level_fs != out[y].level_fs)
                             return out[x].level_fs > out[y].level_fs;
                         return tree.node(x).is_user && !tree.node(y).is_user;
                     });

    long double prev = kLevelFsNoValue;
    for (std::size_t k = begin; k < end; ++k) {
        const std::uint32_t i = scratch_[k];
        const bool tied = (k == begin && tied_in) || prev == out[i].level_fs;
        if (tree.node(i).is_user) {
            if (!tied)
                rank_ = next_;
            out[i].fs_factor = rank_ / static_cast<double>(users_);
            --next_;
        } else {
            const std::size_t child_begin = scratch_.size();
            scratch_.insert(scratch_.end(), tree.children_begin(i), tree.children_end(i));
            visit(tree, out, child_begin, scratch_.size(), tied);
            scratch_.resize(child_begin);
        }
        prev = out[i].level_fs;
    }
}

}  // namespace tailfold
