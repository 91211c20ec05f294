// Fuzz target: Slurm accounting (sacct -P) as tailfold-sim and
// tailfold-estimates read it.  tailfold-sim's reader, then what the
// simulator takes for granted about its workload; and the shared reader
// (src/core/sacct_rows.h) with every typed read on every field: a failed
// read always says why, a read value is in range.
// GPL-2.0-or-later.
#include <ostream>
#include <sstream>
#include <string>

#include "src/core/sacct_rows.h"
#include "test/fuzz/workload_check.h"
#include "src/programs/sim/sacct_reader.h"

namespace {

void read_every_field(const std::uint8_t *data, std::size_t size)
{
    using namespace tailfold;
    std::istringstream in(std::string(reinterpret_cast<const char *>(data), size));
    SacctLines lines(in);
    std::string line, why;
    if (!lines.next(line))
        return;
    SacctHeader header;
    header.parse(line);
    FUZZ_CHECK(header.size() >= 1);
    SacctRow row;
    while (lines.next(line)) {
        why.clear();
        if (!row.parse(line, header, why)) {
            FUZZ_CHECK(!why.empty());
            continue;
        }
        for (int col = 0; col < static_cast<int>(header.size()); ++col) {
            std::uint64_t n;
            std::int64_t s;
            why.clear();
            if (row.number(col, 0xffffffffu, n, why))
                FUZZ_CHECK(n <= 0xffffffffu);
            else
                FUZZ_CHECK(!why.empty());
            why.clear();
            if (row.elapsed(col, s, why))
                FUZZ_CHECK(s >= 0 && s <= kMaxSlurmSeconds);
            else
                FUZZ_CHECK(!why.empty());
            why.clear();
            const SlurmValue lim = row.limit(col, s, why);
            FUZZ_CHECK(lim != SlurmValue::kBad || !why.empty());
            FUZZ_CHECK(lim != SlurmValue::kValue || (s >= 0 && s <= kMaxSlurmSeconds));
            why.clear();
            FUZZ_CHECK(row.timestamp(col, s, why) == SlurmValue::kValue || !why.empty());
            FUZZ_CHECK(row.state(col).find(' ') == std::string::npos);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    setenv("TZ", "UTC", 1);  // the reader's dates are local time: make runs repeatable
    tf_sim::Workload w;
    std::ostream quiet(nullptr);  // warnings are part of the run, not of the check
    std::string error;
    const bool ok = tf_sim::read_sacct(fuzz_file(data, size), 0, w, quiet, error);
    check_read(ok, error, w);
    read_every_field(data, size);
    return 0;
}
