// Fuzz target: the estimate store as slurmctld loads it at start-up
// (a broken file refused whole, a bad entry skipped), then the estimates
// the duration boost asks of it.  GPL-2.0-or-later.
#include <string>

#include "src/core/estimate_store.h"
#include "test/fuzz/fuzz_check.h"

using tailfold::DurationSource;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    tailfold::RuntimeEstimator est(1000);
    std::string error;
    std::size_t skipped = 0;
    const auto r = tailfold::parse_estimates(reinterpret_cast<const char *>(data), size, est, error, &skipped);
    if (r != tailfold::LoadResult::kLoaded) {
        FUZZ_CHECK(r == tailfold::LoadResult::kBad && !error.empty());
        FUZZ_CHECK(est.size() == 0);  // a broken file is refused whole
        return 0;
    }
    // Bad entries are skipped, counted and named in one line.
    FUZZ_CHECK((skipped > 0) == !error.empty());
    FUZZ_CHECK(error.find('\n') == std::string::npos);
    FUZZ_CHECK(est.size() <= 1000);
    for (const auto &e : est.entries()) {
        for (auto source : {DurationSource::kLimit, DurationSource::kHistory, DurationSource::kAuto}) {
            for (std::int64_t limit : {std::int64_t{0}, std::int64_t{60}, INT64_MAX}) {
                const auto got = est.estimate(e.uid, e.account, e.name, limit, source, 2);
                FUZZ_CHECK(got.seconds >= 0);
                FUZZ_CHECK(limit <= 0 || got.seconds <= static_cast<double>(limit));
            }
        }
    }
    return 0;
}
