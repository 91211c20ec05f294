// tailfold core: classic (non Fair Tree) fair share.  GPL-2.0-or-later.
#include "fair_share_classic.h"

#include <cmath>

namespace tailfold {

double classic_fair_share_factor(long double usage_efctv, double shares_norm, double dampening)
{
    if (!(shares_norm > 0.0) || std::isnan(static_cast<double>(usage_efctv)))
        return 0.0;
    if (!(dampening >= 1.0))
        dampening = 1.0;
    const double u = usage_efctv < 0 ? 0.0 : static_cast<double>(usage_efctv);
    return std::exp2(-(u / shares_norm) / dampening);
}

long double classic_usage_efctv(const AssocNode &a, long double ua, long double parent_ue,
                                bool parent_is_root)
{
    if (parent_is_root)
        return ua;
    if (a.use_parent || !a.level_shares)
        return parent_ue;
    return ua + (parent_ue - ua) * (a.shares_raw / static_cast<long double>(a.level_shares));
}

void classic_assoc_usage(const AssocTree &tree, std::uint32_t i, std::vector<AssocFairShare> &out)
{
    const std::uint32_t p = tree.fs_parent(i);
    AssocFairShare &r = out[i];
    r.usage_norm = usage_norm(tree.node(i).usage_raw, tree.node(0).usage_raw);
    const long double parent_ue = p == AssocTree::kNone ? 0 : out[p].usage_efctv;
    r.usage_efctv = classic_usage_efctv(tree.node(i), r.usage_norm, parent_ue, p == 0);
}

static void classic_children(const AssocTree &tree, std::uint32_t parent, std::vector<AssocFairShare> &out)
{
    for (auto c = tree.children_begin(parent); c != tree.children_end(parent); ++c) {
        if (tree.node(*c).is_user)
            continue;
        classic_assoc_usage(tree, *c, out);
        classic_children(tree, *c, out);
    }
}

void classic_account_pass(const AssocTree &tree, std::vector<AssocFairShare> &out)
{
    out.resize(tree.size());
    if (tree.size())
        classic_children(tree, 0, out);
}

}  // namespace tailfold
