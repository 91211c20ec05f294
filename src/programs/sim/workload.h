// tailfold-sim: a workload to replay.  GPL-2.0-or-later.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tf_sim {

struct SimJob {
    std::uint64_t id = 0;
    std::int64_t submit = 0;         // seconds from the trace's start
    std::int64_t runtime = 0;        // what it really ran
    std::int64_t limit = 0;          // what the user asked for (>= runtime)
    std::uint32_t cpus = 1;
    std::uint32_t user = 0, group = 0;
    std::uint32_t app = 0;            // executable number: the job's "name" for learned runtimes
    std::int64_t recorded_wait = -1;  // the trace's own wait, -1: unknown
    // Index (in Workload::jobs) of the job this one is submitted after:
    // it is submitted when that one ends.  -1: at `submit`.
    std::int64_t after = -1;
};


struct Workload {
    std::vector<SimJob> jobs;    // by submit time
    std::uint32_t machine_cpus = 0;  // from the trace header, 0: unknown
    std::size_t bad_lines = 0;       // reported and skipped
    std::size_t too_big = 0;         // larger than the machine: reported and skipped
    std::size_t limit_raised = 0;    // ran longer than their limit: limit set to the runtime
};

// The user a workflow gets when no owner is given: one of its own, with
// no usage.
constexpr std::uint32_t kFreshChainUser = 0xfffffff0u;

// A chain of dependent jobs (a workflow) added to a workload: `count` jobs
// of `cpus` x `seconds` by `user`, all submitted at `at` (each next one
// with a dependency on the one before: eligible when it ends); or,
// wrapped, one job of cpus x count*seconds.  Returns the indices of the
// chain's jobs.
std::vector<std::size_t> add_chain(Workload &w, std::int64_t at, std::uint32_t count, std::uint32_t cpus,
                                   std::int64_t seconds, bool wrapped, std::uint32_t user = kFreshChainUser);

// The user with the most CPU-seconds of work in `w` (the lowest id on a
// tie); kFreshChainUser when no job names a user (user 0).
std::uint32_t heaviest_user(const Workload &w);

}  // namespace tf_sim
