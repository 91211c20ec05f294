// tailfold core: the estimate store on disk.  GPL-2.0-or-later.
//
// JSON (libjansson), one object:
//   {"format": "tailfold-estimates", "version": 1, "saved": <unix time>,
//    "learned_until": <end time: every job that ended then or before was counted>,
//    "learned_ids": [<job id counted that ended after learned_until>, ...],
//    "entries": [{"uid": 1000, "account": "physics", "name": "sim",
//                 "runs": 5, "last": [3600, 3300],
//                 "limits": [7200, 7200]},                   <- job history
//                {"uid": 1000, "account": "physics", "name_hex": "73696dff",
//                 "runs": 1, "last": [60]},                  <- name "sim\xff"
//                {"uid": 1000, "user": true, "runs": 9, "last": [60, 3600]}, ...]}
// oldest first.  A job's account and name are JSON strings when they are
// valid UTF-8 without NUL; otherwise (Slurm takes any bytes in a job name,
// e.g. sbatch -J $'\xff') they are kept byte for byte as "account_hex" /
// "name_hex" (two lower-case hex digits a byte) instead, which readers
// that do not know these fields skip as an entry without a name.
// "learned_ids" is optional (absent: none), and so is an entry's "limits",
// the time limits its runs had (0: none; absent, as in an older store:
// unknown, so the estimate is the runtimes' mean, runtime_estimator.h).
//
// Saving writes a temporary file of its own beside PATH (PATH.new.XXXXXX;
// written by root it gets the directory's owner, file_lock.h), flushes it,
// renames it over PATH and flushes the directory, so a crash leaves the
// old file or the new one, never half of one; any failure (jansson's
// included) names what failed and leaves the old file as it was.  Writers
// of one store take its lock first (file_lock.h).
//
// Loading refuses a whole file only when the file itself is broken:
// truncated, empty, not JSON, another format or version, "entries" not an
// array, a bad "learned_until" or "learned_ids", or something other than a
// regular file; the estimator is then empty (the caller keeps the file
// aside: damaged_file.h).  One bad entry is skipped and counted, and the
// rest is loaded.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "runtime_estimator.h"
#include "text_escape.h"

namespace tailfold {

enum class LoadResult { kLoaded, kMissing, kBad };

// On kBad, `message` says what is wrong (with the JSON position when the
// syntax is broken); the estimator is then empty.  kMissing is not an
// error (first start).  On kLoaded, `message` is empty, or, when bad
// entries were skipped, one line with how many, the first one's index and
// what is wrong with it; `skipped` (if given) gets their number.
LoadResult load_estimates(const std::string &path, RuntimeEstimator &est, std::string &message,
                          std::size_t *skipped = nullptr);

// The same from bytes already read (never kMissing); messages name
// "estimate store" instead of a path.
LoadResult parse_estimates(const char *data, std::size_t size, RuntimeEstimator &est,
                           std::string &message, std::size_t *skipped = nullptr);

// Returns false and sets `error` if the file cannot be written; the old
// file is then left as it was.
bool save_estimates(const std::string &path, const RuntimeEstimator &est, std::string &error);

// Removes the temporary files (PATH.new.XXXXXX) that saves cut short by a
// crash left beside PATH, and returns their names.  Call only while
// holding the store's lock (file_lock.h): a seed writes one too while it
// runs.
std::vector<std::string> remove_stale_temporaries(const std::string &path);

}  // namespace tailfold
