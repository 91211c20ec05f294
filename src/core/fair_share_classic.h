// tailfold core: classic (non Fair Tree) fair share: the factor and the
// effective usage it is computed from.  GPL-2.0-or-later.
//
// From Slurm's priority_multifactor documentation: F = 2^(-(U/S)/d), where U
// is the association's effective usage, S its normalised shares and d the
// FairShareDampeningFactor.  sshare calls this through the plugin when Fair
// Tree is off, so it must exist from the first release.
#pragma once

#include <cstdint>
#include <vector>

#include "assoc_tree.h"

namespace tailfold {

// Returns the factor in [0,1].  No shares (S <= 0) gives 0: an association
// that was granted nothing has no claim.  A dampening factor below 1 is
// treated as 1 (Slurm's documented minimum).
double classic_fair_share_factor(long double usage_efctv, double shares_norm, double dampening);

// Classic effective usage (Slurm's classic_fair_share page):
//   UE = UA + (UE_parent - UA) * S_child / S_all_siblings
// where UA is the association's normalised usage.  Children of root take UA
// itself; FairShare=parent takes the parent's UE; siblings with no shares
// at all take the parent's UE.
long double classic_usage_efctv(const AssocNode &a, long double usage_norm,
                                long double parent_usage_efctv, bool parent_is_root);

// The classic pass over the accounts, parents before children: usage_norm
// and usage_efctv of every account below the root.  Users are left to be
// computed when they are needed (classic_user_usage), as slurmctld does, so
// that they see the usage charged after this pass.  The root's entry must
// hold its usage_efctv (1) on entry.
void classic_account_pass(const AssocTree &tree, std::vector<AssocFairShare> &out);

// usage_norm and usage_efctv of one association from the current usage and
// its fair-share parent's current effective usage.
void classic_assoc_usage(const AssocTree &tree, std::uint32_t i, std::vector<AssocFairShare> &out);

}  // namespace tailfold
