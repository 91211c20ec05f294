// tailfold-sim: replay a workload through tailfold's own scheduling code.
// GPL-2.0-or-later.
//
//   tailfold-sim (--swf FILE | --sacct FILE | --bag SPEC | --lumi SPEC) [OPTION]...
//
// One JSON object per run on stdout; with two runs or more, a table of
// them on stderr.  Every option: help() in cli_options.cc and
// man/tailfold-sim.1.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli_options.h"
#include "cli_workload.h"
#include "report.h"
#include "src/core/backfill_params.h"
#include "src/core/duration_params.h"

namespace {

using namespace tf_sim;

// One run to make: a policy with one scheduler and one priority parameter
// set, named for the table and the JSON.
struct Plan {
    std::string label;
    SimSettings s;
    std::string sched_text, prio_text;
};

// The runs: each policy once per scheduler set; tailfold, the only one
// reading PriorityParameters, also once per priority set.  `per_policy`:
// how many runs each policy makes.
std::optional<int> make_plans(const Options &o, const SimSettings &base, const Workload &w,
                              std::vector<Plan> &plans, std::map<std::string, int> &per_policy)
{
    const bool several_sched = o.sched_sets.size() > 1, several_prio = o.prio_sets.size() > 1;
    for (const std::string &name : split(o.policies, ',')) {
        tf_sim::Policy policy;
        if (!tf_sim::parse_policy(name, policy))
            return usage(("unknown policy '" + name + "' (fcfs, easy, multifactor, tailfold)").c_str());
        const bool reads_prio = policy == tf_sim::Policy::kTailfold;
        for (const std::string &st : o.sched_sets) {
            for (std::size_t pi = 0; pi < (reads_prio ? o.prio_sets.size() : 1); ++pi) {
                const std::string &pt = o.prio_sets[pi];
                Plan p;
                p.s = base;
                p.s.policy = policy;
                std::string e;
                tailfold::parse_backfill_params(st.c_str(), p.s.backfill, e);  // checked above
                if (reads_prio)
                    tailfold::parse_duration_params(pt.c_str(), p.s.prio.duration, e);
                p.s.cpus = w.machine_cpus;
                p.s.cpus_per_node = o.cpus_per_node;
                if (policy == tf_sim::Policy::kEasy) {  // EASY as published: one reservation, user limits
                    p.s.backfill.reservations = 1;
                    p.s.backfill.runtime = tailfold::PlanRuntime::kLimit;
                }
                std::vector<std::string> sets;
                if (several_sched)
                    sets.push_back(st.empty() ? "defaults" : st);
                if (several_prio && reads_prio)
                    sets.push_back(pt.empty() ? "defaults" : pt);
                p.label = name;
                for (std::size_t k = 0; k < sets.size(); ++k)
                    p.label += (k ? ";" : "[") + sets[k] + (k + 1 == sets.size() ? "]" : "");
                p.sched_text = st;
                p.prio_text = reads_prio ? pt : "";
                ++per_policy[tf_sim::to_string(policy)];
                plans.push_back(p);
            }
        }
    }
    return std::nullopt;
}

// One simulation, with a progress line on stderr once it takes over a
// second (unless quiet); `secs`: how long it took.
SimResult simulate_shown(const Workload &w, const SimSettings &s, const std::string &name, bool quiet,
                         double &secs)
{
    const auto t0 = std::chrono::steady_clock::now();
    auto last = t0;
    auto progress = [&](std::size_t done, std::size_t total) {
        const auto t = std::chrono::steady_clock::now();
        if (quiet || t - t0 < std::chrono::seconds(1) || t - last < std::chrono::milliseconds(250))
            return;
        last = t;
        std::fprintf(stderr, "\r%s: %zu/%zu jobs done", name.c_str(), done, total);
    };
    const SimResult r = simulate(w, s, progress);
    secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!quiet && secs >= 1)
        std::fprintf(stderr, "\r%s: %zu jobs in %.1f s%20s\n", name.c_str(), w.jobs.size(), secs, "");
    return r;
}

