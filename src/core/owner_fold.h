// tailfold core: the fold within one owner's batch.  GPL-2.0-or-later.
//
// duration_scope=owner (PriorityParameters, the default): the duration
// boost reorders an owner's pending jobs among themselves and changes
// nothing between owners.  An owner is an association in one partition.
//
// An owner's jobs fall into batches: jobs that became eligible together,
// with no pause longer than duration_batch (default 10m) between one and
// the next, as a loop of sbatch, a job array or one `scontrol release`
// gives them.  Within a batch the jobs are ranked by their boosted score
// (multifactor priority plus the duration boost, what duration_scope=queue
// would give them), and the batch's own multifactor priorities are handed
// out again in that rank: the highest to the first, and so on.  Where
// jobs of a batch have equal priorities (a bag submitted in one second
// usually has) and the boost ranks them apart, each one after the first
// gets one less than the one before it, or slurmctld's tie rule
// (submission, then job id) would decide instead.  So:
//   - an owner holds the priorities multifactor gives it, or lower by at
//     most the size of a batch of equal ones: no other owner's job ever
//     loses its place in the queue to it;
//   - a batch runs longest first, so its short jobs fill the holes at its
//     end (the fold);
//   - a job never moves behind a job of its owner that became eligible
//     after a pause: a user's short job of Monday does not wait behind the
//     long jobs the same user keeps submitting all week.
// With duration_weight=0 every job keeps its own priority.
#pragma once

#include <cstdint>
#include <vector>

namespace tailfold {

struct FoldMember {
    std::uint32_t base = 0;     // multifactor priority, without the boost
    std::int64_t boost = 0;     // duration_boost() of the job
    std::uint64_t order = 0;    // ties: lower first (Slurm's job id, a trace's order)
    std::uint32_t folded = 0;   // out: the priority the job gets
    std::int64_t eligible = 0;  // when it became eligible (seconds)
};

// Scratch space of fold_owner, kept by the caller so that a pass over
// many owners does not allocate for each.
struct FoldScratch {
    std::vector<std::uint32_t> bases;
    std::vector<FoldMember> batch;
};

// Folds one owner's jobs (any order; they come back in eligible order)
// batch by batch; sets each member's `folded`.  `batch_gap_s`: the pause
// that ends a batch (duration_batch); 0: all the owner's jobs are one.
void fold_owner(std::vector<FoldMember> &members, std::int64_t batch_gap_s, FoldScratch &scratch);

}  // namespace tailfold
