// tailfold-sim: Slurm accounting (sacct -P) as a workload.  GPL-2.0-or-later.
#include "sacct_reader.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <ostream>
#include <vector>

namespace tf_sim {

using tailfold::SacctRow;
using tailfold::SlurmValue;

namespace {

// States of a job that has not ended: its runtime is not known yet.
bool unfinished_state(const std::string &state)
{
    static const char *const kStates[] = {"RUNNING",  "SUSPENDED", "REQUEUED",  "REQUEUE_FED", "REQUEUE_HOLD",
                                          "RESIZING", "COMPLETING", "CONFIGURING", "SIGNALING",  "STAGE_OUT",
                                          "STOPPED"};
    for (const char *s : kStates)
        if (state == s)
            return true;
    return false;
}

}  // namespace

bool parse_sacct_header(const std::string &line, SacctColumns &cols, std::string &why)
{
    cols = SacctColumns{};
    tailfold::SacctHeader &h = cols.header;
    h.parse(line);
    cols.job_id = h.find({"JobIDRaw", "JobID"});  // the raw id is unique, array tasks included
    cols.submit = h.find({"Submit"});
    cols.start = h.find({"Start"});
    cols.elapsed = h.find({"ElapsedRaw", "Elapsed"});
    cols.timelimit = h.find({"TimelimitRaw", "Timelimit"});
    cols.alloc_cpus = h.find({"AllocCPUS"});
    cols.req_cpus = h.find({"ReqCPUS"});
    cols.uid = h.find({"UID"});
    cols.gid = h.find({"GID"});
    cols.state = h.find({"State"});
    cols.name = h.find({"JobName"});
    std::string missing;
    auto need = [&](int col, const char *what) {
        if (col < 0)
            missing += std::string(missing.empty() ? "" : " ") + what;
    };
    need(cols.job_id, "JobIDRaw");
    need(cols.submit, "Submit");
    need(cols.start, "Start");
    need(cols.elapsed, "ElapsedRaw");
    need(cols.timelimit, "TimelimitRaw");
    need(std::max(cols.alloc_cpus, cols.req_cpus), "AllocCPUS");
    need(cols.uid, "UID");
    need(cols.state, "State");
    if (!missing.empty()) {
        why = "the header lacks " + missing +
              " (sacct -P -o JobIDRaw,Submit,Start,End,ElapsedRaw,TimelimitRaw,AllocCPUS,ReqCPUS,UID,GID,State)";
        return false;
    }
    return true;
}

SacctLine parse_sacct_line(const std::string &line, const SacctColumns &cols, SimJob &job, std::string &name,
                           std::string &why)
{
    SacctRow row;
    if (!row.parse(line, cols.header, why))
        return SacctLine::kBad;

    // The job id: digits, then maybe an array task (_4) or a het component (+0).
    const std::string &id_text = row.text(cols.job_id);
    if (id_text.find('.') != std::string::npos)
        return SacctLine::kStep;
    std::uint64_t id;
    if (!tailfold::parse_slurm_count(std::string_view(id_text).substr(0, id_text.find_first_of("_+")),
                                     UINT64_MAX / 10, id)) {
        why = "job id '" + id_text + "' is not a number";
        return SacctLine::kBad;
    }

    // "CANCELLED by 1234": the first word is the state.
    const std::string state = row.state(cols.state);
    if (state.empty()) {
        why = "no State";
        return SacctLine::kBad;
    }
    if (state == "PENDING")
        return SacctLine::kNeverRan;
    if (unfinished_state(state))
        return SacctLine::kUnfinished;

    std::int64_t submit, start;
    std::string start_why;
    const SlurmValue started = row.timestamp(cols.start, start, start_why);
    if (started == SlurmValue::kNone)  // Unknown, None: it never started
        return SacctLine::kNeverRan;
    if (row.timestamp(cols.submit, submit, why) != SlurmValue::kValue)
        return SacctLine::kBad;
    if (started == SlurmValue::kBad) {
        why = start_why;
        return SacctLine::kBad;
    }
    // Bounds keep every later sum far from overflowing: a century of seconds, 2^31 CPUs and ids.
    const std::uint64_t kMaxId = 0xffffffffull;
    std::int64_t elapsed, limit = 0;
    std::uint64_t alloc = 0, req = 0, uid, gid = 0;
    auto number = [&](int col, std::uint64_t &v) {
        return col < 0 || row.number(col, kMaxId, v, why);  // col < 0: an optional field the header lacks
    };
    if (!row.elapsed(cols.elapsed, elapsed, why) || !number(cols.alloc_cpus, alloc) ||
        !number(cols.req_cpus, req) || !number(cols.uid, uid) || !number(cols.gid, gid))
        return SacctLine::kBad;
    const SlurmValue limited = row.limit(cols.timelimit, limit, why);
    if (limited == SlurmValue::kBad)
        return SacctLine::kBad;

    // Cancelled while pending: some Slurm versions give it a Start (the
    // cancel time) but it had no CPUs and ran for nothing.
    if (cols.alloc_cpus >= 0 && alloc == 0 && elapsed == 0)
        return SacctLine::kNeverRan;
    const std::uint64_t cpus = alloc ? alloc : req;
    if (cpus == 0) {
        why = "no CPU count (AllocCPUS and ReqCPUS are 0)";
        return SacctLine::kBad;
    }

    job = SimJob{};
    job.id = id;
    job.submit = submit;
    job.runtime = elapsed;
    job.limit = limited == SlurmValue::kNone ? job.runtime : limit;  // no limit: the runtime
    job.cpus = static_cast<std::uint32_t>(cpus);
    job.user = static_cast<std::uint32_t>(uid);
    job.group = static_cast<std::uint32_t>(gid);
    // A start before the submit happens when a requeued job's submit was
    // reset; its wait is then not known.
    job.recorded_wait = start >= submit ? start - submit : -1;
    name = row.text(cols.name);
    return SacctLine::kJob;
}

bool read_sacct(const std::string &path, std::uint32_t machine_cpus, Workload &out, std::ostream &warn,
                std::string &error, std::size_t max_reported, SacctSkipped *skipped)
{
    errno = 0;
    std::ifstream in(path);
    if (!in) {
        error = path + ": " + std::strerror(errno ? errno : ENOENT);
        return false;
    }
    out = Workload{};
    out.machine_cpus = machine_cpus;
    SacctSkipped skip;
    SacctColumns cols;
    bool have_header = false;
    std::size_t reported = 0, lineno = 0;
    auto report = [&](const std::string &msg) {
        if (reported++ < max_reported)
            warn << path << ":" << lineno << ": " << msg << "\n";
    };
    std::map<std::string, std::uint32_t> apps;  // JobName -> a small number, the simulator's "app"
    std::vector<SimJob> jobs;
    std::string line, name, why;
    tailfold::SacctLines lines(in);
    while (lines.next(line)) {
        lineno = lines.line_number();
        if (!have_header) {
            if (!parse_sacct_header(line, cols, why)) {
                error = path + ":" + std::to_string(lineno) + ": " + why;
                return false;
            }
            have_header = true;
            continue;
        }
        SimJob job;
        switch (parse_sacct_line(line, cols, job, name, why)) {
        case SacctLine::kJob:
            if (!name.empty())
                job.app = apps.emplace(name, static_cast<std::uint32_t>(apps.size() + 1)).first->second;
            jobs.push_back(job);
            break;
        case SacctLine::kNeverRan:
            ++skip.never_ran;
            break;
        case SacctLine::kUnfinished:
            ++skip.unfinished;
            break;
        case SacctLine::kStep:
            ++skip.steps;
            break;
        case SacctLine::kBad:
            ++out.bad_lines;
            report(why + ": skipped");
            break;
        }
    }
    if (lines.failed()) {
        error = path + ": read error";
        return false;
    }
    if (!have_header) {
        error = path + ": empty (no sacct -P header line)";
        return false;
    }

    if (!out.machine_cpus)
        for (const SimJob &j : jobs)
            out.machine_cpus = std::max(out.machine_cpus, j.cpus);
    std::int64_t first = 0;
    if (!jobs.empty())
        first = std::min_element(jobs.begin(), jobs.end(), [](const SimJob &a, const SimJob &b) {
                    return a.submit < b.submit;
                })->submit;
    for (SimJob &j : jobs) {
        if (j.cpus > out.machine_cpus) {
            ++out.too_big;
            if (reported++ < max_reported)
                warn << path << ": job " << j.id << " has " << j.cpus << " CPUs, the machine "
                     << out.machine_cpus << ": skipped\n";
            continue;
        }
        j.submit -= first;  // the earliest submit of all, so the trace's shape is kept
        if (j.limit < j.runtime) {
            j.limit = j.runtime;  // it was not stopped at its limit (overtime, a raised limit): plan with what it ran
            ++out.limit_raised;
        }
        out.jobs.push_back(j);
    }
    std::stable_sort(out.jobs.begin(), out.jobs.end(),
                     [](const SimJob &a, const SimJob &b) { return a.submit < b.submit; });
    if (reported > max_reported)
        warn << path << ": " << reported - max_reported << " more problems not shown\n";
    if (skip.never_ran || skip.unfinished || skip.steps)
        warn << path << ": skipped " << skip.never_ran << " jobs that never ran, " << skip.unfinished
             << " that had not ended and " << skip.steps << " job steps\n";
    if (skipped)
        *skipped = skip;
    return true;
}

}  // namespace tf_sim
