// tailfold core: job names and accounts as bytes.  GPL-2.0-or-later.
#include "text_escape.h"

namespace tailfold {

std::size_t utf8_sequence(std::string_view s, std::size_t i)
{
    const auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const auto cont = [&](std::size_t k, unsigned char lo, unsigned char hi) {
        return k < s.size() && at(k) >= lo && at(k) <= hi;
    };
    const unsigned char c = at(i);
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        return cont(i + 1, 0x80, 0xbf) ? 2 : 0;
    if (c >= 0xe0 && c <= 0xef) {
        // E0: no overlong form; ED: no surrogate (U+D800..U+DFFF).
        const unsigned char lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
        return cont(i + 1, lo, hi) && cont(i + 2, 0x80, 0xbf) ? 3 : 0;
    }
    if (c >= 0xf0 && c <= 0xf4) {
        // F0: no overlong form; F4: nothing above U+10FFFF.
        const unsigned char lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
        return cont(i + 1, lo, hi) && cont(i + 2, 0x80, 0xbf) && cont(i + 3, 0x80, 0xbf) ? 4 : 0;
    }
    return 0;  // a continuation byte first, C0/C1, F5..FF
}

bool is_plain_utf8(std::string_view s)
{
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t n = utf8_sequence(s, i);
        if (!n || s[i] == '\0')
            return false;
        i += n;
    }
    return true;
}

std::string escape_for_column(std::string_view s)
{
    static const char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(s.size());
    auto hex = [&](unsigned char c) {
        out += "\\x";
        out += digits[c >> 4];
        out += digits[c & 15];
    };
    for (std::size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        const std::size_t n = utf8_sequence(s, i);
        if (n == 1) {
            switch (c) {
            case '\\': out += "\\\\"; break;
            case '|': out += "\\|"; break;
            case '\n': out += "\\n"; break;
            case '\t': out += "\\t"; break;
            case '\r': out += "\\r"; break;
            default:
                if (c < 0x20 || c == 0x7f)
                    hex(c);
                else
                    out += static_cast<char>(c);
            }
            ++i;
        } else if (n == 2 && c == 0xc2 && static_cast<unsigned char>(s[i + 1]) < 0xa0) {
            hex(c);  // a C1 control character (U+0080..U+009F)
            hex(static_cast<unsigned char>(s[i + 1]));
            i += 2;
        } else if (n) {
            out.append(s.substr(i, n));
            i += n;
        } else {
            hex(c);
            ++i;
        }
    }
    return out;
}

}  // namespace tailfold
