// tailfold core: which finished jobs the duration boost has learned from,
// exactly, across slurmctld restarts.  GPL-2.0-or-later.
//
// Each priority pass walks slurmctld's job list and offers every job that
// would teach a runtime (COMPLETED or TIMEOUT, ran for a while); the ledger
// says which to count.  A job still COMPLETING (its epilog running) is not
// counted yet: it is counted once it is done.
//
// What survives a restart (in the store) is a watermark `until` and a list
// of ids: every job that ended at or before `until` was counted, and so was
// every job in the list.  After a pass the watermark is the second before
// the earliest end of a job still COMPLETING, and never reaches the pass's
// own second (a job that ends later in that second is not counted yet); the
// list holds the counted jobs that ended after it and are still in the job
// list.  So a job COMPLETING at a save is counted after the restart, and
// no job is counted twice.  (A single watermark at the newest end counted
// would skip, forever, a job COMPLETING at the save that ended earlier.)
//
// A job that leaves the finished state (requeued) drops out of the ledger
// and is counted again when it ends again: that is a second run.
#pragma once

#include <cstdint>
#include <limits>
#include <unordered_map>
#include <vector>

namespace tailfold {

class LearnLedger {
  public:
    // What the store held; ids whose jobs are not seen yet stay listed
    // until the first whole pass.
    void restore(std::int64_t until, const std::vector<std::uint32_t> &ids);

    // One pass over the whole job list: begin, every job that would teach
    // a runtime, end.  `now` is the pass's time (jobs that end after the
    // pass end at `now` or later).
    void begin(std::int64_t now);
    // True: count this job now.  `completing`: it has ended but is still
    // COMPLETING.
    bool offer(std::uint32_t job_id, std::int64_t end_time, bool completing);
    // Forgets the jobs not offered in this pass (purged from slurmctld or
    // requeued) and moves the watermark.
    void end();

    std::int64_t until() const { return until_; }
    // The counted jobs that ended after until(), in increasing order.
    std::vector<std::uint32_t> ids() const;

  private:
    static constexpr std::int64_t kUnknownEnd = std::numeric_limits<std::int64_t>::max();
    struct Counted {
        std::int64_t end;
        std::uint64_t pass;  // the last pass that offered it
    };
    std::int64_t until_ = 0;
    std::uint64_t pass_ = 0;
    std::int64_t now_ = 0;
    std::int64_t earliest_completing_ = kUnknownEnd;
    // Every job counted (now or before the watermark) still in the job list.
    std::unordered_map<std::uint32_t, Counted> counted_;
};

}  // namespace tailfold
