// tailfold-sim: a site's own history from Slurm accounting (sacct -P).
// GPL-2.0-or-later.
//
// Produce the input with (one line per job, '|'-separated, a header line):
//
//   sacct -a -X -P -S START -E END
//         -o JobIDRaw,Submit,Start,End,ElapsedRaw,TimelimitRaw,AllocCPUS,ReqCPUS,UID,GID,State
//
// The header names the fields, in any order; other fields are ignored.
// Needed: JobIDRaw (or JobID), Submit, Start, ElapsedRaw, TimelimitRaw,
// State, UID and at least one of AllocCPUS and ReqCPUS.  GID (else 0) and
// JobName (when present, the job's name for learned runtimes) are used
// when there.  End is not needed: ElapsedRaw is the runtime.
//
// - Times are Slurm's ISO form, 2026-01-01T10:00:00, in the local time of
//   the machine reading them (set TZ to the cluster's); the result is
//   seconds after the earliest submit.
// - JobIDRaw is unique, array tasks included.  A JobID such as 123_4 or
//   123+0 is taken as 123, so ids may repeat (the simulator does not care).
// - TimelimitRaw is minutes; UNLIMITED, Partition_Limit or empty: the
//   runtime is the limit.
// - cpus: AllocCPUS, else ReqCPUS.  recorded_wait: Start - Submit.
// - Jobs that never ran (PENDING; Start Unknown/None; cancelled with nothing
//   allocated and nothing run) and jobs that had not ended (RUNNING,
//   SUSPENDED, REQUEUED, ...) are counted and skipped, not reported as
//   errors.  Job steps (123.batch; -X leaves them out) are skipped too.
// - A line that makes no sense (wrong field count, a number that is not
//   one, a bad date) is reported with file:line and why, and skipped.
// Lines, fields and Slurm's time forms are read by src/core/sacct_rows.h,
// as tailfold-estimates reads them.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>

#include "src/core/sacct_rows.h"
#include "workload.h"

namespace tf_sim {

// Where each field is in a line; -1: absent.
struct SacctColumns {
    int job_id = -1, submit = -1, start = -1, elapsed = -1, timelimit = -1, alloc_cpus = -1, req_cpus = -1,
        uid = -1, gid = -1, state = -1, name = -1;
    tailfold::SacctHeader header;  // the names, for reading the fields and naming them
};

// The header line.  False with `why` naming the missing fields.
bool parse_sacct_header(const std::string &line, SacctColumns &cols, std::string &why);

enum class SacctLine {
    kJob,         // `job` is filled; its submit is absolute (epoch seconds)
    kNeverRan,    // pending, or cancelled before it started
    kUnfinished,  // still running (or suspended, requeued, ...)
    kStep,        // a job step, not a job
    kBad,         // `why` says what is wrong
};

// One data line.  `job.submit` is in seconds since the epoch (the reader
// makes it relative); `name` gets the JobName field when there is one.
SacctLine parse_sacct_line(const std::string &line, const SacctColumns &cols, SimJob &job, std::string &name,
                           std::string &why);

// What read_sacct skipped without calling it an error.
struct SacctSkipped {
    std::size_t never_ran = 0, unfinished = 0, steps = 0;
};

// Reads `path` (plain text; sacct's output).  Bad lines are reported on
// `warn` as path:line: why (the first `max_reported`, then a count) and
// counted in out.bad_lines; jobs larger than `machine_cpus` (0: the
// largest job decides) are reported and counted in out.too_big; a job that
// ran past its limit gets its runtime as limit (out.limit_raised).  Jobs
// that never ran or had not ended are counted in `skipped` (may be null)
// and one line on `warn` says how many.  Jobs come out sorted by submit,
// times relative to the earliest.  False only when the file cannot be read
// or its header lacks needed fields (`error` says which).
bool read_sacct(const std::string &path, std::uint32_t machine_cpus, Workload &out, std::ostream &warn,
                std::string &error, std::size_t max_reported = 20, SacctSkipped *skipped = nullptr);

}  // namespace tf_sim
