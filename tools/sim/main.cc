// tailfold-sim: replay a workload through tailfold's own scheduling code.
// GPL-2.0-or-later.
//
//   tailfold-sim (--swf FILE | --bag N:MIN:MAX[:SEED]) [--policy P[,P...]]
//                [--cpus N] [--cpus-per-node N] [--slurm-conf FILE]
//                [--scheduler-params TEXT] [--priority-params TEXT]
//                [--jobs-csv PREFIX] [--quiet]
//
// One JSON object per policy on stdout.  See README "The simulator".
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <string>

#include "metrics.h"
#include "simulator.h"
#include "swf_reader.h"
#include "src/core/key_value.h"

namespace {

int usage(const char *why)
{
    if (why)
        std::cerr << "tailfold-sim: " << why << "\n";
    std::cerr << "usage: tailfold-sim (--swf FILE | --bag N:MIN:MAX[:SEED]) [--policy fcfs,easy,multifactor,tailfold]\n"
                 "                    [--cpus N] [--cpus-per-node N] [--slurm-conf FILE]\n"
                 "                    [--scheduler-params TEXT] [--priority-params TEXT]\n"
                 "                    [--workflow AT:N:CPUS:SECONDS[:wrapped]] [--jobs-csv PREFIX] [--quiet]\n";
    return 2;
}

bool to_u64(const std::string &s, std::uint64_t &v)
{
    if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 18)
        return false;
    v = std::stoull(s);
    return true;
}

// Slurm's time format: M, M:S, H:M:S, D-H, D-H:M, D-H:M:S -> seconds.
bool slurm_time_seconds(const std::string &text, std::int64_t &out)
{
    std::uint64_t days = 0;
    std::string rest = text;
    const std::size_t dash = text.find('-');
    if (dash != std::string::npos) {
        if (!to_u64(text.substr(0, dash), days))
            return false;
        rest = text.substr(dash + 1);
    }
    std::vector<std::uint64_t> parts;
    std::stringstream ss(rest);
    std::string p;
    while (std::getline(ss, p, ':')) {
        std::uint64_t v;
        if (!to_u64(p, v))
            return false;
        parts.push_back(v);
    }
    std::uint64_t s = 0;
    if (dash != std::string::npos) {  // D-H[:M[:S]]
        const std::uint64_t mult[] = {3600, 60, 1};
        if (parts.empty() || parts.size() > 3)
            return false;
        for (std::size_t i = 0; i < parts.size(); ++i)
            s += parts[i] * mult[i];
    } else if (parts.size() == 1) {
        s = parts[0] * 60;
    } else if (parts.size() == 2) {
        s = parts[0] * 60 + parts[1];
    } else if (parts.size() == 3) {
        s = parts[0] * 3600 + parts[1] * 60 + parts[2];
    } else {
        return false;
    }
    out = std::int64_t(days * 86400 + s);
    return true;
}

struct Options {
    std::string swf, bag, policies = "easy,tailfold", slurm_conf, sched_params, prio_params, csv, workflow;
    std::uint32_t cpus = 0, cpus_per_node = 0;
    bool quiet = false;
};

