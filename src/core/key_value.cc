// tailfold core: parameter lines.  GPL-2.0-or-later.
#include "key_value.h"

namespace tailfold {

std::string trim(const std::string &s)
{
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string::npos)
        return {};
    return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

}  // namespace tailfold
