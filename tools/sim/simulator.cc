// tailfold-sim: the event loop.  GPL-2.0-or-later.
#include "simulator.h"

#include <algorithm>
#include <optional>
#include <queue>
#include <unordered_map>
#include <string>

#include "src/core/backfill_planner.h"
#include "src/core/job_priority.h"
#include "fair_share.h"
#include "src/core/runtime_estimator.h"
#include "src/core/timeline.h"
#include "src/core/usage_decay.h"

namespace tfsim {

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
};

class Engine {
  public:
    Engine(const Workload &w, const SimSettings &s)
        : w_(w), s_(s), prio_settings_(s.prio), fs_(w, s.half_life_s)
    {
        if (s.policy != Policy::kTailfold)
            prio_settings_.duration.weight = 0;
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
    }
    std::vector<Running> running_;
    std::priority_queue<std::pair<std::int64_t, std::size_t>,
                        std::vector<std::pair<std::int64_t, std::size_t>>, std::greater<>>
        ends_;
    tailfold::RuntimeEstimator est_;
    std::int64_t max_limit_ = 0;
    SimResult res_;
    tailfold::PrioritySettings prio_settings_;
    std::optional<tailfold::JobPriority> calc_;  // refers to prio_settings_
    SimFairShare fs_;
    std::int64_t last_decay_ = -1;
    std::vector<std::pair<std::size_t, std::int64_t>> ended_;  // (job, end) since the last decay

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
        fs_.rank();
        last_decay_ = now;
    }

    bool predicted() const
    {
        return s_.policy == Policy::kTailfold && s_.backfill.runtime == tailfold::PlanRuntime::kPredicted;
    }

    double expected_runtime(const SimJob &j) const
    {
        return est_
            .estimate(j.user, std::to_string(j.group), std::to_string(j.app), j.limit, s_.prio.duration.source,
                      s_.prio.duration.history_runs)
            .seconds;
    }

    // What the planner assumes a job runs for.
    std::int64_t planned_runtime(const SimJob &j) const
    {
        std::int64_t d = j.limit;
        if (predicted()) {
            const double e = expected_runtime(j);
            if (e > 0)
                d = std::min<std::int64_t>(d, static_cast<std::int64_t>(e));
        }
        return std::max<std::int64_t>(d, 1);
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
        est_.record(j.user, std::to_string(j.group), std::to_string(j.app), j.runtime, j.limit,
                    j.runtime >= j.limit);
    }

    void start(std::size_t idx, const tailfold::Placement &p, std::int64_t now)
    {
        const SimJob &j = w_.jobs[idx];
        res_.jobs[idx].start = now;
        res_.jobs[idx].end = now + j.runtime;
        ends_.push({now + j.runtime, idx});
        running_.push_back({idx, now + planned_runtime(j), now + j.limit, p});
    }

    void order_queue(std::int64_t now)
    {
        if (!by_priority())
            return;  // submit order
        std::vector<std::pair<std::uint32_t, std::size_t>> keyed;
        keyed.reserve(pending_.size());
        for (std::size_t idx : pending_) {
            const SimJob &j = w_.jobs[idx];
            tailfold::JobFacts f;
            f.accrue_time = kEpoch + res_.jobs[idx].submit;
            f.fairshare = fs_.factor(j.user);
            f.min_cpus = j.cpus;
            f.has_time_limit = true;
            f.time_limit_min = std::uint32_t((j.limit + 59) / 60);
            f.expected_runtime_s = prio_settings_.duration.weight ? expected_runtime(j) : 0;
            const tailfold::WeightedFactors w = calc_->weigh(f, tailfold::PartitionFacts{}, kEpoch + now);
            keyed.push_back({tailfold::JobPriority::sum(w, 0, 0), idx});
        }
        // Highest first; equal priorities in submit order, as Slurm breaks
        // ties by job id.
        std::stable_sort(keyed.begin(), keyed.end(),
                         [](const auto &a, const auto &b) { return a.first > b.first; });
        for (std::size_t i = 0; i < keyed.size(); ++i)
            pending_[i] = keyed[i].second;
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
            // A job that outlived its prediction is planned to its limit
            // from then on, as sched/tailfold does.
            const std::int64_t end = r.planned_end > now ? r.planned_end : std::max(r.limit_end, now + 1);
            for (const auto &[node, cpus] : r.placement.nodes)
                tl.occupy(node, now, end, cpus, 0);
        }
        tailfold::BackfillPass pass(tl, s_.backfill.reservations);
        std::vector<std::size_t> still;
        still.reserve(pending_.size());
        std::size_t tested = 0;
        bool blocked = false;
        for (std::size_t idx : pending_) {
            const SimJob &j = w_.jobs[idx];
            tailfold::Request r;
            r.cpus = j.cpus;
            r.duration_s = planned_runtime(j);
            if (blocked || (s_.backfill.max_job_test && tested >= s_.backfill.max_job_test)) {
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
                    still.push_back(idx);
                }
                continue;
            }
            if (auto ok = pass.start_now(r)) {
                tailfold::Request on = r;
                on.allowed = std::move(*ok);
                const tailfold::Placement p = *tl.fits_at(on, now);
                pass.started(r, p);
                start(idx, p, now);
            } else {
                pass.hold(r, now, false);  // estimates past the depth: nobody reads them here
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

}  // namespace tfsim
