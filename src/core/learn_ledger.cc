// tailfold core: which finished jobs were learned from.  GPL-2.0-or-later.
#include "learn_ledger.h"

#include <algorithm>

namespace tailfold {

void LearnLedger::restore(std::int64_t until, const std::vector<std::uint32_t> &ids)
{
    until_ = until;
    counted_.clear();
    for (std::uint32_t id : ids)
        counted_[id] = {kUnknownEnd, pass_};
}

void LearnLedger::begin(std::int64_t now)
{
    ++pass_;
    now_ = now;
    earliest_completing_ = kUnknownEnd;
}

bool LearnLedger::offer(std::uint32_t job_id, std::int64_t end_time, bool completing)
{
    auto it = counted_.find(job_id);
    if (it != counted_.end()) {  // counted already (this run of the job)
        it->second = {end_time, pass_};
        return false;
    }
    if (completing) {
        earliest_completing_ = std::min(earliest_completing_, end_time);
        return false;
    }
    // Ended at or before the watermark: counted before, and listed now so
    // that the watermark may go below its end.
    counted_[job_id] = {end_time, pass_};
    return end_time > until_;
}

void LearnLedger::end()
{
    for (auto it = counted_.begin(); it != counted_.end();)
        it = it->second.pass != pass_ ? counted_.erase(it) : std::next(it);
    // Every finished job in the list is in counted_ or COMPLETING (and
    // then ends after the new watermark), so the watermark may also go
    // down: below a store's old one (a store without learned_ids, an older
    // format, holds the newest end counted) or after the clock went back.
    std::int64_t w = now_ - 1;
    if (earliest_completing_ != kUnknownEnd)
        w = std::min(w, earliest_completing_ - 1);
    until_ = w;
}

std::vector<std::uint32_t> LearnLedger::ids() const
{
    std::vector<std::uint32_t> out;
    for (const auto &kv : counted_)
        if (kv.second.end > until_)
            out.push_back(kv.first);
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace tailfold
