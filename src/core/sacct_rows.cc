// tailfold core: reading `sacct -P` output.  GPL-2.0-or-later.
#include "sacct_rows.h"

#include <cctype>
#include <istream>

namespace tailfold {

namespace {

std::string lower(std::string_view s)
{
    std::string out(s);
    for (char &c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

const std::string kEmpty;

}  // namespace

std::vector<std::string> split_sacct_fields(std::string_view line)
{
    std::vector<std::string> f;
    for (;;) {
        const std::size_t bar = line.find('|');
        f.emplace_back(line.substr(0, bar));
        if (bar == std::string_view::npos)
            return f;
        line.remove_prefix(bar + 1);
    }
}

void SacctHeader::parse(std::string_view line)
{
    names_ = split_sacct_fields(line);
}

int SacctHeader::find(std::initializer_list<std::string_view> names) const
{
    for (std::string_view want : names) {
        const std::string w = lower(want);
        for (std::size_t i = 0; i < names_.size(); ++i)
            if (lower(names_[i]) == w)
                return static_cast<int>(i);
    }
    return -1;
}

const std::string &SacctHeader::name(int col) const
{
    return col >= 0 && static_cast<std::size_t>(col) < names_.size() ? names_[static_cast<std::size_t>(col)]
                                                                     : kEmpty;
}

bool SacctRow::parse(std::string_view line, const SacctHeader &header, std::string &why)
{
    header_ = &header;
    fields_ = split_sacct_fields(line);
    if (fields_.size() != header.size()) {
        why = "has " + std::to_string(fields_.size()) + " fields, the header " + std::to_string(header.size());
        return false;
    }
    return true;
}

const std::string &SacctRow::text(int col) const
{
    return col >= 0 && static_cast<std::size_t>(col) < fields_.size() ? fields_[static_cast<std::size_t>(col)]
                                                                      : kEmpty;
}

std::string SacctRow::state(int col) const
{
    const std::string &s = text(col);
    return s.substr(0, s.find(' '));
}

std::string SacctRow::quoted(int col) const
{
    return (header_ ? header_->name(col) : kEmpty) + " '" + text(col) + "'";
}

bool SacctRow::number(int col, std::uint64_t max, std::uint64_t &value, std::string &why) const
{
    const std::string &t = text(col);
    if (parse_slurm_count(t, max, value))
        return true;
    const bool digits = !t.empty() && t.find_first_not_of("0123456789") == std::string::npos;
    why = quoted(col) + (digits ? " is out of range (at most " + std::to_string(max) + ")" : " is not a number");
    return false;
}

namespace {

bool raw_name(const std::string &name)
{
    const std::string n = lower(name);
    return n.size() >= 3 && n.compare(n.size() - 3, 3, "raw") == 0;
}

}  // namespace

bool SacctRow::elapsed(int col, std::int64_t &seconds, std::string &why) const
{
    if (raw_name(header_ ? header_->name(col) : kEmpty)) {
        std::uint64_t v;
        if (!number(col, static_cast<std::uint64_t>(kMaxSlurmSeconds), v, why))
            return false;
        seconds = static_cast<std::int64_t>(v);
        return true;
    }
    if (parse_slurm_duration(text(col), seconds))
        return true;
    why = quoted(col) + " is not a duration";
    return false;
}

SlurmValue SacctRow::limit(int col, std::int64_t &seconds, std::string &why) const
{
    if (raw_name(header_ ? header_->name(col) : kEmpty)) {
        const SlurmValue v = parse_slurm_limit_minutes(text(col), seconds);
        if (v == SlurmValue::kBad) {
            std::uint64_t ignored;
            (void)number(col, static_cast<std::uint64_t>(kMaxSlurmSeconds / 60), ignored, why);
        }
        return v;
    }
    const SlurmValue v = parse_slurm_limit(text(col), seconds);
    if (v == SlurmValue::kBad)
        why = quoted(col) + " is not a duration";
    return v;
}

SlurmValue SacctRow::timestamp(int col, std::int64_t &epoch, std::string &why) const
{
    const SlurmValue v = parse_slurm_timestamp(text(col), epoch);
    if (v != SlurmValue::kValue)
        why = quoted(col) + " is not a date (YYYY-MM-DDTHH:MM:SS)";
    return v;
}

bool SacctLines::next(std::string &line)
{
    while (std::getline(in_, line)) {
        ++line_number_;
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.find_first_not_of(" \t") != std::string::npos)
            return true;
    }
    return false;
}

bool SacctLines::failed() const
{
    return in_.bad();
}

}  // namespace tailfold
