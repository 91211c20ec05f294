// tailfold core: the order a backfill pass tries jobs in.  GPL-2.0-or-later.
//
// A pass walks the queue in priority order until the reservation depth
// (bf_reservations) is full: those jobs start now or get their held
// starts, as in EASY.  The jobs after that can only start now, where they
// delay no held start, so the order they are tried in decides which of
// them get the holes.  bf_order=shortest tries the shortest expected
// runtime first (shortest-job backfill: a hole fits more short jobs, and a
// short job waiting costs more bounded slowdown than a long one);
// bf_order=priority keeps priority order, as Slurm's backfill does.
// Either way jobs pending longer than bf_starve_age come first, each with
// a held start of its own (BackfillPass::hold, past_depth), so a job that
// ages does not wait for weeks behind newer ones.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "backfill_params.h"

namespace tailfold {

struct TailJob {
    std::size_t ref = 0;         // the caller's handle (its place in priority order)
    double expected_s = 0;       // expected runtime
    bool starving = false;       // pending longer than bf_starve_age
};

// Whether the settings change the order at all: with bf_order=priority
// and no bf_starve_age the tail stays in priority order, and callers skip
// looking up expected runtimes for it.
inline bool reorders_tail(const BackfillParams &p)
{
    return p.order != BackfillOrder::kPriority || p.starve_age_s > 0;
}

// Reorders `tail` (given in priority order) in place: starving jobs first,
// in priority order; then the others by `order`, equal expected runtimes
// in priority order.
void order_tail(std::vector<TailJob> &tail, BackfillOrder order);

// Whether a job eligible since `eligible` has waited past `starve_age_s`
// at `now` (0: the guard is off).
inline bool is_starving(std::int64_t eligible, std::int64_t now, std::int64_t starve_age_s)
{
    return starve_age_s > 0 && eligible > 0 && now - eligible >= starve_age_s;
}

}  // namespace tailfold
