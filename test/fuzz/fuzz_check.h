// tailfold fuzz targets: shared helpers.  GPL-2.0-or-later.
//
// A target checks the contract its parser promises, not only that it does
// not crash: FUZZ_CHECK aborts with the broken promise, which libFuzzer
// reports as a crash and saves the input that caused it.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#define FUZZ_CHECK(cond)                                                                     \
    do {                                                                                     \
        if (!(cond)) {                                                                       \
            std::fprintf(stderr, "%s:%d: contract broken: %s\n", __FILE__, __LINE__, #cond); \
            std::abort();                                                                    \
        }                                                                                    \
    } while (0)

// The readers under test open a path, so each input is written to one
// in-memory file per process (memfd: nothing left on disk) and read back
// through /proc/self/fd.
inline std::string fuzz_file(const std::uint8_t *data, std::size_t size)
{
    static const int fd = memfd_create("tailfold-fuzz", 0);
    FUZZ_CHECK(fd >= 0);
    FUZZ_CHECK(ftruncate(fd, 0) == 0);
    std::size_t done = 0;
    while (done < size) {
        const ssize_t n = pwrite(fd, data + done, size - done, static_cast<off_t>(done));
        FUZZ_CHECK(n > 0);
        done += static_cast<std::size_t>(n);
    }
    return "/proc/self/fd/" + std::to_string(fd);
}
