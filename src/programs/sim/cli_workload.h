// tailfold-sim: the workload of its command line.  GPL-2.0-or-later.
//
// A function that returns an exit status means the program ends with it;
// none: go on (see cli_options.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli_options.h"
#include "workload.h"

namespace tf_sim {

// The jobs of --swf, --sacct, --bag or --lumi; `source` names them for the
// output.
std::optional<int> load_workload(const Options &o, Workload &w, std::string &source);

// --workflow: a chain of N dependent jobs from time `at` (seconds from the
// workload's start), or one wrapped job of their summed length, owned by
// `user`; `chain`: their indices in the workload (none without --workflow).
struct Workflow {
    std::vector<std::size_t> chain;
    std::int64_t at = 0;
    std::uint32_t user = 0;
};
std::optional<int> add_workflow(const Options &o, Workload &w, Workflow &wf);

}  // namespace tf_sim
