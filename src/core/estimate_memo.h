// tailfold core: a memo of jobs' expected runtimes.  GPL-2.0-or-later.
//
// A priority pass asks for the expected runtime of every pending job.  The
// answer depends only on the job's user, account, name and limit and on
// what the estimator has learned for that user, so for most jobs it is the
// same as at the last pass; looking it up again means reading the job's
// account and name strings and hashing them, cache misses that made
// tailfold's pass slower than priority/multifactor's at 20,000 jobs.
//
// The memo keeps the last answer per job id, direct-mapped (slurmctld hands
// out ids in order and walks its job list in that order, so a pass reads
// the memo front to back).  An answer stands while the job's limit is the
// same, until something is learned for its user (invalidate_user) or
// everything may have changed (invalidate: new parameters, a store read
// again, entries evicted).  Whoever changes a job's name or account must
// ask without the memo and put the new answer (slurmctld asks the priority
// plugin again after every job update).  It grows while live jobs collide,
// up to kMaxSlots, so it stays small on a small cluster.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "runtime_estimator.h"

namespace tailfold {

class EstimateMemo {
  public:
    static constexpr std::size_t kMinSlots = 1024, kMaxSlots = std::size_t(1) << 20;

    bool find(std::uint32_t job_id, std::uint32_t uid, std::int64_t limit_s, Estimate &out) const;
    void put(std::uint32_t job_id, std::uint32_t uid, std::int64_t limit_s, const Estimate &e);
    void invalidate_user(std::uint32_t uid);
    void invalidate();
    std::size_t slots() const { return slots_.size(); }

  private:
    struct Slot {
        std::uint32_t job_id = 0;
        std::uint32_t generation = 0;  // 0: empty
        std::uint32_t user_generation = 0;
        std::int64_t limit_s = 0;
        Estimate estimate;
    };
    std::uint32_t user_generation(std::uint32_t uid) const;

    std::vector<Slot> slots_;
    std::uint32_t generation_ = 1;
    std::unordered_map<std::uint32_t, std::uint32_t> user_generation_;
    std::size_t collisions_ = 0;  // live entries replaced by another job
};

}  // namespace tailfold
