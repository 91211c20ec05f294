// tailfold core: the estimate store on disk.  GPL-2.0-or-later.
//
// JSON (libjansson), one object:
//   {"format": "tailfold-estimates", "version": 1, "saved": <unix time>,
//    "learned_until": <end time of the newest job counted>,
//    "entries": [{"uid": 1000, "account": "physics", "name": "sim",
//                 "runs": 5, "last": [3600, 3300]},          <- job history
//                {"uid": 1000, "user": true, "runs": 9, "last": [60, 3600]}, ...]}
// oldest first.  Saving writes PATH.new, flushes it and renames it over PATH,
// so a crash leaves the old file or the new one, never half of one.
// Loading a truncated, empty or corrupt file, or something other than a
// regular file, fails with one message and leaves the estimator empty
// (the caller keeps the file aside: damaged_file.h).
#pragma once

#include <cstddef>
#include <string>

#include "runtime_estimator.h"

namespace tailfold {

enum class LoadResult { kLoaded, kMissing, kBad };

// On kBad, `error` says what is wrong (with the JSON position when the
// syntax is broken); the estimator is then empty.  kMissing is not an
// error (first start).
LoadResult load_estimates(const std::string &path, RuntimeEstimator &est, std::string &error);

// The same from bytes already read (never kMissing); messages name
// "estimate store" instead of a path.
LoadResult parse_estimates(const char *data, std::size_t size, RuntimeEstimator &est, std::string &error);

// Returns false and sets `error` if the file cannot be written; the old
// file is then left as it was.
bool save_estimates(const std::string &path, const RuntimeEstimator &est, std::string &error);

}  // namespace tailfold
