// tailfold core: the last-decay file, StateSaveLocation/priority_last_decay_ran.
// GPL-2.0-or-later.
//
// 16 bytes: the time of the last decay pass, then of the last usage reset,
// each as seconds since the epoch in 64 bits, big-endian.  It is the
// layout priority/multifactor writes too, so a site can switch plugins
// either way without usage decaying twice or running jobs being charged
// twice.  The plugin's glue reads and writes the file; this is the format.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tailfold {

struct DecayState {
    std::int64_t last_decay = 0;  // end of the last decay pass
    std::int64_t last_reset = 0;  // last PriorityUsageResetPeriod reset (0: none)
    bool operator==(const DecayState &o) const { return last_decay == o.last_decay && last_reset == o.last_reset; }
};

constexpr std::size_t kDecayStateBytes = 16;
// How far past `now` a time may be and still be read: an hour, for clocks
// that differ between the host that wrote the file and the one reading it.
constexpr std::int64_t kDecayStateSlack = 3600;

// The file's bytes.
std::string encode_decay_state(const DecayState &state);

// The file's bytes -> `state`, unchanged on failure.  False with `why`
// saying what is wrong, to follow the file's name in an error line:
// "is damaged (N bytes, want 16)" or "is damaged (holds times that make no
// sense: LAST, RESET)" (a time before the epoch, or more than
// kDecayStateSlack past `now`).
bool decode_decay_state(std::string_view bytes, std::int64_t now, DecayState &state, std::string &why);

}  // namespace tailfold
