// sched/tailfold glue: what a pending job waits for, in the job's reason
// as squeue (%r) and scontrol (Reason=) show it.  GPL-2.0-or-later.
//
// The core (src/core/wait_reason) finds the blocker; this writes it in
// Slurm's two fields.  state_reason keeps Slurm's own code (Priority,
// Resources, Licenses), so a tool that counts reasons by code still
// counts these; state_desc, which squeue and scontrol show in its place,
// starts with that code's name and goes on with the blocker, as Slurm's
// own "ReqNodeNotAvail, UnavailableNodes:..." does.
#include "sched_glue.h"

#include <string>

namespace tf_sched {

namespace {

std::string clock_text(time_t t)
{
    struct tm tm;
    char buf[32];
    localtime_r(&t, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    return buf;
}

const std::string &name_of(const NameIndex &index, std::uint32_t n)
{
    static const std::string unknown = "?";
    for (const auto &[name, number] : index)
        if (number == n)
            return name;
    return unknown;
}

std::string node_names(const std::vector<std::uint32_t> &nodes)
{
    std::vector<bool> mask(node_record_count, false);
    for (std::uint32_t n : nodes)
        if (n < mask.size())
            mask[n] = true;
    bitstr_t *bm = to_bitmap(mask);
    char *names = bitmap2node_name(bm);
    FREE_NULL_BITMAP(bm);
    std::string out = names ? names : "";
    xfree(names);
    return out;
}

// Reasons the plan may replace: the generic ones.  Anything else (a node
// not available, a partition's node limit, a reservation) was set by
// whoever knows better.
bool generic(std::uint32_t reason)
{
    return reason == WAIT_NO_REASON || reason == WAIT_RESOURCES || reason == WAIT_PRIORITY ||
           reason == WAIT_LICENSES;
}

}  // namespace

void write_wait_reason(job_record_t *job, const tailfold::WaitReason &w, const ResourceIndex &names,
                       std::uint32_t ahead, time_t expected)
{
    if (!generic(job->state_reason))
        return;
    std::uint32_t reason = WAIT_RESOURCES;
    std::string text;
    const std::string expect = expected ? "; expected start " + clock_text(expected) : "";
    const std::string part = job->part_ptr && job->part_ptr->name ? job->part_ptr->name : "?";
    switch (w.cause) {
    case tailfold::WaitCause::kHeldStart:
        reason = WAIT_PRIORITY;
        text = "Priority, would delay the held start of job " + std::to_string(w.held_tag) + " at " +
               clock_text(w.held_start) + " on " + node_names(w.held_nodes) + expect;
        break;
    case tailfold::WaitCause::kLicense:
        reason = WAIT_LICENSES;
        text = "Licenses, licence " + name_of(names.licenses, w.which) + " in use until " +
               clock_text(w.free_at);
        break;
    case tailfold::WaitCause::kGres:
        text = "Resources, " + name_of(names.gres, w.which) + " in use until " + clock_text(w.free_at);
        break;
    case tailfold::WaitCause::kResources:
        text = "Resources, the nodes it can use are busy until " + clock_text(w.free_at);
        break;
    case tailfold::WaitCause::kNoFit:
        text = "Resources, no place within bf_estimate_window (" +
               std::to_string(params().forecast_window_min()) + " min)";
        break;
    }
    if (w.jobs_ahead && ahead && w.cause != tailfold::WaitCause::kHeldStart &&
        w.cause != tailfold::WaitCause::kNoFit) {
        // Free then, but jobs ahead are planned there first.
        reason = WAIT_PRIORITY;
        text = "Priority, " + std::to_string(ahead) + " jobs of higher priority ahead in partition " + part +
               "; " + text.substr(text.find(", ") + 2);
    }
    if (w.cause != tailfold::WaitCause::kHeldStart)
        text += expect;
    if (!expected && w.cause != tailfold::WaitCause::kNoFit)
        text += "; no expected start within bf_estimate_window (" +
                std::to_string(params().forecast_window_min()) + " min)";
    if (job->state_reason == reason && job->state_desc && text == job->state_desc)
        return;
    job->state_reason = reason;
    xfree(job->state_desc);
    job->state_desc = xstrdup(text.c_str());
}

}  // namespace tf_sched
