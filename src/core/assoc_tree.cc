// tailfold core: the association tree.  GPL-2.0-or-later.
#include "assoc_tree.h"

#include <algorithm>

namespace tailfold {

long double usage_norm(long double usage_raw, long double root_usage_raw)
{
    if (root_usage_raw == 0)
        return 0;
    // Capped: after a shorter half-life is configured, old usage can exceed
    // what the new one allows.
    return std::min(usage_raw / root_usage_raw, 1.0L);
}

std::uint32_t AssocTree::add(const AssocNode &node, std::uint32_t fs_parent)
{
    nodes_.push_back(node);
    parent_.push_back(nodes_.size() == 1 ? kNone : fs_parent);
    if (node.is_user)
        ++users_;
    return size() - 1;
}

void AssocTree::finish()
{
    const std::uint32_t n = size();
    first_.assign(n + 1, 0);
    for (std::uint32_t i = 1; i < n; ++i)
        if (parent_[i] < n)
            ++first_[parent_[i] + 1];
    for (std::uint32_t i = 0; i < n; ++i)
        first_[i + 1] += first_[i];
    kids_.assign(first_[n], 0);
    std::vector<std::uint32_t> fill(first_.begin(), first_.end() - 1);
    for (std::uint32_t i = 1; i < n; ++i)
        if (parent_[i] < n)
            kids_[fill[parent_[i]]++] = i;
}

void AssocTree::clear()
{
    nodes_.clear();
    parent_.clear();
    first_.clear();
    kids_.clear();
    users_ = 0;
}

}  // namespace tailfold
