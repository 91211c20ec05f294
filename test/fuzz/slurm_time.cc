// Fuzz target: Slurm's time texts (src/core/slurm_time.h).  Whatever the
// bytes: no crash, a value only in range, and a value read back from the
// text Slurm would write for it is the same value.  GPL-2.0-or-later.
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <string_view>

#include "src/core/slurm_time.h"
#include "test/fuzz/fuzz_check.h"

using namespace tailfold;

namespace {

// sacct's form of a duration: [D-]HH:MM:SS.
std::string as_sacct_writes(std::int64_t s)
{
    char b[64];
    if (s >= 86400)
        std::snprintf(b, sizeof(b), "%lld-%02lld:%02lld:%02lld", (long long)(s / 86400), (long long)(s / 3600 % 24),
                      (long long)(s / 60 % 60), (long long)(s % 60));
    else
        std::snprintf(b, sizeof(b), "%02lld:%02lld:%02lld", (long long)(s / 3600), (long long)(s / 60 % 60),
                      (long long)(s % 60));
    return b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    setenv("TZ", "UTC", 1);  // timestamps are local time: make runs repeatable
    const std::string_view text(reinterpret_cast<const char *>(data), size);

    std::int64_t s = -1;
    if (parse_slurm_duration(text, s)) {
        FUZZ_CHECK(s >= 0 && s <= kMaxSlurmSeconds);
        std::int64_t again = -1;
        FUZZ_CHECK(parse_slurm_duration(as_sacct_writes(s), again) && again == s);
        // squeue's form below an hour, minutes:seconds (minutes past 59 too).
        const std::string ms = std::to_string(s / 60) + ":" + std::to_string(s % 60);
        FUZZ_CHECK(parse_slurm_duration(ms, again) && again == s);
    } else {
        FUZZ_CHECK(s == -1);  // nothing written on failure
    }

    s = -1;
    switch (parse_slurm_limit(text, s)) {
    case SlurmValue::kValue:
        FUZZ_CHECK(s >= 0 && s <= kMaxSlurmSeconds);
        break;
    case SlurmValue::kNone:
    case SlurmValue::kBad:
        FUZZ_CHECK(s == -1);
        break;
    }
    s = -1;
    if (parse_slurm_limit_minutes(text, s) == SlurmValue::kValue)
        FUZZ_CHECK(s >= 0 && s <= kMaxSlurmSeconds && s % 60 == 0);

    std::int64_t epoch = -1;
    switch (parse_slurm_timestamp(text, epoch)) {
    case SlurmValue::kValue: {
        FUZZ_CHECK(epoch >= 0 && text.size() == 19);
        if (text.substr(17) != "60") {  // a leap second is read as the next minute's first
            const std::time_t t = static_cast<std::time_t>(epoch);
            std::tm tm{};
            char b[32];
            FUZZ_CHECK(gmtime_r(&t, &tm) && std::strftime(b, sizeof(b), "%Y-%m-%dT%H:%M:%S", &tm) == 19);
            FUZZ_CHECK(text == b);
        }
        break;
    }
    case SlurmValue::kNone:
        FUZZ_CHECK(text.empty() || text == "Unknown" || text == "None");
        break;
    case SlurmValue::kBad:
        break;
    }
    return 0;
}