// The slurm.conf lines the simulation uses; the rest are not its business.
bool read_slurm_conf(const std::string &path, Options &o, tfsim::SimSettings &s, std::string &err)
{
    std::ifstream in(path);
    if (!in) {
        err = path + ": cannot read";
        return false;
    }
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
        ++n;
        const std::size_t hash = line.find('#');
        if (hash != std::string::npos)
            line.erase(hash);
        line = tailfold::trim(line);
        const std::size_t eq = line.find('=');
        if (eq == std::string::npos)
            continue;
        std::string key = line.substr(0, eq), val = tailfold::trim(line.substr(eq + 1));
        const std::string as_written = tailfold::trim(key);
        for (char &c : key)
            c = char(std::tolower(static_cast<unsigned char>(c)));
        key = tailfold::trim(key);
        if (key == "schedulerparameters" && o.sched_params.empty()) {
            o.sched_params = val;
        } else if (key == "priorityparameters" && o.prio_params.empty()) {
            o.prio_params = val;
        } else if (key == "priorityweightage" || key == "priorityweightfairshare" ||
                   key == "priorityweightjobsize") {
            std::uint64_t v;
            if (!to_u64(val, v) || v > UINT32_MAX) {
                err = path + ":" + std::to_string(n) + ": " + as_written + "=" + val + ": not a whole number";
                return false;
            }
            double &w = key == "priorityweightage"         ? s.prio.weights.age
                        : key == "priorityweightfairshare" ? s.prio.weights.fairshare
                                                           : s.prio.weights.job_size;
            w = double(v);
        } else if (key == "prioritymaxage" || key == "prioritydecayhalflife") {
            std::int64_t secs;
            if (!slurm_time_seconds(val, secs)) {
                err = path + ":" + std::to_string(n) + ": " + as_written + "=" + val + ": not a Slurm time";
                return false;
            }
            if (key == "prioritymaxage")
                s.prio.max_age_s = secs;
            else
                s.half_life_s = double(secs);
        } else if (key == "prioritycalcperiod") {
            std::int64_t secs;
            if (!slurm_time_seconds(val, secs) || secs <= 0) {
                err = path + ":" + std::to_string(n) + ": " + as_written + "=" + val + ": not a Slurm time";
                return false;
            }
            s.calc_period_s = secs;
        } else if (key == "priorityfavorsmall") {
            s.prio.favor_small = val == "YES" || val == "yes" || val == "Yes";
        }
    }
    return true;
}

