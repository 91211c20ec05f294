// tailfold core: Fair Tree fair share.  GPL-2.0-or-later.
#include "fair_tree.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace tailfold {

void FairTree::rank(const AssocTree &tree, std::uint32_t user_count,
                    std::vector<AssocFairShare> &out)
{
    out.resize(tree.size());
    if (tree.size() == 0)
        return;
    users_ = user_count ? user_count : 1;
    rank_ = next_ = user_count;
    if (hint_.size() != tree.child_slots())
        hint_.assign(tree.child_slots(), kNoHint);
    scratch_.clear();
    visit(tree, out, 0, false);
}

// The siblings under `parent` in the order of their sort keys, into
// keys_.  The order is a total one (the key ends with the sibling's place),
// so any sort gives the same answer; starting from the last pass's order
// and sorting by insertion makes it cheap when few usages moved, as
// between two passes of a busy cluster.  A hint that is no longer a
// permutation of the siblings, or that needs too many moves, falls back
// to a full sort.
void FairTree::sort_siblings(const AssocTree &tree, std::vector<AssocFairShare> &out,
                             std::uint32_t parent)
{
    const std::uint32_t *kids = tree.children_begin(parent);
    const std::uint32_t n = std::uint32_t(tree.children_end(parent) - kids);
    std::uint32_t *hint = hint_.data() + tree.child_slot(parent);
    bool hinted = true;
    if (marks_.size() < n)
        marks_.resize(n, 0);
    if (++stamp_ == 0) {  // wrapped: old marks could look current
        std::fill(marks_.begin(), marks_.end(), 0);
        stamp_ = 1;
    }
    for (std::uint32_t j = 0; j < n && hinted; ++j) {
        hinted = hint[j] < n && marks_[hint[j]] != stamp_;
        if (hinted)
            marks_[hint[j]] = stamp_;
    }
    keys_.clear();
    for (std::uint32_t j = 0; j < n; ++j) {
        const std::uint32_t place = hinted ? hint[j] : j, i = kids[place];
        keys_.push_back({out[i].level_fs, i, place, tree.node(i).is_user});
    }
    auto before = [](const SiblingKey &x, const SiblingKey &y) {
        if (x.level_fs != y.level_fs)
            return x.level_fs > y.level_fs;
        if (x.is_user != y.is_user)
            return x.is_user;
        return x.place < y.place;
    };
    bool sorted = false;
    if (hinted) {
        std::size_t budget = 4 * std::size_t(n) + 64;
        sorted = true;
        for (std::size_t k = 1; k < keys_.size() && sorted; ++k) {
            const SiblingKey x = keys_[k];
            std::size_t j = k;
            for (; j > 0 && before(x, keys_[j - 1]); --j) {
                keys_[j] = keys_[j - 1];
                if (--budget == 0) {
                    sorted = false;
                    --j;
                    break;
                }
            }
            keys_[j] = x;
        }
    }
    if (!sorted)
        std::sort(keys_.begin(), keys_.end(), before);
    for (std::uint32_t j = 0; j < n; ++j)
        hint[j] = keys_[j].place;
}

// The siblings under `parent`: their figures, then in Fair Tree order,
// users ranked and accounts visited.  Each level's list sits at the end
// of scratch_ while its subtrees are visited, so the vector is reused
// across the whole pass.
void FairTree::visit(const AssocTree &tree, std::vector<AssocFairShare> &out, std::uint32_t parent,
                     bool tied_in)
{
    const long double root_raw = tree.node(0).usage_raw;
    const long double parent_raw = tree.node(parent).usage_raw;
    for (const std::uint32_t *c = tree.children_begin(parent); c != tree.children_end(parent); ++c) {
        const std::uint32_t i = *c;
        const AssocNode &a = tree.node(i);
        AssocFairShare &r = out[i];
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
    sort_siblings(tree, out, parent);
    const std::size_t begin = scratch_.size();
    for (const SiblingKey &k : keys_)
        scratch_.push_back(k.node);
    const std::size_t end = scratch_.size();
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
            visit(tree, out, i, tied);
        }
        prev = out[i].level_fs;
    }
    scratch_.resize(begin);
}

}  // namespace tailfold
