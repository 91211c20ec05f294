// tailfold-sim: Standard Workload Format traces (.swf, .swf.gz).
// GPL-2.0-or-later.
//
// The format (Feitelson's Parallel Workloads Archive): ';' header lines,
// then one job per line, 18 whitespace-separated fields, -1 for unknown.
// Used here: 1 job number, 2 submit time, 3 wait time, 4 run time,
// 5 allocated processors, 8 requested processors, 9 requested time,
// 12 user, 13 group; the header's MaxProcs (else MaxNodes) is the machine.
#pragma once

#include <iosfwd>
#include <string>

#include "workload.h"

namespace tf_sim {

// Reads `path` (gzip or plain).  Lines that make no sense are reported on
// `warn` with their line number (the first `max_reported`, then a count)
// and skipped.  `machine_cpus` (0: the header's) decides which jobs are
// too big.  False only when the file cannot be read at all (`error` says why).
bool read_swf(const std::string &path, std::uint32_t machine_cpus, Workload &out, std::ostream &warn,
              std::string &error, std::size_t max_reported = 20);

// One data line, for tests: false with `why` when it makes no sense.
bool parse_swf_line(const std::string &line, SimJob &job, std::string &why);

}  // namespace tf_sim
