// tailfold core: the estimate store on disk.  GPL-2.0-or-later.
#include "estimate_store.h"

#include <fcntl.h>
#include <jansson.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>

namespace tailfold {

namespace {

constexpr const char *kFormat = "tailfold-estimates";
constexpr int kVersion = 1;

struct JsonFree {
    void operator()(json_t *j) const { json_decref(j); }
};
using Json = std::unique_ptr<json_t, JsonFree>;

bool read_entry(json_t *o, RuntimeEstimator::Entry &e, std::string &why)
{
    if (!json_is_object(o))
        return why = "not an object", false;
    json_t *uid = json_object_get(o, "uid"), *runs = json_object_get(o, "runs"),
           *last = json_object_get(o, "last");
    if (!json_is_integer(uid) || json_integer_value(uid) < 0 || json_integer_value(uid) > 0xffffffffLL)
        return why = "no valid uid", false;
    if (!json_is_integer(runs) || json_integer_value(runs) < 1)
        return why = "no valid runs", false;
    if (!json_is_array(last) || json_array_size(last) < 1 || json_array_size(last) > 2)
        return why = "last is not an array of 1 or 2 runtimes", false;
    e.uid = static_cast<std::uint32_t>(json_integer_value(uid));
    e.history.runs = static_cast<std::uint32_t>(std::min<json_int_t>(json_integer_value(runs), 0xffffffffLL));
    for (std::size_t i = 0; i < json_array_size(last); ++i) {
        json_t *v = json_array_get(last, i);
        if (!json_is_integer(v) || json_integer_value(v) <= 0)
            return why = "a runtime is not a positive whole number", false;
        e.history.last[i] = json_integer_value(v);
    }
    e.user_level = json_is_true(json_object_get(o, "user"));
    if (!e.user_level) {
        json_t *acct = json_object_get(o, "account"), *name = json_object_get(o, "name");
        if (!json_is_string(acct) || !json_is_string(name))
            return why = "a job entry lacks account or name", false;
        e.account = json_string_value(acct);
        e.name = json_string_value(name);
    }
    return true;
}

// The checks after the JSON parse, shared by the file and the bytes:
// `where` names the source in messages.
LoadResult read_root(json_t *root, const std::string &where, RuntimeEstimator &est, std::string &error)
{
    json_t *fmt = json_object_get(root, "format"), *ver = json_object_get(root, "version");
    if (!json_is_string(fmt) || std::strcmp(json_string_value(fmt), kFormat) != 0) {
        error = where + ": not a tailfold estimate store (no \"format\": \"" + kFormat + "\")";
        return LoadResult::kBad;
    }
    if (!json_is_integer(ver) || json_integer_value(ver) != kVersion) {
        error = where + ": store version is not " + std::to_string(kVersion);
        return LoadResult::kBad;
    }
    json_t *entries = json_object_get(root, "entries");
    if (!json_is_array(entries)) {
        error = where + ": \"entries\" is not an array";
        return LoadResult::kBad;
    }
    std::vector<RuntimeEstimator::Entry> parsed;
    parsed.reserve(json_array_size(entries));
    for (std::size_t i = 0; i < json_array_size(entries); ++i) {
        RuntimeEstimator::Entry e{};
        std::string why;
        if (!read_entry(json_array_get(entries, i), e, why)) {
            error = where + ": entry " + std::to_string(i) + ": " + why;
            return LoadResult::kBad;
        }
        parsed.push_back(std::move(e));
    }
    json_t *until = json_object_get(root, "learned_until");
    if (until && !json_is_integer(until)) {
        error = where + ": \"learned_until\" is not a whole number";
        return LoadResult::kBad;
    }
    // Only a wholly good file is used.
    for (const auto &e : parsed)
        est.restore(e);
    est.learned_until = until ? json_integer_value(until) : 0;
    return LoadResult::kLoaded;
}

std::string json_error_text(const std::string &where, const json_error_t &jerr)
{
    return where + ": not valid JSON (line " + std::to_string(jerr.line) + ", column " +
           std::to_string(jerr.column) + ": " + jerr.text + ")";
}

}  // namespace

LoadResult load_estimates(const std::string &path, RuntimeEstimator &est, std::string &error)
{
    est.clear();
    struct stat st;
    if (stat(path.c_str(), &st) != 0) {
        if (errno == ENOENT)
            return LoadResult::kMissing;
        error = path + ": " + std::strerror(errno);
        return LoadResult::kBad;
    }
    // Said plainly: jansson would report these as a syntax error at 0:0.
    if (!S_ISREG(st.st_mode)) {
        error = path + ": not a regular file";
        return LoadResult::kBad;
    }
    if (st.st_size == 0) {
        error = path + ": empty (0 bytes)";
        return LoadResult::kBad;
    }
    json_error_t jerr;
    Json root(json_load_file(path.c_str(), 0, &jerr));
    if (!root) {
        error = json_error_text(path, jerr);
        return LoadResult::kBad;
    }
    return read_root(root.get(), path, est, error);
}

LoadResult parse_estimates(const char *data, std::size_t size, RuntimeEstimator &est, std::string &error)
{
    est.clear();
    json_error_t jerr;
    Json root(json_loadb(data, size, 0, &jerr));
    if (!root) {
        error = json_error_text("estimate store", jerr);
        return LoadResult::kBad;
    }
    return read_root(root.get(), "estimate store", est, error);
}

bool save_estimates(const std::string &path, const RuntimeEstimator &est, std::string &error)
{
    Json root(json_object());
    json_object_set_new(root.get(), "format", json_string(kFormat));
    json_object_set_new(root.get(), "version", json_integer(kVersion));
    json_object_set_new(root.get(), "saved", json_integer(static_cast<json_int_t>(time(nullptr))));
    json_object_set_new(root.get(), "learned_until", json_integer(est.learned_until));
    json_t *arr = json_array();
    for (const auto &e : est.entries()) {
        json_t *o = json_object();
        json_object_set_new(o, "uid", json_integer(e.uid));
        if (e.user_level) {
            json_object_set_new(o, "user", json_true());
        } else {
            json_object_set_new(o, "account", json_string(e.account.c_str()));
            json_object_set_new(o, "name", json_string(e.name.c_str()));
        }
        json_object_set_new(o, "runs", json_integer(e.history.runs));
        json_t *last = json_array();
        json_array_append_new(last, json_integer(e.history.last[0]));
        if (e.history.last[1])
            json_array_append_new(last, json_integer(e.history.last[1]));
        json_object_set_new(o, "last", last);
        json_array_append_new(arr, o);
    }
    json_object_set_new(root.get(), "entries", arr);

    const std::string tmp = path + ".new";
    char *text = json_dumps(root.get(), JSON_COMPACT);
    if (!text) {
        error = "cannot encode the estimate store";
        return false;
    }
    const std::size_t len = std::strlen(text);
    const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    bool ok = fd >= 0;
    std::size_t done = 0;
    while (ok && done < len) {
        const ssize_t n = write(fd, text + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        ok = n > 0;
        if (ok)
            done += static_cast<std::size_t>(n);
    }
    ok = ok && write(fd, "\n", 1) == 1 && fsync(fd) == 0;
    if (fd >= 0 && close(fd) != 0)
        ok = false;
    free(text);
    if (!ok || rename(tmp.c_str(), path.c_str()) != 0) {
        error = (ok ? "cannot rename " + tmp + " to " + path : "cannot write " + tmp) + ": " +
                std::strerror(errno);
        unlink(tmp.c_str());
        return false;
    }
    return true;
}

}  // namespace tailfold
