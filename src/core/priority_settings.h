// tailfold core: the multifactor settings, free of Slurm types.  GPL-2.0-or-later.
//
// The glue fills this from slurm.conf (PriorityWeight*, PriorityFlags,
// PriorityMaxAge, PriorityFavorSmall ...); the core never reads Slurm's
// configuration itself, so the simulator can fill it from a file.
#pragma once

#include <cstdint>
#include <vector>

#include "duration_params.h"

namespace tailfold {

// PriorityFlags that change the arithmetic (slurm.conf(5)).
enum PriorityFlag : std::uint32_t {
    kAccrueAlways = 1u << 0,         // age counts from submission, not eligibility
    kSmallRelativeToTime = 1u << 1,  // job size = CPUs / time limit
    kNoNormalAssoc = 1u << 2,        // use the raw association priority
    kNoNormalPart = 1u << 3,         // use the raw partition PriorityJobFactor
    kNoNormalQos = 1u << 4,          // use the raw QoS priority
    kNoNormalTres = 1u << 5,         // use raw TRES counts
    kIncrOnly = 1u << 6,             // a recalculation never lowers a priority
    kCalculateRunning = 1u << 7,     // running jobs are recalculated (and shown by sprio)
    kFairTree = 1u << 8,             // Fair Tree fair share (Slurm's default)
    kMaxTres = 1u << 9,              // billing = max over node TRES + sum of global ones
};

struct PriorityWeights {
    double age = 0, assoc = 0, fairshare = 0, job_size = 0, partition = 0, qos = 0;
    std::vector<double> tres;  // PriorityWeightTRES, by TRES position; empty = none
};

struct PrioritySettings {
    PriorityWeights weights;
    std::uint32_t flags = kFairTree;
    std::int64_t max_age_s = 7 * 24 * 3600;  // PriorityMaxAge (default 7-0)
    bool favor_small = false;                // PriorityFavorSmall
    DurationParams duration;                 // PriorityParameters duration_*
    std::int64_t duration_max_s = 0;         // resolved upper bound (duration_max or the
                                             // largest partition MaxTime)

    bool has(PriorityFlag f) const { return (flags & f) != 0; }
};

}  // namespace tailfold
