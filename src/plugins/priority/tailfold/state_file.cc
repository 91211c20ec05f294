// priority/tailfold glue: the plugin's own files in StateSaveLocation.
// GPL-2.0-or-later.
//
// Read whole (a missing file is a first start, not an error), and written
// as slurmctld writes its own state: a new file, flushed, then renamed
// over the old one, which is kept as NAME.old; so a crash leaves the old
// file or the new one.  A file that cannot be used is kept aside
// (damaged_file.h), never deleted or overwritten unread.
#include "prio_glue.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "src/core/damaged_file.h"

namespace tf_prio {

StateRead read_state_file(const std::string &path, std::size_t max_bytes, std::string &bytes, std::string &why)
{
    bytes.clear();
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return StateRead::kMissing;
        why = std::string("cannot be opened: ") + std::strerror(errno);
        return StateRead::kBad;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        why = "is not a regular file";
        return StateRead::kBad;
    }
    char buf[65536];
    for (ssize_t n; (n = read(fd, buf, sizeof(buf))) != 0;) {
        if (n < 0) {
            why = std::string("cannot be read: ") + std::strerror(errno);
            close(fd);
            return StateRead::kBad;
        }
        bytes.append(buf, std::size_t(n));
        if (bytes.size() > max_bytes) {
            why = "is damaged (more than " + std::to_string(max_bytes) + " bytes)";
            close(fd);
            return StateRead::kBad;
        }
    }
    close(fd);
    return StateRead::kRead;
}

std::string keep_state_aside(const std::string &path)
{
    std::string kept, why;
    if (tailfold::keep_damaged_file(path, time(NULL), kept, why))
        return "kept as " + kept;
    return "left in place: " + why;
}

bool write_state_file(const std::string &path, const std::string &bytes)
{
    const std::string tmp = path + ".new", old = path + ".old";
    lock_state_files();
    const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    bool ok = fd >= 0 && write(fd, bytes.data(), bytes.size()) == (ssize_t)bytes.size() && fsync(fd) == 0;
    if (fd >= 0)
        ok = (close(fd) == 0) && ok;
    if (ok) {
        (void)unlink(old.c_str());
        (void)link(path.c_str(), old.c_str());
        ok = rename(tmp.c_str(), path.c_str()) == 0;
    }
    if (!ok) {
        error("priority/tailfold: cannot write %s: %m", path.c_str());
        (void)unlink(tmp.c_str());
    }
    unlock_state_files();
    return ok;
}

}  // namespace tf_prio
