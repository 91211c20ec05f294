// tailfold-sim: replay a workload through tailfold's own scheduling code.
// GPL-2.0-or-later.
//
//   tailfold-sim (--swf FILE | --sacct FILE | --bag SPEC | --lumi SPEC) [OPTION]...
//
// One JSON object per run on stdout; with two runs or more, a table of
// them on stderr.  Every option: help() below and man/tailfold-sim.1.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "metrics.h"
#include "simulator.h"
#include "sacct_reader.h"
#include "swf_reader.h"
#include "synthetic.h"
#include "src/core/key_value.h"

namespace {

const char kUsage[] =
    "usage: tailfold-sim (--swf FILE | --sacct FILE | --bag SPEC | --lumi SPEC) [OPTION]...\n"
    "       tailfold-sim --help\n";

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
        << tfsim::kMinUserJobs << " started jobs.\n"
           "See tailfold-sim(1).\n";
}

// A usage error: what is wrong and the usage lines, on stderr; exit 2.
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
    std::string swf, sacct, bag, lumi, policies = "easy,tailfold", slurm_conf, csv, workflow;
    std::string table_format = "text";
    // One entry per --scheduler-params / --priority-params given; none: slurm.conf's or the defaults.
    std::vector<std::string> sched_sets, prio_sets;
    std::uint32_t cpus = 0, cpus_per_node = 0;
    bool quiet = false, start_estimates = false;
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
// job's end (-1 if it never finished); its jobs' summed waits; the owner;
// and the mean bounded slowdown of every other started job, which chain
// credit must not make worse.
std::string workflow_json(const tfsim::Workload &w, const tfsim::SimResult &r, const std::vector<std::size_t> &chain,
                          std::int64_t at, std::uint32_t user)
{
    const tfsim::JobOutcome &last = r.jobs[chain.back()];
    std::int64_t waited = 0;
    std::vector<bool> in_chain(r.jobs.size());
    for (std::size_t i : chain) {
        in_chain[i] = true;
        if (r.jobs[i].start >= 0)
            waited += r.jobs[i].start - r.jobs[i].submit;
    }
    double sum = 0;
    std::size_t n = 0;
    for (std::size_t i = 0; i < r.jobs.size(); ++i)
        if (!in_chain[i] && r.jobs[i].start >= 0) {
            sum += tfsim::bounded_slowdown(r.jobs[i].start - r.jobs[i].submit, w.jobs[i].runtime);
            ++n;
        }
    char others[64];
    std::snprintf(others, sizeof others, "%.4f", n ? sum / double(n) : 0.0);
    return ", \"workflow_jobs\": " + std::to_string(chain.size()) + ", \"workflow_owner\": " +
           (user == tfsim::kFreshChainUser ? std::string("null") : std::to_string(user)) +
           ", \"workflow_tts_s\": " + std::to_string(last.end >= 0 ? last.end - at : -1) +
           ", \"workflow_wait_s\": " + std::to_string(waited) + ", \"others_bsld_mean\": " + others;
}

// How far planned starts were from the real ones (--start-estimates).
std::string start_error_json(const tfsim::StartErrors &e)
{
    auto one = [](const tfsim::StartError &x) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "{\"jobs\": %zu, \"unplanned\": %zu, \"median\": %.4f, \"p90\": %.4f}",
                      x.jobs, x.unplanned, x.median, x.p90);
        return std::string(buf);
    };
    return ", \"start_error\": {\"at_submit\": " + one(e.at_submit) + ", \"hour_before\": " + one(e.hour_before) + "}";
}

// One run of the invocation: a policy with one scheduler and one priority
// parameter set, named for the table and the JSON.
struct Run {
    std::string label;
    tfsim::Policy policy;
    tfsim::Summary m;
};

