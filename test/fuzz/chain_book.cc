// Fuzz target: the chain credit book's saved text (chain_credit.h), as
// priority/tailfold reads StateSaveLocation/priority_tailfold_chains.
// GPL-2.0-or-later.
#include <string>

#include "src/core/chain_credit.h"
#include "test/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char *>(data), size);
    tailfold::ChainBook book;
    book.watch(42, 1, 0, {41});  // a marker: a refused text leaves the book as it was
    std::string error;
    if (!book.parse(text, error)) {
        FUZZ_CHECK(error.rfind("line ", 0) == 0 || (size == 0 && error == "empty (0 bytes)"));
        FUZZ_CHECK(book.watched(42) && book.wanted(41) && book.successors() == 1);
        return 0;
    }
    // Read back, saved, and read again: the same text.
    const std::string saved = book.save();
    tailfold::ChainBook again;
    FUZZ_CHECK(again.parse(saved, error));
    FUZZ_CHECK(again.save() == saved);
    // Settling any successor gives a credit of 0 or more.
    for (std::uint64_t k = 1; k < 64; ++k) {
        const std::int64_t c = book.settle(k, 86400);
        FUZZ_CHECK(c >= 0);
    }
    return 0;
}
