// Fuzz target: SchedulerParameters, as sched/tailfold reads it.
// GPL-2.0-or-later.
#include <cctype>
#include <set>
#include <string>
#include <vector>

#include "src/core/backfill_params.h"
#include "test/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char *>(data), size);
    tailfold::BackfillParams p;
    p.window_min = 7;  // a marker: a failed parse must leave `p` as it was
    std::string error;
    std::vector<std::string> warnings{"marker"};
    if (!tailfold::parse_backfill_params(text.c_str(), p, error, &warnings)) {
        FUZZ_CHECK(!error.empty());
        FUZZ_CHECK(p.window_min == 7);
        FUZZ_CHECK(warnings.size() == 1 && warnings[0] == "marker");
        return 0;
    }
    // At most one warning per key however often or in whatever case it is
    // written: each names its key first, and no key is named twice.
    std::set<std::string> named;
    for (const std::string &w : warnings) {
        const std::string head = "SchedulerParameters: ";
        FUZZ_CHECK(w.compare(0, head.size(), head) == 0);
        std::string key = w.substr(head.size(), w.find_first_of("= ", head.size()) - head.size());
        for (char &c : key)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        FUZZ_CHECK(named.insert(key).second);
    }
    FUZZ_CHECK(!(p.max_job_user && p.max_job_assoc));
    FUZZ_CHECK(p.max_job_start <= 10000 && p.max_job_array_resv <= 1000);
    // What the pass relies on: it divides by the resolution and sleeps
    // for the interval.
    FUZZ_CHECK(p.interval_s >= 1 && p.resolution_s >= 1 && p.window_min >= 1 && p.max_time_s >= 1);
    return 0;
}
