// Fuzz target: the last-decay file (src/core/decay_state_file.h).  Any
// bytes: decoding never crashes; a file it takes is written back byte for
// byte the same; one it refuses leaves the state as it was and says why.
// And any two times the file may hold come back the same through
// encode and decode.  GPL-2.0-or-later.
#include <cstring>
#include <string>
#include <string_view>

#include "src/core/decay_state_file.h"
#include "test/fuzz/fuzz_check.h"

using namespace tailfold;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::int64_t kNow = 1767225600;  // 2026-01-01T00:00:00Z
    const std::string_view bytes(reinterpret_cast<const char *>(data), size);

    DecayState s{-1, -2};
    std::string why;
    if (decode_decay_state(bytes, kNow, s, why)) {
        FUZZ_CHECK(s.last_decay >= 0 && s.last_decay <= kNow + kDecayStateSlack);
        FUZZ_CHECK(s.last_reset >= 0 && s.last_reset <= kNow + kDecayStateSlack);
        FUZZ_CHECK(encode_decay_state(s) == bytes);
    } else {
        FUZZ_CHECK((s == DecayState{-1, -2}));
        FUZZ_CHECK(why.rfind("is damaged (", 0) == 0);
    }

    // The first 16 bytes as two times, folded into what the file may hold.
    if (size >= 16) {
        std::uint64_t a, b;
        std::memcpy(&a, data, 8);
        std::memcpy(&b, data + 8, 8);
        const std::uint64_t span = static_cast<std::uint64_t>(kNow + kDecayStateSlack) + 1;
        const DecayState x{static_cast<std::int64_t>(a % span), static_cast<std::int64_t>(b % span)};
        DecayState back;
        FUZZ_CHECK(decode_decay_state(encode_decay_state(x), kNow, back, why) && back == x);
    }
    return 0;
}