// One table of all runs: each metric beside its ratio to the reference
// run (the first easy run), so that settings are chosen on one page.
// `md` writes Markdown, otherwise aligned plain text.
void print_table(std::FILE *out, const std::vector<Run> &runs, bool md)
{
    const Run *ref = nullptr;
    for (const Run &r : runs)
        if (r.policy == tfsim::Policy::kEasy) {
            ref = &r;
            break;
        }
    struct Metric {
        const char *name;
        const char *fmt;
        bool per_user;  // absent when no user has kMinUserJobs jobs
        double (*get)(const tfsim::Summary &);
    };
    const Metric metrics[] = {
        {"bsld_mean", "%.2f", false, [](const tfsim::Summary &m) { return m.bsld_mean; }},
        {"wait_mean_s", "%.0f", false, [](const tfsim::Summary &m) { return m.wait_mean_s; }},
        {"wait_p95_s", "%.0f", false, [](const tfsim::Summary &m) { return m.wait_p95_s; }},
        {"wait_p99_s", "%.0f", false, [](const tfsim::Summary &m) { return m.wait_p99_s; }},
        {"wait_max_s", "%.0f", false, [](const tfsim::Summary &m) { return m.wait_max_s; }},
        {"utilization", "%.3f", false, [](const tfsim::Summary &m) { return m.utilization; }},
        {"worst_user_bsld", "%.2f", true, [](const tfsim::Summary &m) { return m.users.worst_bsld; }},
        {"jain_bsld", "%.3f", true, [](const tfsim::Summary &m) { return m.users.jain; }},
    };
    auto fmt = [](const char *f, double v) {
        char buf[64];
        std::snprintf(buf, sizeof buf, f, v);
        return std::string(buf);
    };
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> head{"run"};
    for (const Metric &mt : metrics) {
        head.push_back(mt.name);
        if (ref)
            head.push_back("/easy");
        if (std::string(mt.name) == "worst_user_bsld")
            head.push_back("user");
    }
    head.push_back("users");
    rows.push_back(head);
    for (const Run &r : runs) {
        std::vector<std::string> row{r.label};
        for (const Metric &mt : metrics) {
            const bool has = !mt.per_user || r.m.users.users;
            const bool ref_has = ref && (!mt.per_user || ref->m.users.users);
            const double v = mt.get(r.m);
            row.push_back(has ? fmt(mt.fmt, v) : "-");
            if (ref) {
                const double base = ref_has ? mt.get(ref->m) : 0;
                if (has && &r == ref)
                    row.push_back("1.00");  // itself, even when its value is 0
                else if (has && ref_has && base != 0)
                    row.push_back(fmt("%.2f", v / base));
                else
                    row.push_back("-");
            }
            if (std::string(mt.name) == "worst_user_bsld")
                row.push_back(has ? std::to_string(r.m.users.worst_user) : "-");
        }
        row.push_back(std::to_string(r.m.users.users));
        rows.push_back(row);
    }
    std::vector<std::size_t> width(head.size(), 0);
    for (const auto &row : rows)
        for (std::size_t c = 0; c < row.size(); ++c)
            width[c] = std::max(width[c], row[c].size());
    const std::string br = md ? "  \n" : "\n";  // a Markdown line break
    std::fprintf(out, "%s%zu runs; %s%sper user: the users with >= %zu started jobs (users); worst_user_bsld: "
                      "the highest user mean bsld, of `user`;%sjain_bsld: Jain's index over the user means "
                      "(1 = all equal); -: no value\n%s",
                 md ? "\n" : "", runs.size(),
                 ref ? ("/easy: ratio to " + ref->label).c_str() : "no easy run: no ratios", br.c_str(),
                 tfsim::kMinUserJobs, br.c_str(), md ? "\n" : "");
    for (std::size_t i = 0; i < rows.size(); ++i) {
        std::string line = md ? "|" : "";
        for (std::size_t c = 0; c < rows[i].size(); ++c) {
            const std::string &cell = rows[i][c];
            const std::string pad(width[c] - cell.size(), ' ');
            if (md)
                line += " " + cell + " |";
            else
                line += (c ? "  " : "") + (c ? pad + cell : cell + pad);  // numbers right, names left
        }
        std::fprintf(out, "%s\n", line.c_str());
        if (md && i == 0) {
            std::string sep = "|";
            for (std::size_t c = 0; c < rows[0].size(); ++c)
                sep += c ? "---:|" : "---|";
            std::fprintf(out, "%s\n", sep.c_str());
        }
    }
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

    tfsim::SimSettings base;
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

    tfsim::Workload w;
    std::string source;
    if (!o.swf.empty() || !o.sacct.empty()) {
        source = !o.swf.empty() ? o.swf : o.sacct;
        const bool ok = !o.swf.empty() ? tfsim::read_swf(o.swf, o.cpus, w, std::cerr, err)
                                       : tfsim::read_sacct(o.sacct, o.cpus, w, std::cerr, err);
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
            ok = ok && tfsim::bag_cycle(std::size_t(n), durations, o.cpus, w, err);
        } else {
            ok = ok && (f.size() == 3 || f.size() == 4) && to_u64(f[1], lo) && to_u64(f[2], hi) &&
                 (f.size() == 3 || to_u64(f[3], seed)) &&
                 tfsim::bag_uniform(std::size_t(n), std::int64_t(lo), std::int64_t(hi), seed, o.cpus, w, err);
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
        tfsim::LumiSpec spec;
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
        if (!ok || !tfsim::lumi_lognormal(spec, w, err))
            return usage(("--lumi " + o.lumi + ": N[:MEAN_GAP_S[:SEED[:LIMIT_FACTOR[:MAX_RUNTIME_S]]]]" +
                          (err.empty() ? "" : " (" + err + ")"))
                             .c_str());
        source = "lumi:" + o.lumi;
    }
    if (!w.machine_cpus) {
        std::cerr << "tailfold-sim: the machine size is unknown: give --cpus\n";
        return 1;
    }
    // A workflow: a chain of N dependent jobs from time AT (seconds from the
    // workload's start), or one wrapped job of their summed length.
    std::vector<std::size_t> chain;
    std::int64_t chain_at = 0;
    std::uint32_t chain_user = 0;
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
        std::uint32_t user = tfsim::kFreshChainUser;
        if (owner == "heaviest") {
            user = tfsim::heaviest_user(w);
            if (user == tfsim::kFreshChainUser) {
                std::cerr << "tailfold-sim: owner=heaviest: the workload names no users\n";
                return 1;
            }
        } else if (!owner.empty()) {
            std::uint64_t u;
            if (!to_u64(owner, u) || u >= tfsim::kFreshChainUser)
                return usage(("--workflow: owner=" + owner + " is not heaviest or a user id").c_str());
            user = std::uint32_t(u);
        }
        chain_at = std::int64_t(at);
        chain = tfsim::add_chain(w, chain_at, std::uint32_t(n), std::uint32_t(c), std::int64_t(secs), wrapped, user);
        chain_user = user;
    }
    if (w.bad_lines || w.too_big)
        std::cerr << "tailfold-sim: " << source << ": " << w.bad_lines << " bad lines and " << w.too_big
                  << " jobs larger than the machine skipped; " << w.jobs.size() << " jobs kept\n";

    // The runs: each policy once per scheduler set; tailfold, the only one
    // reading PriorityParameters, also once per priority set.
    struct Plan {
        std::string label;
        tfsim::SimSettings s;
        std::string sched_text, prio_text;
    };
    std::vector<Plan> plans;
    std::map<std::string, int> per_policy;
    const bool several_sched = o.sched_sets.size() > 1, several_prio = o.prio_sets.size() > 1;
    for (const std::string &name : split(o.policies, ',')) {
        tfsim::Policy policy;
        if (!tfsim::parse_policy(name, policy))
            return usage(("unknown policy '" + name + "' (fcfs, easy, multifactor, tailfold)").c_str());
        const bool reads_prio = policy == tfsim::Policy::kTailfold;
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
                if (policy == tfsim::Policy::kEasy) {  // EASY as published: one reservation, user limits
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
                ++per_policy[tfsim::to_string(policy)];
                plans.push_back(p);
            }
        }
    }

    std::vector<Run> runs;
    std::map<std::string, int> csv_no;
    for (const Plan &p : plans) {
        const std::string &name = p.label;
        const std::string policy = tfsim::to_string(p.s.policy);
        const auto t0 = std::chrono::steady_clock::now();
        auto last = t0;
        auto progress = [&](std::size_t done, std::size_t total) {
            const auto t = std::chrono::steady_clock::now();
            if (o.quiet || t - t0 < std::chrono::seconds(1) || t - last < std::chrono::milliseconds(250))
                return;
            last = t;
            std::fprintf(stderr, "\r%s: %zu/%zu jobs done", name.c_str(), done, total);
        };
        const tfsim::SimResult r = tfsim::simulate(w, p.s, progress);
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (!o.quiet && secs >= 1)
            std::fprintf(stderr, "\r%s: %zu jobs in %.1f s%20s\n", name.c_str(), w.jobs.size(), secs, "");
        const tfsim::Summary m = tfsim::summarize(w, r, w.machine_cpus);
        // Per-user figures: null when no user has kMinUserJobs started jobs.
        std::string users = ", \"user_min_jobs\": " + std::to_string(tfsim::kMinUserJobs) +
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
                    (chain.empty() ? std::string() : workflow_json(w, r, chain, chain_at, chain_user)).c_str(),
                    p.s.start_estimates ? start_error_json(tfsim::start_errors(r)).c_str() : "");
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
