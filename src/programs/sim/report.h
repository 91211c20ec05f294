// tailfold-sim: what a run reports.  GPL-2.0-or-later.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "metrics.h"
#include "simulator.h"

namespace tf_sim {

// A JSON string literal (paths may hold quotes or backslashes).
std::string json_string(const std::string &s);
// The workflow's fields of a run's JSON line (--workflow).
std::string workflow_json(const Workload &w, const SimResult &r, const std::vector<std::size_t> &chain,
                          std::int64_t at, std::uint32_t user);
// How far planned starts were from the real ones (--start-estimates).
std::string start_error_json(const StartErrors &e);

// One run of the invocation: a policy with one scheduler and one priority
// parameter set, named for the table and the JSON.
struct Run {
    std::string label;
    Policy policy;
    Summary m;
};

// One table of all runs: each metric beside its ratio to the reference
// run (the first easy run), so that settings are chosen on one page.
// `md` writes Markdown, otherwise aligned plain text.
void print_table(std::FILE *out, const std::vector<Run> &runs, bool md);

// PREFIX-POLICY.csv: one row per job (the trace's recorded wait beside the
// simulated one); PREFIX-POLICY-users.csv: wait statistics per user.
void write_csv(const std::string &path, const Workload &w, const SimResult &r);

}  // namespace tf_sim
