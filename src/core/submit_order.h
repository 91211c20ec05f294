// tailfold core: submit-order priority.  GPL-2.0-or-later.
//
// The interim priority policy of priority/tailfold: earlier submission means
// higher priority, like a FIFO queue.  It stands until the multifactor
// factors land, and stays as the fallback for jobs with no submit time.
#pragma once

#include <cstdint>

namespace tailfold {

// Submissions at or before this time (2000-01-01T00:00:00Z) get the top
// priority; each second later costs one point.  Slurm priorities are
// 32-bit and 0 means "held", so the result is always in [1, 2^32-1].
inline constexpr std::int64_t kSubmitOrderEpoch = 946684800;

std::uint32_t submit_order_priority(std::int64_t submit_time);

}  // namespace tailfold
