// tailfold-estimates: seed and inspect the runtime estimates that
// priority/tailfold (and site_factor/tailfold) learn.  GPL-2.0-or-later.
//
//   tailfold-estimates seed [--store FILE] [FILE|-]
//       Learn from `sacct -P` output (a header line, then one job per line):
//         sacct -a -X -P -S 2026-01-01 --state=CD,TO
//               -o JobID,UID,Account,JobName,ElapsedRaw,TimelimitRaw,State,End
//       Needed fields: UID (or User), Account, JobName, ElapsedRaw (or
//       Elapsed), TimelimitRaw (or Timelimit), State; End orders the runs.
//       Fields in any order and case, read as tailfold-sim reads them
//       (src/core/sacct_rows.h, slurm_time.h).
//       COMPLETED and TIMEOUT jobs are learned, others skipped.  Lines that
//       make no sense are named (line number, what is wrong) and skipped.
//       The runs are added to the store (made if missing), which gets the
//       owner of its directory when written by root.  Refused while
//       slurmctld runs (its plugin holds tailfold_estimates.lock beside the
//       store, and its next save would overwrite the seed).
//
//   tailfold-estimates show [--store FILE] [--params TEXT]
//       For each pending job (from squeue): its limit, the runtime tailfold
//       expects (EXPECTED: what the duration boost ranks by and
//       bf_runtime=predicted plans with; FORECAST: what the expected starts
//       use with bf_estimate=learned) and where EXPECTED comes from (limit,
//       history, user-history; FORECAST also takes one run of the name,
//       else the user's runs, under duration_source=auto).
//       --params defaults to PriorityParameters from `scontrol show config`.
//       Names and accounts are escaped (\\ \| \n \t \r, \xNN for other
//       control bytes and bytes that are not UTF-8), so columns never shift.
//
// --store defaults to <StateSaveLocation>/tailfold_estimates.json from
// `scontrol show config`.
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "src/core/duration_params.h"
#include "src/core/estimate_store.h"
#include "src/core/file_lock.h"
#include "src/core/runtime_estimator.h"
#include "src/core/sacct_rows.h"
#include "src/core/text_escape.h"

using namespace tailfold;

namespace {

int usage(std::ostream &out = std::cerr)
{
    out << "usage: tailfold-estimates seed [--store FILE] [FILE|-]\n"
                 "       tailfold-estimates show [--store FILE] [--params TEXT]\n"
                 "show escapes names and accounts so that columns never shift: \\\\ \\| \\n \\t \\r for\n"
                 "backslash, '|', newline, tab and CR, \\xNN for other control bytes and for\n"
                 "bytes that are not UTF-8 (sbatch -J $'\\xff' shows as \\xff).\n";
    return &out == &std::cout ? 0 : 2;
}

std::string run(const std::string &cmd, bool &ok)
{
    std::string out;
    std::unique_ptr<FILE, int (*)(FILE *)> p(popen(cmd.c_str(), "r"), pclose);
    ok = p != nullptr;
    if (!p)
        return out;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), p.get())) > 0)
        out.append(buf, n);
    ok = pclose(p.release()) == 0;
    return out;
}

// A value of `scontrol show config` ("Key = value").
std::string config_value(const std::string &key)
{
    bool ok;
    std::istringstream in(run("scontrol show config 2>/dev/null", ok));
    std::string line;
    while (std::getline(in, line)) {
        const auto eq = line.find(" = ");
        if (eq == std::string::npos)
            continue;
        std::string k = line.substr(0, eq);
        k.erase(k.find_last_not_of(' ') + 1);
        if (k == key) {
            std::string v = line.substr(eq + 3);
            return v == "(null)" ? "" : v;
        }
    }
    return "";
}

std::string default_store()
{
    const std::string dir = config_value("StateSaveLocation");
    return dir.empty() ? "" : dir + "/tailfold_estimates.json";
}

