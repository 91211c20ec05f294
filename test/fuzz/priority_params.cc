// Fuzz target: PriorityParameters, as priority/tailfold and
// site_factor/tailfold read it (parse, then the boost it weights).
// GPL-2.0-or-later.
#include <string>

#include "src/core/duration_factor.h"
#include "src/core/duration_params.h"
#include "test/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char *>(data), size);
    tailfold::DurationParams p;
    p.weight = 7;  // a marker: a failed parse must leave `p` as it was
    std::string error;
    if (!tailfold::parse_duration_params(text.c_str(), p, error)) {
        FUZZ_CHECK(!error.empty());
        FUZZ_CHECK(p.weight == 7);
        return 0;
    }
    FUZZ_CHECK(p.min_s >= 0 && p.max_s >= 0);
    FUZZ_CHECK(!p.max_s || p.max_s > p.min_s);
    FUZZ_CHECK(p.history_runs >= 1 && p.history_runs <= 2 && p.store_max >= 1);
    // The glue's bound when duration_max is not set: 7 days.
    const std::int64_t max_s = p.max_s ? p.max_s : 7 * 86400;
    for (double runtime : {0.0, 1.0, 59.0, 3600.0, 1e6, 1e18, static_cast<double>(max_s)}) {
        const std::int64_t boost = tailfold::duration_boost(p, max_s, runtime);
        FUZZ_CHECK(boost >= 0 && boost <= static_cast<std::int64_t>(p.weight));
    }
    return 0;
}
