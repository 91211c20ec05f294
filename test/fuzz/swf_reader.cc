// Fuzz target: tailfold-sim's SWF reader on a whole file (plain; gzip
// when the input starts with gzip's magic), then what the simulator
// takes for granted about its output.  GPL-2.0-or-later.
#include <ostream>
#include <string>

#include "test/fuzz/workload_check.h"
#include "src/programs/sim/swf_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    tf_sim::Workload w;
    std::ostream quiet(nullptr);  // warnings are part of the run, not of the check
    std::string error;
    const bool ok = tf_sim::read_swf(fuzz_file(data, size), 0, w, quiet, error);
    check_read(ok, error, w);
    return 0;
}