int seed(const std::string &store, const std::string &input)
{
    std::ifstream file;
    std::istream *in = &std::cin;
    if (input != "-") {
        file.open(input);
        if (!file) {
            std::cerr << "tailfold-estimates: cannot read " << input << ": " << std::strerror(errno) << "\n";
            return 1;
        }
        in = &file;
    }
    // Fields are looked up by their header names, in any order and case,
    // and read in Slurm's forms (src/core/sacct_rows.h).
    SacctLines lines(*in);
    std::string header;
    if (!lines.next(header)) {
        std::cerr << "tailfold-estimates: " << input << " is empty (want sacct -P output with a header)\n";
        return 1;
    }
    SacctHeader names;
    names.parse(header);
    const int c_uid = names.find({"UID"}), c_user = names.find({"User"}), c_acct = names.find({"Account"}),
              c_name = names.find({"JobName"}), c_elapsed = names.find({"ElapsedRaw", "Elapsed"}),
              c_limit = names.find({"TimelimitRaw", "Timelimit"}), c_state = names.find({"State"}),
              c_end = names.find({"End"});
    std::string missing;
    if (c_uid < 0 && c_user < 0)
        missing += " UID (or User)";
    if (c_acct < 0)
        missing += " Account";
    if (c_name < 0)
        missing += " JobName";
    if (c_elapsed < 0)
        missing += " ElapsedRaw (or Elapsed)";
    if (c_limit < 0)
        missing += " TimelimitRaw (or Timelimit)";
    if (c_state < 0)
        missing += " State";
    if (!missing.empty()) {
        std::cerr << "tailfold-estimates: the header of " << input << " lacks:" << missing
                  << "\n  (use: sacct -a -X -P --state=CD,TO -o "
                     "JobID,UID,Account,JobName,ElapsedRaw,TimelimitRaw,State,End)\n";
        return 1;
    }

    struct Run {
        std::string end;
        std::uint32_t uid;
        std::string acct, name;
        std::int64_t elapsed, limit;
        bool timeout;
    };
    std::vector<Run> runs;
    std::string line, why;
    long skipped = 0, bad = 0;
    std::map<std::string, std::uint32_t> uid_of;
    SacctRow f;
    while (lines.next(line)) {
        auto complain = [&](const std::string &what) {
            if (++bad <= 20)
                std::cerr << "tailfold-estimates: " << input << ":" << lines.line_number() << ": " << what
                          << "; line skipped\n";
        };
        if (!f.parse(line, names, why)) {
            complain(why);
            continue;
        }
        const std::string state = f.state(c_state);
        if (state != "COMPLETED" && state != "TIMEOUT") {
            ++skipped;
            continue;
        }
        Run r;
        if (c_uid >= 0) {
            std::uint64_t uid;
            if (!f.number(c_uid, UINT32_MAX, uid, why)) {
                complain(why);
                continue;
            }
            r.uid = static_cast<std::uint32_t>(uid);
        } else {
            const std::string &u = f.text(c_user);
            if (!uid_of.count(u)) {
                struct passwd *pw = getpwnam(u.c_str());
                if (!pw) {
                    complain("user '" + u + "' is unknown here");
                    continue;
                }
                uid_of[u] = pw->pw_uid;
            }
            r.uid = uid_of[u];
        }
        if (!f.elapsed(c_elapsed, r.elapsed, why)) {
            complain(why);
            continue;
        }
        switch (f.limit(c_limit, r.limit, why)) {
        case SlurmValue::kValue:
            break;
        case SlurmValue::kNone:  // UNLIMITED, Partition_Limit: learned without a limit
            r.limit = 0;
            break;
        case SlurmValue::kBad:
            complain(why);
            continue;
        }
        r.acct = f.text(c_acct);
        r.name = f.text(c_name);
        r.timeout = state == "TIMEOUT";
        r.end = f.text(c_end);
        runs.push_back(std::move(r));
    }
    if (lines.failed()) {
        std::cerr << "tailfold-estimates: cannot read " << input << "\n";
        return 1;
    }
    if (bad > 20)
        std::cerr << "tailfold-estimates: ... " << bad - 20 << " more lines skipped\n";
    // Oldest first, so the last two runs are the newest.  sacct's End is
    // ISO 8601 and sorts as text.
    std::stable_sort(runs.begin(), runs.end(), [](const Run &a, const Run &b) { return a.end < b.end; });

    // The plugin in slurmctld holds this lock for its life: a seed now
    // would be overwritten by its next save.  Held until the seed is saved.
    FileLock lock;
    const std::string lock_path = lock_path_for(store);
    std::string err;
    switch (lock.try_lock(lock_path, err)) {
    case FileLock::Result::kHeld:
        break;
    case FileLock::Result::kBusy:
        std::cerr << "tailfold-estimates: slurmctld (or another seed) holds " << lock_path
                  << ": stop slurmctld before seeding, or the plugin's next save would overwrite the seed\n";
        return 1;
    case FileLock::Result::kError:
        std::cerr << "tailfold-estimates: " << err << "\n";
        return 1;
    }
    RuntimeEstimator est(1000000);
    const LoadResult loaded = load_estimates(store, est, err);
    if (loaded == LoadResult::kBad) {
        std::cerr << "tailfold-estimates: " << err << "\n  (move it away to start a new store)\n";
        return 1;
    }
    if (!err.empty())  // bad entries skipped; the save drops them
        std::cerr << "tailfold-estimates: " << err << "\n";
    const size_t before = est.size();
    for (const auto &r : runs)
        est.record(r.uid, r.acct, r.name, r.elapsed, r.limit > 0 ? r.limit : 0, r.timeout);
    if (!save_estimates(store, est, err)) {
        std::cerr << "tailfold-estimates: " << err << "\n";
        return 1;
    }
    std::cout << "learned " << runs.size() << " runs (" << skipped << " not COMPLETED/TIMEOUT, " << bad
              << " bad lines skipped); " << store << " holds " << est.size() << " entries (" << before
              << " before)\n";
    return bad && runs.empty() ? 1 : 0;
}

