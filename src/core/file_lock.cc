// tailfold core: the estimate store's lock file.  GPL-2.0-or-later.
#include "file_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tailfold {

std::string lock_path_for(const std::string &store_path)
{
    const std::string ext = ".json";
    if (store_path.size() > ext.size() && store_path.compare(store_path.size() - ext.size(), ext.size(), ext) == 0)
        return store_path.substr(0, store_path.size() - ext.size()) + ".lock";
    return store_path + ".lock";
}

std::string dir_of(const std::string &path)
{
    const auto slash = path.rfind('/');
    if (slash == std::string::npos)
        return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

bool give_dir_owner(int fd, const std::string &dir, std::string &error)
{
    if (geteuid() != 0)
        return true;  // the file is ours; only root can give it away
    struct stat d, f;
    if (stat(dir.c_str(), &d) != 0 || fstat(fd, &f) != 0) {
        error = "cannot stat " + dir + ": " + std::strerror(errno);
        return false;
    }
    if (f.st_uid == d.st_uid && f.st_gid == d.st_gid)
        return true;
    if (fchown(fd, d.st_uid, d.st_gid) != 0) {
        error = "cannot give the file the owner of " + dir + ": " + std::strerror(errno);
        return false;
    }
    return true;
}

FileLock::Result FileLock::try_lock(const std::string &path, std::string &error)
{
    release();
    const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        error = "cannot open " + path + ": " + std::strerror(errno);
        return Result::kError;
    }
    if (!give_dir_owner(fd, dir_of(path), error)) {
        close(fd);
        error = path + ": " + error;
        return Result::kError;
    }
    int rc;
    while ((rc = flock(fd, LOCK_EX | LOCK_NB)) != 0 && errno == EINTR) {
    }
    if (rc != 0) {
        const int e = errno;
        close(fd);
        if (e == EWOULDBLOCK)
            return Result::kBusy;
        error = "cannot lock " + path + ": " + std::strerror(e);
        return Result::kError;
    }
    fd_ = fd;
    return Result::kHeld;
}

void FileLock::release()
{
    if (fd_ >= 0)
        close(fd_);  // drops the flock
    fd_ = -1;
}

}  // namespace tailfold
