// tailfold core: Slurm's time texts, as sacct prints them and sbatch
// takes them.  GPL-2.0-or-later.
//
// The forms, from sacct(1) and sbatch(1):
// - durations (sbatch --time, sacct's Elapsed and Timelimit, squeue's %l):
//   "minutes", "minutes:seconds", "hours:minutes:seconds", "days-hours",
//   "days-hours:minutes", "days-hours:minutes:seconds"; sacct writes
//   [DD-]HH:MM:SS.  Each part is one or more digits; parts are not checked
//   against 60 or 24, as Slurm does not (1:90:00 is two and a half hours).
// - limits (Timelimit): a duration, or a word for none: UNLIMITED or
//   INFINITE (no limit), Partition_Limit (the partition's, which sacct
//   does not know), NOT_SET (squeue's Partition_Limit), INVALID, or empty
//   (none set); words in any case.  TimelimitRaw: minutes as a number, or
//   the same words.
// - timestamps (Submit, Start, End): YYYY-MM-DDTHH:MM:SS in the local time
//   of the machine reading them (sacct's default; SLURM_TIME_FORMAT must
//   be unset or "standard"); "Unknown", "None" or empty: no time.
#pragma once

#include <cstdint>
#include <string_view>

namespace tailfold {

// What a time text holds.
enum class SlurmValue {
    kValue,  // a time, in the out parameter
    kNone,   // a word for no value (no limit, no time)
    kBad,    // none of the forms above
};

// The longest duration read: a century.  Longer ones are refused, so that
// sums of them stay far from overflowing.
constexpr std::int64_t kMaxSlurmSeconds = 100LL * 366 * 86400;

// Digits only (no sign, no space), at most `max`.  False otherwise.
bool parse_slurm_count(std::string_view text, std::uint64_t max, std::uint64_t &value);

// A duration in seconds.  False if `text` is none of the duration forms
// or longer than kMaxSlurmSeconds.
bool parse_slurm_duration(std::string_view text, std::int64_t &seconds);

// A time limit (Timelimit): a duration, or kNone for the words above.
SlurmValue parse_slurm_limit(std::string_view text, std::int64_t &seconds);

// A time limit in minutes (TimelimitRaw) -> seconds, or kNone for the words.
SlurmValue parse_slurm_limit_minutes(std::string_view text, std::int64_t &seconds);

// A timestamp -> seconds since the epoch, or kNone for Unknown, None or
// empty.  kBad for anything else, a date that does not exist (Feb 30, hour
// 24) or one before 1970 included.
SlurmValue parse_slurm_timestamp(std::string_view text, std::int64_t &epoch);

}  // namespace tailfold
