// tailfold fuzz targets: what the simulator takes for granted about a
// reader's workload.  GPL-2.0-or-later.
#pragma once

#include "test/fuzz/fuzz_check.h"
#include "src/programs/sim/workload.h"

inline void check_workload(const tf_sim::Workload &w)
{
    for (std::size_t i = 0; i < w.jobs.size(); ++i) {
        const tf_sim::SimJob &j = w.jobs[i];
        FUZZ_CHECK(j.cpus >= 1 && j.cpus <= w.machine_cpus);
        FUZZ_CHECK(j.submit >= 0 && j.runtime >= 0 && j.limit >= j.runtime);
        FUZZ_CHECK(i == 0 || w.jobs[i - 1].submit <= j.submit);  // by submit time
    }
}

// A reader's result: a refusal says why, a workload keeps the promises above.
inline void check_read(bool ok, const std::string &error, const tf_sim::Workload &w)
{
    if (!ok)
        FUZZ_CHECK(!error.empty());
    else
        check_workload(w);
}
