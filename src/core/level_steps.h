// tailfold core: a count over time that finds where it reaches a level.
// GPL-2.0-or-later.
//
// The timeline's total of usable CPUs.  A forecast of the whole queue asks
// it, for every job, where the total next holds the job's CPUs and where
// it drops below them again; a plan of a long queue has as many steps as
// it has jobs, so walking them one by one makes the forecast quadratic.
// The steps are kept in time order in blocks of up to 2 * kBlock, each
// with its smallest and largest value and an amount added to all of it:
// a search passes over a whole block whose values are all on the wrong
// side of the level, and a change over many steps touches whole blocks
// once.  Nothing is kept before the first key (the timeline's "now").
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tailfold {

class LevelSteps {
  public:
    LevelSteps() = default;  // no key: nothing at any time
    LevelSteps(std::int64_t now, std::int64_t count);

    // A step: its index in time order, as blocks hold it.
    struct Pos {
        std::size_t block = 0, i = 0;
    };

    // `delta` added over [start, end) (clipped to what is kept).
    void add(std::int64_t start, std::int64_t end, std::int64_t delta);

    // The step in force at t (t at or after the first key).
    Pos at_or_before(std::int64_t t) const;
    // The first step after time t (end() if none).
    Pos after(std::int64_t t) const;
    Pos end() const { return {blocks_.size(), 0}; }
    bool is_end(const Pos &p) const { return p.block >= blocks_.size(); }
    std::int64_t key(const Pos &p) const { return blocks_[p.block].keys[p.i]; }
    std::int64_t value(const Pos &p) const
    {
        const Block &b = blocks_[p.block];
        return b.vals[p.i] + b.added;
    }
    Pos next(Pos p) const;

    // From p on (p included): the first step whose value is at least
    // `level`, or below it.  end() if none.
    Pos first_at_least(Pos p, std::int64_t level) const;
    Pos first_below(Pos p, std::int64_t level) const;

    // The value at time t (0 before the first key), and the number of keys.
    std::int64_t at(std::int64_t t) const;
    std::size_t size() const;

  private:
    static constexpr std::size_t kBlock = 64;
    struct Block {
        std::vector<std::int64_t> keys, vals;  // vals without `added`
        std::int64_t added = 0, lo = 0, hi = 0;  // lo, hi with `added`
        void bounds();
    };
    std::vector<Block> blocks_;

    std::size_t block_of(std::int64_t t) const;  // the last block starting at or before t
    Pos split(std::int64_t t);  // t a key; returns its step
};

}  // namespace tailfold