// One pending job of squeue's output.
struct Pending {
    std::string id, uid, user, account, limit, name;
};

// squeue -o '%i|%U|%u|%a|%l|%j|%i': the name comes last but one, so a '|'
// or a newline in it (Slurm takes any byte but NUL) is read as part of
// it; the job id repeated after it ends the record.  Job ids, uids, user
// names, accounts and limits hold no '|' or newline.  A record that does
// not have this shape is named on stderr and skipped.
std::vector<Pending> parse_squeue(const std::string &out)
{
    std::vector<Pending> jobs;
    std::size_t pos = 0;
    long record = 0;
    while (pos < out.size()) {
        ++record;
        const std::size_t eol = out.find('\n', pos);
        std::vector<std::string> f;
        std::size_t p = pos;
        for (int i = 0; i < 5; ++i) {
            const std::size_t bar = out.find('|', p);
            if (bar == std::string::npos || (eol != std::string::npos && bar > eol))
                break;
            f.push_back(out.substr(p, bar - p));
            p = bar + 1;
        }
        const std::string end = f.empty() ? "" : "|" + f[0] + "\n";
        const std::size_t stop = f.size() == 5 && !f[0].empty() ? out.find(end, p) : std::string::npos;
        if (stop == std::string::npos) {
            const std::string line = out.substr(pos, eol == std::string::npos ? std::string::npos : eol - pos);
            std::cerr << "tailfold-estimates: squeue record " << record << " ('" << escape_for_column(line)
                      << "') is not JOBID|UID|USER|ACCOUNT|LIMIT|NAME|JOBID; skipped\n";
            if (eol == std::string::npos)
                break;
            pos = eol + 1;
            continue;
        }
        jobs.push_back({f[0], f[1], f[2], f[3], f[4], out.substr(p, stop - p)});
        pos = stop + end.size();
    }
    return jobs;
}

