// tailfold core: job names and accounts as bytes.  GPL-2.0-or-later.
//
// Slurm takes any byte but NUL in a job name (sbatch -J $'\xff'), so a
// name is not always text: the store keeps such a name in hex
// (estimate_store.h), and a table shows it escaped so that its columns
// never shift.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace tailfold {

// The length of the valid UTF-8 sequence at s[i] (RFC 3629: no overlong
// form, no surrogate, nothing above U+10FFFF), 0 if there is none.
std::size_t utf8_sequence(std::string_view s, std::size_t i);

// True when `s` is valid UTF-8 and holds no NUL: what the store writes as
// a JSON string (jansson takes exactly these).
bool is_plain_utf8(std::string_view s);

// `s` for one column of a table: backslash, '|', newline, tab and CR as
// \\ \| \n \t \r, other control characters (C0, DEL, C1) and bytes that
// are not valid UTF-8 as \xNN; valid UTF-8 text as it is.  The result
// holds no control character and no invalid byte, and each '|' in it is
// escaped.
std::string escape_for_column(std::string_view s);

}  // namespace tailfold
