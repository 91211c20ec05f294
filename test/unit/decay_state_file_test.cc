// Unit tests: the last-decay file's format (src/core/decay_state_file.h).
#include "src/core/decay_state_file.h"

#include <gtest/gtest.h>

#include <string>

using namespace tailfold;

namespace {

const std::int64_t kNow = 1767225600;  // 2026-01-01T00:00:00Z

}  // namespace

TEST(DecayStateFile, RoundTrip)
{
    for (const DecayState s : {DecayState{0, 0}, DecayState{kNow, 0}, DecayState{kNow - 60, kNow - 86400},
                               DecayState{kNow + kDecayStateSlack, kNow + kDecayStateSlack}}) {
        const std::string bytes = encode_decay_state(s);
        EXPECT_EQ(bytes.size(), kDecayStateBytes);
        DecayState back{-1, -1};
        std::string why;
        ASSERT_TRUE(decode_decay_state(bytes, kNow, back, why)) << why;
        EXPECT_EQ(back, s);
    }
}

TEST(DecayStateFile, TheLayoutMultifactorWritesToo)
{
    // Two big-endian 64-bit times, written out by hand: last decay
    // 1767225600 = 0x6955B900, last reset 1767139200 = 0x69546780.
    const std::string file("\0\0\0\0\x69\x55\xb9\x00"
                           "\0\0\0\0\x69\x54\x67\x80",
                           16);
    DecayState s;
    std::string why;
    ASSERT_TRUE(decode_decay_state(file, kNow, s, why)) << why;
    EXPECT_EQ(s.last_decay, 1767225600);
    EXPECT_EQ(s.last_reset, 1767139200);
    EXPECT_EQ(encode_decay_state(s), file);  // and written byte for byte the same
}

TEST(DecayStateFile, EveryKindOfDamageIsNamed)
{
    const std::string good = encode_decay_state({kNow - 60, 0});
    auto with = [&](std::size_t at, char c) {
        std::string b = good;
        b[at] = c;
        return b;
    };
    const struct {
        std::string bytes;
        const char *why;
    } cases[] = {
        {"", "is damaged (0 bytes, want 16)"},
        {good.substr(0, 8), "is damaged (8 bytes, want 16)"},
        {good.substr(0, 15), "is damaged (15 bytes, want 16)"},
        {good + "x", "is damaged (17 bytes, want 16)"},
        {good + good, "is damaged (32 bytes, want 16)"},
        // A top bit set: a time before the epoch (-2^63 + 1767225540).
        {with(0, '\x80'), "is damaged (holds times that make no sense: -9223372035087550268, 0)"},
        {with(8, '\xff'), "is damaged (holds times that make no sense: 1767225540, -72057594037927936)"},
        // Far in the future (random bytes look so): a year past now.
        {encode_decay_state({kNow + 365 * 86400, 0}),
         "is damaged (holds times that make no sense: 1798761600, 0)"},
        {encode_decay_state({kNow, kNow + kDecayStateSlack + 1}),
         "is damaged (holds times that make no sense: 1767225600, 1767229201)"},
    };
    for (const auto &c : cases) {
        DecayState s{7, 8};
        std::string why;
        EXPECT_FALSE(decode_decay_state(c.bytes, kNow, s, why)) << c.why;
        EXPECT_EQ(why, c.why);
        EXPECT_EQ(s, (DecayState{7, 8})) << c.why << ": changed on failure";
    }
}
