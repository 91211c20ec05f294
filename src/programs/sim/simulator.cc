// tailfold-sim: the event loop.  GPL-2.0-or-later.
#include "simulator.h"

#include <algorithm>
#include <optional>
#include <queue>
#include <unordered_map>
#include <string>

#include "src/core/backfill_planner.h"
#include "src/core/chain_credit.h"
#include "src/core/estimate_memo.h"
#include "src/core/job_priority.h"
#include "src/core/owner_fold.h"
#include "src/core/pass_order.h"
#include "src/core/start_forecast.h"
#include "fair_share.h"
#include "src/core/runtime_estimator.h"
#include "src/core/timeline.h"
#include "src/core/usage_decay.h"

namespace tf_sim {

const char *to_string(Policy p)
{
    switch (p) {
    case Policy::kFcfs:
        return "fcfs";
    case Policy::kEasy:
        return "easy";
    case Policy::kMultifactor:
        return "multifactor";
    case Policy::kTailfold:
        return "tailfold";
    }
    return "?";
}

bool parse_policy(const std::string &text, Policy &out)
{
    for (Policy p : {Policy::kFcfs, Policy::kEasy, Policy::kMultifactor, Policy::kTailfold})
        if (text == to_string(p)) {
            out = p;
            return true;
        }
    return false;
}

namespace {

// JobPriority treats time 0 as "not accruing"; traces start at 0.
constexpr std::int64_t kEpoch = 1000000000;

struct Running {
    std::size_t job;
    std::int64_t planned_end;  // what the planner assumes
    std::int64_t limit_end;    // when it would be killed
    tailfold::Placement placement;
    std::int64_t start;
    // What the forecast expects of it (start_estimates), for
    // tailfold::forecast_end, as sched/tailfold's expected_end does.
    tailfold::Estimate forecast;
};

class Engine {
  public:
    Engine(const Workload &w, const SimSettings &s)
        : w_(w), s_(s), prio_settings_(s.prio), fs_(w, s.half_life_s)
    {
        if (s.policy != Policy::kTailfold) {
            prio_settings_.duration.weight = 0;
            prio_settings_.duration.chain_credit = false;
        }
        const std::uint32_t cpus = s.cpus ? s.cpus : w.machine_cpus;
        const std::uint32_t per = s.cpus_per_node && s.cpus_per_node < cpus ? s.cpus_per_node : cpus;
        for (std::uint32_t left = cpus; left > 0; left -= std::min(left, per))
            nodes_.push_back({std::min(left, per), 0, true});
        res_.jobs.resize(w.jobs.size());
        for (const SimJob &j : w.jobs)
            max_limit_ = std::max(max_limit_, j.limit);
        if (!prio_settings_.duration_max_s)
            prio_settings_.duration_max_s =
                prio_settings_.duration.max_s ? prio_settings_.duration.max_s : std::max<std::int64_t>(max_limit_, 1);
        calc_.emplace(prio_settings_, tailfold::ClusterSize{
                                          s.cpus ? s.cpus : w.machine_cpus, std::uint32_t(nodes_.size())});
    }

    SimResult run(const std::function<void(std::size_t, std::size_t)> &progress)
    {
        // Jobs submitted at their time, in submit order; chained jobs when
        // their predecessor ends.
        std::vector<std::size_t> order;
        for (std::size_t i = 0; i < w_.jobs.size(); ++i) {
            if (w_.jobs[i].after < 0)
                order.push_back(i);
            else
                followers_.emplace(std::size_t(w_.jobs[i].after), i);
        }
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            return w_.jobs[a].submit < w_.jobs[b].submit;
        });
        std::size_t next = 0, done = 0;
        while (next < order.size() || !ends_.empty()) {
            std::int64_t t = next < order.size() ? w_.jobs[order[next]].submit : INT64_MAX;
            if (!ends_.empty())
                t = std::min(t, ends_.top().first);
            while (!ends_.empty() && ends_.top().first == t) {
                finish(ends_.top().second, t);
                ends_.pop();
                ++done;
            }
            while (next < order.size() && w_.jobs[order[next]].submit == t)
                submit(order[next++], t);
            schedule(t);
            if (progress && (done & 1023) == 0)
                progress(done, w_.jobs.size());
        }
        return std::move(res_);
    }

