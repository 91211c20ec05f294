// tailfold core: the estimate store's lock file.  GPL-2.0-or-later.
//
// slurmctld's plugin holds <store without .json>.lock (so
// StateSaveLocation/tailfold_estimates.lock) for its whole life;
// tailfold-estimates seed takes the same lock and refuses while it cannot,
// since the plugin's next save would overwrite the seed.  flock(2): the
// kernel drops the lock when its holder dies, so a crash leaves no stale
// lock to clean up.  The file is opened for writing (flock over NFS needs
// it) and, created by root, gets the directory's owner, so that slurmctld
// running as SlurmUser can open it.
#pragma once

#include <string>

namespace tailfold {

// The lock file that guards the store at `store_path`.
std::string lock_path_for(const std::string &store_path);

// Gives the open file `fd` the owner of `dir` when running as root and
// the owner differs (a file root writes into StateSaveLocation must stay
// readable by SlurmUser); otherwise does nothing.  False and `error` when
// it fails.
bool give_dir_owner(int fd, const std::string &dir, std::string &error);

// The directory part of `path` ("." when it has none).
std::string dir_of(const std::string &path);

class FileLock {
  public:
    enum class Result { kHeld, kBusy, kError };
    FileLock() = default;
    ~FileLock() { release(); }
    FileLock(const FileLock &) = delete;
    FileLock &operator=(const FileLock &) = delete;

    // Opens (creating) `path` and takes an exclusive flock without
    // waiting.  kBusy: another open file holds it (another process, or
    // another FileLock); kError: `error` says why it could not be tried.
    Result try_lock(const std::string &path, std::string &error);
    void release();
    bool held() const { return fd_ >= 0; }

  private:
    int fd_ = -1;
};

}  // namespace tailfold
