// tailfold-sim: what a run is judged by.  GPL-2.0-or-later.
#include "metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace tf_sim {

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const double rank = std::ceil(p / 100.0 * double(v.size()));
    const std::size_t i = rank < 1 ? 0 : std::min(v.size() - 1, std::size_t(rank) - 1);
    return v[i];
}

double bounded_slowdown(std::int64_t wait, std::int64_t run, std::int64_t threshold)
{
    return std::max(1.0, double(wait + run) / double(std::max(run, threshold)));
}

double jain_index(const std::vector<double> &x)
{
    double sum = 0, sum_sq = 0;
    for (double v : x) {
        sum += v;
        sum_sq += v * v;
    }
    if (x.empty() || sum_sq <= 0)
        return 1;
    return sum * sum / (double(x.size()) * sum_sq);
}

UserSpread user_spread(const std::map<std::uint32_t, std::vector<double>> &bsld_by_user, std::size_t min_jobs)
{
    UserSpread u;
    std::vector<double> means;
    for (const auto &[user, v] : bsld_by_user) {
        if (v.empty() || v.size() < min_jobs)
            continue;
        double sum = 0;
        for (double x : v)
            sum += x;
        const double mean = sum / double(v.size());
        if (means.empty() || mean > u.worst_bsld) {
            u.worst_user = user;
            u.worst_bsld = mean;
        }
        means.push_back(mean);
    }
    u.users = means.size();
    if (u.users)
        u.jain = jain_index(means);
    return u;
}

Summary summarize(const Workload &w, const SimResult &r, std::uint32_t cpus)
{
    Summary s;
    s.cpus = cpus;
    std::vector<double> waits, bslds;
    std::map<std::uint32_t, std::vector<double>> bsld_by_user;
    std::int64_t first = INT64_MAX, last = INT64_MIN;
    double work = 0, recorded = 0;
    std::size_t n_recorded = 0;
    for (std::size_t i = 0; i < w.jobs.size(); ++i) {
        const SimJob &j = w.jobs[i];
        const JobOutcome &o = r.jobs[i];
        if (o.start < 0) {
            ++s.unscheduled;
            continue;
        }
        ++s.jobs;
        first = std::min(first, o.submit);
        last = std::max(last, o.end);
        work += double(j.cpus) * double(j.runtime);
        waits.push_back(double(o.start - o.submit));
        bslds.push_back(bounded_slowdown(o.start - o.submit, j.runtime));
        bsld_by_user[j.user].push_back(bslds.back());
        if (j.recorded_wait >= 0) {
            recorded += double(j.recorded_wait);
            ++n_recorded;
        }
    }
    if (!s.jobs)
        return s;
    s.makespan_s = last - first;
    s.utilization = s.makespan_s > 0 && cpus ? work / (double(cpus) * double(s.makespan_s)) : 0;
    double sum = 0, bsum = 0;
    for (double x : waits)
        sum += x;
    for (double x : bslds)
        bsum += x;
    s.wait_mean_s = sum / double(waits.size());
    s.wait_median_s = percentile(waits, 50);
    s.wait_p95_s = percentile(waits, 95);
    s.wait_p99_s = percentile(waits, 99);
    s.wait_max_s = *std::max_element(waits.begin(), waits.end());
    s.bsld_mean = bsum / double(bslds.size());
    s.bsld_p95 = percentile(bslds, 95);
    s.users = user_spread(bsld_by_user);
    if (n_recorded)
        s.recorded_wait_mean_s = recorded / double(n_recorded);
    return s;
}

}  // namespace tf_sim

namespace tf_sim {

StartErrors start_errors(const SimResult &r)
{
    StartErrors out;
    std::vector<double> sub, hour;
    for (const JobOutcome &j : r.jobs) {
        if (j.start < 0 || j.first_pass < 0 || j.start <= j.first_pass)
            continue;
        ++out.at_submit.jobs;
        if (j.planned_first < 0)
            ++out.at_submit.unplanned;
        else
            sub.push_back(double(std::llabs(j.planned_first - j.start)) /
                          double(std::max<std::int64_t>(j.start - j.submit, 60)));
        if (j.start - j.first_pass < 3600)
            continue;
        ++out.hour_before.jobs;
        if (j.planned_hour_before < 0)
            ++out.hour_before.unplanned;
        else
            hour.push_back(double(std::llabs(j.planned_hour_before - j.start)) / 3600.0);
    }
    out.at_submit.median = percentile(sub, 50);
    out.at_submit.p90 = percentile(sub, 90);
    out.hour_before.median = percentile(hour, 50);
    out.hour_before.p90 = percentile(hour, 90);
    return out;
}

}  // namespace tf_sim