  private:
    const Workload &w_;
    const SimSettings &s_;
    std::vector<tailfold::NodeCapacity> nodes_;
    std::vector<std::size_t> pending_;  // submit order
    std::unordered_multimap<std::size_t, std::size_t> followers_;  // job -> jobs submitted at its end

    void submit(std::size_t idx, std::int64_t now)
    {
        res_.jobs[idx].submit = now;
        pending_.push_back(idx);
        // A chained job is submitted with its dependency at its own submit
        // time and becomes eligible now, at its predecessor's end: with
        // chain_credit=on its age counts what the chain waited so far
        // (src/core/chain_credit.h, the plugin's rule).
        const SimJob &j = w_.jobs[idx];
        if (j.after >= 0 && prio_settings_.duration.chain_credit) {
            const std::size_t p = std::size_t(j.after);
            tailfold::ChainLink l;
            l.user = w_.jobs[p].user;
            l.eligible = kEpoch + res_.jobs[p].submit;
            l.start = kEpoch + res_.jobs[p].start;
            l.end = kEpoch + res_.jobs[p].end;
            l.credit_s = credit_[p];
            credit_[idx] = tailfold::chain_credit(j.user, kEpoch + j.submit, &l, 1, prio_settings_.max_age_s);
        }
    }
    std::vector<std::int64_t> credit_ = std::vector<std::int64_t>(w_.jobs.size());  // chain credit per job
    std::vector<Running> running_;
    std::priority_queue<std::pair<std::int64_t, std::size_t>,
                        std::vector<std::pair<std::int64_t, std::size_t>>, std::greater<>>
        ends_;
    tailfold::RuntimeEstimator est_;
    mutable tailfold::EstimateMemo memo_;  // est_'s answers per job
    std::int64_t max_limit_ = 0;
    SimResult res_;
    tailfold::PrioritySettings prio_settings_;
    std::optional<tailfold::JobPriority> calc_;  // refers to prio_settings_
    SimFairShare fs_;
    std::int64_t last_decay_ = -1;
    bool rank_stale_ = false;
    std::vector<std::pair<std::size_t, std::int64_t>> ended_;  // (job, end) since the last decay
    std::unordered_map<std::uint32_t, std::vector<tailfold::FoldMember>> owners_;  // scratch of fold_owners
    tailfold::FoldScratch fold_scratch_;
    std::vector<tailfold::TailJob> tail_;  // scratch of reorder_tail
    std::vector<std::size_t> place_ = std::vector<std::size_t>(w_.jobs.size());  // job -> place in a pass's order
    // With start_estimates: per pending job, (pass time, planned start or
    // -1) each time that changed, back to the last one an hour or more
    // old (all that start() can still need).
    std::vector<std::vector<std::pair<std::int64_t, std::int64_t>>> planned_ =
        std::vector<std::vector<std::pair<std::int64_t, std::int64_t>>>(s_.start_estimates ? w_.jobs.size() : 0);

    void note_plan(std::size_t idx, std::int64_t now, std::int64_t planned)
    {
        JobOutcome &o = res_.jobs[idx];
        if (o.first_pass < 0) {
            o.first_pass = now;
            o.planned_first = planned;
        }
        auto &h = planned_[idx];
        if (h.empty() || h.back().second != planned)
            h.push_back({now, planned});
        std::size_t drop = 0;
        while (drop + 1 < h.size() && h[drop + 1].first <= now - 3600)
            ++drop;
        h.erase(h.begin(), h.begin() + std::ptrdiff_t(drop));
    }

    bool by_priority() const
    {
        return s_.policy == Policy::kMultifactor || s_.policy == Policy::kTailfold;
    }

    // priority/tailfold's decay pass, every PriorityCalcPeriod of simulated
    // time: decay what was, charge what ran since (jobs that ended too),
    // rank again.
    void decay_pass(std::int64_t now)
    {
        if (last_decay_ < 0) {
            last_decay_ = now;
            return;
        }
        if (now - last_decay_ < s_.calc_period_s)
            return;
        fs_.decay(double(now - last_decay_));
        auto charge = [&](std::size_t idx, std::int64_t end, bool final) {
            const SimJob &j = w_.jobs[idx];
            const double secs = tailfold::charged_seconds(last_decay_, now, res_.jobs[idx].start, end, final);
            fs_.charge(j.user, double(j.cpus) * fs_.decayed(secs));
        };
        for (const Running &r : running_)
            charge(r.job, now, false);
        for (const auto &[idx, end] : ended_)
            charge(idx, end, true);
        ended_.clear();
        rank_stale_ = true;  // ranked when a pass first needs it (order_queue)
        last_decay_ = now;
    }

