// tailfold core: chain credit.  GPL-2.0-or-later.
//
// The saved text:
//   tailfold-chains 1
//   s KEY USER SUBMIT SETTLED CREDIT PRED,PRED,...|-   a successor
//   l KEY USER ELIGIBLE START END CREDIT               a predecessor's link
//   end N                                              N entries above
// KEY and PRED are job ids, or "a" and an array's job id for a whole
// array.  Times are Unix seconds.
#include "chain_credit.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <sstream>

namespace tailfold {

namespace {

const char kHeader[] = "tailfold-chains 1";

std::string key_text(ChainBook::Key k)
{
    return ChainBook::is_array_key(k) ? "a" + std::to_string(k & 0xffffffffu) : std::to_string(k);
}

bool parse_u64(const std::string &s, std::uint64_t max, std::uint64_t &out)
{
    if (s.empty() || s.size() > 20 || s.find_first_not_of("0123456789") != std::string::npos)
        return false;
    errno = 0;
    const unsigned long long v = std::strtoull(s.c_str(), nullptr, 10);
    if (errno || v > max)
        return false;
    out = v;
    return true;
}

bool parse_key(const std::string &s, ChainBook::Key &out)
{
    std::uint64_t v;
    if (!s.empty() && s[0] == 'a') {
        if (!parse_u64(s.substr(1), 0xffffffffu, v) || !v)
            return false;
        out = ChainBook::array_key(std::uint32_t(v));
        return true;
    }
    if (!parse_u64(s, 0xffffffffu, v) || !v)
        return false;
    out = v;
    return true;
}

// Times: 0 (none) up to the year 2500; credits the same range.
bool parse_time(const std::string &s, std::int64_t &out)
{
    std::uint64_t v;
    if (!parse_u64(s, 16725225600ull, v))
        return false;
    out = std::int64_t(v);
    return true;
}

}  // namespace

std::int64_t link_credit(const ChainLink &p, std::uint32_t user, std::int64_t submit)
{
    if (p.user != user || p.start <= 0 || p.end <= 0 || p.end < p.start || submit > p.end)
        return -1;
    const std::int64_t wait = p.eligible > 0 && p.start > p.eligible ? p.start - p.eligible : 0;
    return wait + std::max<std::int64_t>(p.credit_s, 0);
}

ChainLink link_as_of(ChainLink p, std::int64_t now)
{
    if (p.start > 0 && p.end <= 0)
        p.end = now;
    return p;
}

bool gives_more(const ChainLink &a, const ChainLink &b)
{
    return link_credit(a, a.user, 0) > link_credit(b, b.user, 0);
}

std::int64_t chain_credit(std::uint32_t user, std::int64_t submit, const ChainLink *preds, std::size_t n,
                          std::int64_t max_s)
{
    std::int64_t best = 0;
    for (std::size_t i = 0; i < n; ++i)
        best = std::max(best, link_credit(preds[i], user, submit));
    return max_s > 0 ? std::min(best, max_s) : best;
}

void ChainBook::unwant(const Successor &s)
{
    for (Key p : s.preds) {
        auto it = wanted_.find(p);
        if (it != wanted_.end() && --it->second == 0)
            wanted_.erase(it);
    }
}

void ChainBook::watch(Key job, std::uint32_t user, std::int64_t submit, const std::vector<Key> &preds)
{
    Successor &s = waiting_[job];
    if (s.settled)
        return;
    unwant(s);
    s.user = user;
    s.submit = submit;
    s.preds = preds;
    std::sort(s.preds.begin(), s.preds.end());
    s.preds.erase(std::unique(s.preds.begin(), s.preds.end()), s.preds.end());
    for (Key p : s.preds)
        ++wanted_[p];
}

bool ChainBook::settled(Key job) const
{
    auto it = waiting_.find(job);
    return it != waiting_.end() && it->second.settled;
}

void ChainBook::ended(Key pred, const ChainLink &link)
{
    if (!wanted(pred))
        return;
    auto it = links_.find(pred);
    if (it == links_.end()) {
        links_.emplace(pred, link);
        return;
    }
    // Another task of the same array: keep the one giving more.
    if (gives_more(link, it->second))
        it->second = link;
}

std::int64_t ChainBook::settle(Key job, std::int64_t max_s)
{
    auto it = waiting_.find(job);
    if (it == waiting_.end())
        return 0;
    Successor &s = it->second;
    if (s.settled)
        return s.credit;
    std::vector<ChainLink> found;
    for (Key p : s.preds) {
        auto l = links_.find(p);
        if (l != links_.end())
            found.push_back(l->second);
    }
    s.credit = chain_credit(s.user, s.submit, found.data(), found.size(), max_s);
    s.settled = true;
    unwant(s);
    for (Key p : s.preds)
        if (!wanted(p))
            links_.erase(p);
    s.preds.clear();
    return s.credit;
}

std::vector<ChainBook::Key> ChainBook::unlinked(Key job) const
{
    std::vector<Key> out;
    auto it = waiting_.find(job);
    if (it != waiting_.end())
        for (Key p : it->second.preds)
            if (!links_.count(p))
                out.push_back(p);
    return out;
}

void ChainBook::set_provisional(Key job, std::int64_t credit)
{
    auto it = waiting_.find(job);
    if (it != waiting_.end() && !it->second.settled)
        it->second.credit = std::max<std::int64_t>(credit, 0);
}

std::int64_t ChainBook::credit(Key job) const
{
    auto it = waiting_.find(job);
    return it != waiting_.end() ? it->second.credit : 0;
}

void ChainBook::prune(const std::function<bool(Key)> &alive)
{
    for (auto it = waiting_.begin(); it != waiting_.end();) {
        if (alive(it->first)) {
            ++it;
            continue;
        }
        unwant(it->second);
        it = waiting_.erase(it);
    }
    for (auto it = links_.begin(); it != links_.end();)
        it = wanted(it->first) ? std::next(it) : links_.erase(it);
}

std::string ChainBook::save() const
{
    // Sorted, so the same book always gives the same text.
    std::vector<Key> keys;
    for (const auto &e : waiting_)
        keys.push_back(e.first);
    std::sort(keys.begin(), keys.end());
    std::string out = std::string(kHeader) + "\n";
    for (Key k : keys) {
        const Successor &s = waiting_.at(k);
        std::string preds;
        for (Key p : s.preds)
            preds += (preds.empty() ? "" : ",") + key_text(p);
        out += "s " + key_text(k) + " " + std::to_string(s.user) + " " + std::to_string(s.submit) + " " +
               (s.settled ? "1" : "0") + " " + std::to_string(s.credit) + " " + (preds.empty() ? "-" : preds) +
               "\n";
    }
    keys.clear();
    for (const auto &e : links_)
        keys.push_back(e.first);
    std::sort(keys.begin(), keys.end());
    for (Key k : keys) {
        const ChainLink &l = links_.at(k);
        out += "l " + key_text(k) + " " + std::to_string(l.user) + " " + std::to_string(l.eligible) + " " +
               std::to_string(l.start) + " " + std::to_string(l.end) + " " + std::to_string(l.credit_s) + "\n";
    }
    return out + "end " + std::to_string(waiting_.size() + links_.size()) + "\n";
}

bool ChainBook::parse(const std::string &text, std::string &error)
{
    if (text.empty()) {
        error = "empty (0 bytes)";
        return false;
    }
    ChainBook book;
    std::istringstream in(text);
    std::string line;
    std::size_t no = 0, entries = 0;
    bool end = false;
    auto bad = [&](const std::string &what) {
        error = "line " + std::to_string(no) + ": " + what;
        return false;
    };
    while (std::getline(in, line)) {
        ++no;
        if (no == 1) {
            if (line != kHeader)
                return bad("not a tailfold chain file (want \"" + std::string(kHeader) + "\")");
            continue;
        }
        std::istringstream f(line);
        std::vector<std::string> w;
        for (std::string s; f >> s;)
            w.push_back(s);
        if (end)
            return bad("text after the end line");
        if (w.empty())
            return bad("empty line");
        if (w[0] == "end") {
            std::uint64_t n;
            if (w.size() != 2 || !parse_u64(w[1], UINT64_MAX, n) || n != entries)
                return bad("the end line does not count the " + std::to_string(entries) + " entries above");
            end = true;
            continue;
        }
        ++entries;
        Key key;
        std::uint64_t user;
        if (w[0] == "s") {
            std::int64_t submit, credit;
            if (w.size() != 7)
                return bad("a successor has 7 fields, this line " + std::to_string(w.size()));
            if (!parse_key(w[1], key) || !parse_u64(w[2], 0xffffffffu, user) || !parse_time(w[3], submit) ||
                (w[4] != "0" && w[4] != "1") || !parse_time(w[5], credit))
                return bad("a successor's job, user, submit time, settled flag or credit is not a number");
            if (book.waiting_.count(key))
                return bad("job " + w[1] + " is listed twice");
            std::vector<Key> preds;
            if (w[6] != "-") {
                std::stringstream ps(w[6]);
                for (std::string p; std::getline(ps, p, ',');) {
                    Key pk;
                    if (!parse_key(p, pk))
                        return bad("predecessor '" + p + "' is not a job id");
                    preds.push_back(pk);
                }
            }
            book.watch(key, std::uint32_t(user), submit, preds);
            Successor &s = book.waiting_[key];
            s.credit = credit;
            if (w[4] == "1") {
                book.unwant(s);
                s.preds.clear();
                s.settled = true;
            }
        } else if (w[0] == "l") {
            ChainLink l;
            if (w.size() != 7)
                return bad("a link has 7 fields, this line " + std::to_string(w.size()));
            if (!parse_key(w[1], key) || !parse_u64(w[2], 0xffffffffu, user) || !parse_time(w[3], l.eligible) ||
                !parse_time(w[4], l.start) || !parse_time(w[5], l.end) || !parse_time(w[6], l.credit_s))
                return bad("a link's job, user, times or credit is not a number");
            if (book.links_.count(key))
                return bad("link " + w[1] + " is listed twice");
            l.user = std::uint32_t(user);
            book.links_.emplace(key, l);
        } else {
            return bad("unknown entry '" + w[0] + "'");
        }
    }
    if (!end)
        return bad("no end line: the file is cut short");
    // Links nobody waits for any more are dropped as prune would.
    for (auto it = book.links_.begin(); it != book.links_.end();)
        it = book.wanted(it->first) ? std::next(it) : book.links_.erase(it);
    *this = std::move(book);
    return true;
}

}  // namespace tailfold
