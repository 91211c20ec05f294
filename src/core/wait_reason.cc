// tailfold core: what a pending job waits for.  GPL-2.0-or-later.
#include "wait_reason.h"

#include <algorithm>

namespace tailfold {

void WaitExplainer::held(std::uint64_t tag, const Request &r, const Placement &p)
{
    Held h{tag, p.start, p.start + std::max<std::int64_t>(r.duration_s, 1), {}, r.licenses};
    for (const auto &n : p.nodes)
        h.nodes.push_back(n.first);
    held_.push_back(std::move(h));
}

namespace {

bool shares_node(const std::vector<std::uint32_t> &held, const Placement &p)
{
    for (const auto &n : p.nodes)
        if (std::find(held.begin(), held.end(), n.first) != held.end())
            return true;
    return false;
}

bool shares_license(const std::vector<std::pair<std::uint32_t, std::uint32_t>> &a,
                    const std::vector<std::pair<std::uint32_t, std::uint32_t>> &b)
{
    for (const auto &x : a)
        for (const auto &y : b)
            if (x.first == y.first)
                return true;
    return false;
}

}  // namespace

WaitReason WaitExplainer::explain(const Request &r, std::int64_t not_before) const
{
    WaitReason w;
    const std::optional<Placement> alone = base_.earliest(r, not_before);
    if (!alone) {
        w.cause = WaitCause::kNoFit;
        return w;
    }
    const std::int64_t first = std::max(not_before, base_.now());
    if (alone->start <= first) {
        // What running jobs leave is enough now: a held start keeps it
        // from there.  The first one in priority order that overlaps the
        // job's run where the job would go (its nodes, or a licence both
        // hold) is named.
        const std::int64_t end = alone->start + std::max<std::int64_t>(r.duration_s, 1);
        const Held *blocking = nullptr, *elsewhere = nullptr;
        for (const Held &h : held_) {
            if (h.start >= end || h.end <= alone->start)
                continue;
            if (shares_node(h.nodes, *alone) || shares_license(h.licenses, r.licenses)) {
                blocking = &h;
                break;
            }
            // Held elsewhere, but taking what the job would have to move
            // onto: named when none holds its own nodes.
            if (!elsewhere)
                elsewhere = &h;
        }
        if (const Held *h = blocking ? blocking : elsewhere) {
            w.cause = WaitCause::kHeldStart;
            w.held_tag = h->tag;
            w.held_start = h->start;
            w.held_nodes = h->nodes;
            return w;
        }
        w.cause = WaitCause::kResources;  // e.g. the select plugin refused it
        w.free_at = alone->start;
        return w;
    }
    w.cause = WaitCause::kResources;
    w.free_at = alone->start;
    // Which of what it asks for is scarce: sooner without its licences
    // means a licence, sooner without its generic resources a generic
    // resource.
    // The earliest start without part of what it asks for, if sooner.
    auto sooner_without = [&](auto drop) -> std::optional<std::int64_t> {
        Request less = r;
        drop(less);
        const std::optional<Placement> p = base_.earliest(less, not_before);
        if (p && p->start < alone->start)
            return p->start;
        return std::nullopt;
    };
    if (!r.licenses.empty())
        if (const auto t = sooner_without([](Request &q) { q.licenses.clear(); })) {
            w.cause = WaitCause::kLicense;
            w.which = r.licenses.front().first;
            for (const auto &[lic, count] : r.licenses)
                if (base_.license_free_at(lic, *t) < std::int64_t(count)) {
                    w.which = lic;
                    break;
                }
        }
    if (w.cause == WaitCause::kResources && !r.gres.empty() &&
        sooner_without([](Request &q) { q.gres.clear(); })) {
        w.cause = WaitCause::kGres;
        w.which = r.gres.front().gres;
    }
    return w;
}

}  // namespace tailfold
