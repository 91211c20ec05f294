// tailfold core: the classic (non Fair Tree) fair-share factor.  GPL-2.0-or-later.
//
// From Slurm's priority_multifactor documentation: F = 2^(-(U/S)/d), where U
// is the association's effective usage, S its normalised shares and d the
// FairShareDampeningFactor.  sshare calls this through the plugin when Fair
// Tree is off, so it must exist from the first release.
#pragma once

namespace tailfold {

// Returns the factor in [0,1].  No shares (S <= 0) gives 0: an association
// that was granted nothing has no claim.  A dampening factor below 1 is
// treated as 1 (Slurm's documented minimum).
double classic_fair_share_factor(long double usage_efctv, double shares_norm, double dampening);

}  // namespace tailfold
