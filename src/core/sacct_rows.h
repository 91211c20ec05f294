// tailfold core: reading `sacct -P` output.  GPL-2.0-or-later.
//
// sacct -P (--parsable2) writes a header line naming the fields chosen with
// -o, then one line per job (or step), the fields separated by '|' (sacct
// -p also ends each line with a '|': one more, empty field on every line,
// which reads the same).  Programs look fields up by their header names, in
// any order and any case (sacct's -o takes them so), and read them typed:
// numbers, durations, limits and timestamps in Slurm's forms
// (slurm_time.h).  Every typed read that fails says why, naming the field
// by its header name and quoting its text, so a program reports
// "FILE:LINE: why" for any line that makes no sense.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "slurm_time.h"

namespace tailfold {

// The fields of one line, split at every '|' ("" is one empty field).
std::vector<std::string> split_sacct_fields(std::string_view line);

// The header line: field names and where they are.
class SacctHeader {
public:
    void parse(std::string_view line);
    // Position of the first of `names` the header has (matched in any
    // case), -1 if it has none of them.
    int find(std::initializer_list<std::string_view> names) const;
    std::size_t size() const { return names_.size(); }
    // The name as the header spells it ("" for a position it does not have).
    const std::string &name(int col) const;

private:
    std::vector<std::string> names_;
};

// One data line, read against its header (which must outlive it).
class SacctRow {
public:
    // False with why = "has N fields, the header M" when the counts differ.
    bool parse(std::string_view line, const SacctHeader &header, std::string &why);
    // The field's text; "" for col < 0 (a field the header does not have).
    const std::string &text(int col) const;
    // State's first word ("CANCELLED by 1000" -> "CANCELLED").
    std::string state(int col) const;

    // Typed reads.  On failure `why` is "<Name> '<text>' is not a number",
    // "... is out of range (at most N)", "... is not a duration" or
    // "... is not a date (YYYY-MM-DDTHH:MM:SS)".
    // A number (digits only), at most `max`.
    bool number(int col, std::uint64_t max, std::uint64_t &value, std::string &why) const;
    // A runtime in seconds: ElapsedRaw (any name ending in "Raw") is a
    // number of seconds, Elapsed a duration; at most kMaxSlurmSeconds.
    bool elapsed(int col, std::int64_t &seconds, std::string &why) const;
    // A time limit in seconds: TimelimitRaw (a name ending in "Raw") is
    // minutes, Timelimit a duration; kNone for UNLIMITED, Partition_Limit,
    // empty and the other words of slurm_time.h.
    SlurmValue limit(int col, std::int64_t &seconds, std::string &why) const;
    // A timestamp (Submit, Start, End): kNone for Unknown, None and empty,
    // with `why` saying so ("Start 'Unknown' is not a date ...") for a
    // caller that needs one.
    SlurmValue timestamp(int col, std::int64_t &epoch, std::string &why) const;

private:
    std::string quoted(int col) const;  // Name 'text'
    const SacctHeader *header_ = nullptr;
    std::vector<std::string> fields_;
};

// The lines of sacct's output: counts them, drops a trailing CR (a file
// that went through Windows) and skips blank lines.
class SacctLines {
public:
    explicit SacctLines(std::istream &in) : in_(in) {}
    // The next line that is not blank; false at the end (or a read error).
    bool next(std::string &line);
    // The number of the line last returned, from 1.
    std::size_t line_number() const { return line_number_; }
    // True if reading stopped on an error rather than at the end.
    bool failed() const;

private:
    std::istream &in_;
    std::size_t line_number_ = 0;
};

}  // namespace tailfold
