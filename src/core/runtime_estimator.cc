// tailfold core: expected runtimes.  GPL-2.0-or-later.
#include "runtime_estimator.h"

#include "backfill_planner.h"

#include <algorithm>
#include <charconv>

namespace tailfold {

const char *to_string(EstimateOrigin o)
{
    switch (o) {
    case EstimateOrigin::kJobHistory: return "history";
    case EstimateOrigin::kUserHistory: return "user-history";
    default: return "limit";
    }
}

const std::string &RuntimeEstimator::job_key(std::uint32_t uid, std::string_view account,
                                             std::string_view name)
{
    // uid, the account's length, the account, the name: unambiguous for
    // names and accounts of any bytes (a job name may hold any byte but
    // NUL, so no separator alone would do).  The buffer keeps its
    // capacity, so building a key allocates nothing.
    thread_local std::string key;
    char digits[24];
    auto end = std::to_chars(digits, digits + sizeof(digits), uid).ptr;
    key.assign(digits, end);
    key += '\x1f';
    end = std::to_chars(digits, digits + sizeof(digits), account.size()).ptr;
    key.append(digits, end);
    key += '\x1f';
    key += account;
    key += name;
    return key;
}

double RunHistory::carried(std::int64_t limit_s) const
{
    const int n = count();
    double share = 0, slack = 0;
    for (int i = 0; i < n; ++i) {
        if (limit[i] <= 0 || last[i] <= 0)
            return mean();
        const double run = static_cast<double>(last[i]), lim = static_cast<double>(limit[i]);
        share += std::min(1.0, run / lim);
        slack += std::max(0.0, lim - run);
    }
    const double lim = static_cast<double>(limit_s);
    return std::max(lim * share / n, lim - slack / n);
}

double RunHistory::carried_run(int i, std::int64_t limit_s) const
{
    const double run = static_cast<double>(last[i]);
    if (limit[i] <= 0 || last[i] <= 0 || limit_s <= 0)
        return run;
    const double lim = static_cast<double>(limit[i]), to = static_cast<double>(limit_s);
    return std::min(to, std::max(to * std::min(1.0, run / lim), to - std::max(0.0, lim - run)));
}

std::int64_t forecast_end(std::int64_t now, std::int64_t start, const Estimate &e, std::int64_t limit_end,
                          std::int64_t step)
{
    const std::int64_t predicted = start + static_cast<std::int64_t>(e.forecast_seconds);
    const double ran = static_cast<double>(now - start);
    double ahead = 0;
    int n = 0;
    for (int i = 0; i < e.forecast_run_count && i < 2; ++i)
        if (e.forecast_runs[i] > ran) {
            ahead += e.forecast_runs[i];
            ++n;
        }
    if (n && n < e.forecast_run_count) {
        const std::int64_t end = std::max(predicted, start + static_cast<std::int64_t>(ahead / n));
        return std::max(std::min(end, limit_end), now + 1);
    }
    return planned_end(now, predicted, limit_end, step);
}

void RuntimeEstimator::add_run(RunHistory &h, std::int64_t runtime, std::int64_t limit)
{
    h.last[1] = h.last[0];
    h.last[0] = runtime;
    h.limit[1] = h.limit[0];
    h.limit[0] = limit > 0 ? limit : 0;
    if (h.runs < UINT32_MAX)
        ++h.runs;
    h.stamp = ++clock_;
}

void RuntimeEstimator::record(std::uint32_t uid, std::string_view account,
                              std::string_view name, std::int64_t runtime_s,
                              std::int64_t limit_s, bool hit_limit)
{
    if (runtime_s <= 0)
        return;
    if (hit_limit && limit_s > 0)
        runtime_s = std::max(runtime_s, limit_s);
    add_run(jobs_[job_key(uid, account, name)], runtime_s, limit_s);
    add_run(users_[uid], runtime_s, limit_s);
    evict();
}

Estimate RuntimeEstimator::estimate(std::uint32_t uid, std::string_view account,
                                    std::string_view name, std::int64_t limit_s,
                                    DurationSource source, std::uint32_t history_runs) const
{
    Estimate e;
    e.seconds = e.forecast_seconds = limit_s > 0 ? static_cast<double>(limit_s) : 0;
    if (source == DurationSource::kLimit)
        return e;
    auto take = [&](const RunHistory &h, EstimateOrigin o) {
        e.seconds = h.mean();
        if (limit_s > 0)
            e.seconds = std::min(e.seconds, static_cast<double>(limit_s));
        e.origin = o;
    };
    auto take_forecast = [&](const RunHistory &h) {
        e.forecast_seconds = h.mean();
        if (limit_s > 0)
            e.forecast_seconds = std::min(h.carried(limit_s), static_cast<double>(limit_s));
        e.forecast_run_count = h.count();
        for (int i = 0; i < e.forecast_run_count; ++i)
            e.forecast_runs[i] = h.carried_run(i, limit_s);
        if (e.forecast_run_count == 2 && e.forecast_runs[0] > e.forecast_runs[1])
            std::swap(e.forecast_runs[0], e.forecast_runs[1]);
    };
    const std::uint32_t need = source == DurationSource::kAuto ? std::max(history_runs, 1u) : 1;
    auto j = jobs_.find(job_key(uid, account, name));
    const bool job_runs = j != jobs_.end() && j->second.runs >= 1;
    if (job_runs && j->second.runs >= need)
        take(j->second, EstimateOrigin::kJobHistory);
    auto u = job_runs ? users_.end() : users_.find(uid);
    const bool user_runs = u != users_.end() && u->second.runs >= 1;
    if (source == DurationSource::kHistory && user_runs)
        take(u->second, EstimateOrigin::kUserHistory);
    if (job_runs)
        take_forecast(j->second);
    else if (user_runs)
        take_forecast(u->second);
    return e;
}

void RuntimeEstimator::set_max_entries(std::uint32_t n)
{
    max_ = n ? n : 1;
    evict();
}

void RuntimeEstimator::clear()
{
    jobs_.clear();
    users_.clear();
    clock_ = 0;
    learned_until = 0;
    learned_ids.clear();
}

// Drop the oldest tenth beyond the bound at once, so eviction is rare.
void RuntimeEstimator::evict()
{
    if (size() <= max_)
        return;
    std::vector<std::uint64_t> stamps;
    stamps.reserve(size());
    for (const auto &kv : jobs_)
        stamps.push_back(kv.second.stamp);
    for (const auto &kv : users_)
        stamps.push_back(kv.second.stamp);
    const std::size_t keep = max_ - max_ / 10;
    const std::size_t drop = stamps.size() - std::min<std::size_t>(keep, stamps.size());
    if (!drop)
        return;
    ++evictions_;
    std::nth_element(stamps.begin(), stamps.begin() + (drop - 1), stamps.end());
    const std::uint64_t cut = stamps[drop - 1];
    for (auto it = jobs_.begin(); it != jobs_.end();)
        it = it->second.stamp <= cut ? jobs_.erase(it) : std::next(it);
    for (auto it = users_.begin(); it != users_.end();)
        it = it->second.stamp <= cut ? users_.erase(it) : std::next(it);
}

std::vector<RuntimeEstimator::Entry> RuntimeEstimator::entries() const
{
    std::vector<Entry> out;
    out.reserve(size());
    for (const auto &kv : jobs_) {
        // Written by job_key: the two numbers parse.
        const std::string &k = kv.first;
        const auto a = k.find('\x1f'), b = k.find('\x1f', a + 1);
        std::uint32_t uid = 0;
        std::size_t acct_len = 0;
        std::from_chars(k.data(), k.data() + a, uid);
        std::from_chars(k.data() + a + 1, k.data() + b, acct_len);
        out.push_back({uid, k.substr(b + 1, acct_len), k.substr(b + 1 + acct_len), false, kv.second});
    }
    for (const auto &kv : users_)
        out.push_back({kv.first, "", "", true, kv.second});
    std::sort(out.begin(), out.end(),
              [](const Entry &x, const Entry &y) { return x.history.stamp < y.history.stamp; });
    return out;
}

void RuntimeEstimator::restore(const Entry &e)
{
    RunHistory &h = e.user_level ? users_[e.uid] : jobs_[job_key(e.uid, e.account, e.name)];
    h = e.history;
    h.stamp = ++clock_;  // entries() gives them oldest first
    evict();
}

}  // namespace tailfold
