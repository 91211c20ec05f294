// tailfold core: a count over time, as a step function.  GPL-2.0-or-later.
//
// What the timeline keeps for each licence (one count for the cluster) and
// for each generic resource of a node (GPUs of one node): the free count
// from each key's time to the next key's.  Nothing is kept before the
// first key (the timeline's "now").
#pragma once

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <map>

namespace tailfold {

// A step function kept as time -> value from that time to the next key:
// make t a key (with the value in force there), so that a change from t
// on touches keys only.  Nothing is done before the first key.
template <class V>
void split_steps(std::map<std::int64_t, V> &s, std::int64_t t)
{
    auto it = s.upper_bound(t);
    if (it == s.begin())
        return;
    auto prev = std::prev(it);
    if (prev->first != t)
        s.emplace_hint(it, t, prev->second);
}

class CountSteps {
  public:
    CountSteps() = default;  // no key: none of it, at any time
    CountSteps(std::int64_t now, std::int64_t count) { steps_.emplace(now, count); }

    const std::map<std::int64_t, std::int64_t> &steps() const { return steps_; }

    // `delta` added to the count over [start, end) (clipped to what is kept).
    void add(std::int64_t start, std::int64_t end, std::int64_t delta)
    {
        if (steps_.empty() || !delta)
            return;
        start = std::max(start, steps_.begin()->first);
        if (end <= start)
            return;
        split_steps(steps_, start);
        split_steps(steps_, end);
        for (auto it = steps_.find(start); it != steps_.end() && it->first < end; ++it)
            it->second += delta;
    }

    // The count at time t (0 before the first key).
    std::int64_t at(std::int64_t t) const
    {
        auto it = steps_.upper_bound(t);
        return it == steps_.begin() ? 0 : std::prev(it)->second;
    }

    // The smallest count over [start, end) (0 if any of it is before the
    // first key).
    std::int64_t min_over(std::int64_t start, std::int64_t end) const
    {
        auto it = steps_.upper_bound(start);
        if (it == steps_.begin())
            return 0;
        std::int64_t m = std::prev(it)->second;
        for (; it != steps_.end() && it->first < end; ++it)
            m = std::min(m, it->second);
        return m;
    }

  private:
    std::map<std::int64_t, std::int64_t> steps_;
};

}  // namespace tailfold
