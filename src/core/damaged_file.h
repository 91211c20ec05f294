// tailfold core: keeping a damaged state file aside.  GPL-2.0-or-later.
//
// A state file that cannot be read (cut by a full disk, emptied, garbage,
// a directory in its place) is not deleted or overwritten: the plugin
// renames it to PATH.damaged.<unix time> before its next save replaces it,
// so what it held can still be looked at or repaired by hand.
#pragma once

#include <cstdint>
#include <string>

namespace tailfold {

// Renames `path` to `path`.damaged.`now` (".1", ".2", ... appended if that
// name is taken).  On success sets `kept_as`; on failure returns false and
// sets `error` (the file is then left where it was).
bool keep_damaged_file(const std::string &path, std::int64_t now, std::string &kept_as,
                       std::string &error);

}  // namespace tailfold
