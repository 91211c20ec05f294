// tailfold core: a count over time that finds where it reaches a level.
// GPL-2.0-or-later.
#include "level_steps.h"

#include <algorithm>

namespace tailfold {

void LevelSteps::Block::bounds()
{
    const auto [mn, mx] = std::minmax_element(vals.begin(), vals.end());
    lo = *mn + added;
    hi = *mx + added;
}

LevelSteps::LevelSteps(std::int64_t now, std::int64_t count)
{
    Block b;
    b.keys.push_back(now);
    b.vals.push_back(count);
    b.bounds();
    blocks_.push_back(std::move(b));
}

std::size_t LevelSteps::block_of(std::int64_t t) const
{
    std::size_t lo = 0, hi = blocks_.size();  // the answer is in [lo, hi)
    while (hi - lo > 1) {
        const std::size_t mid = (lo + hi) / 2;
        if (blocks_[mid].keys.front() <= t)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

LevelSteps::Pos LevelSteps::at_or_before(std::int64_t t) const
{
    if (blocks_.empty())
        return end();
    const std::size_t b = block_of(t);
    const auto &k = blocks_[b].keys;
    const std::size_t i = std::size_t(std::upper_bound(k.begin(), k.end(), t) - k.begin());
    return {b, i ? i - 1 : 0};
}

LevelSteps::Pos LevelSteps::after(std::int64_t t) const
{
    if (blocks_.empty())
        return end();
    const std::size_t b = block_of(t);
    const auto &k = blocks_[b].keys;
    const std::size_t i = std::size_t(std::upper_bound(k.begin(), k.end(), t) - k.begin());
    return i < k.size() ? Pos{b, i} : Pos{b + 1, 0};
}

LevelSteps::Pos LevelSteps::next(Pos p) const
{
    return p.i + 1 < blocks_[p.block].keys.size() ? Pos{p.block, p.i + 1} : Pos{p.block + 1, 0};
}

LevelSteps::Pos LevelSteps::first_at_least(Pos p, std::int64_t level) const
{
    for (; p.block < blocks_.size(); ++p.block, p.i = 0) {
        const Block &b = blocks_[p.block];
        if (b.hi < level)
            continue;
        for (; p.i < b.vals.size(); ++p.i)
            if (b.vals[p.i] + b.added >= level)
                return p;
    }
    return end();
}

LevelSteps::Pos LevelSteps::first_below(Pos p, std::int64_t level) const
{
    for (; p.block < blocks_.size(); ++p.block, p.i = 0) {
        const Block &b = blocks_[p.block];
        if (b.lo >= level)
            continue;
        for (; p.i < b.vals.size(); ++p.i)
            if (b.vals[p.i] + b.added < level)
                return p;
    }
    return end();
}

std::int64_t LevelSteps::at(std::int64_t t) const
{
    if (blocks_.empty() || t < blocks_.front().keys.front())
        return 0;
    return value(at_or_before(t));
}

std::size_t LevelSteps::size() const
{
    std::size_t n = 0;
    for (const Block &b : blocks_)
        n += b.keys.size();
    return n;
}

LevelSteps::Pos LevelSteps::split(std::int64_t t)
{
    const Pos p = at_or_before(t);
    Block &b = blocks_[p.block];
    if (b.keys[p.i] == t)
        return p;
    const std::size_t i = p.i + 1;
    b.keys.insert(b.keys.begin() + std::ptrdiff_t(i), t);
    b.vals.insert(b.vals.begin() + std::ptrdiff_t(i), b.vals[p.i]);  // bounds unchanged
    if (b.keys.size() <= 2 * kBlock)
        return {p.block, i};
    // A full block becomes two halves.
    const std::size_t half = b.keys.size() / 2;
    Block second;
    second.added = b.added;
    second.keys.assign(b.keys.begin() + std::ptrdiff_t(half), b.keys.end());
    second.vals.assign(b.vals.begin() + std::ptrdiff_t(half), b.vals.end());
    b.keys.resize(half);
    b.vals.resize(half);
    b.bounds();
    second.bounds();
    blocks_.insert(blocks_.begin() + std::ptrdiff_t(p.block + 1), std::move(second));
    return i < half ? Pos{p.block, i} : Pos{p.block + 1, i - half};
}

void LevelSteps::add(std::int64_t start, std::int64_t end, std::int64_t delta)
{
    if (blocks_.empty() || !delta)
        return;
    start = std::max(start, blocks_.front().keys.front());
    if (end <= start)
        return;
    split(start);
    split(end);
    // Found again: the second split may have moved the first's step.
    const Pos from = at_or_before(start), to = at_or_before(end);
    auto add_in = [&](Block &b, std::size_t i, std::size_t j) {
        for (; i < j; ++i)
            b.vals[i] += delta;
        b.bounds();
    };
    if (from.block == to.block) {
        add_in(blocks_[from.block], from.i, to.i);
        return;
    }
    add_in(blocks_[from.block], from.i, blocks_[from.block].vals.size());
    for (std::size_t k = from.block + 1; k < to.block; ++k) {
        Block &b = blocks_[k];
        b.added += delta;
        b.lo += delta;
        b.hi += delta;
    }
    if (to.i)
        add_in(blocks_[to.block], 0, to.i);
}

}  // namespace tailfold