int show(const std::string &store, const std::string &params_text)
{
    DurationParams p;
    std::string err;
    if (!parse_duration_params(params_text.c_str(), p, err)) {
        std::cerr << "tailfold-estimates: " << err << "\n";
        return 1;
    }
    RuntimeEstimator est(1000000);
    if (load_estimates(store, est, err) == LoadResult::kBad)
        std::cerr << "tailfold-estimates: " << err << " (showing limits only)\n";
    else if (!err.empty())
        std::cerr << "tailfold-estimates: " << err << "\n";
    bool ok;
    const std::string q = run("squeue -h -t PD -o '%i|%U|%u|%a|%l|%j|%i'", ok);
    if (!ok) {
        std::cerr << "tailfold-estimates: squeue failed\n";
        return 1;
    }
    std::printf("%-10s %-10s %-12s %-20s %12s %12s %12s  %s\n", "JOBID", "USER", "ACCOUNT", "NAME", "LIMIT",
                "EXPECTED", "FORECAST", "FROM");
    auto hms = [](double secs) {
        if (secs <= 0)
            return std::string("-");
        char b[32];
        const long long s = static_cast<long long>(secs);
        std::snprintf(b, sizeof(b), "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
        return std::string(b);
    };
    for (const Pending &j : parse_squeue(q)) {
        std::int64_t limit = -1;
        if (parse_slurm_limit(j.limit, limit) == SlurmValue::kBad)
            std::cerr << "tailfold-estimates: job " << escape_for_column(j.id) << ": limit '"
                      << escape_for_column(j.limit) << "' is not a duration; shown without\n";
        std::uint64_t uid64 = 0;
        const bool uid_ok = parse_slurm_count(j.uid, UINT32_MAX, uid64);
        const std::uint32_t uid = static_cast<std::uint32_t>(uid64);
        if (!uid_ok)
            std::cerr << "tailfold-estimates: job " << escape_for_column(j.id) << ": UID '"
                      << escape_for_column(j.uid) << "' is not a number; shown with its limit\n";
        const Estimate e = uid_ok ? est.estimate(uid, j.account, j.name, limit > 0 ? limit : 0, p.source,
                                                 p.history_runs)
                                  : Estimate{limit > 0 ? static_cast<double>(limit) : 0, limit > 0 ? static_cast<double>(limit) : 0,
                                             EstimateOrigin::kLimit};
        std::printf("%-10s %-10s %-12s %-20s %12s %12s %12s  %s\n", escape_for_column(j.id).c_str(),
                    escape_for_column(j.user).c_str(), escape_for_column(j.account).c_str(),
                    escape_for_column(j.name).c_str(), hms(static_cast<double>(limit)).c_str(),
                    hms(e.seconds).c_str(), hms(e.forecast_seconds).c_str(), to_string(e.origin));
    }
    return 0;
}

int run_command(int argc, char **argv);

}  // namespace

// Whatever the input, one line saying what went wrong, never a crash.
int main(int argc, char **argv)
{
    try {
        return run_command(argc, argv);
    } catch (const std::exception &e) {
        std::cerr << "tailfold-estimates: " << e.what() << "\n";
    } catch (...) {
        std::cerr << "tailfold-estimates: unexpected error\n";
    }
    return 1;
}

namespace {

int run_command(int argc, char **argv)
{
    if (argc < 2)
        return usage();
    const std::string cmd = argv[1];
    if (cmd == "-h" || cmd == "--help")
        return usage(std::cout);
    std::string store, params, input = "-";
    bool params_set = false;
    for (int i = 2; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--store" && i + 1 < argc)
            store = argv[++i];
        else if (a == "--params" && i + 1 < argc) {
            params = argv[++i];
            params_set = true;
        } else if (a == "-h" || a == "--help")
            return usage(std::cout);
        else if (cmd == "seed" && (a == "-" || a[0] != '-'))
            input = a;
        else
            return usage();
    }
    if (store.empty())
        store = default_store();
    if (store.empty()) {
        std::cerr << "tailfold-estimates: no --store, and no StateSaveLocation from scontrol\n";
        return 1;
    }
    if (cmd == "seed")
        return seed(store, input);
    if (cmd == "show")
        return show(store, params_set ? params : config_value("PriorityParameters"));
    return usage();
}

}  // namespace
