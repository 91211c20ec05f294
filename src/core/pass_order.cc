// tailfold core: the order a backfill pass tries jobs in.  GPL-2.0-or-later.
#include "pass_order.h"

#include <algorithm>

namespace tailfold {

void order_tail(std::vector<TailJob> &tail, BackfillOrder order)
{
    const bool shortest = order == BackfillOrder::kShortest;
    std::stable_sort(tail.begin(), tail.end(), [shortest](const TailJob &a, const TailJob &b) {
        if (a.starving != b.starving)
            return a.starving;
        if (shortest && !a.starving && a.expected_s != b.expected_s)
            return a.expected_s < b.expected_s;
        return false;
    });
}

}  // namespace tailfold
