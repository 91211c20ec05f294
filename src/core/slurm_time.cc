// tailfold core: Slurm's time texts.  GPL-2.0-or-later.
#include "slurm_time.h"

#include <cctype>
#include <climits>
#include <cstdlib>
#include <ctime>
#include <string>
#include <unordered_map>
#include <vector>

namespace tailfold {

namespace {

bool same_word(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

// The words sacct and squeue print for a limit they have no time for.
bool no_limit_word(std::string_view text)
{
    static const char *const kWords[] = {"UNLIMITED", "INFINITE", "Partition_Limit", "NOT_SET", "INVALID"};
    if (text.empty())
        return true;
    for (const char *w : kWords)
        if (same_word(text, w))
            return true;
    return false;
}

// Exactly `n` digits at s[at..].
bool fixed_digits(std::string_view s, std::size_t at, std::size_t n, int &v)
{
    if (at + n > s.size())
        return false;
    v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    return true;
}

// mktime for the hour that starts at y-mo-d h:00:00, local time.
bool local_hour(int y, int mo, int d, int h, std::int64_t &epoch)
{
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_isdst = -1;  // local time: let the zone say whether summer time applies
    const std::time_t t = std::mktime(&tm);
    if (t == static_cast<std::time_t>(-1) || tm.tm_mday != d)  // mktime moved Feb 31 to March
        return false;
    epoch = static_cast<std::int64_t>(t);
    return true;
}

}  // namespace

bool parse_slurm_count(std::string_view text, std::uint64_t max, std::uint64_t &value)
{
    if (text.empty() || text.size() > 19)  // 19 digits never overflow 64 bits
        return false;
    std::uint64_t v = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (v > max)
        return false;
    value = v;
    return true;
}

bool parse_slurm_duration(std::string_view text, std::int64_t &seconds)
{
    // Split at the one '-' (days) and at up to two ':'.
    std::string_view days_text, rest = text;
    const std::size_t dash = text.find('-');
    if (dash != std::string_view::npos) {
        days_text = text.substr(0, dash);
        rest = text.substr(dash + 1);
    }
    std::vector<std::string_view> parts;
    for (;;) {
        const std::size_t colon = rest.find(':');
        parts.push_back(rest.substr(0, colon));
        if (colon == std::string_view::npos)
            break;
        rest = rest.substr(colon + 1);
        if (parts.size() == 3)
            return false;  // a third ':'
    }
    // Each part is below a century of seconds, so the sum cannot overflow.
    const std::uint64_t kPart = static_cast<std::uint64_t>(kMaxSlurmSeconds);
    std::uint64_t n[3] = {0, 0, 0}, days = 0;
    for (std::size_t i = 0; i < parts.size(); ++i)
        if (!parse_slurm_count(parts[i], kPart, n[i]))
            return false;
    std::uint64_t total;
    if (dash != std::string_view::npos) {
        if (!parse_slurm_count(days_text, kPart / 86400, days))
            return false;
        // days-hours, days-hours:minutes, days-hours:minutes:seconds
        total = days * 86400 + n[0] * 3600 + n[1] * 60 + n[2];
    } else if (parts.size() == 3) {
        total = n[0] * 3600 + n[1] * 60 + n[2];  // hours:minutes:seconds
    } else {
        total = n[0] * 60 + n[1];  // minutes, minutes:seconds
    }
    if (total > kPart)
        return false;
    seconds = static_cast<std::int64_t>(total);
    return true;
}

SlurmValue parse_slurm_limit(std::string_view text, std::int64_t &seconds)
{
    if (no_limit_word(text))
        return SlurmValue::kNone;
    return parse_slurm_duration(text, seconds) ? SlurmValue::kValue : SlurmValue::kBad;
}

SlurmValue parse_slurm_limit_minutes(std::string_view text, std::int64_t &seconds)
{
    if (no_limit_word(text))
        return SlurmValue::kNone;
    std::uint64_t minutes;
    if (!parse_slurm_count(text, static_cast<std::uint64_t>(kMaxSlurmSeconds / 60), minutes))
        return SlurmValue::kBad;
    seconds = static_cast<std::int64_t>(minutes) * 60;
    return SlurmValue::kValue;
}

SlurmValue parse_slurm_timestamp(std::string_view text, std::int64_t &epoch)
{
    if (text.empty() || text == "Unknown" || text == "None")
        return SlurmValue::kNone;
    // YYYY-MM-DDTHH:MM:SS, nothing else.
    int y, mo, d, h, mi, s;
    if (text.size() != 19 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
        text[16] != ':' || !fixed_digits(text, 0, 4, y) || !fixed_digits(text, 5, 2, mo) ||
        !fixed_digits(text, 8, 2, d) || !fixed_digits(text, 11, 2, h) || !fixed_digits(text, 14, 2, mi) ||
        !fixed_digits(text, 17, 2, s))
        return SlurmValue::kBad;
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
        return SlurmValue::kBad;
    // glibc's mktime looks at /etc/localtime on every call: two system calls
    // per line made a million-line history take seconds.  Zones change
    // their offset on whole hours, so the start of each hour is looked up
    // once (per thread, and again if TZ changes) and minutes and seconds
    // added.
    struct HourCache {
        std::string tz;
        std::unordered_map<std::string, std::int64_t> hours;  // "YYYY-MM-DDTHH" -> epoch, kNoDate: not a date
    };
    thread_local HourCache cache;
    const std::int64_t kNoDate = INT64_MIN;
    const char *tz = std::getenv("TZ");
    if (cache.tz != (tz ? tz : "")) {
        cache.tz = tz ? tz : "";
        cache.hours.clear();
    }
    const std::string key(text.substr(0, 13));
    auto at = cache.hours.find(key);
    if (at == cache.hours.end()) {
        std::int64_t hour;
        at = cache.hours.emplace(key, local_hour(y, mo, d, h, hour) ? hour : kNoDate).first;
    }
    if (at->second == kNoDate)
        return SlurmValue::kBad;
    epoch = at->second + mi * 60 + s;
    return SlurmValue::kValue;
}

}  // namespace tailfold
