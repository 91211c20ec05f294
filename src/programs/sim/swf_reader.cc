// tailfold-sim: Standard Workload Format traces.  GPL-2.0-or-later.
#include "swf_reader.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <ostream>
#include <sstream>
#include <vector>

namespace tf_sim {

namespace {

bool to_number(const std::string &s, double &v)
{
    if (s.empty())
        return false;
    char *end = nullptr;
    errno = 0;
    v = std::strtod(s.c_str(), &end);
    // strtod also reads "nan" and "inf", which are no trace's numbers.
    return errno == 0 && end && *end == '\0' && std::isfinite(v);
}

// "; MaxProcs: 338" -> 338 (0 if absent or not a number).
std::uint32_t header_value(const std::string &line, const char *key)
{
    const std::size_t at = line.find(key);
    if (at == std::string::npos)
        return 0;
    const long v = std::strtol(line.c_str() + at + std::strlen(key), nullptr, 10);
    return v > 0 && v < (1L << 31) ? static_cast<std::uint32_t>(v) : 0;
}

}  // namespace

bool parse_swf_line(const std::string &line, SimJob &job, std::string &why)
{
    std::istringstream in(line);
    std::vector<double> f;
    std::string tok;
    while (in >> tok) {
        double v;
        if (!to_number(tok, v)) {
            why = "field " + std::to_string(f.size() + 1) + " '" + tok + "' is not a number";
            return false;
        }
        f.push_back(v);
    }
    if (f.size() < 18) {
        why = "has " + std::to_string(f.size()) + " fields, SWF has 18";
        return false;
    }
    auto field = [&](int n) { return f[n - 1]; };
    // Bounds keep every cast below defined and later sums far from
    // overflowing (as the sacct reader's): a century of seconds, 32-bit
    // counts and ids.
    constexpr double kMaxSeconds = 100.0 * 366 * 86400, kMax32 = 4294967295.0;
    struct Bound {
        int field;
        double max;
        const char *what;
    };
    for (const Bound &b : {Bound{1, 9e15, "job number"}, Bound{2, kMaxSeconds, "submit time"},
                           Bound{3, kMaxSeconds, "wait time"}, Bound{4, kMaxSeconds, "run time"},
                           Bound{5, kMax32, "processors"}, Bound{8, kMax32, "requested processors"},
                           Bound{9, kMaxSeconds, "requested time"}, Bound{12, kMax32, "user"},
                           Bound{13, kMax32, "group"}, Bound{14, kMax32, "executable"}}) {
        if (field(b.field) > b.max) {
            why = "field " + std::to_string(b.field) + " (" + b.what + ") is too large";
            return false;
        }
    }
    if (field(2) < 0) {
        why = "no submit time (field 2)";
        return false;
    }
    if (field(4) < 0) {
        why = "no run time (field 4)";
        return false;
    }
    const double cpus = field(8) > 0 ? field(8) : field(5);
    if (cpus < 1) {  // 0.5 processors would become a job of none
        why = "no processor count (fields 5 and 8)";
        return false;
    }
    job = SimJob{};
    job.id = static_cast<std::uint64_t>(std::max(0.0, field(1)));
    job.submit = static_cast<std::int64_t>(field(2));
    job.runtime = static_cast<std::int64_t>(field(4));
    job.cpus = static_cast<std::uint32_t>(cpus);
    job.limit = field(9) > 0 ? static_cast<std::int64_t>(field(9)) : job.runtime;
    job.user = field(12) > 0 ? static_cast<std::uint32_t>(field(12)) : 0;
    job.group = field(13) > 0 ? static_cast<std::uint32_t>(field(13)) : 0;
    job.app = field(14) > 0 ? static_cast<std::uint32_t>(field(14)) : 0;
    job.recorded_wait = field(3) >= 0 ? static_cast<std::int64_t>(field(3)) : -1;
    return true;
}

bool read_swf(const std::string &path, std::uint32_t machine_cpus, Workload &out, std::ostream &warn,
              std::string &error, std::size_t max_reported)
{
    gzFile gz = gzopen(path.c_str(), "rb");  // reads plain files too
    if (!gz) {
        error = path + ": " + std::strerror(errno ? errno : ENOENT);
        return false;
    }
    out = Workload{};
    out.machine_cpus = machine_cpus;
    std::uint32_t header_procs = 0, header_nodes = 0;
    std::size_t reported = 0, lineno = 0;
    auto report = [&](const std::string &msg) {
        if (reported++ < max_reported)
            warn << path << ":" << lineno << ": " << msg << "\n";
    };
    std::string line;
    char buf[4096];
    std::vector<SimJob> jobs;
    while (gzgets(gz, buf, sizeof buf)) {
        line += buf;
        if (line.empty() || (line.back() != '\n' && !gzeof(gz)))
            continue;  // a line longer than the buffer: read on
        ++lineno;
        while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
            line.pop_back();
        const std::size_t first = line.find_first_not_of(" \t");
        if (first == std::string::npos) {
            line.clear();
            continue;
        }
        if (line[first] == ';') {
            if (!header_procs)
                header_procs = header_value(line, "MaxProcs:");
            if (!header_nodes)
                header_nodes = header_value(line, "MaxNodes:");
            line.clear();
            continue;
        }
        SimJob job;
        std::string why;
        if (!parse_swf_line(line, job, why)) {
            ++out.bad_lines;
            report(why + ": skipped");
        } else {
            jobs.push_back(job);
        }
        line.clear();
    }
    int gz_err = 0;
    const char *msg = gzerror(gz, &gz_err);  // owned by `gz`: copied before gzclose frees it
    const bool damaged = gz_err != Z_OK && gz_err != Z_STREAM_END;
    if (damaged) {
        // zlib's message starts with the path already (but "out of memory").
        const std::string why = msg ? msg : "read error";
        error = (why.compare(0, path.size(), path) == 0 ? why : path + ": " + why) + " (a damaged .gz?)";
    }
    gzclose(gz);
    if (damaged)
        return false;
    if (!out.machine_cpus)
        out.machine_cpus = header_procs ? header_procs : header_nodes;
    if (!out.machine_cpus)
        for (const SimJob &j : jobs)
            out.machine_cpus = std::max(out.machine_cpus, j.cpus);
    for (SimJob &j : jobs) {
        if (j.cpus > out.machine_cpus) {
            ++out.too_big;
            if (reported++ < max_reported)
                warn << path << ": job " << j.id << " asks for " << j.cpus << " CPUs, the machine has "
                     << out.machine_cpus << ": skipped\n";
            continue;
        }
        if (j.limit < j.runtime) {
            j.limit = j.runtime;  // it was not killed at its limit: plan with what it ran
            ++out.limit_raised;
        }
        out.jobs.push_back(j);
    }
    std::stable_sort(out.jobs.begin(), out.jobs.end(),
                     [](const SimJob &a, const SimJob &b) { return a.submit < b.submit; });
    if (reported > max_reported)
        warn << path << ": " << reported - max_reported << " more problems not shown\n";
    return true;
}

}  // namespace tf_sim