    bool predicted() const
    {
        return s_.policy == Policy::kTailfold && s_.backfill.runtime == tailfold::PlanRuntime::kPredicted;
    }

    // A job's expected runtime, through the memo priority/tailfold keeps
    // (src/core/estimate_memo.h): a pass asks for every pending job, and
    // the answer changes only when its user's history does.
    tailfold::Estimate estimate(std::size_t idx) const
    {
        const SimJob &j = w_.jobs[idx];
        const std::uint32_t id = std::uint32_t(idx + 1);  // job ids start at 1
        tailfold::Estimate e;
        if (memo_.find(id, j.user, j.limit, e))
            return e;
        e = est_.estimate(j.user, std::to_string(j.group), std::to_string(j.app), j.limit,
                          s_.prio.duration.source, s_.prio.duration.history_runs);
        memo_.put(id, j.user, j.limit, e);
        return e;
    }
    double expected_runtime(std::size_t idx) const { return estimate(idx).seconds; }

    // What the planner assumes a job runs for.
    std::int64_t planned_runtime(std::size_t idx) const
    {
        const SimJob &j = w_.jobs[idx];
        std::int64_t d = j.limit;
        if (predicted()) {
            const double e = expected_runtime(idx);
            if (e > 0)
                d = std::min<std::int64_t>(d, static_cast<std::int64_t>(e));
        }
        return std::max<std::int64_t>(d, 1);
    }

    // What the forecast assumes a job runs for (bf_estimate): its learned
    // runtime carried to its limit (Estimate::forecast_seconds) whatever
    // the plan uses, or its limit.
    std::int64_t forecast_runtime(std::size_t idx) const
    {
        return static_cast<std::int64_t>(forecast_estimate(idx).forecast_seconds);
    }

    // The estimate the forecast uses, forecast_seconds made what
    // forecast_runtime says (bf_estimate=limit: the limit, no runs).
    tailfold::Estimate forecast_estimate(std::size_t idx) const
    {
        const SimJob &j = w_.jobs[idx];
        tailfold::Estimate e;
        std::int64_t d = j.limit;
        if (s_.backfill.estimate != tailfold::ForecastRuntime::kLimit) {
            e = estimate(idx);
            if (e.forecast_seconds > 0)
                d = std::min<std::int64_t>(d, static_cast<std::int64_t>(e.forecast_seconds));
        }
        e.forecast_seconds = double(std::max<std::int64_t>(d, 1));
        return e;
    }

    void finish(std::size_t idx, std::int64_t now)
    {
        auto [f, l] = followers_.equal_range(idx);
        for (; f != l; ++f)
            submit(f->second, now);
        auto it = std::find_if(running_.begin(), running_.end(),
                               [&](const Running &r) { return r.job == idx; });
        if (it != running_.end()) {
            *it = std::move(running_.back());
            running_.pop_back();
        }
        if (by_priority())
            ended_.push_back({idx, res_.jobs[idx].end});
        const SimJob &j = w_.jobs[idx];
        const std::uint64_t evictions = est_.evictions();
        est_.record(j.user, std::to_string(j.group), std::to_string(j.app), j.runtime, j.limit,
                    j.runtime >= j.limit);
        if (est_.evictions() != evictions)
            memo_.invalidate();  // other users' entries went too
        else
            memo_.invalidate_user(j.user);
    }

    void start(std::size_t idx, const tailfold::Placement &p, std::int64_t now)
    {
        const SimJob &j = w_.jobs[idx];
        res_.jobs[idx].start = now;
        res_.jobs[idx].end = now + j.runtime;
        if (s_.start_estimates) {
            if (res_.jobs[idx].first_pass < 0) {  // started at its first pass
                res_.jobs[idx].first_pass = now;
                res_.jobs[idx].planned_first = now;
            }
            // The plan in force an hour before: the last one made then.
            std::int64_t in_force = -1;
            for (const auto &[at, planned] : planned_[idx])
                if (at <= now - 3600)
                    in_force = planned;
            res_.jobs[idx].planned_hour_before = in_force;
            planned_[idx].clear();
            planned_[idx].shrink_to_fit();
        }
        ends_.push({now + j.runtime, idx});
        running_.push_back({idx, now + planned_runtime(idx), now + j.limit, p, now,
                            s_.start_estimates ? forecast_estimate(idx) : tailfold::Estimate{}});
    }

