// tailfold core: chain credit, the queue time a chain of dependent jobs
// already paid.  GPL-2.0-or-later.
//
// A workflow that runs as a chain of batch jobs (each submitted with
// --dependency on the one before) queues once per link: every successor
// becomes eligible when its predecessor ends and starts its age at zero,
// behind everything submitted while the predecessor ran.  Wrapped into one
// job, the same work queues once.  With chain credit a successor's age
// counts, on top of its own wait, the waits its chain already paid:
//
//   credit(S) = max over S's predecessors P that qualify of
//               wait(P) + credit(P)
//   wait(P)   = P's start - the time P became eligible
//
// A predecessor qualifies when it ran (it has a start and an end), belongs
// to S's user, and had not ended before S was submitted (a job submitted
// after its predecessor ended is a new job, not a waiting link).  The
// credit is never more than the waits the chain paid, and the age with it
// is capped at PriorityMaxAge as any age is.  Until S is eligible its age
// is its credit so far alone (the waits of the predecessors that started).  Several predecessors: the
// longest-waiting qualifying path counts, not the sum of the branches.
//
// ChainBook keeps what the rule needs between the moment a successor is
// seen waiting on its predecessors (slurmctld forgets them once they are
// met) and the moment it becomes eligible, and the credit of each linked
// job until its own successors took it; it saves and loads itself as text
// (a line per entry) so the credit survives a restart of slurmctld.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

namespace tailfold {

// A predecessor as the rule sees it once it has ended.
struct ChainLink {
    std::uint32_t user = 0;
    std::int64_t eligible = 0;  // when its own wait began (0: unknown, no wait counted)
    std::int64_t start = 0;     // 0: it never ran
    std::int64_t end = 0;       // 0: it has not ended
    std::int64_t credit_s = 0;  // the credit it carried itself
};

// What P gives a successor of `user` submitted at `submit`: its wait plus
// its own credit, or -1 when it does not qualify.
std::int64_t link_credit(const ChainLink &p, std::uint32_t user, std::int64_t submit);

// A predecessor as of `now`: one still running counts as if it ended now
// (what a waiting successor's credit so far takes from it).
ChainLink link_as_of(ChainLink p, std::int64_t now);

// Of two tasks of one whole array, whether `a` gives its user more credit
// than `b` (a successor waiting on the array takes the task giving most).
bool gives_more(const ChainLink &a, const ChainLink &b);

// The rule over a successor's ended predecessors: the largest qualifying
// link_credit, 0 if none qualifies; capped at max_s when max_s > 0.
std::int64_t chain_credit(std::uint32_t user, std::int64_t submit, const ChainLink *preds, std::size_t n,
                          std::int64_t max_s);

class ChainBook {
  public:
    // A job id, or a whole job array (array_key), as a dependency names it.
    using Key = std::uint64_t;
    static Key array_key(std::uint32_t array_job_id) { return (Key(1) << 63) | array_job_id; }
    static bool is_array_key(Key k) { return k >> 63; }

    // A successor waiting on `preds`.  Seen again before it is settled, its
    // predecessors are replaced (a dependency can be updated); once settled
    // it is left as it is.
    void watch(Key job, std::uint32_t user, std::int64_t submit, const std::vector<Key> &preds);
    bool watched(Key job) const { return waiting_.count(job) != 0; }
    bool settled(Key job) const;
    // Whether a waiting (not yet settled) successor names `pred`.
    bool wanted(Key pred) const { return wanted_.count(pred) != 0; }

    // `pred` ended: kept while a waiting successor names it.  Seen twice
    // (the tasks of one array under its array key), the link giving the
    // most credit to its user is kept.
    void ended(Key pred, const ChainLink &link);

    // The successor became eligible: its credit from the links kept for its
    // predecessors (a predecessor never seen to end gives none), fixed from
    // now on; later calls return the same.  0 for a job not watched.
    std::int64_t settle(Key job, std::int64_t max_s);
    // A waiting successor's credit so far, from the predecessors that have
    // started (the glue passes a running one as if it ended now): its
    // priority carries it before it becomes eligible, so the scheduler
    // that sees it eligible first already ranks it with its credit.
    void set_provisional(Key job, std::int64_t credit);
    // A waiting successor's predecessors that have no link yet.
    std::vector<Key> unlinked(Key job) const;
    // A settled job's credit, a waiting one's provisional credit, else 0.
    std::int64_t credit(Key job) const;

    // Forgets successors for which `alive` is false (their jobs are gone)
    // and links no waiting successor names any more.
    void prune(const std::function<bool(Key)> &alive);

    std::size_t successors() const { return waiting_.size(); }
    std::size_t links() const { return links_.size(); }

    // Text, one entry a line (format in chain_credit.cc).  parse replaces
    // the book only when the whole text is good; otherwise it leaves the
    // book as it was and sets `error` to what is wrong and on which line
    // ("line N: ..."), or "empty (0 bytes)".
    std::string save() const;
    bool parse(const std::string &text, std::string &error);

  private:
    struct Successor {
        std::uint32_t user = 0;
        std::int64_t submit = 0;
        bool settled = false;
        std::int64_t credit = 0;
        std::vector<Key> preds;
    };
    void unwant(const Successor &s);
    std::unordered_map<Key, Successor> waiting_;
    std::unordered_map<Key, ChainLink> links_;
    std::unordered_map<Key, std::uint32_t> wanted_;  // pred -> waiting successors naming it
};

}  // namespace tailfold
