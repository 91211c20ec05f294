// tailfold core: submit-order priority.  GPL-2.0-or-later.
#include "submit_order.h"

#include <algorithm>
#include <limits>

namespace tailfold {

std::uint32_t submit_order_priority(std::int64_t submit_time)
{
    constexpr std::int64_t top = std::numeric_limits<std::uint32_t>::max();
    const std::int64_t since = std::max<std::int64_t>(0, submit_time - kSubmitOrderEpoch);
    // Far-future submit times would go to 0 (held) or below: clamp to 1.
    return static_cast<std::uint32_t>(std::max<std::int64_t>(1, top - since));
}

}  // namespace tailfold