    void order_queue(std::int64_t now)
    {
        if (!by_priority())
            return;  // submit order
        if (rank_stale_) {
            // Usage changes only in decay_pass, so ranking here gives what
            // ranking there would have; a period without pending jobs
            // needs no ranking at all.
            fs_.rank();
            rank_stale_ = false;
        }
        std::vector<std::pair<std::uint32_t, std::size_t>> keyed;
        keyed.reserve(pending_.size());
        for (std::size_t idx : pending_) {
            const SimJob &j = w_.jobs[idx];
            tailfold::JobFacts f;
            f.accrue_time = kEpoch + res_.jobs[idx].submit;
            f.age_credit_s = credit_[idx];
            f.fairshare = fs_.factor(j.user);
            f.min_cpus = j.cpus;
            f.has_time_limit = true;
            f.time_limit_min = std::uint32_t((j.limit + 59) / 60);
            f.expected_runtime_s = prio_settings_.duration.weight ? expected_runtime(idx) : 0;
            tailfold::WeightedFactors w = calc_->weigh(f, tailfold::PartitionFacts{}, kEpoch + now);
            if (owner_fold()) {
                const std::int64_t boost = w.duration;
                w.duration = 0;
                const std::uint32_t base = tailfold::JobPriority::sum(w, 0, 0);
                keyed.push_back({base, idx});
                if (j.user)  // 0: the trace names no user, so the job is its own owner
                    owners_[j.user].push_back({base, boost, idx, base, res_.jobs[idx].submit});
                continue;
            }
            keyed.push_back({tailfold::JobPriority::sum(w, 0, 0), idx});
        }
        if (owner_fold())
            fold_owners(keyed);
        // Highest first; equal priorities in trace order, as Slurm breaks
        // ties by job id.
        std::sort(keyed.begin(), keyed.end(), [](const auto &a, const auto &b) {
            return a.first != b.first ? a.first > b.first : a.second < b.second;
        });
        for (std::size_t i = 0; i < keyed.size(); ++i)
            pending_[i] = keyed[i].second;
    }

    // sched/tailfold's own settings (bf_order, bf_starve_age) apply to the
    // tailfold policy; easy and multifactor stand for Slurm's sched/backfill.
    bool sched_tailfold() const { return s_.policy == Policy::kTailfold; }

    // The queue after the reservation depth filled, as sched/tailfold tries
    // it (src/core/pass_order.h): the jobs the pass will still look at,
    // from place `from` on, reordered in pending_.
    void reorder_tail(std::size_t from, std::size_t tested, std::int64_t now)
    {
        std::size_t to = pending_.size();
        if (s_.backfill.max_job_test)
            to = std::min(to, from + (s_.backfill.max_job_test > tested ? s_.backfill.max_job_test - tested : 0));
        if (to - from < 2)
            return;
        tail_.clear();
        for (std::size_t k = from; k < to; ++k) {
            const std::size_t idx = pending_[k];
            tail_.push_back({idx, expected_runtime(idx),
                             tailfold::is_starving(res_.jobs[idx].submit, now, s_.backfill.starve_age_s)});
        }
        tailfold::order_tail(tail_, s_.backfill.order);
        for (std::size_t k = from; k < to; ++k)
            pending_[k] = tail_[k - from].ref;
    }

    bool owner_fold() const
    {
        return prio_settings_.duration.weight && prio_settings_.duration.scope == tailfold::DurationScope::kOwner;
    }

    // duration_scope=owner: each user's batches take their own priorities
    // in their boosted order (src/core/owner_fold.h).  The trace has one
    // partition and no accounts, so an owner is a user; a job becomes
    // eligible at its submission (a chained job: at its predecessor's end).
    void fold_owners(std::vector<std::pair<std::uint32_t, std::size_t>> &keyed)
    {
        for (std::size_t k = 0; k < keyed.size(); ++k)
            place_[keyed[k].second] = k;
        for (auto &[user, members] : owners_) {
            if (members.size() > 1) {
                tailfold::fold_owner(members, prio_settings_.duration.batch_s, fold_scratch_);
                for (const tailfold::FoldMember &m : members)
                    keyed[place_[m.order]].first = m.folded;
            }
            members.clear();
        }
    }

