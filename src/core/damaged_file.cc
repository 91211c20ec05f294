// tailfold core: keeping a damaged state file aside.  GPL-2.0-or-later.
#include "damaged_file.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace tailfold {

bool keep_damaged_file(const std::string &path, std::int64_t now, std::string &kept_as,
                       std::string &error)
{
    const std::string base = path + ".damaged." + std::to_string(now);
    // Two damaged starts within one second must not overwrite the first
    // copy: rename() would replace a file of that name silently.
    for (int i = 0; i < 100; ++i) {
        const std::string name = i ? base + "." + std::to_string(i) : base;
        struct stat st;
        if (lstat(name.c_str(), &st) == 0)
            continue;
        if (std::rename(path.c_str(), name.c_str()) != 0) {
            error = "cannot rename " + path + " to " + name + ": " + std::strerror(errno);
            return false;
        }
        kept_as = name;
        return true;
    }
    error = "cannot keep " + path + " aside: " + base + " and 99 more names are taken";
    return false;
}

}  // namespace tailfold