// A run's JSON line on stdout: the workload, the run, its summary, and
// `extra` fields (the workflow's, the start errors).
void print_run_json(const std::string &source, const Plan &p, const Summary &m, const SimResult &r, double secs,
                    const std::string &extra)
{
    const std::string policy = to_string(p.s.policy);
    const std::string &name = p.label;
    // Per-user figures: null when no user has kMinUserJobs started jobs.
    std::string users = ", \"user_min_jobs\": " + std::to_string(tf_sim::kMinUserJobs) +
                        ", \"users_counted\": " + std::to_string(m.users.users);
    if (m.users.users) {
        char buf[160];
        std::snprintf(buf, sizeof buf, ", \"worst_user\": %u, \"worst_user_bsld\": %.3f, \"jain_bsld\": %.4f",
                      m.users.worst_user, m.users.worst_bsld, m.users.jain);
        users += buf;
    } else {
        users += ", \"worst_user\": null, \"worst_user_bsld\": null, \"jain_bsld\": null";
    }
    std::printf("{\"source\": %s, \"policy\": \"%s\", \"run\": %s, \"scheduler_params\": %s, "
                "\"priority_params\": %s, \"jobs\": %zu, \"unscheduled\": %zu, "
                "\"cpus\": %u, \"makespan_s\": %lld, \"utilization\": %.4f, \"wait_mean_s\": %.1f, "
                "\"wait_median_s\": %.1f, \"wait_p95_s\": %.1f, \"wait_p99_s\": %.1f, \"wait_max_s\": %.1f, "
                "\"bsld_mean\": %.3f, \"bsld_p95\": %.3f%s, \"recorded_wait_mean_s\": %.1f, "
                "\"passes\": %llu, \"sim_seconds\": %.3f%s%s}\n",
                json_string(source).c_str(), policy.c_str(), json_string(name).c_str(),
                json_string(p.sched_text).c_str(), json_string(p.prio_text).c_str(), m.jobs, m.unscheduled,
                m.cpus, (long long)m.makespan_s, m.utilization, m.wait_mean_s, m.wait_median_s, m.wait_p95_s,
                m.wait_p99_s, m.wait_max_s, m.bsld_mean, m.bsld_p95, users.c_str(), m.recorded_wait_mean_s,
                (unsigned long long)r.passes, secs,
                extra.c_str(), "");
}

}  // namespace

int main(int argc, char **argv)
{
    Options o;
    SimSettings base;
    Workload w;
    std::string source;
    Workflow wf;
    std::vector<Plan> plans;
    std::map<std::string, int> per_policy;
    if (auto end = parse_options(argc, argv, o))
        return *end;
    if (auto end = base_settings(o, base))
        return *end;
    if (auto end = load_workload(o, w, source))
        return *end;
    if (auto end = add_workflow(o, w, wf))
        return *end;
    if (w.bad_lines || w.too_big)
        std::cerr << "tailfold-sim: " << source << ": " << w.bad_lines << " bad lines and " << w.too_big
                  << " jobs larger than the machine skipped; " << w.jobs.size() << " jobs kept\n";
    if (auto end = make_plans(o, base, w, plans, per_policy))
        return *end;

    std::vector<Run> runs;
    std::map<std::string, int> csv_no;
    for (const Plan &p : plans) {
        const std::string &name = p.label;
        const std::string policy = to_string(p.s.policy);
        double secs = 0;
        const SimResult r = simulate_shown(w, p.s, name, o.quiet, secs);
        const tf_sim::Summary m = tf_sim::summarize(w, r, w.machine_cpus);
        print_run_json(source, p, m, r, secs,
                       (wf.chain.empty() ? std::string() : workflow_json(w, r, wf.chain, wf.at, wf.user)) +
                           (p.s.start_estimates ? start_error_json(tf_sim::start_errors(r)) : ""));
        std::fflush(stdout);
        // PREFIX-POLICY.csv; a policy run with several sets: PREFIX-POLICY-K.csv,
        // K counting its runs from 1 in the order of the JSON lines.
        if (!o.csv.empty()) {
            const int k = ++csv_no[policy];
            write_csv(o.csv + "-" + policy + (per_policy[policy] > 1 ? "-" + std::to_string(k) : "") + ".csv", w, r);
        }
        runs.push_back(Run{name, p.s.policy, m});
    }
    if (runs.size() > 1 && o.table_format != "none")
        print_table(stderr, runs, o.table_format == "md");
    return 0;
}
