// tailfold core: Slurm's "key=value,key,key=value" parameter lines.
// GPL-2.0-or-later.
#pragma once

#include <string>

namespace tailfold {

std::string trim(const std::string &s);

// Calls fn(key, value, has_value) for each comma-separated item (spaces
// around keys and values dropped, empty items skipped) until fn returns
// false; returns whether every call returned true.
template <typename Fn>
bool for_each_key_value(const char *text, Fn fn)
{
    const std::string all = text ? text : "";
    std::size_t pos = 0;
    while (pos <= all.size()) {
        std::size_t end = all.find(',', pos);
        if (end == std::string::npos)
            end = all.size();
        const std::string item = trim(all.substr(pos, end - pos));
        pos = end + 1;
        if (item.empty())
            continue;
        const auto eq = item.find('=');
        const bool has_value = eq != std::string::npos;
        if (!fn(trim(item.substr(0, eq)), has_value ? trim(item.substr(eq + 1)) : std::string(), has_value))
            return false;
    }
    return true;
}

}  // namespace tailfold
