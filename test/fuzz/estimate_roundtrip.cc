// Fuzz target: an estimate store saved and loaded again gives back the
// same entries (runtimes, their limits, runs), whatever bytes the job
// names and accounts hold (Slurm takes any byte but NUL in a job name).  GPL-2.0-or-later.
#include <fuzzer/FuzzedDataProvider.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include "src/core/estimate_store.h"
#include "test/fuzz/fuzz_check.h"

namespace {

using Row = std::tuple<std::uint32_t, std::string, std::string, bool, std::int64_t, std::int64_t, std::int64_t,
                       std::int64_t, std::uint32_t>;

std::vector<Row> rows(const tailfold::RuntimeEstimator &est)
{
    std::vector<Row> out;
    for (const auto &e : est.entries())
        out.emplace_back(e.uid, e.account, e.name, e.user_level, e.history.last[0], e.history.last[1],
                         e.history.limit[0], e.history.limit[1], e.history.runs);
    std::sort(out.begin(), out.end());
    return out;
}

// One directory per process, in memory when /dev/shm is there: a save
// writes, flushes and renames a real file.
const std::string &store_path()
{
    static const std::string path = [] {
        std::string tmpl = (access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp") + std::string("/tf-fuzz-XXXXXX");
        FUZZ_CHECK(mkdtemp(&tmpl[0]) != nullptr);
        return tmpl + "/estimates.json";
    }();
    return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    FuzzedDataProvider in(data, size);
    tailfold::RuntimeEstimator est(in.ConsumeIntegralInRange<std::uint32_t>(1, 64));
    est.learned_until = in.ConsumeIntegral<std::int64_t>();
    for (int n = in.ConsumeIntegralInRange(0, 4); n > 0; --n)
        est.learned_ids.push_back(in.ConsumeIntegralInRange<std::uint32_t>(1, UINT32_MAX));
    while (in.remaining_bytes() > 0) {
        const auto uid = in.ConsumeIntegralInRange<std::uint32_t>(0, 3);
        const std::string account = in.ConsumeRandomLengthString(16);
        const std::string name = in.ConsumeRandomLengthString(32);
        const auto runtime = in.ConsumeIntegral<std::int64_t>();
        const auto limit = in.ConsumeIntegral<std::int64_t>();
        est.record(uid, account, name, runtime, limit, in.ConsumeBool());
    }
    std::string error;
    FUZZ_CHECK(tailfold::save_estimates(store_path(), est, error));
    tailfold::RuntimeEstimator back(1000000);
    std::size_t skipped = 1;
    FUZZ_CHECK(tailfold::load_estimates(store_path(), back, error, &skipped) == tailfold::LoadResult::kLoaded);
    FUZZ_CHECK(skipped == 0 && error.empty());
    FUZZ_CHECK(rows(back) == rows(est));
    FUZZ_CHECK(back.learned_until == est.learned_until);
    FUZZ_CHECK(back.learned_ids == est.learned_ids);
    return 0;
}
