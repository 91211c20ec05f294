// tailfold core: the fold within one owner's batch.  GPL-2.0-or-later.
#include "owner_fold.h"

#include <algorithm>
#include <functional>

namespace tailfold {

namespace {

// One batch: its priorities, highest first, to its jobs in boosted order.
void fold_batch(std::vector<FoldMember> &batch, std::vector<std::uint32_t> &bases)
{
    bases.clear();
    for (const FoldMember &m : batch)
        bases.push_back(m.base);
    std::sort(bases.begin(), bases.end(), std::greater<>());
    // Equal scores by the tie order, as slurmctld breaks equal priorities
    // by job id.
    std::sort(batch.begin(), batch.end(), [](const FoldMember &a, const FoldMember &b) {
        const std::int64_t sa = std::int64_t(a.base) + a.boost, sb = std::int64_t(b.base) + b.boost;
        return sa != sb ? sa > sb : a.order < b.order;
    });
    auto score = [](const FoldMember &m) { return std::int64_t(m.base) + m.boost; };
    for (std::size_t i = 0; i < batch.size(); ++i) {
        std::uint32_t p = bases[i];
        // Equal priorities would leave the order to slurmctld's tie rule
        // (submission, then job id), not to the boost: a job ranked below
        // the one before it gets one less (never less than 1, the lowest
        // priority of a job that is not held).
        if (i > 0 && score(batch[i]) < score(batch[i - 1]) && p >= batch[i - 1].folded && p > 1)
            p = std::max<std::uint32_t>(batch[i - 1].folded - 1, 1);
        if (i > 0)
            p = std::min(p, batch[i - 1].folded);
        batch[i].folded = p;
    }
}

}  // namespace

void fold_owner(std::vector<FoldMember> &members, std::int64_t batch_gap_s, FoldScratch &scratch)
{
    std::sort(members.begin(), members.end(), [](const FoldMember &a, const FoldMember &b) {
        return a.eligible != b.eligible ? a.eligible < b.eligible : a.order < b.order;
    });
    std::size_t from = 0;
    for (std::size_t i = 1; i <= members.size(); ++i) {
        if (i < members.size() && (batch_gap_s <= 0 || members[i].eligible - members[i - 1].eligible <= batch_gap_s))
            continue;
        if (i - from == 1) {
            members[from].folded = members[from].base;
        } else {
            scratch.batch.assign(members.begin() + from, members.begin() + i);
            fold_batch(scratch.batch, scratch.bases);
            std::copy(scratch.batch.begin(), scratch.batch.end(), members.begin() + from);
        }
        from = i;
    }
}

}  // namespace tailfold
