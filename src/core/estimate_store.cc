// tailfold core: the estimate store on disk.  GPL-2.0-or-later.
#include "estimate_store.h"

#include "file_lock.h"
#include "text_escape.h"

#include <dirent.h>
#include <fcntl.h>
#include <jansson.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
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

bool is_hex_digit(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int hex_value(char c)
{
    return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

std::string to_hex(const std::string &s)
{
    static const char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(2 * s.size());
    for (unsigned char c : s) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

// `key` as a JSON string, or `key`_hex: one of the two, never both.
bool read_text(json_t *o, const char *key, std::string &out, std::string &why)
{
    const std::string hex_key = std::string(key) + "_hex";
    json_t *plain = json_object_get(o, key), *hex = json_object_get(o, hex_key.c_str());
    if (plain && hex)
        return why = std::string("both ") + key + " and " + hex_key, false;
    if (plain) {
        if (!json_is_string(plain))
            return why = std::string(key) + " is not a string", false;
        out.assign(json_string_value(plain), json_string_length(plain));
        return true;
    }
    if (!hex)
        return why = std::string("a job entry lacks ") + key, false;
    if (!json_is_string(hex))
        return why = hex_key + " is not a string", false;
    const char *h = json_string_value(hex);
    const std::size_t n = json_string_length(hex);
    if (n % 2 || !std::all_of(h, h + n, is_hex_digit))
        return why = hex_key + " is not an even number of hex digits", false;
    out.clear();
    for (std::size_t i = 0; i < n; i += 2)
        out += static_cast<char>(hex_value(h[i]) * 16 + hex_value(h[i + 1]));
    return true;
}

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
    // Optional (an older store has none): the limits those runs had, 0 for
    // none.
    if (json_t *limits = json_object_get(o, "limits")) {
        if (!json_is_array(limits) || json_array_size(limits) != json_array_size(last))
            return why = "limits is not an array of one limit per runtime", false;
        for (std::size_t i = 0; i < json_array_size(limits); ++i) {
            json_t *v = json_array_get(limits, i);
            if (!json_is_integer(v) || json_integer_value(v) < 0)
                return why = "a limit is not a whole number >= 0", false;
            e.history.limit[i] = json_integer_value(v);
        }
    }
    e.user_level = json_is_true(json_object_get(o, "user"));
    if (!e.user_level)
        return read_text(o, "account", e.account, why) && read_text(o, "name", e.name, why);
    return true;
}

// The checks after the JSON parse, shared by the file and the bytes:
// `where` names the source in messages.
LoadResult read_root(json_t *root, const std::string &where, RuntimeEstimator &est,
                     std::string &message, std::size_t *skipped_out)
{
    json_t *fmt = json_object_get(root, "format"), *ver = json_object_get(root, "version");
    if (!json_is_string(fmt) || std::strcmp(json_string_value(fmt), kFormat) != 0) {
        message = where + ": not a tailfold estimate store (no \"format\": \"" + kFormat + "\")";
        return LoadResult::kBad;
    }
    if (!json_is_integer(ver) || json_integer_value(ver) != kVersion) {
        message = where + ": store version is not " + std::to_string(kVersion);
        return LoadResult::kBad;
    }
    json_t *entries = json_object_get(root, "entries");
    if (!json_is_array(entries)) {
        message = where + ": \"entries\" is not an array";
        return LoadResult::kBad;
    }
    json_t *until = json_object_get(root, "learned_until");
    if (until && !json_is_integer(until)) {
        message = where + ": \"learned_until\" is not a whole number";
        return LoadResult::kBad;
    }
    json_t *ids = json_object_get(root, "learned_ids");
    std::vector<std::uint32_t> learned_ids;
    if (ids) {
        bool ok = json_is_array(ids);
        for (std::size_t i = 0; ok && i < json_array_size(ids); ++i) {
            json_t *v = json_array_get(ids, i);
            ok = json_is_integer(v) && json_integer_value(v) > 0 && json_integer_value(v) <= 0xffffffffLL;
            if (ok)
                learned_ids.push_back(static_cast<std::uint32_t>(json_integer_value(v)));
        }
        if (!ok) {
            message = where + ": \"learned_ids\" is not an array of job ids";
            return LoadResult::kBad;
        }
    }
    // A bad entry (a hand edit, a writer's bug) costs that entry only.
    std::size_t skipped = 0;
    std::string first_bad;
    const std::size_t n = json_array_size(entries);
    for (std::size_t i = 0; i < n; ++i) {
        RuntimeEstimator::Entry e{};
        std::string why;
        if (read_entry(json_array_get(entries, i), e, why)) {
            est.restore(e);
        } else if (!skipped++) {
            first_bad = "entry " + std::to_string(i) + ": " + why;
        }
    }
    est.learned_until = until ? json_integer_value(until) : 0;
    est.learned_ids = std::move(learned_ids);
    if (skipped)
        message = where + ": " + std::to_string(skipped) + " of " + std::to_string(n) +
                  " entries skipped as unreadable (first: " + first_bad + ")";
    if (skipped_out)
        *skipped_out = skipped;
    return LoadResult::kLoaded;
}

std::string json_error_text(const std::string &where, const json_error_t &jerr)
{
    return where + ": not valid JSON (line " + std::to_string(jerr.line) + ", column " +
           std::to_string(jerr.column) + ": " + jerr.text + ")";
}

}  // namespace

LoadResult load_estimates(const std::string &path, RuntimeEstimator &est, std::string &message,
                          std::size_t *skipped)
{
    est.clear();
    message.clear();
    if (skipped)
        *skipped = 0;
    struct stat st;
    if (stat(path.c_str(), &st) != 0) {
        if (errno == ENOENT)
            return LoadResult::kMissing;
        message = path + ": " + std::strerror(errno);
        return LoadResult::kBad;
    }
    // Said plainly: jansson would report these as a syntax error at 0:0.
    if (!S_ISREG(st.st_mode)) {
        message = path + ": not a regular file";
        return LoadResult::kBad;
    }
    if (st.st_size == 0) {
        message = path + ": empty (0 bytes)";
        return LoadResult::kBad;
    }
    json_error_t jerr;
    Json root(json_load_file(path.c_str(), 0, &jerr));
    if (!root) {
        message = json_error_text(path, jerr);
        return LoadResult::kBad;
    }
    return read_root(root.get(), path, est, message, skipped);
}

LoadResult parse_estimates(const char *data, std::size_t size, RuntimeEstimator &est,
                           std::string &message, std::size_t *skipped)
{
    est.clear();
    message.clear();
    if (skipped)
        *skipped = 0;
    json_error_t jerr;
    Json root(json_loadb(data, size, 0, &jerr));
    if (!root) {
        message = json_error_text("estimate store", jerr);
        return LoadResult::kBad;
    }
    return read_root(root.get(), "estimate store", est, message, skipped);
}

namespace {

// Builds the JSON of the store; every jansson call is checked.  A failed
// one (no memory, a string jansson refuses) sets `error` to what it was.
class Builder {
  public:
    explicit Builder(std::string &error) : error_(error) {}

    // Takes `v` (NULL: its constructor failed) into `o` under `key`.
    bool set(json_t *o, const char *key, json_t *v, const std::string &where)
    {
        // json_object_set_new takes v even when it fails.
        if (v && json_object_set_new(o, key, v) == 0)
            return true;
        error_ = std::string("cannot encode ") + key + (where.empty() ? "" : " of " + where);
        return false;
    }
    bool append(json_t *arr, json_t *v, const std::string &what)
    {
        if (v && json_array_append_new(arr, v) == 0)
            return true;
        error_ = "cannot encode " + what;
        return false;
    }
    // `key` as a JSON string, or `key`_hex when it is not plain UTF-8.
    bool set_text(json_t *o, const char *key, const std::string &text, const std::string &where)
    {
        if (is_plain_utf8(text))
            return set(o, key, json_stringn(text.data(), text.size()), where);
        return set(o, (std::string(key) + "_hex").c_str(), json_string(to_hex(text).c_str()), where);
    }

  private:
    std::string &error_;
};

Json build(const RuntimeEstimator &est, std::string &error)
{
    Builder b(error);
    Json root(json_object());
    if (!root) {
        error = "cannot encode the estimate store (no memory)";
        return nullptr;
    }
    json_t *r = root.get();
    if (!b.set(r, "format", json_string(kFormat), "") || !b.set(r, "version", json_integer(kVersion), "") ||
        !b.set(r, "saved", json_integer(static_cast<json_int_t>(time(nullptr))), "") ||
        !b.set(r, "learned_until", json_integer(est.learned_until), ""))
        return nullptr;
    json_t *ids = json_array();
    if (!b.set(r, "learned_ids", ids, ""))
        return nullptr;
    for (std::uint32_t id : est.learned_ids)
        if (!b.append(ids, json_integer(id), "learned_ids"))
            return nullptr;
    json_t *arr = json_array();
    if (!b.set(r, "entries", arr, ""))
        return nullptr;
    std::size_t i = 0;
    for (const auto &e : est.entries()) {
        const std::string where = "entry " + std::to_string(i++);
        json_t *o = json_object();
        if (!b.append(arr, o, where))
            return nullptr;
        if (!b.set(o, "uid", json_integer(e.uid), where))
            return nullptr;
        if (e.user_level) {
            if (!b.set(o, "user", json_true(), where))
                return nullptr;
        } else if (!b.set_text(o, "account", e.account, where) || !b.set_text(o, "name", e.name, where)) {
            return nullptr;
        }
        if (!b.set(o, "runs", json_integer(e.history.runs), where))
            return nullptr;
        json_t *last = json_array();  // o owns it from here, even when set fails
        if (!b.set(o, "last", last, where) ||
            !b.append(last, json_integer(e.history.last[0]), "last of " + where) ||
            (e.history.last[1] && !b.append(last, json_integer(e.history.last[1]), "last of " + where)))
            return nullptr;
        if (e.history.limit[0] || (e.history.last[1] && e.history.limit[1])) {
            json_t *limits = json_array();
            if (!b.set(o, "limits", limits, where) ||
                !b.append(limits, json_integer(e.history.limit[0]), "limits of " + where) ||
                (e.history.last[1] && !b.append(limits, json_integer(e.history.limit[1]), "limits of " + where)))
                return nullptr;
        }
    }
    return root;
}

}  // namespace

bool save_estimates(const std::string &path, const RuntimeEstimator &est, std::string &error)
{
    Json root = build(est, error);
    if (!root) {
        error = path + ": " + error + "; the old file stays";
        return false;
    }
    char *text = json_dumps(root.get(), JSON_COMPACT);
    if (!text) {
        error = path + ": cannot encode the estimate store (json_dumps failed); the old file stays";
        return false;
    }
    // A name of its own (PATH.new.XXXXXX): two writers (the plugin and a
    // seed, two seeds) never write into one temporary file.
    std::string tmp = path + ".new.XXXXXX";
    const int fd = mkostemp(&tmp[0], O_CLOEXEC);
    if (fd < 0) {
        error = "cannot create " + tmp + ": " + std::strerror(errno) + "; the old file stays";
        free(text);
        return false;
    }
    // Written by root (tailfold-estimates seed), the file still belongs to
    // StateSaveLocation's owner, so slurmctld as SlurmUser can read it.
    std::string why;
    bool ok = give_dir_owner(fd, dir_of(path), why);
    const std::size_t len = std::strlen(text);
    std::size_t done = 0;
    while (ok && done < len) {
        const ssize_t n = write(fd, text + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        ok = n > 0;
        if (ok)
            done += static_cast<std::size_t>(n);
        else
            why = "cannot write " + tmp + ": " + std::strerror(errno);
    }
    if (ok && (write(fd, "\n", 1) != 1 || fsync(fd) != 0)) {
        why = "cannot write " + tmp + ": " + std::strerror(errno);
        ok = false;
    }
    if (close(fd) != 0 && ok) {
        why = "cannot write " + tmp + ": " + std::strerror(errno);
        ok = false;
    }
    free(text);
    if (ok && rename(tmp.c_str(), path.c_str()) != 0) {
        why = "cannot rename " + tmp + " to " + path + ": " + std::strerror(errno);
        ok = false;
    }
    if (!ok) {
        error = why + "; the old file stays";
        unlink(tmp.c_str());
        return false;
    }
    // The rename is durable once the directory is flushed too.
    const std::string dir = dir_of(path);
    const int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 || fsync(dfd) != 0) {
        error = path + " is written but " + dir + " cannot be flushed: " + std::strerror(errno);
        if (dfd >= 0)
            close(dfd);
        return false;
    }
    close(dfd);
    return true;
}

std::vector<std::string> remove_stale_temporaries(const std::string &path)
{
    std::vector<std::string> removed;
    const std::string dir = dir_of(path);
    const std::string base = path.substr(path.find_last_of('/') + 1);
    const std::string prefix = base + ".new.";
    std::unique_ptr<DIR, int (*)(DIR *)> d(opendir(dir.c_str()), closedir);
    if (!d)
        return removed;
    while (struct dirent *e = readdir(d.get())) {
        const std::string name = e->d_name;
        // mkstemp's six characters after the prefix, nothing else.
        if (name.size() != prefix.size() + 6 || name.compare(0, prefix.size(), prefix) != 0)
            continue;
        const std::string full = dir + "/" + name;
        struct stat st;
        if (lstat(full.c_str(), &st) == 0 && S_ISREG(st.st_mode) && unlink(full.c_str()) == 0)
            removed.push_back(full);
    }
    return removed;
}

}  // namespace tailfold
