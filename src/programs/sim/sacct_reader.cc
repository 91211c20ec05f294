// tailfold-sim: Slurm accounting (sacct -P) as a workload.  GPL-2.0-or-later.
#include "sacct_reader.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <ostream>
#include <unordered_map>
#include <vector>

namespace tfsim {

namespace {

std::vector<std::string> split_bars(const std::string &line)
{
    std::vector<std::string> f;
    std::size_t from = 0;
    for (;;) {
        const std::size_t bar = line.find('|', from);
        f.push_back(line.substr(from, bar == std::string::npos ? std::string::npos : bar - from));
        if (bar == std::string::npos)
            return f;
        from = bar + 1;
    }
}

std::string lower(std::string s)
{
    for (char &c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// Digits only, no sign, no overflow past `max`.
bool to_count(const std::string &s, std::uint64_t max, std::uint64_t &v)
{
    if (s.empty() || s.size() > 19)
        return false;
    v = 0;
    for (char c : s) {
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return v <= max;
}

// Exactly `n` digits at s[at..].
bool digits(const std::string &s, std::size_t at, std::size_t n, int &v)
{
    if (at + n > s.size())
        return false;
    v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    return true;
}

// sacct writes "Unknown" (never started) or "None" (not ended) for times
// it does not have.
bool no_time(const std::string &s)
{
    return s.empty() || s == "Unknown" || s == "None";
}

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

namespace {

// mktime for the hour that starts at y-mo-d h:00:00, local time.
bool local_hour(int y, int mo, int d, int h, std::int64_t &epoch)
{
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_isdst = -1;  // local time: let the zone say whether summer time applies
    const std::time_t t = std::mktime(&tm);
    if (t == static_cast<std::time_t>(-1) || tm.tm_mday != d)  // mktime moved Feb 31 to March
        return false;
    epoch = static_cast<std::int64_t>(t);
    return true;
}

}  // namespace

bool parse_slurm_time(const std::string &text, std::int64_t &epoch)
{
    // YYYY-MM-DDTHH:MM:SS, nothing else.
    int y, mo, d, h, mi, s;
    if (text.size() != 19 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
        text[16] != ':' || !digits(text, 0, 4, y) || !digits(text, 5, 2, mo) || !digits(text, 8, 2, d) ||
        !digits(text, 11, 2, h) || !digits(text, 14, 2, mi) || !digits(text, 17, 2, s))
        return false;
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
        return false;
    // glibc's mktime looks at /etc/localtime on every call: two system calls
    // per line made a million-line history take seconds.  Zones change
    // their offset on whole hours, so the start of each hour is looked up
    // once (per thread, and again if TZ changes) and minutes and seconds
    // added.
    struct HourCache {
        std::string tz;
        std::unordered_map<std::string, std::int64_t> hours;  // "YYYY-MM-DDTHH" -> epoch, kNoDate: not a date
    };
    thread_local HourCache cache;
    const std::int64_t kNoDate = INT64_MIN;
    const char *tz = std::getenv("TZ");
    if (cache.tz != (tz ? tz : "")) {
        cache.tz = tz ? tz : "";
        cache.hours.clear();
    }
    const std::string key = text.substr(0, 13);
    auto at = cache.hours.find(key);
    if (at == cache.hours.end()) {
        std::int64_t hour;
        at = cache.hours.emplace(key, local_hour(y, mo, d, h, hour) ? hour : kNoDate).first;
    }
    if (at->second == kNoDate)
        return false;
    epoch = at->second + mi * 60 + s;
    return true;
}

bool parse_sacct_header(const std::string &line, SacctColumns &cols, std::string &why)
{
    cols = SacctColumns{};
    const std::vector<std::string> f = split_bars(line);
    cols.count = f.size();
    int job_id_raw = -1, job_id = -1;
    for (std::size_t i = 0; i < f.size(); ++i) {
        const std::string k = lower(f[i]);
        const int at = static_cast<int>(i);
        if (k == "jobidraw")
            job_id_raw = at;
        else if (k == "jobid")
            job_id = at;
        else if (k == "submit")
            cols.submit = at;
        else if (k == "start")
            cols.start = at;
        else if (k == "elapsedraw")
            cols.elapsed = at;
        else if (k == "timelimitraw")
            cols.timelimit = at;
        else if (k == "alloccpus")
            cols.alloc_cpus = at;
        else if (k == "reqcpus")
            cols.req_cpus = at;
        else if (k == "uid")
            cols.uid = at;
        else if (k == "gid")
            cols.gid = at;
        else if (k == "state")
            cols.state = at;
        else if (k == "jobname")
            cols.name = at;
    }
    cols.job_id = job_id_raw >= 0 ? job_id_raw : job_id;  // the raw id is unique, array tasks included
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
    const std::vector<std::string> f = split_bars(line);
    if (f.size() != cols.count) {
        why = "has " + std::to_string(f.size()) + " fields, the header " + std::to_string(cols.count);
        return SacctLine::kBad;
    }
    auto field = [&](int col) -> const std::string & {
        static const std::string kEmpty;
        return col >= 0 ? f[static_cast<std::size_t>(col)] : kEmpty;
    };

    // The job id: digits, then maybe an array task (_4) or a het component (+0).
    const std::string &id_text = field(cols.job_id);
    if (id_text.find('.') != std::string::npos)
        return SacctLine::kStep;
    const std::size_t id_end = id_text.find_first_of("_+");
    std::uint64_t id;
    if (!to_count(id_text.substr(0, id_end), UINT64_MAX / 10, id)) {
        why = "job id '" + id_text + "' is not a number";
        return SacctLine::kBad;
    }

    // "CANCELLED by 1234": the first word is the state.
    const std::string state = field(cols.state).substr(0, field(cols.state).find(' '));
    if (state.empty()) {
        why = "no State";
        return SacctLine::kBad;
    }
    if (state == "PENDING")
        return SacctLine::kNeverRan;
    if (unfinished_state(state))
        return SacctLine::kUnfinished;
    if (no_time(field(cols.start)))
        return SacctLine::kNeverRan;

    std::int64_t submit, start;
    if (!parse_slurm_time(field(cols.submit), submit)) {
        why = "Submit '" + field(cols.submit) + "' is not a date (YYYY-MM-DDTHH:MM:SS)";
        return SacctLine::kBad;
    }
    if (!parse_slurm_time(field(cols.start), start)) {
        why = "Start '" + field(cols.start) + "' is not a date (YYYY-MM-DDTHH:MM:SS)";
        return SacctLine::kBad;
    }
    // Bounds keep every later sum far from overflowing: a century of seconds, 2^31 CPUs and ids.
    const std::uint64_t kMaxSeconds = 100ull * 366 * 86400, kMaxId = 0xffffffffull;
    std::uint64_t elapsed, alloc = 0, req = 0, uid, gid = 0, limit_min = 0;
    auto number = [&](int col, const char *what, std::uint64_t max, std::uint64_t &v) {
        if (col < 0)
            return true;  // an optional field the header does not have
        if (to_count(field(col), max, v))
            return true;
        why = std::string(what) + " '" + field(col) + "' is not a number";
        return false;
    };
    if (!number(cols.elapsed, "ElapsedRaw", kMaxSeconds, elapsed) ||
        !number(cols.alloc_cpus, "AllocCPUS", kMaxId, alloc) || !number(cols.req_cpus, "ReqCPUS", kMaxId, req) ||
        !number(cols.uid, "UID", kMaxId, uid) || !number(cols.gid, "GID", kMaxId, gid))
        return SacctLine::kBad;
    const std::string &limit_text = field(cols.timelimit);
    const bool no_limit = limit_text.empty() || limit_text == "UNLIMITED" || limit_text == "Partition_Limit";
    if (!no_limit && !number(cols.timelimit, "TimelimitRaw", kMaxSeconds / 60, limit_min))
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
    job.runtime = static_cast<std::int64_t>(elapsed);
    job.limit = no_limit ? job.runtime : static_cast<std::int64_t>(limit_min) * 60;
    job.cpus = static_cast<std::uint32_t>(cpus);
    job.user = static_cast<std::uint32_t>(uid);
    job.group = static_cast<std::uint32_t>(gid);
    // A start before the submit happens when a requeued job's submit was
    // reset; its wait is then not known.
    job.recorded_wait = start >= submit ? start - submit : -1;
    name = field(cols.name);
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
    while (std::getline(in, line)) {
        ++lineno;
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos)
            continue;
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
    if (in.bad()) {
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

}  // namespace tfsim
