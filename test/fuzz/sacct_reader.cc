// Fuzz target: tailfold-sim's reader of Slurm accounting (sacct -P), then what
// the simulator takes for granted about its workload.
// GPL-2.0-or-later.
#include <ostream>
#include <string>

#include "test/fuzz/workload_check.h"
#include "src/programs/sim/sacct_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    setenv("TZ", "UTC", 1);  // the reader's dates are local time: make runs repeatable
    tfsim::Workload w;
    std::ostream quiet(nullptr);  // warnings are part of the run, not of the check
    std::string error;
    const bool ok = tfsim::read_sacct(fuzz_file(data, size), 0, w, quiet, error);
    check_read(ok, error, w);
    return 0;
}
