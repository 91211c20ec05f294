// tailfold core: the per-pass limits of Slurm's own backfill.
// GPL-2.0-or-later.
//
// Slurm's sched/backfill limits how many jobs of one user, association,
// partition or user in a partition a pass looks at (bf_max_job_user,
// bf_max_job_assoc, bf_max_job_part, bf_max_job_user_part), how many jobs
// it starts (bf_max_job_start, after which the pass ends) and how many
// tasks of one pending job array get a reservation (bf_max_job_array_resv).
// A site keeps them to stop one user's flood of jobs from taking a pass's
// time and starts.  "Looked at" is a job the pass tries to start or plan;
// a job over a limit is neither started nor planned in that pass, and is
// not counted (as in Slurm).
#pragma once

#include <cstdint>
#include <map>
#include <unordered_map>
#include <utility>

#include "backfill_params.h"

namespace tailfold {

class PassLimits {
  public:
    explicit PassLimits(const BackfillParams &p);

    // Whether the pass may look at a job of this user, association (0:
    // none, as without accounting: no association limit) and partition
    // (any number that tells partitions apart).  If so, the job counts
    // against each limit, unless `count` is false (slurmctld's extra queue
    // record of a job for a magnetic reservation, which Slurm checks but
    // does not count).
    bool look(std::uint32_t user, std::uint32_t assoc, std::uint64_t part, bool count = true);
    // A job the pass started; false once bf_max_job_start is reached (the
    // pass ends there, as Slurm's does).
    bool started();
    std::uint32_t starts() const { return starts_; }
    // Jobs refused by look() this pass.
    std::uint32_t skipped() const { return skipped_; }

  private:
    std::uint32_t max_user_, max_assoc_, max_part_, max_user_part_, max_start_;
    std::uint32_t starts_ = 0, skipped_ = 0;
    std::unordered_map<std::uint32_t, std::uint32_t> user_, assoc_;
    std::unordered_map<std::uint64_t, std::uint32_t> part_;
    std::map<std::pair<std::uint32_t, std::uint64_t>, std::uint32_t> user_part_;
};

// How many tasks of a pending job array get a held start (copies of one
// task's request; see BackfillPass::hold): bf_max_job_array_resv at most,
// no more than are pending, and under a throttle (--array=...%N) no more
// than may run beside the `running` ones (a plain job: the glue holds 1).
std::uint32_t array_tasks_to_hold(std::uint32_t pending, std::uint32_t throttle,
                                  std::uint32_t running, std::uint32_t max_resv);

}  // namespace tailfold
