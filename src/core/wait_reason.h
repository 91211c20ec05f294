// tailfold core: what a pending job waits for.  GPL-2.0-or-later.
//
// The backfill plan gives every job it reaches a start (held, or an
// estimate); this says what keeps it from starting sooner, so squeue and
// scontrol can name the blocker instead of a bare "Resources".  It looks
// at the job against the cluster without held starts and estimates
// (running jobs to their expected ends as the forecast sees them,
// reservations, down nodes and the jobs started this pass):
//   - the job fits there now: a held start of a job ahead blocks it (the
//     first held start, in priority order, whose nodes or licences the job
//     would need before it ends);
//   - it fits there later, and sooner without its licences: a licence;
//     sooner without its generic resources: a generic resource;
//     otherwise CPUs, memory or nodes, free at that later time;
//   - its planned start is later still: jobs of higher priority are
//     planned there first.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "timeline.h"

namespace tailfold {

enum class WaitCause {
    kHeldStart,  // fits now, but would delay the held start of a job ahead
    kResources,  // CPUs, memory or nodes in use until `free_at`
    kLicense,    // licence `which` in use until `free_at`
    kGres,       // generic resource `which` in use until `free_at`
    kNoFit,      // fits nowhere within the window
};

struct WaitReason {
    WaitCause cause = WaitCause::kResources;
    // kHeldStart: the blocking held start (the caller's tag, its start).
    std::uint64_t held_tag = 0;
    std::int64_t held_start = 0;
    std::vector<std::uint32_t> held_nodes;
    // kLicense, kGres: which one (the timeline's number).
    std::uint32_t which = 0;
    // kResources, kLicense, kGres: when what it needs is free, as far as
    // running jobs go.
    std::int64_t free_at = 0;
    // Jobs of higher priority are planned first: its expected start is
    // later than `free_at` (note_jobs_ahead).
    bool jobs_ahead = false;
};

// Jobs ahead: a start expected later than what it needs is free (as far
// as running jobs go), or none within the window although it fits there
// on what running jobs leave, means jobs ahead are planned there first.
inline void note_jobs_ahead(WaitReason &w, std::optional<std::int64_t> expected)
{
    if (w.cause == WaitCause::kResources || w.cause == WaitCause::kLicense || w.cause == WaitCause::kGres)
        w.jobs_ahead = w.jobs_ahead || !expected || *expected > w.free_at;
}

class WaitExplainer {
  public:
    // `running`: the cluster before any held start (a copy is kept).
    explicit WaitExplainer(const Timeline &running) : base_(running) {}

    // A job started this pass, and a held start (in priority order).
    void started(const Request &r, const Placement &p) { base_.reserve(r, p); }
    void held(std::uint64_t tag, const Request &r, const Placement &p);

    // Why a job that did not start waits.  `not_before` as given to the
    // plan.  Whether jobs ahead come first is for note_jobs_ahead, with
    // the job's expected start.
    WaitReason explain(const Request &r, std::int64_t not_before) const;

  private:
    struct Held {
        std::uint64_t tag;
        std::int64_t start, end;
        std::vector<std::uint32_t> nodes;
        std::vector<std::pair<std::uint32_t, std::uint32_t>> licenses;
    };
    Timeline base_;
    std::vector<Held> held_;
};

}  // namespace tailfold
