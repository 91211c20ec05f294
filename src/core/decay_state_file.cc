// tailfold core: the last-decay file.  GPL-2.0-or-later.
#include "decay_state_file.h"

namespace tailfold {

namespace {

void put_be64(std::string &out, std::uint64_t v)
{
    for (int shift = 56; shift >= 0; shift -= 8)
        out.push_back(static_cast<char>((v >> shift) & 0xff));
}

std::int64_t be64(std::string_view p)
{
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i)
        v = (v << 8) | static_cast<unsigned char>(p[static_cast<std::size_t>(i)]);
    return static_cast<std::int64_t>(v);  // two's complement: above 2^63 reads as negative
}

// A time the file can hold: not before the epoch, not past now + slack
// (written so that it cannot overflow for any now).
bool sensible(std::int64_t t, std::int64_t now)
{
    return t >= 0 && t - kDecayStateSlack <= now;
}

}  // namespace

std::string encode_decay_state(const DecayState &state)
{
    std::string out;
    out.reserve(kDecayStateBytes);
    put_be64(out, static_cast<std::uint64_t>(state.last_decay));
    put_be64(out, static_cast<std::uint64_t>(state.last_reset));
    return out;
}

bool decode_decay_state(std::string_view bytes, std::int64_t now, DecayState &state, std::string &why)
{
    if (bytes.size() != kDecayStateBytes) {
        why = "is damaged (" + std::to_string(bytes.size()) + " bytes, want " + std::to_string(kDecayStateBytes) +
              ")";
        return false;
    }
    const std::int64_t last = be64(bytes.substr(0, 8)), reset = be64(bytes.substr(8, 8));
    if (!sensible(last, now) || !sensible(reset, now)) {
        why = "is damaged (holds times that make no sense: " + std::to_string(last) + ", " + std::to_string(reset) +
              ")";
        return false;
    }
    state.last_decay = last;
    state.last_reset = reset;
    return true;
}

}  // namespace tailfold
