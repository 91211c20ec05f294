// tailfold-sim: the workload of its command line.  GPL-2.0-or-later.
#include "cli_workload.h"

#include <iostream>
#include <sstream>

#include "swf_reader.h"
#include "sacct_reader.h"
#include "synthetic.h"

namespace tf_sim {

std::optional<int> load_workload(const Options &o, Workload &w, std::string &source)
{
    std::string err;
    if (!o.swf.empty() || !o.sacct.empty()) {
        source = !o.swf.empty() ? o.swf : o.sacct;
        const bool ok = !o.swf.empty() ? tf_sim::read_swf(o.swf, o.cpus, w, std::cerr, err)
                                       : tf_sim::read_sacct(o.sacct, o.cpus, w, std::cerr, err);
        if (!ok) {
            std::cerr << "tailfold-sim: " << err << "\n";
            return 1;
        }
    } else if (!o.bag.empty()) {
        // N:MIN:MAX[:SEED]: runtimes uniform in MIN..MAX s; N:D1,D2,...: cycled.
        if (!o.cpus)
            return usage("--bag needs --cpus");
        const std::vector<std::string> f = split(o.bag, ':');
        std::uint64_t n = 0, lo = 0, hi = 0, seed = 1;
        bool ok = f.size() >= 2 && to_u64(f[0], n);
        if (ok && f.size() == 2) {
            std::vector<std::int64_t> durations;
            for (const std::string &d : split(f[1], ',')) {
                std::uint64_t v;
                ok = ok && to_u64(d, v);
                durations.push_back(std::int64_t(v));
            }
            ok = ok && tf_sim::bag_cycle(std::size_t(n), durations, o.cpus, w, err);
        } else {
            ok = ok && (f.size() == 3 || f.size() == 4) && to_u64(f[1], lo) && to_u64(f[2], hi) &&
                 (f.size() == 3 || to_u64(f[3], seed)) &&
                 tf_sim::bag_uniform(std::size_t(n), std::int64_t(lo), std::int64_t(hi), seed, o.cpus, w, err);
        }
        if (!ok)
            return usage(("--bag " + o.bag + ": N:MIN:MAX[:SEED] or N:D1,D2,... in seconds" +
                          (err.empty() ? "" : " (" + err + ")"))
                             .c_str());
        source = "bag:" + o.bag;
    } else {
        // N[:MEAN_GAP_S[:SEED[:LIMIT_FACTOR[:MAX_RUNTIME_S]]]]
        if (!o.cpus)
            return usage("--lumi needs --cpus");
        const std::vector<std::string> f = split(o.lumi, ':');
        tf_sim::LumiSpec spec;
        spec.machine_cpus = o.cpus;
        std::uint64_t n = 0, seed = 1, cap = 0;
        bool ok = !f.empty() && f.size() <= 5 && to_u64(f[0], n);
        spec.jobs = std::size_t(n);
        try {
            if (ok && f.size() > 1)
                spec.mean_interarrival_s = std::stod(f[1]);
            if (ok && f.size() > 3)
                spec.limit_factor = std::stod(f[3]);
        } catch (const std::exception &) {
            ok = false;
        }
        ok = ok && (f.size() <= 2 || to_u64(f[2], seed)) && (f.size() <= 4 || to_u64(f[4], cap));
        spec.seed = seed;
        spec.max_runtime_s = std::int64_t(cap);
        if (!ok || !tf_sim::lumi_lognormal(spec, w, err))
            return usage(("--lumi " + o.lumi + ": N[:MEAN_GAP_S[:SEED[:LIMIT_FACTOR[:MAX_RUNTIME_S]]]]" +
                          (err.empty() ? "" : " (" + err + ")"))
                             .c_str());
        source = "lumi:" + o.lumi;
    }
    if (!w.machine_cpus) {
        std::cerr << "tailfold-sim: the machine size is unknown: give --cpus\n";
        return 1;
    }
    return std::nullopt;
}

std::optional<int> add_workflow(const Options &o, Workload &w, Workflow &wf)
{
    std::string err;
    if (!o.workflow.empty()) {
        std::vector<std::string> f;
        std::stringstream ss(o.workflow);
        std::string p;
        while (std::getline(ss, p, ':'))
            f.push_back(p);
        std::uint64_t at, n, c, secs;
        bool wrapped = false, bad_extra = false;
        std::string owner;
        for (std::size_t k = 4; k < f.size(); ++k) {
            if (f[k] == "wrapped" && !wrapped)
                wrapped = true;
            else if (f[k].rfind("owner=", 0) == 0 && owner.empty() && f[k].size() > 6)
                owner = f[k].substr(6);
            else
                bad_extra = true;
        }
        const char *form = "--workflow AT:N:CPUS:SECONDS[:wrapped][:owner=heaviest|UID] takes whole numbers, "
                           "N, CPUS, SECONDS > 0";
        if (f.size() < 4 || bad_extra || !to_u64(f[0], at) || !to_u64(f[1], n) || !to_u64(f[2], c) ||
            !to_u64(f[3], secs) || !n || !c || !secs || n > 100000 || c > UINT32_MAX)
            return usage(form);
        if (w.machine_cpus && c > w.machine_cpus) {
            std::cerr << "tailfold-sim: the workflow's jobs need " << c << " CPUs, the machine has "
                      << w.machine_cpus << "\n";
            return 1;
        }
        // The chain's owner: a user of its own (no usage), the trace's
        // heaviest user (most CPU-seconds), or a given user id.
        std::uint32_t user = tf_sim::kFreshChainUser;
        if (owner == "heaviest") {
            user = tf_sim::heaviest_user(w);
            if (user == tf_sim::kFreshChainUser) {
                std::cerr << "tailfold-sim: owner=heaviest: the workload names no users\n";
                return 1;
            }
        } else if (!owner.empty()) {
            std::uint64_t u;
            if (!to_u64(owner, u) || u >= tf_sim::kFreshChainUser)
                return usage(("--workflow: owner=" + owner + " is not heaviest or a user id").c_str());
            user = std::uint32_t(u);
        }
        wf.at = std::int64_t(at);
        wf.chain = tf_sim::add_chain(w, wf.at, std::uint32_t(n), std::uint32_t(c), std::int64_t(secs), wrapped, user);
        wf.user = user;
    }
    return std::nullopt;
}

}  // namespace tf_sim