    void schedule(std::int64_t now)
    {
        if (by_priority())
            decay_pass(now);
        if (pending_.empty())
            return;
        ++res_.passes;
        order_queue(now);
        tailfold::Timeline tl(nodes_, now, std::int64_t(s_.backfill.window_min) * 60,
                              s_.backfill.resolution_s);
        for (const Running &r : running_) {
            const std::int64_t end =
                r.planned_end == r.limit_end
                    ? std::max(r.limit_end, now + 1)
                    : tailfold::planned_end(now, r.planned_end, r.limit_end, s_.backfill.resolution_s);
            for (const auto &[node, cpus] : r.placement.nodes)
                tl.occupy(node, now, end, cpus, 0);
        }
        // The forecast (src/core/start_forecast.h): its own plan, with
        // learned runtimes whatever the backfill plan uses.
        std::optional<tailfold::StartForecast> forecast;
        std::optional<tailfold::WaitExplainer> blockers;  // what keeps a job back, for the forecast
        if (s_.start_estimates) {
            tailfold::Timeline ftl(nodes_, now, std::int64_t(s_.backfill.forecast_window_min()) * 60,
                                   s_.backfill.resolution_s);
            for (const Running &r : running_) {
                const std::int64_t end =
                    tailfold::forecast_end(now, r.start, r.forecast, r.limit_end, s_.backfill.resolution_s);
                for (const auto &[node, cpus] : r.placement.nodes)
                    ftl.occupy(node, now, end, cpus, 0);
            }
            blockers.emplace(ftl);  // running jobs as the forecast sees them
            forecast.emplace(std::move(ftl));
        }
        tailfold::BackfillPass pass(tl, s_.backfill.reservations);
        std::vector<std::size_t> still;
        still.reserve(pending_.size());
        std::size_t tested = 0;
        bool blocked = false, reordered = !sched_tailfold() || !tailfold::reorders_tail(s_.backfill);
        for (std::size_t k = 0; k < pending_.size(); ++k) {
            if (!reordered && pass.depth_full()) {
                reorder_tail(k, tested, now);
                reordered = true;
            }
            const std::size_t idx = pending_[k];
            const SimJob &j = w_.jobs[idx];
            tailfold::Request r;
            r.cpus = j.cpus;
            r.duration_s = planned_runtime(idx);
            if (blocked || (s_.backfill.max_job_test && tested >= s_.backfill.max_job_test)) {
                if (s_.start_estimates)
                    note_plan(idx, now, -1);
                still.push_back(idx);
                continue;
            }
            ++tested;
            if (s_.policy == Policy::kFcfs) {
                if (auto p = tl.fits_at(r, now)) {
                    tl.reserve(r, *p);
                    start(idx, *p, now);
                } else {
                    blocked = true;
                    if (s_.start_estimates)
                        note_plan(idx, now, -1);
                    still.push_back(idx);
                }
                continue;
            }
            if (auto ok = pass.start_now(r)) {
                tailfold::Request on = r;
                on.allowed = std::move(*ok);
                const tailfold::Placement p = *tl.fits_at(on, now);
                pass.started(r, p);
                if (forecast) {
                    tailfold::Request f = r;
                    f.duration_s = forecast_runtime(idx);
                    forecast->started(f, p);
                    blockers->started(f, p);
                }
                start(idx, p, now);
            } else {
                // With start_estimates, every job that does not start
                // takes its place in the forecast.
                const bool starving = sched_tailfold() &&
                                      tailfold::is_starving(res_.jobs[idx].submit, now, s_.backfill.starve_age_s);
                const tailfold::PlanDecision d = pass.hold(r, now, false, 1, starving);
                if (forecast) {
                    // As sched/tailfold's pass does (backfill_cycle.cc).
                    const bool held = d.kind == tailfold::PlanKind::kReserved;
                    if (held)
                        blockers->held(idx, r, d.placement);
                    const tailfold::WaitReason w = blockers->explain(r, now);
                    tailfold::Request f = r;
                    f.duration_s = forecast_runtime(idx);
                    const std::optional<tailfold::Placement> p = forecast->place(f, now, 1, w);
                    if (held && p)
                        forecast->note_held(idx, p->start);
                    note_plan(idx, now, p ? p->start : -1);
                }
                still.push_back(idx);
            }
        }
        pending_.swap(still);
    }
};

}  // namespace

SimResult simulate(const Workload &w, const SimSettings &s,
                   const std::function<void(std::size_t, std::size_t)> &progress)
{
    return Engine(w, s).run(progress);
}

}  // namespace tf_sim