// A JSON string literal (paths may hold quotes or backslashes).
std::string json_string(const std::string &s)
{
    std::string out = "\"";
    for (const char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

// The workflow's time to solution: from its first submission to its last
// job's end (-1 if it never finished).
std::string workflow_json(const tfsim::SimResult &r, const std::vector<std::size_t> &chain, std::int64_t at)
{
    const tfsim::JobOutcome &last = r.jobs[chain.back()];
    std::int64_t waited = 0;
    for (std::size_t i : chain)
        if (r.jobs[i].start >= 0)
            waited += r.jobs[i].start - r.jobs[i].submit;
    return ", \"workflow_jobs\": " + std::to_string(chain.size()) + ", \"workflow_tts_s\": " +
           std::to_string(last.end >= 0 ? last.end - at : -1) + ", \"workflow_wait_s\": " +
           std::to_string(waited);
}

// PREFIX-POLICY.csv: one row per job (the trace's recorded wait beside the
// simulated one); PREFIX-POLICY-users.csv: wait statistics per user.
void write_csv(const std::string &path, const tfsim::Workload &w, const tfsim::SimResult &r)
{
    std::ofstream out(path);
    out << "id,submit,start,end,cpus,runtime,limit,user,wait,recorded_wait\n";
    std::map<std::uint32_t, std::vector<double>> waits;
    for (std::size_t i = 0; i < w.jobs.size(); ++i) {
        const auto &j = w.jobs[i];
        const auto &o = r.jobs[i];
        const std::int64_t wait = o.start >= 0 ? o.start - o.submit : -1;
        out << j.id << ',' << o.submit << ',' << o.start << ',' << o.end << ',' << j.cpus << ','
            << j.runtime << ',' << j.limit << ',' << j.user << ',' << wait << ',' << j.recorded_wait << '\n';
        if (wait >= 0)
            waits[j.user].push_back(double(wait));
    }
    std::ofstream users(path.substr(0, path.size() - 4) + "-users.csv");
    users << "user,jobs,wait_mean_s,wait_median_s,wait_p95_s,wait_max_s\n";
    for (const auto &[user, v] : waits) {
        double sum = 0;
        for (double x : v)
            sum += x;
        users << user << ',' << v.size() << ',' << sum / double(v.size()) << ','
              << tfsim::percentile(v, 50) << ',' << tfsim::percentile(v, 95) << ','
              << tfsim::percentile(v, 100) << '\n';
    }
}

}  // namespace

int main(int argc, char **argv)
{
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&](std::string &dst) {
            if (i + 1 >= argc)
                return false;
            dst = argv[++i];
            return true;
        };
        auto number = [&](std::uint32_t &dst) {
            std::string v;
            std::uint64_t n;
            if (!value(v) || !to_u64(v, n) || n > UINT32_MAX)
                return false;
            dst = std::uint32_t(n);
            return true;
        };
        bool ok = true;
        if (a == "--swf")
            ok = value(o.swf);
        else if (a == "--bag")
            ok = value(o.bag);
        else if (a == "--policy")
            ok = value(o.policies);
        else if (a == "--cpus")
            ok = number(o.cpus);
        else if (a == "--cpus-per-node")
            ok = number(o.cpus_per_node);
        else if (a == "--slurm-conf")
            ok = value(o.slurm_conf);
        else if (a == "--scheduler-params")
            ok = value(o.sched_params);
        else if (a == "--priority-params")
            ok = value(o.prio_params);
        else if (a == "--jobs-csv")
            ok = value(o.csv);
        else if (a == "--workflow")
            ok = value(o.workflow);
        else if (a == "--quiet")
            o.quiet = true;
        else if (a == "-h" || a == "--help")
            return usage(nullptr);
        else
            return usage(("unknown option " + a).c_str());
        if (!ok)
            return usage((a + " needs a valid value").c_str());
    }
    if (o.swf.empty() == o.bag.empty())
        return usage("give one of --swf and --bag");

    tfsim::SimSettings base;
    std::string err;
    if (!o.slurm_conf.empty() && !read_slurm_conf(o.slurm_conf, o, base, err)) {
        std::cerr << "tailfold-sim: " << err << "\n";
        return 1;
    }
    if (!tailfold::parse_backfill_params(o.sched_params.c_str(), base.backfill, err) ||
        !tailfold::parse_duration_params(o.prio_params.c_str(), base.prio.duration, err)) {
        std::cerr << "tailfold-sim: " << err << "\n";
        return 1;
    }

    tfsim::Workload w;
    std::string source;
    if (!o.swf.empty()) {
        source = o.swf;
        if (!tfsim::read_swf(o.swf, o.cpus, w, std::cerr, err)) {
            std::cerr << "tailfold-sim: " << err << "\n";
            return 1;
        }
    } else {
        // N one-CPU tasks, runtimes uniform in [MIN, MAX] s, all submitted at 0.
        std::vector<std::uint64_t> f;
        std::stringstream ss(o.bag);
        std::string p;
        while (std::getline(ss, p, ':')) {
            std::uint64_t v;
            if (!to_u64(p, v))
                return usage("--bag N:MIN:MAX[:SEED] takes whole numbers");
            f.push_back(v);
        }
        if (f.size() < 3 || f.size() > 4 || !f[0] || !f[1] || f[1] > f[2])
            return usage("--bag N:MIN:MAX[:SEED] needs N > 0 and 0 < MIN <= MAX");
        if (!o.cpus)
            return usage("--bag needs --cpus");
        std::mt19937_64 rng(f.size() == 4 ? f[3] : 1);
        std::uniform_int_distribution<std::int64_t> dur{static_cast<std::int64_t>(f[1]), static_cast<std::int64_t>(f[2])};
        for (std::uint64_t i = 0; i < f[0]; ++i) {
            tfsim::SimJob j;
            j.id = i + 1;
            j.runtime = j.limit = dur(rng);
            w.jobs.push_back(j);
        }
        w.machine_cpus = o.cpus;
        source = "bag:" + o.bag;
    }
    if (!w.machine_cpus) {
        std::cerr << "tailfold-sim: the machine size is unknown: give --cpus\n";
        return 1;
    }
    // A workflow: a chain of N dependent jobs from time AT (seconds from the
    // workload's start), or one wrapped job of their summed length.
    std::vector<std::size_t> chain;
    std::int64_t chain_at = 0;
    if (!o.workflow.empty()) {
        std::vector<std::string> f;
        std::stringstream ss(o.workflow);
        std::string p;
        while (std::getline(ss, p, ':'))
            f.push_back(p);
        std::uint64_t at, n, c, secs;
        const bool wrapped = f.size() == 5 && f[4] == "wrapped";
        if ((f.size() != 4 && !wrapped) || !to_u64(f[0], at) || !to_u64(f[1], n) || !to_u64(f[2], c) ||
            !to_u64(f[3], secs) || !n || !c || !secs || n > 100000 || c > UINT32_MAX)
            return usage("--workflow AT:N:CPUS:SECONDS[:wrapped] takes whole numbers, N, CPUS, SECONDS > 0");
        if (w.machine_cpus && c > w.machine_cpus) {
            std::cerr << "tailfold-sim: the workflow's jobs need " << c << " CPUs, the machine has "
                      << w.machine_cpus << "\n";
            return 1;
        }
        chain_at = std::int64_t(at);
        chain = tfsim::add_chain(w, chain_at, std::uint32_t(n), std::uint32_t(c), std::int64_t(secs), wrapped);
    }
    if (w.bad_lines || w.too_big)
        std::cerr << "tailfold-sim: " << source << ": " << w.bad_lines << " bad lines and " << w.too_big
                  << " jobs larger than the machine skipped; " << w.jobs.size() << " jobs kept\n";

    std::stringstream ps(o.policies);
    std::string name;
    while (std::getline(ps, name, ',')) {
        tfsim::SimSettings s = base;
        if (!tfsim::parse_policy(name, s.policy))
            return usage(("unknown policy '" + name + "' (fcfs, easy, multifactor, tailfold)").c_str());
        s.cpus = w.machine_cpus;
        s.cpus_per_node = o.cpus_per_node;
        if (s.policy == tfsim::Policy::kEasy) {  // EASY as published: one reservation, user limits
            s.backfill.reservations = 1;
            s.backfill.runtime = tailfold::PlanRuntime::kLimit;
        }
        const auto t0 = std::chrono::steady_clock::now();
        auto last = t0;
        auto progress = [&](std::size_t done, std::size_t total) {
            const auto t = std::chrono::steady_clock::now();
            if (o.quiet || t - t0 < std::chrono::seconds(1) || t - last < std::chrono::milliseconds(250))
                return;
            last = t;
            std::fprintf(stderr, "\r%s: %zu/%zu jobs done", name.c_str(), done, total);
        };
        const tfsim::SimResult r = tfsim::simulate(w, s, progress);
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (!o.quiet && secs >= 1)
            std::fprintf(stderr, "\r%s: %zu jobs in %.1f s%20s\n", name.c_str(), w.jobs.size(), secs, "");
        const tfsim::Summary m = tfsim::summarize(w, r, w.machine_cpus);
        std::printf("{\"source\": %s, \"policy\": \"%s\", \"jobs\": %zu, \"unscheduled\": %zu, "
                    "\"cpus\": %u, \"makespan_s\": %lld, \"utilization\": %.4f, \"wait_mean_s\": %.1f, "
                    "\"wait_median_s\": %.1f, \"wait_p95_s\": %.1f, \"wait_max_s\": %.1f, "
                    "\"bsld_mean\": %.3f, \"bsld_p95\": %.3f, \"recorded_wait_mean_s\": %.1f, "
                    "\"passes\": %llu, \"sim_seconds\": %.3f%s}\n",
                    json_string(source).c_str(), name.c_str(), m.jobs, m.unscheduled, m.cpus, (long long)m.makespan_s,
                    m.utilization, m.wait_mean_s, m.wait_median_s, m.wait_p95_s, m.wait_max_s, m.bsld_mean,
                    m.bsld_p95, m.recorded_wait_mean_s, (unsigned long long)r.passes, secs,
                    chain.empty() ? "" : workflow_json(r, chain, chain_at).c_str());
        std::fflush(stdout);
        if (!o.csv.empty())
            write_csv(o.csv + "-" + name + ".csv", w, r);
    }
    return 0;
}
