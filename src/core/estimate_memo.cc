// tailfold core: a memo of jobs' expected runtimes.  GPL-2.0-or-later.
#include "estimate_memo.h"

namespace tailfold {

std::uint32_t EstimateMemo::user_generation(std::uint32_t uid) const
{
    const auto it = user_generation_.find(uid);
    return it == user_generation_.end() ? 0 : it->second;
}

bool EstimateMemo::find(std::uint32_t job_id, std::uint32_t uid, std::int64_t limit_s,
                        Estimate &out) const
{
    if (slots_.empty())
        return false;
    const Slot &s = slots_[job_id & (slots_.size() - 1)];
    if (s.generation != generation_ || s.job_id != job_id || s.limit_s != limit_s ||
        s.user_generation != user_generation(uid))
        return false;
    out = s.estimate;
    return true;
}

void EstimateMemo::put(std::uint32_t job_id, std::uint32_t uid, std::int64_t limit_s,
                       const Estimate &e)
{
    if (slots_.empty())
        slots_.resize(kMinSlots);
    Slot *s = &slots_[job_id & (slots_.size() - 1)];
    if (s->generation == generation_ && s->job_id != job_id &&
        ++collisions_ > slots_.size() / 16 && slots_.size() < kMaxSlots) {
        // Too many live jobs for the table: twice the size, empty again.
        slots_.assign(slots_.size() * 2, Slot{});
        collisions_ = 0;
        s = &slots_[job_id & (slots_.size() - 1)];
    }
    *s = Slot{job_id, generation_, user_generation(uid), limit_s, e};
}

void EstimateMemo::invalidate_user(std::uint32_t uid)
{
    ++user_generation_[uid];  // wrapping after 4 billion changes is harmless
}

void EstimateMemo::invalidate()
{
    collisions_ = 0;
    user_generation_.clear();
    if (++generation_ == 0) {  // wrapped: old slots could look current
        slots_.assign(slots_.size(), Slot{});
        generation_ = 1;
    }
}

}  // namespace tailfold
