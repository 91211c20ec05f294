// tailfold-sim: its command line.  GPL-2.0-or-later.
#include "cli_options.h"

#include <cctype>
#include <fstream>
#include <iostream>
#include <sstream>

#include "metrics.h"
#include "src/core/backfill_params.h"
#include "src/core/duration_params.h"
#include "src/core/key_value.h"
#include "src/core/slurm_time.h"

namespace tf_sim {

namespace {

const char kUsage[] =
    "usage: tailfold-sim (--swf FILE | --sacct FILE | --bag SPEC | --lumi SPEC) [OPTION]...\n"
    "       tailfold-sim --help\n";

// The slurm.conf lines the simulation uses; the rest are not its business.
bool read_slurm_conf(const std::string &path, Options &o, SimSettings &s, std::string &err)
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
        if (key == "schedulerparameters" && o.sched_sets.empty()) {
            o.sched_sets.push_back(val);
        } else if (key == "priorityparameters" && o.prio_sets.empty()) {
            o.prio_sets.push_back(val);
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
            if (!tailfold::parse_slurm_duration(val, secs)) {
                err = path + ":" + std::to_string(n) + ": " + as_written + "=" + val + ": not a Slurm time";
                return false;
            }
            if (key == "prioritymaxage")
                s.prio.max_age_s = secs;
            else
                s.half_life_s = double(secs);
        } else if (key == "prioritycalcperiod") {
            std::int64_t secs;
            if (!tailfold::parse_slurm_duration(val, secs) || secs <= 0) {
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

}  // namespace

// --help: every option the parser below accepts, one option per line that
// starts with it (test/build/man_options.sh reads them from there).
void help(std::ostream &out)
{
    out << kUsage
        << "Replays a workload through tailfold's scheduling code, once per policy.\n"
           "Workload (exactly one):\n"
           "  --swf FILE                   a Standard Workload Format trace (.swf, .swf.gz)\n"
           "  --sacct FILE                 Slurm accounting, sacct -P output with a header line\n"
           "  --bag N:MIN:MAX[:SEED]       N one-CPU jobs at time 0, runtimes uniform in MIN..MAX s,\n"
           "  --bag N:D1,D2,...            or these runtimes cycled (needs --cpus)\n"
           "  --lumi N[:MEAN_GAP_S[:SEED[:LIMIT_FACTOR[:MAX_RUNTIME_S]]]]\n"
           "                               N jobs from the fit of LUMI's jobs (needs --cpus)\n"
           "Options:\n"
           "  --policy P[,P...]            fcfs, easy, multifactor, tailfold (default: easy,tailfold)\n"
           "  --cpus N                     the machine's CPUs\n"
           "  --cpus-per-node N            nodes of N CPUs (default: one node of all CPUs)\n"
           "  --slurm-conf FILE            SchedulerParameters, PriorityParameters and the\n"
           "                               PriorityWeight*, PriorityMaxAge, PriorityDecayHalfLife,\n"
           "                               PriorityCalcPeriod, PriorityFavorSmall lines of a slurm.conf\n"
           "  --scheduler-params TEXT      SchedulerParameters (may be given more than once)\n"
           "  --priority-params TEXT       PriorityParameters of tailfold (may be given more than once)\n"
           "  --workflow AT:N:CPUS:SECONDS[:wrapped][:owner=heaviest|UID]\n"
           "                               add a chain of N dependent jobs, AT s after the start\n"
           "  --jobs-csv PREFIX            write PREFIX-POLICY.csv (per job), PREFIX-POLICY-users.csv\n"
           "  --start-estimates            forecast every job's start at each pass, report the error\n"
           "  --table-format text|md|none  the table of two runs or more (default: text)\n"
           "  --quiet                      no progress lines\n"
           "  -h, --help                   this text\n"
           "Each policy runs once per --scheduler-params set, tailfold (the only policy\n"
           "reading PriorityParameters) also once per --priority-params set; a run is\n"
           "named POLICY[SETS] where sets vary.\n"
           "Output: one JSON line per run on stdout.  With two runs or more, one table\n"
           "on stderr: bsld mean, wait mean/p95/p99/max, utilization, the worst user's\n"
           "mean bsld and Jain's index over users' mean bsld, each with its ratio to\n"
           "the first easy run.  Per-user figures count users with at least "
        << tf_sim::kMinUserJobs << " started jobs.\n"
           "See tailfold-sim(1).\n";
}

int usage(const char *why)
{
    std::cerr << "tailfold-sim: " << why << "\n" << kUsage << "(tailfold-sim --help lists every option)\n";
    return 2;
}

std::vector<std::string> split(const std::string &s, char sep)
{
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string p;
    while (std::getline(ss, p, sep))
        out.push_back(p);
    return out;
}

bool to_u64(const std::string &s, std::uint64_t &v)
{
    if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 18)
        return false;
    v = std::stoull(s);
    return true;
}

std::optional<int> parse_options(int argc, char **argv, Options &o)
{
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
        else if (a == "--sacct")
            ok = value(o.sacct);
        else if (a == "--lumi")
            ok = value(o.lumi);
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
            ok = value(o.sched_sets.emplace_back());
        else if (a == "--priority-params")
            ok = value(o.prio_sets.emplace_back());
        else if (a == "--table-format")
            ok = value(o.table_format) &&
                 (o.table_format == "text" || o.table_format == "md" || o.table_format == "none");
        else if (a == "--jobs-csv")
            ok = value(o.csv);
        else if (a == "--workflow")
            ok = value(o.workflow);
        else if (a == "--quiet")
            o.quiet = true;
        else if (a == "--start-estimates")
            o.start_estimates = true;
        else if (a == "-h" || a == "--help") {
            help(std::cout);
            return 0;
        }
        else
            return usage(("unknown option " + a).c_str());
        if (!ok)
            return usage((a + " needs a valid value").c_str());
    }
    if (!o.swf.empty() + !o.sacct.empty() + !o.bag.empty() + !o.lumi.empty() != 1)
        return usage("give one of --swf, --sacct, --bag and --lumi");
    return std::nullopt;
}

std::optional<int> base_settings(Options &o, SimSettings &base)
{
    std::string err;
    if (!o.slurm_conf.empty() && !read_slurm_conf(o.slurm_conf, o, base, err)) {
        std::cerr << "tailfold-sim: " << err << "\n";
        return 1;
    }
    base.start_estimates = o.start_estimates;
    if (o.sched_sets.empty())
        o.sched_sets.emplace_back();
    if (o.prio_sets.empty())
        o.prio_sets.emplace_back();
    // Every set is checked before anything runs.
    for (const std::string &t : o.sched_sets) {
        tailfold::BackfillParams bf = base.backfill;
        if (!tailfold::parse_backfill_params(t.c_str(), bf, err)) {
            std::cerr << "tailfold-sim: " << err << "\n";
            return 1;
        }
    }
    for (const std::string &t : o.prio_sets) {
        tailfold::DurationParams d = base.prio.duration;
        if (!tailfold::parse_duration_params(t.c_str(), d, err)) {
            std::cerr << "tailfold-sim: " << err << "\n";
            return 1;
        }
    }
    return std::nullopt;
}

}  // namespace tf_sim
